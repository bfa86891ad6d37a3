//! Touchpoint's central server: devices enroll with a one-time code, push the ops they record
//! offline, and pull everyone else's, in one order per organisation that no reader can skip.

pub mod admin;
mod apply;
pub mod catalogue;
pub mod console;
mod customers;
pub mod db;
mod enroll;
pub mod error;
mod extract;
pub mod limits;
pub mod push;
pub mod serve;
pub mod share;
mod staff;
pub mod staff_import;
pub mod sync;
mod tokens;
pub mod webhooks;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{Json, Router};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

#[cfg(feature = "test-faults")]
pub use push::Faults;
pub use tokens::Tokens;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Brings the database up to date: the migrations, then what they leave for the server's own
/// rules to work out (the survivors of merges made before the server kept them).
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::Error> {
    MIGRATOR.run(pool).await?;
    db::merges::settle_unsettled(pool).await
}

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub tokens: Arc<Tokens>,
    /// Test hooks (the `test-faults` feature only).
    #[cfg(feature = "test-faults")]
    pub faults: Arc<Faults>,
    pub limits: Arc<limits::Limits>,
    pub share: Arc<share::OrgShare>,
    pub console: Arc<console::ConsoleOptions>,
    pub webhooks: Arc<webhooks::WebhookOptions>,
}

impl AppState {
    pub fn new(pool: PgPool, tokens: Tokens) -> Self {
        let share = Arc::new(share::OrgShare::for_pool(pool.options().get_max_connections()));
        AppState {
            pool,
            tokens: Arc::new(tokens),
            #[cfg(feature = "test-faults")]
            faults: Arc::new(Faults::default()),
            limits: Arc::new(limits::Limits::new(limits::RateLimits::default())),
            share,
            console: Arc::new(console::ConsoleOptions {
                tls: false,
                files: console::ConsoleFiles::find().map(|f| f.0),
            }),
            webhooks: Arc::new(webhooks::WebhookOptions::default()),
        }
    }

    /// How the console is served (its files, and whether the server speaks HTTPS itself).
    pub fn with_console(mut self, options: console::ConsoleOptions) -> Self {
        self.console = Arc::new(options);
        self
    }

    /// At most `per_org` requests of one organisation use the database at once.
    pub fn with_org_share(mut self, per_org: usize) -> Self {
        self.share = Arc::new(share::OrgShare::new(per_org));
        self
    }

    pub fn with_rate_limits(mut self, config: limits::RateLimits) -> Self {
        self.limits = Arc::new(limits::Limits::new(config));
        self
    }

    /// How outgoing webhooks are checked and retried.
    pub fn with_webhooks(mut self, options: webhooks::WebhookOptions) -> Self {
        self.webhooks = Arc::new(options);
        self
    }
}

pub async fn connect(database_url: &str) -> anyhow::Result<PgPool> {
    connect_with(database_url, 16).await
}

/// How the server's connections are made: from the URL, without JIT compilation. The
/// dashboards' statements are costly enough for PostgreSQL to compile them, and compiling took
/// 90–110 ms of a 400 ms year of one touch point, every time (no statement here runs long
/// enough to win it back).
pub fn connect_options(database_url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    Ok(database_url.parse::<PgConnectOptions>()?.options([("jit", "off")]))
}

/// A pool of `connections` to the database.
pub async fn connect_with(database_url: &str, connections: u32) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(connections.max(1))
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect_with(connect_options(database_url)?)
        .await?;
    Ok(pool)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Touchpoint sync API", description = "Enrollment, tokens, push and pull. Every request sends x-touchpoint-protocol."),
    paths(health, openapi_json, enroll::enroll, enroll::token, push::push, sync::pull, sync::report, customers::search, customers::adopt, customers::conflicts, customers::recent_conflicts, staff::check_pin,
        console::sign_in, console::session, console::sign_out, console::stores, console::create_store, console::staff,
        console::create_staff, console::import_staff, console::reset_pin, console::set_active, console::devices, console::revoke_device, console::issue_code, console::audit, console::insight::insight, console::insight::conversations, console::insight::closed_loop, console::insight::at_risk,
        console::lists::entries, console::lists::add, console::lists::change, console::lists::default_reasons,
        console::stewardship::desk_audit, console::stewardship::conflicts,
        console::api_keys::keys, console::api_keys::make, console::api_keys::revoke,
        console::webhooks::list, console::webhooks::add, console::webhooks::set_active, console::webhooks::deliveries),
    components(schemas(touchpoint_protocol::console::OrgList)),
    modifiers(&Security)
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        api.components.get_or_insert_with(Default::default).add_security_scheme(
            "device",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        api.components.get_or_insert_with(Default::default).add_security_scheme(
            "console",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::with_description(
                    console::auth::COOKIE,
                    "The console's session, from POST /v1/org/session; changing requests also send x-csrf-token.",
                ),
            )),
        );
        api.components.get_or_insert_with(Default::default).add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An integration's key (tpk_…), made in the console: read-only keys call GET only; no CSRF token.",
                    ))
                    .build(),
            ),
        );
    }
}

/// How long the health check waits for the database before it says it is not answering.
pub const HEALTH_BUDGET: std::time::Duration = std::time::Duration::from_secs(1);

#[utoipa::path(get, path = "/healthz", responses(
    (status = 200, description = "The server and its database answer"),
    (status = 503, body = touchpoint_protocol::ApiError, description = "The database does not answer (said within a second)")))]
async fn health(axum::extract::State(st): axum::extract::State<AppState>) -> Result<&'static str, error::Failure> {
    let down = || error::Failure {
        code: touchpoint_protocol::ErrorCode::Unavailable,
        message: "The server's database is not answering.".into(),
        retry_after_secs: Some(5),
    };
    match tokio::time::timeout(HEALTH_BUDGET, db::health::ping(&st.pool)).await {
        Ok(Ok(_)) => Ok("ok"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database error");
            Err(down())
        }
        Err(_) => Err(down()),
    }
}

#[utoipa::path(get, path = "/openapi.json", responses((status = 200, description = "This document")))]
async fn openapi_json() -> Json<serde_json::Value> {
    Json(document())
}

/// The API document as served: what the handlers declare, plus what holds for every one of
/// them and the derive cannot say — every error is JSON (`4XX`, and `503` with Retry-After when
/// busy), and every UUID is in its hyphenated form.
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let error = serde_json::json!({
        "description": "A JSON error with a stable code",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    });
    if let Some(paths) = doc.get_mut("paths").and_then(serde_json::Value::as_object_mut) {
        for item in paths.values_mut().filter_map(serde_json::Value::as_object_mut) {
            for op in
                item.values_mut().filter_map(|o| o.get_mut("responses")).filter_map(serde_json::Value::as_object_mut)
            {
                op.entry("4XX").or_insert_with(|| error.clone());
                op.entry("503").or_insert_with(|| error.clone());
            }
        }
    }
    // The search takes the shared text rule's one-line form, trimmed (see `text::searchable`).
    let search =
        doc.pointer_mut("/paths/~1v1~1customers~1search/get/parameters").and_then(serde_json::Value::as_array_mut);
    for p in search.into_iter().flatten().filter(|p| p["name"] == "q") {
        p["schema"]["pattern"] = touchpoint_protocol::text::schema_pattern(touchpoint_protocol::text::SEARCH).into();
    }
    // So do the names the server is sent (with the shared limits).
    use touchpoint_protocol::text::{DEVICE_NAME, STAFF_NAME, STORE_NAME};
    for (pointer, rule) in [
        ("/components/schemas/EnrollRequest/properties/device_name", DEVICE_NAME),
        ("/components/schemas/NewStore/properties/name", STORE_NAME),
        ("/components/schemas/NewStaff/properties/name", STAFF_NAME),
    ] {
        if let Some(name) = doc.pointer_mut(pointer) {
            name["pattern"] = touchpoint_protocol::text::schema_pattern(rule).into();
            name["minLength"] = 1.into();
            name["maxLength"] = rule.max.into();
        }
    }
    // Frontline staff work at a store; the others may work across the organisation.
    if let Some(staff) = doc.pointer_mut("/components/schemas/NewStaff") {
        staff["oneOf"] = serde_json::json!([
            {"properties": {"role": {"const": "frontline"}, "home_store_id": {"type": "string", "format": "uuid"}},
             "required": ["home_store_id"]},
            {"properties": {"role": {"enum": ["supervisor", "admin"]}}}
        ]);
    }
    uuid_patterns(&mut doc);
    doc
}

/// Adds the hyphenated pattern to every `format: uuid` (the server reads no other form), and
/// spells a nullable formatted string (`type: [string, null]`, `format: date-time`) as
/// `oneOf` a formatted string or null, the form generators and validators read the format of.
fn uuid_patterns(v: &mut serde_json::Value) {
    use serde_json::{json, Value};
    match v {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("uuid") && !map.contains_key("pattern") {
                map.insert(
                    "pattern".into(),
                    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$".into(),
                );
            }
            if map.get("type") == Some(&json!(["string", "null"])) && map.contains_key("format") {
                let mut string = serde_json::Map::new();
                string.insert("type".into(), "string".into());
                for key in ["format", "pattern", "minLength", "maxLength"] {
                    if let Some(value) = map.remove(key) {
                        string.insert(key.into(), value);
                    }
                }
                map.remove("type");
                map.insert("oneOf".into(), json!([Value::Object(string), {"type": "null"}]));
            }
            map.values_mut().for_each(uuid_patterns);
        }
        Value::Array(items) => items.iter_mut().for_each(uuid_patterns),
        _ => {}
    }
}

/// The most a request body may be: a little over the push limit, so an oversized batch gets a
/// clear 413 JSON answer rather than a cut connection.
pub const MAX_BODY_BYTES: usize = touchpoint_protocol::MAX_PUSH_BYTES + 64 * 1024;

/// Refuses a body announced as too large before reading any of it, so the client hears why
/// instead of being cut off while it sends.
async fn refuse_announced_oversize(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let announced = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > MAX_BODY_BYTES) {
        return error::Failure::new(
            touchpoint_protocol::ErrorCode::PayloadTooLarge,
            format!("The request body is larger than {} MB.", MAX_BODY_BYTES / (1024 * 1024)),
        )
        .into_response();
    }
    next.run(req).await
}

pub fn router(state: AppState) -> Router {
    router_with(state, serve::ServeOptions::default().request_timeout)
}

/// The routes, each request answered within `request_timeout`.
pub fn router_with(state: AppState, request_timeout: std::time::Duration) -> Router {
    let files = state.console.files.clone();
    Router::new()
        .merge(console::routes())
        .merge(console::static_routes(files.as_deref()))
        .route("/healthz", get(health))
        .route("/openapi.json", get(openapi_json))
        .route("/v1/enroll", post(enroll::enroll))
        .route("/v1/token", post(enroll::token))
        .route("/v1/sync/push", post(push::push))
        .route("/v1/sync/pull", get(sync::pull))
        .route("/v1/sync/report", post(sync::report))
        .route("/v1/customers/search", get(customers::search))
        .route("/v1/customers/adopt", post(customers::adopt))
        .route("/v1/customers/{customer_id}/conflicts", get(customers::conflicts))
        .route("/v1/conflicts", get(customers::recent_conflicts))
        .route("/v1/staff/check-pin", post(staff::check_pin))
        .fallback(|| async { error::Failure::new(touchpoint_protocol::ErrorCode::NotFound, "No such endpoint.") })
        .layer(axum::middleware::from_fn(move |req, next| serve::within_budget(request_timeout, req, next)))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(refuse_announced_oversize))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves plain HTTP with the default timeouts until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve::serve_with(listener, state, serve::ServeOptions::default(), shutdown).await
}
