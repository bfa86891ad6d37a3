//! "Before you start": the three things the person at the desk should know now about the
//! customer in front of them, each with why it is there. The at-risk reasoning turned into a
//! next best action: computed from what the desk holds, offline, and explainable (every item
//! carries the facts it stands on, which the desk words).
//!
//! What counts, in order: an overdue follow-up; an unhappy last visit; an open follow-up; an
//! important date within the week (or today); the promise made last time and how it ended;
//! a channel they asked not to be contacted on; what they prefer; the anniversary of their
//! first visit.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::{Feeling, FollowUpStatus, ImportantDate, Preference};
use uuid::Uuid;

use super::Customer;
use crate::follow_ups::{DueState, FollowUp, RefusedChannel};

/// How many items the strip shows.
pub const HEADS_UP_MAX: usize = 3;
/// An important date this close (in days) is worth saying.
pub const DATE_SOON_DAYS: i64 = 7;
/// A closed promise this recent is still "last time".
pub const LAST_PROMISE_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HeadsUp {
    /// A follow-up is open (overdue or not): what was promised, by whom, due when.
    OpenFollowUp { follow_up_id: Uuid, promise: String, owner: String, due_at: DateTime<Utc>, overdue: bool },
    /// The last visit went badly: how they felt or scored, what it was about.
    UnhappyLastVisit { at: DateTime<Utc>, feeling: Option<Feeling>, nps: Option<u8>, reason: Option<String> },
    /// An important date within the week: which, and on what day (`days`: 0 is today).
    DateSoon { date: ImportantDate, on: NaiveDate, days: u32 },
    /// The last promise made to them and how it ended.
    PromisedLastTime { promise: String, status: FollowUpStatus, closed_at: DateTime<Utc>, resolution: Option<String> },
    /// Channels they asked not to be contacted on (when and how they said so).
    NoContact { channels: Vec<RefusedChannel> },
    /// What they like, their size…: the first few.
    Prefers { preferences: Vec<Preference> },
    /// A year (or more) since their first visit, this week.
    FirstVisitAnniversary { first_visit: DateTime<Utc>, years: i32, on: NaiveDate },
}

/// What the strip is computed from: the page's parts, and today in the desk's time zone.
pub(crate) struct Facts<'a> {
    pub customer: &'a Customer,
    /// Open follow-ups, most pressing first (as the page's summary lists them).
    pub open_follow_ups: &'a [FollowUp],
    pub last_visit: Option<LastVisitFacts>,
    /// Every follow-up of the customer, newest first.
    pub follow_ups: &'a [FollowUp],
    pub refused: Vec<RefusedChannel>,
    pub first_visit: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
    pub offset: FixedOffset,
}

/// The latest conversation: when, what about, how they felt and scored.
pub(crate) struct LastVisitFacts {
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
    pub feeling: Option<Feeling>,
    pub nps: Option<u8>,
}

/// The items that apply, most pressing first, at most [`HEADS_UP_MAX`].
pub(crate) fn heads_up(f: &Facts<'_>) -> Vec<HeadsUp> {
    let today = f.now.with_timezone(&f.offset).date_naive();
    let mut out: Vec<HeadsUp> = Vec::new();
    let open = |overdue: bool| {
        f.open_follow_ups.iter().filter(move |u| (u.due_state == DueState::Overdue) == overdue).map(|u| {
            HeadsUp::OpenFollowUp {
                follow_up_id: u.id,
                promise: u.promise.clone(),
                owner: u.owner.name.clone(),
                due_at: u.due_at,
                overdue: u.due_state == DueState::Overdue,
            }
        })
    };
    out.extend(open(true).take(1));
    if let Some(v) = &f.last_visit {
        if v.feeling.is_some_and(Feeling::is_unhappy) || v.nps.is_some_and(|n| n <= 6) {
            out.push(HeadsUp::UnhappyLastVisit { at: v.at, feeling: v.feeling, nps: v.nps, reason: v.reason.clone() });
        }
    }
    if !out.iter().any(|h| matches!(h, HeadsUp::OpenFollowUp { .. })) {
        out.extend(open(false).take(1));
    }
    let mut dates: Vec<(NaiveDate, &ImportantDate)> = f
        .customer
        .important_dates
        .iter()
        .filter_map(|d| d.next_on_or_after(today).map(|on| (on, d)))
        .filter(|(on, _)| *on - today <= Duration::days(DATE_SOON_DAYS))
        .collect();
    dates.sort_by_key(|(on, _)| *on);
    out.extend(dates.into_iter().take(1).map(|(on, d)| HeadsUp::DateSoon {
        date: d.clone(),
        on,
        days: u32::try_from((on - today).num_days()).unwrap_or(0),
    }));
    let last_closed = f.follow_ups.iter().filter(|u| u.status.is_closed()).max_by_key(|u| u.closed_at);
    if let Some(u) = last_closed {
        let closed_at = u.closed_at.unwrap_or(u.created_at);
        if f.now - closed_at <= Duration::days(LAST_PROMISE_DAYS) {
            out.push(HeadsUp::PromisedLastTime {
                promise: u.promise.clone(),
                status: u.status,
                closed_at,
                resolution: u.resolution.clone(),
            });
        }
    }
    if !f.refused.is_empty() {
        out.push(HeadsUp::NoContact { channels: f.refused.clone() });
    }
    if !f.customer.preferences.is_empty() {
        out.push(HeadsUp::Prefers { preferences: f.customer.preferences.iter().take(3).cloned().collect() });
    }
    if let Some(first) = f.first_visit {
        let first_day = first.with_timezone(&f.offset).date_naive();
        let as_date = ImportantDate {
            kind: touchpoint_protocol::DateKind::Anniversary,
            label: None,
            month: chrono::Datelike::month(&first_day) as u8,
            day: chrono::Datelike::day(&first_day) as u8,
            year: None,
        };
        if let Some(on) = as_date.next_on_or_after(today) {
            let years = chrono::Datelike::year(&on) - chrono::Datelike::year(&first_day);
            if years >= 1 && on - today <= Duration::days(DATE_SOON_DAYS) {
                out.push(HeadsUp::FirstVisitAnniversary { first_visit: first, years, on });
            }
        }
    }
    out.truncate(HEADS_UP_MAX);
    out
}
