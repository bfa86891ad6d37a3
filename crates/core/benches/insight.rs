//! The supervisor's rooms on a store's year of conversations: the Insight dashboards (every
//! chart of a period) from the rollups and, for comparison, from the conversations
//! themselves; the review queue; the at-risk list. Each beside its floor measured in the same
//! run, with the ratio:
//! - from rollups, the floor runs the same statements straight on a connection and reads every
//!   column of every row (no filter checks, no structs);
//! - from the rows, the floor is the one SQL aggregate over the period's conversations with
//!   their feedback that any dashboard must at least do.
//!
//! "First" is the first dashboard of a desk just opened (statements not yet prepared, SQLite's
//! cache empty; the operating system's file cache is warm). Periods are sampled as supervisors
//! pick them (last 7, 30, 90 or 365 days, this year so far; everyone, one touch point or one
//! person) and the heaviest 1% of those samples is printed on its own line.
//!
//!     cargo bench -p touchpoint-core --bench insight                  # 100,000 conversations
//!     BENCH_SCALE=full cargo bench -p touchpoint-core --bench insight # 1,000,000 (a busy store's year)

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, Local, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use touchpoint_core::insight::{self, rollup, InsightFilter};
use touchpoint_core::reviews::ReviewQueueFilter;
use touchpoint_core::{Desk, DeskOptions};

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

struct Spread {
    p50: Duration,
    p99: Duration,
    /// The mean of the heaviest 1% of samples.
    top: Duration,
}

fn spread(mut times: Vec<Duration>) -> Spread {
    times.sort();
    let n = times.len();
    let heaviest = &times[n - (n / 100).max(1)..];
    Spread {
        p50: times[n / 2],
        p99: times[(n * 99 / 100).min(n - 1)],
        top: heaviest.iter().sum::<Duration>() / heaviest.len() as u32,
    }
}

/// `runs` timed calls after three untimed ones.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Spread {
    for _ in 0..3 {
        std::hint::black_box(f());
    }
    spread(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn open(path: &Path) -> Desk {
    Desk::open(path, &DeskOptions::default(), std::sync::Arc::new(touchpoint_core::clock::SystemClock)).expect("desk")
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).expect("midnight").and_local_timezone(Local).earliest().expect("local").with_timezone(&Utc)
}

fn main() {
    let full = std::env::var("BENCH_SCALE").is_ok_and(|v| v == "full");
    let interactions: usize = std::env::var("BENCH_INTERACTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 1_000_000 } else { 100_000 });
    let customers = interactions / 5;
    let data = touchpoint_core::demo::SCALE_DATA;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data dir");
    let path = dir.join(format!("store-{customers}-{interactions}-{data}.sqlite3"));
    if !path.exists() {
        let tmp = dir.join(format!("store-{customers}-{interactions}-{data}.partial.sqlite3"));
        let _ = std::fs::remove_file(&tmp);
        eprintln!("building {customers} customers and {interactions} conversations (once)…");
        let started = Instant::now();
        touchpoint_core::demo::populate_at_scale(&tmp, customers, interactions, 5).expect("bench data");
        std::fs::rename(&tmp, &path).expect("bench data in place");
        eprintln!("built in {:.0?}", started.elapsed());
    }
    let mut desk = open(&path);
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
    let (first, last): (String, String) = raw
        .query_row("SELECT min(occurred_at), max(occurred_at) FROM interactions", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("period");
    let local_day = |s: &str| chrono::DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Local).date_naive();
    let (first_day, today) = (local_day(&first), local_day(&last));
    let tomorrow = midnight(today.succ_opt().expect("tomorrow"));
    let year =
        InsightFilter { from: midnight(first_day), to: tomorrow, store_id: None, touch_point_id: None, staff_id: None };
    let touch_points: Vec<_> = desk.touch_points().expect("touch points").into_iter().map(|t| t.id).collect();
    let team: Vec<_> = desk.list_staff().expect("staff").into_iter().map(|s| s.id).collect();
    let buckets: (i64, i64) = raw
        .query_row("SELECT (SELECT count(*) FROM insight_buckets), (SELECT count(*) FROM insight_reasons)", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("buckets");

    // The year's dashboard on a desk just opened, then warm.
    let first_open = {
        let mut fresh = open(&path);
        fresh.sign_in(reviewer, None).expect("sign in");
        let start = Instant::now();
        std::hint::black_box(fresh.insight(&year).expect("dashboard"));
        start.elapsed()
    };
    let year_warm = time(200, || desk.insight(&year).expect("dashboard"));
    // Its floor: the same statements on the same buckets.
    let values = rollup::values(&raw, &year).expect("values").expect("whole days");
    let mut floor_statements: Vec<_> = rollup::statements().iter().map(|s| raw.prepare(s).expect("floor")).collect();
    let mut floor_for = |values: &rollup::Values| {
        let mut cells = 0usize;
        for stmt in &mut floor_statements {
            let columns = stmt.column_count();
            let n = stmt.parameter_count();
            let mut rows = stmt.query(rusqlite::params_from_iter(values.iter().take(n))).expect("rows");
            while let Some(row) = rows.next().expect("row") {
                for i in 0..columns {
                    std::hint::black_box(row.get_ref(i).expect("cell"));
                    cells += 1;
                }
            }
        }
        cells
    };
    let year_floor = time(200, || floor_for(&values));

    // Periods and filters as supervisors pick them.
    let mut rng = StdRng::seed_from_u64(7);
    let samples: Vec<InsightFilter> = (0..400)
        .map(|_| {
            let from = match rng.random_range(0..5) {
                0 => today - chrono::Days::new(6),
                1 => today - chrono::Days::new(29),
                2 => today - chrono::Days::new(89),
                3 => today - chrono::Days::new(364),
                _ => NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("new year"),
            };
            let mut f = InsightFilter { from: midnight(from), ..year.clone() };
            match rng.random_range(0..3) {
                0 => {}
                1 => f.touch_point_id = Some(touch_points[rng.random_range(0..touch_points.len())]),
                _ => f.staff_id = Some(team[rng.random_range(0..team.len())]),
            }
            f
        })
        .collect();
    let picked = spread(
        samples
            .iter()
            .map(|f| {
                let start = Instant::now();
                std::hint::black_box(desk.insight(f).expect("dashboard"));
                start.elapsed()
            })
            .collect(),
    );
    let picked_floor = spread(
        samples
            .iter()
            .map(|f| {
                let v = rollup::values(&raw, f).expect("values").expect("whole days");
                let start = Instant::now();
                std::hint::black_box(floor_for(&v));
                start.elapsed()
            })
            .collect(),
    );

    // The same year counted from the conversations (what every dashboard did before rollups).
    let rows_year = time(10, || insight::dashboard_from_rows(desk.connection(), &year).expect("dashboard"));
    let mut aggregate = raw
        .prepare(
            "SELECT count(*), avg(f.csat), sum(f.nps >= 9), sum(f.nps <= 6), sum(f.feeling = 'happy')
             FROM interactions i LEFT JOIN feedback f ON f.interaction_id = i.id
             WHERE i.occurred_at >= ?1 AND i.occurred_at <= ?2",
        )
        .expect("floor");
    let aggregate_floor = time(10, || {
        aggregate.query_row([&first, &last], |r| r.get::<_, i64>(0)).expect("floor row");
    });

    let queue = time(100, || {
        let newest = desk.review_queue(&ReviewQueueFilter::default()).expect("queue");
        assert_eq!(newest.len(), 50, "the newest 50 of other people's conversations");
    });
    // A filter nothing matches reads every conversation of the period to say so.
    let nobody = ReviewQueueFilter { reason: Some("No such reason".into()), ..Default::default() };
    let queue_empty = time(10, || desk.review_queue(&nobody).expect("queue"));
    let at_risk = time(10, || desk.at_risk_customers().expect("at risk"));
    // The queue's floor: the newest 50 rows with their feedback, straight from the tables.
    let mut newest_stmt = raw
        .prepare(
            "SELECT i.id, i.reason, f.feeling, f.nps FROM interactions i
             LEFT JOIN feedback f ON f.interaction_id = i.id
             ORDER BY i.occurred_at DESC LIMIT 50",
        )
        .expect("newest");
    let newest_floor = time(100, || {
        let n = newest_stmt.query_map([], |r| r.get::<_, String>(0)).expect("rows").count();
        assert_eq!(n, 50);
    });
    // A scan of every conversation for a reason nobody gave.
    let mut scan_stmt = raw
        .prepare("SELECT count(*) FROM interactions WHERE coalesce(trim(reason), '') = 'No such reason'")
        .expect("scan");
    let scan_floor = time(10, || {
        scan_stmt.query_row([], |r| r.get::<_, i64>(0)).expect("scan row");
    });

    println!();
    println!(
        "Supervisor rooms on a store with {interactions} conversations over a year, release build \
         ({} week and day buckets, {} reason counts)",
        buckets.0, buckets.1
    );
    println!();
    println!(
        "| {:<52} | {:>8} | {:>8} | {:>8} | {:>12} | {:>7} | {:>14} |",
        "path", "first ms", "p50 ms", "p99 ms", "floor p50 ms", "ratio", "budget"
    );
    println!("|{:-<54}|{:-<10}|{:-<10}|{:-<10}|{:-<14}|{:-<9}|{:-<16}|", "", "", "", "", "", "", "");
    let line = |name: &str, first: Option<Duration>, s: &Spread, floor: &Spread, budget: Option<(f64, bool)>| {
        let verdict = match budget {
            Some((limit, at_p50)) => {
                let measured = if at_p50 { s.p50 } else { s.p99 }.as_secs_f64() * 1000.0;
                let ok = if measured <= limit { "yes" } else { "NO" };
                format!("{} {limit:.0} {ok}", if at_p50 { "p50" } else { "p99" })
            }
            None => "-".into(),
        };
        println!(
            "| {name:<52} | {:>8} | {:>8} | {:>8} | {:>12} | {:>6.1}x | {verdict:>14} |",
            first.map(ms).unwrap_or_else(|| "-".into()),
            ms(s.p50),
            ms(s.p99),
            ms(floor.p50),
            s.p50.as_secs_f64() / floor.p50.as_secs_f64().max(1e-9),
        );
    };
    line("Insight from rollups: a year, every chart", Some(first_open), &year_warm, &year_floor, Some((50.0, true)));
    line("Insight from rollups: periods and filters as picked", None, &picked, &picked_floor, Some((50.0, true)));
    println!(
        "| {:<52} | {:>8} | {:>8} | {:>8} | {:>12} | {:>7} | {:>14} |",
        "  heaviest 1% of those picks (mean)",
        "-",
        ms(picked.top),
        "-",
        ms(picked_floor.top),
        format!("{:.1}x", picked.top.as_secs_f64() / picked_floor.top.as_secs_f64().max(1e-9)),
        "-"
    );
    line("Insight from the conversations: a year (no rollups)", None, &rows_year, &aggregate_floor, None);
    line("Review queue: newest 50", None, &queue, &newest_floor, Some((100.0, false)));
    line("Review queue: a filter nothing matches", None, &queue_empty, &scan_floor, Some((300.0, false)));
    line("At-risk customers", None, &at_risk, &aggregate_floor, Some((1000.0, false)));
}
