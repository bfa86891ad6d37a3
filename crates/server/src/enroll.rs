//! `POST /v1/enroll` (a one-time code becomes a device) and `POST /v1/token`.

use axum::extract::State;
use axum::Json;
use base64::Engine;
use chrono::Utc;
use rand::RngExt;
use touchpoint_protocol::{EnrollRequest, EnrollResponse, ErrorCode, Role, TokenRequest, TokenResponse};

use crate::db;
use crate::error::{ApiResult, Failure};
use crate::extract::{Body, Protocol};
use crate::limits::{Call, ClientIp};
use crate::tokens::hash_secret;
use crate::AppState;

pub fn new_refresh_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Enrollment codes are typed by people: uppercase, no look-alike letters, grouped.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

#[utoipa::path(post, path = "/v1/enroll", request_body = EnrollRequest,
    responses((status = 200, body = EnrollResponse), (status = "4XX", body = touchpoint_protocol::ApiError)))]
pub async fn enroll(
    State(st): State<AppState>,
    _version: Protocol,
    ClientIp(ip): ClientIp,
    Body(req): Body<EnrollRequest>,
) -> ApiResult<Json<EnrollResponse>> {
    st.limits.check(Call::Enroll, ip, req.device_id)?;
    touchpoint_protocol::text::check(&req.device_name, touchpoint_protocol::text::DEVICE_NAME)
        .map_err(|p| Failure::bad_request(p.describe("The device's name")))?;
    let name = req.device_name.trim();
    if name.is_empty() {
        return Err(Failure::bad_request("Give this device a name of 1 to 80 characters."));
    }
    let now = Utc::now();
    let mut tx = st.pool.begin().await?;
    let code_hash = hash_secret(&normalise_code(&req.code));
    let code = db::enroll::take_code(&mut tx, &code_hash).await?;
    let Some(code) = code else {
        return Err(Failure::unauthorized("This enrollment code is not known. Check it, or ask for a new one."));
    };
    if code.used_at.is_some() {
        return Err(Failure::unauthorized("This enrollment code was already used. Ask for a new one."));
    }
    if code.expires_at < now {
        return Err(Failure::unauthorized("This enrollment code has expired. Ask for a new one."));
    }
    let taken = db::enroll::device_id_taken(&mut tx, req.device_id).await?;
    if taken {
        return Err(Failure::new(ErrorCode::BadRequest, "Another device already uses this id."));
    }
    let refresh = new_refresh_token();
    db::enroll::insert_device(&mut tx, &code, req.device_id, name, &hash_secret(&refresh)).await?;
    db::enroll::mark_code_used(&mut tx, &code_hash, now, req.device_id).await?;
    tx.commit().await?;
    let (org, store) = (code.org_id, code.store_id);
    let (access_token, access_expires_at) = st.tokens.issue(req.device_id, org, store, now)?;
    tracing::info!(device = %req.device_id, %org, %store, "device enrolled");
    Ok(Json(EnrollResponse {
        device_id: req.device_id,
        org_id: org,
        store_id: store,
        refresh_token: refresh,
        access_token,
        access_expires_at,
        device_role: code.device_role.parse().unwrap_or(Role::Frontline),
    }))
}

/// How long after a rotation the token before it may still be presented once more (the desk
/// that sent it never heard the answer): the same exchange again, not a copy.
pub const REFRESH_GRACE: chrono::Duration = chrono::Duration::seconds(60);

/// Why a device is revoked when a refresh token it no longer holds comes back.
pub const REUSED: &str = "This desk's sign-in with the server was used from somewhere else (a copy of its \
    credentials). The device was revoked to be safe: enroll it again with a new code.";

#[utoipa::path(post, path = "/v1/token", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse, description = "A new access token and the refresh token that replaces the one sent"),
              (status = "4XX", body = touchpoint_protocol::ApiError)))]
pub async fn token(
    State(st): State<AppState>,
    _version: Protocol,
    ClientIp(ip): ClientIp,
    Body(req): Body<TokenRequest>,
) -> ApiResult<Json<TokenResponse>> {
    st.limits.check(Call::Token, ip, req.device_id)?;
    let now = Utc::now();
    let mut tx = st.pool.begin().await?;
    let device = db::tokens::device_for_refresh(&mut tx, req.device_id).await?;
    let Some(db::tokens::Refresh {
        org_id: org,
        store_id: store,
        refresh_hash: current,
        previous_refresh_hash: previous,
        refresh_rotated_at: rotated_at,
        refresh_used_at: used_at,
        revoked_at: revoked,
        revoked_reason: reason,
    }) = device
    else {
        return Err(Failure::unauthorized("This device is not enrolled."));
    };
    if revoked.is_some() {
        return Err(Failure::forbidden(
            reason.unwrap_or_else(|| "This device was revoked by an administrator. Enroll it again to sync.".into()),
        ));
    }
    let presented = hash_secret(&req.refresh_token);
    let replay = previous.as_deref() == Some(presented.as_slice());
    if presented != current && !replay {
        return Err(Failure::unauthorized("The refresh token is not valid. Enroll this device again."));
    }
    if replay && rotated_at.is_none_or(|t| now - t > REFRESH_GRACE) {
        db::tokens::revoke_with_reason(&mut tx, req.device_id, now, REUSED).await?;
        tx.commit().await?;
        tracing::warn!(device = %req.device_id, %org, "a replaced refresh token was used again: device revoked");
        return Err(Failure::forbidden(REUSED));
    }
    if presented == current && now - used_at > st.tokens.refresh_idle {
        return Err(Failure::unauthorized(format!(
            "This desk has not synced for more than {} days, so its sign-in with the server expired. Enroll it again.",
            st.tokens.refresh_idle.num_days()
        )));
    }
    // A new refresh token every time; the one presented stays "previous" (after a replay within
    // the grace, the same previous one: the exchange is only being repeated).
    let refresh = new_refresh_token();
    let previous = if replay { presented.clone() } else { current };
    db::tokens::rotate_refresh(&mut tx, req.device_id, &hash_secret(&refresh), &previous, now).await?;
    tx.commit().await?;
    let (access_token, access_expires_at) = st.tokens.issue(req.device_id, org, store, now)?;
    Ok(Json(TokenResponse { access_token, access_expires_at, refresh_token: Some(refresh) }))
}
