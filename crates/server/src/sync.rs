//! `POST /v1/sync/push` and `GET /v1/sync/pull`.

use std::time::Duration;

use axum::extract::State;
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::Value;
use touchpoint_protocol::{
    Change, ErrorCode, Op, OpResult, OpStatus, PullResponse, PushRequest, PushResponse, RejectCode, MAX_PULL_LIMIT,
    MAX_PUSH_OPS,
};
use uuid::Uuid;

use crate::apply;
use crate::error::{ApiResult, Failure};
use crate::extract::{Body, Params, Protocol};
use crate::tokens::DeviceAuth;
use crate::AppState;

/// How far ahead of the server's clock a change's stamp may be. A desk whose clock is
/// further ahead would win every concurrent edit for that long; its changes are refused
/// with a reason a person can act on (fix the clock), not silently reordered.
pub const MAX_CLOCK_AHEAD: chrono::Duration = chrono::Duration::hours(24);

/// Why an op is refused for good, or `None` to apply it.
fn refuse(op: &Op, auth: &DeviceAuth, now: chrono::DateTime<Utc>) -> Option<(RejectCode, String)> {
    if op.device_id != auth.device_id || op.store_id != auth.store_id {
        return Some((
            RejectCode::WrongDevice,
            "This change names another device or store than the one sending it.".into(),
        ));
    }
    if op.body.is_catalogue() {
        return Some((RejectCode::Forbidden, "Stores, staff and touch points are changed on the server only.".into()));
    }
    let wall = op.hlc.split('-').next().and_then(|w| w.parse::<i64>().ok());
    let Some(wall) = wall.filter(|_| op.hlc.len() > 20) else {
        return Some((RejectCode::Invalid, "The change has no valid clock stamp.".into()));
    };
    if wall > (now + MAX_CLOCK_AHEAD).timestamp_millis() {
        return Some((
            RejectCode::Invalid,
            "This desk's clock is more than a day ahead of the server's. Set the correct date and time.".into(),
        ));
    }
    touchpoint_protocol::rules::problem(&op.body).map(|p| (RejectCode::Invalid, p))
}

/// Pauses a push after it applied this many ops, before it commits (tests kill the server
/// there, or hold the organisation's counter while another push waits).
#[derive(Debug, Default)]
pub struct Faults {
    pub pause_after_ops: std::sync::Mutex<Option<(usize, Duration)>>,
    /// True while a push sits in that pause.
    pub paused: std::sync::atomic::AtomicBool,
}

#[utoipa::path(post, path = "/v1/sync/push", request_body = PushRequest,
    responses((status = 200, body = PushResponse), (status = "4XX", body = touchpoint_protocol::ApiError)),
    security(("device" = [])))]
pub async fn push(
    State(st): State<AppState>,
    _version: Protocol,
    auth: DeviceAuth,
    Body(req): Body<PushRequest>,
) -> ApiResult<Json<PushResponse>> {
    if req.ops.len() > MAX_PUSH_OPS {
        return Err(Failure::new(
            ErrorCode::PayloadTooLarge,
            format!("Send at most {MAX_PUSH_OPS} changes at a time."),
        ));
    }
    let now = Utc::now();
    let org = auth.org_id;
    let mut tx = st.pool.begin().await?;
    // Taking the organisation's counter row serialises writers: sequence order is commit order.
    let mut next: i64 = sqlx::query_scalar(
        "UPDATE org_counters SET next_seq = next_seq + $2 WHERE org_id = $1 RETURNING next_seq - $2",
    )
    .bind(org)
    .bind(req.ops.len() as i64)
    .fetch_one(&mut *tx)
    .await?;
    let pause = *st.faults.pause_after_ops.lock().unwrap_or_else(|p| p.into_inner());

    let mut results = Vec::with_capacity(req.ops.len());
    for (i, op) in req.ops.iter().enumerate() {
        let seen: Option<(Value, Option<i64>)> =
            sqlx::query_as("SELECT result, server_seq FROM applied_ops WHERE org_id = $1 AND op_id = $2")
                .bind(org)
                .bind(op.op_id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((result, seq)) = seen {
            let status = match serde_json::from_value::<OpStatus>(result) {
                Ok(OpStatus::Rejected { code, message }) => OpStatus::Rejected { code, message },
                _ => OpStatus::Duplicate,
            };
            results.push(OpResult { op_id: op.op_id, status, server_seq: seq });
            continue;
        }
        let mut refusal = refuse(op, &auth, now);
        if refusal.is_none() && op.body.needs_supervisor() {
            refusal = apply::require_supervisor(&mut tx, org, op.staff_id).await?;
        }
        let result = match refusal {
            Some((code, message)) => {
                OpResult { op_id: op.op_id, status: OpStatus::Rejected { code, message }, server_seq: None }
            }
            None => {
                let seq = next;
                next += 1;
                let customer = apply::customer_of(&mut tx, org, op).await?;
                let op = &apply::scrub_if_erased(&mut tx, org, customer, op).await?;
                apply::apply(&mut tx, org, op, customer, seq, req.known_seq).await?;
                sqlx::query(
                    "INSERT INTO change_log (org_id, server_seq, op_id, entity, entity_id, customer_id, store_id, op, hlc)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(org)
                .bind(seq)
                .bind(op.op_id)
                .bind(op.body.kind())
                .bind(op.body.entity_id())
                .bind(customer)
                .bind(op.store_id)
                .bind(serde_json::to_value(op).map_err(|e| Failure::bad_request(e.to_string()))?)
                .bind(&op.hlc)
                .execute(&mut *tx)
                .await?;
                OpResult { op_id: op.op_id, status: OpStatus::Applied, server_seq: Some(seq) }
            }
        };
        let status = if matches!(result.status, OpStatus::Rejected { .. }) { "rejected" } else { "applied" };
        sqlx::query(
            "INSERT INTO applied_ops (org_id, op_id, device_id, status, result, server_seq) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org)
        .bind(op.op_id)
        .bind(auth.device_id)
        .bind(status)
        .bind(serde_json::to_value(&result.status).unwrap_or(Value::Null))
        .bind(result.server_seq)
        .execute(&mut *tx)
        .await?;
        results.push(result);
        if let Some((after, wait)) = pause {
            if i + 1 == after {
                st.faults.paused.store(true, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(wait).await;
                st.faults.paused.store(false, std::sync::atomic::Ordering::SeqCst);
            }
        }
    }
    tx.commit().await?;
    Ok(Json(PushResponse { results, server_time: now }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PullQuery {
    /// The last `seq` applied (0 to start from the beginning).
    pub since: i64,
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
) -> ApiResult<Json<PullResponse>> {
    if q.since < 0 {
        return Err(Failure::bad_request("`since` cannot be negative."));
    }
    let limit = q.limit.unwrap_or(MAX_PULL_LIMIT).clamp(1, MAX_PULL_LIMIT);
    let (epoch, next_seq): (Uuid, i64) = sqlx::query_as(
        "SELECT o.epoch, c.next_seq FROM organisations o JOIN org_counters c USING (org_id) WHERE o.org_id = $1",
    )
    .bind(auth.org_id)
    .fetch_one(&st.pool)
    .await?;
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
    let rows: Vec<(i64, Value)> = sqlx::query_as(
        "SELECT server_seq, op FROM change_log
         WHERE org_id = $1 AND server_seq > $2
           AND ((customer_id IS NULL AND (store_id IS NULL OR store_id = $3))
                OR customer_id IN (SELECT customer_id FROM customer_scope WHERE org_id = $1 AND store_id = $3))
         ORDER BY server_seq
         LIMIT $4",
    )
    .bind(auth.org_id)
    .bind(q.since)
    .bind(auth.store_id)
    .bind(i64::from(limit) + 1)
    .fetch_all(&st.pool)
    .await?;
    let has_more = rows.len() > limit as usize;
    let main: Vec<(i64, Value)> = rows.into_iter().take(limit as usize).collect();
    // With nothing more in scope the cursor still moves to the end of what was looked at.
    // (`next_seq` was read before the rows, and every seq below a committed one is committed:
    // the counter row serialises writers.)
    let last = main.last().map_or(q.since, |(seq, _)| *seq);
    let until = if has_more { last } else { last.max(next_seq - 1) };
    // Customers who came into this store's scope within the page bring their earlier history,
    // which the cursor has already passed: it comes first, so events find their customer.
    let backfill: Vec<(i64, Value)> = sqlx::query_as(
        "SELECT c.server_seq, c.op FROM customer_scope s
         JOIN change_log c ON c.org_id = s.org_id AND c.customer_id = s.customer_id
         WHERE s.org_id = $1 AND s.store_id = $2 AND s.since_seq > $3 AND s.since_seq <= $4 AND c.server_seq <= $3
         ORDER BY c.server_seq",
    )
    .bind(auth.org_id)
    .bind(auth.store_id)
    .bind(q.since)
    .bind(until)
    .fetch_all(&st.pool)
    .await?;
    let mut changes = Vec::with_capacity(backfill.len() + main.len());
    for (seq, op) in backfill.into_iter().chain(main) {
        let op: Op = serde_json::from_value(op).map_err(|e| {
            tracing::error!(seq, error = %e, "unreadable op in change log");
            Failure::new(ErrorCode::Internal, "The server's history holds an unreadable change.")
        })?;
        changes.push(Change { seq, op });
    }
    Ok(Json(PullResponse {
        changes,
        next_since: until.max(q.since),
        has_more,
        server_epoch: epoch,
        min_retained_seq: 1,
        head_seq: next_seq - 1,
        server_time: Some(Utc::now()),
    }))
}
