//! What the desk says about sync, always and truthfully: connected or not, how much is
//! waiting, when it last worked, and every refused change with what a person can do about it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use specta::Type;
use uuid::Uuid;

use super::outbox::OutboxCounts;
use super::secret::SecretPlace;
use crate::db::{opt_ts_col, ts_col, uuid_col};
use crate::error::{CoreError, Result};
use crate::Desk;
use touchpoint_protocol::Op;

/// Why sync stopped until a person acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// An administrator revoked this device.
    Revoked,
    /// The app and the server do not share a protocol version.
    UpdateApp,
    /// The server no longer knows this device (its enrollment was lost).
    EnrollAgain,
}

impl Block {
    pub fn as_str(self) -> &'static str {
        match self {
            Block::Revoked => "revoked",
            Block::UpdateApp => "update_app",
            Block::EnrollAgain => "enroll_again",
        }
    }

    pub fn parse(s: &str) -> Option<Block> {
        [Block::Revoked, Block::UpdateApp, Block::EnrollAgain].into_iter().find(|b| b.as_str() == s)
    }
}

/// What the engine needs to talk to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSettings {
    pub server_url: String,
    pub device_id: Uuid,
    pub org_id: Uuid,
    pub store_id: Uuid,
    pub device_name: String,
    pub refresh_token: String,
    pub cursor: i64,
    pub epoch: Option<Uuid>,
    pub bootstrapped: bool,
    pub blocked: Option<Block>,
}

/// The sync indicator's whole truth.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct SyncStatus {
    /// False while the desk works on its own (no server configured).
    pub connected: bool,
    pub server_url: Option<String>,
    pub device_name: Option<String>,
    /// Whether the last attempt reached the server (None before any attempt).
    pub online: Option<bool>,
    /// A sync round is running now.
    pub syncing: bool,
    /// Changes made here that the server has not confirmed yet.
    pub pending: u32,
    /// Changes the server refused, waiting for a person to look at them.
    pub rejected: u32,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed, in words for people.
    pub last_error: Option<String>,
    pub blocked: Option<Block>,
    /// The first download: how far it is (0–100), until it finishes.
    pub first_sync_percent: Option<u32>,
    /// Changes received from other desks since the app started (views refresh when it moves).
    pub received: u32,
    /// Where this desk keeps its sign-in with the server (None until it is connected).
    pub secret_kept_in: Option<SecretPlace>,
}

/// A change the server refused, with what a person can do about it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct RejectedChange {
    pub op_id: Uuid,
    /// What the change was, in words ("Conversation logged", "Profile change").
    pub what: String,
    /// The customer it was about, if any.
    pub customer_id: Option<Uuid>,
    pub customer_name: Option<String>,
    /// The server's code: invalid, wrong_device, forbidden, unknown_reference; or server_error
    /// when the server failed on this change alone, every time.
    pub code: String,
    /// The server's reason.
    pub reason: String,
    /// What to do next.
    pub advice: String,
    pub made_at: DateTime<Utc>,
    pub refused_at: Option<DateTime<Utc>>,
}

fn describe(kind: &str) -> &'static str {
    match kind {
        "customer_patch" => "Customer profile change",
        "interaction_logged" => "Conversation logged",
        "feedback_recorded" => "How the customer felt",
        "interaction_amended" => "Correction to a conversation",
        "follow_up_patch" => "Follow-up change",
        "customer_deleted" => "Customer deleted",
        "customer_restored" => "Customer restored",
        "customer_erased" => "Customer erased",
        _ => "Change",
    }
}

fn advise(code: &str) -> &'static str {
    match code {
        "invalid" => "It stays on this desk only. Check it on the customer's page and record it again if needed.",
        "wrong_device" => "This desk's enrollment does not match. Ask an administrator to enroll it again.",
        "forbidden" => "Your role cannot make this change. Ask a supervisor to make it.",
        "unknown_reference" => "It refers to something the server does not know. Ask an administrator.",
        "server_error" => {
            "The changes after it went through; this one stays on this desk. Tell your administrator: the server's log says why."
        }
        _ => "It stays on this desk only. Ask an administrator if it matters.",
    }
}

impl Desk {
    /// The persisted half of the sync status; the running engine adds `syncing` and `online`.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let counts = crate::sync::outbox::counts(&self.conn)?;
        let status = self.conn.query_row(
            "SELECT server_url IS NOT NULL AND (refresh_token IS NOT NULL OR secret_place IS NOT NULL), server_url,
                    device_name, last_success_at, last_attempt_at, next_attempt_at, last_error, blocked, bootstrapped,
                    bootstrap_target, pull_cursor, failures, secret_place
             FROM sync_state",
            [],
            |r| {
                let connected: bool = r.get(0)?;
                let bootstrapped: bool = r.get(8)?;
                let target: Option<i64> = r.get(9)?;
                let cursor: i64 = r.get(10)?;
                let failures: i64 = r.get(11)?;
                let last_attempt_at = opt_ts_col(r, 4)?;
                let percent = (connected && !bootstrapped).then(|| match target {
                    Some(t) if t > 0 => ((cursor.max(0) * 100) / t).clamp(0, 99) as u32,
                    _ => 0,
                });
                Ok(SyncStatus {
                    connected,
                    server_url: r.get(1)?,
                    device_name: r.get(2)?,
                    online: last_attempt_at.map(|_| failures == 0),
                    syncing: false,
                    pending: counts.pending,
                    rejected: counts.rejected,
                    last_success_at: opt_ts_col(r, 3)?,
                    last_attempt_at,
                    next_attempt_at: opt_ts_col(r, 5)?,
                    last_error: r.get(6)?,
                    blocked: r.get::<_, Option<String>>(7)?.as_deref().and_then(Block::parse),
                    first_sync_percent: percent,
                    received: 0,
                    secret_kept_in: r.get::<_, Option<String>>(12)?.as_deref().and_then(SecretPlace::parse),
                })
            },
        )?;
        Ok(status)
    }

    /// Refused changes not yet put away, newest first.
    pub fn rejected_changes(&self) -> Result<Vec<RejectedChange>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.op_id, o.kind, coalesce(o.reject_code, 'invalid'), coalesce(o.last_error, ''), o.created_at,
                    o.settled_at, c.id, c.name
             FROM outbox o
             LEFT JOIN customers c ON c.id = coalesce(json_extract(o.payload, '$.body.customer_id'),
                 (SELECT i.customer_id FROM interactions i WHERE i.id = json_extract(o.payload, '$.body.interaction_id')))
             WHERE o.state = 'rejected' AND o.dismissed_at IS NULL
             ORDER BY o.seq DESC LIMIT 200",
        )?;
        let rows = stmt.query_map([], |r| {
            let kind: String = r.get(1)?;
            let code: String = r.get(2)?;
            let name: Option<String> = r.get(7)?;
            Ok(RejectedChange {
                op_id: uuid_col(r, 0)?,
                what: describe(&kind).to_owned(),
                customer_id: r.get::<_, Option<String>>(6)?.and_then(|s| Uuid::try_parse(&s).ok()),
                customer_name: name.filter(|n| !n.is_empty()),
                advice: advise(&code).to_owned(),
                code,
                reason: r.get(3)?,
                made_at: ts_col(r, 4)?,
                refused_at: opt_ts_col(r, 5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Puts a refused change away once a person has seen it (it stays in the outbox table as
    /// a record; it is never sent again).
    pub fn dismiss_rejected(&mut self, op_id: Uuid) -> Result<()> {
        if !super::outbox::dismiss(&self.conn, op_id, self.clock.now())? {
            return Err(CoreError::not_found("This refused change"));
        }
        Ok(())
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts> {
        super::outbox::counts(&self.conn)
    }

    pub fn pending_ops(&self, limit: usize) -> Result<Vec<Op>> {
        super::outbox::pending(&self.conn, limit)
    }
}
