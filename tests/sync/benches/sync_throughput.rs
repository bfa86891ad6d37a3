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
                submission_id: uuid::Uuid::now_v7(),
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
                check_in: None,
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
    let hlcs: Vec<String> = ops.iter().map(|o| o.hlc.to_string()).collect();
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

/// The same upsert behind a bare HTTP endpoint that decodes the same JSON push body, sent by
/// `clients` at once (each its share of the batches).
async fn floor_http(pool: &PgPool, ops: &[Op], clients: usize) -> f64 {
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
    let batches: Vec<Vec<Op>> = ops.chunks(500).map(<[Op]>::to_vec).collect();
    let start = Instant::now();
    let mut handles = Vec::new();
    for c in 0..clients {
        let mine: Vec<Vec<Op>> = batches.iter().skip(c).step_by(clients).cloned().collect();
        handles.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for batch in mine {
                client
                    .post(format!("http://{addr}/floor"))
                    .json(&PushRequest { ops: batch, known_seq: 0 })
                    .send()
                    .await
                    .expect("floor push")
                    .error_for_status()
                    .expect("floor ok");
            }
        }));
    }
    for h in handles {
        h.await.expect("floor client");
    }
    ops.len() as f64 / start.elapsed().as_secs_f64()
}

/// The raw SQLite work a pull has to do at least: the same rows (customers, interactions,
/// feedback) inserted with plain prepared statements, a page per transaction, into a fresh
/// desk's file.
fn floor_sqlite(changes: &[Op]) -> f64 {
    use touchpoint_core::protocol::OpBody;
    let desk = TestDesk::new("http://127.0.0.1:9");
    desk.with(|d| {
        let conn = d.connection();
        let start = Instant::now();
        for page in changes.chunks(1000) {
            conn.execute_batch("BEGIN")?;
            for op in page {
                let staff = op.staff_id.to_string();
                let store = op.store_id.to_string();
                let device = op.device_id.to_string();
                match &op.body {
                    OpBody::CustomerPatch(p) => {
                        conn.prepare_cached(
                            "INSERT INTO customers (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
                             ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                        )?
                        .execute(rusqlite::params![
                            p.customer_id.to_string(),
                            p.name.clone().unwrap_or_default(),
                            "2026-11-24T10:00:00.000Z"
                        ])?;
                    }
                    OpBody::InteractionLogged(i) => {
                        conn.prepare_cached(
                            "INSERT INTO interactions (id, customer_id, store_id, staff_id, device_id, touch_point_id,
                                 channel, reason, outcome, duration_secs, summary, occurred_at, recorded_at, hlc)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'in_person', ?7, 'resolved', ?8, ?9, ?10, ?10, ?11)",
                        )?
                        .execute(rusqlite::params![
                            i.interaction_id.to_string(),
                            i.customer_id.map(|c| c.to_string()),
                            store,
                            staff,
                            device,
                            i.touch_point_id.to_string(),
                            i.reason,
                            i.duration_secs,
                            i.summary,
                            i.occurred_at.to_rfc3339(),
                            op.hlc.to_string(),
                        ])?;
                    }
                    OpBody::FeedbackRecorded(f) => {
                        conn.prepare_cached(
                            "INSERT INTO feedback (id, interaction_id, customer_id, store_id, staff_id, device_id,
                                 feeling, csat, occurred_at, recorded_at, hlc)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'happy', ?7, ?8, ?8, ?9)",
                        )?
                        .execute(rusqlite::params![
                            f.feedback_id.to_string(),
                            f.interaction_id.map(|i| i.to_string()),
                            f.customer_id.map(|c| c.to_string()),
                            store,
                            staff,
                            device,
                            f.csat,
                            f.occurred_at.to_rfc3339(),
                            op.hlc.to_string(),
                        ])?;
                    }
                    _ => {}
                }
            }
            conn.execute_batch("COMMIT")?;
        }
        Ok(changes.len() as f64 / start.elapsed().as_secs_f64())
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
        let behind_http = floor_http(&server.pool, &ops, 1).await;
        let behind_http_many = floor_http(&server.pool, &ops, desks).await;

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
        // What the first syncs received, fetched again straight from the server for the floor.
        let pulled_ops = {
            use touchpoint_core::sync::{PullRequest, Transport};
            let s = fresh.with(|d| d.sync_settings()).expect("settings").expect("enrolled");
            let token = fresh
                .engine
                .transport()
                .token(&touchpoint_core::protocol::TokenRequest { device_id: s.device_id, refresh_token: s.refresh_token })
                .await
                .expect("token")
                .access_token;
            let mut since = 0;
            let mut all = Vec::new();
            loop {
                let page = fresh
                    .engine
                    .transport()
                    .pull(&token, PullRequest { since, limit: 1000, epoch: None })
                    .await
                    .expect("pull");
                all.extend(page.changes.into_iter().map(|c| c.op));
                since = page.next_since;
                if !page.has_more {
                    break;
                }
            }
            all.truncate(pulled_rows);
            all
        };
        let sqlite = tokio::task::spawn_blocking(move || floor_sqlite(&pulled_ops)).await.expect("floor");

        println!();
        println!("Sync throughput: {pushed} ops from one desk, {pushed_many} from {desks} desks at once; first sync of {pulled_rows} changes");
        println!("(direct PostgreSQL upsert floor: {direct:.0} rows/s)");
        println!();
        println!("| {:<34} | {:>10} | {:<26} | {:>10} | {:>6} | {:>6} | {:>4} |", "path", "ours /s", "floor", "floor /s", "ratio", "budget", "ok");
        println!("|{:-<36}|{:-<12}|{:-<28}|{:-<12}|{:-<8}|{:-<8}|{:-<6}|", "", "", "", "", "", "", "");
        line("push, one desk (ops)", push_one, "upsert behind HTTP", behind_http, 0.5);
        line("  of which server + HTTP alone", push_server, "upsert behind HTTP", behind_http, 0.5);
        line(
            &format!("push, {desks} desks at once (ops)"),
            push_many,
            &format!("same, {desks} clients at once"),
            behind_http_many,
            0.5,
        );
        line("pull into SQLite, one desk (rows)", pull_one, "SQLite insert of the rows", sqlite, 0.5);
        line(&format!("pull, {desks} desks at once (rows)"), pull_many, "SQLite insert of the rows", sqlite, 0.5);
    });
}
