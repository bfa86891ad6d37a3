//! The desk's side of sync: what the engine reads and records between calls to the server.
//! Each method is one short SQLite transaction, so the engine never holds the desk while it
//! waits on the network.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior};
use touchpoint_protocol::{Change, EnrollResponse, Op, OpResult, PullResponse};
use uuid::Uuid;

use super::enrollment;
use super::outbox;
use super::secret::{SecretPlace, Secrets};
use super::state;
use super::status::{Block, SyncSettings};
use crate::db::opt_ts_col;
use crate::device;
use crate::error::{CoreError, Result};
use crate::hlc::Hlc;
use crate::Desk;

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
        state::enrolled(&tx, server_url, device_name, resp, place.as_str(), now)?;
        tx.commit()?;
        self.store_id = resp.store_id;
        Ok(())
    }

    /// Forgets the server (after a revocation, or to enroll elsewhere). Local data stays, and
    /// changes not yet sent stay queued for the next enrollment.
    pub fn disconnect(&mut self) -> Result<()> {
        state::disconnected(&self.conn)?;
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
        state::secret_kept(&self.conn, place.as_str())?;
        Ok(())
    }

    /// The next ops to push, oldest first, at most `max_ops` and about `max_bytes` of JSON.
    pub fn outbox_batch(&self, max_ops: usize, max_bytes: usize) -> Result<Vec<Op>> {
        Ok(self.outbox_batch_after(0, max_ops, max_bytes)?.0)
    }

    /// Like `outbox_batch`, for ops queued after `after` (the last seq of a batch still in
    /// flight); also returns the last seq it took.
    pub fn outbox_batch_after(&self, after: i64, max_ops: usize, max_bytes: usize) -> Result<(Vec<Op>, i64)> {
        outbox::batch_after(&self.conn, after, max_ops, max_bytes)
    }

    /// Records the server's answer for each pushed op: confirmed ops leave the queue, refused
    /// ones are kept aside with the reason for a person to see.
    pub fn settle_pushed(&mut self, results: &[OpResult], server_time: DateTime<Utc>) -> Result<()> {
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        outbox::settle(&tx, results, now)?;
        tx.commit()?;
        self.learn_server_time(server_time)
    }

    /// Refuses one op for good without the server's word (the server refused the request
    /// itself, for example because the op alone is larger than any push may be).
    pub fn refuse_op(&mut self, op_id: Uuid, code: &str, message: &str) -> Result<()> {
        outbox::refuse(&self.conn, op_id, code, message, self.clock.now())
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
        state::page_applied(&tx, page, done)?;
        let bootstrapped = done && !was_bootstrapped;
        if bootstrapped {
            enrollment::retire_local(&tx)?;
        }
        if let Some(h) = newest {
            self.hlc.observe(h);
            device::set_last_hlc(&tx, &self.hlc.last())?;
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
            device::set_last_hlc(&tx, &self.hlc.last())?;
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
        state::restart(&tx)?;
        outbox::requeue_applied(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// A sync round finished: everything waiting was sent and everything new was received.
    pub fn note_sync_success(&mut self) -> Result<()> {
        state::succeeded(&self.conn, self.clock.now())
    }

    /// A sync round failed; `retry_at` is when the engine will try again by itself.
    pub fn note_sync_failure(&mut self, message: &str, retry_at: Option<DateTime<Utc>>) -> Result<u32> {
        let failures = state::failed(&self.conn, message, retry_at, self.clock.now())?;
        outbox::count_attempt(&self.conn)?;
        Ok(failures)
    }

    /// Sync stops until a person acts (revoked device, app too old, enrollment lost).
    pub fn note_sync_blocked(&mut self, block: Block, message: &str) -> Result<()> {
        state::blocked(&self.conn, block.as_str(), message, self.clock.now())
    }

    /// Failed rounds in a row (for the backoff).
    pub fn sync_failures(&self) -> u32 {
        self.conn.query_row("SELECT failures FROM sync_state", [], |r| r.get(0)).unwrap_or(1)
    }

    pub fn set_next_attempt(&mut self, at: DateTime<Utc>) -> Result<()> {
        state::next_attempt(&self.conn, at)
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
            state::clock_offset(&self.conn, offset)?;
            self.clock_offset_ms = offset;
        }
        Ok(())
    }

    /// How far this desk's clock is behind the server's (negative: ahead), as last measured.
    pub fn clock_offset(&self) -> Duration {
        Duration::milliseconds(self.clock_offset_ms)
    }
}
