//! The sync transport over HTTP (JSON), as the server's `/openapi.json` describes it.

use std::time::Duration;

use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use touchpoint_protocol::{
    AdoptRequest, AdoptResponse, ApiError, ConflictsResponse, DeskReport, EnrollRequest, EnrollResponse, ErrorCode,
    PinCheckRequest, PinCheckResponse, PullResponse, PushRequest, PushResponse, RecentConflictsResponse,
    RemoteCustomer, SearchResponse, TokenRequest, TokenResponse, PROTOCOL_HEADER, PROTOCOL_VERSION,
};
use uuid::Uuid;

use super::transport::{PullRequest, Transport, TransportError, TransportResult};

#[derive(Debug, Clone)]
pub struct HttpTransport {
    base: String,
    client: Client,
    protocol: u32,
}

/// Checks a server address typed by a person and returns it without a trailing slash.
pub fn normalise_server_url(raw: &str) -> Result<String, String> {
    let raw = raw.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(raw)
        .map_err(|_| "Enter the server's address, like https://sync.example.com.".to_owned())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("The address must start with https:// (or http:// on a local network).".into());
    }
    Ok(raw.to_owned())
}

/// Whether `host` is this computer or an address of a private network (where a store's own
/// server may speak plain HTTP): loopback, RFC 1918, link-local, IPv6 unique-local.
pub fn is_local_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => ip.is_loopback() || ip.is_private() || ip.is_link_local(),
        Ok(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback() || (ip.segments()[0] & 0xfe00) == 0xfc00 || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

/// Why a desk may not talk to `url` without encryption, or `None` when it may: HTTPS always;
/// plain HTTP only on this computer or a private network, unless an administrator allowed it.
pub fn unencrypted_problem(url: &str, allowed: bool) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    if parsed.scheme() != "http" || allowed || parsed.host_str().is_some_and(is_local_host) {
        return None;
    }
    Some(
        "Use https:// for a server outside this network: without it, PINs and customers' details would \
         cross the network readable by anyone on the way. An administrator can allow it for this desk."
            .into(),
    )
}

/// The environment variable naming a PEM file of certificate authorities the desk trusts
/// besides the system's (an organisation's own CA for its server).
pub const SERVER_CA_VAR: &str = "TOUCHPOINT_SERVER_CA";

impl HttpTransport {
    pub fn new(base_url: &str) -> Result<Self, String> {
        Self::with_protocol(base_url, PROTOCOL_VERSION)
    }

    /// A client that claims another protocol version (to test old and new clients).
    pub fn with_protocol(base_url: &str, protocol: u32) -> Result<Self, String> {
        let extra = match std::env::var_os(SERVER_CA_VAR).filter(|v| !v.is_empty()) {
            Some(path) => Some(std::fs::read(&path).map_err(|e| {
                format!("Cannot read the certificate authorities in {}: {e}", std::path::Path::new(&path).display())
            })?),
            None => None,
        };
        Self::build(base_url, protocol, extra.as_deref())
    }

    /// A client that also trusts the certificate authorities in `pem`.
    pub fn with_root_pem(base_url: &str, pem: &[u8]) -> Result<Self, String> {
        Self::build(base_url, PROTOCOL_VERSION, Some(pem))
    }

    fn build(base_url: &str, protocol: u32, roots: Option<&[u8]>) -> Result<Self, String> {
        let base = normalise_server_url(base_url)?;
        let mut builder = Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("touchpoint/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = roots {
            for cert in reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| format!("The certificate authorities are not PEM certificates: {e}"))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder.build().map_err(|e| format!("Cannot start the HTTP client: {e}"))?;
        Ok(HttpTransport { base, client, protocol })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: reqwest::Method, path: &str, access: Option<&str>) -> RequestBuilder {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(PROTOCOL_HEADER, self.protocol.to_string());
        if let Some(token) = access {
            req = req.bearer_auth(token);
        }
        req
    }

    async fn send<T: DeserializeOwned>(req: RequestBuilder) -> TransportResult<T> {
        let resp = req.send().await.map_err(|e| TransportError::Offline(describe(&e)))?;
        read(resp).await
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the server took too long to answer".into()
    } else if e.is_connect() {
        "no connection".into()
    } else {
        e.to_string()
    }
}

async fn read<T: DeserializeOwned>(resp: Response) -> TransportResult<T> {
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let bytes = resp.bytes().await.map_err(|e| TransportError::Offline(describe(&e)))?;
    if status.is_success() {
        // An answer with no body (204) is JSON's null: what a call answering `()` reads.
        let body: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
        return serde_json::from_slice(body).map_err(|e| TransportError::Garbled(e.to_string()));
    }
    let (code, message) = match serde_json::from_slice::<ApiError>(&bytes) {
        Ok(err) => (err.code, err.message),
        Err(_) => (fallback_code(status), format!("The server answered {status}.")),
    };
    Err(TransportError::Server { status: status.as_u16(), code, message, retry_after })
}

/// A code for an error answer that is not the server's JSON (a proxy, a load balancer).
fn fallback_code(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        400 | 422 => ErrorCode::BadRequest,
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        413 => ErrorCode::PayloadTooLarge,
        426 => ErrorCode::UnsupportedProtocol,
        409 => ErrorCode::ResyncRequired,
        429 => ErrorCode::RateLimited,
        408 => ErrorCode::RequestTimeout,
        502..=504 => ErrorCode::Unavailable,
        _ => ErrorCode::Internal,
    }
}

impl Transport for HttpTransport {
    async fn enroll(&self, req: &EnrollRequest) -> TransportResult<EnrollResponse> {
        Self::send(self.request(reqwest::Method::POST, "/v1/enroll", None).json(req)).await
    }

    async fn token(&self, req: &TokenRequest) -> TransportResult<TokenResponse> {
        Self::send(self.request(reqwest::Method::POST, "/v1/token", None).json(req)).await
    }

    async fn push(&self, access: &str, req: &PushRequest) -> TransportResult<PushResponse> {
        Self::send(self.request(reqwest::Method::POST, "/v1/sync/push", Some(access)).json(req)).await
    }

    async fn pull(&self, access: &str, req: PullRequest) -> TransportResult<PullResponse> {
        let mut query = vec![("since", req.since.to_string()), ("limit", req.limit.to_string())];
        if let Some(epoch) = req.epoch {
            query.push(("epoch", epoch.to_string()));
        }
        Self::send(self.request(reqwest::Method::GET, "/v1/sync/pull", Some(access)).query(&query)).await
    }

    async fn report(&self, access: &str, req: &DeskReport) -> TransportResult<()> {
        Self::send(self.request(reqwest::Method::POST, "/v1/sync/report", Some(access)).json(req)).await
    }

    async fn search(&self, access: &str, query: &str, limit: u32) -> TransportResult<Vec<RemoteCustomer>> {
        let req = self
            .request(reqwest::Method::GET, "/v1/customers/search", Some(access))
            .query(&[("q", query.to_owned()), ("limit", limit.to_string())]);
        Ok(Self::send::<SearchResponse>(req).await?.customers)
    }

    async fn conflicts(&self, access: &str, customer: Uuid) -> TransportResult<ConflictsResponse> {
        Self::send(self.request(reqwest::Method::GET, &format!("/v1/customers/{customer}/conflicts"), Some(access)))
            .await
    }

    async fn recent_conflicts(&self, access: &str, limit: u32) -> TransportResult<RecentConflictsResponse> {
        let req =
            self.request(reqwest::Method::GET, "/v1/conflicts", Some(access)).query(&[("limit", limit.to_string())]);
        Self::send(req).await
    }

    async fn check_pin(&self, access: &str, req: &PinCheckRequest) -> TransportResult<PinCheckResponse> {
        Self::send(self.request(reqwest::Method::POST, "/v1/staff/check-pin", Some(access)).json(req)).await
    }

    async fn adopt(&self, access: &str, customer: Uuid) -> TransportResult<AdoptResponse> {
        let req = self
            .request(reqwest::Method::POST, "/v1/customers/adopt", Some(access))
            .json(&AdoptRequest { customer_id: customer });
        Self::send(req).await
    }
}
