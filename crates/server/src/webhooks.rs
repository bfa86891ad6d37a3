//! Outgoing webhooks. Events are queued in the push transaction that caused them (a delivery
//! row per subscribed webhook), so one is never lost nor sent for a push that did not land; the
//! server then POSTs each, signed with the webhook's secret, retrying with exponential backoff
//! until a 2xx answer or eight failures. Overdue follow-ups are found by a scan once a minute.
//! Payloads carry ids, scores and times, never what a customer said or how to reach them.

use std::time::Duration;

use chrono::Utc;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use sqlx::{PgPool, Postgres, Transaction};
use touchpoint_protocol::console::WebhookEvent;
use touchpoint_protocol::{Feeling, Op, OpBody};
use uuid::Uuid;

use crate::db;
use crate::db::webhooks::Due;

use crate::error::ApiResult;

/// Tries before a delivery is given up on.
pub const MAX_ATTEMPTS: i32 = 8;
/// The longest wait between two tries.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

#[derive(Debug, Clone)]
pub struct WebhookOptions {
    /// Plain-http webhook URLs are accepted (for a receiver on a private network; https otherwise).
    pub allow_http: bool,
    /// The wait after the first failure; doubled after each further one.
    pub retry_base: Duration,
    /// How often the server looks for deliveries that are due.
    pub poll: Duration,
    /// How often it looks for follow-ups that became overdue.
    pub overdue_every: Duration,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            allow_http: false,
            retry_base: Duration::from_secs(30),
            poll: Duration::from_secs(2),
            overdue_every: Duration::from_secs(60),
        }
    }
}

/// The wait before try number `attempts + 1` after `attempts` failures.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let factor = 2u32.saturating_pow(u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(20));
    base.saturating_mul(factor).min(MAX_BACKOFF)
}

/// `X-Touchpoint-Signature`: `t=UNIX_SECONDS,v1=HEX(HMAC-SHA256(secret, "UNIX_SECONDS.BODY"))`.
pub fn signature(secret: &str, unix_seconds: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(unix_seconds.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={unix_seconds},v1={hex}")
}

/// The events a push's accepted ops make, gathered for its transaction.
#[derive(Debug, Default)]
pub struct Queued {
    events: Vec<&'static str>,
    payloads: Vec<Value>,
}

impl Queued {
    pub fn add(&mut self, op: &Op) {
        let (event, payload) = match &op.body {
            OpBody::InteractionLogged(i) => (
                WebhookEvent::ConversationLogged,
                json!({
                    "interaction_id": i.interaction_id, "customer_id": i.customer_id, "store_id": op.store_id,
                    "staff_id": op.staff_id, "touch_point_id": i.touch_point_id, "channel": i.channel.as_str(),
                    "reason": i.reason, "outcome": i.outcome.as_str(), "occurred_at": i.occurred_at,
                }),
            ),
            OpBody::FeedbackRecorded(f)
                if matches!(f.feeling, Some(Feeling::Unhappy | Feeling::VeryUnhappy))
                    || f.nps.is_some_and(|n| n <= 6) =>
            {
                (
                    WebhookEvent::FeedbackUnhappy,
                    json!({
                        "feedback_id": f.feedback_id, "interaction_id": f.interaction_id, "customer_id": f.customer_id,
                        "store_id": op.store_id, "staff_id": op.staff_id, "feeling": f.feeling.map(Feeling::as_str),
                        "nps": f.nps, "csat": f.csat, "ces": f.ces,
                    }),
                )
            }
            OpBody::CustomerErased(c) => {
                (WebhookEvent::CustomerErased, json!({ "customer_id": c.customer_id, "store_id": op.store_id }))
            }
            _ => return,
        };
        self.events.push(event.as_str());
        self.payloads.push(payload);
    }
}

/// Queues the push's events for every active webhook of the organisation that wants them.
pub async fn enqueue(tx: &mut Transaction<'_, Postgres>, org: Uuid, queued: Queued) -> ApiResult<()> {
    if queued.events.is_empty() {
        return Ok(());
    }
    db::webhooks::enqueue(tx, org, &queued.events, &queued.payloads).await?;
    Ok(())
}

/// Sends the deliveries that are due (20 at a time; several servers share the queue without
/// sending one twice at once); how many were tried.
pub async fn deliver_due(
    pool: &PgPool,
    options: &WebhookOptions,
    client: &reqwest::Client,
) -> Result<usize, sqlx::Error> {
    let due = db::webhooks::claim_due(pool).await?;
    let tried = due.len();
    for d in due {
        let outcome = if d.active { send(client, &d).await } else { Err((None, "The webhook was turned off.".into())) };
        let attempts = d.attempts + 1;
        match outcome {
            Ok(status) => db::webhooks::delivered(pool, d.delivery_id, attempts, status).await?,
            Err((status, error)) => {
                let give_up = attempts >= MAX_ATTEMPTS || !d.active;
                let wait = backoff(options.retry_base, attempts);
                let error: String = error.chars().take(500).collect();
                db::webhooks::failed(pool, d.delivery_id, give_up, attempts, status, &error, wait.as_secs_f64())
                    .await?;
            }
        }
    }
    Ok(tried)
}

async fn send(client: &reqwest::Client, d: &Due) -> Result<u16, (Option<u16>, String)> {
    let body = json!({ "id": d.delivery_id, "event": d.event, "created_at": d.created_at, "data": d.payload });
    let body = serde_json::to_vec(&body).map_err(|e| (None, e.to_string()))?;
    let now = Utc::now().timestamp();
    let answer = client
        .post(&d.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("x-touchpoint-event", &d.event)
        .header("x-touchpoint-delivery", d.delivery_id.to_string())
        .header("x-touchpoint-signature", signature(&d.secret, now, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| (None, if e.is_timeout() { "No answer within 10 s.".to_owned() } else { format!("{e}") }))?;
    let status = answer.status().as_u16();
    if answer.status().is_success() {
        Ok(status)
    } else {
        Err((Some(status), format!("Answered {status}.")))
    }
}

/// The client deliveries go out with: a short timeout, no redirects (a webhook's URL is where
/// it goes, not wherever that server points).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Touchpoint/", env!("CARGO_PKG_VERSION"), " webhooks"))
        .build()
        .unwrap_or_default()
}

/// Delivers what is due every `poll`, and queues overdue follow-ups once a minute, until the
/// task is dropped.
pub async fn run(pool: PgPool, options: WebhookOptions) {
    let client = client();
    let mut every = tokio::time::interval(options.poll);
    let mut last_scan = std::time::Instant::now() - Duration::from_secs(3600);
    loop {
        every.tick().await;
        if last_scan.elapsed() >= options.overdue_every {
            last_scan = std::time::Instant::now();
            if let Err(e) = db::webhooks::queue_overdue(&pool).await {
                tracing::warn!(error = %e, "webhooks: could not look for overdue follow-ups");
            }
        }
        loop {
            match deliver_due(&pool, &options, &client).await {
                Ok(20..) => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "webhooks: could not deliver");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_the_time_and_the_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
        let s = signature("key", 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(s, "t=1700000000,v1=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03");
        assert_ne!(s, signature("other key", 1_700_000_000, br#"{"a":1}"#));
        assert_ne!(s, signature("key", 1_700_000_001, br#"{"a":1}"#));
    }

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_six_hours() {
        let base = Duration::from_secs(30);
        let waits: Vec<u64> = (1..=6).map(|n| backoff(base, n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960]);
        assert_eq!(backoff(base, 40), Duration::from_secs(6 * 3600));
    }
}
