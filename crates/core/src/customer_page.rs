//! Everything on a customer's page: the profile, the one-glance summary and the timeline.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::{ContactChannel, Feeling, Outcome};
use uuid::Uuid;

use crate::customers::{self, Customer};
use crate::db::{enum_col, opt_enum_col, ts_col, uuid_col};
use crate::error::Result;

/// How many timeline entries the page opens with.
pub const TIMELINE_PAGE: usize = 100;

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct CustomerPage {
    pub customer: Customer,
    pub summary: Summary,
    pub timeline: Vec<TimelineEntry>,
}

/// The answers to "what happened last time and how did they feel", above the fold.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Summary {
    pub visits: u32,
    pub last_visit: Option<LastVisit>,
    /// The most recent feeling recorded, even if the last visit had none.
    pub last_feeling: Option<Feeling>,
    pub latest_csat: Option<u8>,
    pub latest_nps: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct LastVisit {
    pub at: DateTime<Utc>,
    pub touch_point: String,
    pub staff: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimelineEntry {
    Interaction(InteractionEntry),
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct InteractionEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub touch_point: String,
    pub channel: ContactChannel,
    pub reason: Option<String>,
    pub outcome: Outcome,
    pub duration_secs: Option<u32>,
    pub summary: Option<String>,
    pub staff: String,
    pub feedback: Option<FeedbackView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct FeedbackView {
    pub feeling: Option<Feeling>,
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    pub ces: Option<u8>,
    pub verbatim: Option<String>,
}

pub fn open(conn: &Connection, id: Uuid) -> Result<CustomerPage> {
    let customer = customers::get(conn, id)?;
    let timeline = timeline(conn, id, TIMELINE_PAGE)?;
    let summary = summary(conn, id)?;
    Ok(CustomerPage { customer, summary, timeline })
}

const TIMELINE_SQL: &str = "
    SELECT i.id, i.occurred_at, coalesce(tp.name, 'Unknown touch point'), i.channel, i.reason, i.outcome,
           i.duration_secs, i.summary, coalesce(s.name, 'Unknown staff member'),
           f.id, f.feeling, f.csat, f.nps, f.ces, f.verbatim
    FROM interactions i
    LEFT JOIN touch_points tp ON tp.id = i.touch_point_id
    LEFT JOIN staff s ON s.id = i.staff_id
    LEFT JOIN feedback f ON f.id = (
        SELECT id FROM feedback WHERE interaction_id = i.id ORDER BY occurred_at DESC, id DESC LIMIT 1)
    WHERE i.customer_id = ?1
    ORDER BY i.occurred_at DESC, i.id DESC
    LIMIT ?2";

pub fn timeline(conn: &Connection, customer_id: Uuid, limit: usize) -> Result<Vec<TimelineEntry>> {
    let mut stmt = conn.prepare_cached(TIMELINE_SQL)?;
    let rows = stmt.query_map(rusqlite::params![customer_id.to_string(), limit as i64], |r| {
        let feedback = match r.get::<_, Option<String>>(9)? {
            None => None,
            Some(_) => Some(FeedbackView {
                feeling: opt_enum_col(r, 10)?,
                csat: r.get(11)?,
                nps: r.get(12)?,
                ces: r.get(13)?,
                verbatim: r.get(14)?,
            }),
        };
        Ok(TimelineEntry::Interaction(InteractionEntry {
            id: uuid_col(r, 0)?,
            occurred_at: ts_col(r, 1)?,
            touch_point: r.get(2)?,
            channel: enum_col(r, 3)?,
            reason: r.get(4)?,
            outcome: enum_col(r, 5)?,
            duration_secs: r.get(6)?,
            summary: r.get(7)?,
            staff: r.get(8)?,
            feedback,
        }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn summary(conn: &Connection, id: Uuid) -> Result<Summary> {
    let id = id.to_string();
    let visits: u32 = conn
        .prepare_cached("SELECT count(*) FROM interactions WHERE customer_id = ?1")?
        .query_row([&id], |r| r.get(0))?;
    let last_visit = conn
        .prepare_cached(
            "SELECT i.occurred_at, coalesce(tp.name, 'Unknown touch point'), coalesce(s.name, 'Unknown staff member'), i.outcome
             FROM interactions i
             LEFT JOIN touch_points tp ON tp.id = i.touch_point_id
             LEFT JOIN staff s ON s.id = i.staff_id
             WHERE i.customer_id = ?1 ORDER BY i.occurred_at DESC, i.id DESC LIMIT 1",
        )?
        .query_row([&id], |r| {
            Ok(LastVisit { at: ts_col(r, 0)?, touch_point: r.get(1)?, staff: r.get(2)?, outcome: enum_col(r, 3)? })
        })
        .optional()?;
    let (last_feeling, latest_csat, latest_nps) = conn
        .prepare_cached(
            "SELECT
               (SELECT feeling FROM feedback WHERE customer_id = ?1 AND feeling IS NOT NULL
                ORDER BY occurred_at DESC, id DESC LIMIT 1),
               (SELECT csat FROM feedback WHERE customer_id = ?1 AND csat IS NOT NULL
                ORDER BY occurred_at DESC, id DESC LIMIT 1),
               (SELECT nps FROM feedback WHERE customer_id = ?1 AND nps IS NOT NULL
                ORDER BY occurred_at DESC, id DESC LIMIT 1)",
        )?
        .query_row([&id], |r| Ok((opt_enum_col(r, 0)?, r.get(1)?, r.get(2)?)))?;
    Ok(Summary { visits, last_visit, last_feeling, latest_csat, latest_nps })
}
