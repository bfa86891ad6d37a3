//! `/v1/org/lists/{list}`: the organisation's touch points, reasons for contact and review
//! scorecard, as the console sets them up ([`crate::catalogue`], which the CLI calls too).
//! Supervisors read them; administrators change them; every change goes out to desks.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use touchpoint_protocol::console::{ListEntryChange, NewListEntry, OrgList, OrgListEntry};
use touchpoint_protocol::ErrorCode;
use uuid::Uuid;

use super::{field, internal, not_found, ConsoleUser};
use crate::catalogue::{self, Entry, List, Refused};
use crate::error::{ApiResult, Failure};
use crate::extract::{Body, Segments};
use crate::AppState;

fn list_of(list: OrgList) -> List {
    match list {
        OrgList::TouchPoints => List::TouchPoints,
        OrgList::Reasons => List::Reasons,
        OrgList::Scorecard => List::Scorecard,
    }
}

fn name_of(list: OrgList) -> &'static str {
    match list {
        OrgList::TouchPoints => "touch_points",
        OrgList::Reasons => "reasons",
        OrgList::Scorecard => "scorecard",
    }
}

fn shown(e: Entry) -> OrgListEntry {
    OrgListEntry {
        id: e.id,
        name: e.name,
        sort_order: e.sort_order,
        active: e.active,
        default_channel: e.default_channel,
    }
}

fn refused(r: Refused) -> Failure {
    match r {
        Refused::Invalid { field: f, message } => field(f, message),
        Refused::Duplicate(message) => Failure::new(ErrorCode::Conflict, format!("name: {message}")),
        Refused::NotFound => not_found("id", "No such entry in this organisation's list."),
        Refused::Failed(e) => internal(e),
    }
}

fn channel_only_for_touch_points(list: OrgList, channel: Option<touchpoint_protocol::ContactChannel>) -> ApiResult<()> {
    if channel.is_some() && list != OrgList::TouchPoints {
        return Err(field("default_channel", "Only touch points have a channel."));
    }
    Ok(())
}

/// One of the organisation's lists, the active entries first in the order desks offer them.
#[utoipa::path(get, path = "/v1/org/lists/{list}", tag = "organisation",
    params(("list" = OrgList, Path, description = "touch-points, reasons or scorecard")),
    responses((status = 200, body = Vec<OrgListEntry>, description = "Active entries first, in order")))]
pub async fn entries(
    State(st): State<AppState>,
    user: ConsoleUser,
    Segments(list): Segments<OrgList>,
) -> ApiResult<Json<Vec<OrgListEntry>>> {
    let rows = catalogue::entries(&st.pool, user.org_id, list_of(list)).await.map_err(refused)?;
    Ok(Json(rows.into_iter().map(shown).collect()))
}

/// Adds an entry at the end of a list (administrators); every desk pulls it.
#[utoipa::path(post, path = "/v1/org/lists/{list}", request_body = NewListEntry, tag = "organisation",
    params(("list" = OrgList, Path, description = "touch-points, reasons or scorecard")),
    responses((status = 201, body = OrgListEntry, description = "The entry, as listed")))]
pub async fn add(
    State(st): State<AppState>,
    user: ConsoleUser,
    Segments(list): Segments<OrgList>,
    Body(req): Body<NewListEntry>,
) -> ApiResult<(StatusCode, Json<OrgListEntry>)> {
    user.admin()?;
    channel_only_for_touch_points(list, req.default_channel)?;
    let e = catalogue::add(&st.pool, user.org_id, list_of(list), &req.name, req.default_channel, None)
        .await
        .map_err(refused)?;
    user.audit(&st.pool, "list_entry_added", Some(e.id), serde_json::json!({ "list": name_of(list), "name": e.name }))
        .await?;
    Ok((StatusCode::CREATED, Json(shown(e))))
}

/// Renames, reorders, retires or brings back an entry, or changes a touch point's channel
/// (administrators); every desk pulls the change.
#[utoipa::path(patch, path = "/v1/org/lists/{list}/{id}", request_body = ListEntryChange, tag = "organisation",
    params(("list" = OrgList, Path, description = "touch-points, reasons or scorecard"),
           ("id" = Uuid, Path, description = "The entry")),
    responses((status = 200, body = OrgListEntry, description = "The entry after the change")))]
pub async fn change(
    State(st): State<AppState>,
    user: ConsoleUser,
    Segments((list, id)): Segments<(OrgList, Uuid)>,
    Body(req): Body<ListEntryChange>,
) -> ApiResult<Json<OrgListEntry>> {
    user.admin()?;
    channel_only_for_touch_points(list, req.default_channel)?;
    if req.sort_order.is_some_and(|o| !(0..=10_000).contains(&o)) {
        return Err(field("sort_order", "A position from 0 to 10000."));
    }
    let change = catalogue::Change {
        name: req.name.clone(),
        sort_order: req.sort_order,
        active: req.active,
        default_channel: req.default_channel,
    };
    let e = catalogue::change(&st.pool, user.org_id, list_of(list), id, change).await.map_err(refused)?;
    let action = match req.active {
        Some(false) => "list_entry_retired",
        Some(true) => "list_entry_restored",
        None => "list_entry_changed",
    };
    user.audit(&st.pool, action, Some(id), serde_json::json!({ "list": name_of(list), "name": e.name })).await?;
    Ok(Json(shown(e)))
}

/// Starts the organisation's reasons from the built-in list desks suggest until it has its
/// own (administrators; refused once it has any).
#[utoipa::path(post, path = "/v1/org/lists/reasons/defaults", tag = "organisation",
    responses((status = 201, body = Vec<OrgListEntry>, description = "The reasons added, in order")))]
pub async fn default_reasons(
    State(st): State<AppState>,
    user: ConsoleUser,
) -> ApiResult<(StatusCode, Json<Vec<OrgListEntry>>)> {
    user.admin()?;
    let added = catalogue::add_default_reasons(&st.pool, user.org_id).await.map_err(refused)?;
    user.audit(&st.pool, "reasons_started", None, serde_json::json!({ "count": added.len() })).await?;
    Ok((StatusCode::CREATED, Json(added.into_iter().map(shown).collect())))
}
