//! The organisation's insight in PostgreSQL. The push keeps one fact row per conversation up
//! to date (as logged, as corrected, with its feedback) in its transaction and marks the
//! store-days it touched; [`settle`] counts the marked store-days into the day rollups
//! (`insight_refresh_by_store`, migration 0011) and the closed loop, then the organisation's own
//! rows of their days, apart from any push (migrations 0022, 0023). The dashboards read the
//! rollups (settled first), or the facts when they are narrowed to one person. Scores are made from sums by `touchpoint_protocol::insight::Tally`, as on a desk.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgPool, Postgres, Row, Transaction};
use touchpoint_protocol::insight::{OrgConversation, OrgConversationsQuery, OrgInsightQuery, Tally};
use touchpoint_protocol::{Feeling, Op, OpBody, Outcome};
use uuid::Uuid;

use crate::error::ApiResult;

struct Logged {
    interaction: Uuid,
    store: Uuid,
    staff: Uuid,
    customer: Option<Uuid>,
    touch_point: Uuid,
    reason: Option<String>,
    outcome: &'static str,
    occurred_at: DateTime<Utc>,
}

struct Scored {
    feeling: Option<i16>,
    nps: Option<i16>,
    csat: Option<i16>,
    ces: Option<i16>,
    hlc: String,
}

#[derive(Default)]
struct Corrected {
    touch_point: Option<(Uuid, String)>,
    reason: Option<(String, String)>,
    outcome: Option<(&'static str, String)>,
}

fn newer<T>(slot: &mut Option<(T, String)>, value: T, hlc: &str) {
    if slot.as_ref().is_none_or(|(_, h)| h.as_str() < hlc) {
        *slot = Some((value, hlc.to_owned()));
    }
}

/// What a push changes in the insight: gathered op by op, written once per batch.
#[derive(Default)]
pub struct InsightRows {
    logged: Vec<Logged>,
    logged_ids: HashSet<Uuid>,
    scored: HashMap<Uuid, Scored>,
    corrected: HashMap<Uuid, Corrected>,
    /// Follow-ups changed: the closed loop of the conversations they answer is recomputed.
    follow_ups: HashSet<Uuid>,
}

/// 1 very unhappy … 5 very happy, as the facts store a feeling.
fn feeling_number(f: Feeling) -> i16 {
    i16::from(f.score())
}

fn feeling_of(n: i16) -> Option<Feeling> {
    Feeling::ALL.get(usize::try_from(n).ok()?.checked_sub(1)?).copied()
}

impl InsightRows {
    /// Takes in an accepted op (ops that are not about a conversation are ignored).
    pub fn add(&mut self, op: &Op) {
        let hlc = op.hlc.to_string();
        match &op.body {
            // The first log of an id counts; a repeat under another op id changes nothing.
            OpBody::InteractionLogged(i) if self.logged_ids.insert(i.interaction_id) => {
                self.logged.push(Logged {
                    interaction: i.interaction_id,
                    store: op.store_id,
                    staff: op.staff_id,
                    customer: i.customer_id,
                    touch_point: i.touch_point_id,
                    reason: i.reason.clone(),
                    outcome: i.outcome.as_str(),
                    occurred_at: i.occurred_at,
                });
            }
            OpBody::FeedbackRecorded(f) => {
                let Some(interaction) = f.interaction_id else { return };
                if self.scored.get(&interaction).is_none_or(|s| s.hlc < hlc) {
                    let score = |v: Option<u8>| v.map(i16::from);
                    self.scored.insert(
                        interaction,
                        Scored {
                            feeling: f.feeling.map(feeling_number),
                            nps: score(f.nps),
                            csat: score(f.csat),
                            ces: score(f.ces),
                            hlc,
                        },
                    );
                }
            }
            OpBody::InteractionAmended(a) => {
                let c = self.corrected.entry(a.interaction_id).or_default();
                if let Some(tp) = a.changes.touch_point_id {
                    newer(&mut c.touch_point, tp, &hlc);
                }
                if let Some(reason) = &a.changes.reason {
                    newer(&mut c.reason, reason.clone(), &hlc);
                }
                if let Some(outcome) = a.changes.outcome {
                    newer(&mut c.outcome, outcome.as_str(), &hlc);
                }
            }
            OpBody::FollowUpPatch(f) => {
                self.follow_ups.insert(f.follow_up_id);
            }
            _ => {}
        }
    }

    fn is_empty(&self) -> bool {
        self.logged.is_empty() && self.scored.is_empty() && self.corrected.is_empty() && self.follow_ups.is_empty()
    }
}

/// The day `at` falls on in `timezone` (a store without one, or with one this server does not
/// know, counts in UTC).
fn local_day(at: DateTime<Utc>, timezone: Option<&str>) -> NaiveDate {
    let utc = at.date_naive();
    let Some(tz) = timezone.and_then(|t| jiff::tz::TimeZone::get(t).ok()) else { return utc };
    let Ok(ts) = jiff::Timestamp::from_millisecond(at.timestamp_millis()) else { return utc };
    let d = ts.to_zoned(tz).date();
    NaiveDate::from_ymd_opt(i32::from(d.year()), u32::from(d.month().unsigned_abs()), u32::from(d.day().unsigned_abs()))
        .unwrap_or(utc)
}

/// Writes the batch's facts and marks every store-day they touched, and those its follow-ups
/// answer, for [`settle`] to count into the rollups and the closed loop (migration 0023).
pub async fn write(tx: &mut Transaction<'_, Postgres>, org: Uuid, rows: InsightRows) -> ApiResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut touched: HashSet<(Uuid, NaiveDate)> = HashSet::new();
    let mut collect = |found: Vec<(Option<Uuid>, Option<NaiveDate>)>| {
        touched.extend(found.into_iter().filter_map(|(s, d)| Some((s?, d?))));
    };

    if !rows.logged.is_empty() {
        let stores: Vec<Uuid> = rows.logged.iter().map(|l| l.store).collect::<HashSet<_>>().into_iter().collect();
        let zones: HashMap<Uuid, Option<String>> =
            sqlx::query_as("SELECT store_id, timezone FROM stores WHERE org_id = $1 AND store_id = ANY($2)")
                .bind(org)
                .bind(&stores)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .collect();
        let l = &rows.logged;
        let days: Vec<NaiveDate> =
            l.iter().map(|x| local_day(x.occurred_at, zones.get(&x.store).and_then(|z| z.as_deref()))).collect();
        let found: Vec<(Option<Uuid>, Option<NaiveDate>)> = sqlx::query_as(
            "INSERT INTO insight_facts AS f (org_id, interaction_id, store_id, staff_id, customer_id, touch_point_id,
                                             reason, outcome, occurred_at, day, logged)
             SELECT $1, t.*, true FROM UNNEST($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[],
                                             $8::text[], $9::timestamptz[], $10::date[])
                 AS t(interaction_id, store_id, staff_id, customer_id, touch_point_id, reason, outcome, occurred_at, day)
             ON CONFLICT (org_id, interaction_id) DO UPDATE SET
                 logged = true, store_id = excluded.store_id, staff_id = excluded.staff_id,
                 customer_id = excluded.customer_id, occurred_at = excluded.occurred_at, day = excluded.day,
                 touch_point_id = CASE WHEN f.touch_point_hlc IS NULL THEN excluded.touch_point_id ELSE f.touch_point_id END,
                 reason = CASE WHEN f.reason_hlc IS NULL THEN excluded.reason ELSE f.reason END,
                 outcome = CASE WHEN f.outcome_hlc IS NULL THEN excluded.outcome ELSE f.outcome END
             WHERE NOT f.logged
             RETURNING f.store_id, f.day",
        )
        .bind(org)
        .bind(l.iter().map(|x| x.interaction).collect::<Vec<_>>())
        .bind(l.iter().map(|x| x.store).collect::<Vec<_>>())
        .bind(l.iter().map(|x| x.staff).collect::<Vec<_>>())
        .bind(l.iter().map(|x| x.customer).collect::<Vec<_>>())
        .bind(l.iter().map(|x| x.touch_point).collect::<Vec<_>>())
        .bind(l.iter().map(|x| x.reason.clone()).collect::<Vec<_>>())
        .bind(l.iter().map(|x| x.outcome).collect::<Vec<_>>())
        .bind(l.iter().map(|x| x.occurred_at).collect::<Vec<_>>())
        .bind(&days)
        .fetch_all(&mut **tx)
        .await?;
        collect(found);
    }

    if !rows.scored.is_empty() {
        let s: Vec<(&Uuid, &Scored)> = rows.scored.iter().collect();
        let found = sqlx::query_as(
            "INSERT INTO insight_facts AS f (org_id, interaction_id, feeling, nps, csat, ces, feedback_hlc)
             SELECT $1, * FROM UNNEST($2::uuid[], $3::smallint[], $4::smallint[], $5::smallint[], $6::smallint[],
                                      $7::text[])
             ON CONFLICT (org_id, interaction_id) DO UPDATE SET
                 feeling = excluded.feeling, nps = excluded.nps, csat = excluded.csat, ces = excluded.ces,
                 feedback_hlc = excluded.feedback_hlc
             WHERE f.feedback_hlc IS NULL OR f.feedback_hlc < excluded.feedback_hlc
             RETURNING f.store_id, f.day",
        )
        .bind(org)
        .bind(s.iter().map(|(id, _)| **id).collect::<Vec<_>>())
        .bind(s.iter().map(|(_, x)| x.feeling).collect::<Vec<_>>())
        .bind(s.iter().map(|(_, x)| x.nps).collect::<Vec<_>>())
        .bind(s.iter().map(|(_, x)| x.csat).collect::<Vec<_>>())
        .bind(s.iter().map(|(_, x)| x.ces).collect::<Vec<_>>())
        .bind(s.iter().map(|(_, x)| x.hlc.clone()).collect::<Vec<_>>())
        .fetch_all(&mut **tx)
        .await?;
        collect(found);
    }

    if !rows.corrected.is_empty() {
        let c: Vec<(&Uuid, &Corrected)> = rows.corrected.iter().collect();
        let found = sqlx::query_as(
            "INSERT INTO insight_facts AS f (org_id, interaction_id, touch_point_id, touch_point_hlc, reason, reason_hlc,
                                             outcome, outcome_hlc)
             SELECT $1, * FROM UNNEST($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             ON CONFLICT (org_id, interaction_id) DO UPDATE SET
                 touch_point_id = CASE WHEN excluded.touch_point_hlc > coalesce(f.touch_point_hlc, '')
                                       THEN excluded.touch_point_id ELSE f.touch_point_id END,
                 touch_point_hlc = greatest(f.touch_point_hlc, excluded.touch_point_hlc),
                 reason = CASE WHEN excluded.reason_hlc > coalesce(f.reason_hlc, '') THEN excluded.reason ELSE f.reason END,
                 reason_hlc = greatest(f.reason_hlc, excluded.reason_hlc),
                 outcome = CASE WHEN excluded.outcome_hlc > coalesce(f.outcome_hlc, '')
                                THEN excluded.outcome ELSE f.outcome END,
                 outcome_hlc = greatest(f.outcome_hlc, excluded.outcome_hlc)
             RETURNING f.store_id, f.day",
        )
        .bind(org)
        .bind(c.iter().map(|(id, _)| **id).collect::<Vec<_>>())
        .bind(c.iter().map(|(_, x)| x.touch_point.as_ref().map(|(v, _)| *v)).collect::<Vec<_>>())
        .bind(c.iter().map(|(_, x)| x.touch_point.as_ref().map(|(_, h)| h.clone())).collect::<Vec<_>>())
        .bind(c.iter().map(|(_, x)| x.reason.as_ref().map(|(v, _)| v.clone())).collect::<Vec<_>>())
        .bind(c.iter().map(|(_, x)| x.reason.as_ref().map(|(_, h)| h.clone())).collect::<Vec<_>>())
        .bind(c.iter().map(|(_, x)| x.outcome.as_ref().map(|(v, _)| *v)).collect::<Vec<_>>())
        .bind(c.iter().map(|(_, x)| x.outcome.as_ref().map(|(_, h)| h.clone())).collect::<Vec<_>>())
        .fetch_all(&mut **tx)
        .await?;
        collect(found);
    }

    let follow_ups: Vec<Uuid> = rows.follow_ups.into_iter().collect();
    touched.extend(super::closed_loop::answered(tx, org, &follow_ups).await?);
    if !touched.is_empty() {
        let (stores, days): (Vec<Uuid>, Vec<NaiveDate>) = touched.into_iter().unzip();
        sqlx::query("SELECT insight_mark($1, $2, $3)").bind(org).bind(&stores).bind(&days).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Which chart a row of a dashboard's query feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    Overall,
    Store,
    TouchPoint,
    Staff,
    Week,
    Reason,
}

impl Chart {
    fn of(n: i32) -> Option<Chart> {
        Some(match n {
            0 => Chart::Overall,
            1 => Chart::Store,
            2 => Chart::TouchPoint,
            3 => Chart::Staff,
            4 => Chart::Week,
            5 => Chart::Reason,
            _ => return None,
        })
    }
}

/// One group's sums, as a dashboard query returns them.
#[derive(Debug, Clone)]
pub struct GroupSums {
    pub chart: Chart,
    pub key: String,
    pub tally: Tally,
    /// Resolved, escalated, follow-up needed, unresolved.
    pub outcomes: [u64; 4],
}

/// The sums of a rollup's rows (bigints: a sum of integers).
macro_rules! rollup_tally {
    () => {
        "sum(interactions), sum(promoters), sum(detractors), sum(nps_responses), sum(csat_sum), sum(csat_responses),
         sum(ces_sum), sum(ces_responses), sum(feeling_1), sum(feeling_2), sum(feeling_3), sum(feeling_4), sum(feeling_5)"
    };
}

/// The same sums made from the facts (the definition `insight_refresh` writes into a rollup).
macro_rules! facts_tally {
    () => {
        "count(*), count(*) FILTER (WHERE nps >= 9), count(*) FILTER (WHERE nps <= 6), count(nps),
         sum(csat), count(csat), sum(ces), count(ces),
         count(*) FILTER (WHERE feeling = 1), count(*) FILTER (WHERE feeling = 2), count(*) FILTER (WHERE feeling = 3),
         count(*) FILTER (WHERE feeling = 4), count(*) FILTER (WHERE feeling = 5),
         count(*) FILTER (WHERE outcome = 'resolved'), count(*) FILTER (WHERE outcome = 'escalated'),
         count(*) FILTER (WHERE outcome = 'follow_up_needed'), count(*) FILTER (WHERE outcome = 'unresolved')"
    };
}

/// A rollup's rows for a period: its whole weeks from the week rollup and the days at either
/// end from the day rollup (`$5` is the first whole week's Monday, `$6` the Monday after the
/// last; equal when the period holds no whole week). `$store` narrows to one store (`$4`).
macro_rules! period_rows {
    ($days:expr, $weeks:expr, $columns:expr, $store:expr) => {
        concat!(
            "SELECT ",
            $columns,
            ", date_trunc('week', day)::date AS week FROM ",
            $days,
            " WHERE org_id = $1 AND day >= $2 AND day < $5 AND day <= $3",
            $store,
            " UNION ALL SELECT ",
            $columns,
            ", date_trunc('week', day)::date FROM ",
            $days,
            " WHERE org_id = $1 AND day >= $6 AND day <= $3",
            $store,
            " UNION ALL SELECT ",
            $columns,
            ", week FROM ",
            $weeks,
            " WHERE org_id = $1 AND week >= $5 AND week < $6",
            $store
        )
    };
}

/// One store's figures from the store rollups: the touch-point rollups give every chart but
/// people and reasons, which come from their own; one query.
macro_rules! from_rollups {
    ($store:literal) => {
        from_rollups!("insight_staff", "insight_reason", $store)
    };
    ($staff:literal, $reason:literal, $store:literal) => {
        from_rollups!($staff, $reason, $store, $store)
    };
    ($staff:literal, $reason:literal, $store:literal, $reason_filter:literal) => {
        concat!(
            "SELECT CASE WHEN grouping(store_id) = 0 THEN 1 WHEN grouping(touch_point_id) = 0 THEN 2
                         WHEN grouping(week) = 0 THEN 4 ELSE 0 END,
                    coalesce(store_id::text, touch_point_id::text, week::text, ''), ",
            rollup_tally!(),
            ", sum(resolved), sum(escalated), sum(follow_up_needed), sum(unresolved) FROM (",
            period_rows!(
                "insight_touch_point_days",
                "insight_touch_point_weeks",
                "store_id, touch_point_id, interactions, promoters, detractors, nps_responses, csat_sum,
                 csat_responses, ces_sum, ces_responses, feeling_1, feeling_2, feeling_3, feeling_4, feeling_5,
                 resolved, escalated, follow_up_needed, unresolved",
                $store
            ),
            ") p GROUP BY GROUPING SETS ((), (store_id), (touch_point_id), (week))
             UNION ALL SELECT 3, staff_id::text, ",
            rollup_tally!(),
            ", 0, 0, 0, 0 FROM (",
            period_rows!(
                concat!($staff, "_days"),
                concat!($staff, "_weeks"),
                "staff_id, interactions, promoters, detractors, nps_responses, csat_sum, csat_responses, ces_sum,
                 ces_responses, feeling_1, feeling_2, feeling_3, feeling_4, feeling_5",
                $store
            ),
            ") s GROUP BY staff_id
             UNION ALL SELECT 5, reason, sum(interactions), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM (",
            period_rows!(concat!($reason, "_days"), concat!($reason, "_weeks"), "reason, interactions", $reason_filter),
            ") r GROUP BY reason"
        )
    };
}

/// The whole organisation, from the rollups without the store (touch points, reasons) and the
/// one by store: a few rows a week whatever the number of stores, people aside.
pub const ORG_FROM_ROLLUPS: &str = concat!(
    "SELECT CASE WHEN grouping(touch_point_id) = 0 THEN 2 ELSE 0 END, coalesce(touch_point_id::text, ''), ",
    rollup_tally!(),
    ", sum(resolved), sum(escalated), sum(follow_up_needed), sum(unresolved) FROM (",
    period_rows!(
        "insight_org_touch_point_days",
        "insight_org_touch_point_weeks",
        "touch_point_id, interactions, promoters, detractors, nps_responses, csat_sum, csat_responses, ces_sum,
         ces_responses, feeling_1, feeling_2, feeling_3, feeling_4, feeling_5, resolved, escalated,
         follow_up_needed, unresolved",
        ""
    ),
    ") p GROUP BY GROUPING SETS ((), (touch_point_id))
     UNION ALL SELECT CASE WHEN grouping(store_id) = 0 THEN 1 ELSE 4 END, coalesce(store_id::text, week::text), ",
    rollup_tally!(),
    ", 0, 0, 0, 0 FROM (",
    period_rows!(
        "insight_store_days",
        "insight_store_weeks",
        "store_id, interactions, promoters, detractors, nps_responses, csat_sum, csat_responses, ces_sum,
         ces_responses, feeling_1, feeling_2, feeling_3, feeling_4, feeling_5",
        ""
    ),
    ") w GROUP BY GROUPING SETS ((store_id), (week))
     UNION ALL SELECT 3, staff_id::text, ",
    rollup_tally!(),
    ", 0, 0, 0, 0 FROM (",
    period_rows!(
        "insight_staff_days",
        "insight_staff_weeks",
        "staff_id, interactions, promoters, detractors, nps_responses, csat_sum, csat_responses, ces_sum,
         ces_responses, feeling_1, feeling_2, feeling_3, feeling_4, feeling_5",
        ""
    ),
    ") s GROUP BY staff_id
     UNION ALL SELECT 5, reason, sum(interactions), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM (",
    period_rows!("insight_org_reason_days", "insight_org_reason_weeks", "reason, interactions", ""),
    ") r GROUP BY reason"
);
/// One store, from its own rows of the store rollups.
const STORE_FROM_ROLLUPS: &str = from_rollups!(" AND store_id = $4");

/// One touch point's figures across the organisation, from the rollups that keep it (`$7`)
/// beside the store and the person, and its reasons from the rollup without the store (a year
/// of a busy touch point is a few hundred reason rows, not one per store).
pub const TOUCH_POINT_FROM_ROLLUPS: &str = from_rollups!(
    "insight_staff_touch_point",
    "insight_org_reason_touch_point",
    " AND touch_point_id = $7 AND ($4::uuid IS NULL OR store_id = $4)",
    " AND touch_point_id = $7"
);

/// One touch point's figures in one store (`$4`).
pub const STORE_TOUCH_POINT_FROM_ROLLUPS: &str = from_rollups!(
    "insight_staff_touch_point",
    "insight_reason_touch_point",
    " AND touch_point_id = $7 AND store_id = $4"
);

/// One person's figures (and, optionally, at one touch point: `$5`), from the facts in one
/// pass by the index of their days: a person's year is a few thousand conversations.
const FACTS_OF_PERSON: &str = concat!(
    "SELECT CASE WHEN grouping(store_id) = 0 THEN 1 WHEN grouping(touch_point_id) = 0 THEN 2
                 WHEN grouping(staff_id) = 0 THEN 3 WHEN grouping(week) = 0 THEN 4
                 WHEN grouping(reason_key) = 0 THEN 5 ELSE 0 END,
            coalesce(store_id::text, touch_point_id::text, staff_id::text, week::text, reason_key, ''), ",
    facts_tally!(),
    " FROM (SELECT f.*, date_trunc('week', f.day)::date AS week, coalesce(trim(f.reason), '') AS reason_key
           FROM insight_facts f
           WHERE f.org_id = $1 AND f.logged AND f.day BETWEEN $2 AND $3
             AND ($4::uuid IS NULL OR f.store_id = $4) AND f.staff_id = $6
             AND ($5::uuid IS NULL OR f.touch_point_id = $5)) p
     GROUP BY GROUPING SETS ((), (store_id), (touch_point_id), (staff_id), (week), (reason_key))"
);

/// The whole weeks of a period: the first Monday on or after `from`, and the Monday after the
/// last whole week (the same day when there is none).
pub fn whole_weeks(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    let monday_on_or_before = |d: NaiveDate| d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()));
    let first = monday_on_or_before(from + chrono::Duration::days(6));
    let after = monday_on_or_before(to + chrono::Duration::days(1));
    (first, after.max(first))
}

/// Counts the store-days pushes have marked into the rollups and the closed loop, then the
/// organisation's own rows of their days (migrations 0022 and 0023): before a dashboard that
/// reads rollups is answered, and in the background ([`settle_all`]). Settles of one
/// organisation take turns; pushes never wait for one.
pub async fn settle(pool: &PgPool, org: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT insight_settle($1, $2)")
        .bind(org)
        .bind(touchpoint_protocol::risk::SLA_HOURS as i32)
        .execute(pool)
        .await
        .map(|_| ())
}

/// Settles every organisation with marks (the server does this every second, so a dashboard
/// seldom finds much to count).
pub async fn settle_all(pool: &PgPool) -> Result<(), sqlx::Error> {
    let orgs: Vec<Uuid> =
        sqlx::query_scalar("SELECT org_id FROM insight_dirty UNION SELECT org_id FROM insight_org_dirty")
            .fetch_all(pool)
            .await?;
    for org in orgs {
        settle(pool, org).await?;
    }
    Ok(())
}

/// Every group's sums for a dashboard.
pub async fn group_sums(pool: &PgPool, org: Uuid, q: &OrgInsightQuery) -> ApiResult<Vec<GroupSums>> {
    // But for one person's (read from the facts), the figures come from rollups: what pushes
    // marked is counted first.
    if q.staff_id.is_none() {
        settle(pool, org).await?;
    }
    let (first, after) = whole_weeks(q.from, q.to);
    let query = match (q.touch_point_id, q.staff_id, q.store_id) {
        (_, Some(staff), _) => sqlx::query(FACTS_OF_PERSON)
            .bind(org)
            .bind(q.from)
            .bind(q.to)
            .bind(q.store_id)
            .bind(q.touch_point_id)
            .bind(staff),
        (Some(tp), None, store) => {
            sqlx::query(if store.is_some() { STORE_TOUCH_POINT_FROM_ROLLUPS } else { TOUCH_POINT_FROM_ROLLUPS })
                .bind(org)
                .bind(q.from)
                .bind(q.to)
                .bind(q.store_id)
                .bind(first)
                .bind(after)
                .bind(tp)
        }
        (None, None, Some(_)) => {
            sqlx::query(STORE_FROM_ROLLUPS).bind(org).bind(q.from).bind(q.to).bind(q.store_id).bind(first).bind(after)
        }
        (None, None, None) => {
            sqlx::query(ORG_FROM_ROLLUPS).bind(org).bind(q.from).bind(q.to).bind(q.store_id).bind(first).bind(after)
        }
    };
    let rows = query.fetch_all(pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(chart) = Chart::of(r.try_get(0)?) else { continue };
        let n = |i: usize| -> Result<u64, sqlx::Error> {
            Ok(r.try_get::<Option<i64>, _>(i)?.unwrap_or(0).max(0).unsigned_abs())
        };
        out.push(GroupSums {
            chart,
            key: r.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
            tally: Tally {
                interactions: n(2)?,
                promoters: n(3)?,
                detractors: n(4)?,
                nps_responses: n(5)?,
                csat_sum: n(6)?,
                csat_responses: n(7)?,
                ces_sum: n(8)?,
                ces_responses: n(9)?,
                feelings: [n(10)?, n(11)?, n(12)?, n(13)?, n(14)?],
            },
            outcomes: [n(15)?, n(16)?, n(17)?, n(18)?],
        });
    }
    Ok(out)
}

/// The names of the organisation's stores, touch points and of the given staff, by id.
pub async fn names(pool: &PgPool, org: Uuid, staff: &[Uuid]) -> ApiResult<HashMap<Uuid, String>> {
    let rows: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT store_id, name FROM stores WHERE org_id = $1
         UNION ALL SELECT touch_point_id, name FROM touch_points WHERE org_id = $1
         UNION ALL SELECT staff_id, name FROM staff WHERE org_id = $1 AND staff_id = ANY($2)",
    )
    .bind(org)
    .bind(staff)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The conversations behind a figure, newest first.
pub async fn conversations(
    pool: &PgPool,
    org: Uuid,
    q: &OrgConversationsQuery,
    limit: u16,
) -> ApiResult<Vec<OrgConversation>> {
    let rows = sqlx::query(
        "SELECT f.interaction_id, f.occurred_at, f.store_id, coalesce(st.name, 'Another store'), f.staff_id,
                coalesce(s.name, 'Unknown staff member'), f.touch_point_id, coalesce(tp.name, 'Unknown touch point'),
                f.reason, f.outcome, f.feeling, f.nps, f.csat, f.ces, f.customer_id IS NOT NULL
         FROM insight_facts f
         LEFT JOIN stores st ON st.org_id = f.org_id AND st.store_id = f.store_id
         LEFT JOIN staff s ON s.org_id = f.org_id AND s.staff_id = f.staff_id
         LEFT JOIN touch_points tp ON tp.org_id = f.org_id AND tp.touch_point_id = f.touch_point_id
         WHERE f.org_id = $1 AND f.logged AND f.day BETWEEN $2 AND $3 AND ($4::uuid IS NULL OR f.store_id = $4)
           AND ($5::uuid IS NULL OR f.touch_point_id = $5) AND ($6::uuid IS NULL OR f.staff_id = $6)
           AND ($7::date IS NULL OR date_trunc('week', f.day)::date = $7) AND ($8::smallint IS NULL OR f.feeling = $8)
           AND ($9::timestamptz IS NULL
                OR (f.occurred_at, f.interaction_id) < ($9, coalesce($11, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)))
         ORDER BY f.occurred_at DESC, f.interaction_id DESC LIMIT $10",
    )
    .bind(org)
    .bind(q.from)
    .bind(q.to)
    .bind(q.store_id)
    .bind(q.touch_point_id)
    .bind(q.staff_id)
    .bind(q.week)
    .bind(q.feeling.map(feeling_number))
    .bind(q.before)
    .bind(i64::from(limit))
    .bind(q.before_id)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let outcome: Option<String> = r.try_get(9)?;
        let score = |i: usize| -> Result<Option<u8>, sqlx::Error> {
            Ok(r.try_get::<Option<i16>, _>(i)?.and_then(|v| u8::try_from(v).ok()))
        };
        out.push(OrgConversation {
            interaction_id: r.try_get(0)?,
            occurred_at: r.try_get(1)?,
            store_id: r.try_get(2)?,
            store: r.try_get(3)?,
            staff_id: r.try_get(4)?,
            staff: r.try_get(5)?,
            touch_point_id: r.try_get(6)?,
            touch_point: r.try_get(7)?,
            reason: r.try_get(8)?,
            outcome: outcome.as_deref().and_then(|o| o.parse().ok()).unwrap_or(Outcome::Unresolved),
            feeling: r.try_get::<Option<i16>, _>(10)?.and_then(feeling_of),
            nps: score(11)?,
            csat: score(12)?,
            ces: score(13)?,
            has_customer: r.try_get(14)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_conversation_counts_on_its_stores_own_calendar_day() {
        let late = Utc.with_ymd_and_hms(2026, 3, 3, 1, 30, 0).unwrap();
        assert_eq!(local_day(late, None), NaiveDate::from_ymd_opt(2026, 3, 3).unwrap());
        assert_eq!(
            local_day(late, Some("America/Sao_Paulo")),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            "22:30 the evening before in São Paulo"
        );
        assert_eq!(local_day(late, Some("Not/AZone")), NaiveDate::from_ymd_opt(2026, 3, 3).unwrap());
    }

    #[test]
    fn a_period_reads_its_whole_weeks_and_the_days_at_either_end() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Wednesday 4 March to Tuesday 24 March 2026: whole weeks from the 9th to the 22nd.
        assert_eq!(whole_weeks(d("2026-03-04"), d("2026-03-24")), (d("2026-03-09"), d("2026-03-23")));
        // Monday to Sunday is one whole week.
        assert_eq!(whole_weeks(d("2026-03-09"), d("2026-03-15")), (d("2026-03-09"), d("2026-03-16")));
        // Thursday to Saturday: the days only (the query also keeps them up to `to`).
        let (first, after) = whole_weeks(d("2026-03-05"), d("2026-03-07"));
        assert_eq!((first, after), (d("2026-03-09"), d("2026-03-09")));
        // Thursday to the next Tuesday holds none: every day from the day rollups.
        let (first, after) = whole_weeks(d("2026-03-05"), d("2026-03-10"));
        assert_eq!(first, after);
        assert_eq!(first, d("2026-03-09"));
    }

    #[test]
    fn feelings_are_stored_as_one_to_five_and_read_back() {
        for f in Feeling::ALL {
            assert_eq!(feeling_of(feeling_number(f)), Some(f));
        }
        assert_eq!(feeling_of(0), None);
        assert_eq!(feeling_of(6), None);
    }
}
