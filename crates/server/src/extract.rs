//! Request extractors whose rejections are JSON `ApiError`s with stable codes.

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use touchpoint_protocol::{ErrorCode, MIN_PROTOCOL_VERSION, PROTOCOL_HEADER, PROTOCOL_VERSION};

use crate::error::Failure;

/// A JSON body; malformed, wrong-typed, oversized or non-JSON bodies become 4xx JSON errors.
/// A whole number written with a fraction (`5.0`, which JSON Schema calls an integer) is read
/// as the integer it is.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json =
            req.headers().get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !json {
            return Err(Failure::new(ErrorCode::BadRequest, "Send the body as JSON (Content-Type: application/json)."));
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(Failure::new(ErrorCode::PayloadTooLarge, "The request body is too large."))
            }
            Err(e) => {
                return Err(Failure::bad_request(format!("The request body could not be read: {}", e.body_text())))
            }
        };
        let not_understood =
            |e: serde_json::Error| Failure::bad_request(format!("The request body was not understood: {e}"));
        match serde_json::from_slice::<T>(&bytes) {
            Ok(v) => Ok(Body(v)),
            // Only a body that failed is looked at again, so the usual one is parsed once.
            Err(first) => {
                let mut value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| not_understood(first))?;
                whole_numbers(&mut value);
                serde_json::from_value(value).map(Body).map_err(not_understood)
            }
        }
    }
}

/// `5.0` → `5`, everywhere in `v`.
fn whole_numbers(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                *v = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
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

/// Path segments with JSON errors (a list that does not exist, an id that is not one).
pub struct Segments<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Segments<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Segments(v))
            .map_err(|e| Failure::new(ErrorCode::NotFound, format!("No such address: {}", e.body_text())))
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
