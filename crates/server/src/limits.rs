//! Rate limits on the calls a guesser or a stolen till would repeat: enrollment (codes),
//! token exchange (refresh tokens), and lookups (the organisation's search, adoption, PIN
//! checks). Each is limited per client address and per device; over the limit the answer is a
//! 429 with `Retry-After`, which desks honour. Pushes and pulls are not limited here: they are
//! bounded by their own size limits and by the per-organisation share of connections.

use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use touchpoint_protocol::ErrorCode;
use uuid::Uuid;

use crate::error::Failure;
use crate::AppState;

/// Calls per minute allowed to one client address or one device.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Enrollment attempts (a wrong code is a guess).
    pub enroll_per_minute: u32,
    /// Token exchanges.
    pub token_per_minute: u32,
    /// Searches of the organisation, adoptions and PIN checks.
    pub lookups_per_minute: u32,
    /// Console sign-ins (a wrong password is a guess), per address and per login.
    pub sign_in_per_minute: u32,
    /// The server sits behind a reverse proxy: the client is the last address of
    /// `X-Forwarded-For`, not the connection's.
    pub behind_proxy: bool,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            enroll_per_minute: 10,
            token_per_minute: 60,
            lookups_per_minute: 120,
            sign_in_per_minute: 10,
            behind_proxy: false,
        }
    }
}

type Limiter<K> = DefaultKeyedRateLimiter<K>;

pub struct Limits {
    pub config: RateLimits,
    enroll_ip: Limiter<IpAddr>,
    enroll_device: Limiter<Uuid>,
    token_ip: Limiter<IpAddr>,
    token_device: Limiter<Uuid>,
    lookups_ip: Limiter<IpAddr>,
    lookups_device: Limiter<Uuid>,
    sign_in_ip: Limiter<IpAddr>,
    /// Keyed by a name-based id of the login.
    sign_in_login: Limiter<Uuid>,
}

fn limiter<K: Hash + Eq + Clone>(per_minute: u32) -> Limiter<K> {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    Limiter::keyed(Quota::per_minute(n))
}

/// Which limited call a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    Enroll,
    Token,
    Lookup,
    /// A console sign-in; the "device" is a name-based id of the login tried.
    SignIn,
}

impl Limits {
    pub fn new(config: RateLimits) -> Self {
        Limits {
            config,
            enroll_ip: limiter(config.enroll_per_minute),
            enroll_device: limiter(config.enroll_per_minute),
            token_ip: limiter(config.token_per_minute),
            token_device: limiter(config.token_per_minute),
            lookups_ip: limiter(config.lookups_per_minute),
            lookups_device: limiter(config.lookups_per_minute),
            sign_in_ip: limiter(config.sign_in_per_minute),
            sign_in_login: limiter(config.sign_in_per_minute),
        }
    }

    /// Counts one `call` from `ip` for `device`; over either limit, the 429 to answer.
    pub fn check(&self, call: Call, ip: IpAddr, device: Uuid) -> Result<(), Failure> {
        let (by_ip, by_device) = match call {
            Call::Enroll => (&self.enroll_ip, &self.enroll_device),
            Call::Token => (&self.token_ip, &self.token_device),
            Call::Lookup => (&self.lookups_ip, &self.lookups_device),
            Call::SignIn => (&self.sign_in_ip, &self.sign_in_login),
        };
        let refused = by_ip.check_key(&ip).err().or_else(|| by_device.check_key(&device).err());
        match refused {
            None => Ok(()),
            Some(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1);
                tracing::warn!(%ip, %device, ?call, wait, "rate limited");
                Err(Failure {
                    code: ErrorCode::RateLimited,
                    message: format!("Too many attempts from here. Try again in {wait} s."),
                    retry_after_secs: Some(wait),
                })
            }
        }
    }

    /// Forgets clients that are within their limits again (keeps memory bounded).
    pub fn forget_quiet(&self) {
        for l in [&self.enroll_ip, &self.token_ip, &self.lookups_ip, &self.sign_in_ip] {
            l.retain_recent();
        }
        for l in [&self.enroll_device, &self.token_device, &self.lookups_device, &self.sign_in_login] {
            l.retain_recent();
        }
    }
}

/// The address a request comes from: the connection's, or behind a trusted proxy the last
/// hop it names in `X-Forwarded-For`.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.limits.config.behind_proxy {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back();
            if let Some(ip) = forwarded {
                return Ok(ClientIp(ip));
            }
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientIp(peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}
