//! Operations: the unit a device records locally (in its outbox) and pushes to the server.
//!
//! Append-only events (interactions, feedback) commute. Mutable records (customers) travel as
//! patches: every field present in a patch was set at the op's HLC, and the receiver keeps,
//! field by field, the value with the highest HLC.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::relationship::{ChannelConsent, FollowUpKind, FollowUpRoute, ImportantDate, KeepInTouch, Preference};
use crate::{AuditAction, ContactChannel, Feeling, FollowUpStatus, Hlc, Outcome, ReviewKind, Role};

/// One change made on one device by one staff member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Op {
    pub op_id: Uuid,
    pub device_id: Uuid,
    pub store_id: Uuid,
    pub staff_id: Uuid,
    /// Hybrid logical clock of the change: `<wall ms, 13 digits>-<counter, 6 digits>-<node,
    /// 32 hex digits>`, exactly (anything else is refused as it is read).
    #[specta(type = String)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{13}-[0-9]{6}-[0-9a-f]{32}$"))]
    pub hlc: Hlc,
    pub body: OpBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// A tombstone: beats any concurrent edit; only an explicit, later restore undoes it.
    CustomerDeleted(CustomerRef),
    CustomerRestored(CustomerRef),
    /// A privacy erasure: personal data removed everywhere, an anonymous stub kept so counts
    /// stay right. Cannot be undone.
    CustomerErased(CustomerRef),
    /// Catalogue changes, made on the server and pulled by every device of the organisation.
    StoreUpsert(StoreRecord),
    StaffUpsert(StaffRecord),
    TouchPointUpsert(TouchPointRecord),
    /// A supervisor's review of a conversation (append-only).
    ReviewRecorded(ReviewRecord),
    /// The reviewed staff member has read the review.
    ReviewAcknowledged(ReviewAck),
    /// A criterion of the review scorecard, defined by an administrator on the server.
    ReviewCriterionUpsert(ReviewCriterionRecord),
    /// A reason for contact the log form suggests, from the organisation's list.
    ReasonUpsert(ReasonRecord),
    /// Stewardship: someone viewed, changed, exported, imported or erased something.
    AuditRecorded(AuditRecord),
    /// Two records are one person: the merged record redirects to the survivor, whose fields
    /// take the chosen values. Undone by `MergeUndone`.
    CustomersMerged(MergeRecord),
    /// A merge reversed: both records stand alone again, each with what was logged on it.
    MergeUndone(UnmergeRecord),
    /// Two records that look alike are different people: never proposed as duplicates again.
    NotSamePerson(NotSameRecord),
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
            OpBody::CustomerDeleted(_) => "customer_deleted",
            OpBody::CustomerRestored(_) => "customer_restored",
            OpBody::CustomerErased(_) => "customer_erased",
            OpBody::StoreUpsert(_) => "store_upsert",
            OpBody::StaffUpsert(_) => "staff_upsert",
            OpBody::TouchPointUpsert(_) => "touch_point_upsert",
            OpBody::ReviewRecorded(_) => "review_recorded",
            OpBody::ReviewAcknowledged(_) => "review_acknowledged",
            OpBody::ReviewCriterionUpsert(_) => "review_criterion_upsert",
            OpBody::ReasonUpsert(_) => "reason_upsert",
            OpBody::AuditRecorded(_) => "audit_recorded",
            OpBody::CustomersMerged(_) => "customers_merged",
            OpBody::MergeUndone(_) => "merge_undone",
            OpBody::NotSamePerson(_) => "not_same_person",
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
            OpBody::CustomerDeleted(c) | OpBody::CustomerRestored(c) | OpBody::CustomerErased(c) => c.customer_id,
            OpBody::StoreUpsert(s) => s.store_id,
            OpBody::StaffUpsert(s) => s.staff_id,
            OpBody::TouchPointUpsert(t) => t.touch_point_id,
            OpBody::ReviewRecorded(r) => r.review_id,
            OpBody::ReviewAcknowledged(a) => a.review_id,
            OpBody::ReviewCriterionUpsert(c) => c.criterion_id,
            OpBody::ReasonUpsert(r) => r.reason_id,
            OpBody::AuditRecorded(a) => a.entry_id,
            OpBody::CustomersMerged(m) => m.merge_id,
            OpBody::MergeUndone(u) => u.merge_id,
            OpBody::NotSamePerson(n) => n.first_id,
        }
    }

    /// The customer this op is about, if any (it decides which stores see it).
    pub fn customer_id(&self) -> Option<Uuid> {
        match self {
            OpBody::CustomerPatch(p) => Some(p.customer_id),
            OpBody::InteractionLogged(i) => i.customer_id,
            OpBody::FeedbackRecorded(f) => f.customer_id,
            OpBody::FollowUpPatch(f) => f.customer_id,
            OpBody::InteractionAmended(a) => a.customer_id,
            OpBody::ReviewRecorded(r) => r.customer_id,
            OpBody::ReviewAcknowledged(a) => a.customer_id,
            OpBody::AuditRecorded(a) => a.customer_id,
            OpBody::CustomerDeleted(c) | OpBody::CustomerRestored(c) | OpBody::CustomerErased(c) => Some(c.customer_id),
            OpBody::CustomersMerged(m) => Some(m.survivor_id),
            OpBody::MergeUndone(u) => Some(u.survivor_id),
            OpBody::NotSamePerson(n) => Some(n.first_id),
            OpBody::StoreUpsert(_)
            | OpBody::StaffUpsert(_)
            | OpBody::TouchPointUpsert(_)
            | OpBody::ReviewCriterionUpsert(_)
            | OpBody::ReasonUpsert(_) => None,
        }
    }

    /// The second customer an op is about (the merged record of a merge, the other one of a
    /// "not the same person" mark): the device must be allowed to write to both.
    pub fn other_customer_id(&self) -> Option<Uuid> {
        match self {
            OpBody::CustomersMerged(m) => Some(m.merged_id),
            OpBody::MergeUndone(u) => Some(u.merged_id),
            OpBody::NotSamePerson(n) => Some(n.second_id),
            _ => None,
        }
    }

    /// Deleting, restoring, erasing and merging customers (and undoing a merge), and reviewing
    /// someone's work, are for supervisors and admins.
    pub fn needs_supervisor(&self) -> bool {
        matches!(
            self,
            OpBody::CustomerDeleted(_)
                | OpBody::CustomerRestored(_)
                | OpBody::CustomerErased(_)
                | OpBody::ReviewRecorded(_)
                | OpBody::CustomersMerged(_)
                | OpBody::MergeUndone(_)
        )
    }

    /// The store whose desks should receive an op that names no customer, when it is not the
    /// store of the desk that made it (a review goes to the reviewed conversation's store).
    pub fn routed_store(&self) -> Option<Uuid> {
        match self {
            OpBody::ReviewRecorded(r) => Some(r.store_id),
            OpBody::ReviewAcknowledged(a) => Some(a.store_id),
            _ => None,
        }
    }

    /// Catalogue ops come from the server only; a device may not send them.
    pub fn is_catalogue(&self) -> bool {
        matches!(
            self,
            OpBody::StoreUpsert(_)
                | OpBody::StaffUpsert(_)
                | OpBody::TouchPointUpsert(_)
                | OpBody::ReviewCriterionUpsert(_)
                | OpBody::ReasonUpsert(_)
        )
    }
}

/// Fields of a customer that were set. An absent field was not touched; an empty string or
/// empty list clears it (so no field needs a "null means clear" rule).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Birthdays, anniversaries, dates the customer gave (the whole list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub important_dates: Option<Vec<ImportantDate>>,
    /// "Size: M", "Likes: espresso" (the whole list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferences: Option<Vec<Preference>>,
    /// The customer's answer about being contacted by phone, email and SMS, each on its own
    /// (a field each, so two desks recording different channels do not overwrite each other).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<ChannelConsent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<ChannelConsent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_sms: Option<ChannelConsent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_in_touch: Option<KeepInTouch>,
}

/// What the customer agreed to be contacted about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackRecord {
    pub feedback_id: Uuid,
    pub interaction_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub feeling: Option<Feeling>,
    // The document says what is readable (a byte); the rules say what is accepted.
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub csat: Option<u8>,
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub nps: Option<u8>,
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub ces: Option<u8>,
    pub verbatim: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// The fields an amendment corrects. Absent fields keep the value logged (or last amended).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AmendmentRecord {
    pub amendment_id: Uuid,
    pub interaction_id: Uuid,
    /// The customer of the corrected interaction (so the server can route the correction to
    /// every store that holds them without looking the interaction up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<Uuid>,
    pub changes: InteractionChanges,
    /// Why it was corrected.
    pub note: Option<String>,
}

/// Fields of a follow-up that were set (absent = untouched), merged field by field like
/// customers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Why it was snoozed (a new `due_at`) or handed over (a new `owner_staff_id`): kept in the
    /// follow-up's history, not as a field of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_note: Option<String>,
    /// Why the follow-up exists (absent: a recovery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FollowUpKind>,
    /// How the customer will be reached (absent: not said, as on older follow-ups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<FollowUpRoute>,
    /// The date a reminder is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occasion: Option<ImportantDate>,
    /// A reminder raised by a desk on its own (stay in touch, an important date): it creates
    /// the follow-up where none exists with its id and changes nothing where one does. Two
    /// desks that raise the same reminder make one follow-up, and a reminder raised late never
    /// undoes a close or a hand-over.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub only_if_new: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerRef {
    pub customer_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreRecord {
    pub store_id: Uuid,
    pub name: String,
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffRecord {
    pub staff_id: Uuid,
    pub name: String,
    pub role: Role,
    pub home_store_id: Option<Uuid>,
    /// Argon2 hash of the PIN, so staff can sign in on the desks of their store offline. Only
    /// devices that may hold it receive it (see `pin_online`).
    pub pin_hash: Option<String>,
    pub active: bool,
    /// The person has a PIN whose verifier this device does not hold (a supervisor's at a
    /// till): the desk checks it with the server, so they sign in there only while online.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pin_online: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TouchPointRecord {
    pub touch_point_id: Uuid,
    pub name: String,
    pub default_channel: ContactChannel,
    pub sort_order: i32,
    pub active: bool,
}

/// One criterion of a review's scorecard, scored 1 (poor) to 5 (excellent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionScore {
    pub criterion_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub score: u8,
}

/// A supervisor's review of one conversation: praise, coaching or a compliance flag, a
/// comment, and optionally a scorecard. Append-only: a second thought is a second review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewRecord {
    pub review_id: Uuid,
    pub interaction_id: Uuid,
    /// The conversation's customer and store (so the review reaches the desks that hold it).
    pub customer_id: Option<Uuid>,
    pub store_id: Uuid,
    /// Whose work is reviewed: the staff member who logged the conversation.
    pub reviewed_staff_id: Uuid,
    pub kind: ReviewKind,
    pub comment: String,
    #[serde(default)]
    pub scores: Vec<CriterionScore>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewAck {
    pub review_id: Uuid,
    /// Routing, as for the review itself.
    pub customer_id: Option<Uuid>,
    pub store_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewCriterionRecord {
    pub criterion_id: Uuid,
    /// "Greeted the customer", "Offered a solution"…
    pub name: String,
    pub sort_order: i32,
    pub active: bool,
}

/// A reason for contact on the organisation's list (the log form suggests the active ones, in
/// order; what a conversation was about stays the text it was logged with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonRecord {
    pub reason_id: Uuid,
    /// "Refund", "Delivery problem"…
    pub label: String,
    pub sort_order: i32,
    pub active: bool,
}

/// One audit entry: who (the op's staff and device) did what, to which record, when (the op's
/// stamp). Append-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    pub entry_id: Uuid,
    pub action: AuditAction,
    /// `customer`, `customers` (an import)…
    pub entity: String,
    pub entity_id: Option<Uuid>,
    /// The customer concerned, if any (it decides which stores see the entry).
    pub customer_id: Option<Uuid>,
    pub detail: Option<String>,
}

/// Two customer records found to be one person. The merged record becomes a redirect to the
/// survivor; what was logged on either shows on the survivor. `fields` are the values the
/// survivor takes (each set at the merge's stamp, so a later edit still wins); contact points
/// and tags of both records are shown together without being copied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeRecord {
    pub merge_id: Uuid,
    pub merged_id: Uuid,
    pub survivor_id: Uuid,
    /// `customer_id` is the survivor's; only the fields chosen from the merged record are set.
    pub fields: CustomerPatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnmergeRecord {
    pub merge_id: Uuid,
    /// The merge's records, for routing and checks without looking the merge up.
    pub merged_id: Uuid,
    pub survivor_id: Uuid,
}

/// Two records that look alike but are different people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotSameRecord {
    pub first_id: Uuid,
    pub second_id: Uuid,
}
