//! Harness for sync scenarios: a real `touchpoint-server` on a random loopback port over a
//! fresh PostgreSQL database (from `DATABASE_URL`, which `make test` provides by starting a
//! throw-away cluster), and desks that are real core clients with their own SQLite files.
//! A test without `DATABASE_URL` fails and says so; nothing is skipped.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use tempfile::TempDir;
use touchpoint_core::clock::FakeClock;
use touchpoint_core::customers::{Customer, NewCustomer};
use touchpoint_core::interactions::{LogInteraction, LoggedInteraction};
use touchpoint_core::protocol::{ContactChannel, Outcome, Role};
use touchpoint_core::sync::{
    HttpTransport, PullRequest, SharedDesk, SyncEngine, SyncError, SyncReport, Transport, TransportError,
    TransportResult,
};
use touchpoint_core::{Desk, DeskOptions};
use touchpoint_protocol::{
    AdoptResponse, ApiError, ConflictsResponse, EnrollRequest, EnrollResponse, ErrorCode, PullResponse, PushRequest,
    PushResponse, RecentConflictsResponse, RemoteCustomer, TokenRequest, TokenResponse, PROTOCOL_HEADER,
    PROTOCOL_VERSION,
};
use touchpoint_server::limits::RateLimits;
use touchpoint_server::serve::ServeOptions;
use touchpoint_server::{admin, AppState, Faults, Tokens};
use uuid::Uuid;

pub mod browser;
pub mod chain;

pub use touchpoint_server;

pub fn database_url() -> String {
    std::env::var("DATABASE_URL").expect(
        "DATABASE_URL must point at a PostgreSQL server: run these tests through `make test` \
         (or scripts/with-postgres.sh cargo test -p touchpoint-sync-tests)",
    )
}

/// A fresh, migrated database of its own for one test.
pub async fn fresh_database() -> (PgPool, String) {
    let admin_url = database_url();
    let admin = PgPoolOptions::new().max_connections(1).connect(&admin_url).await.expect("connect to PostgreSQL");
    let name = format!("tp_{}", Uuid::now_v7().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.expect("create database");
    admin.close().await;
    let url = with_database(&admin_url, &name);
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(touchpoint_server::connect_options(&url).expect("database URL"))
        .await
        .expect("connect to the test database");
    touchpoint_server::migrate(&pool).await.expect("migrate");
    (pool, url)
}

/// `postgres://…/postgres?host=…` with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The server, running on its own runtime in its own thread so a test can kill it mid-request
/// (everything in flight is dropped, as in a crash) and start it again on the same port.
pub struct TestServer {
    pub url: String,
    pub database_url: String,
    /// The test's own pool on the server's database (for setup and for looking inside).
    pub pool: PgPool,
    pub faults: Arc<Faults>,
    pub org: Uuid,
    pub store: Uuid,
    /// A supervisor and a frontline staff member of `store`.
    pub supervisor: Uuid,
    pub frontline: Uuid,
    addr: SocketAddr,
    access_ttl: chrono::Duration,
    limits: RateLimits,
    options: ServeOptions,
    pool_size: u32,
    org_share: Option<usize>,
    running: Option<Running>,
}

/// Limits no scenario reaches, except the ones about limits.
pub fn generous_limits() -> RateLimits {
    RateLimits {
        enroll_per_minute: 10_000,
        token_per_minute: 10_000,
        lookups_per_minute: 10_000,
        sign_in_per_minute: 10_000,
        behind_proxy: false,
    }
}

/// A test database with its organisation, store and the store's two people.
struct Made {
    pool: PgPool,
    database_url: String,
    org: Uuid,
    store: Uuid,
    supervisor: Uuid,
    frontline: Uuid,
}

struct Running {
    kill: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

pub const TOKEN_SECRET: &[u8] = b"touchpoint-test-secret";

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with_ttl(chrono::Duration::minutes(15)).await
    }

    pub async fn start_with_ttl(access_ttl: chrono::Duration) -> TestServer {
        Self::start_with(access_ttl, generous_limits()).await
    }

    /// A server with the given rate limits (tests otherwise make many calls from one address).
    pub async fn start_with_limits(limits: RateLimits) -> TestServer {
        Self::start_with(chrono::Duration::minutes(15), limits).await
    }

    /// A server listening as `options` say (TLS, timeouts), each organisation using at most
    /// `org_share` database connections at once, on a pool of `pool` connections.
    pub async fn start_serving(options: ServeOptions, pool: u32, org_share: Option<usize>) -> TestServer {
        Self::start_full(chrono::Duration::minutes(15), generous_limits(), options, pool, org_share).await
    }

    /// A server on a database an earlier run left (`name`, on the server `DATABASE_URL` names),
    /// brought up to the newest migrations: for benches that re-measure a data set that takes
    /// long to build. The organisation, store and people are those `start` made there.
    pub async fn start_on_existing(name: &str) -> TestServer {
        let database_url = with_database(&database_url(), name);
        let options = touchpoint_server::connect_options(&database_url).expect("database URL");
        let pool =
            PgPoolOptions::new().max_connections(8).connect_with(options).await.expect("connect to the database");
        touchpoint_server::migrate(&pool).await.expect("migrate");
        let org: Uuid = sqlx::query_scalar("SELECT org_id FROM organisations WHERE name = 'Test Retail'")
            .fetch_one(&pool)
            .await
            .expect("the test organisation");
        let id = |sql: &'static str| {
            let pool = pool.clone();
            async move { sqlx::query_scalar::<_, Uuid>(sql).bind(org).fetch_one(&pool).await.expect(sql) }
        };
        let store = id("SELECT store_id FROM stores WHERE org_id = $1 AND name = 'High Street'").await;
        let supervisor = id("SELECT staff_id FROM staff WHERE org_id = $1 AND name = 'Priya Shah'").await;
        let frontline = id("SELECT staff_id FROM staff WHERE org_id = $1 AND name = 'Maria Lopes'").await;
        let made = Made { pool, database_url, org, store, supervisor, frontline };
        Self::launch(made, chrono::Duration::minutes(15), generous_limits(), ServeOptions::default(), 8, None)
    }

    async fn start_with(access_ttl: chrono::Duration, limits: RateLimits) -> TestServer {
        Self::start_full(access_ttl, limits, ServeOptions::default(), 8, None).await
    }

    async fn start_full(
        access_ttl: chrono::Duration,
        limits: RateLimits,
        options: ServeOptions,
        pool_size: u32,
        org_share: Option<usize>,
    ) -> TestServer {
        let (pool, database_url) = fresh_database().await;
        let org = admin::create_org(&pool, "Test Retail").await.expect("org");
        let store = admin::create_store(&pool, org, "High Street", Some("Europe/London")).await.expect("store");
        let supervisor = admin::create_staff(&pool, org, Some(store), "Priya Shah", Role::Supervisor, None)
            .await
            .expect("supervisor");
        let frontline = admin::create_staff(&pool, org, Some(store), "Maria Lopes", Role::Frontline, None)
            .await
            .expect("frontline");
        let made = Made { pool, database_url, org, store, supervisor, frontline };
        Self::launch(made, access_ttl, limits, options, pool_size, org_share)
    }

    /// Starts the server on a port of its own over what `made` holds.
    fn launch(
        made: Made,
        access_ttl: chrono::Duration,
        limits: RateLimits,
        options: ServeOptions,
        pool_size: u32,
        org_share: Option<usize>,
    ) -> TestServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().expect("address");
        drop(listener);
        let scheme = if options.tls.is_some() { "https" } else { "http" };
        let host = if options.tls.is_some() { format!("localhost:{}", addr.port()) } else { addr.to_string() };
        let Made { pool, database_url, org, store, supervisor, frontline } = made;
        let mut server = TestServer {
            url: format!("{scheme}://{host}"),
            database_url,
            pool,
            faults: Arc::new(Faults::default()),
            org,
            store,
            supervisor,
            frontline,
            addr,
            access_ttl,
            limits,
            options,
            pool_size,
            org_share,
            running: None,
        };
        server.run();
        server
    }

    fn run(&mut self) {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (kill_tx, kill_rx) = tokio::sync::oneshot::channel::<()>();
        let url = self.database_url.clone();
        let faults = self.faults.clone();
        let addr = self.addr;
        let ttl = self.access_ttl;
        let limits = self.limits;
        let options = self.options.clone();
        let pool_size = self.pool_size;
        let org_share = self.org_share;
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let connect = touchpoint_server::connect_options(&url).expect("database URL");
                let pool = PgPoolOptions::new().max_connections(pool_size).connect_with(connect).await.expect("server pool");
                // Webhooks to a receiver on loopback, retried within a test's patience.
                let webhooks = touchpoint_server::webhooks::WebhookOptions {
                    allow_http: true,
                    retry_base: std::time::Duration::from_millis(50),
                    poll: std::time::Duration::from_millis(100),
                    overdue_every: std::time::Duration::from_millis(200),
                };
                let mut state = AppState::new(pool, Tokens::new(TOKEN_SECRET, ttl))
                    .with_rate_limits(limits)
                    .with_webhooks(webhooks);
                if let Some(n) = org_share {
                    state = state.with_org_share(n);
                }
                state.faults = faults;
                let mut listener = None;
                for _ in 0..100 {
                    match tokio::net::TcpListener::bind(addr).await {
                        Ok(l) => {
                            listener = Some(l);
                            break;
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                }
                let listener = listener.expect("the server's port is free again");
                ready_tx.send(()).expect("ready");
                tokio::select! {
                    r = touchpoint_server::serve::serve_with(listener, state, options, std::future::pending()) => r.expect("serve"),
                    _ = kill_rx => {}
                }
            });
            // Whatever was in flight is dropped here, mid-transaction, as in a crash.
            rt.shutdown_background();
        });
        ready_rx.recv_timeout(Duration::from_secs(30)).expect("server started");
        self.running = Some(Running { kill: kill_tx, thread });
    }

    /// Kills the server: requests in flight die with it, their transactions uncommitted.
    pub fn kill(&mut self) {
        if let Some(r) = self.running.take() {
            let _ = r.kill.send(());
            r.thread.join().expect("server thread ends");
        }
    }

    /// Starts the server again on the same port and database.
    pub fn restart(&mut self) {
        self.kill();
        self.run();
    }

    pub async fn enrollment_code(&self) -> String {
        self.enrollment_code_for(self.store).await
    }

    pub async fn enrollment_code_for(&self, store: Uuid) -> String {
        admin::issue_enrollment_code(&self.pool, self.org, store, chrono::Duration::hours(1)).await.expect("code")
    }

    /// A code for a device of `role` in the main store (a frontline till, a supervisor's desk…).
    pub async fn enrollment_code_as(&self, role: Role) -> String {
        admin::issue_enrollment_code_as(&self.pool, self.org, self.store, role, &[], false, chrono::Duration::hours(1))
            .await
            .expect("code")
    }

    /// The role of a staff member, as the server holds it.
    pub async fn role_of(&self, staff: Uuid) -> Role {
        let role: String = sqlx::query_scalar("SELECT role FROM staff WHERE org_id = $1 AND staff_id = $2")
            .bind(self.org)
            .bind(staff)
            .fetch_one(&self.pool)
            .await
            .expect("staff role");
        role.parse().expect("a role")
    }

    /// A code for a device of `store` that also reads `also` (or, with `whole_org`, everything).
    pub async fn enrollment_code_reading(&self, store: Uuid, also: &[Uuid], whole_org: bool) -> String {
        admin::issue_enrollment_code_reading(&self.pool, self.org, store, also, whole_org, chrono::Duration::hours(1))
            .await
            .expect("code")
    }

    /// Another store of the organisation, with a frontline staff member; returns both ids.
    pub async fn another_store(&self, name: &str, staff: &str) -> (Uuid, Uuid) {
        let store = admin::create_store(&self.pool, self.org, name, None).await.expect("store");
        let person =
            admin::create_staff(&self.pool, self.org, Some(store), staff, Role::Frontline, None).await.expect("staff");
        (store, person)
    }

    /// Rows of the change log.
    pub async fn change_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM change_log WHERE org_id = $1")
            .bind(self.org)
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&self.pool).await.expect(sql)
    }
}

/// Two stores, each with its supervisor at an enrolled desk: the first store's
/// (`server.supervisor`) and Braga (made here, with Carla Dias at the desk and Duarte Lima, its
/// supervisor, signed in).
pub struct TwoStores {
    pub braga: Uuid,
    pub braga_supervisor: Uuid,
    pub lisbon_desk: TestDesk,
    pub braga_desk: TestDesk,
}

impl TestServer {
    pub async fn two_supervised_stores(&self) -> TwoStores {
        let (braga, _) = self.another_store("Braga", "Carla Dias").await;
        let braga_supervisor =
            admin::create_staff(&self.pool, self.org, Some(braga), "Duarte Lima", Role::Supervisor, None)
                .await
                .expect("supervisor");
        let lisbon_desk = TestDesk::enrolled(self, self.supervisor).await;
        let braga_desk = TestDesk::new(&self.url);
        let code = admin::issue_enrollment_code_as(
            &self.pool,
            self.org,
            braga,
            Role::Supervisor,
            &[],
            false,
            chrono::Duration::hours(1),
        )
        .await
        .expect("code");
        braga_desk.enroll_as(self, &code, braga_supervisor).await;
        TwoStores { braga, braga_supervisor, lisbon_desk, braga_desk }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().expect("valid time")
}

/// A desk: a real core client with its own SQLite file, a clock the test moves, and a sync
/// engine talking HTTP to the test server.
pub struct TestDesk {
    pub desk: SharedDesk,
    pub engine: Arc<SyncEngine<FaultyTransport>>,
    pub clock: FakeClock,
    pub dir: TempDir,
}

impl TestDesk {
    /// A desk whose clock reads the real time (the server checks stamps against its own).
    pub fn new(server_url: &str) -> TestDesk {
        Self::with_clock(server_url, FakeClock::at(Utc::now()))
    }

    pub fn with_clock(server_url: &str, clock: FakeClock) -> TestDesk {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::open(server_url, clock, dir)
    }

    /// A desk talking to the server through `http` (one that trusts a test CA, say).
    pub fn with_http(http: HttpTransport) -> TestDesk {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::open_with(FaultyTransport::over(http), FakeClock::at(Utc::now()), dir)
    }

    fn open(server_url: &str, clock: FakeClock, dir: TempDir) -> TestDesk {
        Self::open_with(FaultyTransport::new(server_url), clock, dir)
    }

    fn open_with(transport: FaultyTransport, clock: FakeClock, dir: TempDir) -> TestDesk {
        let desk = Desk::open(
            &dir.path().join(touchpoint_core::DATABASE_FILE),
            &DeskOptions { region: Some("GB".into()) },
            Arc::new(clock.clone()),
        )
        .expect("desk opens");
        let desk = Arc::new(Mutex::new(desk));
        let engine = Arc::new(SyncEngine::new(desk.clone(), transport));
        TestDesk { desk, engine, clock, dir }
    }

    /// Closes the desk as a process ending would; its files stay for `open_at`.
    pub fn close(self) -> (TempDir, FakeClock) {
        let TestDesk { desk, engine, clock, dir } = self;
        drop(engine);
        drop(Arc::try_unwrap(desk).map_err(|_| "desk still shared").expect("sole owner"));
        (dir, clock)
    }

    /// The desk in `dir` opened again (after `close`, or after another process used it).
    pub fn open_at(server_url: &str, clock: FakeClock, dir: TempDir) -> TestDesk {
        Self::open(server_url, clock, dir)
    }

    /// An enrolled desk of `server`'s store, with its first sync done and `staff` signed in.
    pub async fn enrolled(server: &TestServer, staff: Uuid) -> TestDesk {
        Self::enrolled_with_clock(server, staff, FakeClock::at(Utc::now())).await
    }

    /// A desk enrolled as `staff`'s kind of device (a till for frontline staff, a supervisor's
    /// desk for a supervisor), synced once, with them signed in.
    pub async fn enrolled_with_clock(server: &TestServer, staff: Uuid, clock: FakeClock) -> TestDesk {
        let desk = TestDesk::with_clock(&server.url, clock);
        let code = server.enrollment_code_as(server.role_of(staff).await).await;
        desk.enroll_with(server, &code).await;
        desk.sync().await;
        desk.with(|d| d.sign_in(staff, None)).expect("sign in");
        desk
    }

    pub async fn enroll(&self, server: &TestServer) {
        let code = server.enrollment_code().await;
        self.enroll_with(server, &code).await;
    }

    /// Enrolls with a given code, syncs once and signs `staff` in.
    pub async fn enroll_as(&self, server: &TestServer, code: &str, staff: Uuid) {
        self.enroll_with(server, code).await;
        self.sync().await;
        self.with(|d| d.sign_in(staff, None)).expect("sign in");
    }

    pub async fn enroll_with(&self, server: &TestServer, code: &str) {
        touchpoint_core::sync::enroll(&self.desk, self.engine.transport(), &server.url, code, "Test desk", false)
            .await
            .expect("enrolls");
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut Desk) -> touchpoint_core::Result<T>) -> touchpoint_core::Result<T> {
        let mut d = self.desk.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut d)
    }

    pub async fn sync(&self) -> SyncReport {
        self.engine.sync_once().await.expect("sync round succeeds")
    }

    pub async fn try_sync(&self) -> Result<SyncReport, SyncError> {
        self.engine.sync_once().await
    }

    /// An access token for calls the test makes itself. The server rotates the refresh token
    /// on every exchange, so the desk keeps the new one, as its engine does.
    pub async fn access_token(&self) -> String {
        let s = self.with(|d| d.sync_settings()).expect("settings").expect("enrolled");
        let resp = self
            .engine
            .transport()
            .inner
            .token(&TokenRequest { device_id: s.device_id, refresh_token: s.refresh_token })
            .await
            .expect("token");
        if let Some(next) = &resp.refresh_token {
            self.with(|d| d.keep_refresh_token(next)).expect("keep the rotated refresh token");
        }
        resp.access_token
    }

    pub fn customer(&self, name: &str) -> Customer {
        self.with(|d| d.create_customer(&NewCustomer { name: name.into(), ..Default::default() })).expect("customer")
    }

    pub fn log_visit(&self, customer: Option<Uuid>, summary: &str) -> LoggedInteraction {
        self.with(|d| {
            let tp = d.touch_points()?[0].id;
            d.log_interaction(&LogInteraction {
                submission_id: uuid::Uuid::now_v7(),
                customer_id: customer,
                touch_point_id: tp,
                channel: ContactChannel::InPerson,
                reason: Some("Returns".into()),
                outcome: Outcome::Resolved,
                duration_secs: Some(120),
                summary: Some(summary.into()),
                occurred_at: None,
                feeling: None,
                csat: None,
                nps: None,
                ces: None,
                verbatim: None,
                check_in: None,
            })
        })
        .expect("logged")
    }

    pub fn edit(&self, edit: touchpoint_core::customers::CustomerEdit) -> Customer {
        self.with(|d| d.update_customer(&edit)).expect("profile edited")
    }

    pub fn device_id(&self) -> Uuid {
        self.with(|d| Ok(d.info()?.device_id)).expect("device id")
    }

    pub fn pending(&self) -> u32 {
        self.with(|d| d.outbox_counts()).expect("counts").pending
    }

    pub fn query_i64(&self, sql: &str) -> i64 {
        self.with(|d| Ok(d.connection().query_row(sql, [], |r| r.get(0))?)).expect(sql)
    }

    pub fn query_text(&self, sql: &str) -> Option<String> {
        self.with(|d| Ok(d.connection().query_row(sql, [], |r| r.get(0))?)).expect(sql)
    }
}

/// The HTTP transport with faults a test can switch on: the network gone, a response lost
/// after the server did the work, a server answering 503. It also counts what went through.
pub struct FaultyTransport {
    pub inner: HttpTransport,
    /// Every call fails as if the network were gone.
    pub offline: AtomicBool,
    /// This many push responses are lost after the server handled the push.
    pub lose_push_responses: AtomicUsize,
    /// This many pushes fail with 503 before reaching the server's logic.
    pub unavailable_pushes: AtomicUsize,
    /// Every push holding this op fails with 500, as a server with a bug that one op triggers.
    pub poison_op: Mutex<Option<Uuid>>,
    /// Every push fails with 500, as a server that is broken for everyone.
    pub broken: AtomicBool,
    pub pushes: AtomicUsize,
    pub pulls: AtomicUsize,
    pub tokens: AtomicUsize,
    /// Answers of 401 (an access token the server no longer takes).
    pub unauthorized: AtomicUsize,
    /// The most changes any one pulled page carried.
    pub largest_page: AtomicUsize,
}

impl FaultyTransport {
    pub fn new(url: &str) -> Self {
        Self::over(HttpTransport::new(url).expect("server url"))
    }

    pub fn over(inner: HttpTransport) -> Self {
        FaultyTransport {
            inner,
            offline: AtomicBool::new(false),
            lose_push_responses: AtomicUsize::new(0),
            unavailable_pushes: AtomicUsize::new(0),
            poison_op: Mutex::new(None),
            broken: AtomicBool::new(false),
            pushes: AtomicUsize::new(0),
            pulls: AtomicUsize::new(0),
            tokens: AtomicUsize::new(0),
            unauthorized: AtomicUsize::new(0),
            largest_page: AtomicUsize::new(0),
        }
    }

    fn count_401<T>(&self, r: TransportResult<T>) -> TransportResult<T> {
        if matches!(r, Err(TransportError::Server { status: 401, .. })) {
            self.unauthorized.fetch_add(1, Ordering::SeqCst);
        }
        r
    }

    fn check_online(&self) -> TransportResult<()> {
        if self.offline.load(Ordering::SeqCst) {
            return Err(TransportError::Offline("network unplugged by the test".into()));
        }
        Ok(())
    }
}

fn take_one(counter: &AtomicUsize) -> bool {
    counter.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
}

impl Transport for FaultyTransport {
    async fn enroll(&self, req: &EnrollRequest) -> TransportResult<EnrollResponse> {
        self.check_online()?;
        self.inner.enroll(req).await
    }

    async fn token(&self, req: &TokenRequest) -> TransportResult<TokenResponse> {
        self.check_online()?;
        self.tokens.fetch_add(1, Ordering::SeqCst);
        self.inner.token(req).await
    }

    async fn report(&self, access: &str, req: &touchpoint_protocol::DeskReport) -> TransportResult<()> {
        self.check_online()?;
        self.inner.report(access, req).await
    }

    async fn push(&self, access: &str, req: &PushRequest) -> TransportResult<PushResponse> {
        self.check_online()?;
        self.pushes.fetch_add(1, Ordering::SeqCst);
        if take_one(&self.unavailable_pushes) {
            return Err(TransportError::Server {
                status: 503,
                code: touchpoint_protocol::ErrorCode::Unavailable,
                message: "The server is busy.".into(),
                retry_after: Some(Duration::from_secs(1)),
            });
        }
        let poison = *self.poison_op.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.broken.load(Ordering::SeqCst) || req.ops.iter().any(|o| Some(o.op_id) == poison) {
            return Err(TransportError::Server {
                status: 500,
                code: touchpoint_protocol::ErrorCode::Internal,
                message: "The server could not complete the request.".into(),
                retry_after: None,
            });
        }
        let resp = self.count_401(self.inner.push(access, req).await)?;
        if take_one(&self.lose_push_responses) {
            return Err(TransportError::Offline("the connection dropped before the answer arrived".into()));
        }
        Ok(resp)
    }

    async fn pull(&self, access: &str, req: PullRequest) -> TransportResult<PullResponse> {
        self.check_online()?;
        self.pulls.fetch_add(1, Ordering::SeqCst);
        let page = self.count_401(self.inner.pull(access, req).await)?;
        self.largest_page.fetch_max(page.changes.len(), Ordering::SeqCst);
        Ok(page)
    }

    async fn search(&self, access: &str, query: &str, limit: u32) -> TransportResult<Vec<RemoteCustomer>> {
        self.check_online()?;
        self.inner.search(access, query, limit).await
    }

    async fn conflicts(&self, access: &str, customer: Uuid) -> TransportResult<ConflictsResponse> {
        self.check_online()?;
        self.inner.conflicts(access, customer).await
    }

    async fn recent_conflicts(&self, access: &str, limit: u32) -> TransportResult<RecentConflictsResponse> {
        self.check_online()?;
        self.inner.recent_conflicts(access, limit).await
    }

    async fn check_pin(
        &self,
        access: &str,
        req: &touchpoint_protocol::PinCheckRequest,
    ) -> TransportResult<touchpoint_protocol::PinCheckResponse> {
        self.check_online()?;
        self.inner.check_pin(access, req).await
    }

    async fn adopt(&self, access: &str, customer: Uuid) -> TransportResult<AdoptResponse> {
        self.check_online()?;
        self.inner.adopt(access, customer).await
    }
}

/// A hostile or careless client: raw HTTP calls to the server, bodies as the test writes them.
pub struct Api {
    pub client: Client,
    pub base: String,
    pub token: Option<String>,
}

impl Api {
    pub async fn call(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> (StatusCode, Option<ApiError>) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header("content-type", "application/json");
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await.expect("the server answers");
        let status = resp.status();
        let is_json = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let bytes = resp.bytes().await.expect("body");
        let err = if status.is_success() {
            None
        } else {
            assert!(is_json, "{path}: an error is JSON");
            Some(serde_json::from_slice::<ApiError>(&bytes).unwrap_or_else(|e| panic!("{path}: {e}: {bytes:?}")))
        };
        (status, err)
    }

    /// Pushes `ops` as the test wrote them; the batch is answered op by op (a 200).
    pub async fn push_ops(&self, ops: Vec<Value>) -> touchpoint_protocol::PushResponse {
        let resp = self
            .client
            .post(format!("{}/v1/sync/push", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(self.token.as_deref().expect("token"))
            .json(&serde_json::json!({ "ops": ops }))
            .send()
            .await
            .expect("the server answers");
        assert_eq!(resp.status(), StatusCode::OK, "a batch with bad ops is answered op by op");
        resp.json().await.expect("a push response")
    }

    /// Asserts a 4xx JSON error with `code`.
    pub async fn refuses(&self, method: Method, path: &str, body: Option<Vec<u8>>, code: ErrorCode) {
        let (status, err) = self.call(method.clone(), path, body).await;
        assert!(status.is_client_error(), "{method} {path}: {status}");
        let err = err.expect("an error body");
        assert_eq!(err.code, code, "{method} {path}: {}", err.message);
        assert!(!err.message.is_empty());
    }
}

/// `op` as JSON with a fresh op id and entity id, and `edit` applied to its body: a desk's real
/// op, altered the way a hostile or broken client would.
pub fn op_variant(op: &touchpoint_protocol::Op, edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = serde_json::to_value(op).expect("op");
    v["op_id"] = serde_json::json!(Uuid::now_v7());
    for key in ["interaction_id", "follow_up_id", "entry_id", "feedback_id"] {
        if v["body"].get(key).is_some() {
            v["body"][key] = serde_json::json!(Uuid::now_v7());
        }
    }
    edit(&mut v["body"]);
    v
}

pub fn bytes(v: Value) -> Option<Vec<u8>> {
    Some(serde_json::to_vec(&v).expect("json"))
}

/// A raw client holding an access token of `desk`.
pub async fn api_for(server: &TestServer, desk: &TestDesk) -> Api {
    Api { client: Client::new(), base: server.url.clone(), token: Some(desk.access_token().await) }
}
