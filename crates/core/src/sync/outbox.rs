//! The outbox: every local write records the op that tells the server about it, in the same
//! transaction, so a change can never be saved locally and forgotten by sync (or vice versa).
//!
//! This file is the only writer of the `outbox` table: queueing, settling what the server
//! answered, putting refused ops away, and the rewrites enrolling and erasure need.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::{Op, OpResult, OpStatus};
use uuid::Uuid;

use crate::db::ts;
use crate::error::Result;

/// Applied ops are kept this long after the server confirmed them, so that if the server is
/// restored from a backup older than that, this desk can send them again.
pub const KEEP_APPLIED_OPS: Duration = Duration::days(30);

pub(crate) fn enqueue(tx: &Transaction<'_>, op: &Op, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO outbox (op_id, kind, entity_id, payload, hlc, state, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
    )?
    .execute(params![
        op.op_id.to_string(),
        op.body.kind(),
        op.body.entity_id().to_string(),
        serde_json::to_string(op)?,
        op.hlc.to_string(),
        ts(now),
    ])?;
    Ok(())
}

/// How much is waiting to reach the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Type)]
pub struct OutboxCounts {
    pub pending: u32,
    pub rejected: u32,
}

pub fn counts(conn: &Connection) -> Result<OutboxCounts> {
    Ok(conn
        .prepare_cached("SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'rejected' AND dismissed_at IS NULL), 0) FROM outbox")?
        .query_row([], |r| Ok(OutboxCounts { pending: r.get(0)?, rejected: r.get(1)? }))?)
}

/// The ops still waiting, oldest first.
pub fn pending(conn: &Connection, limit: usize) -> Result<Vec<Op>> {
    let mut stmt = conn.prepare_cached("SELECT payload FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?1")?;
    let rows = stmt.query_map([limit as i64], |r| r.get::<_, String>(0))?;
    let mut ops = Vec::new();
    for payload in rows {
        ops.push(serde_json::from_str(&payload?)?);
    }
    Ok(ops)
}

/// The waiting ops queued after `after` (a seq), oldest first, at most `max_ops` and about
/// `max_bytes` of JSON; also the last seq taken.
pub(crate) fn batch_after(conn: &Connection, after: i64, max_ops: usize, max_bytes: usize) -> Result<(Vec<Op>, i64)> {
    let mut stmt = conn
        .prepare_cached("SELECT seq, payload FROM outbox WHERE state = 'pending' AND seq > ?1 ORDER BY seq LIMIT ?2")?;
    let rows = stmt.query_map(params![after, max_ops as i64], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut ops = Vec::new();
    let mut bytes = 0;
    let mut last = after;
    for row in rows {
        let (seq, payload) = row?;
        bytes += payload.len() + 1;
        if !ops.is_empty() && bytes > max_bytes {
            break;
        }
        ops.push(serde_json::from_str(&payload)?);
        last = seq;
    }
    Ok((ops, last))
}

/// Records the server's answer for each pushed op: confirmed ops leave the queue (kept a while
/// as applied), refused ones are kept aside with the reason for a person to see.
pub(crate) fn settle(tx: &Transaction<'_>, results: &[OpResult], now: DateTime<Utc>) -> Result<()> {
    let mut confirmed: Vec<String> = Vec::with_capacity(results.len());
    {
        let mut rejected = tx.prepare_cached(
            "UPDATE outbox SET state = 'rejected', settled_at = ?2, reject_code = ?3, last_error = ?4,
                 attempts = attempts + 1 WHERE op_id = ?1 AND state = 'pending'",
        )?;
        for r in results {
            match &r.status {
                OpStatus::Applied | OpStatus::Duplicate => confirmed.push(r.op_id.to_string()),
                OpStatus::Rejected { code, message } => {
                    let code = serde_json::to_value(code)?.as_str().unwrap_or("invalid").to_owned();
                    rejected.execute(params![r.op_id.to_string(), ts(now), code, message])?;
                }
            }
        }
    }
    // One statement for the whole batch of confirmed ops.
    tx.prepare_cached(
        "UPDATE outbox SET state = 'applied', settled_at = ?2, last_error = NULL
         WHERE op_id IN (SELECT value FROM json_each(?1))",
    )?
    .execute(params![serde_json::to_string(&confirmed)?, ts(now)])?;
    tx.execute("DELETE FROM outbox WHERE state = 'applied' AND settled_at < ?1", [ts(now - KEEP_APPLIED_OPS)])?;
    Ok(())
}

/// Refuses one waiting op for good, with the reason a person will read.
pub(crate) fn refuse(conn: &Connection, op_id: Uuid, code: &str, message: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'rejected', settled_at = ?2, reject_code = ?3, last_error = ?4,
             attempts = attempts + 1 WHERE op_id = ?1 AND state = 'pending'",
        params![op_id.to_string(), ts(now), code, message],
    )?;
    Ok(())
}

/// Puts a refused op away once a person has seen it; false when there was no such op.
pub(crate) fn dismiss(conn: &Connection, op_id: Uuid, now: DateTime<Utc>) -> Result<bool> {
    let n = conn.execute(
        "UPDATE outbox SET dismissed_at = ?2 WHERE op_id = ?1 AND state = 'rejected' AND dismissed_at IS NULL",
        params![op_id.to_string(), ts(now)],
    )?;
    Ok(n > 0)
}

/// Queues again every op the server confirmed recently (a restored server may have lost them).
pub(crate) fn requeue_applied(tx: &Transaction<'_>) -> Result<()> {
    tx.execute("UPDATE outbox SET state = 'pending', settled_at = NULL WHERE state = 'applied'", [])?;
    Ok(())
}

/// A round failed: every waiting op counts one more attempt.
pub(crate) fn count_attempt(conn: &Connection) -> Result<()> {
    conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE state = 'pending'", [])?;
    Ok(())
}

/// Erasure: profile changes not sent yet about this customer must not carry their data.
pub(crate) fn drop_pending_profile_changes(tx: &Transaction<'_>, customer: Uuid) -> Result<()> {
    tx.execute(
        "DELETE FROM outbox WHERE state = 'pending' AND kind = 'customer_patch' AND entity_id = ?1",
        [customer.to_string()],
    )?;
    Ok(())
}

/// Enrolling: waiting ops recorded against the desk's own store now name the server's.
pub(crate) fn move_store(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    rewrite_pending(tx, &["$.store_id", "$.body.home_store_id"], old, new)
}

/// Enrolling: waiting ops that name a touch point the desk made up now name the server's.
pub(crate) fn move_touch_point(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    rewrite_pending(tx, &["$.body.touch_point_id", "$.body.changes.touch_point_id"], old, new)
}

/// In every waiting op, the value `old` at each JSON path becomes `new`.
fn rewrite_pending(tx: &Transaction<'_>, paths: &[&str], old: &str, new: &str) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "UPDATE outbox SET payload = json_set(payload, ?3, ?2)
         WHERE state = 'pending' AND json_extract(payload, ?3) = ?1",
    )?;
    for path in paths {
        stmt.execute(params![old, new, path])?;
    }
    Ok(())
}
