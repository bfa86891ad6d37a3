//! Enrollment (a one-time code for a store becomes a device) and short-lived access tokens.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollRequest {
    pub code: String,
    /// The id the device already stamps its changes with (so work done before enrolling
    /// keeps its author); refused if another device has it.
    pub device_id: Uuid,
    /// How staff will recognise this install ("Returns desk PC").
    pub device_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollResponse {
    pub device_id: Uuid,
    pub org_id: Uuid,
    pub store_id: Uuid,
    /// Long-lived; keep it secret. Trade it for access tokens.
    pub refresh_token: String,
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    /// What the device may write (from its enrollment code): a frontline desk sends no
    /// reviews, deletions or erasures. Servers before this field said nothing: frontline.
    #[serde(default)]
    pub device_role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenRequest {
    pub device_id: Uuid,
    pub refresh_token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    /// The refresh token that replaces the one sent, which is no good from now on (a desk
    /// keeps this one before using the access token). Servers before rotation sent none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// A desk asks the server whether `pin` is `staff_id`'s PIN, for a person whose verifier the
/// desk does not hold (a supervisor signing in at a till).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PinCheckRequest {
    pub staff_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{0,12}$"))]
    pub pin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PinCheckResponse {
    pub accepted: bool,
    /// Too many wrong PINs: no PIN is checked for this person before this time.
    pub locked_until: Option<DateTime<Utc>>,
}
