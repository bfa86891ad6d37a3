//! The one written definition of the closed loop and of "at risk", shared by a desk (SQLite)
//! and the organisation's console (PostgreSQL). Each side gathers the same [`Evidence`] about a
//! customer with its own SQL and [`decide`]s here, so the same history gives the same reasons
//! on both; the closed-loop figures are counted by the rules written on [`LoopFigures`].
//!
//! - A conversation is **unhappy** when its feedback says the customer felt unhappy or very
//!   unhappy, or scored CSAT 1–2 or NPS 0–6. It is **good** when they felt happy or very happy,
//!   or scored CSAT 4–5 or NPS 9–10, and nothing in it was unhappy.
//! - A customer is **at risk** for [`UNHAPPY_VISITS`] unhappy conversations within
//!   [`UNHAPPY_WINDOW_DAYS`], a promise past its due time, a latest NPS of 0–6 within
//!   [`DETRACTOR_WINDOW_DAYS`], or a last conversation that ended unresolved or escalated within
//!   [`UNRESOLVED_WINDOW_DAYS`] with nobody owning a follow-up. Unhappy visits and a detractor
//!   score clear after [`RECOVERY_VISITS`] good conversations since; a broken promise never does.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::{ContactRoute, Outcome};

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
/// A follow-up done (or a customer who could not be reached) within this many hours of the
/// unhappy conversation counts as within the SLA.
pub const SLA_HOURS: i64 = 48;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// A reason that no longer holds because the customer came back and it went well, said on
/// their page ("Recovered: 2 good visits since NPS 4 on 20 Nov") instead of a stale warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Recovery {
    /// The reason it cleared.
    pub was: RiskReason,
    /// Good visits since (a happy or delighted feeling, CSAT 4–5 or NPS 9–10, nothing unhappy).
    pub good_visits: u32,
    /// The latest of them.
    pub last_good_at: DateTime<Utc>,
}

/// Why the customer is at risk now (the badge), and the reasons that cleared because they came
/// back and it went well.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    pub reasons: Vec<RiskReason>,
    pub recovered: Vec<Recovery>,
}

/// How many conversations, and the latest of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Visits {
    pub count: u32,
    pub last: Option<DateTime<Utc>>,
}

/// What is known about one customer that the rules read. `good_after_*` are the good
/// conversations strictly after the last unhappy one and after the latest NPS answer; a side
/// may leave them empty where they cannot clear a reason (fewer unhappy visits than
/// [`UNHAPPY_VISITS`], a latest NPS above a detractor's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Unhappy conversations within [`UNHAPPY_WINDOW_DAYS`] of now.
    pub unhappy_recently: Visits,
    pub good_after_unhappy: Visits,
    /// The open follow-up past its due time that was due first: what was promised, and when.
    pub first_overdue: Option<(String, DateTime<Utc>)>,
    /// The latest NPS answer and when it was given.
    pub latest_nps: Option<(u8, DateTime<Utc>)>,
    pub good_after_nps: Visits,
    /// How the latest conversation ended (as last corrected), and when it was.
    pub last_visit: Option<(Outcome, DateTime<Utc>)>,
    /// Whether any follow-up of theirs is open or in progress.
    pub has_open_follow_up: bool,
}

/// The rules, applied to what is known (see the module's documentation).
pub fn decide(e: &Evidence, now: DateTime<Utc>) -> Assessment {
    let mut out = Assessment::default();
    let unless_recovered = |out: &mut Assessment, reason: RiskReason, good: Visits| match good {
        Visits { count, last: Some(last_good_at) } if count >= RECOVERY_VISITS => {
            out.recovered.push(Recovery { was: reason, good_visits: count, last_good_at })
        }
        _ => out.reasons.push(reason),
    };
    let unhappy = e.unhappy_recently;
    if unhappy.count >= UNHAPPY_VISITS && unhappy.last.is_some() {
        let reason = RiskReason::UnhappyVisits { count: unhappy.count, days: UNHAPPY_WINDOW_DAYS as u32 };
        unless_recovered(&mut out, reason, e.good_after_unhappy);
    }
    if let Some((promise, due_at)) = &e.first_overdue {
        // A promise not kept stays a risk however the visits since went.
        out.reasons.push(RiskReason::FollowUpOverdue { promise: promise.clone(), due_at: *due_at });
    }
    if let Some((nps, at)) = e.latest_nps {
        if nps <= crate::insight::DETRACTOR_TO && at >= now - Duration::days(DETRACTOR_WINDOW_DAYS) {
            unless_recovered(&mut out, RiskReason::Detractor { nps, at }, e.good_after_nps);
        }
    }
    if let Some((outcome, at)) = e.last_visit {
        if matches!(outcome, Outcome::Unresolved | Outcome::Escalated)
            && !e.has_open_follow_up
            && at >= now - Duration::days(UNRESOLVED_WINDOW_DAYS)
        {
            out.reasons.push(RiskReason::LastVisitUnresolved { outcome, at });
        }
    }
    out
}

/// The reason in words, as a spreadsheet reader needs it (a screen says it in its own
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

/// The median of `hours` (in any order): the middle value, or the two in the middle averaged
/// (as SQL's `percentile_cont(0.5)`); none of none. The desk and the server take the median
/// hours to recover by this one function.
pub fn median(mut hours: Vec<f64>) -> Option<f64> {
    let n = hours.len();
    if n == 0 {
        return None;
    }
    let (below, mid, _) = hours.select_nth_unstable_by(n / 2, f64::total_cmp);
    let mid = *mid;
    if n % 2 == 1 {
        return Some(mid);
    }
    let lower = below.iter().copied().max_by(f64::total_cmp).unwrap_or(mid);
    Some((lower + mid) / 2.0)
}

/// How the loop closed for a population over a period.
///
/// - `unhappy`: conversations of the period that left the customer unhappy.
/// - A conversation's follow-ups are those opened from it, and those opened for the same
///   customer from their page (linked to no conversation) at or after it.
/// - `followed_up`: unhappy conversations with any follow-up; `within_sla`: those whose first
///   follow-up done or marked "could not reach" was closed within [`SLA_HOURS`] of the
///   conversation.
/// - `median_hours_to_recover`: over the unhappy conversations with a follow-up done, the
///   median hours from the conversation to the first close.
/// - `feelings_after`: follow-ups done with a re-measured feeling, opened from a conversation
///   of the period, counted per feeling (very unhappy … very happy).
/// - `overdue_now`: open follow-ups past their due time now, opened at the store or for a
///   customer whose home store it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoopFigures {
    pub unhappy: u32,
    pub followed_up: u32,
    pub within_sla: u32,
    /// `within_sla / unhappy` in whole percent ([`crate::insight::percent`]); none when nobody
    /// was unhappy.
    pub within_sla_percent: Option<u32>,
    pub median_hours_to_recover: Option<f64>,
    /// Five counts, very unhappy first.
    pub feelings_after: Vec<u32>,
    pub overdue_now: u32,
}

impl Default for LoopFigures {
    /// Nobody unhappy, nothing overdue.
    fn default() -> Self {
        LoopFigures {
            unhappy: 0,
            followed_up: 0,
            within_sla: 0,
            within_sla_percent: None,
            median_hours_to_recover: None,
            feelings_after: vec![0; 5],
            overdue_now: 0,
        }
    }
}

/// One store's closed loop, beside the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreLoop {
    pub store_id: Uuid,
    pub store: String,
    pub figures: LoopFigures,
}

/// Which conversations the closed loop counts: those of the days `from`–`to` (both included,
/// each store's days on its own calendar), optionally at one store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OrgClosedLoopQuery {
    /// The first day (YYYY-MM-DD).
    pub from: NaiveDate,
    /// The last day, included (YYYY-MM-DD).
    pub to: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<Uuid>,
}

/// The closed loop of the organisation (or of one store) for a period, store by store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgClosedLoop {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub sla_hours: u32,
    /// Every store together (an overdue follow-up counts once).
    pub overall: LoopFigures,
    /// The stores with an unhappy conversation or an overdue follow-up, the most unhappy first.
    pub by_store: Vec<StoreLoop>,
}

/// Which customers the at-risk list covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OrgAtRiskQuery {
    /// Only customers of this store (their home store, or where the reason happened).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<Uuid>,
    /// How many (1–500, 200 when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 500))]
    pub limit: Option<u16>,
}

/// A customer someone should act on, with why, their open follow-up and the channels they
/// refused: a list for reaching out must not call someone who asked not to be called.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgAtRiskCustomer {
    pub customer_id: Uuid,
    pub name: String,
    pub home_store_id: Option<Uuid>,
    pub home_store: Option<String>,
    pub reasons: Vec<RiskReason>,
    pub open_follow_up: Option<String>,
    pub open_follow_up_due: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub refused: Vec<ContactRoute>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_median_is_the_middle_value_or_the_two_middle_ones_averaged() {
        assert_eq!(super::median(vec![]), None);
        assert_eq!(super::median(vec![5.0]), Some(5.0));
        assert_eq!(super::median(vec![9.0, 1.0, 4.0]), Some(4.0));
        assert_eq!(super::median(vec![9.0, 1.0, 4.0, 2.0]), Some(3.0));
        assert_eq!(super::median(vec![2.5, 2.5, 7.0, 1.0, 30.0, 2.5]), Some(2.5));
    }

    use super::*;

    fn at(days_ago: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z").unwrap().with_timezone(&Utc) - Duration::days(days_ago)
    }

    #[test]
    fn two_unhappy_visits_are_a_risk_until_two_good_visits_follow_them() {
        let now = at(0);
        let mut e = Evidence { unhappy_recently: Visits { count: 2, last: Some(at(5)) }, ..Default::default() };
        assert_eq!(decide(&e, now).reasons, vec![RiskReason::UnhappyVisits { count: 2, days: 30 }]);
        e.good_after_unhappy = Visits { count: 1, last: Some(at(3)) };
        assert_eq!(decide(&e, now).reasons.len(), 1, "one good visit is not a recovery");
        e.good_after_unhappy = Visits { count: 2, last: Some(at(1)) };
        let a = decide(&e, now);
        assert!(a.reasons.is_empty());
        assert_eq!(a.recovered[0].good_visits, 2);
    }

    #[test]
    fn a_detractor_counts_for_ninety_days_and_a_broken_promise_never_clears() {
        let now = at(0);
        let e = Evidence {
            latest_nps: Some((4, at(91))),
            first_overdue: Some(("Call back".into(), at(2))),
            good_after_nps: Visits { count: 5, last: Some(at(1)) },
            ..Default::default()
        };
        assert_eq!(
            decide(&e, now).reasons,
            vec![RiskReason::FollowUpOverdue { promise: "Call back".into(), due_at: at(2) }]
        );
        let e = Evidence { latest_nps: Some((6, at(89))), ..Default::default() };
        assert_eq!(decide(&e, now).reasons, vec![RiskReason::Detractor { nps: 6, at: at(89) }]);
        let e = Evidence { latest_nps: Some((7, at(1))), ..Default::default() };
        assert!(decide(&e, now).reasons.is_empty(), "a passive is not a detractor");
    }

    #[test]
    fn an_unresolved_last_visit_is_a_risk_only_while_nobody_owns_a_follow_up() {
        let now = at(0);
        let mut e = Evidence { last_visit: Some((Outcome::Escalated, at(3))), ..Default::default() };
        assert_eq!(
            decide(&e, now).reasons,
            vec![RiskReason::LastVisitUnresolved { outcome: Outcome::Escalated, at: at(3) }]
        );
        e.has_open_follow_up = true;
        assert!(decide(&e, now).reasons.is_empty());
        let e = Evidence { last_visit: Some((Outcome::Resolved, at(3))), ..Default::default() };
        assert!(decide(&e, now).reasons.is_empty());
    }
}
