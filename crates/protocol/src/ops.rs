//! Operations: the unit a device records locally (in its outbox) and pushes to the server.
//!
//! Append-only events (interactions, feedback) commute. Mutable records (customers) travel as
//! patches: every field present in a patch was set at the op's HLC, and the receiver keeps,
//! field by field, the value with the highest HLC.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::{ContactChannel, Feeling, FollowUpStatus, Outcome};

/// One change made on one device by one staff member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Op {
    pub op_id: Uuid,
    pub device_id: Uuid,
    pub store_id: Uuid,
    pub staff_id: Uuid,
    /// Hybrid logical clock of the change: `<wall ms, 13 digits>-<counter, 6 digits>-<node>`.
    /// Sorting the strings sorts the clocks.
    pub hlc: String,
    pub body: OpBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OpBody {
    /// Creates a customer or changes some of their fields.
    CustomerPatch(CustomerPatch),
    InteractionLogged(InteractionRecord),
    FeedbackRecorded(FeedbackRecord),
    /// A correction to an interaction; the original stays as it was logged.
    InteractionAmended(AmendmentRecord),
    /// Creates a follow-up or changes some of its fields.
    FollowUpPatch(FollowUpPatch),
}

impl OpBody {
    /// The stable name of the op kind, as stored in the outbox.
    pub fn kind(&self) -> &'static str {
        match self {
            OpBody::CustomerPatch(_) => "customer_patch",
            OpBody::InteractionLogged(_) => "interaction_logged",
            OpBody::FeedbackRecorded(_) => "feedback_recorded",
            OpBody::InteractionAmended(_) => "interaction_amended",
            OpBody::FollowUpPatch(_) => "follow_up_patch",
        }
    }

    /// The record the op is about.
    pub fn entity_id(&self) -> Uuid {
        match self {
            OpBody::CustomerPatch(p) => p.customer_id,
            OpBody::InteractionLogged(i) => i.interaction_id,
            OpBody::FeedbackRecorded(f) => f.feedback_id,
            OpBody::InteractionAmended(a) => a.amendment_id,
            OpBody::FollowUpPatch(f) => f.follow_up_id,
        }
    }
}

/// Fields of a customer that were set. An absent field was not touched; an empty string or
/// empty list clears it (so no field needs a "null means clear" rule).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct CustomerPatch {
    pub customer_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E.164 numbers, primary first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<String>>,
    /// Lower-cased addresses, primary first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loyalty_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// BCP 47 tag, e.g. `pt-PT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_store_id: Option<Uuid>,
}

/// What the customer agreed to be contacted about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Consent {
    #[serde(default)]
    pub marketing_email: bool,
    #[serde(default)]
    pub marketing_sms: bool,
    #[serde(default)]
    pub feedback_requests: bool,
}

/// An interaction as it was logged. Immutable: corrections are separate amendment events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct InteractionRecord {
    pub interaction_id: Uuid,
    /// `None` for a walk-in whose name was never asked.
    pub customer_id: Option<Uuid>,
    pub touch_point_id: Uuid,
    pub channel: ContactChannel,
    pub reason: Option<String>,
    pub outcome: Outcome,
    pub duration_secs: Option<u32>,
    pub summary: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// How the customer felt (staff's read) and the customer's own scores, if given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FeedbackRecord {
    pub feedback_id: Uuid,
    pub interaction_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub feeling: Option<Feeling>,
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    pub ces: Option<u8>,
    pub verbatim: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// The fields an amendment corrects. Absent fields keep the value logged (or last amended).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct InteractionChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touch_point_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ContactChannel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AmendmentRecord {
    pub amendment_id: Uuid,
    pub interaction_id: Uuid,
    pub changes: InteractionChanges,
    /// Why it was corrected.
    pub note: Option<String>,
}

/// Fields of a follow-up that were set (absent = untouched), merged field by field like
/// customers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct FollowUpPatch {
    pub follow_up_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_staff_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// What was promised to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promise: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<FollowUpStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// How the customer felt when it was closed (the re-measure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feeling_after: Option<Feeling>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
}
