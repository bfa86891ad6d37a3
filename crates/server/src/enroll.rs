//! `POST /v1/enroll` (a one-time code becomes a device) and `POST /v1/token`.

use axum::extract::State;
use axum::Json;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngExt;
use touchpoint_protocol::{EnrollRequest, EnrollResponse, ErrorCode, Role, TokenRequest, TokenResponse};
use uuid::Uuid;

use crate::error::{ApiResult, Failure};
use crate::extract::{Body, Protocol};
use crate::tokens::hash_secret;
use crate::AppState;

/// org, store, expires at, used at, other stores read, reads the organisation.
type CodeRow = (Uuid, Uuid, DateTime<Utc>, Option<DateTime<Utc>>, Vec<Uuid>, bool, String);
/// org, store, refresh token hash, revoked at.
type DeviceRow = (Uuid, Uuid, Vec<u8>, Option<DateTime<Utc>>);

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
    Body(req): Body<EnrollRequest>,
) -> ApiResult<Json<EnrollResponse>> {
    let name = req.device_name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Failure::bad_request("Give this device a name of 1 to 80 characters."));
    }
    let now = Utc::now();
    let mut tx = st.pool.begin().await?;
    let code: Option<CodeRow> = sqlx::query_as(
        "SELECT org_id, store_id, expires_at, used_at, also_reads, reads_org, device_role FROM enrollment_codes
         WHERE code_hash = $1 FOR UPDATE",
    )
    .bind(hash_secret(&normalise_code(&req.code)))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((org, store, expires_at, used_at, also_reads, reads_org, device_role)) = code else {
        return Err(Failure::unauthorized("This enrollment code is not known. Check it, or ask for a new one."));
    };
    if used_at.is_some() {
        return Err(Failure::unauthorized("This enrollment code was already used. Ask for a new one."));
    }
    if expires_at < now {
        return Err(Failure::unauthorized("This enrollment code has expired. Ask for a new one."));
    }
    let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM devices WHERE device_id = $1)")
        .bind(req.device_id)
        .fetch_one(&mut *tx)
        .await?;
    if taken {
        return Err(Failure::new(ErrorCode::BadRequest, "Another device already uses this id."));
    }
    let refresh = new_refresh_token();
    sqlx::query(
        "INSERT INTO devices (org_id, device_id, store_id, name, refresh_hash, also_reads, reads_org, device_role)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(org)
    .bind(req.device_id)
    .bind(store)
    .bind(name)
    .bind(hash_secret(&refresh))
    .bind(&also_reads)
    .bind(reads_org)
    .bind(&device_role)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE enrollment_codes SET used_at = $2, device_id = $3 WHERE code_hash = $1")
        .bind(hash_secret(&normalise_code(&req.code)))
        .bind(now)
        .bind(req.device_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let (access_token, access_expires_at) = st.tokens.issue(req.device_id, org, store, now)?;
    tracing::info!(device = %req.device_id, %org, %store, "device enrolled");
    Ok(Json(EnrollResponse {
        device_id: req.device_id,
        org_id: org,
        store_id: store,
        refresh_token: refresh,
        access_token,
        access_expires_at,
        device_role: device_role.parse().unwrap_or(Role::Frontline),
    }))
}

#[utoipa::path(post, path = "/v1/token", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = "4XX", body = touchpoint_protocol::ApiError)))]
pub async fn token(
    State(st): State<AppState>,
    _version: Protocol,
    Body(req): Body<TokenRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let device: Option<DeviceRow> =
        sqlx::query_as("SELECT org_id, store_id, refresh_hash, revoked_at FROM devices WHERE device_id = $1")
            .bind(req.device_id)
            .fetch_optional(&st.pool)
            .await?;
    let Some((org, store, hash, revoked)) = device else {
        return Err(Failure::unauthorized("This device is not enrolled."));
    };
    if revoked.is_some() {
        return Err(Failure::forbidden("This device was revoked by an administrator. Enroll it again to sync."));
    }
    if hash != hash_secret(&req.refresh_token) {
        return Err(Failure::unauthorized("The refresh token is not valid. Enroll this device again."));
    }
    let (access_token, access_expires_at) = st.tokens.issue(req.device_id, org, store, Utc::now())?;
    Ok(Json(TokenResponse { access_token, access_expires_at }))
}
