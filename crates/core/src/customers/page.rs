//! Everything on a customer's page: the profile, the one-glance summary (last visit, how they
//! felt and the trend, latest scores, open follow-ups, at-risk reasons) and the timeline.

use crate::desk::Desk;
use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::{ContactChannel, Feeling, InteractionChanges, Outcome};
use uuid::Uuid;

use crate::customers::links::{self, MergedRecord};
use crate::customers::{self, Customer};
use crate::db::{enum_col, opt_enum_col, ts, ts_col, uuid_col};
use crate::error::Result;
use crate::follow_ups::{self, FollowUp};
use crate::insight::risk::{self, Recovery, RiskReason};

/// How many timeline entries a page holds by default.
pub const TIMELINE_PAGE: u32 = 100;
/// How many recent feelings the trend is drawn from.
pub const TREND_POINTS: usize = 8;

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct CustomerPage {
    pub customer: Customer,
    pub summary: Summary,
    pub timeline: TimelinePage,
    /// The records merged into this one (each can be undone), newest merge first.
    pub merged: Vec<MergedRecord>,
    /// The id that was opened, when it was a merged record's (its survivor's page is shown).
    pub redirected_from: Option<Uuid>,
    /// "Before you start": what the person at the desk should know now, most pressing first.
    pub before_you_start: Vec<super::heads_up::HeadsUp>,
}

/// The answers to "what happened last time, is anything open, how did they feel".
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Summary {
    pub visits: u32,
    pub last_visit: Option<LastVisit>,
    /// The most recent feeling recorded, even if the last visit had none, with when it was
    /// (the page says the date when it is not from the last visit).
    pub last_feeling: Option<FeelingPoint>,
    /// Recent feelings, oldest first, for the trend.
    pub feelings: Vec<FeelingPoint>,
    pub trend: Option<Trend>,
    /// The latest score of each kind, each with when it was given: they may be from
    /// different visits.
    pub latest_csat: Option<DatedScore>,
    pub latest_nps: Option<DatedScore>,
    pub latest_ces: Option<DatedScore>,
    pub open_follow_ups: Vec<FollowUp>,
    pub risk: Vec<RiskReason>,
    /// Reasons that cleared because the visits since went well (said instead of a stale warning).
    pub recovered: Vec<Recovery>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct LastVisit {
    pub at: DateTime<Utc>,
    pub touch_point: String,
    pub staff: String,
    pub outcome: Outcome,
}

/// A score and when the customer gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
pub struct DatedScore {
    pub value: u8,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct FeelingPoint {
    pub at: DateTime<Utc>,
    pub feeling: Feeling,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Improving,
    Steady,
    Worsening,
}

/// Compares the latest feeling with the average of the ones before it (up to four): half a
/// step either way is a change.
pub fn trend(feelings: &[Feeling]) -> Option<Trend> {
    let (last, before) = feelings.split_last()?;
    let before: Vec<f64> = before.iter().rev().take(4).map(|f| f64::from(f.score())).collect();
    if before.is_empty() {
        return None;
    }
    let avg = before.iter().sum::<f64>() / before.len() as f64;
    let now = f64::from(last.score());
    Some(if now >= avg + 0.5 {
        Trend::Improving
    } else if now <= avg - 0.5 {
        Trend::Worsening
    } else {
        Trend::Steady
    })
}

/// Where the next page of a timeline starts (exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TimelineCursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TimelineQuery {
    pub before: Option<TimelineCursor>,
    pub limit: Option<u32>,
    pub touch_point_id: Option<Uuid>,
    pub channel: Option<ContactChannel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct TimelinePage {
    pub entries: Vec<TimelineEntry>,
    /// Present when there is more, older history.
    pub next: Option<TimelineCursor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimelineEntry {
    Interaction(InteractionEntry),
    FollowUpOpened(FollowUpEvent),
    FollowUpClosed(FollowUpEvent),
}

impl TimelineEntry {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            TimelineEntry::Interaction(i) => i.at,
            TimelineEntry::FollowUpOpened(f) | TimelineEntry::FollowUpClosed(f) => f.at,
        }
    }

    fn key(&self) -> (DateTime<Utc>, Uuid) {
        match self {
            TimelineEntry::Interaction(i) => (i.at, i.id),
            TimelineEntry::FollowUpOpened(f) | TimelineEntry::FollowUpClosed(f) => (f.at, f.follow_up.id),
        }
    }
}

/// The values of an interaction at one point of its history.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct InteractionValues {
    pub touch_point_id: Uuid,
    pub touch_point: String,
    pub channel: ContactChannel,
    pub reason: Option<String>,
    pub outcome: Outcome,
    pub duration_secs: Option<u32>,
    pub summary: Option<String>,
}

/// One correction: who, when, why, and the values before and after it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AmendmentView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub staff: String,
    pub note: Option<String>,
    /// Names of the fields it changed (`outcome`, `reason`, …).
    pub fields: Vec<String>,
    pub before: InteractionValues,
    pub after: InteractionValues,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct InteractionEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// The values as they stand after every correction.
    pub current: InteractionValues,
    pub staff: String,
    pub feedback: Option<FeedbackView>,
    /// Corrections, oldest first; the first one's `before` is what was logged.
    pub amendments: Vec<AmendmentView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct FeedbackView {
    pub feeling: Option<Feeling>,
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    pub ces: Option<u8>,
    pub verbatim: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct FollowUpEvent {
    pub at: DateTime<Utc>,
    pub follow_up: FollowUp,
}

/// A customer's page; opening a merged record's old id opens its survivor.
pub fn read(conn: &Connection, opened: Uuid, now: DateTime<Utc>, offset: FixedOffset) -> Result<CustomerPage> {
    let id = links::resolve(conn, opened)?;
    let customer = customers::get(conn, id)?;
    let timeline = timeline(conn, id, &TimelineQuery::default(), now)?;
    let summary = summary(conn, id, now)?;
    let merged = links::merged_into(conn, id)?;
    let all_follow_ups = follow_ups::for_customer(conn, id, now)?;
    let last_visit = timeline.entries.iter().find_map(|e| match e {
        TimelineEntry::Interaction(i) => Some(super::heads_up::LastVisitFacts {
            at: i.at,
            reason: i.current.reason.clone(),
            feeling: i.feedback.as_ref().and_then(|f| f.feeling),
            nps: i.feedback.as_ref().and_then(|f| f.nps),
        }),
        _ => None,
    });
    let first_visit: Option<String> = conn
        .prepare_cached("SELECT min(occurred_at) FROM interactions WHERE customer_id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))?;
    let reach = follow_ups::Reach { answers: customer.contact, ..Default::default() };
    let before_you_start = super::heads_up::heads_up(&super::heads_up::Facts {
        customer: &customer,
        open_follow_ups: &summary.open_follow_ups,
        last_visit,
        follow_ups: &all_follow_ups,
        refused: reach.refused(),
        first_visit: first_visit.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.to_utc()),
        now,
        offset,
    });
    Ok(CustomerPage {
        customer,
        summary,
        timeline,
        merged,
        redirected_from: (id != opened).then_some(opened),
        before_you_start,
    })
}

const INTERACTIONS_SQL: &str = "
    SELECT i.id, i.occurred_at, i.touch_point_id, coalesce(tp.name, 'Unknown touch point'), i.channel, i.reason,
           i.outcome, i.duration_secs, i.summary, coalesce(s.name, 'Unknown staff member'),
           f.id, f.feeling, f.csat, f.nps, f.ces, f.verbatim
    FROM interactions_current i
    LEFT JOIN touch_points tp ON tp.id = i.touch_point_id
    LEFT JOIN staff s ON s.id = i.staff_id
    LEFT JOIN feedback f ON f.id = (
        SELECT id FROM feedback WHERE interaction_id = i.id ORDER BY occurred_at DESC, id DESC LIMIT 1)
    WHERE i.customer_id = ?1
      AND (?2 IS NULL OR (i.occurred_at, i.id) < (?2, ?3))
      AND (?4 IS NULL OR i.cur_touch_point_id = ?4)
      AND (?5 IS NULL OR i.cur_channel = ?5)
    ORDER BY i.occurred_at DESC, i.id DESC
    LIMIT ?6";

/// One page of the customer's history, newest first: interactions (with corrections and
/// feedback) and follow-ups opened and closed. Filters apply to interactions; follow-ups show
/// only in the unfiltered view.
pub fn timeline(conn: &Connection, customer_id: Uuid, q: &TimelineQuery, now: DateTime<Utc>) -> Result<TimelinePage> {
    let limit = q.limit.unwrap_or(TIMELINE_PAGE).clamp(1, 1000);
    let (before_at, before_id) = match &q.before {
        Some(c) => (Some(ts(c.at)), Some(c.id.to_string())),
        None => (None, None),
    };
    let mut stmt = conn.prepare_cached(INTERACTIONS_SQL)?;
    let rows = stmt.query_map(
        params![
            customer_id.to_string(),
            before_at,
            before_id,
            q.touch_point_id.map(|t| t.to_string()),
            q.channel.map(|c| c.as_str()),
            i64::from(limit) + 1,
        ],
        |r| {
            let feedback = match r.get::<_, Option<String>>(10)? {
                None => None,
                Some(_) => Some(FeedbackView {
                    feeling: opt_enum_col(r, 11)?,
                    csat: r.get(12)?,
                    nps: r.get(13)?,
                    ces: r.get(14)?,
                    verbatim: r.get(15)?,
                }),
            };
            let logged = InteractionValues {
                touch_point_id: uuid_col(r, 2)?,
                touch_point: r.get(3)?,
                channel: enum_col(r, 4)?,
                reason: r.get(5)?,
                outcome: enum_col(r, 6)?,
                duration_secs: r.get(7)?,
                summary: r.get(8)?,
            };
            Ok((uuid_col(r, 0)?, ts_col(r, 1)?, logged, r.get::<_, String>(9)?, feedback))
        },
    )?;
    let mut interactions = Vec::new();
    for row in rows {
        let (id, at, logged, staff, feedback) = row?;
        let (current, amendments) = amendment_history(conn, id, logged)?;
        interactions.push(InteractionEntry { id, at, current, staff, feedback, amendments });
    }
    let more = interactions.len() > limit as usize;
    interactions.truncate(limit as usize);

    let mut entries: Vec<TimelineEntry> = interactions.into_iter().map(TimelineEntry::Interaction).collect();
    if q.touch_point_id.is_none() && q.channel.is_none() {
        // Follow-up events that fall within this page's time span (or anything older when this
        // is the last page).
        let upper = q.before.as_ref().map(|c| (c.at, c.id));
        let lower = if more { entries.last().map(TimelineEntry::key) } else { None };
        for f in follow_ups::for_customer(conn, customer_id, now)? {
            let mut events =
                vec![TimelineEntry::FollowUpOpened(FollowUpEvent { at: f.created_at, follow_up: f.clone() })];
            if let Some(closed) = f.closed_at {
                events.push(TimelineEntry::FollowUpClosed(FollowUpEvent { at: closed, follow_up: f.clone() }));
            }
            for e in events {
                let key = e.key();
                if upper.is_some_and(|u| key >= u) || lower.is_some_and(|l| key < l) {
                    continue;
                }
                entries.push(e);
            }
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.key()));
    }
    let next = if more {
        entries.iter().rev().find_map(|e| match e {
            TimelineEntry::Interaction(i) => Some(TimelineCursor { at: i.at, id: i.id }),
            _ => None,
        })
    } else {
        None
    };
    Ok(TimelinePage { entries, next })
}

/// Replays an interaction's corrections (by HLC) over what was logged.
fn amendment_history(
    conn: &Connection,
    id: Uuid,
    logged: InteractionValues,
) -> Result<(InteractionValues, Vec<AmendmentView>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.recorded_at, coalesce(s.name, 'Unknown staff member'), a.reason, a.changes
         FROM amendments a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE a.interaction_id = ?1 ORDER BY a.hlc",
    )?;
    let rows = stmt.query_map([id.to_string()], |r| {
        Ok((
            uuid_col(r, 0)?,
            ts_col(r, 1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut current = logged;
    let mut views = Vec::new();
    for row in rows {
        let (aid, at, staff, note, changes) = row?;
        let changes: InteractionChanges = serde_json::from_str(&changes)?;
        let before = current.clone();
        let mut fields = Vec::new();
        if let Some(tp) = changes.touch_point_id {
            current.touch_point_id = tp;
            current.touch_point = crate::catalogue::touch_point_name(conn, tp)?;
            fields.push("touch_point".to_owned());
        }
        if let Some(c) = changes.channel {
            current.channel = c;
            fields.push("channel".to_owned());
        }
        if let Some(r) = changes.reason {
            current.reason = Some(r).filter(|r| !r.is_empty());
            fields.push("reason".to_owned());
        }
        if let Some(o) = changes.outcome {
            current.outcome = o;
            fields.push("outcome".to_owned());
        }
        if let Some(d) = changes.duration_secs {
            current.duration_secs = Some(d);
            fields.push("duration_secs".to_owned());
        }
        if let Some(s) = changes.summary {
            current.summary = Some(s).filter(|s| !s.is_empty());
            fields.push("summary".to_owned());
        }
        views.push(AmendmentView { id: aid, at, staff, note, fields, before, after: current.clone() });
    }
    Ok((current, views))
}

fn summary(conn: &Connection, id: Uuid, now: DateTime<Utc>) -> Result<Summary> {
    let key = id.to_string();
    let visits: u32 = conn
        .prepare_cached("SELECT count(*) FROM interactions WHERE customer_id = ?1")?
        .query_row([&key], |r| r.get(0))?;
    let last_visit = conn
        .prepare_cached(
            "SELECT i.occurred_at, coalesce(tp.name, 'Unknown touch point'), coalesce(s.name, 'Unknown staff member'),
                    i.cur_outcome
             FROM interactions_current i
             LEFT JOIN touch_points tp ON tp.id = i.cur_touch_point_id
             LEFT JOIN staff s ON s.id = i.staff_id
             WHERE i.customer_id = ?1 ORDER BY i.occurred_at DESC, i.id DESC LIMIT 1",
        )?
        .query_row([&key], |r| {
            Ok(LastVisit { at: ts_col(r, 0)?, touch_point: r.get(1)?, staff: r.get(2)?, outcome: enum_col(r, 3)? })
        })
        .optional()?;
    let latest = |column: &str| -> Result<Option<DatedScore>> {
        Ok(conn
            .prepare_cached(&format!(
                "SELECT {column}, occurred_at FROM feedback WHERE customer_id = ?1 AND {column} IS NOT NULL
                 ORDER BY occurred_at DESC, id DESC LIMIT 1"
            ))?
            .query_row([&key], |r| Ok(DatedScore { value: r.get(0)?, at: ts_col(r, 1)? }))
            .optional()?)
    };
    let (latest_csat, latest_nps, latest_ces) = (latest("csat")?, latest("nps")?, latest("ces")?);
    let mut feelings: Vec<FeelingPoint> = conn
        .prepare_cached(
            "SELECT occurred_at, feeling FROM feedback WHERE customer_id = ?1 AND feeling IS NOT NULL
             ORDER BY occurred_at DESC, id DESC LIMIT ?2",
        )?
        .query_map(params![key, TREND_POINTS as i64], |r| {
            Ok(FeelingPoint { at: ts_col(r, 0)?, feeling: enum_col(r, 1)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    feelings.reverse();
    let assessment = risk::assess_with_recovery(conn, id, now)?;
    let just_feelings: Vec<Feeling> = feelings.iter().map(|p| p.feeling).collect();
    let open_follow_ups =
        follow_ups::for_customer(conn, id, now)?.into_iter().filter(|f| !f.status.is_closed()).collect();
    Ok(Summary {
        visits,
        last_visit,
        last_feeling: feelings.last().cloned(),
        trend: trend(&just_feelings),
        feelings,
        latest_csat,
        latest_nps,
        latest_ces,
        open_follow_ups,
        risk: assessment.reasons,
        recovered: assessment.recovered,
    })
}

impl Desk {
    /// Opens a customer's page for a person, recording in the audit log that they looked
    /// (once per person and customer in ten minutes; refreshing the page is not a new look).
    pub fn open_customer(&mut self, id: Uuid) -> Result<CustomerPage> {
        let page = self.customer_page(id)?;
        self.record_view(page.customer.id)?;
        Ok(page)
    }

    /// The same page read without recording a look (what other reads of the desk build on).
    pub fn customer_page(&self, id: Uuid) -> Result<CustomerPage> {
        read(&self.conn, id, self.clock.now(), self.local_offset)
    }

    /// A page of a customer's timeline (older history, or filtered by touch point/channel).
    pub fn customer_timeline(&self, id: Uuid, query: &TimelineQuery) -> Result<TimelinePage> {
        let id = links::resolve(&self.conn, id)?;
        customers::get(&self.conn, id)?;
        timeline(&self.conn, id, query, self.clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Feeling::*;

    #[test]
    fn trend_compares_the_latest_feeling_with_the_ones_before() {
        assert_eq!(trend(&[]), None);
        assert_eq!(trend(&[Happy]), None);
        assert_eq!(trend(&[Happy, Happy, Unhappy]), Some(Trend::Worsening));
        assert_eq!(trend(&[VeryUnhappy, Unhappy, Happy]), Some(Trend::Improving));
        assert_eq!(trend(&[Happy, Happy, Neutral, Happy]), Some(Trend::Steady));
        // Only the four before the latest count.
        assert_eq!(trend(&[VeryUnhappy, Happy, Happy, Happy, Happy, Happy]), Some(Trend::Steady));
    }
}
