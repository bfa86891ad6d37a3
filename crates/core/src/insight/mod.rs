//! Touch-point insight for supervisors: NPS, CSAT, CES and the feeling mix by touch point, by
//! staff member, by store and week by week; volumes by reason and outcome; a touch point ×
//! feeling heat map; customers at risk. Every figure is aggregated in SQL (no conversation is
//! loaded to be counted), and every dashboard exports as CSV.

pub mod risk;
pub mod rollup;
use crate::access::Permission;
use crate::customers::record::ExportedFile;
use crate::desk::Desk;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::insight::Tally;
pub use touchpoint_protocol::insight::{Count, Group, HeatCell, Scores, MIN_SAMPLE};
use uuid::Uuid;

use crate::customers::record::Csv;
use crate::db::{opt_ts_col, parse_uuid, ts, uuid_col};
use crate::error::{CoreError, Result};
use risk::RiskReason;

pub use touchpoint_protocol::insight::percent;

/// The population of a dashboard. `from`/`to` are required: every chart names its period.
#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct InsightFilter {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub store_id: Option<Uuid>,
    pub touch_point_id: Option<Uuid>,
    pub staff_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Dashboard {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub overall: Scores,
    pub by_touch_point: Vec<Group>,
    pub by_staff: Vec<Group>,
    pub by_store: Vec<Group>,
    pub by_week: Vec<Group>,
    pub reasons: Vec<Count>,
    pub outcomes: Vec<Count>,
    pub heat_map: Vec<HeatCell>,
}

/// The conversations of the filter (as corrected) with their feedback, gathered once into a
/// temporary table that every chart then groups: one pass over the period's rows, not one
/// per chart. Corrections are few, so only corrected conversations look them up.
const POPULATION: &str = "
    CREATE TEMP TABLE insight_pop AS
    WITH am AS (
        SELECT a.interaction_id,
               (SELECT json_extract(x.changes, '$.touch_point_id') FROM amendments x
                WHERE x.interaction_id = a.interaction_id AND json_extract(x.changes, '$.touch_point_id') IS NOT NULL
                ORDER BY x.hlc DESC LIMIT 1) AS touch_point_id,
               (SELECT json_extract(x.changes, '$.reason') FROM amendments x
                WHERE x.interaction_id = a.interaction_id AND json_extract(x.changes, '$.reason') IS NOT NULL
                ORDER BY x.hlc DESC LIMIT 1) AS reason,
               (SELECT json_extract(x.changes, '$.outcome') FROM amendments x
                WHERE x.interaction_id = a.interaction_id AND json_extract(x.changes, '$.outcome') IS NOT NULL
                ORDER BY x.hlc DESC LIMIT 1) AS outcome
        FROM amendments a GROUP BY a.interaction_id
    )
    SELECT i.id, i.store_id, i.staff_id, coalesce(am.touch_point_id, i.touch_point_id) AS touch_point_id,
           coalesce(am.reason, i.reason) AS reason, coalesce(am.outcome, i.outcome) AS outcome, i.occurred_at,
           fb.feeling, fb.nps, fb.csat, fb.ces
    FROM interactions i
    LEFT JOIN am ON am.interaction_id = i.id
    LEFT JOIN feedback fb ON fb.interaction_id = i.id
    WHERE i.occurred_at >= ?1 AND i.occurred_at < ?2
      AND (?3 IS NULL OR i.store_id = ?3)
      AND (?4 IS NULL OR coalesce(am.touch_point_id, i.touch_point_id) = ?4)
      AND (?5 IS NULL OR i.staff_id = ?5)";

/// The aggregate columns, in the order `scores_from` reads them (from `offset`).
const SCORES: &str = "count(*),
    sum(nps >= 9), sum(nps <= 6), count(nps),
    sum(csat), count(csat), sum(ces), count(ces),
    sum(feeling = 'very_unhappy'), sum(feeling = 'unhappy'), sum(feeling = 'neutral'),
    sum(feeling = 'happy'), sum(feeling = 'very_happy')";

fn scores_from(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Scores> {
    let n =
        |i: usize| -> rusqlite::Result<u64> { Ok(r.get::<_, Option<i64>>(at + i)?.unwrap_or(0).max(0).unsigned_abs()) };
    let tally = Tally {
        interactions: n(0)?,
        promoters: n(1)?,
        detractors: n(2)?,
        nps_responses: n(3)?,
        csat_sum: n(4)?,
        csat_responses: n(5)?,
        ces_sum: n(6)?,
        ces_responses: n(7)?,
        feelings: [n(8)?, n(9)?, n(10)?, n(11)?, n(12)?],
    };
    Ok(tally.scores())
}

/// A chart's group from a row of (key, label, the `SCORES` columns).
fn group_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Group> {
    Ok(Group {
        key: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
        label: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        scores: scores_from(r, 2)?,
    })
}

/// A heat-map cell from a row of (touch point id, its name, feeling, count).
fn heat_cell_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<HeatCell> {
    Ok(HeatCell {
        touch_point_id: uuid_col(r, 0)?,
        touch_point: r.get(1)?,
        feeling: crate::db::enum_col(r, 2)?,
        count: r.get(3)?,
    })
}

fn args(f: &InsightFilter) -> [Option<String>; 5] {
    [
        Some(ts(f.from)),
        Some(ts(f.to)),
        f.store_id.map(|s| s.to_string()),
        f.touch_point_id.map(|s| s.to_string()),
        f.staff_id.map(|s| s.to_string()),
    ]
}

fn groups(conn: &Connection, key: &str, label: &str, join: &str, order: &str) -> Result<Vec<Group>> {
    // `key`, `label`, `join` and `order` are fixed SQL fragments chosen below, never input.
    let sql = format!(
        "SELECT {key}, {label}, {SCORES} FROM temp.insight_pop pop {join} GROUP BY {key} ORDER BY {order} LIMIT 200"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], group_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn counts(conn: &Connection, column: &str, unknown: &str) -> Result<Vec<Count>> {
    // `column` is one of two fixed names chosen below.
    let sql = format!(
        "SELECT coalesce(nullif(trim({column}), ''), ?1), count(*) FROM temp.insight_pop
         GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![unknown], |r| Ok(Count { label: r.get(0)?, count: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How SQLite reads a dashboard's population (tests keep it on an index, never a scan of
/// every conversation).
pub fn population_plan(conn: &Connection, f: &InsightFilter) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {POPULATION}"))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args(f)), |r| r.get::<_, String>(3))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every chart of the Insight room for one population: from the rollups when the period is
/// whole local days (every period the screen offers), else from the rows.
pub fn dashboard(conn: &Connection, f: &InsightFilter) -> Result<Dashboard> {
    if f.from >= f.to {
        return Err(CoreError::field("from", "The period must start before it ends."));
    }
    match rollup::dashboard(conn, f)? {
        Some(d) => Ok(d),
        None => dashboard_from_rows(conn, f),
    }
}

/// Every chart of the Insight room counted from the conversations of the period themselves.
pub fn dashboard_from_rows(conn: &Connection, f: &InsightFilter) -> Result<Dashboard> {
    if f.from >= f.to {
        return Err(CoreError::field("from", "The period must start before it ends."));
    }
    conn.execute("DROP TABLE IF EXISTS temp.insight_pop", [])?;
    conn.execute(POPULATION, rusqlite::params_from_iter(args(f)))?;
    let charts = charts(conn, f);
    // The gathered rows are the period's only copy; they go however the charts went.
    conn.execute("DROP TABLE IF EXISTS temp.insight_pop", [])?;
    charts
}

fn charts(conn: &Connection, f: &InsightFilter) -> Result<Dashboard> {
    let overall =
        conn.prepare_cached(&format!("SELECT {SCORES} FROM temp.insight_pop"))?.query_row([], |r| scores_from(r, 0))?;
    let by_touch_point = groups(
        conn,
        "pop.touch_point_id",
        "coalesce(tp.name, 'Unknown touch point')",
        "LEFT JOIN touch_points tp ON tp.id = pop.touch_point_id",
        "count(*) DESC, 1",
    )?;
    let by_staff = groups(
        conn,
        "pop.staff_id",
        "coalesce(s.name, 'Unknown staff member')",
        "LEFT JOIN staff s ON s.id = pop.staff_id",
        "count(*) DESC, 1",
    )?;
    let by_store = groups(
        conn,
        "pop.store_id",
        "coalesce(st.name, 'Another store')",
        "LEFT JOIN stores st ON st.id = pop.store_id",
        "count(*) DESC, 1",
    )?;
    // Weeks start on Monday, on this computer's calendar (as the screen's dates and the
    // drill-down's days are): SQLite's 'weekday 0' is the next Sunday, so step back six days.
    let by_week = groups(
        conn,
        "date(pop.occurred_at, 'localtime', 'weekday 0', '-6 days')",
        "date(pop.occurred_at, 'localtime', 'weekday 0', '-6 days')",
        "",
        "1",
    )?;
    // Conversations without a reason are counted under "" (the screen names them in its own
    // language; the CSV in words).
    let reasons = counts(conn, "reason", "")?;
    let outcomes = counts(conn, "outcome", "unknown")?;
    let mut stmt = conn.prepare_cached(
        "SELECT pop.touch_point_id, coalesce(tp.name, 'Unknown touch point'), pop.feeling, count(*)
         FROM temp.insight_pop pop LEFT JOIN touch_points tp ON tp.id = pop.touch_point_id
         WHERE pop.feeling IS NOT NULL GROUP BY 1, 3 ORDER BY 2, 3, 1",
    )?;
    let heat_map = stmt.query_map([], heat_cell_from)?.collect::<rusqlite::Result<_>>()?;
    Ok(Dashboard {
        from: f.from,
        to: f.to,
        overall,
        by_touch_point,
        by_staff,
        by_store,
        by_week,
        reasons,
        outcomes,
        heat_map,
    })
}

fn number(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1}")).unwrap_or_default()
}

/// The dashboard's figures as CSV (one section a chart, each with its own header), for
/// spreadsheets.
pub fn dashboard_csv(d: &Dashboard) -> Result<String> {
    let mut w = Csv::default();
    w.row(["period", &ts(d.from), &ts(d.to)])?;
    let header = [
        "chart",
        "group",
        "interactions",
        "nps",
        "nps_responses",
        "csat",
        "csat_responses",
        "ces",
        "ces_responses",
        "very_unhappy",
        "unhappy",
        "neutral",
        "happy",
        "very_happy",
    ];
    w.row(header)?;
    let mut row = |chart: &str, label: &str, s: &Scores| -> Result<()> {
        let mut rec = vec![
            chart.to_owned(),
            label.to_owned(),
            s.interactions.to_string(),
            number(s.nps),
            s.nps_responses.to_string(),
            number(s.csat),
            s.csat_responses.to_string(),
            number(s.ces),
            s.ces_responses.to_string(),
        ];
        rec.extend(s.feelings.iter().map(u32::to_string));
        w.row(&rec)
    };
    row("overall", "all", &d.overall)?;
    for (chart, groups) in
        [("touch_point", &d.by_touch_point), ("staff", &d.by_staff), ("store", &d.by_store), ("week", &d.by_week)]
    {
        for g in groups {
            row(chart, &g.label, &g.scores)?;
        }
    }
    w.row(["chart", "label", "count"])?;
    for (chart, counts) in [("reason", &d.reasons), ("outcome", &d.outcomes)] {
        for c in counts {
            let label = if c.label.is_empty() { "No reason given" } else { c.label.as_str() };
            w.row([chart, label, &c.count.to_string()])?;
        }
    }
    w.row(["chart", "touch_point", "feeling", "count"])?;
    for c in &d.heat_map {
        w.row(["heat_map", &c.touch_point, c.feeling.as_str(), &c.count.to_string()])?;
    }
    w.finish()
}

/// A customer someone should act on, with why (in words) and their open follow-up, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AtRiskCustomer {
    pub customer_id: Uuid,
    pub name: String,
    pub reasons: Vec<RiskReason>,
    pub open_follow_up: Option<String>,
    pub open_follow_up_due: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// What they said about being contacted: a list for reaching out must not call someone
    /// who asked not to be called.
    pub contact: crate::customers::ContactAnswers,
}

/// Customers at risk now: candidates come from one indexed query (recent unhappy feedback,
/// overdue promises, unresolved or escalated visits), then each is assessed by the same rules
/// as their page's badge.
pub fn at_risk(conn: &Connection, now: DateTime<Utc>, limit: u32) -> Result<Vec<AtRiskCustomer>> {
    let since = ts(now - Duration::days(risk::DETRACTOR_WINDOW_DAYS));
    let mut stmt = conn.prepare_cached(
        "SELECT cand.id FROM (
             SELECT f.customer_id AS id FROM feedback f
             WHERE f.customer_id IS NOT NULL AND f.occurred_at >= ?1
               AND (f.feeling IN ('unhappy', 'very_unhappy') OR f.csat <= 2 OR f.nps <= 6)
             UNION
             SELECT customer_id FROM follow_ups
             WHERE customer_id IS NOT NULL AND status IN ('open', 'in_progress') AND due_at < ?2
             UNION
             SELECT customer_id FROM interactions
             WHERE customer_id IS NOT NULL AND occurred_at >= ?1 AND outcome IN ('unresolved', 'escalated')) cand
         JOIN customers c ON c.id = cand.id AND c.deleted_at IS NULL
         ORDER BY c.last_seen_at DESC LIMIT 2000",
    )?;
    let candidates: Vec<String> =
        stmt.query_map(params![since, ts(now)], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in candidates {
        let customer = parse_uuid(&id)?;
        let reasons = risk::assess(conn, customer, now)?;
        if reasons.is_empty() {
            continue;
        }
        let (name, last_seen_at): (String, Option<DateTime<Utc>>) = conn
            .prepare_cached("SELECT name, last_seen_at FROM customers WHERE id = ?1")?
            .query_row([&id], |r| Ok((r.get(0)?, opt_ts_col(r, 1)?)))?;
        let contact = crate::customers::contact_answers(conn, customer)?;
        let open: Option<(String, String)> = conn
            .prepare_cached(
                "SELECT promise, due_at FROM follow_ups WHERE customer_id = ?1 AND status IN ('open', 'in_progress')
                 ORDER BY due_at LIMIT 1",
            )?
            .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        out.push(AtRiskCustomer {
            customer_id: customer,
            name,
            reasons,
            open_follow_up_due: open.as_ref().map(|(_, due)| crate::db::parse_ts(due)).transpose()?,
            open_follow_up: open.map(|(promise, _)| promise),
            last_seen_at,
            contact,
        });
        if out.len() >= limit as usize {
            break;
        }
    }
    Ok(out)
}

/// The at-risk list as CSV: who, why (in words, as on screen), their open follow-up and when
/// they were last seen.
pub fn at_risk_csv(list: &[AtRiskCustomer]) -> Result<String> {
    let mut w = Csv::default();
    w.row(["customer", "reasons", "open_follow_up", "open_follow_up_due", "last_seen", "do_not_contact"])?;
    for c in list {
        let reasons: Vec<String> = c.reasons.iter().map(risk::describe).collect();
        w.row([
            c.name.as_str(),
            &reasons.join("; "),
            c.open_follow_up.as_deref().unwrap_or_default(),
            &c.open_follow_up_due.map(ts).unwrap_or_default(),
            &c.last_seen_at.map(ts).unwrap_or_default(),
            &c.contact.do_not_contact(),
        ])?;
    }
    w.finish()
}

impl Desk {
    /// The Insight dashboards for a population (supervisors and admins). Only admins compare
    /// stores: a supervisor's figures are their store's unless they name another they read.
    pub fn insight(&self, filter: &InsightFilter) -> Result<Dashboard> {
        self.require(Permission::SeeDashboards)?;
        let mut f = filter.clone();
        if !self.may(Permission::CompareStores)? && f.store_id.is_none() {
            f.store_id = Some(self.store_id);
        }
        dashboard(&self.conn, &f)
    }

    /// The same figures as CSV, written next to the database (the export is audited).
    pub fn export_insight(&mut self, filter: &InsightFilter) -> Result<ExportedFile> {
        let dashboard = self.insight(filter)?;
        let csv = dashboard_csv(&dashboard)?;
        self.write_export("insight", "insight", &csv, &[])
    }

    /// Customers at risk now, with why and their open follow-up (supervisors and admins).
    pub fn at_risk_customers(&self) -> Result<Vec<AtRiskCustomer>> {
        self.require(Permission::SeeAtRisk)?;
        at_risk(&self.conn, self.clock.now(), 200)
    }

    /// Customers at risk now, with their reasons in words, as CSV; recorded in the audit log.
    pub fn export_at_risk(&mut self) -> Result<ExportedFile> {
        let list = self.at_risk_customers()?;
        let csv = at_risk_csv(&list)?;
        let named: Vec<Uuid> = list.iter().map(|c| c.customer_id).collect();
        self.write_export("at-risk", "at_risk", &csv, &named)
    }
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn a_percent_rounds_to_the_nearest_and_never_to_none_or_all() {
        assert_eq!(percent(17, 28), Some(61));
        assert_eq!(percent(1, 2), Some(50));
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 300), Some(1));
        assert_eq!(percent(299, 300), Some(99));
        assert_eq!(percent(0, 5), Some(0));
        assert_eq!(percent(5, 5), Some(100));
        assert_eq!(percent(0, 0), None);
    }
}
