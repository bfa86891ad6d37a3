//! The desk's side of sync: what the engine reads and records between calls to the server.
//! Each method is one short SQLite transaction, so the engine never holds the desk while it
//! waits on the network.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use touchpoint_protocol::{Change, EnrollResponse, Op, OpResult, OpStatus, PullResponse};
use uuid::Uuid;

use super::enrollment;
use super::secret::{SecretPlace, Secrets};
use super::status::{Block, SyncSettings};
use crate::db::{opt_ts_col, ts};
use crate::error::{CoreError, Result};
use crate::hlc::Hlc;
use crate::Desk;

/// Applied ops are kept this long after the server confirmed them, so that if the server is
/// restored from a backup older than that, this desk can send them again.
pub const KEEP_APPLIED_OPS: Duration = Duration::days(30);

/// What one applied pull page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageApplied {
    pub changes: usize,
    pub cursor: i64,
    /// The first download has just finished.
    pub bootstrapped: bool,
}

/// Where a test wants the desk to fail while applying a pulled page (a crash, simulated).
#[cfg(feature = "test-faults")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullFault {
    /// The process dies after applying the changes but before the transaction commits.
    AbortBeforeCommit,
}

impl Desk {
    /// The enrollment and the sync cursor, or `None` while the desk is local only.
    pub fn sync_settings(&self) -> Result<Option<SyncSettings>> {
        let row = self
            .conn
            .query_row(
                "SELECT server_url, org_id, refresh_token, pull_cursor, server_epoch, bootstrapped, blocked, device_name,
                        secret_place
                 FROM sync_state WHERE server_url IS NOT NULL AND (refresh_token IS NOT NULL OR secret_place IS NOT NULL)",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, bool>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                    ))
                },
            )
            .optional()?;
        let Some((server_url, org, in_database, cursor, epoch, bootstrapped, blocked, device_name, place)) = row else {
            return Ok(None);
        };
        let refresh_token = match (in_database, place.as_deref().and_then(SecretPlace::parse)) {
            // Kept in the database by an earlier version: it moves out now.
            (Some(token), _) => {
                self.keep_refresh_token(&token)?;
                token
            }
            (None, Some(place)) => self.secrets().load(place)?,
            (None, None) => return Ok(None),
        };
        let bad = |what: &str| CoreError::Storage { message: format!("The saved {what} is unreadable.") };
        Ok(Some(SyncSettings {
            server_url,
            device_id: self.device_id,
            org_id: Uuid::try_parse(&org).map_err(|_| bad("organisation"))?,
            store_id: self.store_id,
            refresh_token,
            cursor,
            epoch: epoch.as_deref().map(Uuid::try_parse).transpose().map_err(|_| bad("server epoch"))?,
            bootstrapped,
            blocked: blocked.as_deref().and_then(Block::parse),
            device_name: device_name.unwrap_or_default(),
        }))
    }

    /// Records a successful enrollment: the desk now belongs to the server's organisation and
    /// store, and its own history moves onto that store before anything is pushed.
    pub fn complete_enrollment(&mut self, server_url: &str, device_name: &str, resp: &EnrollResponse) -> Result<()> {
        if resp.device_id != self.device_id {
            return Err(CoreError::Storage {
                message: "The server enrolled another device id than this desk's.".into(),
            });
        }
        let now = self.clock.now();
        let place = self.secrets().save(&resp.refresh_token)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        enrollment::move_store(&tx, &self.store_id.to_string(), &resp.store_id.to_string())?;
        tx.execute(
            "UPDATE sync_state SET server_url = ?1, org_id = ?2, refresh_token = NULL, secret_place = ?3,
                 device_name = ?4, enrolled_at = ?5,
                 pull_cursor = 0, server_epoch = NULL, bootstrapped = 0, bootstrap_target = NULL, blocked = NULL,
                 failures = 0, last_error = NULL, next_attempt_at = NULL, device_role = ?6",
            params![
                server_url,
                resp.org_id.to_string(),
                place.as_str(),
                device_name,
                ts(now),
                resp.device_role.as_str()
            ],
        )?;
        tx.commit()?;
        self.store_id = resp.store_id;
        Ok(())
    }

    /// Forgets the server (after a revocation, or to enroll elsewhere). Local data stays, and
    /// changes not yet sent stay queued for the next enrollment.
    pub fn disconnect(&mut self) -> Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET server_url = NULL, refresh_token = NULL, secret_place = NULL, blocked = NULL,
                 failures = 0, next_attempt_at = NULL, last_error = NULL",
            [],
        )?;
        self.secrets().forget();
        Ok(())
    }

    fn secrets(&self) -> Secrets {
        Secrets::new(self.path.parent().unwrap_or(std::path::Path::new(".")), self.device_id)
    }

    /// Keeps the desk's refresh token (after enrolling, or the one the server rotated in) in the
    /// keychain or the private file, and records where; the database never holds it.
    pub fn keep_refresh_token(&self, token: &str) -> Result<()> {
        let place = self.secrets().save(token)?;
        self.conn.execute("UPDATE sync_state SET refresh_token = NULL, secret_place = ?1", [place.as_str()])?;
        Ok(())
    }

    /// The next ops to push, oldest first, at most `max_ops` and about `max_bytes` of JSON.
    pub fn outbox_batch(&self, max_ops: usize, max_bytes: usize) -> Result<Vec<Op>> {
        Ok(self.outbox_batch_after(0, max_ops, max_bytes)?.0)
    }

    /// Like `outbox_batch`, for ops queued after `after` (the last seq of a batch still in
    /// flight); also returns the last seq it took.
    pub fn outbox_batch_after(&self, after: i64, max_ops: usize, max_bytes: usize) -> Result<(Vec<Op>, i64)> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, payload FROM outbox WHERE state = 'pending' AND seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows =
            stmt.query_map(params![after, max_ops as i64], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
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

    /// Records the server's answer for each pushed op: confirmed ops leave the queue, refused
    /// ones are kept aside with the reason for a person to see.
    pub fn settle_pushed(&mut self, results: &[OpResult], server_time: DateTime<Utc>) -> Result<()> {
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
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
        tx.commit()?;
        self.learn_server_time(server_time)
    }

    /// Refuses one op for good without the server's word (the server refused the request
    /// itself, for example because the op alone is larger than any push may be).
    pub fn refuse_op(&mut self, op_id: Uuid, code: &str, message: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'rejected', settled_at = ?2, reject_code = ?3, last_error = ?4,
                 attempts = attempts + 1 WHERE op_id = ?1 AND state = 'pending'",
            params![op_id.to_string(), ts(self.clock.now()), code, message],
        )?;
        Ok(())
    }

    /// Applies one pulled page and moves the cursor in the same transaction, so a crash
    /// leaves either both or neither: no change is skipped, none is applied twice.
    pub fn apply_pulled(&mut self, page: &PullResponse) -> Result<PageApplied> {
        self.apply_pulled_then(page, || {})
    }

    /// [`apply_pulled`](Self::apply_pulled) with a fault injected (tests only: the
    /// `test-faults` feature).
    #[cfg(feature = "test-faults")]
    pub fn apply_pulled_with_fault(&mut self, page: &PullResponse, fault: Option<PullFault>) -> Result<PageApplied> {
        match fault {
            Some(PullFault::AbortBeforeCommit) => self.apply_pulled_then(page, || std::process::abort()),
            None => self.apply_pulled(page),
        }
    }

    /// Applies the page; `before_commit` runs once everything is written and nothing committed.
    fn apply_pulled_then(&mut self, page: &PullResponse, before_commit: impl FnOnce()) -> Result<PageApplied> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut newest: Option<Hlc> = None;
        let mut applied = super::apply::Page::default();
        for change in &page.changes {
            super::apply::apply(&tx, &change.op, &mut applied)?;
            newest = newest.max(Some(change.op.hlc));
        }
        applied.finish(&tx)?;
        before_commit();
        let was_bootstrapped: bool = tx.query_row("SELECT bootstrapped FROM sync_state", [], |r| r.get(0))?;
        let done = !page.has_more;
        tx.execute(
            "UPDATE sync_state SET pull_cursor = ?1, server_epoch = ?2,
                 bootstrap_target = CASE WHEN bootstrapped = 0 THEN max(coalesce(bootstrap_target, 0), ?3)
                                         ELSE bootstrap_target END,
                 bootstrapped = CASE WHEN ?4 THEN 1 ELSE bootstrapped END",
            params![page.next_since, page.server_epoch.to_string(), page.head_seq, done],
        )?;
        let bootstrapped = done && !was_bootstrapped;
        if bootstrapped {
            enrollment::retire_local_staff(&tx)?;
            enrollment::retire_local_criteria(&tx)?;
        }
        if let Some(h) = newest {
            self.hlc.observe(h);
            tx.execute("UPDATE device SET last_hlc = ?1", [self.hlc.last().to_string()])?;
        }
        tx.commit()?;
        if let Some(t) = page.server_time {
            self.learn_server_time(t)?;
        }
        Ok(PageApplied { changes: page.changes.len(), cursor: page.next_since, bootstrapped })
    }

    /// Applies a customer's history brought in by opening them from a server search.
    pub fn apply_adopted(&mut self, changes: &[Change]) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut newest: Option<Hlc> = None;
        let mut applied = super::apply::Page::default();
        for change in changes {
            super::apply::apply(&tx, &change.op, &mut applied)?;
            newest = newest.max(Some(change.op.hlc));
        }
        applied.finish(&tx)?;
        if let Some(h) = newest {
            self.hlc.observe(h);
            tx.execute("UPDATE device SET last_hlc = ?1", [self.hlc.last().to_string()])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The server's history no longer matches this desk's cursor (restored from a backup, or
    /// trimmed): start the download again from the beginning, and queue again every op the
    /// server had confirmed recently, since a restored server may have lost them. Nothing
    /// local is dropped; the server answers "duplicate" for what it still has.
    pub fn restart_sync(&mut self) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("UPDATE sync_state SET pull_cursor = 0, server_epoch = NULL", [])?;
        tx.execute("UPDATE outbox SET state = 'pending', settled_at = NULL WHERE state = 'applied'", [])?;
        tx.commit()?;
        Ok(())
    }

    /// A sync round finished: everything waiting was sent and everything new was received.
    pub fn note_sync_success(&mut self) -> Result<()> {
        let now = self.clock.now();
        self.conn.execute(
            "UPDATE sync_state SET last_success_at = ?1, last_attempt_at = ?1, failures = 0, last_error = NULL,
                 next_attempt_at = NULL, blocked = NULL",
            [ts(now)],
        )?;
        Ok(())
    }

    /// A sync round failed; `retry_at` is when the engine will try again by itself.
    pub fn note_sync_failure(&mut self, message: &str, retry_at: Option<DateTime<Utc>>) -> Result<u32> {
        let now = self.clock.now();
        self.conn.execute(
            "UPDATE sync_state SET last_attempt_at = ?1, failures = failures + 1, last_error = ?2, next_attempt_at = ?3",
            params![ts(now), message, retry_at.map(ts)],
        )?;
        self.conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE state = 'pending'", [])?;
        Ok(self.conn.query_row("SELECT failures FROM sync_state", [], |r| r.get(0))?)
    }

    /// Sync stops until a person acts (revoked device, app too old, enrollment lost).
    pub fn note_sync_blocked(&mut self, block: Block, message: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET blocked = ?1, last_error = ?2, last_attempt_at = ?3, next_attempt_at = NULL",
            params![block.as_str(), message, ts(self.clock.now())],
        )?;
        Ok(())
    }

    /// Failed rounds in a row (for the backoff).
    pub fn sync_failures(&self) -> u32 {
        self.conn.query_row("SELECT failures FROM sync_state", [], |r| r.get(0)).unwrap_or(1)
    }

    pub fn set_next_attempt(&mut self, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute("UPDATE sync_state SET next_attempt_at = ?1", [ts(at)])?;
        Ok(())
    }

    pub fn last_sync_success(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(self.conn.query_row("SELECT last_success_at FROM sync_state", [], |r| opt_ts_col(r, 0))?)
    }

    /// Remembers how far this desk's clock is from the server's, so new stamps are corrected.
    /// Differences under a second are network delay, not a wrong clock.
    fn learn_server_time(&mut self, server_time: DateTime<Utc>) -> Result<()> {
        let offset = (server_time - self.clock.now()).num_milliseconds();
        let offset = if offset.abs() < 1000 { 0 } else { offset };
        if offset != self.clock_offset_ms {
            self.conn.execute("UPDATE sync_state SET clock_offset_ms = ?1", [offset])?;
            self.clock_offset_ms = offset;
        }
        Ok(())
    }

    /// How far this desk's clock is behind the server's (negative: ahead), as last measured.
    pub fn clock_offset(&self) -> Duration {
        Duration::milliseconds(self.clock_offset_ms)
    }
}
