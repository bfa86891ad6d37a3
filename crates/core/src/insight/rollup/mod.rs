//! The Insight rollups (migration 0021), kept by triggers in the transaction of every write, so
//! a year's dashboards read a few thousand rows instead of every conversation:
//! - `insight_buckets`: per week and per day × store × touch point × person, the scores,
//!   feelings and outcomes summed. A period reads its whole weeks from the week rows and the
//!   days before and after them from the day rows.
//! - `insight_reasons`: reason counts per week and per day and store, for each filter the
//!   screen offers: everyone there, a touch point or a person.
//!
//! A conversation counts for two bucket rows and six reason rows (its day and week). A logged
//! one waits in `insight_pending` (one short row on the log's path) until a pulled page ends,
//! the dashboards are read or 500 wait; the dashboards of a year read a few thousand rows.
//!
//! Each trigger takes away what a conversation counted for before a change and adds what it
//! counts for after, both read from the views over `insight_rows` (the conversation as
//! corrected, with its feedback). Where a row is inserted, the "before" is the view with the
//! new row left out through `insight_hidden` (a BEFORE INSERT trigger would also fire for an
//! insert that then does nothing on conflict, as a pulled page's repeated op does).
//!
//! The triggers live in [`schema`]; this module reads the rollups.

pub(crate) mod schema;

use rusqlite::{Connection, OptionalExtension};
use schema::{BUCKET_KEY, COUNTED, REASON_KEY};

use super::{group_from, heat_cell_from, scores_from, Count, Dashboard, Group, InsightFilter};
use crate::db::ts;
use crate::error::Result;

/// The periods of a filter whose ends are both local midnights (what the screen's periods
/// are): its first day, the day after its last, and its whole weeks (from the first Monday on
/// or after the start to the last Monday on or before the end; both the end when it has no
/// whole week). `None` for any other period.
fn periods(conn: &Connection, f: &InsightFilter) -> Result<Option<[String; 4]>> {
    let found: Option<[String; 4]> = conn
        .prepare_cached(
            "SELECT date(?1, 'localtime'), date(?2, 'localtime'), date(?1, 'localtime', 'weekday 1'),
                    date(?2, 'localtime', 'weekday 0', '-6 days')
             WHERE time(?1, 'localtime') = '00:00:00' AND time(?2, 'localtime') = '00:00:00'",
        )?
        .query_row([ts(f.from), ts(f.to)], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
        .optional()?;
    Ok(found.map(|[first, after, monday, last_monday]| {
        if monday < last_monday {
            [first, after, monday, last_monday]
        } else {
            [first, after.clone(), after.clone(), after]
        }
    }))
}

/// The values every statement takes (see [`statements`]).
pub type Values = [Option<String>; 9];

/// The rows of `table` for a period: its whole weeks (`?6`..`?7`) and the days before and
/// after them (`?1`..`?6`, `?7`..`?2`); `slice` narrows them further.
fn period_rows(table: &str, slice: &str) -> String {
    format!(
        "(SELECT * FROM {table} WHERE {slice} grain = 'week' AND period >= ?6 AND period < ?7
          UNION ALL SELECT * FROM {table} WHERE {slice} grain = 'day' AND period >= ?1 AND period < ?6
          UNION ALL SELECT * FROM {table} WHERE {slice} grain = 'day' AND period >= ?7 AND period < ?2)"
    )
}

/// `?3`..`?5`: the store, touch point and person (or NULL).
const FILTER: &str =
    "(?3 IS NULL OR d.store_id = ?3) AND (?4 IS NULL OR d.touch_point_id = ?4) AND (?5 IS NULL OR d.staff_id = ?5)";

/// The summed columns, in the order `SCORES` has them.
const SUMMED: [&str; 13] = [
    "interactions",
    "promoters",
    "detractors",
    "nps_responses",
    "csat_sum",
    "csat_responses",
    "ces_sum",
    "ces_responses",
    "very_unhappy",
    "unhappy",
    "neutral",
    "happy",
    "very_happy",
];

fn sums(of: &str, named: bool) -> String {
    let each = |c: &&str| if named { format!("sum({of}.{c}) AS {c}") } else { format!("sum({of}.{c})") };
    SUMMED.iter().map(each).collect::<Vec<_>>().join(", ")
}

/// One chart's groups: the buckets summed by `key` first, then named (a lookup per group,
/// not per bucket).
fn grouped(key: &str, label: &str, join: &str, order: &str) -> String {
    let from = period_rows("insight_buckets", "");
    let inner = sums("d", true);
    let outer = SUMMED.iter().map(|c| format!("g.{c}")).collect::<Vec<_>>().join(", ");
    format!(
        "SELECT g.key, {label}, {outer}
         FROM (SELECT {key} AS key, {inner} FROM {from} d WHERE {FILTER} GROUP BY 1 HAVING sum(d.interactions) > 0) g
         {join} ORDER BY {order} LIMIT 200"
    )
}

/// Every statement a dashboard from rollups runs, in order (each takes the first of the
/// [`Values`] it names):
/// overall, by touch point, person, store and week, reasons, outcomes, the heat map.
pub fn statements() -> Vec<String> {
    // `?8`, `?9`: which counts (everyone in the store, a touch point's or a person's) and whose.
    let reasons = period_rows("insight_reasons", "slice = ?8 AND slice_id = ?9 AND (?3 IS NULL OR store_id = ?3) AND");
    let outcomes = ["resolved", "escalated", "follow_up_needed", "unresolved"]
        .map(|o| format!("SELECT '{o}' AS label, {o} AS n FROM t"))
        .join(" UNION ALL ");
    let week = "CASE d.grain WHEN 'week' THEN d.period ELSE date(d.period, 'weekday 0', '-6 days') END";
    let from = period_rows("insight_buckets", "");
    vec![
        format!("SELECT {} FROM {from} d WHERE {FILTER}", sums("d", false)),
        grouped(
            "d.touch_point_id",
            "coalesce(tp.name, 'Unknown touch point')",
            "LEFT JOIN touch_points tp ON tp.id = g.key",
            "g.interactions DESC, 1",
        ),
        grouped(
            "d.staff_id",
            "coalesce(s.name, 'Unknown staff member')",
            "LEFT JOIN staff s ON s.id = g.key",
            "g.interactions DESC, 1",
        ),
        grouped(
            "d.store_id",
            "coalesce(st.name, 'Another store')",
            "LEFT JOIN stores st ON st.id = g.key",
            "g.interactions DESC, 1",
        ),
        grouped(week, "g.key", "", "1"),
        format!(
            "SELECT d.reason, sum(d.n) FROM {reasons} d GROUP BY d.reason HAVING sum(d.n) > 0
             ORDER BY 2 DESC, 1 LIMIT 30"
        ),
        format!(
            "WITH t AS (SELECT sum(d.resolved) AS resolved, sum(d.escalated) AS escalated,
                               sum(d.follow_up_needed) AS follow_up_needed, sum(d.unresolved) AS unresolved
                        FROM {from} d WHERE {FILTER})
             SELECT label, n FROM ({outcomes}) WHERE n > 0 ORDER BY 2 DESC, 1 LIMIT 30"
        ),
        format!(
            "SELECT t.id, coalesce(tp.name, 'Unknown touch point'), f.feeling,
                    CASE f.feeling WHEN 'very_unhappy' THEN t.very_unhappy WHEN 'unhappy' THEN t.unhappy
                        WHEN 'neutral' THEN t.neutral WHEN 'happy' THEN t.happy ELSE t.very_happy END AS n
             FROM (SELECT d.touch_point_id AS id, sum(d.very_unhappy) AS very_unhappy, sum(d.unhappy) AS unhappy,
                          sum(d.neutral) AS neutral, sum(d.happy) AS happy, sum(d.very_happy) AS very_happy
                   FROM {from} d WHERE {FILTER} GROUP BY 1) t
             CROSS JOIN (SELECT column1 AS feeling FROM (VALUES ('very_unhappy'), ('unhappy'), ('neutral'),
                                                                ('happy'), ('very_happy'))) f
             LEFT JOIN touch_points tp ON tp.id = t.id
             WHERE n > 0 ORDER BY 2, 3, 1"
        ),
    ]
}

/// The values the statements take for a filter, or `None` if the rollups cannot answer it:
/// a period that is not whole local days, or a touch point and a person at once.
pub fn values(conn: &Connection, f: &InsightFilter) -> Result<Option<Values>> {
    if f.touch_point_id.is_some() && f.staff_id.is_some() {
        return Ok(None);
    }
    let id = |v: Option<uuid::Uuid>| v.map(|v| v.to_string());
    Ok(periods(conn, f)?.map(|[first, after, monday, last_monday]| {
        [
            Some(first),
            Some(after),
            id(f.store_id),
            id(f.touch_point_id),
            id(f.staff_id),
            Some(monday),
            Some(last_monday),
            Some(match (f.touch_point_id, f.staff_id) {
                (Some(_), _) => "touch_point".into(),
                (_, Some(_)) => "staff".into(),
                _ => "store".into(),
            }),
            Some(id(f.touch_point_id).or(id(f.staff_id)).unwrap_or_default()),
        ]
    }))
}

/// Every chart of the Insight room from the rollups, or `None` if they cannot answer the
/// filter (see [`values`]; then the rows are counted, [`super::dashboard_from_rows`]).
pub fn dashboard(conn: &Connection, f: &InsightFilter) -> Result<Option<Dashboard>> {
    let Some(values) = values(conn, f)? else { return Ok(None) };
    settle(conn)?;
    let sql = statements();
    // Each statement takes the first of the values it names.
    let prepared = |i: usize| -> Result<(rusqlite::CachedStatement<'_>, usize)> {
        let stmt = conn.prepare_cached(&sql[i])?;
        let n = stmt.parameter_count();
        Ok((stmt, n))
    };
    let args = |n: usize| rusqlite::params_from_iter(values.iter().take(n));
    let (mut stmt, n) = prepared(0)?;
    let overall = stmt.query_row(args(n), |r| scores_from(r, 0))?;
    let groups = |i: usize| -> Result<Vec<Group>> {
        let (mut stmt, n) = prepared(i)?;
        let rows = stmt.query_map(args(n), group_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let counts = |i: usize| -> Result<Vec<Count>> {
        let (mut stmt, n) = prepared(i)?;
        let rows = stmt.query_map(args(n), |r| Ok(Count { label: r.get(0)?, count: r.get(1)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let (mut stmt, n) = prepared(7)?;
    let heat_map = stmt.query_map(args(n), heat_cell_from)?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(Dashboard {
        from: f.from,
        to: f.to,
        overall,
        by_touch_point: groups(1)?,
        by_staff: groups(2)?,
        by_store: groups(3)?,
        by_week: groups(4)?,
        reasons: counts(5)?,
        outcomes: counts(6)?,
        heat_map,
    }))
}

/// What a list of conversations (the review queue, Insight's drill-down) asks for, as far as
/// the rollups can tell which days hold such conversations.
#[derive(Debug, Default, Clone)]
pub(crate) struct DayQuestion<'a> {
    pub store_id: Option<uuid::Uuid>,
    pub touch_point_id: Option<uuid::Uuid>,
    pub staff_id: Option<uuid::Uuid>,
    /// Bucket columns that must be above zero: a feeling, `detractors`, an outcome.
    pub columns: Vec<&'static str>,
    /// The reason as corrected (`""` for none), trimmed as the rollups keep it.
    pub reason: Option<&'a str>,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// Calls `visit` with the local days, newest first, on which the rollups count a conversation
/// that may match `q`, each as the instants it runs between (UTC, as conversations are
/// stored), until it returns `false`. A day not visited holds none: a count the question
/// names is zero there. (A visited day may still hold none, when the filters only match apart;
/// the caller reads its rows to see.) The days come from the rollup's key in order, so the
/// first is there at once, however long the history.
pub(crate) fn each_day(
    conn: &Connection,
    q: &DayQuestion<'_>,
    mut visit: impl FnMut(&str, &str) -> Result<bool>,
) -> Result<()> {
    settle(conn)?;
    // Column names come from the list the rollups count, never from input.
    let mut having = String::from("sum(interactions) > 0");
    for column in &q.columns {
        let Some((known, _)) = COUNTED.iter().find(|(c, _)| c == column) else {
            return Err(crate::error::CoreError::Storage { message: format!("no rollup column {column}") });
        };
        having.push_str(&format!(" AND sum({known}) > 0"));
    }
    let (slice, slice_id) = match (q.staff_id, q.touch_point_id) {
        (Some(s), _) => ("staff", s.to_string()),
        (None, Some(t)) => ("touch_point", t.to_string()),
        _ => ("store", String::new()),
    };
    let sql = format!(
        "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', period, 'utc'), strftime('%Y-%m-%dT%H:%M:%fZ', period, '+1 day', 'utc')
         FROM insight_buckets b
         WHERE grain = 'day' AND (?1 IS NULL OR store_id = ?1) AND (?2 IS NULL OR touch_point_id = ?2)
           AND (?3 IS NULL OR staff_id = ?3)
           AND (?4 IS NULL OR period >= date(?4, 'localtime')) AND (?5 IS NULL OR period <= date(?5, 'localtime'))
         GROUP BY period
         HAVING {having}
            AND (?8 IS NULL OR EXISTS (
                 SELECT 1 FROM insight_reasons r
                 WHERE r.slice = ?6 AND r.grain = 'day' AND r.period = b.period AND (?1 IS NULL OR r.store_id = ?1)
                   AND r.slice_id = ?7 AND r.reason = trim(?8) AND r.n > 0))
         ORDER BY period DESC"
    );
    let id = |v: Option<uuid::Uuid>| v.map(|v| v.to_string());
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params![
        id(q.store_id),
        id(q.touch_point_id),
        id(q.staff_id),
        q.from.map(ts),
        q.to.map(ts),
        slice,
        slice_id,
        q.reason,
    ])?;
    while let Some(row) = rows.next()? {
        let (start, end): (String, String) = (row.get(0)?, row.get(1)?);
        if !visit(&start, &end)? {
            break;
        }
    }
    Ok(())
}

/// Counts the conversations logged since the rollups last did (in a transaction of its own
/// unless the caller is in one).
pub fn settle(conn: &Connection) -> Result<()> {
    if conn.is_autocommit() {
        let tx = conn.unchecked_transaction()?;
        schema::settle(&tx)?;
        tx.commit()?;
        Ok(())
    } else {
        schema::settle(conn)
    }
}

/// The rollups as they stand (once what waits is counted), row by row, and as counted afresh from the conversations with
/// plain aggregates (no upsert, no trigger): for tests.
pub fn compare_with_rows(conn: &Connection) -> Result<(Vec<String>, Vec<String>)> {
    settle(conn)?;
    let rows = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let n = stmt.column_count();
        let out = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| Ok(format!("{:?}", r.get_ref(i)?)))
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map(|v| v.join("|"))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(out)
    };
    let kept = [
        rows(&format!("SELECT * FROM insight_buckets ORDER BY {BUCKET_KEY}"))?,
        rows(&format!("SELECT * FROM insight_reasons ORDER BY {REASON_KEY}"))?,
    ]
    .concat();
    let grains = "(SELECT 'day' AS grain UNION ALL SELECT 'week')";
    let sums = COUNTED.iter().map(|(_, e)| format!("sum({e})")).collect::<Vec<_>>().join(", ");
    let fresh = [
        rows(&format!(
            "SELECT g.grain, CASE g.grain WHEN 'day' THEN r.day ELSE r.week END, r.store_id, r.touch_point_id,
                    r.staff_id, {sums}
             FROM insight_rows r, {grains} g GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
        ))?,
        rows(&format!(
            "SELECT s.slice, g.grain, CASE g.grain WHEN 'day' THEN r.day ELSE r.week END, r.store_id,
                    CASE s.slice WHEN 'store' THEN '' WHEN 'touch_point' THEN r.touch_point_id ELSE r.staff_id END,
                    r.reason, count(*)
             FROM insight_rows r, {grains} g,
                  (SELECT 'store' AS slice UNION ALL SELECT 'touch_point' UNION ALL SELECT 'staff') s
             GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6"
        ))?,
    ]
    .concat();
    Ok((kept, fresh))
}
