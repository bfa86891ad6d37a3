//! Supervisors' reviews of what the frontline logged: the queue of conversations to look at,
//! a review (praise, coaching or a compliance flag, a comment, an optional scorecard), and the
//! reviewed person reading and acknowledging it. Reviews are append-only events that sync.

use crate::access::Permission;
use crate::desk::Desk;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::OpBody;
use touchpoint_protocol::{text, ContactChannel, CriterionScore, Feeling, Outcome, ReviewKind, ReviewRecord};
use uuid::Uuid;

use crate::db::{enum_col, opt_enum_col, opt_ts_col, opt_uuid_col, ts, ts_col, uuid_col};
use crate::error::{CoreError, Problems, Result};
use crate::follow_ups::NameRef;

/// The most conversations the queue shows at once.
pub const QUEUE_MAX: u32 = 200;

/// What a supervisor writes about one conversation.
#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct NewReview {
    pub interaction_id: Uuid,
    pub kind: ReviewKind,
    pub comment: String,
    /// Optional scorecard: criteria from the catalogue, 1 to 5 each.
    #[serde(default)]
    pub scores: Vec<CriterionScore>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct ReviewCriterion {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct ScoredCriterion {
    pub name: String,
    pub score: u8,
}

/// The conversation a review is about, as the reviewed person remembers it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ReviewedConversation {
    pub occurred_at: DateTime<Utc>,
    pub touch_point: String,
    pub customer: Option<NameRef>,
    pub reason: Option<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Review {
    pub id: Uuid,
    pub interaction_id: Uuid,
    pub kind: ReviewKind,
    pub comment: String,
    pub scores: Vec<ScoredCriterion>,
    pub reviewer: NameRef,
    /// Whose work was reviewed.
    pub staff: NameRef,
    pub recorded_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub conversation: ReviewedConversation,
}

/// A score that calls for a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ScoreSignal {
    /// NPS 0–6.
    Detractor,
    /// CSAT 1–2.
    LowCsat,
    /// Customer effort 5–7.
    HighEffort,
}

/// Which conversations the review queue shows. Every filter is optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Type)]
pub struct ReviewQueueFilter {
    pub store_id: Option<Uuid>,
    pub touch_point_id: Option<Uuid>,
    pub staff_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub feeling: Option<Feeling>,
    pub signal: Option<ScoreSignal>,
    pub outcome: Option<Outcome>,
    /// Only conversations with this reason (as corrected; `""` for those without one).
    #[serde(default)]
    pub reason: Option<String>,
    /// Only conversations nobody has reviewed yet.
    #[serde(default)]
    pub unreviewed_only: bool,
    /// The reviewer's own conversations too: the conversations behind a figure are all of
    /// them (Insight's drill-down), though nobody can review their own.
    #[serde(default)]
    pub include_own: bool,
    /// A random sample of this many (for quality checks) instead of the newest.
    pub sample: Option<u32>,
    /// How many to show (at most 200; 50 when left out).
    pub limit: Option<u32>,
}

/// One conversation in the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct QueueItem {
    pub interaction_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub store: String,
    pub touch_point: String,
    pub channel: ContactChannel,
    pub staff: NameRef,
    pub customer: Option<NameRef>,
    pub reason: Option<String>,
    pub summary: Option<String>,
    pub outcome: Outcome,
    pub feeling: Option<Feeling>,
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    pub ces: Option<u8>,
    pub reviews: u32,
}

/// Checks a review and turns it into the event that records it.
pub(crate) fn validate(conn: &Connection, input: &NewReview, reviewer: Uuid) -> Result<ReviewRecord> {
    let found: Option<(String, Option<String>, String)> = conn
        .prepare_cached("SELECT staff_id, customer_id, store_id FROM interactions WHERE id = ?1")?
        .query_row([input.interaction_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((staff, customer, store)) = found else {
        return Err(CoreError::not_found("This conversation"));
    };
    let staff = crate::db::parse_uuid(&staff)?;
    let mut p = Problems::default();
    if let Some(refusal) = touchpoint_protocol::rules::own_work_review(reviewer, staff) {
        p.add("interaction_id", refusal);
    }
    let comment = input.comment.trim().to_owned();
    if comment.is_empty() {
        p.add("comment", "Say what was good or what to do differently; the person will read it.");
    } else {
        p.text("comment", Some(&comment), text::REVIEW_COMMENT, "The comment");
    }
    let mut seen = std::collections::HashSet::new();
    for s in &input.scores {
        if !(1..=5).contains(&s.score) {
            p.add("scores", "Score each criterion from 1 (poor) to 5 (excellent).");
            break;
        }
        if !seen.insert(s.criterion_id) {
            p.add("scores", "Score each criterion once.");
            break;
        }
        let known = conn
            .prepare_cached("SELECT 1 FROM review_criteria WHERE id = ?1 AND active = 1")?
            .exists([s.criterion_id.to_string()])?;
        if !known {
            p.add("scores", "A scored criterion is not on the scorecard.");
            break;
        }
    }
    p.finish()?;
    Ok(ReviewRecord {
        review_id: Uuid::now_v7(),
        interaction_id: input.interaction_id,
        customer_id: customer.as_deref().map(crate::db::parse_uuid).transpose()?,
        store_id: crate::db::parse_uuid(&store)?,
        reviewed_staff_id: staff,
        kind: input.kind,
        comment,
        scores: input.scores.clone(),
    })
}

/// Stores a review (made here or pulled); the same review twice is stored once.
pub(crate) fn insert(
    tx: &Transaction<'_>,
    r: &ReviewRecord,
    reviewer: Uuid,
    device: Uuid,
    hlc: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO reviews (id, interaction_id, reviewer_id, staff_id, kind, comment, scores, recorded_at, hlc,
                              store_id, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![
        r.review_id.to_string(),
        r.interaction_id.to_string(),
        reviewer.to_string(),
        r.reviewed_staff_id.to_string(),
        r.kind.as_str(),
        r.comment,
        serde_json::to_string(&r.scores)?,
        ts(at),
        hlc,
        r.store_id.to_string(),
        device.to_string(),
    ])?;
    Ok(())
}

pub(crate) fn insert_ack(tx: &Transaction<'_>, review: Uuid, staff: Uuid, hlc: &str, at: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO review_acknowledgements (review_id, staff_id, acknowledged_at, hlc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (review_id) DO NOTHING",
    )?
    .execute(params![review.to_string(), staff.to_string(), ts(at), hlc])?;
    Ok(())
}

/// Where a review goes and whether it was read.
pub(crate) struct Target {
    pub customer: Option<Uuid>,
    pub store: Uuid,
    /// Whose work it reviewed.
    pub staff: Uuid,
    pub acknowledged: bool,
}

/// The review's routing (customer, store) and whose work it reviewed, if this desk holds it.
pub(crate) fn target(conn: &Connection, review: Uuid) -> Result<Option<Target>> {
    let row: Option<(Option<String>, Option<String>, String, bool)> = conn
        .prepare_cached(
            "SELECT i.customer_id, coalesce(r.store_id, i.store_id), r.staff_id,
                    EXISTS (SELECT 1 FROM review_acknowledgements a WHERE a.review_id = r.id)
             FROM reviews r JOIN interactions i ON i.id = r.interaction_id WHERE r.id = ?1",
        )?
        .query_row([review.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((customer, store, staff, acked)) = row else { return Ok(None) };
    let parse = crate::db::parse_uuid;
    Ok(Some(Target {
        customer: customer.as_deref().map(parse).transpose()?,
        store: parse(store.as_deref().unwrap_or_default())?,
        staff: parse(&staff)?,
        acknowledged: acked,
    }))
}

pub fn criteria(conn: &Connection) -> Result<Vec<ReviewCriterion>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name FROM review_criteria WHERE active = 1 ORDER BY sort_order, name")?;
    let rows = stmt.query_map([], |r| Ok(ReviewCriterion { id: uuid_col(r, 0)?, name: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A scorecard holds a few criteria: this many at most.
pub const MAX_CRITERIA: usize = touchpoint_protocol::rules::SCORES_MAX;

/// A criterion's name, trimmed, checked for length and against the other active criteria
/// (`except`: the one being renamed).
fn criterion_name(conn: &Connection, name: &str, except: Option<Uuid>) -> Result<String> {
    let name = name.trim().to_owned();
    if name.is_empty() {
        return Err(CoreError::field("name", "Name the criterion, e.g. \"Listened to the customer\"."));
    }
    crate::FieldError::text("name", &name, text::CRITERION_NAME, "The name")
        .map_err(|e| CoreError::invalid(vec![e]))?;
    let taken = conn
        .prepare_cached("SELECT 1 FROM review_criteria WHERE active = 1 AND lower(name) = lower(?1) AND id IS NOT ?2")?
        .exists(params![name, except.map(|e| e.to_string())])?;
    if taken {
        return Err(CoreError::field("name", "The scorecard already has a criterion by this name."));
    }
    Ok(name)
}

/// Adds a criterion at the end of the scorecard (a desk that is not connected).
pub(crate) fn add_criterion(conn: &Connection, name: &str) -> Result<ReviewCriterion> {
    let name = criterion_name(conn, name, None)?;
    let (count, last): (u32, i64) = conn.query_row(
        "SELECT count(*), coalesce(max(sort_order), 0) FROM review_criteria WHERE active = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if count as usize >= MAX_CRITERIA {
        return Err(CoreError::field(
            "name",
            format!("A scorecard holds {MAX_CRITERIA} criteria at most: remove one before adding another."),
        ));
    }
    let id = Uuid::now_v7();
    conn.execute(
        "INSERT INTO review_criteria (id, name, sort_order, active, origin) VALUES (?1, ?2, ?3, 1, 'local')",
        params![id.to_string(), name, last + 10],
    )?;
    Ok(ReviewCriterion { id, name })
}

fn local_criterion(conn: &Connection, id: Uuid) -> Result<()> {
    let origin: Option<String> = conn
        .prepare_cached("SELECT origin FROM review_criteria WHERE id = ?1 AND active = 1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    match origin.as_deref() {
        None => Err(CoreError::not_found("This criterion")),
        Some("local") => Ok(()),
        Some(_) => Err(CoreError::Refused {
            message: "This criterion comes from your organisation's server; change it there.".into(),
        }),
    }
}

pub(crate) fn rename_criterion(conn: &Connection, id: Uuid, name: &str) -> Result<ReviewCriterion> {
    local_criterion(conn, id)?;
    let name = criterion_name(conn, name, Some(id))?;
    conn.execute("UPDATE review_criteria SET name = ?2 WHERE id = ?1", params![id.to_string(), name])?;
    Ok(ReviewCriterion { id, name })
}

/// Takes a criterion off the scorecard; reviews that scored it keep their scores and its name.
pub(crate) fn retire_criterion(conn: &Connection, id: Uuid) -> Result<()> {
    local_criterion(conn, id)?;
    conn.execute("UPDATE review_criteria SET active = 0 WHERE id = ?1", [id.to_string()])?;
    Ok(())
}

const REVIEW_SELECT: &str = "
    SELECT r.id, r.interaction_id, r.kind, r.comment, r.scores, r.reviewer_id, coalesce(rv.name, 'Unknown staff member'),
           r.staff_id, coalesce(st.name, 'Unknown staff member'), r.recorded_at, a.acknowledged_at,
           i.occurred_at, coalesce(tp.name, 'Unknown touch point'), i.customer_id, c.name, i.cur_reason, i.cur_summary
    FROM reviews r
    JOIN interactions_current i ON i.id = r.interaction_id
    LEFT JOIN staff rv ON rv.id = r.reviewer_id
    LEFT JOIN staff st ON st.id = r.staff_id
    LEFT JOIN review_acknowledgements a ON a.review_id = r.id
    LEFT JOIN touch_points tp ON tp.id = i.cur_touch_point_id
    LEFT JOIN customers c ON c.id = i.customer_id";

fn review_from_row(conn: &Connection, r: &rusqlite::Row<'_>) -> rusqlite::Result<Review> {
    let scores: Vec<CriterionScore> = serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default();
    let mut named = Vec::with_capacity(scores.len());
    for s in scores {
        let name: Option<String> = conn
            .prepare_cached("SELECT name FROM review_criteria WHERE id = ?1")?
            .query_row([s.criterion_id.to_string()], |r| r.get(0))
            .optional()?;
        named.push(ScoredCriterion { name: name.unwrap_or_else(|| "Criterion no longer used".into()), score: s.score });
    }
    let customer = match (opt_uuid_col(r, 13)?, r.get::<_, Option<String>>(14)?) {
        (Some(id), Some(name)) if !name.is_empty() => Some(NameRef { id, name }),
        _ => None,
    };
    Ok(Review {
        id: uuid_col(r, 0)?,
        interaction_id: uuid_col(r, 1)?,
        kind: enum_col(r, 2)?,
        comment: r.get(3)?,
        scores: named,
        reviewer: NameRef { id: uuid_col(r, 5)?, name: r.get(6)? },
        staff: NameRef { id: uuid_col(r, 7)?, name: r.get(8)? },
        recorded_at: ts_col(r, 9)?,
        acknowledged_at: opt_ts_col(r, 10)?,
        conversation: ReviewedConversation {
            occurred_at: ts_col(r, 11)?,
            touch_point: r.get(12)?,
            customer,
            reason: r.get(15)?,
            summary: r.get(16)?,
        },
    })
}

/// Reviews of a staff member's work, the ones still to acknowledge first, then newest first.
pub fn for_staff(conn: &Connection, staff: Uuid) -> Result<Vec<Review>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{REVIEW_SELECT} WHERE r.staff_id = ?1 ORDER BY a.acknowledged_at IS NOT NULL, r.recorded_at DESC LIMIT 200"
    ))?;
    let rows = stmt.query_map([staff.to_string()], |r| review_from_row(conn, r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn for_interaction(conn: &Connection, interaction: Uuid) -> Result<Vec<Review>> {
    let mut stmt =
        conn.prepare_cached(&format!("{REVIEW_SELECT} WHERE r.interaction_id = ?1 ORDER BY r.recorded_at"))?;
    let rows = stmt.query_map([interaction.to_string()], |r| review_from_row(conn, r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Review> {
    conn.prepare_cached(&format!("{REVIEW_SELECT} WHERE r.id = ?1"))?
        .query_row([id.to_string()], |r| review_from_row(conn, r))
        .optional()?
        .ok_or_else(|| CoreError::not_found("This review"))
}

/// Conversations to look at, newest first (or a random sample), each with its feeling,
/// scores and how many reviews it has; the reviewer's own are left out (nobody reviews their
/// own work) unless `include_own` asks for every conversation behind a figure. Every filter
/// is a bound parameter of one query.
///
/// The newest are read day by day, newest first, over only the days the Insight rollups say
/// may hold a match, so a filter that matches little (or nothing) reads those days' rows, not
/// every conversation: see [`crate::insight::rollup::each_day`].
pub fn queue(conn: &Connection, f: &ReviewQueueFilter, reviewer: Uuid) -> Result<Vec<QueueItem>> {
    let limit = f.sample.or(f.limit).unwrap_or(50).clamp(1, QUEUE_MAX);
    if f.sample.is_some() {
        return queue_rows(conn, f, reviewer, limit, None);
    }
    let mut columns = Vec::new();
    if let Some(feeling) = f.feeling {
        columns.push(feeling.as_str());
    }
    if let Some(outcome) = f.outcome {
        columns.push(outcome.as_str());
    }
    if f.signal == Some(ScoreSignal::Detractor) {
        columns.push("detractors");
    }
    let question = crate::insight::rollup::DayQuestion {
        store_id: f.store_id,
        touch_point_id: f.touch_point_id,
        staff_id: f.staff_id,
        columns,
        reason: f.reason.as_deref(),
        from: f.from,
        to: f.to,
    };
    let (from, to) = (f.from.map(ts), f.to.map(ts));
    let mut out: Vec<QueueItem> = Vec::new();
    crate::insight::rollup::each_day(conn, &question, |start, end| {
        // Both in the one stored form, so the text compares as the instants do.
        let lo = from.as_deref().map_or(start, |f| f.max(start));
        let hi = to.as_deref().map_or(end, |t| t.min(end));
        if lo < hi {
            let left = limit - out.len() as u32;
            out.extend(queue_rows(conn, f, reviewer, left, Some((lo, hi)))?);
        }
        Ok((out.len() as u32) < limit)
    })?;
    Ok(out)
}

/// The queue read from every conversation in one query, without the rollups' days: what
/// [`queue`] must always answer (tests compare the two).
#[doc(hidden)]
pub fn queue_by_scan(conn: &Connection, f: &ReviewQueueFilter, reviewer: Uuid) -> Result<Vec<QueueItem>> {
    let limit = f.sample.or(f.limit).unwrap_or(50).clamp(1, QUEUE_MAX);
    queue_rows(conn, f, reviewer, limit, None)
}

/// Conversations of the queue straight from the rows: within `range` (of one day, newest
/// first) or, without one, all of them (a random sample's way).
fn queue_rows(
    conn: &Connection,
    f: &ReviewQueueFilter,
    reviewer: Uuid,
    limit: u32,
    range: Option<(&str, &str)>,
) -> Result<Vec<QueueItem>> {
    let order = if f.sample.is_some() { "random()" } else { "i.occurred_at DESC, i.rowid DESC" };
    // Plain bounds, so the day's rows are read by the time index; without a range the two
    // values are bound as NULL and say nothing.
    let within = if range.is_some() {
        "AND i.occurred_at >= ?14 AND i.occurred_at < ?15"
    } else {
        "AND ?14 IS NULL AND ?15 IS NULL"
    };
    let sql = format!(
        "SELECT i.id, i.occurred_at, coalesce(s.name, 'Another store'), coalesce(tp.name, 'Unknown touch point'),
                i.cur_channel, i.staff_id, coalesce(st.name, 'Unknown staff member'), i.customer_id, c.name,
                i.cur_reason, i.cur_summary, i.cur_outcome, fb.feeling, fb.csat, fb.nps, fb.ces,
                (SELECT count(*) FROM reviews r WHERE r.interaction_id = i.id)
         FROM interactions_current i
         LEFT JOIN feedback fb ON fb.id = (SELECT f2.id FROM feedback f2 WHERE f2.interaction_id = i.id
                                            ORDER BY f2.hlc DESC LIMIT 1)
         LEFT JOIN stores s ON s.id = i.store_id
         LEFT JOIN touch_points tp ON tp.id = i.cur_touch_point_id
         LEFT JOIN staff st ON st.id = i.staff_id
         LEFT JOIN customers c ON c.id = i.customer_id
         WHERE (?1 IS NULL OR i.store_id = ?1)
           AND (?2 IS NULL OR i.cur_touch_point_id = ?2)
           AND (?3 IS NULL OR i.staff_id = ?3)
           AND (?4 IS NULL OR i.occurred_at >= ?4)
           AND (?5 IS NULL OR i.occurred_at < ?5)
           AND (?6 IS NULL OR fb.feeling = ?6)
           AND (?7 IS NULL OR (?7 = 'detractor' AND fb.nps <= 6) OR (?7 = 'low_csat' AND fb.csat <= 2)
                OR (?7 = 'high_effort' AND fb.ces >= 5))
           AND (?8 IS NULL OR i.cur_outcome = ?8)
           AND (?9 = 0 OR NOT EXISTS (SELECT 1 FROM reviews r WHERE r.interaction_id = i.id))
           AND (?13 OR i.staff_id <> ?11)
           AND (?12 IS NULL OR coalesce(trim(i.cur_reason), '') = trim(?12))
           {within}
         ORDER BY {order}
         LIMIT ?10"
    );
    let signal = f.signal.map(|s| match s {
        ScoreSignal::Detractor => "detractor",
        ScoreSignal::LowCsat => "low_csat",
        ScoreSignal::HighEffort => "high_effort",
    });
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            f.store_id.map(|s| s.to_string()),
            f.touch_point_id.map(|s| s.to_string()),
            f.staff_id.map(|s| s.to_string()),
            f.from.map(ts),
            f.to.map(ts),
            f.feeling.map(|x| x.as_str()),
            signal,
            f.outcome.map(|o| o.as_str()),
            f.unreviewed_only,
            limit,
            reviewer.to_string(),
            f.reason.as_deref(),
            f.include_own,
            range.map(|r| r.0),
            range.map(|r| r.1),
        ],
        |r| {
            let customer = match (opt_uuid_col(r, 7)?, r.get::<_, Option<String>>(8)?) {
                (Some(id), Some(name)) if !name.is_empty() => Some(NameRef { id, name }),
                _ => None,
            };
            Ok(QueueItem {
                interaction_id: uuid_col(r, 0)?,
                occurred_at: ts_col(r, 1)?,
                store: r.get(2)?,
                touch_point: r.get(3)?,
                channel: enum_col(r, 4)?,
                staff: NameRef { id: uuid_col(r, 5)?, name: r.get(6)? },
                customer,
                reason: r.get(9)?,
                summary: r.get(10)?,
                outcome: enum_col(r, 11)?,
                feeling: opt_enum_col(r, 12)?,
                csat: r.get(13)?,
                nps: r.get(14)?,
                ces: r.get(15)?,
                reviews: r.get(16)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Erasure: a review's comment on one of the customer's conversations may name them; its kind
/// and scores stay.
pub(crate) fn erase_comments(tx: &Transaction<'_>, customer: Uuid) -> Result<()> {
    tx.prepare_cached(
        "UPDATE reviews SET comment = ?2 WHERE interaction_id IN (SELECT id FROM interactions WHERE customer_id = ?1)",
    )?
    .execute(params![customer.to_string(), touchpoint_protocol::ERASED_TEXT])?;
    Ok(())
}

/// A scorecard criterion from the server.
pub(crate) fn upsert_pulled_criterion(
    tx: &Transaction<'_>,
    c: &touchpoint_protocol::ReviewCriterionRecord,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO review_criteria (id, name, sort_order, active, origin) VALUES (?1, ?2, ?3, ?4, 'server')
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, sort_order = excluded.sort_order,
             active = excluded.active, origin = 'server'",
    )?
    .execute(params![c.criterion_id.to_string(), c.name, c.sort_order, c.active])?;
    Ok(())
}

/// Once the first download is complete: criteria the desk's administrator defined are no
/// longer offered once the server has its own (reviews already written keep their scores and
/// names).
pub(crate) fn retire_local_criteria(tx: &Transaction<'_>) -> Result<()> {
    tx.execute(
        "UPDATE review_criteria SET active = 0
         WHERE origin = 'local' AND EXISTS (SELECT 1 FROM review_criteria WHERE origin = 'server' AND active = 1)",
        [],
    )?;
    Ok(())
}

impl Desk {
    /// The scorecard's criteria: the organisation's server's, or on a desk that is not
    /// connected, the ones its administrator defined.
    pub fn review_criteria(&self) -> Result<Vec<ReviewCriterion>> {
        criteria(&self.conn)
    }

    /// Adds a criterion to the scorecard (administrators of a desk that is not connected).
    pub fn add_review_criterion(&mut self, name: &str) -> Result<ReviewCriterion> {
        self.require(Permission::ChangeScorecard)?;
        add_criterion(&self.conn, name)
    }

    pub fn rename_review_criterion(&mut self, id: Uuid, name: &str) -> Result<ReviewCriterion> {
        self.require(Permission::ChangeScorecard)?;
        rename_criterion(&self.conn, id, name)
    }

    /// Takes a criterion off the scorecard; earlier reviews keep what they scored.
    pub fn retire_review_criterion(&mut self, id: Uuid) -> Result<()> {
        self.require(Permission::ChangeScorecard)?;
        retire_criterion(&self.conn, id)
    }

    /// Conversations to review (supervisors and admins).
    pub fn review_queue(&self, filter: &ReviewQueueFilter) -> Result<Vec<QueueItem>> {
        self.require(Permission::ReviewQueue)?;
        queue(&self.conn, filter, self.staff_id)
    }

    /// Reviews a conversation (supervisors and admins, not their own).
    pub fn record_review(&mut self, input: &NewReview) -> Result<Review> {
        self.require(Permission::RecordReview)?;
        let record = validate(&self.conn, input, self.staff_id)?;
        let id = record.review_id;
        self.write(|w| {
            let op = w.record(OpBody::ReviewRecorded(record.clone()))?;
            insert(&w.tx, &record, w.actor.staff_id, w.actor.device_id, &op.hlc.to_string(), w.now)
        })?;
        get(&self.conn, id)
    }

    /// The reviewed person says they have read a review of their work.
    pub fn acknowledge_review(&mut self, review: Uuid) -> Result<Review> {
        let target = target(&self.conn, review)?.ok_or_else(|| CoreError::not_found("This review"))?;
        if target.staff != self.staff_id {
            return Err(CoreError::Forbidden {
                message: "Only the person whose work was reviewed can acknowledge it.".into(),
            });
        }
        if target.acknowledged {
            return Err(CoreError::Validation {
                message: "You already acknowledged this review.".into(),
                fields: vec![],
            });
        }
        self.write(|w| {
            let ack = touchpoint_protocol::ReviewAck {
                review_id: review,
                customer_id: target.customer,
                store_id: target.store,
            };
            let op = w.record(OpBody::ReviewAcknowledged(ack))?;
            insert_ack(&w.tx, review, w.actor.staff_id, &op.hlc.to_string(), w.now)
        })?;
        get(&self.conn, review)
    }

    /// Reviews of the signed-in person's work, those to acknowledge first.
    pub fn my_reviews(&self) -> Result<Vec<Review>> {
        for_staff(&self.conn, self.staff_id)
    }

    /// Reviews of one conversation (supervisors, or the person who logged it).
    pub fn interaction_reviews(&self, interaction: Uuid) -> Result<Vec<Review>> {
        let found = for_interaction(&self.conn, interaction)?;
        if !self.may(Permission::ReadOthersReviews)? {
            return Ok(found.into_iter().filter(|r| r.staff.id == self.staff_id).collect());
        }
        Ok(found)
    }
}
