//! Errors the server answers with: a stable code the client branches on, and words for people.

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not what the endpoint takes (malformed, wrong types, missing fields).
    BadRequest,
    /// The body is larger than allowed, or has too many ops.
    PayloadTooLarge,
    /// No token, an expired one, or a wrong enrollment code: refresh or enroll again.
    Unauthorized,
    /// The device was revoked, or asks for something outside its store.
    Forbidden,
    NotFound,
    /// The client speaks a protocol version this server does not.
    UnsupportedProtocol,
    /// The cursor cannot be continued (stale, or the server was restored): push, then start
    /// again from zero.
    ResyncRequired,
    /// Try again later (see Retry-After).
    Unavailable,
    /// Too many calls of this kind from this client or device: wait as Retry-After says.
    RateLimited,
    /// The request (its body included) took too long to arrive or to answer: try again.
    RequestTimeout,
    Internal,
    /// The change clashes with what is there already (a store of that name). Only the
    /// organisation API sends it.
    Conflict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

/// Every request carries the protocol version it speaks in this header.
pub const PROTOCOL_HEADER: &str = "x-touchpoint-protocol";
