//! The organisation's insight at chain scale: 10,000,000 conversations of 500 stores, 12 touch
//! points and 5,000 people over two years in PostgreSQL, and the dashboards a head office
//! opens (the last 7, 30, 90 or 365 days; the whole organisation, one store, one touch point or
//! one person) asked of the real server over HTTP with a console session, as the console does.
//!
//! Each is printed beside its floor, measured in the same run: the same SQL statements (the
//! same rollup or fact scans, the same groups returned) sent straight to PostgreSQL, without
//! HTTP, the session, JSON or labelling. For the record of the rollups-versus-views decision it
//! also prints what the unnarrowed dashboards cost computed from the facts alone.
//!
//!     make bench        # or: scripts/with-postgres.sh cargo bench -p touchpoint-sync-tests --bench org_insight
//!     BENCH_CONVERSATIONS=1000000 BENCH_STORES=100 …   # a smaller chain
//!     BENCH_EXPLAIN=1 …                                 # and the plans of the heaviest
//!
//! Budget (DESIGN.md): every dashboard p50 ≤ 300 ms at 10M conversations.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use serde_json::json;
use sqlx::Row;
use touchpoint_protocol::console::ConsoleRole;
use touchpoint_sync_tests::chain::{populate, populated, vacuum, STAFF_PER_STORE, TOUCH_POINTS};
use touchpoint_sync_tests::TestServer;
use uuid::Uuid;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[derive(Clone, Debug)]
struct Ask {
    days: i64,
    scope: &'static str,
    store: Option<Uuid>,
    touch_point: Option<Uuid>,
    staff: Option<Uuid>,
}

impl Ask {
    fn query(&self, today: NaiveDate) -> String {
        let from = today - chrono::Duration::days(self.days - 1);
        let mut q = format!("from={from}&to={today}");
        for (name, v) in [("store_id", self.store), ("touch_point_id", self.touch_point), ("staff_id", self.staff)] {
            if let Some(v) = v {
                q.push_str(&format!("&{name}={v}"));
            }
        }
        q
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// The same statements the server runs for a dashboard, straight to PostgreSQL.
async fn floor(pool: &sqlx::PgPool, org: Uuid, ask: &Ask, today: NaiveDate) -> usize {
    let q = touchpoint_protocol::insight::OrgInsightQuery {
        from: today - chrono::Duration::days(ask.days - 1),
        to: today,
        store_id: ask.store,
        touch_point_id: ask.touch_point,
        staff_id: ask.staff,
    };
    touchpoint_server::db::insight::group_sums(pool, org, &q).await.expect("sums").len()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let conversations = env_usize("BENCH_CONVERSATIONS", 10_000_000);
    let stores = env_usize("BENCH_STORES", 500);
    let samples = env_usize("BENCH_SAMPLES", 300);
    let customers = env_usize("BENCH_CUSTOMERS", 1_000_000);
    eprintln!(
        "org insight: {conversations} conversations, {stores} stores, {TOUCH_POINTS} touch points, {} people, {customers} customers",
        stores * STAFF_PER_STORE
    );
    // BENCH_DATABASE=name: the data set an earlier run left in that database (on a PostgreSQL
    // of your own: scripts/with-postgres.sh removes its cluster), migrated to now.
    let (server, (store_ids, tp_ids, staff_ids)) = match std::env::var("BENCH_DATABASE") {
        Ok(name) => {
            let server = TestServer::start_on_existing(&name).await;
            vacuum(&server.pool).await;
            let ids = populated(&server).await;
            (server, ids)
        }
        Err(_) => {
            let server = TestServer::start().await;
            let ids = populate(&server, stores, conversations, customers).await;
            (server, ids)
        }
    };
    let database: String =
        sqlx::query_scalar("SELECT current_database()::text").fetch_one(&server.pool).await.expect("name");
    eprintln!("  data in database {database} (BENCH_DATABASE={database} measures it again)");
    let rollup_rows: i64 = server.count("SELECT (SELECT count(*) FROM insight_touch_point_days) + (SELECT count(*) FROM insight_staff_days) + (SELECT count(*) FROM insight_reason_days)").await;
    eprintln!("  {rollup_rows} rollup rows");

    // BENCH_EXPLAIN=1: the plans of the heaviest dashboards (a year of one touch point, of the
    // whole organisation), run twice so the second is warm.
    if std::env::var_os("BENCH_EXPLAIN").is_some() {
        let today = Utc::now().date_naive();
        let from = today - chrono::Duration::days(364);
        let (first, after) = touchpoint_server::db::insight::whole_weeks(from, today);
        for (name, sql, tp) in [
            ("one touch point, 365 days", touchpoint_server::db::insight::TOUCH_POINT_FROM_ROLLUPS, true),
            ("organisation, 365 days", touchpoint_server::db::insight::ORG_FROM_ROLLUPS, false),
        ] {
            for _ in 0..2 {
                let explain = format!("EXPLAIN (ANALYZE, BUFFERS) {sql}");
                let q = sqlx::query_scalar(sqlx::AssertSqlSafe(explain))
                    .bind(server.org)
                    .bind(from)
                    .bind(today)
                    .bind(None::<Uuid>)
                    .bind(first)
                    .bind(after);
                let q = if tp { q.bind(tp_ids[0]) } else { q };
                let plan: Vec<String> = q.fetch_all(&server.pool).await.expect("explain");
                eprintln!("{name}\n{}", plan.join("\n"));
            }
        }
        for (name, sql) in [
            ("closed loop's rows, organisation, 365 days", touchpoint_server::db::closed_loop::LOOP_ROWS),
            ("closed loop's edge days, organisation, 365 days", touchpoint_server::db::closed_loop::EDGE_HOURS),
        ] {
            for _ in 0..2 {
                let plan: Vec<String> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("EXPLAIN (ANALYZE, BUFFERS) {sql}")))
                        .bind(server.org)
                        .bind(from)
                        .bind(today)
                        .bind(None::<Uuid>)
                        .bind(first)
                        .bind(after)
                        .fetch_all(&server.pool)
                        .await
                        .expect("explain");
                eprintln!(
                    "{name}
{}",
                    plan.join("\n")
                );
            }
        }
    }
    let bench_login = format!("bench-{}", Uuid::now_v7().simple());
    touchpoint_server::admin::create_console_user(
        &server.pool,
        server.org,
        None,
        Some("Bench"),
        &bench_login,
        "correct horse battery staple",
        ConsoleRole::Admin,
    )
    .await
    .expect("console user");
    let client = reqwest::Client::new();
    let signed = client
        .post(format!("{}/v1/org/session", server.url))
        .json(&json!({"login": bench_login, "password": "correct horse battery staple"}))
        .send()
        .await
        .expect("sign in");
    let cookie = signed.headers()["set-cookie"].to_str().expect("cookie").split(';').next().expect("pair").to_owned();

    // The head office's mix: mostly the last month, the whole chain or one store.
    let mut seed: u64 = 7;
    let mut roll = |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let asks: Vec<Ask> = (0..samples)
        .map(|_| {
            let days = [7, 30, 30, 30, 90, 90, 365, 7, 30, 365][roll(10) as usize];
            match roll(10) {
                0..=3 => Ask { days, scope: "organisation", store: None, touch_point: None, staff: None },
                4..=7 => Ask {
                    days,
                    scope: "one store",
                    store: Some(store_ids[roll(store_ids.len() as u64) as usize]),
                    touch_point: None,
                    staff: None,
                },
                8 => Ask {
                    days,
                    scope: "one touch point",
                    store: None,
                    touch_point: Some(tp_ids[roll(TOUCH_POINTS as u64) as usize]),
                    staff: None,
                },
                _ => Ask {
                    days,
                    scope: "one person",
                    store: None,
                    touch_point: None,
                    staff: Some(staff_ids[roll(staff_ids.len() as u64) as usize]),
                },
            }
        })
        .collect();
    let today = Utc::now().date_naive();

    let endpoint = |ask: Ask| {
        let (client, cookie, url) = (client.clone(), cookie.clone(), server.url.clone());
        async move {
            let start = Instant::now();
            let resp = client
                .get(format!("{url}/v1/org/insight?{}", ask.query(today)))
                .header("cookie", cookie)
                .send()
                .await
                .expect("insight");
            assert!(resp.status().is_success(), "{}", resp.status());
            let body = resp.bytes().await.expect("body");
            std::hint::black_box(body.len());
            start.elapsed()
        }
    };

    // Cold: the first time each shape of dashboard is asked (new plans, pages not yet cached
    // by this query), one per period × scope.
    let mut cold: Vec<(String, Duration)> = Vec::new();
    for days in [7, 30, 90, 365] {
        for scope in ["organisation", "one store", "one touch point", "one person"] {
            if let Some(ask) = asks.iter().find(|a| a.days == days && a.scope == scope) {
                cold.push((format!("{scope}, {days} days"), endpoint(ask.clone()).await));
            }
        }
    }

    let mut rows: Vec<(String, Vec<Duration>, Vec<Duration>)> = Vec::new();
    let mut all = Vec::new();
    let mut all_floor = Vec::new();
    for days in [7, 30, 90, 365] {
        for scope in ["organisation", "one store", "one touch point", "one person"] {
            let mut server_times = Vec::new();
            let mut floor_times = Vec::new();
            for ask in asks.iter().filter(|a| a.days == days && a.scope == scope) {
                server_times.push(endpoint(ask.clone()).await);
                let start = Instant::now();
                std::hint::black_box(floor(&server.pool, server.org, ask, today).await);
                floor_times.push(start.elapsed());
            }
            if server_times.is_empty() {
                continue;
            }
            all.extend(server_times.iter().copied());
            all_floor.extend(floor_times.iter().copied());
            server_times.sort();
            floor_times.sort();
            rows.push((format!("{scope}, {days} days"), server_times, floor_times));
        }
    }

    println!();
    println!(
        "org insight over HTTP at {conversations} conversations ({stores} stores), warm, {samples} sampled dashboards"
    );
    println!(
        "{:<30} {:>4} {:>9} {:>9} {:>9} {:>11} {:>7}",
        "dashboard", "n", "p50 ms", "p99 ms", "max ms", "floor p50", "ratio"
    );
    for (name, s, f) in &rows {
        let ratio = pct(s, 0.5).as_secs_f64() / pct(f, 0.5).as_secs_f64().max(1e-9);
        println!(
            "{:<30} {:>4} {:>9} {:>9} {:>9} {:>11} {:>6.2}x",
            name,
            s.len(),
            ms(pct(s, 0.5)),
            ms(pct(s, 0.99)),
            ms(*s.last().expect("one")),
            ms(pct(f, 0.5)),
            ratio
        );
    }
    all.sort();
    all_floor.sort();
    let heaviest = &all[(all.len() * 99 / 100).min(all.len() - 1)..];
    println!(
        "{:<30} {:>4} {:>9} {:>9} {:>9} {:>11} {:>6.2}x",
        "every dashboard",
        all.len(),
        ms(pct(&all, 0.5)),
        ms(pct(&all, 0.99)),
        ms(*all.last().expect("one")),
        ms(pct(&all_floor, 0.5)),
        pct(&all, 0.5).as_secs_f64() / pct(&all_floor, 0.5).as_secs_f64().max(1e-9)
    );
    println!(
        "heaviest 1% ({} dashboards): {} ms",
        heaviest.len(),
        heaviest.iter().map(|d| ms(*d)).collect::<Vec<_>>().join(", ")
    );
    println!();
    println!("cold (the first of each kind)");
    for (name, d) in &cold {
        println!("{:<30} {:>9} ms", name, ms(*d));
    }

    // What the rollups save: the unnarrowed dashboards computed from the facts alone.
    println!();
    println!("without rollups (the same charts from the facts; the decision record)");
    for days in [30, 365] {
        let from = today - chrono::Duration::days(days - 1);
        let start = Instant::now();
        let groups = sqlx::query(
            "SELECT count(*) FROM (SELECT 1 FROM insight_facts WHERE org_id = $1 AND logged AND day BETWEEN $2 AND $3
             GROUP BY GROUPING SETS ((), (store_id), (touch_point_id), (staff_id), (date_trunc('week', day)), (reason))) g",
        )
        .bind(server.org)
        .bind(from)
        .bind(today)
        .fetch_one(&server.pool)
        .await
        .expect("from facts")
        .get::<i64, _>(0);
        println!("{:<30} {:>9} ms ({groups} groups)", format!("organisation, {days} days"), ms(start.elapsed()));
    }

    // The closed loop and customers at risk: each beside the same statements run straight to
    // PostgreSQL (the floor), the organisation or one store.
    let get = |path: String| {
        let (client, cookie, url) = (client.clone(), cookie.clone(), server.url.clone());
        async move {
            let start = Instant::now();
            let resp = client.get(format!("{url}{path}")).header("cookie", cookie).send().await.expect("get");
            assert!(resp.status().is_success(), "{path}: {}", resp.status());
            std::hint::black_box(resp.bytes().await.expect("body").len());
            start.elapsed()
        }
    };
    let per = (samples / 8).max(5);
    let now = Utc::now();
    let mut loop_rows: Vec<(String, Vec<Duration>, Vec<Duration>)> = Vec::new();
    let mut loop_cold: Vec<(String, Duration)> = Vec::new();
    for days in [7i64, 30, 90, 365] {
        for scope in ["organisation", "one store"] {
            let (mut s, mut f) = (Vec::new(), Vec::new());
            for i in 0..=per {
                let store = (scope == "one store").then(|| store_ids[roll(store_ids.len() as u64) as usize]);
                let from = today - chrono::Duration::days(days - 1);
                let mut path = format!("/v1/org/insight/closed-loop?from={from}&to={today}");
                if let Some(id) = store {
                    path.push_str(&format!("&store_id={id}"));
                }
                let took = get(path).await;
                if i == 0 {
                    loop_cold.push((format!("closed loop, {scope}, {days} days"), took));
                    continue;
                }
                s.push(took);
                let start = Instant::now();
                let figures =
                    touchpoint_server::db::closed_loop::figures(&server.pool, server.org, from, today, store, now)
                        .await
                        .expect("figures");
                std::hint::black_box(figures.len());
                f.push(start.elapsed());
            }
            s.sort();
            f.sort();
            loop_rows.push((format!("closed loop, {scope}, {days} d"), s, f));
        }
    }
    for scope in ["organisation", "one store"] {
        let (mut s, mut f) = (Vec::new(), Vec::new());
        for i in 0..=per {
            let store = (scope == "one store").then(|| store_ids[roll(store_ids.len() as u64) as usize]);
            let path = match store {
                Some(id) => format!("/v1/org/insight/at-risk?store_id={id}"),
                None => "/v1/org/insight/at-risk".to_owned(),
            };
            let took = get(path).await;
            if i == 0 {
                loop_cold.push((format!("at risk, {scope}"), took));
                continue;
            }
            s.push(took);
            let start = Instant::now();
            let found = touchpoint_server::db::closed_loop::candidates(&server.pool, server.org, store, now)
                .await
                .expect("candidates");
            std::hint::black_box(found.len());
            f.push(start.elapsed());
        }
        s.sort();
        f.sort();
        loop_rows.push((format!("at risk, {scope}"), s, f));
    }
    println!();
    println!("closed loop and at risk over HTTP ({customers} customers), {per} of each, warm after the first");
    println!(
        "{:<30} {:>4} {:>9} {:>9} {:>9} {:>11} {:>7}",
        "view", "n", "p50 ms", "p99 ms", "max ms", "floor p50", "ratio"
    );
    for (name, s, f) in &loop_rows {
        let warm = &s[..];
        println!(
            "{:<30} {:>4} {:>9} {:>9} {:>9} {:>11} {:>6.2}x",
            name,
            warm.len(),
            ms(pct(warm, 0.5)),
            ms(pct(warm, 0.99)),
            ms(*warm.last().expect("one")),
            ms(pct(f, 0.5)),
            pct(warm, 0.5).as_secs_f64() / pct(f, 0.5).as_secs_f64().max(1e-9)
        );
    }
    println!("cold (the first of each)");
    for (name, d) in &loop_cold {
        println!("{:<30} {:>9} ms", name, ms(*d));
    }
}
