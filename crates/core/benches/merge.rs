//! Merging two customers with 10,000 conversations each (with feedback), and undoing it, each
//! in one transaction on the desk, beside its floor measured in the same run: the same rows
//! re-pointed by hand in one transaction (conversations, feedback and audit entries of the
//! merged record moved to the survivor, the merge row and its outbox op written, the redirect
//! set) — what any merge that keeps the history must at least do. Every run works on a fresh
//! copy of the same file, so no run merges what an earlier one merged.
//!
//!     cargo bench -p touchpoint-core --bench merge     # BENCH_MERGE_EACH=10000 by default

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use touchpoint_core::customers::merge::{MergeField, MergeRequest};
use touchpoint_core::customers::NewCustomer;
use touchpoint_core::interactions::LogInteraction;
use touchpoint_core::protocol::{ContactChannel, Feeling, Outcome};
use touchpoint_core::{Desk, DeskOptions};
use uuid::Uuid;

const RUNS: usize = 7;

fn open(path: &Path) -> Desk {
    Desk::open(path, &DeskOptions { region: Some("GB".into()) }, Arc::new(touchpoint_core::clock::SystemClock))
        .expect("desk")
}

/// A store file with two records of one person, each with `each` conversations and feedback.
fn build(path: &Path, each: usize) -> (Uuid, Uuid) {
    let mut desk = open(path);
    let tp = desk.touch_points().expect("touch points")[0].id;
    let mut ids = Vec::new();
    for name in ["Ana Costa", "Ana Maria Costa"] {
        let id = desk
            .create_customer(&NewCustomer {
                name: name.into(),
                email: "ana@example.com".into(),
                allow_duplicate: true,
                ..Default::default()
            })
            .expect("customer")
            .id;
        for i in 0..each {
            desk.log_interaction(&LogInteraction {
                submission_id: Uuid::now_v7(),
                customer_id: Some(id),
                touch_point_id: tp,
                channel: ContactChannel::InPerson,
                reason: Some("Repair".into()),
                outcome: Outcome::Resolved,
                duration_secs: Some(60),
                summary: Some(format!("Visit {i}")),
                feeling: Some(Feeling::Happy),
                csat: Some(5),
                nps: None,
                ces: None,
                verbatim: None,
                occurred_at: None,
                check_in: None,
            })
            .expect("log");
        }
        ids.push(id);
    }
    (ids[0], ids[1])
}

fn copy(from: &Path, dir: &Path, run: usize) -> PathBuf {
    let to = dir.join(format!("run-{run}.sqlite3"));
    let _ = std::fs::remove_file(&to);
    // The WAL was checkpointed when the builder closed: the main file is the whole store.
    std::fs::copy(from, &to).expect("copy");
    to
}

/// The floor: the same rows re-pointed by hand, in one transaction.
fn floor(path: &Path, survivor: Uuid, merged: Uuid) -> Duration {
    let mut conn = rusqlite::Connection::open(path).expect("raw");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    conn.pragma_update(None, "synchronous", "NORMAL").expect("sync");
    // As the desk opens its file (`db::configure`), so both sides pay the same.
    conn.pragma_update(None, "foreign_keys", true).expect("fk");
    conn.pragma_update(None, "cache_size", -65_536).expect("cache");
    let (s, m) = (survivor.to_string(), merged.to_string());
    let start = Instant::now();
    let tx = conn.transaction().expect("tx");
    for table in ["interactions", "feedback", "audit_log", "follow_ups"] {
        tx.execute(
            &format!("UPDATE {table} SET customer_id = ?1, logged_customer_id = ?2 WHERE customer_id = ?2"),
            [&s, &m],
        )
        .expect("repoint");
    }
    tx.execute("UPDATE customers SET merged_into = ?1 WHERE id = ?2", [&s, &m]).expect("redirect");
    tx.execute(
        "INSERT INTO customer_merges (id, merged_id, survivor_id, hlc, staff_id, device_id, made_at, fields, effective)
         VALUES (?1, ?2, ?3, '0', '0', '0', '0', '{}', 1)",
        [&Uuid::now_v7().to_string(), &m, &s],
    )
    .expect("merge row");
    tx.execute(
        "INSERT INTO outbox (op_id, kind, entity_id, payload, hlc, created_at)
         VALUES (?1, 'customers_merged', ?2, '{}', '0', '0')",
        [&Uuid::now_v7().to_string(), &m],
    )
    .expect("outbox");
    tx.commit().expect("commit");
    start.elapsed()
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn row(what: &str, mut path: Vec<Duration>, mut floor: Vec<Duration>) {
    path.sort();
    floor.sort();
    let (p50, max) = (path[path.len() / 2], path[path.len() - 1]);
    let (f50, fmax) = (floor[floor.len() / 2], floor[floor.len() - 1]);
    println!(
        "{what:<34} {:>9} {:>9} {:>10} {:>10} {:>7.1}×",
        ms(p50),
        ms(max),
        ms(f50),
        ms(fmax),
        p50.as_secs_f64() / f50.as_secs_f64().max(1e-9)
    );
}

fn main() {
    let each: usize = std::env::var("BENCH_MERGE_EACH").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("base.sqlite3");
    eprintln!("building two records with {each} conversations each…");
    let (survivor, merged) = build(&base, each);

    let (mut merges, mut undos, mut floors, mut first) = (Vec::new(), Vec::new(), Vec::new(), None);
    for run in 0..RUNS {
        let path = copy(&base, dir.path(), run);
        let mut desk = open(&path);
        let start = Instant::now();
        let page = desk
            .merge_customers(&MergeRequest {
                survivor_id: survivor,
                merged_id: merged,
                take_from_merged: vec![MergeField::Name],
            })
            .expect("merge");
        let took = start.elapsed();
        assert_eq!(page.summary.visits as usize, 2 * each, "every conversation shows on the survivor");
        first.get_or_insert(took);
        merges.push(took);
        let merge_id = page.merged[0].merge_id;
        let start = Instant::now();
        desk.undo_merge(merge_id).expect("undo");
        undos.push(start.elapsed());
        drop(desk);
        let path = copy(&base, dir.path(), run + RUNS);
        floors.push(floor(&path, survivor, merged));
    }

    println!("Merge of two customers with {each} conversations (and feedback) each, {RUNS} runs on fresh copies");
    println!(
        "{:<34} {:>9} {:>9} {:>10} {:>10} {:>8}",
        "operation (ms)", "p50", "max", "floor p50", "floor max", "ratio"
    );
    row("merge (one transaction, with page)", merges, floors.clone());
    row("undo (one transaction, with page)", undos, floors);
    println!("first run (cold page cache of its copy): {} ms", ms(first.expect("a run")));
    println!("budget: under 1000 ms each (issue 12)");
}
