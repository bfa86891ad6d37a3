//! Failures as JSON with a stable code; never a bare 500 for something the client sent.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use touchpoint_protocol::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
    pub retry_after_secs: Option<u64>,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Failure { code, message: message.into(), retry_after_secs: None }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    fn status(&self) -> StatusCode {
        match self.code {
            ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::UnsupportedProtocol => StatusCode::UPGRADE_REQUIRED,
            ErrorCode::ResyncRequired => StatusCode::CONFLICT,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        // The database being away is a reason to retry, not a bug.
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => Failure {
                code: ErrorCode::Unavailable,
                message: "The server's database is not reachable right now.".into(),
                retry_after_secs: Some(5),
            },
            // Two writers crossing: the same request succeeds when tried again.
            sqlx::Error::Database(ref d) if matches!(d.code().as_deref(), Some("40001" | "40P01")) => Failure {
                code: ErrorCode::Unavailable,
                message: "The server was busy with a conflicting change; try again.".into(),
                retry_after_secs: Some(1),
            },
            _ => Failure::new(ErrorCode::Internal, "The server could not complete the request."),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (status, Json(ApiError { code: self.code, message: self.message })).into_response();
        if let Some(secs) = self.retry_after_secs {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert("retry-after", v);
            }
        }
        response
    }
}

pub type ApiResult<T> = Result<T, Failure>;
