//! Wire types shared by the desktop app and the sync server.
//!
//! Everything here is part of a contract with clients that may be older or newer than the
//! server, so the JSON form of each type is pinned by golden tests (`tests/golden.rs`).
//! Change a type only by adding optional fields; anything else needs a new protocol version.

mod auth;
pub mod console;
mod domain;
mod error;
pub mod hlc;
pub mod insight;
pub mod merges;
mod ops;
pub mod pin;
pub mod relationship;
pub mod risk;
pub mod rules;
mod sync;
pub mod text;

pub use auth::{EnrollRequest, EnrollResponse, PinCheckRequest, PinCheckResponse, TokenRequest, TokenResponse};
pub use error::{ApiError, ErrorCode, PROTOCOL_HEADER};
pub use hlc::{BadHlc, Hlc};
pub use sync::{
    is_app_version, AdoptRequest, AdoptResponse, Change, ConflictsResponse, CustomerConflict, DeskReport,
    FieldConflict, OpResult, OpStatus, PullResponse, PushRequest, PushResponse, RecentConflictsResponse, RejectCode,
    RemoteCustomer, SearchResponse, MAX_PULL_LIMIT, MAX_PUSH_BYTES, MAX_PUSH_OPS, MAX_REPORTED_COUNT,
};

pub use domain::{
    AuditAction, ContactChannel, Feeling, FollowUpStatus, Outcome, ReviewKind, Role, DEFAULT_REASONS,
    DEFAULT_TOUCH_POINTS,
};
pub use ops::{
    AmendmentRecord, AuditRecord, Consent, CriterionScore, CustomerPatch, CustomerRef, FeedbackRecord, FollowUpPatch,
    InteractionChanges, InteractionRecord, MergeRecord, NotSameRecord, Op, OpBody, ReasonRecord, ReviewAck,
    ReviewCriterionRecord, ReviewRecord, StaffRecord, StoreRecord, TouchPointRecord, UnmergeRecord,
};
pub use relationship::{
    ChannelConsent, ConsentSource, ContactRoute, DateKind, FollowUpKind, FollowUpRoute, ImportantDate, KeepInTouch,
    Preference,
};

/// The protocol version this build speaks. Sent with every sync request.
pub const PROTOCOL_VERSION: u32 = 4;
/// The oldest protocol version a server of this build still serves. Version 2 stopped sending
/// supervisors' and admins' PIN verifiers to tills: a version-1 desk would read a verifier
/// held back as "no PIN", so it may not sync with this server. Version 3 added merging
/// customers (`customers_merged`, `merge_undone`, `not_same_person`): a version-2 desk could
/// not read those ops in a pull, and would show a merged customer's history split in two.
/// Version 4 added relationship details (dates, preferences, consent per channel, keeping in
/// touch) and follow-up kinds and routes: a version-3 desk would drop a refusal of contact it
/// pulled and could propose a call to a customer who asked not to be called.
pub const MIN_PROTOCOL_VERSION: u32 = 4;

/// What stands in for free text that named an erased customer (a follow-up's promise, a
/// review's comment): the record keeps its place and its numbers, not their words.
pub const ERASED_TEXT: &str = "Erased at the customer's request";
