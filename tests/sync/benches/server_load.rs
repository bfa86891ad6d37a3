//! The server under a chain's load: hundreds of desks, each a task on its own timer speaking
//! the desk's HTTP protocol (enrol, push what it logged, pull pages until caught up), against
//! the release `touchpoint-server` as its own process over a PostgreSQL that holds a chain's
//! history (200 stores of one organisation, their customers, conversations and change log)
//! and a second organisation of its own.
//!
//! Three phases, each printed as a table per organisation (with the slowest 1% of requests on
//! their own lines): the second organisation's desks alone (the floor: the same desks, the
//! same server, no other load; loaded figures are printed beside it as ratios), then with the chain's
//! 500 desks beside them on one server instance, then the same on two instances over the one
//! database. Each row: pushes and pull pages with their p50, p99 and worst latency, ops applied
//! and rows pulled per second, refused ops and failed requests; each phase: the servers' and
//! PostgreSQL's CPU, the most database connections seen (and active), and the servers' RSS.
//!
//!     make bench        # or: cargo build --release -p touchpoint-server &&
//!                       #     scripts/with-postgres.sh cargo bench -p touchpoint-sync-tests --bench server_load
//!     BENCH_SCALE=full …          # 10,000,000 conversations (1,000,000 customers); default 1,000,000
//!     BENCH_DESKS=500 BENCH_SECONDS=60 BENCH_LOG_EVERY_MS=10000 BENCH_SYNC_EVERY_MS=15000 …
//!     BENCH_DATABASE=name …       # the data an earlier run left (on a PostgreSQL of your own)
//!
//! The cadence: a desk syncs every 15 s, as the app does, and at once after each conversation
//! it logs; a conversation every 10 s a desk on average is six times a busy desk's peak (one a
//! minute). Each conversation is an interaction with feedback (80%), one in ten with a new
//! customer, one in twenty with a customer's change, one in ten with a follow-up.
//!
//! Goals (DESIGN.md): push p99 ≤ 250 ms and pull page p99 ≤ 100 ms at 500 desks; the second
//! organisation's latency unaffected by the first's load.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use touchpoint_protocol::{
    ContactChannel, CustomerPatch, EnrollRequest, EnrollResponse, FeedbackRecord, Feeling, FollowUpPatch, Hlc,
    InteractionRecord, Op, OpBody, OpStatus, Outcome, PullResponse, PushRequest, PushResponse, Role, PROTOCOL_HEADER,
    PROTOCOL_VERSION,
};
use touchpoint_server::admin;
use touchpoint_sync_tests::chain::{self, STAFF_PER_STORE};
use touchpoint_sync_tests::TestServer;
use uuid::Uuid;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

const TOKEN_SECRET: &str = "touchpoint-load-bench-secret";

/// The release server binary, built beside this bench (`cargo build --release -p touchpoint-server`).
fn server_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TOUCHPOINT_SERVER_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().expect("bench path");
    // target/release/deps/server_load-… → target/release/touchpoint-server
    let bin = exe.parent().and_then(|d| d.parent()).expect("target dir").join("touchpoint-server");
    assert!(
        bin.exists(),
        "{} is missing: build it first with `cargo build --release -p touchpoint-server` (make bench does)",
        bin.display()
    );
    bin
}

/// One `touchpoint-server serve` process on a loopback port of its own.
struct Instance {
    url: String,
    child: Child,
}

impl Instance {
    async fn start(database_url: &str, log: &std::path::Path) -> Instance {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
        let out = std::fs::File::create(log).expect("log file");
        let child = Command::new(server_binary())
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--token-secret", TOKEN_SECRET, "--access-ttl-secs", "7200"])
            .args(["--enroll-per-minute", "100000", "--token-per-minute", "100000"])
            .env("DATABASE_URL", database_url)
            .env("RUST_LOG", "warn")
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .expect("start touchpoint-server");
        // Owned at once: a server that never answers is killed (and waited for) on the way out.
        let instance = Instance { url: format!("http://127.0.0.1:{port}"), child };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if client.get(format!("{}/healthz", instance.url)).send().await.is_ok_and(|r| r.status().is_success()) {
                return instance;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("touchpoint-server did not answer /healthz (log: {})", log.display());
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Clock ticks of a process (user + system) from /proc.
fn cpu_ticks(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0 };
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')').map_or(0, |i| i + 2)..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

/// Clock ticks of every PostgreSQL process (the server and its backends).
fn postgres_ticks() -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc") else { return 0 };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim_end() == "postgres"))
        .map(cpu_ticks)
        .sum()
}

/// The machine's CPU time taken by the hypervisor for others (`steal` in `/proc/stat`): a
/// phase with much of it measured a slower machine than the others.
fn steal_ticks() -> u64 {
    std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|stat| stat.lines().next().and_then(|cpu| cpu.split_whitespace().nth(8)?.parse().ok()))
        .unwrap_or(0)
}

fn rss_mb(pid: u32, key: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// What a desk of the bench knows: its store's people, touch points and some of its customers.
#[derive(Clone)]
struct Place {
    org: usize,
    store: Uuid,
    staff: Vec<Uuid>,
    touch_points: Vec<Uuid>,
    customers: Vec<Uuid>,
}

struct Desk {
    place: Place,
    /// The desk's own HTTP client, made once at enrolment (making one loads the system's
    /// certificate store: ~30 ms of CPU, which 500 desks making theirs at a phase's start
    /// would spend while the phase is measured).
    http: reqwest::Client,
    device: Uuid,
    access: String,
    since: i64,
    counter: u32,
    last_wall: i64,
    rng: StdRng,
    outbox: Vec<Op>,
}

#[derive(Default)]
struct Tally {
    push: Vec<f64>,
    pull: Vec<f64>,
    applied: usize,
    refused: usize,
    rows: usize,
    failed: usize,
    /// Why requests failed: the status, or the transport's error.
    why: std::collections::BTreeMap<String, usize>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.push.extend(other.push);
        self.pull.extend(other.pull);
        self.applied += other.applied;
        self.refused += other.refused;
        self.rows += other.rows;
        self.failed += other.failed;
        for (k, n) in other.why {
            *self.why.entry(k).or_default() += n;
        }
    }

    fn fail(&mut self, what: &str, why: String) {
        self.failed += 1;
        *self.why.entry(format!("{what}: {why}")).or_default() += 1;
    }
}

const REASONS: [&str; 5] = ["Returns", "Billing", "Delivery late", "Product question", "Complaint"];

impl Desk {
    fn stamp(&mut self) -> Hlc {
        let wall = Utc::now().timestamp_millis();
        if wall > self.last_wall {
            self.last_wall = wall;
            self.counter = 0;
        } else {
            self.counter += 1;
        }
        Hlc { wall_ms: self.last_wall, counter: self.counter, node: self.device }
    }

    fn op(&mut self, staff: Uuid, body: OpBody) -> Op {
        let hlc = self.stamp();
        Op { op_id: Uuid::now_v7(), device_id: self.device, store_id: self.place.store, staff_id: staff, hlc, body }
    }

    /// One conversation's ops, as the desk's outbox holds them.
    fn log_conversation(&mut self) {
        let staff = self.place.staff[self.rng.random_range(0..self.place.staff.len())];
        let now = Utc::now();
        let roll: f64 = self.rng.random();
        let customer = if roll < 0.1 {
            let id = Uuid::now_v7();
            let body = OpBody::CustomerPatch(CustomerPatch {
                customer_id: id,
                name: Some(format!("Walk-in {}", id.simple())),
                phones: Some(vec![format!("+35191{:07}", self.rng.random_range(0..10_000_000))]),
                home_store_id: Some(self.place.store),
                ..Default::default()
            });
            let op = self.op(staff, body);
            self.outbox.push(op);
            self.place.customers.push(id);
            Some(id)
        } else if roll < 0.7 && !self.place.customers.is_empty() {
            let id = self.place.customers[self.rng.random_range(0..self.place.customers.len())];
            if self.rng.random::<f64>() < 0.05 {
                let body = OpBody::CustomerPatch(CustomerPatch {
                    customer_id: id,
                    note: Some("Prefers a call after 6pm".into()),
                    ..Default::default()
                });
                let op = self.op(staff, body);
                self.outbox.push(op);
            }
            Some(id)
        } else {
            None
        };
        let interaction = Uuid::now_v7();
        let tp = self.place.touch_points[self.rng.random_range(0..self.place.touch_points.len())];
        let reason = REASONS[self.rng.random_range(0..REASONS.len())];
        let outcome =
            [Outcome::Resolved, Outcome::Resolved, Outcome::Resolved, Outcome::FollowUpNeeded, Outcome::Escalated]
                [self.rng.random_range(0..5)];
        let body = OpBody::InteractionLogged(InteractionRecord {
            interaction_id: interaction,
            customer_id: customer,
            touch_point_id: tp,
            channel: ContactChannel::InPerson,
            reason: Some(reason.into()),
            outcome,
            duration_secs: Some(self.rng.random_range(30..900)),
            summary: Some("Asked about an order; explained the options and booked a call back".into()),
            occurred_at: now,
        });
        let op = self.op(staff, body);
        self.outbox.push(op);
        if self.rng.random::<f64>() < 0.8 {
            let feeling =
                [Feeling::VeryUnhappy, Feeling::Unhappy, Feeling::Neutral, Feeling::Happy, Feeling::VeryHappy]
                    [self.rng.random_range(0..5)];
            let body = OpBody::FeedbackRecorded(FeedbackRecord {
                feedback_id: Uuid::now_v7(),
                interaction_id: Some(interaction),
                customer_id: customer,
                feeling: Some(feeling),
                csat: Some(self.rng.random_range(1..=5)),
                nps: (self.rng.random::<f64>() < 0.4).then(|| self.rng.random_range(0..=10)),
                ces: None,
                verbatim: None,
                occurred_at: now,
            });
            let op = self.op(staff, body);
            self.outbox.push(op);
        }
        if let Some(c) = customer.filter(|_| self.rng.random::<f64>() < 0.1) {
            let body = OpBody::FollowUpPatch(FollowUpPatch {
                follow_up_id: Uuid::now_v7(),
                customer_id: Some(c),
                interaction_id: Some(interaction),
                owner_staff_id: Some(staff),
                due_at: Some(now + chrono::Duration::days(2)),
                promise: Some("Call back when the order arrives".into()),
                ..Default::default()
            });
            let op = self.op(staff, body);
            self.outbox.push(op);
        }
    }

    /// A sync round as the desk's engine does it: push the outbox, then pull until caught up.
    async fn sync(&mut self, http: &reqwest::Client, base: &str, tally: &mut Tally) {
        if !self.outbox.is_empty() {
            let body = PushRequest { ops: self.outbox.clone(), known_seq: self.since };
            let started = Instant::now();
            let resp = http
                .post(format!("{base}/v1/sync/push"))
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                .bearer_auth(&self.access)
                .json(&body)
                .send()
                .await;
            match resp {
                Ok(r) if r.status().is_success() => match r.json::<PushResponse>().await {
                    Ok(answer) => {
                        tally.push.push(started.elapsed().as_secs_f64() * 1000.0);
                        for result in answer.results {
                            match result.status {
                                OpStatus::Applied | OpStatus::Duplicate => tally.applied += 1,
                                _ => tally.refused += 1,
                            }
                        }
                        self.outbox.clear();
                    }
                    Err(e) => tally.fail("push", e.to_string()),
                },
                Ok(r) => tally.fail("push", r.status().to_string()),
                Err(e) => tally.fail("push", if e.is_timeout() { "timed out".into() } else { e.to_string() }),
            }
        }
        loop {
            let started = Instant::now();
            let resp = http
                .get(format!("{base}/v1/sync/pull"))
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                .bearer_auth(&self.access)
                .query(&[("since", self.since.to_string()), ("limit", "1000".into())])
                .send()
                .await;
            let page = match resp {
                Ok(r) if r.status().is_success() => r.json::<PullResponse>().await.map_err(|e| e.to_string()),
                Ok(r) => Err(r.status().to_string()),
                Err(e) => Err(if e.is_timeout() { "timed out".into() } else { e.to_string() }),
            };
            let page = match page {
                Ok(page) => page,
                Err(why) => {
                    tally.fail("pull", why);
                    return;
                }
            };
            tally.pull.push(started.elapsed().as_secs_f64() * 1000.0);
            tally.rows += page.changes.len();
            self.since = page.next_since;
            if !page.has_more {
                return;
            }
        }
    }
}

/// Enrols a desk at `place`'s store and moves its cursor to the head (it has synced before).
async fn enrol(server: &TestServer, org: Uuid, place: Place, base: &str, seed: u64) -> Desk {
    let code =
        admin::issue_enrollment_code(&server.pool, org, place.store, chrono::Duration::hours(2)).await.expect("code");
    let http = reqwest::Client::new();
    let device = Uuid::now_v7();
    let enrolled: EnrollResponse = http
        .post(format!("{base}/v1/enroll"))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .json(&EnrollRequest { code, device_id: device, device_name: format!("Till {seed}") })
        .send()
        .await
        .expect("enrol")
        .error_for_status()
        .expect("enrolled")
        .json()
        .await
        .expect("enrol response");
    let head: PullResponse = http
        .get(format!("{base}/v1/sync/pull"))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .bearer_auth(&enrolled.access_token)
        .query(&[("since", "0"), ("limit", "1")])
        .send()
        .await
        .expect("pull")
        .json()
        .await
        .expect("pull response");
    Desk {
        place,
        http,
        device,
        access: enrolled.access_token,
        since: head.head_seq,
        counter: 0,
        last_wall: 0,
        rng: StdRng::seed_from_u64(seed),
        outbox: Vec::new(),
    }
}

struct Cadence {
    log_every: Duration,
    sync_every: Duration,
    seconds: u64,
}

/// Runs `desks` for the phase, desk `i` against `bases[i % n]`; returns them and each one's tally.
async fn run_phase(desks: Vec<Desk>, bases: &[String], cadence: &Cadence) -> (Vec<Desk>, Vec<Tally>) {
    let stop = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    for (i, mut desk) in desks.into_iter().enumerate() {
        let base = bases[i % bases.len()].clone();
        let stop = stop.clone();
        let log_every = cadence.log_every.as_secs_f64();
        let sync_every = cadence.sync_every.as_secs_f64();
        handles.push(tokio::spawn(async move {
            let http = desk.http.clone();
            let mut tally = Tally::default();
            let start = tokio::time::Instant::now();
            // Logs arrive as a Poisson process; syncs on the desk's own timer, started at a
            // random point of it so the desks do not march in step.
            let exp = |rng: &mut StdRng, mean: f64| -mean * (1.0 - rng.random::<f64>()).ln();
            let mut next_log = start + Duration::from_secs_f64(exp(&mut desk.rng, log_every));
            let mut next_sync = start + Duration::from_secs_f64(desk.rng.random::<f64>() * sync_every);
            while !stop.load(Ordering::Relaxed) {
                let wake = next_log.min(next_sync);
                tokio::time::sleep_until(wake).await;
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let now = tokio::time::Instant::now();
                if now >= next_log {
                    desk.log_conversation();
                    next_log = now + Duration::from_secs_f64(exp(&mut desk.rng, log_every));
                }
                desk.sync(&http, &base, &mut tally).await;
                let jitter = 0.9 + 0.2 * desk.rng.random::<f64>();
                next_sync = tokio::time::Instant::now() + Duration::from_secs_f64(sync_every * jitter);
            }
            (desk, tally)
        }));
    }
    tokio::time::sleep(Duration::from_secs(cadence.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut desks = Vec::new();
    let mut tallies = Vec::new();
    for h in handles {
        let (d, t) = h.await.expect("desk task");
        desks.push(d);
        tallies.push(t);
    }
    (desks, tallies)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The mean of the slowest 1% (at least one).
fn heaviest(sorted: &[f64]) -> f64 {
    let n = sorted.len().div_ceil(100).max(1).min(sorted.len());
    if n == 0 {
        return f64::NAN;
    }
    sorted[sorted.len() - n..].iter().sum::<f64>() / n as f64
}

/// One row of the table; returns (push p50, push p99, pull p50, pull p99, heaviest 1% line).
fn row(
    phase: &str,
    org: &str,
    desks: usize,
    mut t: Tally,
    seconds: f64,
    failures: &mut Vec<String>,
) -> ([f64; 4], String) {
    for (why, n) in std::mem::take(&mut t.why) {
        failures.push(format!("  {phase}, {org}: {n} × {why}"));
    }
    t.push.sort_by(f64::total_cmp);
    t.pull.sort_by(f64::total_cmp);
    let figures = [pct(&t.push, 0.5), pct(&t.push, 0.99), pct(&t.pull, 0.5), pct(&t.pull, 0.99)];
    let top = format!(
        "  {phase}, {org}: heaviest 1% push {:.1} ms, pull page {:.1} ms (mean)",
        heaviest(&t.push),
        heaviest(&t.pull)
    );
    println!(
        "| {phase:<26} | {org:<12} | {desks:>5} | {:>6} | {:>6.1} | {:>7.1} | {:>7.1} | {:>6} | {:>6.1} | {:>6.1} | {:>7.1} | {:>7.0} | {:>7.0} | {:>4} | {:>4} |",
        t.push.len(),
        pct(&t.push, 0.5),
        figures[1],
        t.push.last().copied().unwrap_or(f64::NAN),
        t.pull.len(),
        pct(&t.pull, 0.5),
        figures[3],
        t.pull.last().copied().unwrap_or(f64::NAN),
        t.applied as f64 / seconds,
        t.rows as f64 / seconds,
        t.refused,
        t.failed,
    );
    (figures, top)
}

/// Samples the database's connections (all, and active) until told to stop; returns the most seen.
fn watch_connections(pool: sqlx::PgPool, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<(i64, i64)> {
    tokio::spawn(async move {
        let (mut all, mut active) = (0i64, 0i64);
        while !stop.load(Ordering::Relaxed) {
            let seen: Result<(i64, i64), _> = sqlx::query_as(
                "SELECT count(*), count(*) FILTER (WHERE state = 'active')
                 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .fetch_one(&pool)
            .await;
            if let Ok((a, b)) = seen {
                all = all.max(a);
                active = active.max(b);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        (all, active)
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let full = std::env::var("BENCH_SCALE").is_ok_and(|v| v == "full");
    let conversations = env_usize("BENCH_CONVERSATIONS", if full { 10_000_000 } else { 1_000_000 });
    let customers = env_usize("BENCH_CUSTOMERS", conversations / 10);
    let stores = env_usize("BENCH_STORES", 200);
    let chain_desks = env_usize("BENCH_DESKS", 500);
    let other_desks = env_usize("BENCH_OTHER_DESKS", 10);
    let cadence = Cadence {
        log_every: Duration::from_millis(env_usize("BENCH_LOG_EVERY_MS", 10_000) as u64),
        sync_every: Duration::from_millis(env_usize("BENCH_SYNC_EVERY_MS", 15_000) as u64),
        seconds: env_usize("BENCH_SECONDS", if full { 90 } else { 45 }) as u64,
    };
    eprintln!(
        "server load: {chain_desks} desks of a chain ({stores} stores, {conversations} conversations, {customers} customers) \
         and {other_desks} of a second organisation; a conversation every {:.0} s and a sync every {:.0} s a desk, {} s a phase",
        cadence.log_every.as_secs_f64(),
        cadence.sync_every.as_secs_f64(),
        cadence.seconds
    );
    let server = match std::env::var("BENCH_DATABASE") {
        Ok(name) => TestServer::start_on_existing(&name).await,
        Err(_) => {
            let server = TestServer::start().await;
            chain::populate(&server, stores, conversations, customers).await;
            chain::change_log(&server).await;
            server
        }
    };
    let database: String =
        sqlx::query_scalar("SELECT current_database()::text").fetch_one(&server.pool).await.expect("name");
    let size: String = sqlx::query_scalar("SELECT pg_size_pretty(pg_database_size(current_database()))")
        .fetch_one(&server.pool)
        .await
        .expect("size");
    let log_rows = server.change_count().await;
    eprintln!("  data in database {database}, {size}, {log_rows} change-log rows (BENCH_DATABASE={database} measures it again)");

    // The chain's stores and people, as `chain::populate` made them.
    let (store_ids, tp_ids, staff_ids) = chain::populated(&server).await;
    let chain_customers: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT customer_id, home_store_id FROM customers WHERE org_id = $1 AND home_store_id IS NOT NULL
         ORDER BY customer_id LIMIT 200000",
    )
    .bind(server.org)
    .fetch_all(&server.pool)
    .await
    .expect("customers");
    let places: Vec<Place> = (0..chain_desks)
        .map(|i| {
            let s = i % store_ids.len();
            Place {
                org: 0,
                store: store_ids[s],
                staff: staff_ids[s * STAFF_PER_STORE..(s + 1) * STAFF_PER_STORE].to_vec(),
                touch_points: tp_ids.clone(),
                customers: chain_customers
                    .iter()
                    .filter(|(_, h)| *h == store_ids[s])
                    .take(300)
                    .map(|(c, _)| *c)
                    .collect(),
            }
        })
        .collect();

    // The second organisation: two stores with their people, the catalogue's touch points.
    let other = admin::create_org(&server.pool, "Second Chain").await.expect("org");
    let mut other_places = Vec::new();
    for s in 0..2 {
        let store = admin::create_store(&server.pool, other, &format!("Second {s}"), Some("Europe/Lisbon"))
            .await
            .expect("store");
        let mut staff = Vec::new();
        for p in 0..3 {
            staff.push(
                admin::create_staff(&server.pool, other, Some(store), &format!("Other {s}.{p}"), Role::Frontline, None)
                    .await
                    .expect("staff"),
            );
        }
        let tps: Vec<Uuid> = sqlx::query_scalar("SELECT touch_point_id FROM touch_points WHERE org_id = $1")
            .bind(other)
            .fetch_all(&server.pool)
            .await
            .expect("touch points");
        other_places.push(Place { org: 1, store, staff, touch_points: tps, customers: Vec::new() });
    }

    let logs = tempfile::tempdir().expect("log dir");
    let first = Instance::start(&server.database_url, &logs.path().join("server-1.log")).await;
    let enrolled = AtomicUsize::new(0);
    let started = Instant::now();
    let mut chain_fleet = Vec::new();
    for (i, place) in places.into_iter().enumerate() {
        chain_fleet.push(enrol(&server, server.org, place, &first.url, i as u64).await);
        enrolled.fetch_add(1, Ordering::Relaxed);
    }
    let mut other_fleet = Vec::new();
    for i in 0..other_desks {
        let place = other_places[i % other_places.len()].clone();
        other_fleet.push(enrol(&server, other, place, &first.url, 100_000 + i as u64).await);
    }
    eprintln!(
        "  {} desks enrolled in {:.0} s",
        enrolled.load(Ordering::Relaxed) + other_fleet.len(),
        started.elapsed().as_secs_f64()
    );

    let ticks = clock_ticks_per_second();
    println!();
    println!(
        "| phase                      | organisation | desks | pushes | p50 ms | p99 ms  | max ms  | pulls  | p50 ms | p99 ms | max ms  | ops/s   | rows/s  | ref. | fail |"
    );
    println!(
        "|----------------------------|--------------|-------|--------|--------|---------|---------|--------|--------|--------|---------|---------|---------|------|------|"
    );
    let mut resources = Vec::new();
    let mut failures = Vec::new();
    let mut second: Option<Instance> = None;
    let mut goal = [f64::NAN; 4];
    let mut other_alone = [f64::NAN; 4];
    let mut other_loaded = Vec::new();
    let mut tops = Vec::new();
    for phase in ["second organisation alone", "both, one instance", "both, two instances"] {
        let mut bases = vec![first.url.clone()];
        if phase == "both, two instances" {
            let two = Instance::start(&server.database_url, &logs.path().join("server-2.log")).await;
            bases.push(two.url.clone());
            second = Some(two);
        }
        let with_chain = phase != "second organisation alone";
        let mut fleet = std::mem::take(&mut other_fleet);
        let other_n = fleet.len();
        if with_chain {
            fleet.append(&mut chain_fleet);
        }
        let pids: Vec<u32> = std::iter::once(first.pid()).chain(second.as_ref().map(Instance::pid)).collect();
        let server_before: u64 = pids.iter().map(|p| cpu_ticks(*p)).sum();
        let pg_before = postgres_ticks();
        let desks_before = cpu_ticks(std::process::id());
        let steal_before = steal_ticks();
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = watch_connections(server.pool.clone(), stop.clone());
        let t0 = Instant::now();
        let (mut desks, tallies) = run_phase(fleet, &bases, &cadence).await;
        let seconds = t0.elapsed().as_secs_f64();
        stop.store(true, Ordering::Relaxed);
        let (conns, active) = watcher.await.expect("watcher");
        let server_cpu = (pids.iter().map(|p| cpu_ticks(*p)).sum::<u64>() - server_before) as f64 / ticks / seconds;
        let pg_cpu = (postgres_ticks() - pg_before) as f64 / ticks / seconds;
        let desks_cpu = (cpu_ticks(std::process::id()) - desks_before) as f64 / ticks / seconds;
        let steal = (steal_ticks() - steal_before) as f64 / ticks / seconds;
        let rss: Vec<String> =
            pids.iter().map(|p| format!("{:.0} MB (peak {:.0})", rss_mb(*p, "VmRSS:"), rss_mb(*p, "VmHWM:"))).collect();
        let (mut other_t, mut chain_t) = (Tally::default(), Tally::default());
        for (d, t) in desks.iter().zip(tallies) {
            if d.place.org == 1 {
                other_t.add(t);
            } else {
                chain_t.add(t);
            }
        }
        let (o, top) = row(phase, "second", other_n, other_t, seconds, &mut failures);
        tops.push(top);
        if with_chain {
            let (c, top) = row(phase, "chain", desks.len() - other_n, chain_t, seconds, &mut failures);
            tops.push(top);
            goal = c;
            other_loaded.push(o);
        } else {
            other_alone = o;
        }
        resources.push(format!(
            "| {phase:<26} | {:>9.0}% | {:>13.0}% | {:>8.0}% | {:>10.0}% | {conns:>5} ({active:>3} active) | {} |",
            server_cpu * 100.0,
            pg_cpu * 100.0,
            desks_cpu * 100.0,
            steal * 100.0,
            rss.join(", ")
        ));
        let (others, chains): (Vec<Desk>, Vec<Desk>) = desks.drain(..).partition(|d| d.place.org == 1);
        other_fleet = others;
        if with_chain {
            chain_fleet = chains;
        }
    }
    println!();
    println!("The slowest requests, on their own:");
    for t in &tops {
        println!("{t}");
    }
    if !failures.is_empty() {
        println!();
        println!("Failed requests:");
        for f in &failures {
            println!("{f}");
        }
    }
    println!();
    println!(
        "| phase                      | server CPU | PostgreSQL CPU | desks CPU | host steal | database connections (most) | server RSS |"
    );
    println!(
        "|----------------------------|------------|----------------|-----------|------------|-----------------------------|------------|"
    );
    for r in resources {
        println!("{r}");
    }
    println!();
    println!(
        "CPU is a share of one core (this machine has {}); the desks' own work runs in this bench's process, beside them; \
         host steal is CPU the virtual machine's host gave to others (a phase with much of it ran on a slower machine).",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    // The floor: the same desks' requests on the same server with nothing else running (the
    // second organisation alone); each loaded figure is printed beside it as a ratio.
    let ratio = |loaded: f64, floor: f64| loaded / floor.max(1e-9);
    println!(
        "floor (second organisation alone): push p50 {:.1} / p99 {:.1} ms, pull page p50 {:.1} / p99 {:.1} ms",
        other_alone[0], other_alone[1], other_alone[2], other_alone[3]
    );
    println!(
        "goal at {chain_desks} desks (last phase): push p99 {:.0} ms (≤ 250; {:.1}x the floor), \
         pull page p99 {:.0} ms (≤ 100; {:.1}x the floor)",
        goal[1],
        ratio(goal[1], other_alone[1]),
        goal[3],
        ratio(goal[3], other_alone[3])
    );
    for (phase, o) in ["one instance", "two instances"].iter().zip(&other_loaded) {
        println!(
            "second organisation beside the chain, {phase}: push p50 {:.1} ms ({:.1}x alone), p99 {:.0} ms ({:.1}x); \
             pull page p50 {:.1} ms ({:.1}x), p99 {:.0} ms ({:.1}x)",
            o[0],
            ratio(o[0], other_alone[0]),
            o[1],
            ratio(o[1], other_alone[1]),
            o[2],
            ratio(o[2], other_alone[2]),
            o[3],
            ratio(o[3], other_alone[3])
        );
    }
    drop(second);
    drop(first);
}
