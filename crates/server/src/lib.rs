//! Touchpoint's central server: devices enroll with a one-time code, push the ops they record
//! offline, and pull everyone else's, in one order per organisation that no reader can skip.

pub mod admin;
mod apply;
mod customers;
mod enroll;
pub mod error;
mod extract;
pub mod limits;
pub mod push;
mod staff;
pub mod sync;
mod tokens;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{Json, Router};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

pub use push::Faults;
pub use tokens::Tokens;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub tokens: Arc<Tokens>,
    pub faults: Arc<Faults>,
    pub limits: Arc<limits::Limits>,
}

impl AppState {
    pub fn new(pool: PgPool, tokens: Tokens) -> Self {
        AppState {
            pool,
            tokens: Arc::new(tokens),
            faults: Arc::new(Faults::default()),
            limits: Arc::new(limits::Limits::new(limits::RateLimits::default())),
        }
    }

    pub fn with_rate_limits(mut self, config: limits::RateLimits) -> Self {
        self.limits = Arc::new(limits::Limits::new(config));
        self
    }
}

pub async fn connect(database_url: &str) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect(database_url)
        .await?;
    Ok(pool)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Touchpoint sync API", description = "Enrollment, tokens, push and pull. Every request sends x-touchpoint-protocol."),
    paths(health, openapi_json, enroll::enroll, enroll::token, push::push, sync::pull, customers::search, customers::adopt, customers::conflicts, customers::recent_conflicts, staff::check_pin),
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
    }
}

#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "The server and its database answer")))]
async fn health(axum::extract::State(st): axum::extract::State<AppState>) -> Result<&'static str, error::Failure> {
    sqlx::query("SELECT 1").execute(&st.pool).await?;
    Ok("ok")
}

#[utoipa::path(get, path = "/openapi.json", responses((status = 200, description = "This document")))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
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
    Router::new()
        .route("/healthz", get(health))
        .route("/openapi.json", get(openapi_json))
        .route("/v1/enroll", post(enroll::enroll))
        .route("/v1/token", post(enroll::token))
        .route("/v1/sync/push", post(push::push))
        .route("/v1/sync/pull", get(sync::pull))
        .route("/v1/customers/search", get(customers::search))
        .route("/v1/customers/adopt", post(customers::adopt))
        .route("/v1/customers/{customer_id}/conflicts", get(customers::conflicts))
        .route("/v1/conflicts", get(customers::recent_conflicts))
        .route("/v1/staff/check-pin", post(staff::check_pin))
        .fallback(|| async { error::Failure::new(touchpoint_protocol::ErrorCode::NotFound, "No such endpoint.") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(refuse_announced_oversize))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.limits.clone();
    let forget = tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            limits.forget_quiet();
        }
    });
    let served = axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await;
    forget.abort();
    served
}
