//! "At risk": customers whose recent experience says someone should act, each with the
//! reason in words, never a bare score. The rules are written once in
//! [`touchpoint_protocol::risk`]; this gathers a customer's evidence from the desk's tables.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use crate::db::{enum_col, ts, ts_col};
use crate::error::Result;
use touchpoint_protocol::risk::{Evidence, Visits};
use touchpoint_protocol::Outcome;

pub use touchpoint_protocol::risk::{
    decide, describe, Assessment, Recovery, RiskReason, DETRACTOR_WINDOW_DAYS, RECOVERY_VISITS, UNHAPPY_VISITS,
    UNHAPPY_WINDOW_DAYS, UNRESOLVED_WINDOW_DAYS,
};

/// An interaction counts as unhappy when the customer felt unhappy, or scored CSAT ≤ 2 or
/// NPS ≤ 6. The same rule feeds follow-up proposals.
const UNHAPPY_FEEDBACK: &str = "(f.feeling IN ('unhappy', 'very_unhappy') OR f.csat <= 2 OR f.nps <= 6)";

/// A visit went well: they felt happy or delighted, or scored CSAT 4–5 or NPS 9–10, and
/// nothing in it was unhappy.
const GOOD_FEEDBACK: &str = "((f.feeling IN ('happy', 'very_happy') OR f.csat >= 4 OR f.nps >= 9)
     AND NOT coalesce(f.feeling IN ('unhappy', 'very_unhappy') OR f.csat <= 2 OR f.nps <= 6, 0))";

pub fn assess(conn: &Connection, customer: Uuid, now: DateTime<Utc>) -> Result<Vec<RiskReason>> {
    Ok(assess_with_recovery(conn, customer, now)?.reasons)
}

/// Conversations with feedback matching `rule` after `since` (strictly, or from it on).
fn visits(conn: &Connection, id: &str, rule: &str, since: DateTime<Utc>, strictly: bool) -> Result<Visits> {
    let cmp = if strictly { ">" } else { ">=" };
    let (count, last): (u32, Option<String>) = conn
        .prepare_cached(&format!(
            "SELECT count(DISTINCT f.interaction_id), max(f.occurred_at) FROM feedback f
             WHERE f.customer_id = ?1 AND f.occurred_at {cmp} ?2 AND {rule}"
        ))?
        .query_row(params![id, ts(since)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Visits { count, last: last.as_deref().map(crate::db::parse_ts).transpose()? })
}

/// What the rules read about a customer, from the desk's feedback, follow-ups and conversations.
pub fn evidence(conn: &Connection, customer: Uuid, now: DateTime<Utc>) -> Result<Evidence> {
    let id = customer.to_string();
    let mut e = Evidence {
        unhappy_recently: visits(conn, &id, UNHAPPY_FEEDBACK, now - Duration::days(UNHAPPY_WINDOW_DAYS), false)?,
        ..Default::default()
    };
    // The good visits are looked up only where they could clear a reason.
    if let (true, Some(last)) = (e.unhappy_recently.count >= UNHAPPY_VISITS, e.unhappy_recently.last) {
        e.good_after_unhappy = visits(conn, &id, GOOD_FEEDBACK, last, true)?;
    }
    e.first_overdue = conn
        .prepare_cached(
            "SELECT promise, due_at FROM follow_ups
             WHERE customer_id = ?1 AND status IN ('open', 'in_progress') AND due_at < ?2
             ORDER BY due_at LIMIT 1",
        )?
        .query_row(params![id, ts(now)], |r| Ok((r.get::<_, String>(0)?, ts_col(r, 1)?)))
        .optional()?;
    e.latest_nps = conn
        .prepare_cached(
            "SELECT nps, occurred_at FROM feedback WHERE customer_id = ?1 AND nps IS NOT NULL
             ORDER BY occurred_at DESC, id DESC LIMIT 1",
        )?
        .query_row([&id], |r| Ok((r.get::<_, u8>(0)?, ts_col(r, 1)?)))
        .optional()?;
    if let Some((_, at)) = e.latest_nps.filter(|(nps, _)| *nps <= touchpoint_protocol::insight::DETRACTOR_TO) {
        e.good_after_nps = visits(conn, &id, GOOD_FEEDBACK, at, true)?;
    }
    e.last_visit = conn
        .prepare_cached(
            "SELECT i.cur_outcome, i.occurred_at FROM interactions_current i WHERE i.customer_id = ?1
             ORDER BY i.occurred_at DESC, i.id DESC LIMIT 1",
        )?
        .query_row([&id], |r| Ok((enum_col::<Outcome>(r, 0)?, ts_col(r, 1)?)))
        .optional()?;
    e.has_open_follow_up = conn
        .prepare_cached("SELECT 1 FROM follow_ups WHERE customer_id = ?1 AND status IN ('open', 'in_progress')")?
        .exists([&id])?;
    Ok(e)
}

pub fn assess_with_recovery(conn: &Connection, customer: Uuid, now: DateTime<Utc>) -> Result<Assessment> {
    Ok(decide(&evidence(conn, customer, now)?, now))
}
