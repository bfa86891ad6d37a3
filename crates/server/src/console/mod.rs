//! The organisation API under `/v1/org/`, used by the head office's console in a browser:
//! sign-in with a password and a cookie session, the organisation's stores, staff and devices,
//! enrollment codes, and the console's audit. Set-up calls the same functions the `admin` CLI
//! does, so every change goes out to desks on their next pull.

pub mod api_keys;
pub mod auth;
pub mod insight;
pub mod lists;
mod static_files;
pub mod stewardship;
pub mod webhooks;

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use touchpoint_protocol::console::{
    CodeKind, ConsoleAuditEntry, ConsoleRole, ConsoleSession, CreatedStaff, IssuedCode, NewEnrollmentCode, NewPin,
    NewStaff, NewStore, OrgDevice, OrgStaff, OrgStore, SignInRequest, StaffActive, StaffImport, StaffImportRequest,
};
use touchpoint_protocol::{ErrorCode, Role};
use uuid::Uuid;

pub use auth::ConsoleUser;
pub use static_files::{routes as static_routes, ConsoleFiles};

use crate::error::{ApiResult, Failure};
use crate::extract::{Body, Params, Segments};
use crate::limits::{Call, ClientIp};
use crate::{admin, db, AppState};

/// How the console is served.
#[derive(Debug, Clone, Default)]
pub struct ConsoleOptions {
    /// The server speaks HTTPS itself: session cookies are `Secure`.
    pub tls: bool,
    /// The built console (`ui/dist-console`); none: `/console/` says how to build it.
    pub files: Option<std::path::PathBuf>,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/org/session", post(sign_in).get(session).delete(sign_out))
        .route("/v1/org/stores", get(stores).post(create_store))
        .route("/v1/org/staff", get(staff).post(create_staff))
        .route("/v1/org/staff/import", post(import_staff))
        .route("/v1/org/staff/{staff_id}/pin", post(reset_pin))
        .route("/v1/org/staff/{staff_id}/active", post(set_active))
        .route("/v1/org/devices", get(devices))
        .route("/v1/org/devices/{device_id}/revoke", post(revoke_device))
        .route("/v1/org/enrollment-codes", post(issue_code))
        .route("/v1/org/audit", get(audit))
        .route("/v1/org/api-keys", get(api_keys::keys).post(api_keys::make))
        .route("/v1/org/api-keys/{key_id}/revoke", post(api_keys::revoke))
        .route("/v1/org/webhooks", get(webhooks::list).post(webhooks::add))
        .route("/v1/org/webhooks/{webhook_id}/active", post(webhooks::set_active))
        .route("/v1/org/webhooks/{webhook_id}/deliveries", get(webhooks::deliveries))
        .route("/v1/org/desk-audit", get(stewardship::desk_audit))
        .route("/v1/org/conflicts", get(stewardship::conflicts))
        .route("/v1/org/insight", get(insight::insight))
        .route("/v1/org/insight/conversations", get(insight::conversations))
        .route("/v1/org/insight/closed-loop", get(insight::closed_loop))
        .route("/v1/org/insight/at-risk", get(insight::at_risk))
        .route("/v1/org/lists/reasons/defaults", post(lists::default_reasons))
        .route("/v1/org/lists/{list}", get(lists::entries).post(lists::add))
        .route("/v1/org/lists/{list}/{id}", patch(lists::change))
}

fn session_of(user: &ConsoleUser) -> ConsoleSession {
    ConsoleSession {
        staff_id: user.staff_id,
        name: user.name.clone(),
        login: user.login.clone(),
        role: user.role,
        org_id: user.org_id,
        org_name: user.org_name.clone(),
        csrf_token: user.csrf_token.clone(),
        expires_at: user.expires_at,
    }
}

/// Signs in with a console login and password; the session is an HTTP-only cookie.
#[utoipa::path(post, path = "/v1/org/session", request_body = SignInRequest, tag = "organisation",
    responses((status = 200, body = ConsoleSession, description = "Signed in; the session cookie is set")))]
pub async fn sign_in(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Body(req): Body<SignInRequest>,
) -> ApiResult<Response> {
    if req.login.len() > 200 || req.password.len() > 4 * auth::PASSWORD_MAX {
        return Err(Failure::bad_request("The login or the password is far longer than any account's."));
    }
    // A login no account can have (control characters, spaces) is refused before the database.
    if auth::login_problem(req.login.trim()).is_some() {
        return Err(Failure::unauthorized("The login or the password is not right."));
    }
    let per_login = Uuid::new_v5(&Uuid::NAMESPACE_OID, req.login.trim().to_lowercase().as_bytes());
    st.limits.check(Call::SignIn, ip, per_login)?;
    let begun = auth::sign_in(&st.pool, &req.login, &req.password, ip, Utc::now()).await?;
    let role = ConsoleRole::parse(&begun.account.console_role)
        .ok_or_else(|| Failure::new(ErrorCode::Internal, "This account's console role is not known."))?;
    let body = ConsoleSession {
        staff_id: begun.account.staff_id,
        name: begun.account.name.clone(),
        login: begun.account.login.clone(),
        role,
        org_id: begun.account.org_id,
        org_name: begun.account.org_name.clone(),
        csrf_token: begun.csrf_token.clone(),
        expires_at: begun.expires_at,
    };
    let cookie = auth::session_cookie(&begun.secret, auth::is_https(&headers, &st));
    Ok(([(header::SET_COOKIE, cookie), (header::CACHE_CONTROL, "no-store".into())], Json(body)).into_response())
}

/// Who is signed in (and the CSRF token), or 401.
#[utoipa::path(get, path = "/v1/org/session", tag = "organisation",
    responses((status = 200, body = ConsoleSession, description = "The session")))]
pub async fn session(user: ConsoleUser) -> ApiResult<Response> {
    user.person()?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(session_of(&user))).into_response())
}

/// Signs out: the session ends on the server and the cookie is removed.
#[utoipa::path(delete, path = "/v1/org/session", tag = "organisation",
    responses((status = 204, description = "Signed out")))]
pub async fn sign_out(State(st): State<AppState>, headers: HeaderMap, user: ConsoleUser) -> ApiResult<Response> {
    user.person()?;
    db::console::end_session(&st.pool, user.session_hash()).await?;
    user.audit(&st.pool, "signed_out", Some(user.staff_id), serde_json::json!({})).await?;
    let cookie = auth::cleared_cookie(auth::is_https(&headers, &st));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The organisation's stores.
#[utoipa::path(get, path = "/v1/org/stores", tag = "organisation",
    responses((status = 200, body = Vec<OrgStore>, description = "Every store, by name")))]
pub async fn stores(State(st): State<AppState>, user: ConsoleUser) -> ApiResult<Json<Vec<OrgStore>>> {
    let rows = db::console::stores(&st.pool, user.org_id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| OrgStore {
                store_id: r.store_id,
                name: r.name,
                timezone: r.timezone,
                staff: u32::try_from(r.staff).unwrap_or(u32::MAX),
                devices: u32::try_from(r.devices).unwrap_or(u32::MAX),
            })
            .collect(),
    ))
}

/// A field's problem as the 400 the console shows beside the field.
fn field(field: &str, problem: impl Into<String>) -> Failure {
    Failure::bad_request(format!("{field}: {}", problem.into()))
}

/// The field names something the organisation does not have.
fn not_found(field: &str, problem: &str) -> Failure {
    Failure::new(ErrorCode::NotFound, format!("{field}: {problem}"))
}

/// Adds a store (administrators); every desk pulls it.
#[utoipa::path(post, path = "/v1/org/stores", request_body = NewStore, tag = "organisation",
    responses((status = 201, body = OrgStore, description = "The store, as listed")))]
pub async fn create_store(
    State(st): State<AppState>,
    user: ConsoleUser,
    Body(req): Body<NewStore>,
) -> ApiResult<(StatusCode, Json<OrgStore>)> {
    user.admin()?;
    let name = req.name.trim();
    if let Err(p) = touchpoint_protocol::text::check(name, touchpoint_protocol::text::STORE_NAME) {
        return Err(field("name", p.describe("A store's name")));
    }
    if name.is_empty() {
        return Err(field("name", "A store needs a name."));
    }
    let timezone = req.timezone.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if let Some(tz) = timezone {
        if tz.len() > 64 || jiff::tz::TimeZone::get(tz).is_err() {
            return Err(field(
                "timezone",
                format!(
                    "“{}” is not a time zone this server knows (like Europe/Lisbon).",
                    tz.chars().take(64).collect::<String>()
                ),
            ));
        }
    }
    let existing = db::console::stores(&st.pool, user.org_id).await?;
    if existing.iter().any(|s| s.name.eq_ignore_ascii_case(name)) {
        return Err(Failure::new(ErrorCode::Conflict, format!("name: There is already a store called {name}.")));
    }
    let store = admin::create_store(&st.pool, user.org_id, name, timezone).await.map_err(internal)?;
    user.audit(&st.pool, "store_created", Some(store), serde_json::json!({ "name": name, "timezone": timezone }))
        .await?;
    let created =
        OrgStore { store_id: store, name: name.into(), timezone: timezone.map(str::to_owned), staff: 0, devices: 0 };
    Ok((StatusCode::CREATED, Json(created)))
}

fn internal(e: anyhow::Error) -> Failure {
    tracing::error!(error = %e, "organisation change failed");
    Failure::new(ErrorCode::Internal, "The server could not make the change.")
}

/// The organisation's staff, those who left included.
#[utoipa::path(get, path = "/v1/org/staff", tag = "organisation",
    responses((status = 200, body = Vec<OrgStaff>, description = "Working staff first, by name")))]
pub async fn staff(State(st): State<AppState>, user: ConsoleUser) -> ApiResult<Json<Vec<OrgStaff>>> {
    let rows = db::console::staff(&st.pool, user.org_id).await?;
    Ok(Json(
        rows.into_iter()
            .filter_map(|r| {
                Some(OrgStaff {
                    staff_id: r.staff_id,
                    name: r.name,
                    role: r.role.parse().ok()?,
                    home_store_id: r.home_store_id,
                    active: r.active,
                    has_pin: r.has_pin,
                    console_login: r.console_login,
                })
            })
            .collect(),
    ))
}

/// Adds a staff member (administrators) with a first desk PIN made by the server and shown
/// once; every desk pulls them.
#[utoipa::path(post, path = "/v1/org/staff", request_body = NewStaff, tag = "organisation",
    responses((status = 201, body = CreatedStaff, description = "The person, as listed, and their first PIN")))]
pub async fn create_staff(
    State(st): State<AppState>,
    user: ConsoleUser,
    Body(req): Body<NewStaff>,
) -> ApiResult<(StatusCode, Json<CreatedStaff>)> {
    user.admin()?;
    let name = req.name.trim();
    if name.is_empty() {
        return Err(field("name", "A staff member needs a name."));
    }
    if let Err(p) = touchpoint_protocol::text::check(name, touchpoint_protocol::text::STAFF_NAME) {
        return Err(field("name", p.describe("The name")));
    }
    if let Some(store) = req.home_store_id {
        if db::admin::count_stores(&st.pool, user.org_id, &[store]).await? != 1 {
            return Err(not_found("home_store_id", "No such store in this organisation."));
        }
    } else if req.role == Role::Frontline {
        return Err(field("home_store_id", "Frontline staff work at a store: choose theirs."));
    }
    let pin = admin::generate_pin();
    let id = admin::create_staff(&st.pool, user.org_id, req.home_store_id, name, req.role, Some(&pin))
        .await
        .map_err(internal)?;
    user.audit(
        &st.pool,
        "staff_created",
        Some(id),
        serde_json::json!({ "name": name, "role": req.role.as_str(), "home_store_id": req.home_store_id }),
    )
    .await?;
    let staff = OrgStaff {
        staff_id: id,
        name: name.into(),
        role: req.role,
        home_store_id: req.home_store_id,
        active: true,
        has_pin: true,
        console_login: None,
    };
    Ok((StatusCode::CREATED, Json(CreatedStaff { staff, pin })))
}

/// Gives a staff member a new desk PIN (administrators), made by the server and shown once;
/// their wrong-PIN pause is lifted and every desk pulls the new PIN.
#[utoipa::path(post, path = "/v1/org/staff/{staff_id}/pin", tag = "organisation",
    params(("staff_id" = Uuid, Path, description = "The staff member")),
    responses((status = 200, body = NewPin, description = "The new PIN, shown once")))]
pub async fn reset_pin(
    State(st): State<AppState>,
    user: ConsoleUser,
    Segments(staff): Segments<Uuid>,
) -> ApiResult<Json<NewPin>> {
    user.admin()?;
    let pin = admin::generate_pin();
    if !admin::change_staff(&st.pool, user.org_id, staff, admin::StaffChange::Pin(&pin)).await.map_err(internal)? {
        return Err(not_found("staff_id", "No such staff member in this organisation."));
    }
    user.audit(&st.pool, "pin_reset", Some(staff), serde_json::json!({})).await?;
    Ok(Json(NewPin { pin }))
}

/// Records that a staff member left, or came back (administrators). Desks stop offering
/// someone who left; what they logged stays theirs. Their console sessions end.
#[utoipa::path(post, path = "/v1/org/staff/{staff_id}/active", request_body = StaffActive, tag = "organisation",
    params(("staff_id" = Uuid, Path, description = "The staff member")),
    responses((status = 204, description = "Changed")))]
pub async fn set_active(
    State(st): State<AppState>,
    user: ConsoleUser,
    Segments(staff): Segments<Uuid>,
    Body(req): Body<StaffActive>,
) -> ApiResult<StatusCode> {
    user.admin()?;
    if staff == user.staff_id && !req.active {
        return Err(field("active", "You cannot mark yourself as left: ask another administrator."));
    }
    if !admin::change_staff(&st.pool, user.org_id, staff, admin::StaffChange::Active(req.active))
        .await
        .map_err(internal)?
    {
        return Err(not_found("staff_id", "No such staff member in this organisation."));
    }
    let action = if req.active { "staff_returned" } else { "staff_left" };
    user.audit(&st.pool, action, Some(staff), serde_json::json!({})).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every enrolled device of the organisation (a supervisor sees their store's).
#[utoipa::path(get, path = "/v1/org/devices", tag = "organisation",
    responses((status = 200, body = Vec<OrgDevice>, description = "Live devices first, the most recently seen first")))]
pub async fn devices(State(st): State<AppState>, user: ConsoleUser) -> ApiResult<Json<Vec<OrgDevice>>> {
    let rows = db::console::devices(&st.pool, user.org_id).await?;
    let visible = |store: Uuid| user.role == ConsoleRole::Admin || user.home_store_id.is_none_or(|h| h == store);
    Ok(Json(
        rows.into_iter()
            .filter(|r| visible(r.store_id))
            .filter_map(|r| {
                Some(OrgDevice {
                    device_id: r.device_id,
                    name: r.name,
                    store_id: r.store_id,
                    role: r.device_role.parse().ok()?,
                    reads_org: r.reads_org,
                    also_reads: r.also_reads,
                    enrolled_at: r.created_at,
                    last_seen_at: r.last_seen_at,
                    revoked_at: r.revoked_at,
                    revoked_reason: r.revoked_reason,
                    app_version: r.app_version,
                    outbox_waiting: r.outbox_waiting.and_then(|n| u32::try_from(n).ok()),
                    outbox_refused: r.outbox_refused.and_then(|n| u32::try_from(n).ok()),
                    last_push_at: r.last_push_at,
                    last_pull_at: r.last_pull_at,
                })
            })
            .collect(),
    ))
}

/// Revokes a device (administrators): its next request is refused and it must enroll again.
#[utoipa::path(post, path = "/v1/org/devices/{device_id}/revoke", tag = "organisation",
    params(("device_id" = Uuid, Path, description = "The device")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_device(
    State(st): State<AppState>,
    user: ConsoleUser,
    Segments(device): Segments<Uuid>,
) -> ApiResult<StatusCode> {
    user.admin()?;
    let Some(name) = db::console::device_name(&st.pool, user.org_id, device).await? else {
        return Err(not_found("device_id", "No such device in this organisation."));
    };
    let reason = format!("Revoked in the console by {}.", user.name);
    let revoked = db::console::revoke_device(&st.pool, user.org_id, device, &reason).await?;
    if !revoked {
        return Err(Failure::bad_request("This device is already revoked."));
    }
    user.audit(&st.pool, "device_revoked", Some(device), serde_json::json!({ "name": name })).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Issues a one-time enrollment code (administrators), shown once.
#[utoipa::path(post, path = "/v1/org/enrollment-codes", request_body = NewEnrollmentCode, tag = "organisation",
    responses((status = 201, body = IssuedCode, description = "The code: only its hash is kept")))]
pub async fn issue_code(
    State(st): State<AppState>,
    user: ConsoleUser,
    Body(req): Body<NewEnrollmentCode>,
) -> ApiResult<(StatusCode, Json<IssuedCode>)> {
    user.admin()?;
    if !(1..=336).contains(&req.valid_hours) {
        return Err(field("valid_hours", "A code is valid for 1 hour to 14 days."));
    }
    let mut stores = vec![req.store_id];
    stores.extend(&req.also_reads);
    stores.sort();
    stores.dedup();
    if db::admin::count_stores(&st.pool, user.org_id, &stores).await? != stores.len() as i64 {
        return Err(not_found("store_id", "No such store in this organisation."));
    }
    let also: Vec<Uuid> = req.also_reads.iter().copied().filter(|s| *s != req.store_id).collect();
    let (role, also, whole) = match req.kind {
        CodeKind::Till => (Role::Frontline, Vec::new(), false),
        CodeKind::Supervisor => (Role::Supervisor, Vec::new(), false),
        CodeKind::ReadsStores if also.is_empty() => {
            return Err(field("also_reads", "Choose the other stores this desk reads."));
        }
        CodeKind::ReadsStores => (Role::Supervisor, also, false),
        CodeKind::WholeOrganisation => (Role::Admin, Vec::new(), true),
    };
    let valid_for = Duration::hours(i64::from(req.valid_hours));
    let code = admin::issue_enrollment_code_as(&st.pool, user.org_id, req.store_id, role, &also, whole, valid_for)
        .await
        .map_err(internal)?;
    let kind = serde_json::to_value(req.kind).unwrap_or_default();
    user.audit(
        &st.pool,
        "code_issued",
        Some(req.store_id),
        serde_json::json!({ "kind": kind, "valid_hours": req.valid_hours, "also_reads": also.len() }),
    )
    .await?;
    let issued = IssuedCode { code, store_id: req.store_id, kind: req.kind, expires_at: Utc::now() + valid_for };
    Ok((StatusCode::CREATED, Json(issued)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries before this time (paging back).
    pub before: Option<DateTime<Utc>>,
    /// How many (1–200, 100 when left out).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u16>,
}

/// What happened in the console, newest first (administrators).
#[utoipa::path(get, path = "/v1/org/audit", tag = "organisation", params(AuditQuery),
    responses((status = 200, body = Vec<ConsoleAuditEntry>, description = "Newest first")))]
pub async fn audit(
    State(st): State<AppState>,
    user: ConsoleUser,
    Params(q): Params<AuditQuery>,
) -> ApiResult<Json<Vec<ConsoleAuditEntry>>> {
    user.admin()?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=200).contains(&limit) {
        return Err(field("limit", "Between 1 and 200."));
    }
    let rows = db::console::audit_entries(&st.pool, user.org_id, q.before, i64::from(limit)).await?;
    let words = |v: serde_json::Value| -> BTreeMap<String, String> {
        match v {
            serde_json::Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| {
                    let text = match v {
                        serde_json::Value::String(s) => s,
                        serde_json::Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    (k, text)
                })
                .collect(),
            _ => BTreeMap::new(),
        }
    };
    Ok(Json(
        rows.into_iter()
            .map(|r| ConsoleAuditEntry {
                entry_id: r.entry_id,
                at: r.at,
                staff_id: r.staff_id,
                staff_name: r.staff_name,
                action: r.action,
                subject_id: r.subject_id,
                detail: words(r.detail),
            })
            .collect(),
    ))
}

/// Adds staff from a CSV file (administrators): every row checked first; everyone added with a
/// first desk PIN shown once, or nobody while a row (or the file) has a problem. `dry_run` only
/// checks.
#[utoipa::path(post, path = "/v1/org/staff/import", request_body = StaffImportRequest, tag = "organisation",
    responses((status = 200, body = StaffImport, description = "Each row with its problem, or the person added and their PIN")))]
pub async fn import_staff(
    State(st): State<AppState>,
    user: ConsoleUser,
    Body(req): Body<StaffImportRequest>,
) -> ApiResult<Json<StaffImport>> {
    user.admin()?;
    let done = crate::staff_import::import(&st.pool, user.org_id, &req.csv, req.dry_run)
        .await
        .map_err(|crate::staff_import::Refused::Failed(e)| internal(e))?;
    if done.added > 0 {
        user.audit(&st.pool, "staff_imported", None, serde_json::json!({ "added": done.added })).await?;
    }
    Ok(Json(done))
}
