//! The closed loop for supervisors: the store's follow-ups board (every open follow-up, who
//! owns it, whether it is overdue), reassigning, and how well the loop closes: the share of
//! unhappy customers followed up within the SLA, the median time to recover, and how they feel
//! after.

use crate::access::Permission;
use crate::customers::record::ExportedFile;
use crate::desk::Desk;
use crate::error::CoreError;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::Feeling;
use uuid::Uuid;

use crate::customers::record::Csv;
use crate::db::ts;
use crate::error::Result;
use crate::follow_ups::{self, DueState, FollowUp};

/// A follow-up done within this long of the conversation counts as within the SLA.
pub const SLA: Duration = Duration::hours(touchpoint_protocol::risk::SLA_HOURS);

/// Which follow-ups the board shows.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Type)]
pub struct BoardFilter {
    pub owner_staff_id: Option<Uuid>,
    /// Only overdue, due today or upcoming ones.
    pub due_state: Option<DueState>,
}

/// Every open follow-up of the store (and of its customers, wherever they were opened), the
/// most overdue first.
pub fn board(conn: &Connection, store: Uuid, f: &BoardFilter, now: DateTime<Utc>) -> Result<Vec<FollowUp>> {
    // The due states as due-time bounds (see `follow_ups::due_state`), so the filter is in
    // the query and the limit counts only what is shown.
    let day = now + Duration::hours(24);
    let (after, before) = match f.due_state {
        Some(DueState::Overdue) => (None, Some(now)),
        Some(DueState::DueToday) => (Some(now), Some(day)),
        Some(DueState::Upcoming) => (Some(day), None),
        Some(DueState::Closed) => return Ok(Vec::new()),
        None => (None, None),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "{} WHERE f.status IN ('open', 'in_progress')
           AND (f.store_id = ?1 OR c.home_store_id = ?1)
           AND (?2 IS NULL OR f.owner_staff_id = ?2)
           AND (?3 IS NULL OR f.due_at >= ?3) AND (?4 IS NULL OR f.due_at < ?4)
         ORDER BY f.due_at, f.id LIMIT 500",
        follow_ups::SELECT
    ))?;
    let rows = stmt.query_map(
        params![store.to_string(), f.owner_staff_id.map(|o| o.to_string()), after.map(ts), before.map(ts)],
        |r| follow_ups::from_row(r, now),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How the loop closed over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct LoopMetrics {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Conversations that left the customer unhappy (feeling, NPS 0–6 or CSAT 1–2).
    pub unhappy: u32,
    /// Of those, how many got a follow-up at all.
    pub followed_up: u32,
    /// Of those, how many were followed up (done or could not reach) within the SLA.
    pub within_sla: u32,
    /// `within_sla / unhappy` in whole percent (`insight::percent`; None when nobody was unhappy).
    pub within_sla_percent: Option<u32>,
    /// Median hours from the conversation to the follow-up done.
    pub median_hours_to_recover: Option<f64>,
    /// How customers felt when the follow-up was done, counted per feeling.
    pub feeling_after: Vec<FeelingCount>,
    /// Open follow-ups past their due time now.
    pub overdue_now: u32,
    pub sla_hours: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct FeelingCount {
    pub feeling: Feeling,
    pub count: u32,
}

/// Unhappy conversations of the store in `[from, to)` and how their follow-ups went, computed
/// in SQL (no rows are loaded to count them).
pub fn metrics(
    conn: &Connection,
    store: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<LoopMetrics> {
    const UNHAPPY: &str = "
        WITH unhappy AS (
            SELECT i.id, i.customer_id, i.occurred_at FROM interactions i
            WHERE i.store_id = ?1 AND i.occurred_at >= ?2 AND i.occurred_at < ?3
              AND EXISTS (SELECT 1 FROM feedback fb WHERE fb.interaction_id = i.id
                          AND (fb.feeling IN ('unhappy', 'very_unhappy') OR fb.nps <= 6 OR fb.csat <= 2))
        ),
        -- A conversation's follow-ups: those opened from it, and those opened for the same
        -- customer from their page (linked to no conversation) after it.
        answered AS (
            SELECT u.id, u.occurred_at, f.status, f.closed_at FROM unhappy u
            JOIN follow_ups f ON f.interaction_id = u.id
            UNION ALL
            SELECT u.id, u.occurred_at, f.status, f.closed_at FROM unhappy u
            JOIN follow_ups f ON f.interaction_id IS NULL AND f.customer_id = u.customer_id
                             AND f.created_at >= u.occurred_at
        ),
        handled AS (
            SELECT u.id, u.occurred_at,
                   (SELECT min(a.closed_at) FROM answered a WHERE a.id = u.id
                      AND a.status IN ('done', 'could_not_reach')) AS closed_at,
                   EXISTS (SELECT 1 FROM answered a WHERE a.id = u.id) AS has_follow_up,
                   EXISTS (SELECT 1 FROM answered a WHERE a.id = u.id AND a.status = 'done') AS recovered
            FROM unhappy u
        )";
    let (unhappy, followed_up, within_sla): (u32, u32, u32) = conn
        .prepare_cached(&format!(
            "{UNHAPPY}
         SELECT count(*), coalesce(sum(has_follow_up), 0),
                coalesce(sum(closed_at IS NOT NULL AND julianday(closed_at) - julianday(occurred_at) <= ?4), 0)
         FROM handled"
        ))?
        .query_row(params![store.to_string(), ts(from), ts(to), SLA.num_seconds() as f64 / 86_400.0], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    // Hours to recover, for the median (one number per recovered conversation; small).
    let mut stmt = conn.prepare_cached(&format!(
        "{UNHAPPY}
         SELECT (julianday(h.closed_at) - julianday(h.occurred_at)) * 24 FROM handled h
         WHERE h.closed_at IS NOT NULL AND h.recovered"
    ))?;
    let hours: Vec<f64> =
        stmt.query_map(params![store.to_string(), ts(from), ts(to)], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let median = touchpoint_protocol::risk::median(hours);
    let mut stmt = conn.prepare_cached(
        "SELECT f.feeling_after, count(*) FROM follow_ups f JOIN interactions i ON i.id = f.interaction_id
         WHERE i.store_id = ?1 AND i.occurred_at >= ?2 AND i.occurred_at < ?3
           AND f.status = 'done' AND f.feeling_after IS NOT NULL
         GROUP BY f.feeling_after",
    )?;
    let mut feeling_after: Vec<FeelingCount> = stmt
        .query_map(params![store.to_string(), ts(from), ts(to)], |r| {
            Ok(FeelingCount { feeling: crate::db::enum_col(r, 0)?, count: r.get(1)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    feeling_after.sort_by_key(|c| c.feeling);
    let overdue_now: u32 = conn
        .prepare_cached(
            "SELECT count(*) FROM follow_ups f LEFT JOIN customers c ON c.id = f.customer_id
             WHERE (f.store_id = ?1 OR c.home_store_id = ?1) AND f.status IN ('open', 'in_progress') AND f.due_at < ?2",
        )?
        .query_row(params![store.to_string(), ts(now)], |r| r.get(0))?;
    Ok(LoopMetrics {
        from,
        to,
        unhappy,
        followed_up,
        within_sla,
        within_sla_percent: crate::insight::percent(within_sla, unhappy),
        median_hours_to_recover: median,
        feeling_after,
        overdue_now,
        sla_hours: SLA.num_hours() as u32,
    })
}

/// When the oldest conversation of the store happened (for "since the start" periods).
pub fn first_conversation(conn: &Connection, store: Uuid) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = conn
        .prepare_cached("SELECT min(occurred_at) FROM interactions WHERE store_id = ?1")?
        .query_row([store.to_string()], |r| r.get(0))?;
    Ok(at.as_deref().map(crate::db::parse_ts).transpose()?)
}

fn due_state_name(d: DueState) -> &'static str {
    match d {
        DueState::Overdue => "overdue",
        DueState::DueToday => "due_today",
        DueState::Upcoming => "upcoming",
        DueState::Closed => "closed",
    }
}

/// The loop figures of a period and the board's open follow-ups as CSV (two sections, each
/// with its own header).
pub fn loop_csv(m: &LoopMetrics, board: &[FollowUp]) -> Result<String> {
    let mut w = Csv::default();
    w.row(["period", &ts(m.from), &ts(m.to)])?;
    w.row(["figure", "value"])?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    w.row(["unhappy_conversations", &m.unhappy.to_string()])?;
    w.row(["followed_up", &m.followed_up.to_string()])?;
    w.row(["followed_up_within_sla", &m.within_sla.to_string()])?;
    w.row(["within_sla_percent", &opt(m.within_sla_percent.map(|p| p.to_string()))])?;
    w.row(["sla_hours", &m.sla_hours.to_string()])?;
    w.row(["median_hours_to_recover", &opt(m.median_hours_to_recover.map(|h| format!("{h:.1}")))])?;
    w.row(["overdue_now", &m.overdue_now.to_string()])?;
    for f in &m.feeling_after {
        w.row([format!("feeling_after_{}", f.feeling.as_str()), f.count.to_string()])?;
    }
    w.row([
        "customer",
        "promise",
        "owner",
        "due_at",
        "due_state",
        "status",
        "opened_at",
        "opened_by",
        "kind",
        "route",
        "do_not_contact",
    ])?;
    for f in board {
        w.row([
            f.customer.as_ref().map(|c| c.name.as_str()).unwrap_or_default(),
            &f.promise,
            &f.owner.name,
            &ts(f.due_at),
            due_state_name(f.due_state),
            f.status.as_str(),
            &ts(f.created_at),
            &f.created_by,
            f.kind.as_str(),
            f.route.map(|r| r.as_str()).unwrap_or_default(),
            &f.contact.as_ref().map(|c| c.answers.do_not_contact()).unwrap_or_default(),
        ])?;
    }
    w.finish()
}

impl Desk {
    /// Every open follow-up of the store, the most overdue first (supervisors and admins).
    pub fn follow_up_board(&self, filter: &BoardFilter) -> Result<Vec<FollowUp>> {
        self.require(Permission::SeeStoreFollowUps)?;
        board(&self.conn, self.store_id, filter, self.clock.now())
    }

    /// How well the loop closed for the store's conversations in `[from, to)`.
    pub fn loop_metrics(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<LoopMetrics> {
        self.require(Permission::SeeLoopFigures)?;
        if from >= to {
            return Err(CoreError::field("from", "The period must start before it ends."));
        }
        metrics(&self.conn, self.store_id, from, to, self.clock.now())
    }

    /// The store's loop figures for `[from, to)` and the board as it is filtered, as CSV
    /// (supervisors and admins); recorded in the audit log.
    pub fn export_follow_ups(
        &mut self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        filter: &BoardFilter,
    ) -> Result<ExportedFile> {
        let metrics = self.loop_metrics(from, to)?;
        let board = self.follow_up_board(filter)?;
        let csv = loop_csv(&metrics, &board)?;
        let named: Vec<Uuid> = board.iter().filter_map(|f| f.customer.as_ref().map(|c| c.id)).collect();
        self.write_export("follow-ups", "follow_ups", &csv, &named)
    }
}
