//! Outgoing webhooks as rows: the webhooks, their queued deliveries (written in the push
//! transaction), the claim of due ones, and what each try came to.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgPool, Postgres, Transaction};
use uuid::Uuid;

/// Queues events (`events[i]` with `payloads[i]`) for every active webhook of `org` that wants them.
pub async fn enqueue(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    events: &[&'static str],
    payloads: &[Value],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (delivery_id, org_id, webhook_id, event, payload)
         SELECT gen_random_uuid(), $1, w.webhook_id, e.event, e.payload
         FROM webhooks w JOIN UNNEST($2::text[], $3::jsonb[]) AS e(event, payload) ON e.event = ANY(w.events)
         WHERE w.org_id = $1 AND w.active",
    )
    .bind(org)
    .bind(events)
    .bind(payloads)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Queues "overdue" for follow-ups past their due time and not done, once per due time, for the
/// organisations with a webhook that wants it: only those organisations' open follow-ups are
/// read, through their index by due time (migration 0017), not every follow-up's fields.
pub async fn queue_overdue(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "WITH due AS (
             INSERT INTO webhook_overdue_sent (org_id, follow_up_id, due_at)
             SELECT f.org_id, f.follow_up_id, f.fields->>'due_at'
             FROM (SELECT DISTINCT org_id FROM webhooks WHERE active AND 'follow_up_overdue' = ANY(events)) o
             JOIN follow_ups f ON f.org_id = o.org_id AND f.status IN ('open', 'in_progress') AND f.due_at < now()
             WHERE f.fields->>'due_at' IS NOT NULL
             ON CONFLICT DO NOTHING
             RETURNING org_id, follow_up_id, due_at
         )
         INSERT INTO webhook_deliveries (delivery_id, org_id, webhook_id, event, payload)
         SELECT gen_random_uuid(), d.org_id, w.webhook_id, 'follow_up_overdue',
                jsonb_build_object('follow_up_id', d.follow_up_id, 'customer_id', f.customer_id,
                                   'store_id', f.store_id, 'due_at', d.due_at,
                                   'owner_staff_id', f.fields->'owner_staff_id')
         FROM due d JOIN follow_ups f ON f.org_id = d.org_id AND f.follow_up_id = d.follow_up_id
         JOIN webhooks w ON w.org_id = d.org_id AND w.active AND 'follow_up_overdue' = ANY(w.events)",
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// A delivery that is due, with where and how to send it.
#[derive(FromRow)]
pub struct Due {
    pub delivery_id: Uuid,
    pub event: String,
    pub payload: Value,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub url: String,
    pub secret: String,
    pub active: bool,
}

/// Claims up to 20 due deliveries (others' claims skipped; a claim lapses after two minutes, so
/// a server that dies mid-send leaves nothing stuck).
pub async fn claim_due(pool: &PgPool) -> Result<Vec<Due>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE webhook_deliveries d SET next_attempt_at = now() + interval '2 minutes'
         FROM webhooks w
         WHERE d.delivery_id IN (SELECT delivery_id FROM webhook_deliveries
                                 WHERE status = 'pending' AND next_attempt_at <= now()
                                 ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED)
           AND w.webhook_id = d.webhook_id
         RETURNING d.delivery_id, d.event, d.payload, d.created_at, d.attempts, w.url, w.secret, w.active",
    )
    .fetch_all(pool)
    .await
}

pub async fn delivered(pool: &PgPool, delivery: Uuid, attempts: i32, status: u16) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, last_status = $3,
             last_error = NULL, delivered_at = now() WHERE delivery_id = $1",
    )
    .bind(delivery)
    .bind(attempts)
    .bind(i32::from(status))
    .execute(pool)
    .await?;
    Ok(())
}

/// A try that failed: tried again after `wait_secs`, or given up on.
pub async fn failed(
    pool: &PgPool,
    delivery: Uuid,
    give_up: bool,
    attempts: i32,
    status: Option<u16>,
    error: &str,
    wait_secs: f64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = CASE WHEN $2 THEN 'failed' ELSE 'pending' END,
             attempts = $3, last_status = $4, last_error = $5,
             next_attempt_at = now() + make_interval(secs => $6) WHERE delivery_id = $1",
    )
    .bind(delivery)
    .bind(give_up)
    .bind(attempts)
    .bind(status.map(i32::from))
    .bind(error)
    .bind(wait_secs)
    .execute(pool)
    .await?;
    Ok(())
}

/// A webhook with how its deliveries stand.
#[derive(FromRow)]
pub struct HookRow {
    pub webhook_id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub pending: i64,
    pub failed: i64,
    pub last_delivered_at: Option<DateTime<Utc>>,
}

/// The organisation's webhooks, newest first.
pub async fn hooks(pool: &PgPool, org: Uuid) -> Result<Vec<HookRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT w.webhook_id, w.url, w.events, w.active, w.created_at,
                count(d.*) FILTER (WHERE d.status = 'pending') AS pending,
                count(d.*) FILTER (WHERE d.status = 'failed') AS failed,
                max(d.delivered_at) AS last_delivered_at
         FROM webhooks w LEFT JOIN webhook_deliveries d ON d.webhook_id = w.webhook_id
         WHERE w.org_id = $1 GROUP BY w.webhook_id ORDER BY w.created_at DESC",
    )
    .bind(org)
    .fetch_all(pool)
    .await
}

pub async fn insert(
    pool: &PgPool,
    org: Uuid,
    id: Uuid,
    url: &str,
    events: &[&str],
    secret: &str,
    by: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhooks (webhook_id, org_id, url, events, secret, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(org)
    .bind(url)
    .bind(events)
    .bind(secret)
    .bind(by)
    .execute(pool)
    .await?;
    Ok(())
}

/// Turns a webhook of `org` on or off; false if it has no such webhook.
pub async fn set_active(pool: &PgPool, org: Uuid, id: Uuid, active: bool) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query("UPDATE webhooks SET active = $3 WHERE org_id = $1 AND webhook_id = $2")
        .bind(org)
        .bind(id)
        .bind(active)
        .execute(pool)
        .await?;
    Ok(changed.rows_affected() > 0)
}

/// One delivery as its log shows it.
#[derive(FromRow)]
pub struct DeliveryRow {
    pub delivery_id: Uuid,
    pub event: String,
    pub created_at: DateTime<Utc>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// A webhook's last 200 deliveries, newest first.
pub async fn deliveries(pool: &PgPool, org: Uuid, id: Uuid) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.delivery_id, d.event, d.created_at, d.status, d.attempts, d.next_attempt_at, d.last_status,
                d.last_error, d.delivered_at
         FROM webhook_deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id
         WHERE w.org_id = $1 AND w.webhook_id = $2 ORDER BY d.created_at DESC LIMIT 200",
    )
    .bind(org)
    .bind(id)
    .fetch_all(pool)
    .await
}
