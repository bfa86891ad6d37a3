//! Measures the desk's hot paths against DESIGN.md's budgets, each beside its floor: the raw
//! SQL doing the same work, in the same run, so the ratio holds on a busy shared machine.
//!
//!     cargo bench -p touchpoint-core --bench budgets             # 1,000,000 customers
//!     BENCH_CUSTOMERS=100000 BENCH_INTERACTIONS=300000 cargo bench -p touchpoint-core --bench budgets
//!
//! The data set is built once per size under target/ and reused.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use touchpoint_core::interactions::LogInteraction;
use touchpoint_core::protocol::{ContactChannel, Feeling, Outcome};
use touchpoint_core::{Desk, DeskOptions};
use uuid::Uuid;

const SAMPLES: usize = 2000;

struct Stats {
    p50: Duration,
    p99: Duration,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Stats { p50: at(0.50), p99: at(0.99) }
}

/// Runs `f` once over the samples unmeasured (so neither side pays for a cold cache the
/// other warmed), then measures.
fn time<T>(n: usize, mut f: impl FnMut(usize) -> T) -> Stats {
    for i in 0..n {
        std::hint::black_box(f(i));
    }
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        std::hint::black_box(f(i));
        times.push(start.elapsed());
    }
    stats(times)
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn row(path: &str, ours: &Stats, floor: &Stats, budget_ms: f64) {
    let ratio = ours.p99.as_secs_f64() / floor.p99.as_secs_f64().max(1e-9);
    let ok = if ours.p99.as_secs_f64() * 1000.0 <= budget_ms { "yes" } else { "NO" };
    println!(
        "| {path:<34} | {:>8} | {:>8} | {:>8} | {:>8} | {:>6.1}x | {:>6} ms | {ok:>4} |",
        ms(ours.p50),
        ms(ours.p99),
        ms(floor.p50),
        ms(floor.p99),
        ratio,
        budget_ms
    );
}

fn main() {
    let customers: usize = std::env::var("BENCH_CUSTOMERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let interactions: usize =
        std::env::var("BENCH_INTERACTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(customers * 3 / 2);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data dir");
    let path = dir.join(format!("desk-{customers}-{interactions}.sqlite3"));
    if !path.exists() {
        let tmp = dir.join(format!("desk-{customers}-{interactions}.partial.sqlite3"));
        let _ = std::fs::remove_file(&tmp);
        eprintln!("building {customers} customers and {interactions} interactions (once)…");
        let started = Instant::now();
        touchpoint_core::demo::populate_at_scale(&tmp, customers, interactions, 11).expect("bench data");
        std::fs::rename(&tmp, &path).expect("bench data in place");
        eprintln!("built in {:.0?}", started.elapsed());
    }
    let mut desk = Desk::open(&path, &DeskOptions::default(), std::sync::Arc::new(touchpoint_core::clock::SystemClock))
        .expect("desk");
    let raw = rusqlite::Connection::open(&path).expect("raw connection");
    raw.pragma_update(None, "cache_size", -65_536).expect("cache");

    // Queries people would type, drawn from the data.
    let mut rng = StdRng::seed_from_u64(3);
    let mut sample =
        raw.prepare("SELECT id, name, phones, emails FROM customers WHERE rowid = ?1").expect("sample stmt");
    let mut people = Vec::new();
    while people.len() < SAMPLES {
        let rowid = rng.random_range(1..=customers as i64);
        if let Ok(p) = sample.query_row([rowid], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        }) {
            people.push(p);
        }
    }
    let name_prefix: Vec<String> =
        people.iter().map(|p| p.1.split_whitespace().last().unwrap_or("a").chars().take(3).collect()).collect();
    let digits: Vec<String> = people
        .iter()
        .map(|p| {
            let d: String = p.2.chars().filter(char::is_ascii_digit).collect();
            d.chars().skip(d.len().saturating_sub(6)).collect()
        })
        .collect();
    let emails: Vec<String> = people
        .iter()
        .map(|p| serde_json::from_str::<Vec<String>>(&p.3).ok().and_then(|e| e.into_iter().next()).unwrap_or_default())
        .collect();

    println!(
        "\nTouchpoint desk budgets — {customers} customers, {interactions} interactions, {SAMPLES} samples each\n"
    );
    println!("| path                               | ours p50 | ours p99 | floor50  | floor99  |  ratio | budget    | met  |");
    println!("|------------------------------------|----------|----------|----------|----------|--------|-----------|------|");

    let ours = time(SAMPLES, |i| desk.search_customers(&name_prefix[i], 20).expect("search"));
    let mut fts =
        raw.prepare("SELECT rowid FROM customer_name_fts WHERE customer_name_fts MATCH ?1 LIMIT 20").expect("fts");
    let floor = time(SAMPLES, |i| {
        fts.query_map([format!("\"{}\"*", name_prefix[i])], |r| r.get::<_, i64>(0)).expect("q").count()
    });
    row("search: name prefix (3 letters)", &ours, &floor, 3.0);

    let ours = time(SAMPLES, |i| desk.search_customers(&digits[i], 20).expect("search"));
    let mut tri =
        raw.prepare("SELECT rowid FROM customer_phone_fts WHERE customer_phone_fts MATCH ?1 LIMIT 20").expect("tri");
    let floor =
        time(SAMPLES, |i| tri.query_map([format!("\"{}\"", digits[i])], |r| r.get::<_, i64>(0)).expect("q").count());
    row("search: phone digits (6)", &ours, &floor, 3.0);

    let ours = time(SAMPLES, |i| desk.search_customers(&emails[i], 20).expect("search"));
    let mut key = raw
        .prepare("SELECT customer_rowid FROM customer_keys WHERE kind = 'email' AND value = ?1 LIMIT 20")
        .expect("key");
    let floor = time(SAMPLES, |i| key.query_map([&emails[i]], |r| r.get::<_, i64>(0)).expect("q").count());
    row("search: exact email", &ours, &floor, 3.0);

    let ids: Vec<Uuid> = people.iter().map(|p| Uuid::parse_str(&p.0).expect("uuid")).collect();
    let ours = time(SAMPLES, |i| desk.customer_page(ids[i]).expect("open"));
    let mut hist = raw
        .prepare("SELECT * FROM interactions WHERE customer_id = ?1 ORDER BY occurred_at DESC LIMIT 100")
        .expect("history");
    let floor = time(SAMPLES, |i| hist.query_map([ids[i].to_string()], |r| r.get::<_, String>(1)).expect("q").count());
    row("open customer (profile+100+summary)", &ours, &floor, 3.0);

    let tp = desk.touch_points().expect("catalogue")[0].id;
    let ours = time(SAMPLES, |i| {
        desk.log_interaction(&LogInteraction {
            submission_id: uuid::Uuid::now_v7(),
            customer_id: Some(ids[i]),
            touch_point_id: tp,
            channel: ContactChannel::InPerson,
            reason: Some("Refund".into()),
            outcome: Outcome::Resolved,
            duration_secs: Some(240),
            summary: Some("Benchmark".into()),
            feeling: Some(Feeling::Happy),
            csat: Some(5),
            nps: None,
            ces: None,
            verbatim: None,
            occurred_at: None,
            check_in: None,
        })
        .expect("log")
    });
    raw.execute_batch("CREATE TABLE IF NOT EXISTS bench_floor (id TEXT PRIMARY KEY, body TEXT)").expect("floor table");
    raw.pragma_update(None, "journal_mode", "WAL").expect("wal");
    raw.pragma_update(None, "synchronous", "NORMAL").expect("sync");
    let mut ins = raw.prepare("INSERT INTO bench_floor (id, body) VALUES (?1, ?2)").expect("insert");
    let floor = time(SAMPLES, |_| ins.execute([Uuid::now_v7().to_string(), "x".repeat(200)]).expect("insert"));
    row("log interaction + feedback + outbox", &ours, &floor, 1.0);
    raw.execute_batch("DROP TABLE bench_floor").expect("cleanup");
    println!();
}
