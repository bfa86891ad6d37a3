//! Wire types shared by the desktop app and the sync server.
//!
//! Everything here is part of a contract with clients that may be older or newer than the
//! server, so the JSON form of each type is pinned by golden tests (`tests/golden.rs`).
//! Change a type only by adding optional fields; anything else needs a new protocol version.

mod domain;
mod ops;

pub use domain::{ContactChannel, Feeling, FollowUpStatus, Outcome, Role};
pub use ops::{
    AmendmentRecord, Consent, CustomerPatch, FeedbackRecord, FollowUpPatch, InteractionChanges, InteractionRecord, Op,
    OpBody,
};

/// The protocol version this build speaks. Sent with every sync request.
pub const PROTOCOL_VERSION: u32 = 1;
