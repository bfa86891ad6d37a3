//! The one written definition of Touchpoint's scores, shared by a desk's Insight room (SQLite)
//! and the organisation's insight on the server (PostgreSQL):
//!
//! - A conversation counts in a period by when it happened; its touch point, reason and
//!   outcome are as last corrected (the latest amendment of each field by HLC).
//! - Its feedback is the feedback recorded against it (a kiosk's feedback with no conversation
//!   is not a conversation's score).
//! - **NPS** is promoters (9–10) minus detractors (0–6), in percent of the NPS answers:
//!   −100 to 100. **CSAT** is the average of the 1–5 answers, **CES** of the 1–7 answers
//!   (lower is easier). The **feeling mix** counts the staff's read of each conversation.
//!
//! Both sides add up a [`Tally`] per group in SQL and turn it into [`Scores`] here, so the same
//! conversations give the same numbers to the last digit on a desk and on the server.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::{Feeling, Outcome};

/// An NPS answer of this or more is a promoter.
pub const PROMOTER_FROM: u8 = 9;
/// An NPS answer of this or less is a detractor.
pub const DETRACTOR_TO: u8 = 6;
/// Fewer answers than this and a score is shown greyed out, with its count: two answers make
/// an NPS of −100 or +100, which says nothing yet about a touch point or a person.
pub const MIN_SAMPLE: u32 = 10;

/// `part` of `whole` in whole percent, rounded to the nearest: 17 of 28 is 61%. Never 0% when
/// some are, never 100% when not all are (1 of 300 is 1%, 299 of 300 is 99%).
pub fn percent(part: u32, whole: u32) -> Option<u32> {
    if whole == 0 {
        return None;
    }
    let (part, whole) = (u64::from(part.min(whole)), u64::from(whole));
    let nearest = ((part * 200 + whole) / (whole * 2)) as u32;
    Some(match nearest {
        0 if part > 0 => 1,
        100 if part < whole => 99,
        p => p,
    })
}

/// The sums a group's scores are made from (what SQL adds up).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub interactions: u64,
    pub promoters: u64,
    pub detractors: u64,
    pub nps_responses: u64,
    pub csat_sum: u64,
    pub csat_responses: u64,
    pub ces_sum: u64,
    pub ces_responses: u64,
    /// Very unhappy, unhappy, neutral, happy, very happy.
    pub feelings: [u64; 5],
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Tally {
    /// The scores these sums make, by the definition above.
    pub fn scores(&self) -> Scores {
        let average = |sum: u64, n: u64| -> Option<f64> { (n > 0).then(|| sum as f64 / n as f64) };
        Scores {
            interactions: count(self.interactions),
            nps: (self.nps_responses > 0)
                .then(|| (self.promoters as f64 - self.detractors as f64) * 100.0 / self.nps_responses as f64),
            nps_responses: count(self.nps_responses),
            csat: average(self.csat_sum, self.csat_responses),
            csat_responses: count(self.csat_responses),
            ces: average(self.ces_sum, self.ces_responses),
            ces_responses: count(self.ces_responses),
            feelings: self.feelings.iter().map(|&n| count(n)).collect(),
        }
    }
}

/// The scores of a group of conversations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scores {
    pub interactions: u32,
    /// Net Promoter Score, −100 to 100 (promoters 9–10 minus detractors 0–6, in %).
    pub nps: Option<f64>,
    pub nps_responses: u32,
    /// Average CSAT, 1–5.
    pub csat: Option<f64>,
    pub csat_responses: u32,
    /// Average customer effort, 1–7 (lower is better).
    pub ces: Option<f64>,
    pub ces_responses: u32,
    /// How many felt very unhappy, unhappy, neutral, happy, very happy (in that order).
    pub feelings: Vec<u32>,
}

/// One bar or line point: a touch point, a person, a store or a week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    /// The id to drill into (touch point, staff, store), or the week's first day.
    pub key: String,
    pub label: String,
    pub scores: Scores,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    pub label: String,
    pub count: u32,
}

/// One cell of the touch point × feeling heat map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeatCell {
    pub touch_point_id: Uuid,
    pub touch_point: String,
    pub feeling: Feeling,
    pub count: u32,
}

/// Which conversations the organisation's insight counts: the days from `from` to `to`
/// (both included), each store's days on its own calendar (its time zone), optionally one
/// store, touch point or person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OrgInsightQuery {
    /// The first day (YYYY-MM-DD).
    pub from: NaiveDate,
    /// The last day, included (YYYY-MM-DD); at most [`MAX_INSIGHT_DAYS`] after `from`.
    pub to: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touch_point_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<Uuid>,
}

/// The longest period one dashboard covers (a little over two years).
pub const MAX_INSIGHT_DAYS: i64 = 800;

/// The organisation's figures for a period: the same charts as a desk's Insight room, every
/// store side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgInsight {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub overall: Scores,
    pub by_store: Vec<Group>,
    pub by_touch_point: Vec<Group>,
    pub by_staff: Vec<Group>,
    /// Week by week; a week's key is its Monday (YYYY-MM-DD).
    pub by_week: Vec<Group>,
    /// Conversations by reason; those without one are counted under "".
    pub reasons: Vec<Count>,
    pub outcomes: Vec<Count>,
    pub heat_map: Vec<HeatCell>,
}

/// Which conversations a figure is made of: the dashboard's population, narrowed to one
/// group (a week, a feeling), newest first, a page at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OrgConversationsQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touch_point_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<Uuid>,
    /// Only the week starting this Monday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feeling: Option<Feeling>,
    /// The next page: conversations before the last of the previous one (its time and id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_id: Option<Uuid>,
    /// How many (1–200, 50 when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u16>,
}

/// One conversation behind a figure: what was logged and how it went, without what was said
/// (the summary stays on the desks that hold the customer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgConversation {
    pub interaction_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub store_id: Uuid,
    pub store: String,
    pub staff_id: Uuid,
    pub staff: String,
    pub touch_point_id: Uuid,
    pub touch_point: String,
    pub reason: Option<String>,
    pub outcome: Outcome,
    pub feeling: Option<Feeling>,
    pub nps: Option<u8>,
    pub csat: Option<u8>,
    pub ces: Option<u8>,
    /// Whether a customer was named (a walk-in may not be).
    pub has_customer: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_makes_nps_from_promoters_and_detractors_and_averages_the_answers() {
        let t = Tally {
            interactions: 12,
            promoters: 5,
            detractors: 2,
            nps_responses: 10,
            csat_sum: 17,
            csat_responses: 4,
            ces_sum: 0,
            ces_responses: 0,
            feelings: [1, 0, 2, 3, 4],
        };
        let s = t.scores();
        assert_eq!(s.interactions, 12);
        assert_eq!(s.nps, Some(30.0));
        assert_eq!(s.csat, Some(4.25));
        assert_eq!(s.ces, None, "no answers is no score, not zero");
        assert_eq!(s.feelings, vec![1, 0, 2, 3, 4]);
        assert_eq!(Tally::default().scores().nps, None);
    }
}
