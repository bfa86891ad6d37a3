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
use touchpoint_sync_tests::TestServer;
use uuid::Uuid;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

const TOUCH_POINTS: usize = 12;
const STAFF_PER_STORE: usize = 10;
const DAYS: i64 = 730;

/// A chain's history, written straight into the tables a push keeps (facts, then every
/// store-day's rollups by the same `insight_refresh` a push calls).
async fn populate(
    server: &TestServer,
    stores: usize,
    conversations: usize,
    customers: usize,
) -> (Vec<Uuid>, Vec<Uuid>, Vec<Uuid>) {
    let pool = &server.pool;
    let org = server.org;
    let store_ids: Vec<Uuid> = (0..stores).map(|_| Uuid::now_v7()).collect();
    let tp_ids: Vec<Uuid> = (0..TOUCH_POINTS).map(|_| Uuid::now_v7()).collect();
    let staff_ids: Vec<Uuid> = (0..stores * STAFF_PER_STORE).map(|_| Uuid::now_v7()).collect();
    let names = |prefix: &str, n: usize| (0..n).map(|i| format!("{prefix} {i}")).collect::<Vec<_>>();
    sqlx::query("INSERT INTO stores (org_id, store_id, name, timezone) SELECT $1, id, name, 'Europe/Lisbon' FROM UNNEST($2::uuid[], $3::text[]) AS t(id, name)")
        .bind(org).bind(&store_ids).bind(names("Store", stores)).execute(pool).await.expect("stores");
    sqlx::query("INSERT INTO touch_points (org_id, touch_point_id, name, default_channel) SELECT $1, id, name, 'in_person' FROM UNNEST($2::uuid[], $3::text[]) AS t(id, name)")
        .bind(org).bind(&tp_ids).bind(names("Touch point", TOUCH_POINTS)).execute(pool).await.expect("touch points");
    let homes: Vec<Uuid> = (0..staff_ids.len()).map(|i| store_ids[i / STAFF_PER_STORE]).collect();
    sqlx::query("INSERT INTO staff (org_id, staff_id, name, role, home_store_id) SELECT $1, id, name, 'frontline', home FROM UNNEST($2::uuid[], $3::text[], $4::uuid[]) AS t(id, name, home)")
        .bind(org).bind(&staff_ids).bind(names("Person", staff_ids.len())).bind(&homes).execute(pool).await.expect("staff");

    let start = Instant::now();
    // Customers (named, each with a home store), their ids made from their number so the
    // conversations below can name them without a lookup.
    sqlx::query(
        "INSERT INTO customers (org_id, customer_id, fields, home_store_id)
         SELECT $1, md5($1::text || 'c' || g)::uuid, jsonb_build_object('name', 'Customer ' || g), $2[1 + g % $3]
         FROM generate_series(1, $4) AS g",
    )
    .bind(org)
    .bind(&store_ids)
    .bind(i32::try_from(stores).expect("stores"))
    .bind(i64::try_from(customers).expect("customers"))
    .execute(pool)
    .await
    .expect("customers");
    // Busier stores and touch points, a weekly rhythm, feedback on about 60% of conversations,
    // and a named customer on 70% of them (a few customers come often, most rarely).
    sqlx::query(
        "INSERT INTO insight_facts (org_id, interaction_id, logged, store_id, staff_id, customer_id, touch_point_id,
                                    reason, outcome, occurred_at, day, feeling, nps, csat, ces)
         SELECT $1, gen_random_uuid(), true, $2[s + 1], $3[s * $6 + (g % $6) + 1],
                CASE WHEN g % 10 < 7 THEN md5($1::text || 'c' || (1 + floor(power(random(), 2) * $9)::int))::uuid END,
                $4[tp + 1],
                (ARRAY['Returns', 'Billing', 'Delivery late', 'Product question', 'Complaint', NULL])[(g % 6) + 1],
                (ARRAY['resolved', 'resolved', 'resolved', 'escalated', 'follow_up_needed', 'unresolved'])[(g % 7 % 6) + 1],
                at, (at AT TIME ZONE 'Europe/Lisbon')::date,
                CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + (g * 7 % 5) END,
                CASE WHEN g % 10 < 6 THEN (g * 13 % 11) END,
                CASE WHEN g % 10 < 4 THEN 1 + (g * 3 % 5) END,
                CASE WHEN g % 10 < 2 THEN 1 + (g * 11 % 7) END
         FROM (SELECT g, floor(power(random(), 1.6) * $7)::int AS s, floor(power(random(), 1.4) * 12)::int AS tp,
                      now() - make_interval(secs => random() * $8 * 86400) AS at
               FROM generate_series(1, $5) AS g) x",
    )
    .bind(org)
    .bind(&store_ids)
    .bind(&staff_ids)
    .bind(&tp_ids)
    .bind(i64::try_from(conversations).expect("count"))
    .bind(i32::try_from(STAFF_PER_STORE).expect("staff"))
    .bind(i32::try_from(stores).expect("stores"))
    .bind(DAYS as f64)
    .bind(i32::try_from(customers).expect("customers"))
    .execute(pool)
    .await
    .expect("facts");
    eprintln!("  {conversations} conversations written in {:.0} s", start.elapsed().as_secs_f64());
    let start = Instant::now();
    // Follow-ups for half the unhappy conversations with a customer (one in ten opened from the
    // customer's page rather than from the conversation): opened an hour after, due two days after; most done (some with a feeling after, within 0–4 days), some not reached;
    // those of the last two weeks partly still open (and some of them overdue).
    let follow_ups = sqlx::query(
        "INSERT INTO follow_ups (org_id, follow_up_id, store_id, customer_id, fields, interaction_id, status, due_at,
                                 closed_at, feeling_after, created_at)
         SELECT org_id, gen_random_uuid(), store_id, customer_id, '{\"promise\": \"Call back\"}',
                CASE WHEN r2 >= 0.1 THEN interaction_id END, st,
                occurred_at + interval '2 days',
                CASE WHEN st IN ('done', 'could_not_reach') THEN occurred_at + make_interval(secs => r * 96 * 3600) END,
                CASE WHEN st = 'done' AND r < 0.7 THEN 1 + floor(r * 70)::int % 5 END,
                occurred_at + interval '1 hour'
         FROM (SELECT f.*, random() AS r, random() AS r2,
                      CASE WHEN f.occurred_at > now() - interval '14 days' AND random() < 0.4
                           THEN (ARRAY['open', 'in_progress'])[1 + floor(random() * 2)::int]
                           WHEN random() < 0.12 THEN 'could_not_reach' ELSE 'done' END AS st
               FROM insight_facts f
               WHERE f.org_id = $1 AND f.customer_id IS NOT NULL AND (f.feeling <= 2 OR f.nps <= 6 OR f.csat <= 2)
                 AND random() < 0.5) x",
    )
    .bind(org)
    .execute(pool)
    .await
    .expect("follow-ups")
    .rows_affected();
    eprintln!("  {customers} customers, {follow_ups} follow-ups written in {:.0} s", start.elapsed().as_secs_f64());
    let start = Instant::now();
    sqlx::query(
        "SELECT insight_refresh($1, array_agg(store_id), array_agg(day))
         FROM (SELECT DISTINCT store_id, day FROM insight_facts WHERE org_id = $1 AND logged) d",
    )
    .bind(org)
    .execute(pool)
    .await
    .expect("rollups");
    // Planned on statistics, as the migration's rebuild is.
    sqlx::raw_sql("ANALYZE insight_facts; ANALYZE follow_ups").execute(pool).await.expect("analyze");
    sqlx::query(
        "SELECT insight_loop_refresh($1, array_agg(store_id), array_agg(day), $2)
         FROM (SELECT DISTINCT store_id, day FROM insight_facts WHERE org_id = $1 AND logged) d",
    )
    .bind(org)
    .bind(touchpoint_protocol::risk::SLA_HOURS as i32)
    .execute(pool)
    .await
    .expect("closed-loop rollups");
    sqlx::query(
        "SELECT insight_loop_weeks_refresh($1, array_agg(store_id), array_agg(day))
         FROM (SELECT DISTINCT store_id, day FROM insight_facts WHERE org_id = $1 AND logged) d",
    )
    .bind(org)
    .execute(pool)
    .await
    .expect("closed-loop week rollups");
    vacuum(pool).await;
    eprintln!("  rollups built in {:.0} s", start.elapsed().as_secs_f64());
    (store_ids, tp_ids, staff_ids)
}

/// What autovacuum does to a table in use: statistics (and the visibility map) for every table
/// a dashboard reads, so the plans are the ones a running server gets.
async fn vacuum(pool: &sqlx::PgPool) {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE tablename LIKE 'insight\\_%' OR tablename IN ('customers', 'follow_ups')
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    for t in tables {
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM ANALYZE {t}"))).execute(pool).await.expect("vacuum");
    }
}

/// The stores, touch points and people an earlier run's `populate` made.
async fn populated(server: &TestServer) -> (Vec<Uuid>, Vec<Uuid>, Vec<Uuid>) {
    let ids = |sql: &'static str| async move {
        sqlx::query_scalar::<_, Uuid>(sql).bind(server.org).fetch_all(&server.pool).await.expect(sql)
    };
    (
        ids("SELECT store_id FROM stores WHERE org_id = $1 AND name LIKE 'Store %' ORDER BY name").await,
        ids("SELECT touch_point_id FROM touch_points WHERE org_id = $1 AND name LIKE 'Touch point %' ORDER BY name")
            .await,
        ids("SELECT staff_id FROM staff WHERE org_id = $1 AND name LIKE 'Person %' ORDER BY name").await,
    )
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
