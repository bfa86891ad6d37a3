//! `GET /v1/sync/pull`: the change log, in sequence order, scoped to the device's store.

use axum::extract::State;
use axum::Json;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use touchpoint_protocol::{ErrorCode, PullResponse, MAX_PULL_LIMIT};
use uuid::Uuid;

use crate::error::{ApiResult, Failure};
use crate::extract::{Params, Protocol};
use crate::tokens::DeviceAuth;
use crate::AppState;

/// `touchpoint_protocol::PullResponse`, with each op passed through as stored.
#[derive(Debug, Serialize)]
pub struct RawPullResponse {
    changes: Vec<RawChange>,
    next_since: i64,
    has_more: bool,
    server_epoch: Uuid,
    min_retained_seq: i64,
    head_seq: i64,
    server_time: Option<chrono::DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
struct RawChange {
    seq: i64,
    op: Box<RawValue>,
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
) -> ApiResult<Json<RawPullResponse>> {
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
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT server_seq, op::text FROM change_log
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
    let main: Vec<(i64, String)> = rows.into_iter().take(limit as usize).collect();
    // With nothing more in scope the cursor still moves to the end of what was looked at.
    // (`next_seq` was read before the rows, and every seq below a committed one is committed:
    // the counter row serialises writers.)
    let last = main.last().map_or(q.since, |(seq, _)| *seq);
    let until = if has_more { last } else { last.max(next_seq - 1) };
    // Customers who came into this store's scope within the page bring their earlier history,
    // which the cursor has already passed: it comes first, so events find their customer.
    let backfill: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.server_seq, c.op::text FROM customer_scope s
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
    // The ops go out as the server stored them (it wrote them from parsed ops), without
    // being parsed and written again here.
    let mut changes = Vec::with_capacity(backfill.len() + main.len());
    for (seq, op) in backfill.into_iter().chain(main) {
        let op = RawValue::from_string(op).map_err(|e| {
            tracing::error!(seq, error = %e, "unreadable op in change log");
            Failure::new(ErrorCode::Internal, "The server's history holds an unreadable change.")
        })?;
        changes.push(RawChange { seq, op });
    }
    Ok(Json(RawPullResponse {
        changes,
        next_since: until.max(q.since),
        has_more,
        server_epoch: epoch,
        min_retained_seq: 1,
        head_seq: next_seq - 1,
        server_time: Some(Utc::now()),
    }))
}
