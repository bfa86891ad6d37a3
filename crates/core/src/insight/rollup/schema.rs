//! The rollups' schema side: the triggers that keep them (generated here, written into the
//! schema by migration step 21), rebuilding them, and following the computer's time zone. A
//! change to the triggers is a new migration step that drops and re-creates them (the
//! migration test compares a migrated schema with a fresh one, so an edit here alone fails it).

use rusqlite::{Connection, Transaction};

use crate::error::Result;

pub(super) const BUCKET_KEY: &str = "grain, period, store_id, touch_point_id, staff_id";
pub(super) const LABEL_KEY: &str = "kind, store_id, touch_point_id, staff_id, grain, period, label";

/// Adds (`sign` 1) or takes away (`sign` -1) what the conversations matching `which` (a
/// condition on `insight_rows`) count for in both rollups. A trigger's few rows go in one by
/// one (a key met twice adds up on conflict); a rebuild's are summed first.
fn count(sign: i8, which: &str) -> String {
    let s = sign;
    let all = which == "true";
    let (sums, labels, grouped) = if all {
        (
            format!(
                "{s} * count(*), {s} * coalesce(sum(nps >= 9), 0), {s} * coalesce(sum(nps <= 6), 0),
                 {s} * count(nps), {s} * coalesce(sum(csat), 0), {s} * count(csat), {s} * coalesce(sum(ces), 0),
                 {s} * count(ces), {s} * coalesce(sum(feeling = 'very_unhappy'), 0),
                 {s} * coalesce(sum(feeling = 'unhappy'), 0), {s} * coalesce(sum(feeling = 'neutral'), 0),
                 {s} * coalesce(sum(feeling = 'happy'), 0), {s} * coalesce(sum(feeling = 'very_happy'), 0)"
            ),
            format!("{s} * count(*)"),
            true,
        )
    } else {
        (
            format!(
                "{s}, {s} * coalesce(nps >= 9, 0), {s} * coalesce(nps <= 6, 0), {s} * (nps IS NOT NULL),
                 {s} * coalesce(csat, 0), {s} * (csat IS NOT NULL), {s} * coalesce(ces, 0), {s} * (ces IS NOT NULL),
                 {s} * (feeling IS 'very_unhappy'), {s} * (feeling IS 'unhappy'), {s} * (feeling IS 'neutral'),
                 {s} * (feeling IS 'happy'), {s} * (feeling IS 'very_happy')"
            ),
            format!("{s}"),
            false,
        )
    };
    let group = |key: &str| if grouped { format!("GROUP BY {key}") } else { String::new() };
    let (bucket_groups, label_groups) = (group(BUCKET_KEY), group(LABEL_KEY));
    let mut sql = format!(
        "INSERT INTO insight_buckets ({BUCKET_KEY}, interactions, promoters, detractors, nps_responses, csat_sum,
             csat_responses, ces_sum, ces_responses, very_unhappy, unhappy, neutral, happy, very_happy)
         SELECT {BUCKET_KEY}, {sums} FROM insight_bucket_rows WHERE {which} {bucket_groups}
         ON CONFLICT ({BUCKET_KEY}) DO UPDATE SET
             interactions = interactions + excluded.interactions, promoters = promoters + excluded.promoters,
             detractors = detractors + excluded.detractors, nps_responses = nps_responses + excluded.nps_responses,
             csat_sum = csat_sum + excluded.csat_sum, csat_responses = csat_responses + excluded.csat_responses,
             ces_sum = ces_sum + excluded.ces_sum, ces_responses = ces_responses + excluded.ces_responses,
             very_unhappy = very_unhappy + excluded.very_unhappy, unhappy = unhappy + excluded.unhappy,
             neutral = neutral + excluded.neutral, happy = happy + excluded.happy,
             very_happy = very_happy + excluded.very_happy;
         INSERT INTO insight_labels ({LABEL_KEY}, n)
         SELECT {LABEL_KEY}, {labels} FROM insight_label_rows WHERE {which} {label_groups}
         ON CONFLICT ({LABEL_KEY}) DO UPDATE SET n = n + excluded.n;"
    );
    if sign < 0 {
        // What no longer counts for anything goes, so a bucket is never a group of nobody.
        sql.push_str(&format!(
            "DELETE FROM insight_buckets WHERE interactions = 0
                 AND ({BUCKET_KEY}) IN (SELECT {BUCKET_KEY} FROM insight_bucket_rows WHERE {which});
             DELETE FROM insight_labels WHERE n = 0
                 AND ({LABEL_KEY}) IN (SELECT {LABEL_KEY} FROM insight_label_rows WHERE {which});"
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
        trigger("conversation_logged", "AFTER INSERT ON interactions", count(1, "interaction_id = NEW.id")),
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
        // A conversation's first feedback adds its scores and feelings and nothing else (the
        // common case, on every log): no need to count the conversation again.
        trigger(
            "first_feedback",
            "AFTER INSERT ON feedback WHEN NEW.interaction_id IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM feedback o WHERE o.interaction_id = NEW.interaction_id AND o.rowid <> NEW.rowid)",
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
    tx.execute("DELETE FROM insight_labels", [])?;
    tx.execute("DELETE FROM insight_hidden", [])?;
    tx.execute_batch(&count(1, "true"))?;
    let zone = zone(tx)?;
    tx.execute(
        "INSERT INTO insight_rollup_zone (id, zone) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET zone = excluded.zone",
        [zone],
    )?;
    Ok(())
}

/// Migration step 21's hook: the triggers, then the rollups of what the desk already holds.
pub(crate) fn install(tx: &Transaction<'_>) -> Result<()> {
    for sql in triggers() {
        tx.execute_batch(&sql)?;
    }
    rebuild(tx)
}

/// On opening: if this computer's time zone is not the one the days were cut in, cut them
/// again (the dashboards' days are the screen's).
pub(crate) fn follow_zone(conn: &mut Connection) -> Result<()> {
    let kept: Option<String> = conn.query_row("SELECT zone FROM insight_rollup_zone", [], |r| r.get(0)).ok();
    if kept.as_deref() == Some(zone(conn)?.as_str()) {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    rebuild(&tx)?;
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
            assert!(
                scanned.iter().all(|t| ["g", "k", "s", "CONSTANT", "insight_slices"].contains(t)),
                "{sql}\n{steps:?}"
            );
        }
    }
}
