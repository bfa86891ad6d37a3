//! Request extractors whose rejections are JSON `ApiError`s with stable codes.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::Json;
use serde::de::DeserializeOwned;
use touchpoint_protocol::{ErrorCode, MIN_PROTOCOL_VERSION, PROTOCOL_HEADER, PROTOCOL_VERSION};

use crate::error::Failure;

/// A JSON body; malformed, wrong-typed, oversized or non-JSON bodies become 4xx JSON errors.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(JsonRejection::BytesRejection(e)) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Failure::new(ErrorCode::PayloadTooLarge, "The request body is too large."))
            }
            Err(e) => Err(Failure::bad_request(format!("The request body was not understood: {}", e.body_text()))),
        }
    }
}

/// Query parameters with JSON errors.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state).await.map(|Query(v)| Params(v)).map_err(|e: QueryRejection| {
            Failure::bad_request(format!("The query was not understood: {}", e.body_text()))
        })
    }
}

/// The protocol version the client speaks; refuses ones this server does not serve, in words
/// that tell the person which side to update.
pub struct Protocol(pub u32);

impl<S: Send + Sync> FromRequestParts<S> for Protocol {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let version = parts
            .headers
            .get(PROTOCOL_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u32>().ok())
            .ok_or_else(|| {
                Failure::new(
                    ErrorCode::UnsupportedProtocol,
                    format!("Send the protocol version in the {PROTOCOL_HEADER} header."),
                )
            })?;
        if version < MIN_PROTOCOL_VERSION {
            return Err(Failure::new(
                ErrorCode::UnsupportedProtocol,
                format!("This app speaks sync protocol {version}; the server needs {MIN_PROTOCOL_VERSION} or newer. Update the app."),
            ));
        }
        if version > PROTOCOL_VERSION {
            return Err(Failure::new(
                ErrorCode::UnsupportedProtocol,
                format!("This app speaks sync protocol {version}; the server only knows up to {PROTOCOL_VERSION}. The server needs an update."),
            ));
        }
        Ok(Protocol(version))
    }
}
