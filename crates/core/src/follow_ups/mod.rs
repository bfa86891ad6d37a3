//! The closed loop: follow-ups with an owner, a due time and what was promised; proposed
//! automatically when a conversation went badly, closed with a resolution and a re-measure of
//! how the customer feels now.

pub mod board;
pub mod notices;
pub mod reminders;
use crate::access::Permission;
use crate::desk::Desk;
use crate::staff;
use touchpoint_protocol::OpBody;

use chrono::{DateTime, Duration, DurationRound, Utc};
use rusqlite::{params, types::Value, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::{
    text, ChannelConsent, ContactRoute, FeedbackRecord, Feeling, FollowUpKind, FollowUpPatch, FollowUpRoute,
    FollowUpStatus, ImportantDate, InteractionRecord, Outcome,
};
use uuid::Uuid;

use crate::db::{enum_col, opt_enum_col, opt_ts_col, opt_uuid_col, ts, ts_col, uuid_col};
use crate::error::{CoreError, Problems, Result};
use crate::field_clocks;

/// A person referred to by name in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct NameRef {
    pub id: Uuid,
    pub name: String,
}

/// Where a follow-up stands against its due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    Overdue,
    DueToday,
    Upcoming,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct FollowUp {
    pub id: Uuid,
    pub customer: Option<NameRef>,
    pub interaction_id: Option<Uuid>,
    pub owner: NameRef,
    pub due_at: DateTime<Utc>,
    pub promise: String,
    pub status: FollowUpStatus,
    pub due_state: DueState,
    pub resolution: Option<String>,
    pub feeling_after: Option<Feeling>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    /// How to reach the customer to keep the promise (none for a walk-in's follow-up).
    pub contact: Option<FollowUpContact>,
    /// The latest snooze or hand-over, with why.
    pub last_change: Option<FollowUpChange>,
    pub kind: FollowUpKind,
    /// How the customer will be reached (none: not said).
    pub route: Option<FollowUpRoute>,
    /// Why it is there, in facts the desk words (a cadence, a date, the visit checked on).
    pub why: Option<FollowUpWhy>,
}

/// Why a proactive follow-up is in the list, beyond its promise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FollowUpWhy {
    /// The keeper's cadence came round: every `every_days`, last conversation then.
    StayInTouch { every_days: u16, last_conversation: Option<DateTime<Utc>> },
    /// An important date is coming.
    ImportantDate { date: ImportantDate },
    /// Checking on a visit (when it was).
    CheckIn { visit_at: Option<DateTime<Utc>> },
}

/// How to reach the customer about a follow-up: their first phone and email. A follow-up is a
/// promise the customer asked for, so it is service contact and marketing consent does not gate
/// it; the consent is shown beside it so the call stays about the promise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct FollowUpContact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub consent: touchpoint_protocol::Consent,
    /// What the customer said about each channel (a refusal is honoured).
    pub answers: crate::customers::ContactAnswers,
}

/// A snooze (a new due time) or a hand-over (a new owner), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FollowUpChange {
    pub kind: FollowUpChangeKind,
    pub at: DateTime<Utc>,
    pub by: String,
    pub note: Option<String>,
    /// The new due time (a snooze).
    pub due_at: Option<DateTime<Utc>>,
    /// Who it was handed to (a hand-over).
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpChangeKind {
    Snoozed,
    Reassigned,
}

/// A follow-up put off to a new due time, and why ("she is away until Friday").
#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct SnoozeFollowUp {
    pub follow_up_id: Uuid,
    pub due_at: DateTime<Utc>,
    pub reason: String,
}

/// A follow-up handed to someone else, and why.
#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct ReassignFollowUp {
    pub follow_up_id: Uuid,
    pub owner_staff_id: Uuid,
    pub reason: String,
}

/// What staff enter to open a follow-up.
#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct NewFollowUp {
    pub customer_id: Option<Uuid>,
    pub interaction_id: Option<Uuid>,
    pub owner_staff_id: Uuid,
    pub due_at: DateTime<Utc>,
    pub promise: String,
    /// How to reach the customer; a channel they refused is refused here.
    #[serde(default)]
    pub route: Option<FollowUpRoute>,
    /// Recovery unless said (a check-in, from the log form).
    #[serde(default)]
    pub kind: Option<FollowUpKind>,
}

/// How a follow-up ended.
#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct CloseFollowUp {
    pub follow_up_id: Uuid,
    /// `done` or `could_not_reach`.
    pub status: FollowUpStatus,
    pub resolution: String,
    /// How the customer feels now (the re-measure); not known when they could not be reached.
    pub feeling_after: Option<Feeling>,
}

/// Why a follow-up is suggested after a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProposalReason {
    FollowUpNeeded,
    Detractor { nps: u8 },
    LowCsat { csat: u8 },
    Unhappy { feeling: Feeling },
}

/// A follow-up the app suggests; staff accept (perhaps after editing) or dismiss it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FollowUpProposal {
    pub reasons: Vec<ProposalReason>,
    pub customer_id: Option<Uuid>,
    pub interaction_id: Uuid,
    pub owner_staff_id: Uuid,
    pub due_at: DateTime<Utc>,
    /// A starting point for "what was promised", from the reason for contact (in English; the
    /// desk words it in its own language from `reason_for_contact`).
    pub promise: String,
    /// The conversation's reason for contact, if it had one.
    pub reason_for_contact: Option<String>,
    /// The first way to reach them that they have not refused and that the desk has the
    /// details for: phone, then email, then SMS; their next visit when there is none.
    pub route: FollowUpRoute,
    /// The channels not proposed because the customer refused them (when and how they said so).
    pub refused: Vec<RefusedChannel>,
}

/// A channel the customer asked not to be contacted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RefusedChannel {
    pub channel: ContactRoute,
    pub answer: ChannelConsent,
}

/// How a desk can reach a customer: which contact points it holds and what they said.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reach {
    pub has_phone: bool,
    pub has_email: bool,
    pub answers: crate::customers::ContactAnswers,
}

impl Reach {
    pub(crate) fn of(conn: &Connection, customer: Option<Uuid>) -> Result<Reach> {
        let Some(id) = customer else { return Ok(Reach::default()) };
        Ok(match crate::customers::get(conn, id) {
            Ok(c) => Reach { has_phone: !c.phones.is_empty(), has_email: !c.emails.is_empty(), answers: c.contact },
            Err(CoreError::NotFound { .. }) => Reach::default(),
            Err(e) => return Err(e),
        })
    }

    /// The channels they refused, in the order the desk would try them.
    pub(crate) fn refused(&self) -> Vec<RefusedChannel> {
        ContactRoute::ALL
            .into_iter()
            .filter_map(|channel| {
                self.answers.get(channel).filter(|a| !a.allowed).map(|answer| RefusedChannel { channel, answer })
            })
            .collect()
    }

    /// Phone, email, SMS: the first not refused that the desk has the details for.
    pub(crate) fn best_route(&self) -> FollowUpRoute {
        let usable = |c: ContactRoute| {
            !self.answers.refused(c)
                && match c {
                    ContactRoute::Phone | ContactRoute::Sms => self.has_phone,
                    ContactRoute::Email => self.has_email,
                }
        };
        [
            (ContactRoute::Phone, FollowUpRoute::Phone),
            (ContactRoute::Email, FollowUpRoute::Email),
            (ContactRoute::Sms, FollowUpRoute::Sms),
        ]
        .into_iter()
        .find(|(c, _)| usable(*c))
        .map_or(FollowUpRoute::NextVisit, |(_, r)| r)
    }

    /// Why `route` may not be used, or `None`.
    pub(crate) fn refusal(&self, route: FollowUpRoute) -> Option<String> {
        let channel = route.contact()?;
        let answer = self.answers.get(channel).filter(|a| !a.allowed)?;
        let by = match channel {
            ContactRoute::Phone => "by phone",
            ContactRoute::Email => "by email",
            ContactRoute::Sms => "by SMS",
        };
        Some(format!(
            "The customer asked not to be contacted {by} (recorded {}). Choose another way, or keep it for their next visit.",
            answer.at.format("%-d %b %Y")
        ))
    }
}

/// NPS 0–6 is a detractor; CSAT 1–2 is dissatisfied; unhappy or very unhappy is unhappy.
pub fn proposal_reasons(
    outcome: Outcome,
    feeling: Option<Feeling>,
    csat: Option<u8>,
    nps: Option<u8>,
) -> Vec<ProposalReason> {
    let mut reasons = Vec::new();
    if outcome == Outcome::FollowUpNeeded {
        reasons.push(ProposalReason::FollowUpNeeded);
    }
    if let Some(nps) = nps.filter(|n| *n <= 6) {
        reasons.push(ProposalReason::Detractor { nps });
    }
    if let Some(csat) = csat.filter(|c| *c <= 2) {
        reasons.push(ProposalReason::LowCsat { csat });
    }
    if let Some(feeling) = feeling.filter(|f| f.is_unhappy()) {
        reasons.push(ProposalReason::Unhappy { feeling });
    }
    reasons
}

/// A follow-up for a logged conversation, if the rules above call for one: due the next day
/// at the same hour, owned by whoever logged it.
pub(crate) fn propose(
    interaction: &InteractionRecord,
    feedback: Option<&FeedbackRecord>,
    owner: Uuid,
    reach: &Reach,
    now: DateTime<Utc>,
) -> Option<FollowUpProposal> {
    let f = feedback;
    let reasons =
        proposal_reasons(interaction.outcome, f.and_then(|f| f.feeling), f.and_then(|f| f.csat), f.and_then(|f| f.nps));
    if reasons.is_empty() {
        return None;
    }
    let due = (now + Duration::days(1)).duration_trunc(Duration::hours(1)).unwrap_or(now + Duration::days(1));
    let promise = match &interaction.reason {
        Some(r) => format!("Call back about: {r}"),
        None => "Call back to check everything is sorted".to_owned(),
    };
    Some(FollowUpProposal {
        reasons,
        customer_id: interaction.customer_id,
        interaction_id: interaction.interaction_id,
        owner_staff_id: owner,
        due_at: due,
        promise,
        reason_for_contact: interaction.reason.clone(),
        route: reach.best_route(),
        refused: reach.refused(),
    })
}

pub(crate) fn validate_new(tx: &Transaction<'_>, input: &NewFollowUp, now: DateTime<Utc>) -> Result<FollowUpPatch> {
    let mut p = Problems::default();
    let promise = input.promise.trim().to_owned();
    if promise.is_empty() {
        p.add("promise", "Say what was promised, so whoever picks this up knows.");
    } else {
        p.text("promise", Some(&promise), text::PROMISE, "The promise");
    }
    if staff::staff_member(tx, input.owner_staff_id)?.is_none() {
        p.add("owner_staff_id", "Choose who will follow up.");
    }
    if input.due_at < now - Duration::minutes(5) {
        p.add("due_at", "The due time is in the past.");
    }
    if input.due_at > now + Duration::days(366) {
        p.add("due_at", "Choose a due time within a year.");
    }
    if let Some(c) = input.customer_id {
        if !crate::customers::exists(tx, c)? {
            p.add("customer_id", "This customer no longer exists on this desk.");
        }
    }
    if let Some(route) = input.route {
        if input.customer_id.is_none() && route != FollowUpRoute::NextVisit {
            p.add("route", "A walk-in left no way to reach them: keep it for their next visit.");
        } else if let Some(why) = Reach::of(tx, input.customer_id)?.refusal(route) {
            p.add("route", why);
        }
    }
    p.finish()?;
    Ok(FollowUpPatch {
        follow_up_id: Uuid::now_v7(),
        customer_id: input.customer_id,
        interaction_id: input.interaction_id,
        owner_staff_id: Some(input.owner_staff_id),
        due_at: Some(input.due_at),
        promise: Some(promise),
        status: Some(FollowUpStatus::Open),
        kind: input.kind.filter(|k| *k != FollowUpKind::Recovery),
        route: input.route,
        ..FollowUpPatch::default()
    })
}

pub(crate) fn validate_close(conn: &Connection, input: &CloseFollowUp, now: DateTime<Utc>) -> Result<FollowUpPatch> {
    let current = get(conn, input.follow_up_id, now)?;
    let mut p = Problems::default();
    if current.status.is_closed() {
        p.add("status", "This follow-up is already closed.");
    }
    if !input.status.is_closed() {
        p.add("status", "Close a follow-up as done or as could not reach.");
    }
    let resolution = input.resolution.trim().to_owned();
    if resolution.is_empty() {
        p.add("resolution", "Say what happened, for whoever reads this later.");
    } else {
        p.text("resolution", Some(&resolution), text::RESOLUTION, "The resolution");
    }
    if input.status == FollowUpStatus::CouldNotReach && input.feeling_after.is_some() {
        p.add("feeling_after", "There is no new feeling to record when the customer could not be reached.");
    }
    p.finish()?;
    Ok(FollowUpPatch {
        follow_up_id: input.follow_up_id,
        // Unchanged, but it tells the server which stores hold the customer.
        customer_id: current.customer.as_ref().map(|c| c.id),
        status: Some(input.status),
        resolution: Some(resolution),
        feeling_after: input.feeling_after,
        closed_at: Some(now),
        ..FollowUpPatch::default()
    })
}

/// Checks a snooze: an open follow-up, a new due time ahead (within a year), and why.
pub(crate) fn validate_snooze(conn: &Connection, input: &SnoozeFollowUp, now: DateTime<Utc>) -> Result<FollowUpPatch> {
    let current = get(conn, input.follow_up_id, now)?;
    let mut p = Problems::default();
    if current.status.is_closed() {
        p.add("due_at", "This follow-up is already closed.");
    } else if input.due_at <= now {
        p.add("due_at", "Choose a new due time that is still ahead.");
    } else if input.due_at > now + Duration::days(366) {
        p.add("due_at", "Choose a due time within a year.");
    }
    let reason = change_reason(&mut p, &input.reason, "Say why it waits, for whoever picks it up.");
    p.finish()?;
    Ok(FollowUpPatch {
        follow_up_id: input.follow_up_id,
        customer_id: current.customer.as_ref().map(|c| c.id),
        due_at: Some(input.due_at),
        change_note: Some(reason),
        ..FollowUpPatch::default()
    })
}

/// The reason for a snooze or a hand-over, trimmed and checked against its text rule.
pub(crate) fn change_reason(p: &mut Problems, typed: &str, missing: &str) -> String {
    let reason = typed.trim().to_owned();
    if reason.is_empty() {
        p.add("reason", missing);
    } else {
        p.text("reason", Some(&reason), text::FOLLOW_UP_NOTE, "The reason");
    }
    reason
}

/// Applies a follow-up patch stamped `hlc`, field by field; creates the row on first sight.
/// `by` is the staff member who made the change (creator on first sight, closer on closing).
pub(crate) fn apply_patch(
    tx: &Transaction<'_>,
    patch: &FollowUpPatch,
    hlc: &str,
    by: Uuid,
    store: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = patch.follow_up_id.to_string();
    let exists =
        tx.prepare_cached("SELECT 1 FROM follow_ups WHERE id = ?1")?.query_row([&id], |_| Ok(())).optional()?.is_some();
    if exists && patch.only_if_new {
        return Ok(()); // a reminder another desk raised first: one follow-up, as it now stands
    }
    if !exists {
        let owner = patch.owner_staff_id.unwrap_or(by);
        tx.prepare_cached(
            "INSERT INTO follow_ups (id, customer_id, interaction_id, store_id, owner_staff_id, due_at, promise, status,
                                     created_by, created_at, kind, route, occasion)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            id,
            patch.customer_id.map(|c| c.to_string()),
            patch.interaction_id.map(|i| i.to_string()),
            store.to_string(),
            owner.to_string(),
            ts(patch.due_at.unwrap_or(now)),
            patch.promise.clone().unwrap_or_default(),
            by.to_string(),
            ts(now),
            patch.kind.unwrap_or_default().as_str(),
            patch.route.map(|r| r.as_str()),
            patch.occasion.as_ref().map(serde_json::to_string).transpose()?,
        ])?;
        if patch.only_if_new {
            return Ok(()); // its values hold until anyone changes them; it claims no field
        }
    }
    let mut fields: Vec<(&'static str, Value)> = Vec::new();
    if let Some(v) = patch.owner_staff_id {
        fields.push(("owner_staff_id", Value::Text(v.to_string())));
    }
    if let Some(v) = patch.due_at {
        fields.push(("due_at", Value::Text(ts(v))));
    }
    if let Some(v) = &patch.promise {
        fields.push(("promise", Value::Text(v.clone())));
    }
    if let Some(v) = patch.status {
        fields.push(("status", Value::Text(v.as_str().to_owned())));
    }
    if let Some(v) = &patch.resolution {
        fields.push(("resolution", Value::Text(v.clone())));
    }
    if let Some(v) = patch.feeling_after {
        fields.push(("feeling_after", Value::Text(v.as_str().to_owned())));
    }
    if let Some(v) = patch.closed_at {
        fields.push(("closed_at", Value::Text(ts(v))));
        fields.push(("closed_by", Value::Text(by.to_string())));
    }
    if let Some(v) = patch.route {
        fields.push(("route", Value::Text(v.as_str().to_owned())));
    }
    // A snooze or a hand-over with its reason goes into the history, on every desk alike.
    if exists && (patch.due_at.is_some() || patch.owner_staff_id.is_some()) && patch.change_note.is_some() {
        let kind = if patch.owner_staff_id.is_some() { "reassigned" } else { "snoozed" };
        tx.prepare_cached(
            "INSERT OR IGNORE INTO follow_up_changes (follow_up_id, hlc, at, by_staff, kind, due_at, owner_staff, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            id,
            hlc,
            ts(now),
            by.to_string(),
            kind,
            patch.due_at.map(ts),
            patch.owner_staff_id.map(|o| o.to_string()),
            patch.change_note,
        ])?;
    }
    for (column, value) in fields {
        if field_clocks::claim_field(tx, "follow_up", &id, column, hlc)? {
            // `column` comes from the fixed list above, never from input.
            tx.execute(&format!("UPDATE follow_ups SET {column} = ?1 WHERE id = ?2"), params![value, id])?;
        }
    }
    Ok(())
}

pub(crate) const SELECT: &str = "
    SELECT f.id, f.customer_id, c.name, f.interaction_id, f.owner_staff_id, coalesce(o.name, 'Unknown staff member'),
           f.due_at, f.promise, f.status, f.resolution, f.feeling_after, f.created_at,
           coalesce(cb.name, 'Unknown staff member'), f.closed_at, cl.name,
           c.phones_display, c.emails, c.consent,
           (SELECT json_object('kind', h.kind, 'at', h.at, 'by', coalesce(hb.name, 'Unknown staff member'),
                               'note', h.note, 'due_at', h.due_at, 'owner', ho.name)
            FROM follow_up_changes h
            LEFT JOIN staff hb ON hb.id = h.by_staff
            LEFT JOIN staff ho ON ho.id = h.owner_staff
            WHERE h.follow_up_id = f.id ORDER BY h.hlc DESC LIMIT 1),
           f.kind, f.route, f.occasion, c.keep_in_touch, c.last_seen_at, c.contact_phone, c.contact_email,
           c.contact_sms, (SELECT i.occurred_at FROM interactions i WHERE i.id = f.interaction_id)
    FROM follow_ups f
    LEFT JOIN customers c ON c.id = f.customer_id
    LEFT JOIN staff o ON o.id = f.owner_staff_id
    LEFT JOIN staff cb ON cb.id = f.created_by
    LEFT JOIN staff cl ON cl.id = f.closed_by";

/// Whether a follow-up is overdue, due soon (within the next 24 hours; the screens say "due
/// soon", not "today"), upcoming or closed.
pub fn due_state(status: FollowUpStatus, due_at: DateTime<Utc>, now: DateTime<Utc>) -> DueState {
    if status.is_closed() {
        DueState::Closed
    } else if due_at < now {
        DueState::Overdue
    } else if due_at < now + Duration::hours(24) {
        DueState::DueToday
    } else {
        DueState::Upcoming
    }
}

pub(crate) fn from_row(r: &rusqlite::Row<'_>, now: DateTime<Utc>) -> rusqlite::Result<FollowUp> {
    let customer = match opt_uuid_col(r, 1)? {
        Some(id) => Some(NameRef { id, name: r.get::<_, Option<String>>(2)?.unwrap_or_default() }),
        None => None,
    };
    let status: FollowUpStatus = enum_col(r, 8)?;
    let kind: FollowUpKind = enum_col(r, 19)?;
    let due_at = ts_col(r, 6)?;
    let has_customer = customer.is_some();
    Ok(FollowUp {
        id: uuid_col(r, 0)?,
        customer,
        interaction_id: opt_uuid_col(r, 3)?,
        owner: NameRef { id: uuid_col(r, 4)?, name: r.get(5)? },
        due_at,
        promise: r.get(7)?,
        status,
        due_state: due_state(status, due_at, now),
        resolution: r.get(9)?,
        feeling_after: opt_enum_col(r, 10)?,
        created_at: ts_col(r, 11)?,
        created_by: r.get(12)?,
        closed_at: opt_ts_col(r, 13)?,
        closed_by: r.get(14)?,
        contact: match r.get::<_, Option<String>>(15)? {
            Some(phones) if has_customer => {
                let phones: Vec<String> = serde_json::from_str(&phones).unwrap_or_default();
                let emails: Vec<String> = serde_json::from_str(&r.get::<_, String>(16)?).unwrap_or_default();
                let consent = serde_json::from_str(&r.get::<_, String>(17)?).unwrap_or_default();
                let answers = crate::customers::ContactAnswers {
                    phone: json_opt(r, 24)?,
                    email: json_opt(r, 25)?,
                    sms: json_opt(r, 26)?,
                };
                Some(FollowUpContact {
                    phone: phones.into_iter().next(),
                    email: emails.into_iter().next(),
                    consent,
                    answers,
                })
            }
            _ => None,
        },
        last_change: r.get::<_, Option<String>>(18)?.and_then(|j| serde_json::from_str(&j).ok()),
        kind,
        route: opt_enum_col(r, 20)?,
        why: match kind {
            FollowUpKind::Recovery => None,
            FollowUpKind::CheckIn => Some(FollowUpWhy::CheckIn { visit_at: opt_ts_col(r, 27)? }),
            FollowUpKind::StayInTouch => {
                let every_days = json_opt::<touchpoint_protocol::KeepInTouch>(r, 22)?.map_or(0, |k| k.every_days);
                Some(FollowUpWhy::StayInTouch { every_days, last_conversation: opt_ts_col(r, 23)? })
            }
            FollowUpKind::ImportantDate => json_opt(r, 21)?.map(|date| FollowUpWhy::ImportantDate { date }),
        },
    })
}

/// A JSON column read leniently: what does not parse reads as absent.
fn json_opt<T: serde::de::DeserializeOwned>(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<T>> {
    Ok(r.get::<_, Option<String>>(idx)?.and_then(|j| serde_json::from_str(&j).ok()))
}

pub fn get(conn: &Connection, id: Uuid, now: DateTime<Utc>) -> Result<FollowUp> {
    conn.prepare_cached(&format!("{SELECT} WHERE f.id = ?1"))?
        .query_row([id.to_string()], |r| from_row(r, now))
        .optional()?
        .ok_or_else(|| CoreError::not_found("This follow-up"))
}

/// Open follow-ups owned by `staff`, the most overdue first.
pub fn open_for_owner(conn: &Connection, staff: Uuid, now: DateTime<Utc>) -> Result<Vec<FollowUp>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE f.owner_staff_id = ?1 AND f.status IN ('open', 'in_progress') ORDER BY f.due_at, f.id"
    ))?;
    let rows = stmt.query_map([staff.to_string()], |r| from_row(r, now))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Follow-ups `staff` closed recently (newest first), for "done today" lists.
pub fn recently_closed_by_owner(
    conn: &Connection,
    staff: Uuid,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<FollowUp>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE f.owner_staff_id = ?1 AND f.status IN ('done', 'could_not_reach') AND f.closed_at >= ?2
         ORDER BY f.closed_at DESC LIMIT 50"
    ))?;
    let rows = stmt.query_map(params![staff.to_string(), ts(since)], |r| from_row(r, now))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// All of a customer's follow-ups, newest first.
pub fn for_customer(conn: &Connection, customer: Uuid, now: DateTime<Utc>) -> Result<Vec<FollowUp>> {
    let mut stmt =
        conn.prepare_cached(&format!("{SELECT} WHERE f.customer_id = ?1 ORDER BY f.created_at DESC, f.id DESC"))?;
    let rows = stmt.query_map([customer.to_string()], |r| from_row(r, now))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many open follow-ups `staff` owns, and how many of them are overdue (for the rail).
pub fn open_counts(conn: &Connection, staff: Uuid, now: DateTime<Utc>) -> Result<(u32, u32)> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(due_at < ?2), 0) FROM follow_ups
             WHERE owner_staff_id = ?1 AND status IN ('open', 'in_progress')",
        )?
        .query_row(params![staff.to_string(), ts(now)], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Erasure: the promise and resolution of the customer's follow-ups, and why one was snoozed
/// or handed over, may name them; dates, owners and status stay.
/// Follow-ups made on `id` show on `root` (a merge), or on `id` again.
pub(crate) fn repoint(tx: &Transaction<'_>, id: &str, root: &str) -> Result<()> {
    crate::db::repoint_rows(tx, "follow_ups", id, root)
}

pub(crate) fn erase_free_text(tx: &Transaction<'_>, customer: Uuid) -> Result<()> {
    let key = customer.to_string();
    tx.prepare_cached("UPDATE follow_ups SET promise = ?2, resolution = NULL, occasion = NULL WHERE customer_id = ?1")?
        .execute(params![key, touchpoint_protocol::ERASED_TEXT])?;
    tx.prepare_cached(
        "UPDATE follow_up_changes SET note = NULL WHERE follow_up_id IN (SELECT id FROM follow_ups WHERE customer_id = ?1)",
    )?
    .execute([&key])?;
    Ok(())
}

/// Enrolling: follow-ups recorded against the desk's own store move onto the server's.
pub(crate) fn move_store(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    tx.execute("UPDATE follow_ups SET store_id = ?2 WHERE store_id = ?1", params![old, new])?;
    Ok(())
}

impl Desk {
    pub fn create_follow_up(&mut self, input: &NewFollowUp) -> Result<FollowUp> {
        let id = self.write(|w| {
            let patch = validate_new(&w.tx, input, w.now)?;
            let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
            apply_patch(&w.tx, &patch, &op.hlc.to_string(), w.actor.staff_id, w.actor.store_id, w.now)?;
            Ok(patch.follow_up_id)
        })?;
        get(&self.conn, id, self.clock.now())
    }

    /// Closes a follow-up as done (with how the customer feels now) or as could not reach.
    pub fn close_follow_up(&mut self, input: &CloseFollowUp) -> Result<FollowUp> {
        self.write(|w| {
            let patch = validate_close(&w.tx, input, w.now)?;
            let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
            apply_patch(&w.tx, &patch, &op.hlc.to_string(), w.actor.staff_id, w.actor.store_id, w.now)
        })?;
        get(&self.conn, input.follow_up_id, self.clock.now())
    }

    /// Gives an open follow-up to someone else, saying why (its owner, or a supervisor).
    pub fn reassign_follow_up(&mut self, input: &ReassignFollowUp) -> Result<FollowUp> {
        let (id, owner) = (input.follow_up_id, input.owner_staff_id);
        let current = get(&self.conn, id, self.clock.now())?;
        self.require_owner_or(current.owner.id, Permission::HandOverOthersFollowUp)?;
        let mut p = crate::error::Problems::default();
        if current.status.is_closed() {
            p.add("owner_staff_id", "This follow-up is already closed.");
        } else if owner == current.owner.id {
            p.add("owner_staff_id", "Choose someone other than who has it now.");
        } else {
            let active = staff::staff_member(&self.conn, owner)?.is_some()
                && staff::list(&self.conn)?.iter().any(|s| s.id == owner);
            if !active {
                p.add("owner_staff_id", "Choose someone from the staff list.");
            }
        }
        let reason = change_reason(&mut p, &input.reason, "Say why it changes hands, for who takes it.");
        p.finish()?;
        let customer = current.customer.as_ref().map(|c| c.id);
        self.write(|w| {
            let patch = touchpoint_protocol::FollowUpPatch {
                follow_up_id: id,
                customer_id: customer,
                owner_staff_id: Some(owner),
                change_note: Some(reason),
                ..Default::default()
            };
            let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
            apply_patch(&w.tx, &patch, &op.hlc.to_string(), w.actor.staff_id, w.actor.store_id, w.now)
        })?;
        get(&self.conn, id, self.clock.now())
    }

    /// Puts an open follow-up off to a new due time, saying why (its owner, or a supervisor).
    pub fn snooze_follow_up(&mut self, input: &SnoozeFollowUp) -> Result<FollowUp> {
        let now = self.clock.now();
        let current = get(&self.conn, input.follow_up_id, now)?;
        self.require_owner_or(current.owner.id, Permission::SnoozeOthersFollowUp)?;
        let patch = validate_snooze(&self.conn, input, now)?;
        self.write(|w| {
            let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
            apply_patch(&w.tx, &patch, &op.hlc.to_string(), w.actor.staff_id, w.actor.store_id, w.now)
        })?;
        get(&self.conn, input.follow_up_id, self.clock.now())
    }

    /// The signed-in staff member's open follow-ups, most overdue first.
    pub fn my_follow_ups(&self) -> Result<Vec<FollowUp>> {
        open_for_owner(&self.conn, self.staff_id, self.clock.now())
    }

    /// Follow-ups the signed-in staff member closed in the last 24 hours.
    pub fn my_closed_follow_ups(&self) -> Result<Vec<FollowUp>> {
        let now = self.clock.now();
        recently_closed_by_owner(&self.conn, self.staff_id, now - chrono::Duration::hours(24), now)
    }
}
