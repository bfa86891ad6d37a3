//! `GET /v1/org/insight` and `/v1/org/insight/conversations`: the organisation's figures,
//! computed in PostgreSQL ([`crate::db::insight`]) by the desks' definitions
//! ([`touchpoint_protocol::insight`]), and the conversations behind each figure.

use std::collections::HashMap;

use axum::extract::State;
use axum::Json;
use chrono::Utc;
use touchpoint_protocol::insight::{
    Count, Group, HeatCell, OrgConversation, OrgConversationsQuery, OrgInsight, OrgInsightQuery, MAX_INSIGHT_DAYS,
};
use touchpoint_protocol::risk::{
    self, OrgAtRiskCustomer, OrgAtRiskQuery, OrgClosedLoop, OrgClosedLoopQuery, StoreLoop, SLA_HOURS,
};
use touchpoint_protocol::{Feeling, Outcome};
use uuid::Uuid;

use super::{field, ConsoleUser};
use crate::db::insight::{Chart, GroupSums};
use crate::error::{ApiResult, Failure};
use crate::extract::Params;
use crate::{db, AppState};

/// How many groups a chart lists (the busiest first), as on a desk.
const MAX_GROUPS: usize = 200;
/// How many reasons (the most frequent first), as on a desk.
const MAX_REASONS: usize = 30;

const OUTCOMES: [Outcome; 4] = [Outcome::Resolved, Outcome::Escalated, Outcome::FollowUpNeeded, Outcome::Unresolved];

/// The period must be a real one, and a supervisor who looks after one store sees only it.
pub(super) fn population(
    user: &ConsoleUser,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    store: Option<Uuid>,
) -> ApiResult<Option<Uuid>> {
    if from > to {
        return Err(field("from", "The period must start on or before its last day."));
    }
    if (to - from).num_days() >= MAX_INSIGHT_DAYS {
        return Err(field("to", format!("A dashboard covers at most {MAX_INSIGHT_DAYS} days.")));
    }
    match (user.role, user.home_store_id, store) {
        (touchpoint_protocol::console::ConsoleRole::Supervisor, Some(home), Some(s)) if s != home => {
            Err(Failure::forbidden("You see your own store's figures."))
        }
        (touchpoint_protocol::console::ConsoleRole::Supervisor, Some(home), None) => Ok(Some(home)),
        _ => Ok(store),
    }
}

/// The organisation's NPS, CSAT, CES and feeling mix by store, touch point, person and week,
/// with reasons, outcomes and the touch point × feeling heat map.
#[utoipa::path(get, path = "/v1/org/insight", tag = "organisation", params(OrgInsightQuery),
    responses((status = 200, body = OrgInsight, description = "Every chart of the period")))]
pub async fn insight(
    State(st): State<AppState>,
    user: ConsoleUser,
    Params(mut q): Params<OrgInsightQuery>,
) -> ApiResult<Json<OrgInsight>> {
    q.store_id = population(&user, q.from, q.to, q.store_id)?;
    let sums = db::insight::group_sums(&st.pool, user.org_id, &q).await?;
    let staff: Vec<Uuid> =
        sums.iter().filter(|g| g.chart == Chart::Staff).filter_map(|g| Uuid::try_parse(&g.key).ok()).collect();
    let names = db::insight::names(&st.pool, user.org_id, &staff).await?;
    Ok(Json(assemble(&q, sums, &names)))
}

/// Puts a dashboard's sums together: groups ordered and labelled as a desk does them.
pub fn assemble(q: &OrgInsightQuery, sums: Vec<GroupSums>, names: &HashMap<Uuid, String>) -> OrgInsight {
    let label = |key: &str, unknown: &str| {
        Uuid::try_parse(key).ok().and_then(|id| names.get(&id).cloned()).unwrap_or_else(|| unknown.to_owned())
    };
    let mut out = OrgInsight {
        from: q.from,
        to: q.to,
        overall: Default::default(),
        by_store: vec![],
        by_touch_point: vec![],
        by_staff: vec![],
        by_week: vec![],
        reasons: vec![],
        outcomes: vec![],
        heat_map: vec![],
    };
    let mut overall_outcomes = [0u64; 4];
    for g in sums {
        let group =
            |unknown: &str| Group { key: g.key.clone(), label: label(&g.key, unknown), scores: g.tally.scores() };
        match g.chart {
            Chart::Overall => {
                out.overall = g.tally.scores();
                overall_outcomes = g.outcomes;
            }
            Chart::Store => out.by_store.push(group("Another store")),
            Chart::TouchPoint => {
                out.by_touch_point.push(group("Unknown touch point"));
                if let Ok(id) = Uuid::try_parse(&g.key) {
                    let name = label(&g.key, "Unknown touch point");
                    for (feeling, &n) in Feeling::ALL.iter().zip(&g.tally.feelings) {
                        if n > 0 {
                            out.heat_map.push(HeatCell {
                                touch_point_id: id,
                                touch_point: name.clone(),
                                feeling: *feeling,
                                count: u32::try_from(n).unwrap_or(u32::MAX),
                            });
                        }
                    }
                }
            }
            Chart::Staff => out.by_staff.push(group("Unknown staff member")),
            Chart::Week => {
                out.by_week.push(Group { key: g.key.clone(), label: g.key.clone(), scores: g.tally.scores() })
            }
            Chart::Reason if g.tally.interactions > 0 => out
                .reasons
                .push(Count { label: g.key.clone(), count: u32::try_from(g.tally.interactions).unwrap_or(u32::MAX) }),
            Chart::Reason => {}
        }
    }
    let busiest = |a: &Group, b: &Group| b.scores.interactions.cmp(&a.scores.interactions).then(a.key.cmp(&b.key));
    for list in [&mut out.by_store, &mut out.by_touch_point, &mut out.by_staff] {
        list.retain(|g| g.scores.interactions > 0);
        list.sort_by(busiest);
        list.truncate(MAX_GROUPS);
    }
    out.by_week.retain(|g| g.scores.interactions > 0);
    out.by_week.sort_by(|a, b| a.key.cmp(&b.key));
    out.reasons.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    out.reasons.truncate(MAX_REASONS);
    out.outcomes = OUTCOMES
        .iter()
        .zip(overall_outcomes)
        .filter(|(_, n)| *n > 0)
        .map(|(o, n)| Count { label: o.as_str().to_owned(), count: u32::try_from(n).unwrap_or(u32::MAX) })
        .collect();
    out.outcomes.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    out.heat_map.sort_by(|a, b| a.touch_point.cmp(&b.touch_point).then(a.feeling.as_str().cmp(b.feeling.as_str())));
    out
}

/// The conversations behind a figure (the dashboard's population, narrowed to a week or a
/// feeling), newest first; page back with `before`.
#[utoipa::path(get, path = "/v1/org/insight/conversations", tag = "organisation", params(OrgConversationsQuery),
    responses((status = 200, body = Vec<OrgConversation>, description = "Newest first")))]
pub async fn conversations(
    State(st): State<AppState>,
    user: ConsoleUser,
    Params(mut q): Params<OrgConversationsQuery>,
) -> ApiResult<Json<Vec<OrgConversation>>> {
    q.store_id = population(&user, q.from, q.to, q.store_id)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(field("limit", "Between 1 and 200."));
    }
    Ok(Json(db::insight::conversations(&st.pool, user.org_id, &q, limit).await?))
}

/// The closed loop store by store: unhappy conversations of the period, how many were
/// followed up and within the SLA, the median time to recover, how customers felt after, and
/// the promises overdue now (the definitions in [`touchpoint_protocol::risk::LoopFigures`]).
#[utoipa::path(get, path = "/v1/org/insight/closed-loop", tag = "organisation", params(OrgClosedLoopQuery),
    responses((status = 200, body = OrgClosedLoop, description = "Every store together and side by side")))]
pub async fn closed_loop(
    State(st): State<AppState>,
    user: ConsoleUser,
    Params(q): Params<OrgClosedLoopQuery>,
) -> ApiResult<Json<OrgClosedLoop>> {
    let store = population(&user, q.from, q.to, q.store_id)?;
    let mut rows = db::closed_loop::figures(&st.pool, user.org_id, q.from, q.to, store, Utc::now()).await?;
    let names = db::insight::names(&st.pool, user.org_id, &[]).await?;
    let overall = rows.remove(&None).unwrap_or_default();
    let mut by_store: Vec<StoreLoop> = rows
        .into_iter()
        .filter_map(|(id, figures)| {
            let id = id?;
            Some(StoreLoop {
                store_id: id,
                store: names.get(&id).cloned().unwrap_or_else(|| "Another store".to_owned()),
                figures,
            })
        })
        .collect();
    by_store.sort_by(|a, b| {
        b.figures
            .unhappy
            .cmp(&a.figures.unhappy)
            .then(b.figures.overdue_now.cmp(&a.figures.overdue_now))
            .then(a.store.cmp(&b.store))
    });
    Ok(Json(OrgClosedLoop { from: q.from, to: q.to, sla_hours: SLA_HOURS as u32, overall, by_store }))
}

/// Customers at risk now across the organisation (or of one store), each with why in the
/// desks' words, their open follow-up and the channels they refused; the most recently seen
/// first. Viewing the list is audited (it names customers).
#[utoipa::path(get, path = "/v1/org/insight/at-risk", tag = "organisation", params(OrgAtRiskQuery),
    responses((status = 200, body = Vec<OrgAtRiskCustomer>, description = "The most recently seen first")))]
pub async fn at_risk(
    State(st): State<AppState>,
    user: ConsoleUser,
    Params(q): Params<OrgAtRiskQuery>,
) -> ApiResult<Json<Vec<OrgAtRiskCustomer>>> {
    let limit = q.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        return Err(field("limit", "Between 1 and 500."));
    }
    let today = Utc::now().date_naive();
    let store = population(&user, today, today, q.store_id)?;
    let now = Utc::now();
    let mut list: Vec<OrgAtRiskCustomer> = db::closed_loop::candidates(&st.pool, user.org_id, store, now)
        .await?
        .into_iter()
        .filter_map(|c| {
            let reasons = risk::decide(&c.evidence, now).reasons;
            (!reasons.is_empty()).then(|| OrgAtRiskCustomer {
                customer_id: c.customer_id,
                name: c.name,
                home_store_id: c.home_store_id,
                home_store: c.home_store,
                reasons,
                open_follow_up_due: c.open_follow_up.as_ref().map(|(_, due)| *due),
                open_follow_up: c.open_follow_up.map(|(promise, _)| promise),
                last_seen_at: c.last_seen_at,
                refused: c.refused,
            })
        })
        .collect();
    list.sort_by(|a, b| b.last_seen_at.cmp(&a.last_seen_at).then(a.customer_id.cmp(&b.customer_id)));
    list.truncate(usize::from(limit));
    user.audit(&st.pool, "at_risk_viewed", store, serde_json::json!({ "customers": list.len() })).await?;
    Ok(Json(list))
}
