//! The outbox: every local write records the op that tells the server about it, in the same
//! transaction, so a change can never be saved locally and forgotten by sync (or vice versa).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::Op;

use crate::db::ts;
use crate::error::Result;

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
