//! Signing in to the console: a password (argon2, never the desk PIN) gives a session kept in
//! an HTTP-only, same-site cookie; the cookie's secret is stored only as its hash. A session
//! ends when signed out, after [`SESSION_IDLE`] without use, or [`SESSION_MAX`] after it
//! began. Every request that changes something carries the session's CSRF token in
//! [`CSRF_HEADER`] (a page of another site can send the cookie, not the header).
//!
//! Wrong passwords are answered the same way whether the login exists or not; an account is
//! locked for [`LOCK_FOR`] after [`LOCK_AFTER`] wrong ones in a row, and sign-in attempts are
//! rate-limited per address and per login.

use std::net::IpAddr;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngExt;
use sqlx::PgPool;
use subtle::ConstantTimeEq;
use touchpoint_protocol::console::ConsoleRole;
use touchpoint_protocol::ErrorCode;
use uuid::Uuid;

use crate::db;
use crate::error::{ApiResult, Failure};
use crate::limits::ClientIp;
use crate::tokens::hash_secret;
use crate::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "touchpoint_console";
/// The header every changing request carries the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A session not used for this long ends.
pub const SESSION_IDLE: Duration = Duration::minutes(60);
/// A session ends this long after it began, used or not.
pub const SESSION_MAX: Duration = Duration::hours(12);
/// Wrong passwords in a row that lock an account…
pub const LOCK_AFTER: i32 = 10;
/// …for this long.
pub const LOCK_FOR: Duration = Duration::minutes(15);
/// A password is at least this long (a passphrase, not a PIN)…
pub const PASSWORD_MIN: usize = 12;
/// …and at most this long (argon2 reads all of it).
pub const PASSWORD_MAX: usize = 128;

/// Why a password cannot be a console password, or `None`.
pub fn password_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Some(format!(
            "A console password has at least {PASSWORD_MIN} characters (a short sentence works well)."
        ));
    }
    if n > PASSWORD_MAX {
        return Some(format!("A console password has at most {PASSWORD_MAX} characters."));
    }
    if password.chars().any(char::is_control) {
        return Some("A console password cannot hold control characters.".into());
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return Some("A console password needs more than a few different characters.".into());
    }
    None
}

/// Why a login cannot be a console login, or `None`: 3 to 120 characters of one line, no
/// spaces (an e-mail address or a user name).
pub fn login_problem(login: &str) -> Option<String> {
    let n = login.chars().count();
    if !(3..=120).contains(&n) || login.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("A login is 3 to 120 characters without spaces (an e-mail address or a user name).".into());
    }
    None
}

pub fn hash_password(password: &str) -> Result<String, Failure> {
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .map(|h| h.to_string())
        .map_err(|_| Failure::new(ErrorCode::Internal, "The password could not be stored."))
}

/// Checks a password against its verifier off the async threads (argon2 takes tens of ms).
async fn password_matches(password: String, verifier: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&verifier)
            .is_ok_and(|parsed| argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A verifier to check against when the login is unknown, so an unknown login takes as long
/// to refuse as a wrong password.
fn decoy_verifier() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("not anyone's password at all").unwrap_or_default())
}

pub(crate) fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// A session begun: the cookie's secret (to send once) and its CSRF token.
pub struct Begun {
    pub secret: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub account: db::console::Account,
}

fn refused() -> Failure {
    Failure::unauthorized("The login or the password is not right.")
}

/// Signs a person in: their account, checked, and a new session.
pub async fn sign_in(pool: &PgPool, login: &str, password: &str, ip: IpAddr, now: DateTime<Utc>) -> ApiResult<Begun> {
    let account = db::console::account_by_login(pool, login.trim()).await?;
    let Some(account) = account else {
        password_matches(password.to_owned(), decoy_verifier().to_owned()).await;
        tracing::warn!(%ip, "console sign-in with an unknown login");
        return Err(refused());
    };
    let audit = |action: &'static str, detail: serde_json::Value| db::console::AuditLine {
        org: account.org_id,
        staff: Some(account.staff_id),
        action,
        subject: Some(account.staff_id),
        detail,
        client_ip: Some(ip.to_string()),
    };
    if let Some(until) = account.locked_until.filter(|u| *u > now) {
        db::console::audit(pool, audit("sign_in_locked", serde_json::json!({}))).await?;
        let minutes = (until - now).num_minutes().max(1);
        return Err(Failure {
            code: ErrorCode::RateLimited,
            message: format!(
                "This account is locked after {LOCK_AFTER} wrong passwords. Try again in {minutes} min, or ask an administrator."
            ),
            retry_after_secs: Some((until - now).num_seconds().max(1) as u64),
        });
    }
    if !password_matches(password.to_owned(), account.password_hash.clone()).await {
        let failures =
            db::console::count_failure(pool, account.org_id, account.staff_id, LOCK_AFTER, now + LOCK_FOR).await?;
        db::console::audit(pool, audit("sign_in_failed", serde_json::json!({ "in_a_row": failures }))).await?;
        return Err(refused());
    }
    if !account.active {
        db::console::audit(pool, audit("sign_in_refused_left", serde_json::json!({}))).await?;
        return Err(Failure::forbidden("This person no longer works for the organisation."));
    }
    db::console::clear_failures(pool, account.org_id, account.staff_id).await?;
    let secret = random_token(32);
    let csrf_token = random_token(24);
    let expires_at = now + SESSION_MAX;
    db::console::insert_session(
        pool,
        db::console::NewSession {
            session_hash: &hash_secret(&secret),
            org: account.org_id,
            staff: account.staff_id,
            csrf_token: &csrf_token,
            expires_at,
        },
    )
    .await?;
    db::console::audit(pool, audit("signed_in", serde_json::json!({}))).await?;
    Ok(Begun { secret, csrf_token, expires_at, account })
}

/// The `Set-Cookie` value of a session: HTTP-only, same-site strict, for the console's paths;
/// `Secure` when the console is reached over HTTPS.
pub fn session_cookie(secret: &str, secure: bool) -> String {
    cookie::Cookie::build((COOKIE, secret.to_owned()))
        .http_only(true)
        .secure(secure)
        .same_site(cookie::SameSite::Strict)
        .path("/")
        .max_age(cookie::time::Duration::seconds(SESSION_MAX.num_seconds()))
        .build()
        .to_string()
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_cookie(secure: bool) -> String {
    cookie::Cookie::build((COOKIE, ""))
        .http_only(true)
        .secure(secure)
        .same_site(cookie::SameSite::Strict)
        .path("/")
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

/// Whether the request reached the server over HTTPS (directly, or through a proxy that says
/// so when the server is told it is behind one).
pub fn is_https(headers: &HeaderMap, state: &AppState) -> bool {
    state.console.tls
        || (state.limits.config.behind_proxy
            && headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() == "https"))
}

/// The session's secret, from the request's cookies.
pub fn session_secret(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The person signed in to the console, for a request that needs one. A request that changes
/// something (any method but GET and HEAD) must carry the session's CSRF token.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    pub org_id: Uuid,
    pub staff_id: Uuid,
    pub role: ConsoleRole,
    pub name: String,
    pub org_name: String,
    pub home_store_id: Option<Uuid>,
    pub login: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub client_ip: IpAddr,
    /// The API key the request came with (an integration, in its maker's name), or none for a
    /// person's console session.
    pub api_key: Option<(Uuid, String)>,
    session_hash: Vec<u8>,
}

impl ConsoleUser {
    /// Refuses anyone but an administrator.
    pub fn admin(&self) -> ApiResult<()> {
        match self.role {
            ConsoleRole::Admin => Ok(()),
            ConsoleRole::Supervisor => {
                Err(Failure::forbidden("Only an administrator can change the organisation's set-up."))
            }
        }
    }

    pub fn session_hash(&self) -> &[u8] {
        &self.session_hash
    }

    /// Refuses an API key: a person signed in to the console must do this (make or revoke keys,
    /// sign out).
    pub fn person(&self) -> ApiResult<()> {
        match self.api_key {
            None => Ok(()),
            Some(_) => Err(Failure::forbidden("An API key cannot do this: sign in to the console.")),
        }
    }

    /// Writes one line of the console's audit, as this person.
    pub async fn audit(
        &self,
        pool: &PgPool,
        action: &str,
        subject: Option<Uuid>,
        detail: serde_json::Value,
    ) -> ApiResult<()> {
        db::console::audit(
            pool,
            db::console::AuditLine {
                org: self.org_id,
                staff: Some(self.staff_id),
                action,
                subject,
                detail: match (&self.api_key, detail) {
                    (Some((_, key)), serde_json::Value::Object(mut map)) => {
                        map.insert("api_key".into(), key.clone().into());
                        serde_json::Value::Object(map)
                    }
                    (_, detail) => detail,
                },
                client_ip: Some(self.client_ip.to_string()),
            },
        )
        .await?;
        Ok(())
    }
}

impl FromRequestParts<AppState> for ConsoleUser {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ClientIp(client_ip) = ClientIp::from_request_parts(parts, state).await?;
        if let Some(secret) = api_key_secret(&parts.headers) {
            return from_api_key(&secret, &parts.method, client_ip, state).await;
        }
        let signed_out = || Failure::unauthorized("Sign in to the console (the session ended or was never begun).");
        let secret = session_secret(&parts.headers).ok_or_else(signed_out)?;
        let hash = hash_secret(&secret);
        let now = Utc::now();
        let session =
            db::console::live_session(&state.pool, &hash, now, now - SESSION_IDLE).await?.ok_or_else(signed_out)?;
        let account =
            db::console::account(&state.pool, session.org_id, session.staff_id).await?.ok_or_else(signed_out)?;
        let role = ConsoleRole::parse(&account.console_role).ok_or_else(signed_out)?;
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts.headers.get(CSRF_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
            if !bool::from(sent.ct_eq(session.csrf_token.as_bytes())) {
                return Err(Failure::forbidden(
                    "This request did not come from the console's own page (its CSRF token is missing or wrong). Reload the console.",
                ));
            }
        }
        // Kept alive while used; written at most once a minute.
        if now - session.last_seen_at > Duration::minutes(1) {
            db::console::touch_session(&state.pool, &hash, now).await?;
        }
        Ok(ConsoleUser {
            org_id: account.org_id,
            staff_id: account.staff_id,
            role,
            name: account.name,
            org_name: account.org_name,
            home_store_id: account.home_store_id,
            login: account.login,
            csrf_token: session.csrf_token,
            expires_at: session.expires_at,
            client_ip,
            api_key: None,
            session_hash: hash,
        })
    }
}

/// The prefix of every API key's secret (so a leaked one is recognisable in a log or a scan).
pub const API_KEY_PREFIX: &str = "tpk_";

/// A new key's secret: the prefix and 32 random bytes.
pub fn new_api_key_secret() -> String {
    format!("{API_KEY_PREFIX}{}", random_token(32))
}

fn api_key_secret(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?.trim();
    token.starts_with(API_KEY_PREFIX).then(|| token.to_owned())
}

/// An integration's request: the key's maker acts, read-only keys only read. No CSRF token (a
/// browser never sends this header by itself).
async fn from_api_key(secret: &str, method: &Method, client_ip: IpAddr, state: &AppState) -> ApiResult<ConsoleUser> {
    let refused = || Failure::unauthorized("This API key is not valid (it was revoked, or never existed).");
    let (org, key) = db::api_keys::live(&state.pool, &hash_secret(secret)).await?.ok_or_else(refused)?;
    let scope = touchpoint_protocol::console::ApiKeyScope::parse(&key.scope).ok_or_else(refused)?;
    if scope == touchpoint_protocol::console::ApiKeyScope::ReadOnly && !matches!(*method, Method::GET | Method::HEAD) {
        return Err(Failure::forbidden("This API key only reads: make a read-write key to change anything."));
    }
    let account = db::console::account(&state.pool, org, key.created_by).await?.ok_or_else(refused)?;
    let now = Utc::now();
    if key.last_used_at.is_none_or(|at| now - at > Duration::minutes(1)) {
        db::api_keys::touch(&state.pool, key.key_id, now).await?;
    }
    Ok(ConsoleUser {
        org_id: org,
        staff_id: account.staff_id,
        role: ConsoleRole::Admin,
        name: format!("{} (API key {})", account.name, key.name),
        org_name: account.org_name,
        home_store_id: None,
        login: account.login,
        csrf_token: String::new(),
        expires_at: now,
        client_ip,
        api_key: Some((key.key_id, key.name)),
        session_hash: Vec::new(),
    })
}
