//! Push and pull: the two calls a device makes to stay in step with the server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::Op;

/// At most this many ops in one push…
pub const MAX_PUSH_OPS: usize = 500;
/// …and at most this many bytes of JSON.
pub const MAX_PUSH_BYTES: usize = 4 * 1024 * 1024;
/// At most this many changes in one pull page.
pub const MAX_PULL_LIMIT: u32 = 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    pub ops: Vec<Op>,
    /// The device's pull cursor: changes up to here were seen before these ops were made, so
    /// a same-field edit after it is concurrent (a conflict), one before it is not.
    #[serde(default)]
    pub known_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// One result per op, in the order they were sent.
    pub results: Vec<OpResult>,
    pub server_time: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpResult {
    pub op_id: Uuid,
    #[serde(flatten)]
    pub status: OpStatus,
    /// Where the change sits in the organisation's change log (absent when rejected).
    pub server_seq: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OpStatus {
    /// Applied now.
    Applied,
    /// Applied before (the ledger answered): nothing changed now.
    Duplicate,
    /// Refused for good: the op is taken out of the queue and shown to a person.
    Rejected { code: RejectCode, message: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The op's content breaks a rule (a score out of range, an unknown touch point…).
    Invalid,
    /// The op names another device or store than the token.
    WrongDevice,
    /// The staff member's role does not allow it.
    Forbidden,
    /// It refers to something the server does not know (and cannot wait for).
    UnknownReference,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub seq: i64,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// Pass as `since` for the next page.
    pub next_since: i64,
    pub has_more: bool,
    /// Changes when the server's history is replaced (restored from a backup): a client that
    /// saw another epoch must start again from zero after pushing what it holds.
    pub server_epoch: Uuid,
    /// The oldest change still kept; a cursor older than this cannot be continued.
    pub min_retained_seq: i64,
    /// The newest sequence when this page was read (for showing a first sync's progress).
    #[serde(default)]
    pub head_seq: i64,
    /// The server's clock, so a desk whose clock is off can correct its stamps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<DateTime<Utc>>,
}

/// A customer found on the server by a search that found nobody on the desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoteCustomer {
    pub customer_id: Uuid,
    pub name: String,
    /// E.164 numbers, primary first.
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub loyalty_id: Option<String>,
    pub home_store_id: Option<Uuid>,
    /// When they were last seen anywhere in the organisation.
    pub last_seen_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResponse {
    pub customers: Vec<RemoteCustomer>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdoptRequest {
    pub customer_id: Uuid,
}

/// The customer's whole history, now in the store's scope: the store's devices pull their
/// changes from here on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdoptResponse {
    pub changes: Vec<Change>,
}

/// Two desks set the same field of a customer without seeing each other's edit: the value
/// kept (the later stamp) and the one that was not, with who set each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldConflict {
    pub field: String,
    /// The kept value, as JSON text.
    pub kept_value: String,
    pub kept_hlc: String,
    pub kept_staff_id: Option<Uuid>,
    /// The value that was not kept, as JSON text.
    pub lost_value: String,
    pub lost_hlc: String,
    pub lost_staff_id: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictsResponse {
    pub conflicts: Vec<FieldConflict>,
}

/// A conflict on one of the device's customers (for the supervisors' list of them all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerConflict {
    pub customer_id: Uuid,
    pub conflict: FieldConflict,
}

/// The newest conflicts on the customers a device reads, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentConflictsResponse {
    pub conflicts: Vec<CustomerConflict>,
}

/// What a desk tells the server at the end of each sync round, for the head office's list of
/// devices: the app it runs and what waits in its outbox. Nothing about customers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskReport {
    /// The desk app's version ("0.1.0").
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9A-Za-z.+-]{1,40}$"))]
    pub app_version: String,
    /// Changes made on the desk that the server has not confirmed yet.
    #[cfg_attr(feature = "openapi", schema(maximum = 10_000_000))]
    pub outbox_waiting: u32,
    /// Changes the server refused that nobody has looked at yet.
    #[cfg_attr(feature = "openapi", schema(maximum = 10_000_000))]
    pub outbox_refused: u32,
    /// Changes this round pushed (0: it only pulled).
    #[cfg_attr(feature = "openapi", schema(maximum = 10_000_000))]
    pub pushed: u32,
}

/// The most a count in a report can say (more is not a desk's outbox).
pub const MAX_REPORTED_COUNT: u32 = 10_000_000;

/// Whether `version` is an app version a report may carry: 1–40 of `0-9A-Za-z.+-`.
pub fn is_app_version(version: &str) -> bool {
    (1..=40).contains(&version.len()) && version.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}
