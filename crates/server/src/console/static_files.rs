//! The console's page and assets (`ui/dist-console`, built by `npm run build:console`),
//! served under `/console/` with the headers a page holding an administrator's session needs:
//! no framing, no scripts or connections but the server's own, no referrer, no sniffing.
//! Any path under `/console/` that is not a file is the page itself (the console routes in
//! the browser).

use std::path::{Path, PathBuf};

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;

/// Where the built console is.
#[derive(Debug, Clone)]
pub struct ConsoleFiles(pub PathBuf);

impl ConsoleFiles {
    /// The first of the usual places that holds a built console: the installed package's,
    /// then a checkout's.
    pub fn find() -> Option<Self> {
        ["/usr/share/touchpoint/console", "ui/dist-console", "../ui/dist-console", "../../ui/dist-console"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.join("index.html").is_file())
            .map(ConsoleFiles)
    }

    pub fn index(&self) -> PathBuf {
        self.0.join("index.html")
    }
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

async fn not_built() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            "<!doctype html><html lang=en><meta charset=utf-8><title>Touchpoint console</title>\
             <p>The console is not installed on this server. Build it with <code>npm --prefix ui run build:console</code> \
             or give its folder with <code>--console-dir</code>.</p></html>",
        ),
    )
}

/// The `/console/` routes: the built files when there are any, else a page saying how to
/// build them.
pub fn routes(files: Option<&Path>) -> Router<AppState> {
    let router = Router::new().route("/console", get(|| async { Redirect::permanent("/console/") }));
    let router = match files {
        Some(dir) => {
            let dir = ConsoleFiles(dir.to_path_buf());
            let serve =
                ServeDir::new(&dir.0).append_index_html_on_directories(true).fallback(ServeFile::new(dir.index()));
            router.nest_service("/console/", serve)
        }
        None => router.route("/console/", get(not_built)).route("/console/{*rest}", get(not_built)),
    };
    router
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
}
