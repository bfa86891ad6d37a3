//! Short-lived access tokens, verified by signature alone (no session state), and the device
//! extractor every sync endpoint takes.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use touchpoint_protocol::Role;

use crate::db;
use crate::error::Failure;
use crate::AppState;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    org: Uuid,
    store: Uuid,
    iat: i64,
    exp: i64,
}

pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
    /// A refresh token not used for this long expires (the desk enrolls again).
    pub refresh_idle: Duration,
}

/// How long a desk may go without syncing before it must enroll again, unless configured.
pub const DEFAULT_REFRESH_IDLE: Duration = Duration::days(90);

impl Tokens {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        Tokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl,
            refresh_idle: DEFAULT_REFRESH_IDLE,
        }
    }

    pub fn with_refresh_idle(mut self, idle: Duration) -> Self {
        self.refresh_idle = idle;
        self
    }

    pub fn issue(
        &self,
        device: Uuid,
        org: Uuid,
        store: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), Failure> {
        let exp = now + self.ttl;
        let claims = Claims { sub: device, org, store, iat: now.timestamp(), exp: exp.timestamp() };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| {
            Failure::new(touchpoint_protocol::ErrorCode::Internal, format!("Could not sign a token: {e}"))
        })?;
        Ok((token, exp))
    }

    fn verify(&self, token: &str) -> Result<Claims, Failure> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        let claims =
            decode::<Claims>(token, &self.decoding, &validation).map(|d| d.claims).map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    Failure::unauthorized("The access token has expired; refresh it.")
                }
                _ => Failure::unauthorized("The access token is not valid."),
            })?;
        // The library lets a token live through its last second; here it ends when `exp` begins.
        if claims.exp <= Utc::now().timestamp() {
            return Err(Failure::unauthorized("The access token has expired; refresh it."));
        }
        Ok(claims)
    }
}

/// A secret with enough entropy to be stored as a plain hash (refresh tokens, enrollment codes).
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// The device a request comes from: token checked by signature, then the device checked
/// against revocation and its read scope looked up (one primary-key read).
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    pub org_id: Uuid,
    /// The store the device writes as (and reads).
    pub store_id: Uuid,
    pub device_id: Uuid,
    /// Every store whose customers it reads: its own, plus those it was enrolled to oversee.
    pub reads: Vec<Uuid>,
    /// It reads the whole organisation (an administrator's device).
    pub reads_org: bool,
    /// What it may write: a frontline desk sends no reviews, deletions or erasures.
    pub role: Role,
    /// The request's place in its organisation's share of the database.
    pub turn: std::sync::Arc<crate::share::Turn>,
}

impl FromRequestParts<AppState> for DeviceAuth {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| Failure::unauthorized("Send an access token (Authorization: Bearer …)."))?;
        let claims = state.tokens.verify(token.trim())?;
        let turn = std::sync::Arc::new(state.share.enter(claims.org).await?);
        let device = db::tokens::device_standing(&state.pool, claims.org, claims.sub).await?;
        match device {
            None => Err(Failure::unauthorized("This device is not enrolled.")),
            Some(db::tokens::Standing { revoked_at: Some(_), revoked_reason, .. }) => Err(Failure::forbidden(
                revoked_reason
                    .unwrap_or_else(|| "This device was revoked by an administrator. Enroll it again to sync.".into()),
            )),
            Some(db::tokens::Standing { revoked_at: None, also_reads, reads_org, device_role, .. }) => {
                let mut reads = vec![claims.store];
                reads.extend(also_reads.into_iter().filter(|s| *s != claims.store));
                let role = device_role.parse().unwrap_or(Role::Frontline);
                Ok(DeviceAuth {
                    org_id: claims.org,
                    store_id: claims.store,
                    device_id: claims.sub,
                    reads,
                    reads_org,
                    role,
                    turn,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_access_token_is_refused() {
        let tokens = Tokens::new(b"secret", Duration::seconds(1));
        let (token, _) = tokens.issue(Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Utc::now()).expect("issue");
        assert!(tokens.verify(&token).is_ok());
        std::thread::sleep(std::time::Duration::from_millis(2100));
        let refused = tokens.verify(&token);
        assert!(matches!(&refused, Err(f) if f.message.contains("expired")), "{refused:?}");
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let mine = Tokens::new(b"secret", Duration::seconds(60));
        let theirs = Tokens::new(b"other", Duration::seconds(60));
        let (token, _) = theirs.issue(Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Utc::now()).expect("issue");
        assert!(mine.verify(&token).is_err());
    }
}
