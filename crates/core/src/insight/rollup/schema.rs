//! The rollups' schema side: the triggers that keep them (generated here, written into the
//! schema by migration step 21), rebuilding them, and following the computer's time zone. A
//! change to the triggers is a new migration step that drops and re-creates them (the
//! migration test compares a migrated schema with a fresh one, so an edit here alone fails it).

use rusqlite::{Connection, Transaction};

use crate::error::Result;

pub(super) const BUCKET_KEY: &str = "grain, period, store_id, touch_point_id, staff_id";
pub(super) const REASON_KEY: &str = "slice, grain, period, store_id, slice_id, reason";

/// Each counted column of a bucket and what one conversation row adds to it (never NULL).
pub(super) const COUNTED: [(&str, &str); 17] = [
    ("interactions", "1"),
    ("promoters", "coalesce(nps >= 9, 0)"),
    ("detractors", "coalesce(nps <= 6, 0)"),
    ("nps_responses", "(nps IS NOT NULL)"),
    ("csat_sum", "coalesce(csat, 0)"),
    ("csat_responses", "(csat IS NOT NULL)"),
    ("ces_sum", "coalesce(ces, 0)"),
    ("ces_responses", "(ces IS NOT NULL)"),
    ("very_unhappy", "(feeling IS 'very_unhappy')"),
    ("unhappy", "(feeling IS 'unhappy')"),
    ("neutral", "(feeling IS 'neutral')"),
    ("happy", "(feeling IS 'happy')"),
    ("very_happy", "(feeling IS 'very_happy')"),
    ("resolved", "(outcome IS 'resolved')"),
    ("escalated", "(outcome IS 'escalated')"),
    ("follow_up_needed", "(outcome IS 'follow_up_needed')"),
    ("unresolved", "(outcome IS 'unresolved')"),
];

fn list(f: impl Fn(&str, &str) -> String) -> String {
    COUNTED.iter().map(|(c, e)| f(c, e)).collect::<Vec<_>>().join(", ")
}

/// What a trigger does for the conversations matching `which` (a condition on `insight_rows`):
/// adds (`sign` 1) or takes away (-1) what they count for in both rollups, unless they are
/// still waiting to be counted (`insight_pending`: then they are counted as they stand when
/// the wait ends). Their few rows go in one by one; a key met twice adds up on conflict.
fn count(sign: i8, which: &str) -> String {
    let counted =
        format!("{which} AND NOT EXISTS (SELECT 1 FROM insight_pending p WHERE p.interaction_id = v.interaction_id)");
    sums(sign, &counted, false)
}

/// Adds what every conversation matching `which` counts for, summed first (a rebuild, or the
/// conversations that were waiting).
fn count_all(which: &str) -> String {
    sums(1, which, true)
}

fn sums(sign: i8, which: &str, grouped: bool) -> String {
    let s = sign;
    let columns = list(|c, _| c.to_string());
    let values = list(|_, e| if grouped { format!("{s} * sum({e})") } else { format!("{s} * {e}") });
    let added = list(|c, _| format!("{c} = {c} + excluded.{c}"));
    let group = |key: &str| if grouped { format!("GROUP BY {key}") } else { String::new() };
    let (bucket_groups, reason_groups) = (group(BUCKET_KEY), group(REASON_KEY));
    let n = if grouped { format!("{s} * count(*)") } else { s.to_string() };
    let mut sql = format!(
        "INSERT INTO insight_buckets ({BUCKET_KEY}, {columns})
         SELECT {BUCKET_KEY}, {values} FROM insight_bucket_rows v WHERE {which} {bucket_groups}
         ON CONFLICT ({BUCKET_KEY}) DO UPDATE SET {added};
         INSERT INTO insight_reasons ({REASON_KEY}, n)
         SELECT {REASON_KEY}, {n} FROM insight_reason_rows v WHERE {which} {reason_groups}
         ON CONFLICT ({REASON_KEY}) DO UPDATE SET n = n + excluded.n;"
    );
    if sign < 0 {
        // What no longer counts for anything goes, so a bucket is never a group of nobody.
        sql.push_str(&format!(
            "DELETE FROM insight_buckets WHERE interactions = 0
                 AND ({BUCKET_KEY}) IN (SELECT {BUCKET_KEY} FROM insight_bucket_rows v WHERE {which});
             DELETE FROM insight_reasons WHERE n = 0
                 AND ({REASON_KEY}) IN (SELECT {REASON_KEY} FROM insight_reason_rows v WHERE {which});"
        ));
    }
    sql
}

/// What the conversation counted for before `NEW` (a feedback row or correction of `kind`) was
/// written is taken away, and what it counts for now added.
fn recount_after_insert(kind: &str, which: &str) -> String {
    format!(
        "INSERT INTO insight_hidden (kind, hidden_row) VALUES ('{kind}', NEW.rowid);
         {before}
         DELETE FROM insight_hidden WHERE kind = '{kind}' AND hidden_row = NEW.rowid;
         {after}",
        before = count(-1, which),
        after = count(1, which),
    )
}

/// The triggers that keep the rollups, as SQL.
fn triggers() -> Vec<String> {
    let trigger =
        |name: &str, when: &str, body: String| format!("CREATE TRIGGER insight_{name} {when} BEGIN {body} END");
    let conversation_columns = "occurred_at, store_id, staff_id, touch_point_id, reason, outcome";
    let feedback_columns = "interaction_id, feeling, csat, nps, ces";
    let amendment_columns = "interaction_id, changes, hlc";
    let both = "interaction_id IN (OLD.interaction_id, NEW.interaction_id)";
    vec![
        // A new conversation waits to be counted (one short row on the log's path); it is
        // counted when a pulled page ends, when the dashboards are read, or when many wait.
        trigger(
            "conversation_logged",
            "AFTER INSERT ON interactions",
            "INSERT INTO insight_pending (interaction_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;".into(),
        ),
        trigger(
            "conversation_changing",
            &format!("BEFORE UPDATE OF {conversation_columns} ON interactions"),
            count(-1, "interaction_id = OLD.id"),
        ),
        trigger(
            "conversation_changed",
            &format!("AFTER UPDATE OF {conversation_columns} ON interactions"),
            count(1, "interaction_id = NEW.id"),
        ),
        trigger("conversation_removed", "BEFORE DELETE ON interactions", count(-1, "interaction_id = OLD.id")),
        // A counted conversation's first feedback adds its scores and feelings and nothing
        // else (feedback pulled after its conversation): no need to count it again.
        trigger(
            "first_feedback",
            "AFTER INSERT ON feedback WHEN NEW.interaction_id IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM feedback o WHERE o.interaction_id = NEW.interaction_id AND o.rowid <> NEW.rowid)
                 AND NOT EXISTS (SELECT 1 FROM insight_pending p WHERE p.interaction_id = NEW.interaction_id)",
            first_feedback(),
        ),
        trigger(
            "more_feedback",
            "AFTER INSERT ON feedback WHEN EXISTS (
                 SELECT 1 FROM feedback o WHERE o.interaction_id = NEW.interaction_id AND o.rowid <> NEW.rowid)",
            recount_after_insert("feedback", "interaction_id = NEW.interaction_id"),
        ),
        trigger("feedback_changing", &format!("BEFORE UPDATE OF {feedback_columns} ON feedback"), count(-1, both)),
        trigger("feedback_changed", &format!("AFTER UPDATE OF {feedback_columns} ON feedback"), count(1, both)),
        trigger("feedback_removing", "BEFORE DELETE ON feedback", count(-1, "interaction_id = OLD.interaction_id")),
        trigger("feedback_removed", "AFTER DELETE ON feedback", count(1, "interaction_id = OLD.interaction_id")),
        trigger(
            "correction_made",
            "AFTER INSERT ON amendments",
            recount_after_insert("amendment", "interaction_id = NEW.interaction_id"),
        ),
        trigger("correction_changing", &format!("BEFORE UPDATE OF {amendment_columns} ON amendments"), count(-1, both)),
        trigger("correction_changed", &format!("AFTER UPDATE OF {amendment_columns} ON amendments"), count(1, both)),
        trigger("correction_removing", "BEFORE DELETE ON amendments", count(-1, "interaction_id = OLD.interaction_id")),
        trigger("correction_removed", "AFTER DELETE ON amendments", count(1, "interaction_id = OLD.interaction_id")),
    ]
}

/// The first feedback of a conversation: its scores and feelings join the conversation's day
/// and week.
fn first_feedback() -> String {
    format!(
        "UPDATE insight_buckets SET
             promoters = promoters + coalesce(NEW.nps >= 9, 0), detractors = detractors + coalesce(NEW.nps <= 6, 0),
             nps_responses = nps_responses + (NEW.nps IS NOT NULL), csat_sum = csat_sum + coalesce(NEW.csat, 0),
             csat_responses = csat_responses + (NEW.csat IS NOT NULL), ces_sum = ces_sum + coalesce(NEW.ces, 0),
             ces_responses = ces_responses + (NEW.ces IS NOT NULL),
             very_unhappy = very_unhappy + (NEW.feeling IS 'very_unhappy'), unhappy = unhappy + (NEW.feeling IS 'unhappy'),
             neutral = neutral + (NEW.feeling IS 'neutral'), happy = happy + (NEW.feeling IS 'happy'),
             very_happy = very_happy + (NEW.feeling IS 'very_happy')
         WHERE ({BUCKET_KEY}) IN (SELECT {BUCKET_KEY} FROM insight_bucket_rows WHERE interaction_id = NEW.interaction_id);"
    )
}

/// This computer's UTC offsets (minutes) at fixed winter and summer dates: what cutting
/// timestamps into local days depends on.
fn zone(conn: &Connection) -> Result<String> {
    Ok(conn.query_row(
        "SELECT group_concat(round((julianday(d, 'localtime') - julianday(d)) * 1440), '/')
         FROM (SELECT column1 AS d FROM (VALUES ('2000-01-15 12:00:00'), ('2000-07-15 12:00:00'),
                                                ('2026-01-15 12:00:00'), ('2026-07-15 12:00:00')))",
        [],
        |r| r.get(0),
    )?)
}

/// Counts every conversation again from the rows, in the current time zone.
pub(crate) fn rebuild(tx: &Transaction<'_>) -> Result<()> {
    tx.execute("DELETE FROM insight_buckets", [])?;
    tx.execute("DELETE FROM insight_reasons", [])?;
    tx.execute("DELETE FROM insight_hidden", [])?;
    tx.execute("DELETE FROM insight_pending", [])?;
    tx.execute_batch(&count_all("true"))?;
    let zone = zone(tx)?;
    tx.execute(
        "INSERT INTO insight_rollup_zone (id, zone) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET zone = excluded.zone",
        [zone],
    )?;
    Ok(())
}

/// How many conversations wait before a write counts them (a day's logs at a busy desk).
pub(crate) const PENDING_LIMIT: i64 = 500;

/// Counts the conversations waiting to be counted, in the caller's transaction.
pub(crate) fn settle(conn: &Connection) -> Result<()> {
    let waiting: bool =
        conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM insight_pending)")?.query_row([], |r| r.get(0))?;
    if waiting {
        conn.execute_batch(&count_all("interaction_id IN (SELECT interaction_id FROM insight_pending)"))?;
        conn.execute("DELETE FROM insight_pending", [])?;
    }
    Ok(())
}

/// Whether more conversations wait than a write should leave waiting.
pub(crate) fn many_waiting(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT count(*) >= ?1 FROM (SELECT 1 FROM insight_pending LIMIT ?1)")?
        .query_row([PENDING_LIMIT], |r| r.get(0))?)
}

/// Migration step 21's hook: the triggers, then the rollups of what the desk already holds.
pub(crate) fn install(tx: &Transaction<'_>) -> Result<()> {
    for sql in triggers() {
        tx.execute_batch(&sql)?;
    }
    rebuild(tx)
}

/// On opening: counts what waits, or, if this computer's time zone is not the one the days
/// were cut in, cuts them again (the dashboards' days are the screen's).
pub(crate) fn follow_zone(conn: &mut Connection) -> Result<()> {
    let kept: Option<String> = conn.query_row("SELECT zone FROM insight_rollup_zone", [], |r| r.get(0)).ok();
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if kept.as_deref() == Some(zone(&tx)?.as_str()) {
        settle(&tx)?;
    } else {
        rebuild(&tx)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(conn: &Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("plan");
        let rows = stmt.query_map([], |r| r.get::<_, String>(3)).expect("rows");
        rows.collect::<rusqlite::Result<_>>().expect("plan rows")
    }

    #[test]
    fn what_a_trigger_reads_of_one_conversation_and_its_buckets_is_found_by_index() {
        let dir = tempfile::tempdir().expect("dir");
        let conn = crate::db::open(&dir.path().join("t.sqlite3")).expect("db");
        let one = "interaction_id = 'x'";
        let mut first = first_feedback().replace("NEW.interaction_id", "'x'");
        for column in ["nps", "csat", "ces", "feeling"] {
            first = first.replace(&format!("NEW.{column}"), "NULL");
        }
        let statements = [count(1, one), count(-1, one), first];
        for sql in statements.iter().flat_map(|s| s.split(';')).map(str::trim).filter(|s| !s.is_empty()) {
            let steps = plan(&conn, sql);
            // Only the handful of constant rows (grains, kinds, slices) may be read in full.
            let scanned: Vec<&str> =
                steps.iter().filter_map(|s| s.strip_prefix("SCAN ")).filter_map(|s| s.split(' ').next()).collect();
            assert!(scanned.iter().all(|t| ["g", "b", "CONSTANT"].contains(t)), "{sql}\n{steps:?}");
        }
    }
}
