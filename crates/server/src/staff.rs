//! `POST /v1/staff/check-pin`: a desk that does not hold a person's PIN verifier (a till, for
//! a supervisor) asks the server. Wrong PINs make that person wait, as at a desk, whichever
//! device they were typed on, so a stolen till cannot guess a supervisor's PIN either way.

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use axum::extract::State;
use axum::Json;
use chrono::Utc;
use touchpoint_protocol::{ErrorCode, PinCheckRequest, PinCheckResponse, Role};

use crate::db;
use crate::error::{ApiResult, Failure};
use crate::extract::{Body, Protocol};
use crate::limits::{Call, ClientIp};
use crate::tokens::DeviceAuth;
use crate::AppState;

#[utoipa::path(post, path = "/v1/staff/check-pin", request_body = PinCheckRequest,
    responses((status = 200, body = PinCheckResponse, description = "Whether the PIN is the person's"),
              (status = "4XX", body = touchpoint_protocol::ApiError)),
    security(("device" = [])))]
pub async fn check_pin(
    State(st): State<AppState>,
    _version: Protocol,
    ClientIp(ip): ClientIp,
    auth: DeviceAuth,
    Body(req): Body<PinCheckRequest>,
) -> ApiResult<Json<PinCheckResponse>> {
    st.limits.check(Call::Lookup, ip, auth.device_id)?;
    if req.pin.len() > touchpoint_protocol::pin::MAX || !req.pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::bad_request("A PIN is up to 12 digits."));
    }
    let mut tx = st.pool.begin().await?;
    let row = db::staff::pin_state(&mut tx, auth.org_id, req.staff_id).await?;
    let not_here = || Failure::new(ErrorCode::NotFound, "This person does not sign in at this desk's stores.");
    let Some(person) = row else { return Err(not_here()) };
    if person.home_store_id.is_some_and(|h| !auth.reads_org && !auth.reads.contains(&h)) {
        return Err(not_here());
    }
    let now = Utc::now();
    if person.pin_locked_until.is_some_and(|t| t > now) {
        return Ok(Json(PinCheckResponse { accepted: false, locked_until: person.pin_locked_until }));
    }
    let Some(hash) = person.pin_hash else {
        return Err(Failure::bad_request("This person has no PIN."));
    };
    let accepted = PasswordHash::new(&hash)
        .is_ok_and(|parsed| argon2::Argon2::default().verify_password(req.pin.as_bytes(), &parsed).is_ok());
    let failures = if accepted { 0 } else { person.pin_failures.saturating_add(1) };
    let locked_until = touchpoint_protocol::pin::pause_after(failures.max(0) as u32).map(|pause| now + pause);
    db::staff::record_pin_check(&mut tx, auth.org_id, req.staff_id, failures, locked_until).await?;
    tx.commit().await?;
    let role: Role = person.role.parse().unwrap_or(Role::Frontline);
    if accepted {
        tracing::info!(device = %auth.device_id, staff = %req.staff_id, role = role.as_str(), "PIN checked for a desk");
    } else {
        tracing::warn!(device = %auth.device_id, staff = %req.staff_id, failures, "wrong PIN typed at a desk");
    }
    Ok(Json(PinCheckResponse { accepted, locked_until }))
}
