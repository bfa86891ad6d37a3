//! The supervisor's rooms on a store with 100,000 conversations: the Insight dashboards (all
//! charts of a period), the review queue and the at-risk list, each beside its floor measured
//! in the same run — the single SQL aggregate over the same rows that any dashboard must at
//! least do — with the ratio.
//!
//!     cargo bench -p touchpoint-core --bench insight     # BENCH_INTERACTIONS=100000 by default

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Utc;
use touchpoint_core::insight::InsightFilter;
use touchpoint_core::reviews::ReviewQueueFilter;
use touchpoint_core::{Desk, DeskOptions};

const RUNS: usize = 30;

fn time<T>(mut f: impl FnMut() -> T) -> (Duration, Duration) {
    for _ in 0..3 {
        std::hint::black_box(f());
    }
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[RUNS / 2], times[RUNS - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let interactions: usize = std::env::var("BENCH_INTERACTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let customers = interactions / 5;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data dir");
    let path = dir.join(format!("store-{customers}-{interactions}.sqlite3"));
    if !path.exists() {
        let tmp = dir.join(format!("store-{customers}-{interactions}.partial.sqlite3"));
        let _ = std::fs::remove_file(&tmp);
        eprintln!("building {customers} customers and {interactions} conversations (once)…");
        touchpoint_core::demo::populate_at_scale(&tmp, customers, interactions, 5).expect("bench data");
        std::fs::rename(&tmp, &path).expect("bench data in place");
    }
    let mut desk = Desk::open(&path, &DeskOptions::default(), std::sync::Arc::new(touchpoint_core::clock::SystemClock))
        .expect("desk");
    // Reviews are of other people's work: a supervisor who logged none of these reads them.
    let reviewer = match desk.list_staff().expect("staff").into_iter().find(|s| s.name == "Bench supervisor") {
        Some(s) => s.id,
        None => {
            let new = touchpoint_core::staff::NewStaff {
                name: "Bench supervisor".into(),
                role: touchpoint_core::protocol::Role::Supervisor,
                pin: String::new(),
            };
            desk.add_staff(&new).expect("supervisor").id
        }
    };
    desk.sign_in(reviewer, None).expect("the supervisor signs in");
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.pragma_update(None, "cache_size", -65_536).expect("cache");
    let (from, to): (String, String) = raw
        .query_row("SELECT min(occurred_at), max(occurred_at) FROM interactions", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("period");
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc);
    let filter = InsightFilter {
        from: parse(&from),
        to: parse(&to) + chrono::Duration::seconds(1),
        store_id: None,
        touch_point_id: None,
        staff_id: None,
    };
    let tp = desk.touch_points().expect("touch points")[0].id;

    let dashboard = time(|| desk.insight(&filter).expect("dashboard"));
    let dashboard_tp =
        time(|| desk.insight(&InsightFilter { touch_point_id: Some(tp), ..filter.clone() }).expect("tp"));
    let queue = time(|| {
        let newest = desk.review_queue(&ReviewQueueFilter::default()).expect("queue");
        assert_eq!(newest.len(), 50, "the newest 50 of other people's conversations");
    });
    // A filter nothing matches reads every conversation of the period to say so.
    let nobody = ReviewQueueFilter { reason: Some("No such reason".into()), ..Default::default() };
    let queue_empty = time(|| desk.review_queue(&nobody).expect("queue"));
    let at_risk = time(|| desk.at_risk_customers().expect("at risk"));
    let mut floor_stmt = raw
        .prepare(
            "SELECT count(*), avg(f.csat), sum(f.nps >= 9), sum(f.nps <= 6), sum(f.feeling = 'happy')
             FROM interactions i LEFT JOIN feedback f ON f.interaction_id = i.id
             WHERE i.occurred_at >= ?1 AND i.occurred_at <= ?2",
        )
        .expect("floor");
    let floor = time(|| {
        floor_stmt.query_row([&from, &to], |r| r.get::<_, i64>(0)).expect("floor row");
    });
    // The queue's floor: the newest 50 rows with their feedback, straight from the tables.
    let mut newest_stmt = raw
        .prepare(
            "SELECT i.id, i.reason, f.feeling, f.nps FROM interactions i
             LEFT JOIN feedback f ON f.interaction_id = i.id
             ORDER BY i.occurred_at DESC LIMIT 50",
        )
        .expect("newest");
    let newest_floor = time(|| {
        let n = newest_stmt.query_map([], |r| r.get::<_, String>(0)).expect("rows").count();
        assert_eq!(n, 50);
    });
    // A scan of every conversation for a reason nobody gave.
    let mut scan_stmt = raw
        .prepare("SELECT count(*) FROM interactions WHERE coalesce(trim(reason), '') = 'No such reason'")
        .expect("scan");
    let scan_floor = time(|| {
        scan_stmt.query_row([], |r| r.get::<_, i64>(0)).expect("scan row");
    });

    println!();
    println!("Supervisor rooms on a store with {interactions} conversations ({RUNS} runs each, release build)");
    println!();
    println!(
        "| {:<40} | {:>8} | {:>8} | {:>14} | {:>7} | {:>9} |",
        "path", "p50 ms", "p99 ms", "floor p50 ms", "ratio", "budget"
    );
    println!("|{:-<42}|{:-<10}|{:-<10}|{:-<16}|{:-<9}|{:-<11}|", "", "", "", "", "", "");
    for (name, (p50, p99), floor, budget_ms) in [
        ("Insight: every chart of the whole period", dashboard, floor, 1000.0),
        ("Insight: one touch point", dashboard_tp, floor, 1000.0),
        ("Review queue: newest 50", queue, newest_floor, 100.0),
        ("Review queue: a filter nothing matches", queue_empty, scan_floor, 300.0),
        ("At-risk customers", at_risk, floor, 1000.0),
    ] {
        let ok = if p99.as_secs_f64() * 1000.0 <= budget_ms { "yes" } else { "NO" };
        println!(
            "| {name:<40} | {:>8} | {:>8} | {:>14} | {:>6.1}x | {:>5} {ok:>3} |",
            ms(p50),
            ms(p99),
            ms(floor.0),
            p50.as_secs_f64() / floor.0.as_secs_f64().max(1e-9),
            format!("{budget_ms:.0}")
        );
    }
}
