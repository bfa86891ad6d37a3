//! The closed loop and at-risk customers across the organisation, in PostgreSQL, by the rules
//! written in [`touchpoint_protocol::risk`]: conversations from the insight facts (as last
//! corrected, with their feedback), follow-ups from their columns (migration 0017).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgPool, Postgres, Row, Transaction};
use touchpoint_protocol::risk::{self, Evidence, LoopFigures, Visits};
use touchpoint_protocol::{ChannelConsent, ContactRoute, Outcome};
use uuid::Uuid;

use crate::error::ApiResult;

/// A conversation that left the customer unhappy (`f` is a fact row).
const UNHAPPY: &str = "(f.feeling <= 2 OR f.nps <= 6 OR f.csat <= 2)";
/// A conversation that went well and had nothing unhappy in it.
/// A conversation that puts its customer at risk: unhappy, or ended unresolved or escalated. The
/// indexes `insight_facts_risk_events*` (migration 0020) hold these alone, under this condition.
const RISK_EVENT: &str = "((f.feeling <= 2 OR f.nps <= 6 OR f.csat <= 2) OR f.outcome IN ('unresolved', 'escalated'))";
const GOOD: &str = "((f.feeling >= 4 OR f.csat >= 4 OR f.nps >= 9) AND NOT coalesce(f.feeling <= 2 OR f.nps <= 6 OR f.csat <= 2, false))";

/// One population's loop figures (a store's, or every store's under `None`).
pub type LoopRows = HashMap<Option<Uuid>, LoopFigures>;

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The store-days whose closed loop a push's follow-ups change: the conversation a follow-up
/// was opened from; for one opened from a customer's page, the customer's unhappy
/// conversations until then. The push marks them with the store-days it logged, scored or
/// corrected, for [`super::insight::settle`] to recompute (`insight_loop_refresh`).
pub async fn answered(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    follow_ups: &[Uuid],
) -> ApiResult<Vec<(Uuid, NaiveDate)>> {
    if follow_ups.is_empty() {
        return Ok(Vec::new());
    }
    // Only constants of this module are formatted in.
    let answered = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT f.store_id, f.day FROM follow_ups fu
         JOIN insight_facts f ON f.org_id = fu.org_id AND f.interaction_id = fu.interaction_id AND f.logged
         WHERE fu.org_id = $1 AND fu.follow_up_id = ANY($2)
         UNION
         SELECT f.store_id, f.day FROM follow_ups fu
         JOIN insight_facts f ON f.org_id = fu.org_id AND f.customer_id = fu.customer_id AND f.logged
                             AND f.occurred_at <= fu.created_at AND {UNHAPPY}
         WHERE fu.org_id = $1 AND fu.follow_up_id = ANY($2) AND fu.interaction_id IS NULL"
    )))
    .bind(org)
    .bind(follow_ups)
    .fetch_all(&mut **tx)
    .await?;
    Ok(answered)
}

/// The closed loop's rows of a period (binds: org, from, to, the store or null, the first whole
/// week and the Monday after the last, as [`super::insight::whole_weeks`] gives them): its whole
/// weeks from the week rows, with their recovered hours; the days at either end from the day
/// rows (their hours from [`EDGE_HOURS`]).
pub const LOOP_ROWS: &str = "SELECT store_id, unhappy, followed_up, within_sla, after_1, after_2, after_3, after_4, after_5, hours
     FROM insight_loop_weeks
     WHERE org_id = $1 AND week >= $5 AND week < $6 AND ($4::uuid IS NULL OR store_id = $4)
     UNION ALL
     SELECT store_id, unhappy, followed_up, within_sla, after_1, after_2, after_3, after_4, after_5, NULL
     FROM insight_loop_days
     WHERE org_id = $1 AND ((day >= $2 AND day < $5) OR (day >= $6 AND day <= $3)) AND ($4::uuid IS NULL OR store_id = $4)";

/// The hours to recover of the days at either end of a period (binds as [`LOOP_ROWS`]).
pub const EDGE_HOURS: &str = "SELECT store_id, hours FROM insight_loop_recovered
     WHERE org_id = $1 AND ((day >= $2 AND day < $5) OR (day >= $6 AND day <= $3)) AND ($4::uuid IS NULL OR store_id = $4)";

/// The closed-loop figures of the days `from`–`to` (each store's own calendar), per store and
/// for all of them together (under `None`); `store` narrows to one. Read from the rollups
/// (migrations 0018 and 0019, settled first: 0023), but for what is overdue now; the statements run side
/// by side on their own connections. Medians are taken here, by [`risk::median`], from every
/// recovered conversation's hours: a median cannot be summed.
pub async fn figures(
    pool: &PgPool,
    org: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    store: Option<Uuid>,
    now: DateTime<Utc>,
) -> ApiResult<LoopRows> {
    super::insight::settle(pool, org).await?;
    let (first, after) = super::insight::whole_weeks(from, to);
    let rows = async {
        let q = sqlx::query(LOOP_ROWS).bind(org).bind(from).bind(to).bind(store).bind(first).bind(after);
        q.fetch_all(pool).await
    };
    let edges = async {
        let q = sqlx::query_as::<_, (Uuid, f64)>(EDGE_HOURS);
        q.bind(org).bind(from).bind(to).bind(store).bind(first).bind(after).fetch_all(pool).await
    };
    let (rows, edges, overdue) = tokio::try_join!(rows, edges, overdue(pool, org, store, now))?;

    let mut out: LoopRows = HashMap::new();
    let mut hours: HashMap<Uuid, Vec<f64>> = HashMap::new();
    for r in rows {
        let store_id: Uuid = r.try_get("store_id")?;
        let f = out.entry(Some(store_id)).or_default();
        let n = |name: &str| -> Result<u32, sqlx::Error> { Ok(count(r.try_get::<i32, _>(name)?.into())) };
        f.unhappy += n("unhappy")?;
        f.followed_up += n("followed_up")?;
        f.within_sla += n("within_sla")?;
        for (slot, name) in f.feelings_after.iter_mut().zip(["after_1", "after_2", "after_3", "after_4", "after_5"]) {
            *slot += n(name)?;
        }
        if let Some(h) = r.try_get::<Option<Vec<f64>>, _>("hours")? {
            hours.entry(store_id).or_default().extend(h);
        }
    }
    for (s, h) in edges {
        hours.entry(s).or_default().push(h);
    }
    let mut all = LoopFigures::default();
    for f in out.values() {
        all.unhappy += f.unhappy;
        all.followed_up += f.followed_up;
        all.within_sla += f.within_sla;
        for (a, b) in all.feelings_after.iter_mut().zip(&f.feelings_after) {
            *a += b;
        }
    }
    let mut everyone = Vec::with_capacity(hours.values().map(Vec::len).sum());
    for (s, h) in hours {
        everyone.extend_from_slice(&h);
        out.entry(Some(s)).or_default().median_hours_to_recover = risk::median(h);
    }
    all.median_hours_to_recover = risk::median(everyone);
    for (s, n) in overdue {
        out.entry(s).or_default().overdue_now = count(n);
    }
    let overall = out.entry(None).or_default();
    all.overdue_now = overall.overdue_now;
    *overall = all;
    for f in out.values_mut() {
        f.within_sla_percent = touchpoint_protocol::insight::percent(f.within_sla, f.unhappy);
    }
    Ok(out)
}

/// Open follow-ups past due now, by store and overall (under `None`). One counts at the store it
/// was opened at and at its customer's home store; once among all of them.
async fn overdue(
    pool: &PgPool,
    org: Uuid,
    store: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Vec<(Option<Uuid>, i64)>, sqlx::Error> {
    if let Some(store) = store {
        // One store's: those opened there and those of its home customers, each by its index.
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM (
                 SELECT fu.follow_up_id FROM follow_ups fu
                 WHERE fu.org_id = $1 AND fu.store_id = $3 AND fu.status IN ('open', 'in_progress') AND fu.due_at < $2
                 UNION
                 SELECT fu.follow_up_id FROM customers c
                 JOIN follow_ups fu ON fu.org_id = c.org_id AND fu.customer_id = c.customer_id
                 WHERE c.org_id = $1 AND c.home_store_id = $3 AND fu.status IN ('open', 'in_progress') AND fu.due_at < $2
                   AND NOT EXISTS (SELECT 1 FROM customer_survivors s WHERE s.org_id = $1 AND s.customer_id = c.customer_id)
                 UNION
                 -- The records merged into them show on them.
                 SELECT fu.follow_up_id FROM customers c
                 JOIN customer_survivors s ON s.org_id = c.org_id AND s.survivor_id = c.customer_id
                 JOIN follow_ups fu ON fu.org_id = c.org_id AND fu.customer_id = s.customer_id
                 WHERE c.org_id = $1 AND c.home_store_id = $3 AND fu.status IN ('open', 'in_progress') AND fu.due_at < $2
             ) due",
        )
        .bind(org)
        .bind(now)
        .bind(store)
        .fetch_one(pool)
        .await?;
        return Ok(vec![(Some(store), n), (None, n)]);
    }
    sqlx::query_as(
        // The home store of the customer it shows on (a merged record's survivor), by one probe
        // each (joined, the plan read every customer).
        "WITH due AS (
             SELECT fu.follow_up_id, fu.store_id,
                    (SELECT c.home_store_id FROM customers c
                     WHERE c.org_id = fu.org_id
                       AND c.customer_id = coalesce((SELECT s.survivor_id FROM customer_survivors s
                                                     WHERE s.org_id = fu.org_id AND s.customer_id = fu.customer_id),
                                                    fu.customer_id)) AS home_store_id
             FROM follow_ups fu
             WHERE fu.org_id = $1 AND fu.status IN ('open', 'in_progress') AND fu.due_at < $2
         )
         SELECT s.store_id, count(DISTINCT d.follow_up_id) FROM due d
         CROSS JOIN LATERAL (VALUES (d.store_id), (d.home_store_id)) AS s (store_id)
         WHERE s.store_id IS NOT NULL
         GROUP BY GROUPING SETS ((s.store_id), ())",
    )
    .bind(org)
    .bind(now)
    .fetch_all(pool)
    .await
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
    let newest = match store {
        None => newest_in_organisation(pool, org, since, now).await?,
        Some(_) => None,
    };
    let chosen: Vec<Uuid> = match newest {
        Some(ids) => ids,
        None => {
            // Only constants of this module are formatted in.
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "WITH events AS (
             SELECT f.customer_id, f.occurred_at AS at FROM insight_facts f
             WHERE f.org_id = $1 AND f.logged AND f.customer_id IS NOT NULL AND f.occurred_at >= $2
               AND {RISK_EVENT}
               AND ($4::uuid IS NULL OR f.store_id = $4)
             UNION ALL
             SELECT fu.customer_id, fu.due_at FROM follow_ups fu
             WHERE fu.org_id = $1 AND fu.customer_id IS NOT NULL AND fu.status IN ('open', 'in_progress')
               AND fu.due_at < $3 AND ($4::uuid IS NULL OR fu.store_id = $4)
             UNION ALL
             SELECT f.customer_id, f.occurred_at FROM customers c
             JOIN insight_facts f ON f.org_id = c.org_id AND f.customer_id = c.customer_id AND f.logged
             WHERE $4::uuid IS NOT NULL AND c.org_id = $1 AND c.home_store_id = $4 AND f.occurred_at >= $2
               AND {RISK_EVENT}
             UNION ALL
             SELECT fu.customer_id, fu.due_at FROM customers c
             JOIN follow_ups fu ON fu.org_id = c.org_id AND fu.customer_id = c.customer_id
             WHERE $4::uuid IS NOT NULL AND c.org_id = $1 AND c.home_store_id = $4
               AND fu.status IN ('open', 'in_progress') AND fu.due_at < $3
             UNION ALL
             -- What was logged on the records merged into the store's home customers.
             SELECT f.customer_id, f.occurred_at FROM customers c
             JOIN customer_survivors s ON s.org_id = c.org_id AND s.survivor_id = c.customer_id
             JOIN insight_facts f ON f.org_id = c.org_id AND f.customer_id = s.customer_id AND f.logged
             WHERE $4::uuid IS NOT NULL AND c.org_id = $1 AND c.home_store_id = $4 AND f.occurred_at >= $2
               AND {RISK_EVENT}
             UNION ALL
             SELECT fu.customer_id, fu.due_at FROM customers c
             JOIN customer_survivors s ON s.org_id = c.org_id AND s.survivor_id = c.customer_id
             JOIN follow_ups fu ON fu.org_id = c.org_id AND fu.customer_id = s.customer_id
             WHERE $4::uuid IS NOT NULL AND c.org_id = $1 AND c.home_store_id = $4
               AND fu.status IN ('open', 'in_progress') AND fu.due_at < $3
         )
         -- Each on the record it shows on.
         SELECT coalesce(s.survivor_id, e.customer_id) FROM events e
         LEFT JOIN customer_survivors s ON s.org_id = $1 AND s.customer_id = e.customer_id
         GROUP BY 1 ORDER BY max(e.at) DESC LIMIT $5"
            )))
            .bind(org)
            .bind(since)
            .bind(now)
            .bind(store)
            .bind(CANDIDATES)
            // Planned for its store each time: a plan for any store would read every one's.
            .persistent(false)
            .fetch_all(pool)
            .await?
        }
    };
    evidence(pool, org, &chosen, now).await
}

/// How many of the organisation's newest events are read to find the customers to assess.
const NEWEST_EVENTS: i64 = 4 * CANDIDATES;

/// The organisation's customers whose latest event (an unhappy or unresolved conversation of
/// the window, an open follow-up past due) is newest: read from the newest events down, which
/// an index gives in that order, rather than by grouping the whole window. `None` when the
/// newest events name too few customers (then the window is grouped).
async fn newest_in_organisation(
    pool: &PgPool,
    org: Uuid,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> ApiResult<Option<Vec<Uuid>>> {
    let conversations: Vec<(Uuid, DateTime<Utc>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT f.customer_id, f.occurred_at FROM insight_facts f
         WHERE f.org_id = $1 AND f.logged AND f.customer_id IS NOT NULL AND f.occurred_at >= $2
           AND {RISK_EVENT}
         ORDER BY f.occurred_at DESC LIMIT $3"
    )))
    .bind(org)
    .bind(since)
    .bind(NEWEST_EVENTS)
    .fetch_all(pool)
    .await?;
    let promises: Vec<(Uuid, DateTime<Utc>)> = sqlx::query_as(
        "SELECT customer_id, max(due_at) FROM follow_ups
         WHERE org_id = $1 AND customer_id IS NOT NULL AND status IN ('open', 'in_progress') AND due_at < $2
         GROUP BY customer_id ORDER BY 2 DESC LIMIT $3",
    )
    .bind(org)
    .bind(now)
    .bind(CANDIDATES)
    .fetch_all(pool)
    .await?;
    let whole_window = i64::try_from(conversations.len()).unwrap_or(i64::MAX) < NEWEST_EVENTS;
    // Each on the record it shows on (a merged record's survivor).
    let ids: Vec<Uuid> = conversations.iter().chain(&promises).map(|(id, _)| *id).collect();
    let survivors: HashMap<Uuid, Uuid> = super::merges::survivors_of(pool, org, &ids).await?.into_iter().collect();
    let shown = |list: Vec<(Uuid, DateTime<Utc>)>| -> Vec<(Uuid, DateTime<Utc>)> {
        list.into_iter().map(|(id, at)| (survivors.get(&id).copied().unwrap_or(id), at)).collect()
    };
    let (conversations, promises) = (shown(conversations), shown(promises));
    Ok(newest_customers(&conversations, &promises, usize::try_from(CANDIDATES).unwrap_or(usize::MAX), whole_window))
}

/// Merges two lists of events, each newest first, and takes the first `limit` customers met;
/// `None` when `conversations` (a prefix of all of them, unless `whole`) runs out first: a
/// customer further down could be newer than a promise taken.
fn newest_customers(
    conversations: &[(Uuid, DateTime<Utc>)],
    promises: &[(Uuid, DateTime<Utc>)],
    limit: usize,
    whole: bool,
) -> Option<Vec<Uuid>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let (mut a, mut b) = (conversations.iter().peekable(), promises.iter().peekable());
    while out.len() < limit {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.1 >= y.1 => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, Some(_)) if whole => b.next(),
            (None, Some(_)) => return None,
            (None, None) if whole => break,
            (None, None) => return None,
        };
        let Some((customer, _)) = next else { break };
        if seen.insert(*customer) {
            out.push(*customer);
        }
    }
    Some(out)
}

/// What the rules read about each of `chosen`, with what the list shows beside it (customers
/// erased, deleted or merged into another are left out): from their own records and those
/// merged into them, as a desk shows them.
async fn evidence(pool: &PgPool, org: Uuid, chosen: &[Uuid], now: DateTime<Utc>) -> ApiResult<Vec<Candidate>> {
    // Only constants of this module are formatted in.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH cand AS (SELECT DISTINCT unnest($2::uuid[]) AS customer_id)
         SELECT cu.customer_id, cu.fields, cu.home_store_id, st.name AS home_store,
                u.n AS unhappy_n, u.last AS unhappy_last, gu.n AS good_u_n, gu.last AS good_u_last,
                od.promise AS overdue_promise, od.due_at AS overdue_due,
                np.nps, np.at AS nps_at, gn.n AS good_n_n, gn.last AS good_n_last,
                lv.outcome AS last_outcome, lv.at AS last_at,
                op.promise AS open_promise, op.due_at AS open_due
         FROM cand
         JOIN customers cu ON cu.org_id = $1 AND cu.customer_id = cand.customer_id AND cu.erased_at IS NULL
                          AND (cu.deleted_hlc IS NULL OR cu.restored_hlc > cu.deleted_hlc)
                          AND NOT EXISTS (SELECT 1 FROM customer_survivors x
                                          WHERE x.org_id = $1 AND x.customer_id = cu.customer_id)
         -- The customer's records: theirs and those merged into them.
         CROSS JOIN LATERAL (
             SELECT array_append(array_agg(s.customer_id), cu.customer_id) AS ids FROM customer_survivors s
             WHERE s.org_id = $1 AND s.survivor_id = cu.customer_id) m
         LEFT JOIN stores st ON st.org_id = $1 AND st.store_id = cu.home_store_id
         CROSS JOIN LATERAL (
             SELECT count(*) AS n, max(f.occurred_at) AS last FROM insight_facts f
             WHERE f.org_id = $1 AND f.customer_id = ANY(m.ids) AND f.logged
               AND f.occurred_at >= $3 - make_interval(days => $4) AND {UNHAPPY}) u
         CROSS JOIN LATERAL (
             SELECT count(*) AS n, max(f.occurred_at) AS last FROM insight_facts f
             WHERE f.org_id = $1 AND f.customer_id = ANY(m.ids) AND f.logged
               AND f.occurred_at > u.last AND {GOOD}) gu
         LEFT JOIN LATERAL (
             SELECT fu.fields->>'promise' AS promise, fu.due_at FROM follow_ups fu
             WHERE fu.org_id = $1 AND fu.customer_id = ANY(m.ids) AND fu.status IN ('open', 'in_progress')
               AND fu.due_at < $3 ORDER BY fu.due_at LIMIT 1) od ON true
         LEFT JOIN LATERAL (
             SELECT f.nps, f.occurred_at AS at FROM insight_facts f
             WHERE f.org_id = $1 AND f.customer_id = ANY(m.ids) AND f.logged AND f.nps IS NOT NULL
             ORDER BY f.occurred_at DESC, f.interaction_id DESC LIMIT 1) np ON true
         CROSS JOIN LATERAL (
             SELECT count(*) AS n, max(f.occurred_at) AS last FROM insight_facts f
             WHERE f.org_id = $1 AND f.customer_id = ANY(m.ids) AND f.logged
               AND f.occurred_at > np.at AND {GOOD}) gn
         LEFT JOIN LATERAL (
             SELECT f.outcome, f.occurred_at AS at FROM insight_facts f
             WHERE f.org_id = $1 AND f.customer_id = ANY(m.ids) AND f.logged
             ORDER BY f.occurred_at DESC, f.interaction_id DESC LIMIT 1) lv ON true
         LEFT JOIN LATERAL (
             SELECT fu.fields->>'promise' AS promise, fu.due_at FROM follow_ups fu
             WHERE fu.org_id = $1 AND fu.customer_id = ANY(m.ids) AND fu.status IN ('open', 'in_progress')
             ORDER BY fu.due_at LIMIT 1) op ON true"
    )))
    .bind(org)
    .bind(chosen)
    .bind(now)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minute)
    }

    #[test]
    fn the_risk_event_indexes_hold_the_condition_the_at_risk_query_writes() {
        // A partial index serves a query only when the planner can prove its condition from the
        // query's: the same text, without the table's alias.
        let migration = include_str!("../../migrations/0020_covering_indexes.sql");
        assert_eq!(migration.matches(&RISK_EVENT.replace("f.", "")).count(), 2);
    }

    #[test]
    fn the_newest_customers_come_from_both_lists_newest_first_each_once() {
        let (a, b, c, d) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3), Uuid::from_u128(4));
        let conversations = [(a, at(50)), (b, at(40)), (a, at(30)), (c, at(10))];
        let promises = [(d, at(45)), (c, at(20))];
        assert_eq!(newest_customers(&conversations, &promises, 3, false), Some(vec![a, d, b]));
        assert_eq!(newest_customers(&conversations, &promises, 4, true), Some(vec![a, d, b, c]));
        assert_eq!(newest_customers(&conversations, &promises, 9, true), Some(vec![a, d, b, c]));
    }

    #[test]
    fn newest_events_that_run_out_before_enough_customers_ask_for_the_whole_window() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        // Only a prefix of the conversations was read: a promise older than its last one could
        // be outranked by a customer further down.
        assert_eq!(newest_customers(&[(a, at(50)), (a, at(40))], &[(b, at(10))], 2, false), None);
        assert_eq!(newest_customers(&[(a, at(50))], &[], 2, false), None);
        assert_eq!(newest_customers(&[(a, at(50))], &[(b, at(10))], 2, true), Some(vec![a, b]));
    }
}
