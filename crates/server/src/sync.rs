//! `GET /v1/sync/pull`: the change log, in sequence order, scoped to the device's store.

use axum::extract::State;
use axum::response::IntoResponse;
use chrono::Utc;
use serde::Deserialize;
use touchpoint_protocol::{ErrorCode, Op, OpBody, PullResponse, Role, MAX_PULL_LIMIT};
use uuid::Uuid;

use crate::db;
use crate::error::{ApiResult, Failure};
use crate::extract::{Params, Protocol};
use crate::tokens::DeviceAuth;
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    /// The last `seq` applied (0 to start from the beginning).
    #[param(minimum = 0)]
    pub since: i64,
    /// How many changes at most (1–1000, default 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// The epoch the client last saw; another one means the server was restored.
    pub epoch: Option<Uuid>,
}

#[utoipa::path(get, path = "/v1/sync/pull", params(PullQuery),
    responses((status = 200, body = PullResponse), (status = 409, body = touchpoint_protocol::ApiError, description = "resync_required")),
    security(("device" = [])))]
pub async fn pull(
    State(st): State<AppState>,
    _version: Protocol,
    auth: DeviceAuth,
    Params(q): Params<PullQuery>,
) -> ApiResult<axum::response::Response> {
    if q.since < 0 {
        return Err(Failure::bad_request("`since` cannot be negative."));
    }
    let limit = crate::customers::within(q.limit.unwrap_or(MAX_PULL_LIMIT), 1, MAX_PULL_LIMIT, "limit")?;
    let (epoch, next_seq) = db::pull::epoch_and_next_seq(&st.pool, auth.org_id).await?;
    let resync = |why: &str| Failure::new(ErrorCode::ResyncRequired, why.to_owned());
    if q.epoch.is_some_and(|e| e != epoch) {
        return Err(resync(
            "The server's history was restored from a backup. Send your changes, then sync from the start.",
        ));
    }
    if q.since >= next_seq {
        return Err(resync(
            "This desk has seen changes the server no longer has. Send your changes, then sync from the start.",
        ));
    }
    let rows =
        db::pull::changes_after(&st.pool, auth.org_id, q.since, &auth.reads, i64::from(limit) + 1, auth.reads_org)
            .await?;
    let has_more = rows.len() > limit as usize;
    let main: Vec<(i64, String)> = rows
        .into_iter()
        .take(limit as usize)
        .map(|(seq, entity, op)| Ok((seq, if entity == "staff_upsert" { staff_for(&auth, &op)? } else { op })))
        .collect::<ApiResult<_>>()?;
    // With nothing more in scope the cursor still moves to the end of what was looked at.
    // (`next_seq` was read before the rows, and every seq below a committed one is committed:
    // the counter row serialises writers.)
    let last = main.last().map_or(q.since, |(seq, _)| *seq);
    let until = if has_more { last } else { last.max(next_seq - 1) };
    // Customers who came into a read store's scope within the page bring their earlier
    // history, which the cursor has already passed: it comes first, so events find their
    // customer. (A device that reads the whole organisation has seen everything already.)
    let backfill: Vec<(i64, String)> = if auth.reads_org {
        Vec::new()
    } else {
        db::pull::history_brought_into_scope(&st.pool, auth.org_id, &auth.reads, q.since, until).await?
    };
    // The ops go out as the server stored them (it wrote them from parsed ops): the body is
    // assembled around their text, without parsing and writing each op again.
    let mut body = String::with_capacity(64 + (backfill.len() + main.len()) * 700);
    body.push_str("{\"changes\":[");
    for (i, (seq, op)) in backfill.iter().chain(main.iter()).enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str("{\"seq\":");
        body.push_str(&seq.to_string());
        body.push_str(",\"op\":");
        body.push_str(op);
        body.push('}');
    }
    let tail = serde_json::json!({
        "next_since": until.max(q.since),
        "has_more": has_more,
        "server_epoch": epoch,
        "min_retained_seq": 1,
        "head_seq": next_seq - 1,
        "server_time": Utc::now(),
    });
    let tail = tail.to_string();
    body.push_str("],");
    body.push_str(&tail[1..]);
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Whether `device` may hold the PIN verifier of a person of `role` whose home store is `home`.
/// An administrator's device holds everyone's; a supervisor's, everyone's of the stores it
/// reads; a till, only frontline staff's of its stores (and of staff of no store). Everyone
/// else's PIN is checked with the server (`POST /v1/staff/check-pin`). See DESIGN notes,
/// "What a till holds".
pub fn may_hold_verifier(device: &DeviceAuth, role: Role, home: Option<Uuid>) -> bool {
    if device.reads_org {
        return true;
    }
    let serves = |home: Option<Uuid>| home.is_none_or(|h| device.reads.contains(&h));
    match role {
        Role::Frontline => serves(home),
        Role::Supervisor | Role::Admin => device.role != Role::Frontline && home.is_some() && serves(home),
    }
}

/// A staff record as this device may receive it: the verifier held back when it may not hold
/// it, and the desk told to check that PIN with the server.
fn staff_for(device: &DeviceAuth, stored: &str) -> ApiResult<String> {
    let unreadable = || Failure::new(ErrorCode::Internal, "The server's history holds an unreadable change.");
    let mut op: Op = serde_json::from_str(stored).map_err(|_| unreadable())?;
    let OpBody::StaffUpsert(staff) = &mut op.body else { return Ok(stored.to_owned()) };
    if staff.pin_hash.is_some() && !may_hold_verifier(device, staff.role, staff.home_store_id) {
        staff.pin_hash = None;
        staff.pin_online = true;
    }
    serde_json::to_string(&op).map_err(|_| unreadable())
}

/// A desk says, after a sync round, which app version it runs and what waits in its outbox
/// (changes not confirmed yet, and refused ones nobody has looked at). The server keeps the
/// latest for the console's list of devices, with when the desk last pulled and pushed.
#[utoipa::path(post, path = "/v1/sync/report", request_body = touchpoint_protocol::DeskReport,
    responses((status = 204, description = "Kept")),
    security(("device" = [])))]
pub async fn report(
    State(st): State<AppState>,
    _version: Protocol,
    auth: DeviceAuth,
    crate::extract::Body(req): crate::extract::Body<touchpoint_protocol::DeskReport>,
) -> ApiResult<axum::http::StatusCode> {
    if !touchpoint_protocol::is_app_version(&req.app_version) {
        return Err(Failure::bad_request("app_version: 1 to 40 letters, digits, '.', '+' or '-'."));
    }
    let most = touchpoint_protocol::MAX_REPORTED_COUNT;
    if [req.outbox_waiting, req.outbox_refused, req.pushed].into_iter().any(|n| n > most) {
        return Err(Failure::bad_request(format!("A count in a report is at most {most}.")));
    }
    db::console::record_report(&st.pool, auth.org_id, auth.device_id, &req, Utc::now()).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
