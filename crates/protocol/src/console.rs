//! The organisation API (`/v1/org/…`): what the head office's console in a browser (and, with
//! an API key, an integration) reads and writes. Desks never call it. The console's TypeScript
//! types are generated from these (`ui/src/console/api-types.ts`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::Role;

/// What the console lets a person do: an administrator sets the organisation up; a
/// supervisor sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsoleRole {
    Admin,
    Supervisor,
}

impl ConsoleRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsoleRole::Admin => "admin",
            ConsoleRole::Supervisor => "supervisor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(ConsoleRole::Admin),
            "supervisor" => Some(ConsoleRole::Supervisor),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    /// An e-mail address or a user name.
    pub login: String,
    pub password: String,
}

/// The person signed in, and the token every changing request sends back in `x-csrf-token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsoleSession {
    pub staff_id: Uuid,
    pub name: String,
    pub login: String,
    pub role: ConsoleRole,
    pub org_id: Uuid,
    pub org_name: String,
    pub csrf_token: String,
    /// The session ends then at the latest (sooner after an hour without use).
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgStore {
    pub store_id: Uuid,
    pub name: String,
    /// An IANA time zone ("Europe/Lisbon"); none: the desks' own.
    pub timezone: Option<String>,
    /// Staff whose home store it is, still working.
    pub staff: u32,
    /// Enrolled desks not revoked.
    pub devices: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStore {
    pub name: String,
    #[serde(default)]
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgStaff {
    pub staff_id: Uuid,
    pub name: String,
    pub role: Role,
    /// None: works across the organisation.
    pub home_store_id: Option<Uuid>,
    /// False once they left (their history stays theirs).
    pub active: bool,
    pub has_pin: bool,
    /// Their console login, if they have one.
    pub console_login: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStaff {
    pub name: String,
    pub role: Role,
    /// Their store; none: they work across the organisation (not frontline staff).
    #[serde(default)]
    pub home_store_id: Option<Uuid>,
}

/// A new staff member with their first desk PIN, made by the server and shown once (an
/// administrator never picks a guessable one; only its hash is kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedStaff {
    pub staff: OrgStaff,
    pub pin: String,
}

/// A new desk PIN, made by the server and shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPin {
    pub pin: String,
}

/// Whether a staff member still works here: false when they leave (desks stop offering
/// them; what they logged stays theirs), true when they come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffActive {
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgDevice {
    pub device_id: Uuid,
    pub name: String,
    pub store_id: Uuid,
    pub role: Role,
    /// It reads the whole organisation (an administrator's desk).
    pub reads_org: bool,
    /// Stores it reads besides its own (a supervisor's desk).
    pub also_reads: Vec<Uuid>,
    pub enrolled_at: DateTime<Utc>,
    /// When it last renewed its access (every sync does, at least every 15 minutes).
    pub last_seen_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    /// What the desk said after its last sync round (none before its first).
    pub app_version: Option<String>,
    /// Changes made on the desk that the server has not confirmed yet.
    pub outbox_waiting: Option<u32>,
    /// Changes the server refused that nobody at the desk has looked at.
    pub outbox_refused: Option<u32>,
    pub last_push_at: Option<DateTime<Utc>>,
    pub last_pull_at: Option<DateTime<Utc>>,
}

/// What a device enrolled with a code will be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// A frontline desk of one store.
    Till,
    /// A supervisor's desk of one store (reviews, deletions, erasures).
    Supervisor,
    /// A supervisor's desk that also reads the stores listed.
    ReadsStores,
    /// An administrator's desk that reads the whole organisation.
    WholeOrganisation,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEnrollmentCode {
    pub store_id: Uuid,
    pub kind: CodeKind,
    /// The other stores a `reads_stores` desk reads.
    #[serde(default)]
    pub also_reads: Vec<Uuid>,
    /// How long the code can be used (1 hour to 14 days).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 336))]
    pub valid_hours: u16,
}

/// A code, shown once: only its hash is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCode {
    pub code: String,
    pub store_id: Uuid,
    pub kind: CodeKind,
    pub expires_at: DateTime<Utc>,
}

/// One line of the console's audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsoleAuditEntry {
    pub entry_id: Uuid,
    pub at: DateTime<Utc>,
    pub staff_id: Option<Uuid>,
    pub staff_name: Option<String>,
    /// `signed_in`, `sign_in_failed`, `signed_out`, `store_created`, `staff_created`,
    /// `code_issued`, `device_revoked`, …
    pub action: String,
    pub subject_id: Option<Uuid>,
    /// What was chosen, in words ("name": "Porto", "kind": "till").
    pub detail: std::collections::BTreeMap<String, String>,
}

/// Which of the organisation's lists (each goes out to every desk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum OrgList {
    /// Where conversations happen; each has the channel the log form starts with.
    TouchPoints,
    /// Reasons for contact the log form suggests.
    Reasons,
    /// The review scorecard's criteria (1–5 each).
    Scorecard,
}

/// An entry of one of the organisation's lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgListEntry {
    pub id: Uuid,
    pub name: String,
    /// Desks offer the active entries in this order.
    pub sort_order: i32,
    /// False once retired: desks stop offering it; what was logged with it keeps its name.
    pub active: bool,
    /// A touch point's channel (none for reasons and criteria).
    pub default_channel: Option<crate::ContactChannel>,
}

/// A new entry, added at the end of its list.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewListEntry {
    /// 1 to 80 characters, not only spaces.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80, pattern = r"\S"))]
    pub name: String,
    /// A touch point's channel (in person when left out); not for the other lists.
    #[serde(default)]
    pub default_channel: Option<crate::ContactChannel>,
}

/// A change to an entry; a field left out stays as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListEntryChange {
    /// 1 to 80 characters, not only spaces.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80, pattern = r"\S"))]
    pub name: Option<String>,
    #[serde(default)]
    pub sort_order: Option<i32>,
    /// False retires it, true brings it back.
    #[serde(default)]
    pub active: Option<bool>,
    /// A touch point's channel; not for the other lists.
    #[serde(default)]
    pub default_channel: Option<crate::ContactChannel>,
}

/// Staff to add from a spreadsheet: CSV with a header row naming the columns `name`, `role`
/// (frontline, supervisor or admin; frontline when empty) and `store` (a store's name; empty
/// for someone who works across the organisation). At most 200 people a file.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffImportRequest {
    pub csv: String,
    /// Check every row and say what would happen, adding nobody.
    #[serde(default)]
    pub dry_run: bool,
}

/// One row of an import: who it is, and either its problem or (once added) their id and first
/// desk PIN, shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffImportRow {
    /// The line of the file (the header is line 1).
    pub line: u32,
    pub name: String,
    pub role: Option<Role>,
    pub home_store_id: Option<Uuid>,
    /// What is wrong with the row ("store: No store called Braga."); nobody is added while
    /// any row has one.
    pub problem: Option<String>,
    pub staff_id: Option<Uuid>,
    pub pin: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffImport {
    pub dry_run: bool,
    /// Why the file as a whole cannot be read ("csv: The first row must name the columns…");
    /// then there are no rows and nobody is added.
    pub file_problem: Option<String>,
    /// How many people were added (none on a dry run or when a row has a problem).
    pub added: u32,
    pub rows: Vec<StaffImportRow>,
}

/// Something a person did at a desk that stewardship records: viewed, changed, exported,
/// imported, erased, merged a customer's record, or was paused after wrong PINs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskAuditEntry {
    /// Its place in the organisation's change log (newest first; page with `before`); well
    /// within a JavaScript number.
    #[specta(type = f64)]
    pub seq: i64,
    /// When the desk did it (its clock).
    pub at: DateTime<Utc>,
    pub staff_id: Uuid,
    pub staff_name: Option<String>,
    pub store_id: Uuid,
    pub device_id: Uuid,
    pub device_name: Option<String>,
    pub action: crate::AuditAction,
    /// `customer`, `customers` (an import), `follow_ups`…
    pub entity: String,
    pub customer_id: Option<Uuid>,
    /// The customer's name as the server holds it (none once erased).
    pub customer_name: Option<String>,
    pub detail: Option<String>,
}

/// Two desks changed the same field of a customer while apart: the value kept (the later
/// change) and the one not kept, with who made each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgConflict {
    pub customer_id: Uuid,
    pub customer_name: Option<String>,
    pub field: String,
    /// The kept value, as JSON text.
    pub kept_value: String,
    pub kept_staff_name: Option<String>,
    pub kept_at: Option<DateTime<Utc>>,
    /// The value that was not kept, as JSON text.
    pub lost_value: String,
    pub lost_staff_name: Option<String>,
    pub lost_at: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
}

/// What an API key may do: read the organisation API, or also change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyScope {
    ReadOnly,
    ReadWrite,
}

impl ApiKeyScope {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKeyScope::ReadOnly => "read_only",
            ApiKeyScope::ReadWrite => "read_write",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "read_only" => Some(ApiKeyScope::ReadOnly),
            "read_write" => Some(ApiKeyScope::ReadWrite),
            _ => None,
        }
    }
}

/// An integration's key (its secret is shown once, when made).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgApiKey {
    pub key_id: Uuid,
    /// What it is for ("Data warehouse").
    pub name: String,
    pub scope: ApiKeyScope,
    /// The administrator who made it (what it does is done in their name).
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiKey {
    /// 1 to 80 characters, not only spaces.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80, pattern = r"\S"))]
    pub name: String,
    pub scope: ApiKeyScope,
}

/// A new key and its secret, shown once: send it as `Authorization: Bearer …`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedApiKey {
    pub key: OrgApiKey,
    pub secret: String,
}

/// What an outgoing webhook can be told about. Payloads carry ids, scores and times, never
/// what a customer said or their contact details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WebhookEvent {
    /// A conversation was logged at a desk (and reached the server).
    ConversationLogged,
    /// Feedback came in unhappy or very unhappy, or with an NPS of 6 or less.
    FeedbackUnhappy,
    /// A follow-up passed its due time and is not done.
    FollowUpOverdue,
    /// A customer's personal data was erased.
    CustomerErased,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 4] = [
        WebhookEvent::ConversationLogged,
        WebhookEvent::FeedbackUnhappy,
        WebhookEvent::FollowUpOverdue,
        WebhookEvent::CustomerErased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::ConversationLogged => "conversation_logged",
            WebhookEvent::FeedbackUnhappy => "feedback_unhappy",
            WebhookEvent::FollowUpOverdue => "follow_up_overdue",
            WebhookEvent::CustomerErased => "customer_erased",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgWebhook {
    pub webhook_id: Uuid,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    /// False once turned off: nothing more is queued for it.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// Deliveries still being tried, and those given up on after every retry.
    pub pending: u32,
    pub failed: u32,
    pub last_delivered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhook {
    /// Where to POST: https (plain http only where the server allows it), without a user name
    /// or password.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 2000,
            pattern = r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$"
        )
    )]
    pub url: String,
    /// At least one.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub events: Vec<WebhookEvent>,
}

/// A new webhook and the secret its deliveries are signed with, shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhook {
    pub webhook: OrgWebhook,
    /// `X-Touchpoint-Signature: t=UNIX_SECONDS,v1=HEX` is HMAC-SHA256 with this key of
    /// `UNIX_SECONDS.BODY`.
    pub secret: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookActive {
    pub active: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not answered with 2xx yet; tried again later.
    Pending,
    Delivered,
    /// Given up on after every retry.
    Failed,
}

/// One event sent (or being sent) to a webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub delivery_id: Uuid,
    pub event: WebhookEvent,
    pub created_at: DateTime<Utc>,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status of the last answer, if there was one.
    pub last_status: Option<u16>,
    /// What went wrong last (no answer, a timeout, a status other than 2xx).
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}
