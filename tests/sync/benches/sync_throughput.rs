//! Push and pull throughput of the real sync path (core client → HTTP → server → PostgreSQL,
//! and back into SQLite), for one desk and for several at once, each beside its floor measured
//! in the same run: the raw batched PostgreSQL upsert (direct, and behind a bare HTTP+JSON
//! endpoint) for pushes, and the raw SQLite insert of the same rows for pulls.
//!
//!     make bench                       # or: scripts/with-postgres.sh cargo bench -p touchpoint-sync-tests
//!     BENCH_OPS=50000 BENCH_DESKS=4 make bench
//!
//! Budgets (DESIGN.md): push ≥ 50% of the upsert-behind-HTTP floor; pull ≥ 50% of the insert floor.

use std::sync::Arc;
use std::time::Instant;

use axum::routing::post;
use axum::Json;
use sqlx::PgPool;
use touchpoint_core::interactions::LogInteraction;
use touchpoint_core::protocol::{ContactChannel, Feeling, Op, Outcome, PushRequest};
use touchpoint_sync_tests::{TestDesk, TestServer};
use uuid::Uuid;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Fills a desk's outbox with about `ops` ops: customers and their visits with feedback.
fn record(desk: &TestDesk, ops: usize) -> usize {
    desk.with(|d| {
        let tp = d.touch_points()?[0].id;
        let mut customer = None;
        let mut i = 0;
        while d.outbox_counts()?.pending < ops as u32 {
            if i % 40 == 0 {
                customer = Some(
                    d.create_customer(&touchpoint_core::customers::NewCustomer {
                        name: format!("Bench Customer {i}"),
                        allow_duplicate: true,
                        ..Default::default()
                    })?
                    .id,
                );
            }
            d.log_interaction(&LogInteraction {
                customer_id: customer,
                touch_point_id: tp,
                channel: ContactChannel::InPerson,
                reason: Some("Returns".into()),
                outcome: Outcome::Resolved,
                duration_secs: Some(90),
                summary: Some(format!("Visit {i}: exchanged a kettle for a larger one")),
                feeling: Some(Feeling::Happy),
                csat: Some(4),
                nps: None,
                ces: None,
                verbatim: None,
                occurred_at: None,
            })?;
            i += 1;
        }
        Ok(d.outbox_counts()?.pending as usize)
    })
    .expect("recorded")
}

fn all_ops(desk: &TestDesk) -> Vec<Op> {
    desk.with(|d| d.outbox_batch(usize::MAX / 2, usize::MAX / 2)).expect("ops")
}

const FLOOR_TABLE: &str = "CREATE TABLE IF NOT EXISTS bench_floor (
    org_id uuid NOT NULL, op_id uuid NOT NULL, entity_id uuid NOT NULL, op jsonb NOT NULL, hlc text NOT NULL,
    PRIMARY KEY (org_id, op_id))";

/// The raw work a push has to do at least: one batched upsert of the ops.
async fn upsert(pool: &PgPool, org: Uuid, ops: &[Op]) {
    let ids: Vec<Uuid> = ops.iter().map(|o| o.op_id).collect();
    let entities: Vec<Uuid> = ops.iter().map(|o| o.body.entity_id()).collect();
    let bodies: Vec<serde_json::Value> = ops.iter().map(|o| serde_json::to_value(o).expect("json")).collect();
    let hlcs: Vec<String> = ops.iter().map(|o| o.hlc.clone()).collect();
    sqlx::query(
        "INSERT INTO bench_floor (org_id, op_id, entity_id, op, hlc)
         SELECT $1, * FROM UNNEST($2::uuid[], $3::uuid[], $4::jsonb[], $5::text[]) ON CONFLICT DO NOTHING",
    )
    .bind(org)
    .bind(&ids)
    .bind(&entities)
    .bind(&bodies)
    .bind(&hlcs)
    .execute(pool)
    .await
    .expect("floor upsert");
}

async fn floor_direct(pool: &PgPool, ops: &[Op]) -> f64 {
    sqlx::query("DROP TABLE IF EXISTS bench_floor").execute(pool).await.expect("drop");
    sqlx::query(FLOOR_TABLE).execute(pool).await.expect("floor table");
    let org = Uuid::now_v7();
    let start = Instant::now();
    for batch in ops.chunks(500) {
        upsert(pool, org, batch).await;
    }
    ops.len() as f64 / start.elapsed().as_secs_f64()
}

/// The same upsert behind a bare HTTP endpoint that decodes the same JSON push body.
async fn floor_http(pool: &PgPool, ops: &[Op]) -> f64 {
    sqlx::query("DROP TABLE IF EXISTS bench_floor").execute(pool).await.expect("drop");
    sqlx::query(FLOOR_TABLE).execute(pool).await.expect("floor table");
    let org = Uuid::now_v7();
    let pool2 = pool.clone();
    let app = axum::Router::new().route(
        "/floor",
        post(move |Json(req): Json<PushRequest>| {
            let pool = pool2.clone();
            async move {
                upsert(&pool, org, &req.ops).await;
                Json(serde_json::json!({"ok": req.ops.len()}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    let start = Instant::now();
    for batch in ops.chunks(500) {
        client
            .post(format!("http://{addr}/floor"))
            .json(&PushRequest { ops: batch.to_vec(), known_seq: 0 })
            .send()
            .await
            .expect("floor push")
            .error_for_status()
            .expect("floor ok");
    }
    ops.len() as f64 / start.elapsed().as_secs_f64()
}

/// The raw SQLite work a pull has to do at least: inserting the interactions, in transactions
/// of one page each, into a fresh desk's file.
fn floor_sqlite(rows: usize) -> f64 {
    let desk = TestDesk::new("http://127.0.0.1:9");
    desk.with(|d| {
        let conn = d.connection();
        let start = Instant::now();
        for page in 0..rows.div_ceil(1000) {
            conn.execute_batch("BEGIN")?;
            {
                let mut stmt = conn.prepare_cached(
                    "INSERT INTO interactions (id, customer_id, store_id, staff_id, device_id, touch_point_id, channel,
                         reason, outcome, duration_secs, summary, occurred_at, recorded_at, hlc)
                     VALUES (?1, NULL, ?2, ?2, ?2, ?2, 'in_person', 'Returns', 'resolved', 90, ?3, ?4, ?4, ?5)",
                )?;
                for i in 0..1000.min(rows - page * 1000) {
                    let n = page * 1000 + i;
                    stmt.execute(rusqlite::params![
                        Uuid::now_v7().to_string(),
                        Uuid::nil().to_string(),
                        format!("Visit {n}: exchanged a kettle for a larger one"),
                        "2026-11-24T10:00:00.000Z",
                        format!("{:013}-000000-00000000000000000000000000000000", 1_700_000_000_000u64 + n as u64),
                    ])?;
                }
            }
            conn.execute_batch("COMMIT")?;
        }
        Ok(rows as f64 / start.elapsed().as_secs_f64())
    })
    .expect("sqlite floor")
}

fn line(path: &str, ours: f64, floor_name: &str, floor: f64, budget: f64) {
    let ratio = ours / floor;
    let ok = if ratio >= budget { "yes" } else { "NO" };
    println!(
        "| {path:<34} | {:>10.0} | {floor_name:<26} | {:>10.0} | {:>5.0}% | {:>5.0}% | {ok:>4} |",
        ours,
        floor,
        ratio * 100.0,
        budget * 100.0
    );
}

fn main() {
    let ops_total = env_usize("BENCH_OPS", 20_000);
    let desks = env_usize("BENCH_DESKS", 4);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async move {
        let server = TestServer::start().await;
        eprintln!("bench: recording {ops_total} ops on one desk…");
        let one = TestDesk::enrolled(&server, server.frontline).await;
        let pushed = record(&one, ops_total);
        let ops = all_ops(&one);
        let direct = floor_direct(&server.pool, &ops).await;
        let behind_http = floor_http(&server.pool, &ops).await;

        let start = Instant::now();
        let report = one.engine.send_pending().await.expect("push");
        let push_one = report.pushed as f64 / start.elapsed().as_secs_f64();
        assert_eq!(report.pushed, pushed);

        // The same kind of batches straight through the transport, without the desk's outbox
        // reads and bookkeeping: what the server and HTTP alone manage.
        let raw = TestDesk::enrolled(&server, server.frontline).await;
        record(&raw, ops_total);
        let raw_ops = all_ops(&raw);
        let token = {
            use touchpoint_core::sync::Transport;
            let s = raw.with(|d| d.sync_settings()).expect("settings").expect("enrolled");
            raw.engine
                .transport()
                .token(&touchpoint_core::protocol::TokenRequest { device_id: s.device_id, refresh_token: s.refresh_token })
                .await
                .expect("token")
                .access_token
        };
        let start = Instant::now();
        for batch in raw_ops.chunks(500) {
            use touchpoint_core::sync::Transport;
            raw.engine
                .transport()
                .push(&token, &PushRequest { ops: batch.to_vec(), known_seq: 0 })
                .await
                .expect("raw push");
        }
        let push_server = raw_ops.len() as f64 / start.elapsed().as_secs_f64();

        eprintln!("bench: {desks} desks recording {} ops each…", ops_total / desks);
        let mut many = Vec::new();
        for _ in 0..desks {
            let d = TestDesk::enrolled(&server, server.frontline).await;
            record(&d, ops_total / desks);
            many.push(Arc::new(d));
        }
        let start = Instant::now();
        let handles: Vec<_> = many
            .iter()
            .map(|d| {
                let engine = d.engine.clone();
                tokio::spawn(async move { engine.send_pending().await.expect("push").pushed })
            })
            .collect();
        let mut pushed_many = 0;
        for h in handles {
            pushed_many += h.await.expect("join");
        }
        let push_many = pushed_many as f64 / start.elapsed().as_secs_f64();

        eprintln!("bench: first syncs…");
        let fresh = TestDesk::new(&server.url);
        fresh.enroll(&server).await;
        let start = Instant::now();
        let report = fresh.sync().await;
        let pull_one = report.pulled as f64 / start.elapsed().as_secs_f64();
        let pulled_rows = report.pulled;

        let mut fresh_many = Vec::new();
        for _ in 0..desks {
            let d = TestDesk::new(&server.url);
            d.enroll(&server).await;
            fresh_many.push(d);
        }
        let start = Instant::now();
        let handles: Vec<_> = fresh_many
            .iter()
            .map(|d| {
                let engine = d.engine.clone();
                tokio::spawn(async move { engine.sync_once().await.expect("pull").pulled })
            })
            .collect();
        let mut pulled_many = 0;
        for h in handles {
            pulled_many += h.await.expect("join");
        }
        let pull_many = pulled_many as f64 / start.elapsed().as_secs_f64();
        let sqlite = tokio::task::spawn_blocking(move || floor_sqlite(pulled_rows)).await.expect("floor");

        println!();
        println!("Sync throughput: {pushed} ops from one desk, {pushed_many} from {desks} desks at once; first sync of {pulled_rows} changes");
        println!("(direct PostgreSQL upsert floor: {direct:.0} rows/s)");
        println!();
        println!("| {:<34} | {:>10} | {:<26} | {:>10} | {:>6} | {:>6} | {:>4} |", "path", "ours /s", "floor", "floor /s", "ratio", "budget", "ok");
        println!("|{:-<36}|{:-<12}|{:-<28}|{:-<12}|{:-<8}|{:-<8}|{:-<6}|", "", "", "", "", "", "", "");
        line("push, one desk (ops)", push_one, "upsert behind HTTP", behind_http, 0.5);
        line("  of which server + HTTP alone", push_server, "upsert behind HTTP", behind_http, 0.5);
        line(&format!("push, {desks} desks at once (ops)"), push_many, "upsert behind HTTP", behind_http, 0.5);
        line("pull into SQLite, one desk (rows)", pull_one, "SQLite insert", sqlite, 0.5);
        line(&format!("pull, {desks} desks at once (rows)"), pull_many, "SQLite insert", sqlite, 0.5);
    });
}
