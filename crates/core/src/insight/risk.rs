//! "At risk": customers whose recent experience says someone should act, each with the
//! reason in words, never a bare score.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use specta::Type;
use uuid::Uuid;

use crate::db::{enum_col, ts, ts_col};
use crate::error::Result;
use touchpoint_protocol::Outcome;

/// Unhappy visits within this many days…
pub const UNHAPPY_WINDOW_DAYS: i64 = 30;
/// …at least this many of them make a customer at risk.
pub const UNHAPPY_VISITS: u32 = 2;
/// A detractor score counts for this long.
pub const DETRACTOR_WINDOW_DAYS: i64 = 90;
/// An unresolved last visit counts for this long.
pub const UNRESOLVED_WINDOW_DAYS: i64 = 30;

/// Good visits after a detractor score or after unhappy visits clear that reason: this many.
pub const RECOVERY_VISITS: u32 = 2;

/// A reason that no longer holds because the customer came back and it went well, said on
/// their page ("Recovered: 2 good visits since NPS 4 on 20 Nov") instead of a stale warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Recovery {
    /// The reason it cleared.
    pub was: RiskReason,
    /// Good visits since (a happy or delighted feeling, CSAT 4–5 or NPS 9–10, nothing unhappy).
    pub good_visits: u32,
    /// The latest of them.
    pub last_good_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RiskReason {
    /// Several visits recently where they felt unhappy or scored low.
    UnhappyVisits { count: u32, days: u32 },
    /// A promise to them is past its due time.
    FollowUpOverdue { promise: String, due_at: DateTime<Utc> },
    /// Their latest NPS was 0–6.
    Detractor { nps: u8, at: DateTime<Utc> },
    /// Their last visit ended unresolved or escalated and nobody owns a follow-up.
    LastVisitUnresolved { outcome: Outcome, at: DateTime<Utc> },
}

/// The reason in words, as a spreadsheet reader needs it (the screen says it in the UI's
/// language): "2 unhappy visits in 30 days", "Detractor: NPS 4 on 2026-11-20".
pub fn describe(reason: &RiskReason) -> String {
    let day = |at: &DateTime<Utc>| at.format("%Y-%m-%d").to_string();
    match reason {
        RiskReason::UnhappyVisits { count, days } => format!("{count} unhappy visits in {days} days"),
        RiskReason::FollowUpOverdue { promise, due_at } => {
            format!("Follow-up overdue: \"{promise}\" was due {}", due_at.format("%Y-%m-%d %H:%M UTC"))
        }
        RiskReason::Detractor { nps, at } => format!("Detractor: NPS {nps} on {}", day(at)),
        RiskReason::LastVisitUnresolved { outcome, at } => {
            format!("Last visit on {} ended {}, no follow-up", day(at), outcome.as_str().replace('_', " "))
        }
    }
}

/// An interaction counts as unhappy when the customer felt unhappy, or scored CSAT ≤ 2 or
/// NPS ≤ 6. The same rule feeds follow-up proposals.
const UNHAPPY_FEEDBACK: &str = "(f.feeling IN ('unhappy', 'very_unhappy') OR f.csat <= 2 OR f.nps <= 6)";

/// A visit went well: they felt happy or delighted, or scored CSAT 4–5 or NPS 9–10, and
/// nothing in it was unhappy.
const GOOD_FEEDBACK: &str = "((f.feeling IN ('happy', 'very_happy') OR f.csat >= 4 OR f.nps >= 9)
     AND NOT coalesce(f.feeling IN ('unhappy', 'very_unhappy') OR f.csat <= 2 OR f.nps <= 6, 0))";

/// Why the customer is at risk now (the badge), and the reasons that cleared because they came
/// back and it went well.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    pub reasons: Vec<RiskReason>,
    pub recovered: Vec<Recovery>,
}

pub fn assess(conn: &Connection, customer: Uuid, now: DateTime<Utc>) -> Result<Vec<RiskReason>> {
    Ok(assess_with_recovery(conn, customer, now)?.reasons)
}

/// Good visits after `since`, and the latest of them.
fn good_visits_after(conn: &Connection, id: &str, since: DateTime<Utc>) -> Result<(u32, Option<DateTime<Utc>>)> {
    let (n, last): (u32, Option<String>) = conn
        .prepare_cached(&format!(
            "SELECT count(DISTINCT f.interaction_id), max(f.occurred_at) FROM feedback f
             WHERE f.customer_id = ?1 AND f.occurred_at > ?2 AND {GOOD_FEEDBACK}"
        ))?
        .query_row(params![id, ts(since)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((n, last.as_deref().map(crate::db::parse_ts).transpose()?))
}

/// Keeps `reason` as a risk, or moves it to the recovered when enough good visits followed `since`.
fn unless_recovered(
    conn: &Connection,
    id: &str,
    reason: RiskReason,
    since: DateTime<Utc>,
    out: &mut Assessment,
) -> Result<()> {
    match good_visits_after(conn, id, since)? {
        (n, Some(last_good_at)) if n >= RECOVERY_VISITS => {
            out.recovered.push(Recovery { was: reason, good_visits: n, last_good_at })
        }
        _ => out.reasons.push(reason),
    }
    Ok(())
}

pub fn assess_with_recovery(conn: &Connection, customer: Uuid, now: DateTime<Utc>) -> Result<Assessment> {
    let id = customer.to_string();
    let mut out = Assessment::default();

    let (unhappy, last_unhappy): (u32, Option<String>) = conn
        .prepare_cached(&format!(
            "SELECT count(DISTINCT f.interaction_id), max(f.occurred_at) FROM feedback f
             WHERE f.customer_id = ?1 AND f.occurred_at >= ?2 AND {UNHAPPY_FEEDBACK}"
        ))?
        .query_row(params![id, ts(now - Duration::days(UNHAPPY_WINDOW_DAYS))], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if let (true, Some(last)) = (unhappy >= UNHAPPY_VISITS, last_unhappy) {
        let reason = RiskReason::UnhappyVisits { count: unhappy, days: UNHAPPY_WINDOW_DAYS as u32 };
        unless_recovered(conn, &id, reason, crate::db::parse_ts(&last)?, &mut out)?;
    }

    let overdue = conn
        .prepare_cached(
            "SELECT promise, due_at FROM follow_ups
             WHERE customer_id = ?1 AND status IN ('open', 'in_progress') AND due_at < ?2
             ORDER BY due_at LIMIT 1",
        )?
        .query_row(params![id, ts(now)], |r| Ok((r.get::<_, String>(0)?, ts_col(r, 1)?)))
        .optional()?;
    if let Some((promise, due_at)) = overdue {
        // A promise not kept stays a risk however the visits since went.
        out.reasons.push(RiskReason::FollowUpOverdue { promise, due_at });
    }

    let latest_nps = conn
        .prepare_cached(
            "SELECT nps, occurred_at FROM feedback WHERE customer_id = ?1 AND nps IS NOT NULL
             ORDER BY occurred_at DESC, id DESC LIMIT 1",
        )?
        .query_row([&id], |r| Ok((r.get::<_, u8>(0)?, ts_col(r, 1)?)))
        .optional()?;
    if let Some((nps, at)) = latest_nps {
        if nps <= 6 && at >= now - Duration::days(DETRACTOR_WINDOW_DAYS) {
            unless_recovered(conn, &id, RiskReason::Detractor { nps, at }, at, &mut out)?;
        }
    }

    let last = conn
        .prepare_cached(
            "SELECT i.cur_outcome, i.occurred_at FROM interactions_current i WHERE i.customer_id = ?1
             ORDER BY i.occurred_at DESC, i.id DESC LIMIT 1",
        )?
        .query_row([&id], |r| Ok((enum_col::<Outcome>(r, 0)?, ts_col(r, 1)?)))
        .optional()?;
    if let Some((outcome, at)) = last {
        let open_follow_up = conn
            .prepare_cached("SELECT 1 FROM follow_ups WHERE customer_id = ?1 AND status IN ('open', 'in_progress')")?
            .exists([&id])?;
        if matches!(outcome, Outcome::Unresolved | Outcome::Escalated)
            && !open_follow_up
            && at >= now - Duration::days(UNRESOLVED_WINDOW_DAYS)
        {
            out.reasons.push(RiskReason::LastVisitUnresolved { outcome, at });
        }
    }
    Ok(out)
}
