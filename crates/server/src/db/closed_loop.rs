//! The closed loop and at-risk customers across the organisation, in PostgreSQL, by the rules
//! written in [`touchpoint_protocol::risk`]: conversations from the insight facts (as last
//! corrected, with their feedback), follow-ups from their columns (migration 0017).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgPool, Row};
use touchpoint_protocol::risk::{self, Evidence, LoopFigures, Visits, SLA_HOURS};
use touchpoint_protocol::{ChannelConsent, ContactRoute, Outcome};
use uuid::Uuid;

use crate::error::ApiResult;

/// A conversation that left the customer unhappy (`f` is a fact row).
const UNHAPPY: &str = "(f.feeling <= 2 OR f.nps <= 6 OR f.csat <= 2)";
/// A conversation that went well and had nothing unhappy in it.
const GOOD: &str = "((f.feeling >= 4 OR f.csat >= 4 OR f.nps >= 9) AND NOT coalesce(f.feeling <= 2 OR f.nps <= 6 OR f.csat <= 2, false))";

/// One population's loop figures (a store's, or every store's under `None`).
pub type LoopRows = HashMap<Option<Uuid>, LoopFigures>;

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The closed-loop figures of the days `from`–`to` (each store's own calendar), per store and
/// for all of them together; `store` narrows to one.
pub async fn figures(
    pool: &PgPool,
    org: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    store: Option<Uuid>,
    now: DateTime<Utc>,
) -> ApiResult<LoopRows> {
    let mut out: LoopRows = HashMap::new();
    let blank = LoopFigures::default;
    // Only constants of this module are formatted in.
    let handled = sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH unhappy AS (
             SELECT f.interaction_id, f.store_id, f.customer_id, f.occurred_at FROM insight_facts f
             WHERE f.org_id = $1 AND f.logged AND f.day BETWEEN $2 AND $3 AND ($4::uuid IS NULL OR f.store_id = $4)
               AND {UNHAPPY}
         ),
         -- A conversation's follow-ups: those opened from it, and those opened for the same
         -- customer from their page (linked to no conversation) at or after it.
         answered AS (
             SELECT u.interaction_id, fu.status, fu.closed_at FROM unhappy u
             JOIN follow_ups fu ON fu.org_id = $1 AND fu.interaction_id = u.interaction_id
             UNION ALL
             SELECT u.interaction_id, fu.status, fu.closed_at FROM unhappy u
             JOIN follow_ups fu ON fu.org_id = $1 AND fu.customer_id = u.customer_id AND fu.interaction_id IS NULL
                               AND fu.created_at >= u.occurred_at
         ),
         per AS (
             SELECT interaction_id,
                    min(closed_at) FILTER (WHERE status IN ('done', 'could_not_reach')) AS closed_at,
                    bool_or(status = 'done') AS recovered
             FROM answered GROUP BY interaction_id
         )
         SELECT u.store_id, count(*) AS unhappy, count(p.interaction_id) AS followed_up,
                count(*) FILTER (WHERE p.closed_at - u.occurred_at <= make_interval(hours => $5)) AS within_sla,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.closed_at - u.occurred_at)::float8 / 3600)
                    FILTER (WHERE p.closed_at IS NOT NULL AND p.recovered) AS median_hours
         FROM unhappy u LEFT JOIN per p USING (interaction_id)
         GROUP BY GROUPING SETS ((u.store_id), ())"
    )))
    .bind(org)
    .bind(from)
    .bind(to)
    .bind(store)
    .bind(SLA_HOURS as i32)
    .fetch_all(pool)
    .await?;
    for r in handled {
        let f = out.entry(r.try_get("store_id")?).or_insert_with(blank);
        f.unhappy = count(r.try_get("unhappy")?);
        f.followed_up = count(r.try_get("followed_up")?);
        f.within_sla = count(r.try_get("within_sla")?);
        f.within_sla_percent = touchpoint_protocol::insight::percent(f.within_sla, f.unhappy);
        f.median_hours_to_recover = r.try_get("median_hours")?;
    }

    let after: Vec<(Option<Uuid>, i16, i64)> = sqlx::query_as(
        "SELECT f.store_id, fu.feeling_after, count(*) FROM follow_ups fu
         JOIN insight_facts f ON f.org_id = fu.org_id AND f.interaction_id = fu.interaction_id AND f.logged
         WHERE fu.org_id = $1 AND fu.status = 'done' AND fu.feeling_after IS NOT NULL
           AND f.day BETWEEN $2 AND $3 AND ($4::uuid IS NULL OR f.store_id = $4)
         GROUP BY GROUPING SETS ((f.store_id, fu.feeling_after), (fu.feeling_after))",
    )
    .bind(org)
    .bind(from)
    .bind(to)
    .bind(store)
    .fetch_all(pool)
    .await?;
    for (s, feeling, n) in after {
        if let Some(slot) = usize::try_from(feeling).ok().and_then(|i| i.checked_sub(1)).filter(|i| *i < 5) {
            out.entry(s).or_insert_with(blank).feelings_after[slot] = count(n);
        }
    }

    // An open follow-up past due counts at the store it was opened at and at its customer's
    // home store; once among all of them.
    let overdue: Vec<(Option<Uuid>, i64)> = sqlx::query_as(
        "SELECT s.store_id, count(DISTINCT fu.follow_up_id) FROM follow_ups fu
         LEFT JOIN customers c ON c.org_id = fu.org_id AND c.customer_id = fu.customer_id
         CROSS JOIN LATERAL (VALUES (fu.store_id), (c.home_store_id)) AS s (store_id)
         WHERE fu.org_id = $1 AND fu.status IN ('open', 'in_progress') AND fu.due_at < $2
           AND s.store_id IS NOT NULL AND ($3::uuid IS NULL OR s.store_id = $3)
         GROUP BY GROUPING SETS ((s.store_id), ())",
    )
    .bind(org)
    .bind(now)
    .bind(store)
    .fetch_all(pool)
    .await?;
    for (s, n) in overdue {
        out.entry(s).or_insert_with(blank).overdue_now = count(n);
    }
    out.entry(None).or_insert_with(blank);
    Ok(out)
}

/// An at-risk customer as found: who, their evidence, and what the list shows beside it.
pub struct Candidate {
    pub customer_id: Uuid,
    pub name: String,
    pub home_store_id: Option<Uuid>,
    pub home_store: Option<String>,
    pub evidence: Evidence,
    pub open_follow_up: Option<(String, DateTime<Utc>)>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub refused: Vec<ContactRoute>,
}

/// How many customers with a recent reason are assessed (those with the newest reasons).
pub const CANDIDATES: i64 = 2000;

fn visits(n: i64, last: Option<DateTime<Utc>>) -> Visits {
    Visits { count: count(n), last }
}

fn refused(fields: &Value) -> Vec<ContactRoute> {
    ContactRoute::ALL
        .into_iter()
        .filter(|route| {
            let key = match route {
                ContactRoute::Phone => "contact_phone",
                ContactRoute::Email => "contact_email",
                ContactRoute::Sms => "contact_sms",
            };
            fields
                .get(key)
                .and_then(|v| serde_json::from_value::<ChannelConsent>(v.clone()).ok())
                .is_some_and(|c| !c.allowed)
        })
        .collect()
}

/// Customers who may be at risk now (a recent unhappy or unresolved conversation, an overdue
/// promise; narrowed to a store's: a reason there or their home store there), each with what
/// the rules read. The rules themselves are [`risk::decide`].
pub async fn candidates(
    pool: &PgPool,
    org: Uuid,
    store: Option<Uuid>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Candidate>> {
    let since = now - Duration::days(risk::DETRACTOR_WINDOW_DAYS);
    // Only constants of this module are formatted in.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH events AS (
             SELECT f.customer_id, f.occurred_at AS at FROM insight_facts f
             WHERE f.org_id = $1 AND f.logged AND f.customer_id IS NOT NULL AND f.occurred_at >= $2
               AND ({UNHAPPY} OR f.outcome IN ('unresolved', 'escalated'))
               AND ($4::uuid IS NULL OR f.store_id = $4)
             UNION ALL
             SELECT fu.customer_id, fu.due_at FROM follow_ups fu
             WHERE fu.org_id = $1 AND fu.customer_id IS NOT NULL AND fu.status IN ('open', 'in_progress')
               AND fu.due_at < $3 AND ($4::uuid IS NULL OR fu.store_id = $4)
             UNION ALL
             SELECT f.customer_id, f.occurred_at FROM customers c
             JOIN insight_facts f ON f.org_id = c.org_id AND f.customer_id = c.customer_id AND f.logged
             WHERE $4::uuid IS NOT NULL AND c.org_id = $1 AND c.home_store_id = $4 AND f.occurred_at >= $2
               AND ({UNHAPPY} OR f.outcome IN ('unresolved', 'escalated'))
             UNION ALL
             SELECT fu.customer_id, fu.due_at FROM customers c
             JOIN follow_ups fu ON fu.org_id = c.org_id AND fu.customer_id = c.customer_id
             WHERE $4::uuid IS NOT NULL AND c.org_id = $1 AND c.home_store_id = $4
               AND fu.status IN ('open', 'in_progress') AND fu.due_at < $3
         ),
         cand AS (SELECT customer_id FROM events GROUP BY customer_id ORDER BY max(at) DESC LIMIT $5)
         SELECT cu.customer_id, cu.fields, cu.home_store_id, st.name AS home_store,
                u.n AS unhappy_n, u.last AS unhappy_last, gu.n AS good_u_n, gu.last AS good_u_last,
                od.promise AS overdue_promise, od.due_at AS overdue_due,
                np.nps, np.at AS nps_at, gn.n AS good_n_n, gn.last AS good_n_last,
                lv.outcome AS last_outcome, lv.at AS last_at,
                op.promise AS open_promise, op.due_at AS open_due
         FROM cand
         JOIN customers cu ON cu.org_id = $1 AND cu.customer_id = cand.customer_id AND cu.erased_at IS NULL
                          AND (cu.deleted_hlc IS NULL OR cu.restored_hlc > cu.deleted_hlc)
         LEFT JOIN stores st ON st.org_id = $1 AND st.store_id = cu.home_store_id
         CROSS JOIN LATERAL (
             SELECT count(*) AS n, max(f.occurred_at) AS last FROM insight_facts f
             WHERE f.org_id = $1 AND f.customer_id = cu.customer_id AND f.logged
               AND f.occurred_at >= $3 - make_interval(days => $6) AND {UNHAPPY}) u
         CROSS JOIN LATERAL (
             SELECT count(*) AS n, max(f.occurred_at) AS last FROM insight_facts f
             WHERE f.org_id = $1 AND f.customer_id = cu.customer_id AND f.logged
               AND f.occurred_at > u.last AND {GOOD}) gu
         LEFT JOIN LATERAL (
             SELECT fu.fields->>'promise' AS promise, fu.due_at FROM follow_ups fu
             WHERE fu.org_id = $1 AND fu.customer_id = cu.customer_id AND fu.status IN ('open', 'in_progress')
               AND fu.due_at < $3 ORDER BY fu.due_at LIMIT 1) od ON true
         LEFT JOIN LATERAL (
             SELECT f.nps, f.occurred_at AS at FROM insight_facts f
             WHERE f.org_id = $1 AND f.customer_id = cu.customer_id AND f.logged AND f.nps IS NOT NULL
             ORDER BY f.occurred_at DESC, f.interaction_id DESC LIMIT 1) np ON true
         CROSS JOIN LATERAL (
             SELECT count(*) AS n, max(f.occurred_at) AS last FROM insight_facts f
             WHERE f.org_id = $1 AND f.customer_id = cu.customer_id AND f.logged
               AND f.occurred_at > np.at AND {GOOD}) gn
         LEFT JOIN LATERAL (
             SELECT f.outcome, f.occurred_at AS at FROM insight_facts f
             WHERE f.org_id = $1 AND f.customer_id = cu.customer_id AND f.logged
             ORDER BY f.occurred_at DESC, f.interaction_id DESC LIMIT 1) lv ON true
         LEFT JOIN LATERAL (
             SELECT fu.fields->>'promise' AS promise, fu.due_at FROM follow_ups fu
             WHERE fu.org_id = $1 AND fu.customer_id = cu.customer_id AND fu.status IN ('open', 'in_progress')
             ORDER BY fu.due_at LIMIT 1) op ON true"
    )))
    .bind(org)
    .bind(since)
    .bind(now)
    .bind(store)
    .bind(CANDIDATES)
    .bind(risk::UNHAPPY_WINDOW_DAYS as i32)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let fields: Value = r.try_get("fields")?;
        let pair = |a: Option<String>, b: Option<DateTime<Utc>>| a.zip(b);
        let outcome: Option<String> = r.try_get("last_outcome")?;
        let last_at: Option<DateTime<Utc>> = r.try_get("last_at")?;
        let open = pair(r.try_get("open_promise")?, r.try_get("open_due")?);
        out.push(Candidate {
            customer_id: r.try_get("customer_id")?,
            name: fields.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(),
            home_store_id: r.try_get("home_store_id")?,
            home_store: r.try_get("home_store")?,
            evidence: Evidence {
                unhappy_recently: visits(r.try_get("unhappy_n")?, r.try_get("unhappy_last")?),
                good_after_unhappy: visits(r.try_get("good_u_n")?, r.try_get("good_u_last")?),
                first_overdue: pair(r.try_get("overdue_promise")?, r.try_get("overdue_due")?),
                latest_nps: r
                    .try_get::<Option<i16>, _>("nps")?
                    .and_then(|n| u8::try_from(n).ok())
                    .zip(r.try_get::<Option<DateTime<Utc>>, _>("nps_at")?),
                good_after_nps: visits(r.try_get("good_n_n")?, r.try_get("good_n_last")?),
                last_visit: outcome.as_deref().and_then(|o| o.parse::<Outcome>().ok()).zip(last_at),
                has_open_follow_up: open.is_some(),
            },
            open_follow_up: open,
            last_seen_at: last_at,
            refused: refused(&fields),
        });
    }
    Ok(out)
}
