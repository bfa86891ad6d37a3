//! The app as a person meets it: how long from launch to a search box they can type in, how
//! long a first start with the demo takes, and how much memory the window's processes hold
//! (PSS of the app and WebKit's web, network and GPU processes) as customer after customer is
//! opened. Each figure is printed beside its floor, measured in the same run: WebKitGTK's own
//! MiniBrowser on a blank page, started by the same WebKitWebDriver on the same kind of display
//! (the same engine and processes, with nothing of ours in them).
//!
//!     make bench-app                     # builds the release app first
//!     TOUCHPOINT_APP=path cargo bench -p touchpoint-e2e --bench app
//!     BENCH_STARTS=8 BENCH_CUSTOMERS=300 …   # more starts, more customers opened
//!
//! Starts are told apart: the run's first (the binary and WebKit's libraries may not be in
//! memory yet) and the warm ones after it. Memory is read after 0, 1, 5, 10, 25, 50, 100 and every
//! further 100 customers opened, and again after 30 s without input.

use std::time::{Duration, Instant};

use touchpoint_core::demo::{generate, DemoOptions};
use touchpoint_e2e::{app_binary, window_pss_kib, BlankWindow, Desk};

const START_GOAL_MS: f64 = 1_000.0;
const DEMO_GOAL_MS: f64 = 2_000.0;
/// Over the floor, after 100 customers.
const MEMORY_GOAL_MB: f64 = 100.0;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The window's processes' PSS in MB, once WebKit has had a moment to settle, with each
/// process's share.
async fn memory(mark: &str) -> (f64, String) {
    tokio::time::sleep(Duration::from_secs(2)).await;
    let parts = window_pss_kib(mark);
    let total = mb(parts.iter().map(|(_, k)| k).sum());
    let each = parts.iter().map(|(n, k)| format!("{} {:.0}", role(n), mb(*k))).collect::<Vec<_>>().join(", ");
    (total, each)
}

/// What a window's process is, from its (truncated) name.
fn role(name: &str) -> &str {
    match name {
        n if n.starts_with("WebKitWebProc") => "web",
        n if n.starts_with("WebKitNetwork") => "network",
        n if n.starts_with("WebKitGPU") => "GPU",
        n => n,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NAN, f64::max)
}

#[tokio::main]
async fn main() {
    let starts = env_usize("BENCH_STARTS", 5).max(2);
    let opened = env_usize("BENCH_CUSTOMERS", 200).max(100);
    let app = app_binary();
    assert!(app.exists(), "no app at {} (make bench-app builds the release app)", app.display());
    eprintln!("app bench: {} ({starts} starts each, {opened} customers opened)", app.display());

    // The floor: a blank MiniBrowser window, started as often as the app.
    let mut floor_starts = Vec::new();
    let mut floor_memory = f64::NAN;
    let mut floor_parts = String::new();
    for i in 0..starts {
        let blank = BlankWindow::start().await;
        floor_starts.push(blank.started.as_secs_f64() * 1000.0);
        if i == 0 {
            (floor_memory, floor_parts) = memory(&blank.mark).await;
        }
        blank.close().await;
    }

    // The store the app opens: the demo generator's customers with their histories.
    let store = tempfile::tempdir().expect("store dir");
    let database = store.path().join("touchpoint.sqlite3");
    let made = Instant::now();
    generate(&database, &DemoOptions { customers: opened + 50, seed: 11, days: 365 }).expect("the store");
    eprintln!("  store of {} customers made in {:.1} s", opened + 50, made.elapsed().as_secs_f64());
    let names: Vec<String> = {
        let conn = rusqlite::Connection::open(&database).expect("store");
        let mut stmt = conn
            .prepare(
                "SELECT name FROM customers WHERE deleted_at IS NULL AND merged_into IS NULL ORDER BY rowid LIMIT ?1",
            )
            .expect("names");
        let rows = stmt.query_map([opened as i64], |r| r.get(0)).expect("names");
        rows.collect::<Result<_, _>>().expect("names")
    };

    // Starts to the search box, each on a copy of the store (the app writes to its file).
    let mut app_starts = Vec::new();
    let mut answers = Vec::new();
    for _ in 0..starts - 1 {
        let desk = Desk::start_in(copy_of(&database)).await;
        app_starts.push(desk.started.as_secs_f64() * 1000.0);
        // Usable: the first answer to what is typed there.
        let typed = Instant::now();
        desk.wait_for_search_hit(&names[0], &names[0]).await;
        answers.push(typed.elapsed().as_secs_f64() * 1000.0);
        desk.close().await;
    }

    // The last start stays up: memory as customer after customer is opened.
    let desk = Desk::start_in(copy_of(&database)).await;
    app_starts.push(desk.started.as_secs_f64() * 1000.0);
    let mut readings = vec![("at start".to_string(), memory(&desk.mark).await)];
    let marks: Vec<usize> = [1, 5, 10, 25, 50].into_iter().chain((100..=opened).step_by(100)).collect();
    let opening = Instant::now();
    for (i, name) in names.iter().enumerate() {
        desk.open_customer(name, name).await;
        if marks.contains(&(i + 1)) {
            readings.push((format!("after {} customers", i + 1), memory(&desk.mark).await));
        }
    }
    let per_open = opening.elapsed().as_secs_f64() * 1000.0 / names.len() as f64;
    tokio::time::sleep(Duration::from_secs(30)).await;
    readings.push(("after 30 s idle".to_string(), memory(&desk.mark).await));
    desk.close().await;

    // A first start with the demo: the window fills in the demo store, then opens the desk.
    let demo = Desk::start_demo_first_run().await;
    let demo_ms = demo.started.as_secs_f64() * 1000.0;
    demo.close().await;

    println!();
    println!(
        "| measure                                   | floor (blank window) | Touchpoint | over the floor | goal |"
    );
    println!(
        "|-------------------------------------------|----------------------|------------|----------------|------|"
    );
    let row = |what: &str, floor: f64, app: f64, unit: &str, goal: &str| {
        let over =
            if floor.is_nan() { "".to_string() } else { format!("{:+.0} {unit} ({:.1}x)", app - floor, app / floor) };
        let floor = if floor.is_nan() { "—".to_string() } else { format!("{floor:.0} {unit}") };
        println!("| {what:<41} | {floor:>20} | {:>7.0} {unit} | {over:>14} | {goal} |", app);
    };
    row("start to the search box: first of the run", floor_starts[0], app_starts[0], "ms", "≤ 1,000 ms");
    let warm_floor = floor_starts[1..].to_vec();
    let warm_app = app_starts[1..].to_vec();
    row(
        "start to the search box: warm, median",
        median(warm_floor.clone()),
        median(warm_app.clone()),
        "ms",
        "≤ 1,000 ms",
    );
    row("start to the search box: warm, slowest", max(&warm_floor), max(&warm_app), "ms", "≤ 1,000 ms");
    row("first answer, typed over WebDriver, median", f64::NAN, median(answers.clone()), "ms", "");
    row("first start with the demo, to the desk", f64::NAN, demo_ms, "ms", "≤ 2,000 ms");
    for (what, (total, _)) in &readings {
        let goal = if what.starts_with("after 100 ") { "≤ floor + 100 MB" } else { "" };
        row(&format!("memory (PSS) {what}"), floor_memory, *total, "MB", goal);
    }
    println!();
    println!("floor's processes: {floor_parts}");
    for (what, (_, parts)) in &readings {
        println!("Touchpoint {what}: {parts}");
    }
    println!("opening a customer (search, Enter, the 360 drawn) took {per_open:.0} ms on average over WebDriver");
    let start = median(warm_app);
    let at_100 = readings.iter().find(|(w, _)| w.starts_with("after 100 ")).map_or(f64::NAN, |(_, (t, _))| *t);
    println!(
        "goals: start {start:.0} ms (≤ {START_GOAL_MS:.0}), demo {demo_ms:.0} ms (≤ {DEMO_GOAL_MS:.0}), \
         memory after 100 customers {:+.0} MB over the floor (≤ {MEMORY_GOAL_MB:.0})",
        at_100 - floor_memory
    );
}

/// A fresh data folder holding a copy of `database`.
fn copy_of(database: &std::path::Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("data dir");
    std::fs::copy(database, dir.path().join("touchpoint.sqlite3")).expect("copy of the store");
    dir
}
