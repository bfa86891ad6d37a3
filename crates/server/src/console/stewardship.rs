//! `GET /v1/org/desk-audit` and `/v1/org/conflicts`: what people did at the organisation's
//! desks that stewardship records (who viewed, changed, exported, erased), narrowed by person,
//! store, customer and action; and the edits made apart that the server had to choose between.
//! Administrators only: these name customers across every store.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use touchpoint_protocol::console::{DeskAuditEntry, OrgConflict};
use touchpoint_protocol::{AuditAction, Hlc, Op, OpBody};
use uuid::Uuid;

use super::{field, ConsoleUser};
use crate::db::stewardship::{self, AuditFilter};
use crate::error::ApiResult;
use crate::extract::Params;
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeskAuditQuery {
    /// Who did it.
    pub staff_id: Option<Uuid>,
    /// The store of the desk it was done on.
    pub store_id: Option<Uuid>,
    /// The customer it concerned.
    pub customer_id: Option<Uuid>,
    /// view, change, export, erase, import, sign_in_locked, merge or unmerge.
    pub action: Option<AuditAction>,
    /// Entries older than this one (paging back: the last entry's `seq`).
    pub before: Option<i64>,
    /// How many (1–200, 100 when left out).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u16>,
}

fn limit_of(limit: Option<u16>) -> ApiResult<i64> {
    let limit = limit.unwrap_or(100);
    if !(1..=200).contains(&limit) {
        return Err(field("limit", "Between 1 and 200."));
    }
    Ok(i64::from(limit))
}

fn time_of(hlc: &str) -> Option<DateTime<Utc>> {
    hlc.parse::<Hlc>().ok().and_then(|h| DateTime::from_timestamp_millis(h.wall_ms))
}

/// What people did at the organisation's desks, newest first (administrators).
#[utoipa::path(get, path = "/v1/org/desk-audit", tag = "organisation", params(DeskAuditQuery),
    responses((status = 200, body = Vec<DeskAuditEntry>, description = "Newest first")))]
pub async fn desk_audit(
    State(st): State<AppState>,
    user: ConsoleUser,
    Params(q): Params<DeskAuditQuery>,
) -> ApiResult<Json<Vec<DeskAuditEntry>>> {
    user.admin()?;
    let filter = AuditFilter {
        staff_id: q.staff_id,
        store_id: q.store_id,
        customer_id: q.customer_id,
        action: q.action.map(AuditAction::as_str),
        before: q.before,
        limit: limit_of(q.limit)?,
    };
    let rows = stewardship::audit(&st.pool, user.org_id, &filter).await?;
    // An entry a desk sent is an op the server checked on the way in; one it cannot read as
    // such (never expected) is left out rather than shown half.
    let entries = rows
        .into_iter()
        .filter_map(|r| {
            let op: Op = serde_json::from_value(r.op).ok()?;
            let OpBody::AuditRecorded(a) = op.body else { return None };
            Some(DeskAuditEntry {
                seq: r.seq,
                at: DateTime::from_timestamp_millis(op.hlc.wall_ms)?,
                staff_id: op.staff_id,
                staff_name: r.staff_name,
                store_id: r.store_id.unwrap_or(op.store_id),
                device_id: op.device_id,
                device_name: r.device_name,
                action: a.action,
                entity: a.entity,
                customer_id: r.customer_id.or(a.customer_id),
                customer_name: r.customer_name,
                detail: a.detail,
            })
        })
        .collect();
    Ok(Json(entries))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConflictsQuery {
    /// How many (1–200, 100 when left out).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u16>,
}

/// Edits of the same customer field made apart, newest first (administrators): the value
/// kept, the one not kept, and who made each.
#[utoipa::path(get, path = "/v1/org/conflicts", tag = "organisation", params(ConflictsQuery),
    responses((status = 200, body = Vec<OrgConflict>, description = "Newest first")))]
pub async fn conflicts(
    State(st): State<AppState>,
    user: ConsoleUser,
    Params(q): Params<ConflictsQuery>,
) -> ApiResult<Json<Vec<OrgConflict>>> {
    user.admin()?;
    let rows = stewardship::conflicts(&st.pool, user.org_id, limit_of(q.limit)?).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| OrgConflict {
                customer_id: r.customer_id,
                customer_name: r.customer_name,
                field: r.field,
                kept_value: r.kept_value.to_string(),
                kept_staff_name: r.kept_staff_name,
                kept_at: time_of(&r.kept_hlc),
                lost_value: r.lost_value.to_string(),
                lost_staff_name: r.lost_staff_name,
                lost_at: time_of(&r.lost_hlc),
                recorded_at: r.recorded_at,
            })
            .collect(),
    ))
}
