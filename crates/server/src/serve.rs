//! Serving: plain HTTP or TLS (rustls), with the limits a server on a network needs — a client
//! that sends its headers or its body a byte at a time is cut off, a request never takes longer
//! than its budget, and shutting down lets the requests in flight finish.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use touchpoint_protocol::ErrorCode;

use crate::error::Failure;
use crate::AppState;

/// How the server listens.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// PEM certificate chain and private key: serve HTTPS (TLS 1.2 and 1.3) instead of HTTP.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// A client must have sent its request's headers within this long of connecting (or of its
    /// previous request on the connection).
    pub header_timeout: Duration,
    /// A request, body included, is answered within this long or refused with 408.
    pub request_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions { tls: None, header_timeout: Duration::from_secs(10), request_timeout: Duration::from_secs(60) }
    }
}

/// Refuses a request that takes longer than its budget — reading a body sent a byte at a time
/// included, since the body is read inside the handler.
pub(crate) async fn within_budget(budget: Duration, req: Request, next: Next) -> Response {
    match tokio::time::timeout(budget, next.run(req)).await {
        Ok(response) => response,
        Err(_) => Failure::new(
            ErrorCode::RequestTimeout,
            format!("The request took longer than {} s (a slow network?). Try again.", budget.as_secs()),
        )
        .into_response(),
    }
}

/// Loads the PEM files, saying which one is wrong when one is.
async fn tls_config(cert: &PathBuf, key: &PathBuf) -> std::io::Result<axum_server::tls_rustls::RustlsConfig> {
    // One process-wide provider; a second install (tests start many servers) is a no-op.
    let _ = rustls::crypto::ring::default_provider().install_default();
    axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await.map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot use the TLS certificate {} with key {}: {e}", cert.display(), key.display()),
        )
    })
}

/// Serves until `shutdown` resolves, then lets the requests in flight finish (30 s at most).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.limits.clone();
    let forget = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            limits.forget_quiet();
        }
    });
    let deliveries = tokio::spawn(crate::webhooks::run(state.pool.clone(), (*state.webhooks).clone()));
    // The insight rollups and the closed loop, counted from the store-days pushes marked.
    let settle_pool = state.pool.clone();
    let insight = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        loop {
            every.tick().await;
            if let Err(e) = crate::db::insight::settle_all(&settle_pool).await {
                tracing::warn!("counting the organisations' insight rollups failed: {e}");
            }
        }
    });
    let handle = axum_server::Handle::new();
    let stopping = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopping.graceful_shutdown(Some(Duration::from_secs(30)));
    });
    let app = crate::router_with(state, options.request_timeout).into_make_service_with_connect_info::<SocketAddr>();
    let listener = listener.into_std()?;
    let timer = hyper_util::rt::TokioTimer::new();
    let served = match &options.tls {
        None => {
            let mut server = axum_server::from_tcp(listener).handle(handle);
            server.http_builder().http1().timer(timer).header_read_timeout(options.header_timeout);
            server.serve(app).await
        }
        Some((cert, key)) => {
            let config = tls_config(cert, key).await?;
            let mut server = axum_server::from_tcp_rustls(listener, config).handle(handle);
            server.http_builder().http1().timer(timer).header_read_timeout(options.header_timeout);
            server.serve(app).await
        }
    };
    forget.abort();
    deliveries.abort();
    insight.abort();
    served
}
