//! How the sync engine talks to the server. The engine only knows this trait; the HTTP client
//! (`super::http`) is one implementation, and tests can wrap it to inject faults.

use std::future::Future;
use std::time::Duration;

use touchpoint_protocol::{
    AdoptResponse, ConflictsResponse, DeskReport, EnrollRequest, EnrollResponse, ErrorCode, PinCheckRequest,
    PinCheckResponse, PullResponse, PushRequest, PushResponse, RecentConflictsResponse, RemoteCustomer, TokenRequest,
    TokenResponse,
};
use uuid::Uuid;

/// Why a call to the server did not give an answer the engine can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No connection, a timeout, or a reset: the network or the server is away. Retry later.
    #[error("cannot reach the server: {0}")]
    Offline(String),
    /// The server answered with an error.
    #[error("the server answered {status} ({code:?}): {message}")]
    Server { status: u16, code: ErrorCode, message: String, retry_after: Option<Duration> },
    /// The server answered something this app cannot read (a proxy page, a newer format).
    #[error("the server's answer could not be read: {0}")]
    Garbled(String),
}

impl TransportError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            TransportError::Server { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Worth trying again later with the same request (network, overload, server fault).
    pub fn is_transient(&self) -> bool {
        match self {
            TransportError::Offline(_) | TransportError::Garbled(_) => true,
            TransportError::Server { status, code, .. } => {
                *status >= 500
                    || *status == 429
                    || *status == 408
                    || matches!(code, ErrorCode::Unavailable | ErrorCode::Internal | ErrorCode::RateLimited)
            }
        }
    }
}

pub type TransportResult<T> = Result<T, TransportError>;

/// A page of pull: `since` is the last sequence applied, `epoch` the server history it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullRequest {
    pub since: i64,
    pub limit: u32,
    pub epoch: Option<Uuid>,
}

pub trait Transport: Send + Sync {
    fn enroll(&self, req: &EnrollRequest) -> impl Future<Output = TransportResult<EnrollResponse>> + Send;
    fn token(&self, req: &TokenRequest) -> impl Future<Output = TransportResult<TokenResponse>> + Send;
    fn push(&self, access: &str, req: &PushRequest) -> impl Future<Output = TransportResult<PushResponse>> + Send;
    fn pull(&self, access: &str, req: PullRequest) -> impl Future<Output = TransportResult<PullResponse>> + Send;
    /// Tells the server how this desk is (its app version and outbox) after a round.
    fn report(&self, access: &str, req: &DeskReport) -> impl Future<Output = TransportResult<()>> + Send;
    /// Customers of the whole organisation matching `query` (for a search that found nobody
    /// on this desk).
    fn search(
        &self,
        access: &str,
        query: &str,
        limit: u32,
    ) -> impl Future<Output = TransportResult<Vec<RemoteCustomer>>> + Send;
    /// Edits of a customer's fields made on two desks at once (both sides).
    fn conflicts(
        &self,
        access: &str,
        customer: Uuid,
    ) -> impl Future<Output = TransportResult<ConflictsResponse>> + Send;
    /// The newest conflicts on every customer the device reads (for supervisors).
    fn recent_conflicts(
        &self,
        access: &str,
        limit: u32,
    ) -> impl Future<Output = TransportResult<RecentConflictsResponse>> + Send;
    /// Brings a customer into this store's scope and returns their whole history.
    fn adopt(&self, access: &str, customer: Uuid) -> impl Future<Output = TransportResult<AdoptResponse>> + Send;
    /// Whether a PIN is a person's, for someone whose verifier this desk does not hold.
    fn check_pin(
        &self,
        access: &str,
        req: &PinCheckRequest,
    ) -> impl Future<Output = TransportResult<PinCheckResponse>> + Send;
}
