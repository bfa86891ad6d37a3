//! The sync transport over HTTP (JSON), as the server's `/openapi.json` describes it.

use std::time::Duration;

use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use touchpoint_protocol::{
    AdoptRequest, AdoptResponse, ApiError, ConflictsResponse, EnrollRequest, EnrollResponse, ErrorCode,
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

impl HttpTransport {
    pub fn new(base_url: &str) -> Result<Self, String> {
        Self::with_protocol(base_url, PROTOCOL_VERSION)
    }

    /// A client that claims another protocol version (to test old and new clients).
    pub fn with_protocol(base_url: &str, protocol: u32) -> Result<Self, String> {
        let base = normalise_server_url(base_url)?;
        let client = Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("touchpoint/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("Cannot start the HTTP client: {e}"))?;
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
        return serde_json::from_slice(&bytes).map_err(|e| TransportError::Garbled(e.to_string()));
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
