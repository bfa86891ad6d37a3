//! Anticipating, not only recovering: the follow-ups a desk raises on its own (staying in touch
//! at the keeper's cadence, an important date coming) and the after-visit check-in chosen in
//! the log form.
//!
//! A reminder's id is derived from what it is about (the customer, the kind, the date it is
//! for), and it travels as an `only_if_new` patch: two desks that raise the same reminder
//! offline make one follow-up, and a desk that raises it late never reopens or takes back a
//! follow-up someone already closed or handed over.

use chrono::{DateTime, Duration, DurationRound, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::{text, FollowUpKind, FollowUpPatch, FollowUpRoute, FollowUpStatus, OpBody};
use uuid::Uuid;

use super::{apply_patch, Reach};
use crate::customers::{self, Customer};
use crate::db::{ts, ts_col, uuid_col};
use crate::desk::{Desk, Write};
use crate::error::{CoreError, Problems, Result};

/// A reminder of an important date enters the keeper's list this many days before it.
pub const DATE_LEAD_DAYS: i64 = 7;
/// A stay-in-touch follow-up enters the list this many days before the cadence comes round.
pub const CADENCE_LEAD_DAYS: i64 = 3;
/// Reminders are due at this local hour of their day.
pub const REMIND_AT_HOUR: u32 = 10;
/// An after-visit check-in is 1 to 90 days after the visit.
pub const CHECK_IN_MAX_DAYS: u16 = 90;

/// Namespace of reminder ids (a v5 UUID of what the reminder is about).
const REMINDER_NAMESPACE: Uuid = Uuid::from_u128(0x7f0c_7a3e_51d4_4c1b_9a8e_2b6f_0d1c_5e42);

/// A check-in chosen in the log form: "call back in 3 days to see if the repair held".
#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct CheckIn {
    pub in_days: u16,
    /// What to check ("to see if the repair held").
    pub about: String,
    /// How; the best way they have not refused when left out.
    #[serde(default)]
    pub route: Option<FollowUpRoute>,
}

/// `hour` o'clock local time (at `offset`) on `day`, in UTC.
fn local_hour(day: NaiveDate, hour: u32, offset: FixedOffset) -> DateTime<Utc> {
    let at = day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
    offset.from_local_datetime(&at).single().map_or_else(|| at.and_utc(), |t| t.with_timezone(&Utc))
}

fn reminder_id(customer: Uuid, what: &str) -> Uuid {
    Uuid::new_v5(&REMINDER_NAMESPACE, format!("{customer}/{what}").as_bytes())
}

/// The reminders `c` calls for on `today` (local, at `offset`), whether or not they exist yet.
pub(crate) fn due_reminders(c: &Customer, reach: &Reach, today: NaiveDate, offset: FixedOffset) -> Vec<FollowUpPatch> {
    let Some(keep) = c.keep_in_touch else { return Vec::new() };
    let Some(keeper) = keep.keeper_staff_id else { return Vec::new() };
    let route = reach.best_route();
    let mut out = Vec::new();
    if keep.every_days > 0 {
        let since = c.last_seen_at.unwrap_or(c.created_at).with_timezone(&offset).date_naive();
        let comes_round = since + Duration::days(i64::from(keep.every_days));
        if today >= comes_round - Duration::days(CADENCE_LEAD_DAYS) {
            out.push(FollowUpPatch {
                follow_up_id: reminder_id(c.id, &format!("stay_in_touch/{comes_round}")),
                customer_id: Some(c.id),
                owner_staff_id: Some(keeper),
                due_at: Some(local_hour(comes_round, REMIND_AT_HOUR, offset)),
                promise: Some(format!("Stay in touch (every {} days)", keep.every_days)),
                kind: Some(FollowUpKind::StayInTouch),
                route: Some(route),
                only_if_new: true,
                ..FollowUpPatch::default()
            });
        }
    }
    if keep.remind_dates {
        for d in &c.important_dates {
            let Some(next) = d.next_on_or_after(today) else { continue };
            if next - today > Duration::days(DATE_LEAD_DAYS) {
                continue;
            }
            let what = match (d.kind, &d.label) {
                (touchpoint_protocol::DateKind::Birthday, _) => "Birthday".to_owned(),
                (touchpoint_protocol::DateKind::Anniversary, None) => "Anniversary".to_owned(),
                (_, Some(label)) => label.clone(),
                (_, None) => "A date they gave".to_owned(),
            };
            out.push(FollowUpPatch {
                follow_up_id: reminder_id(
                    c.id,
                    &format!("date/{}/{}/{next}", d.kind_name(), d.label.as_deref().unwrap_or_default()),
                ),
                customer_id: Some(c.id),
                owner_staff_id: Some(keeper),
                due_at: Some(local_hour(next, REMIND_AT_HOUR, offset)),
                promise: Some(format!("{what} on {}", next.format("%-d %b"))),
                kind: Some(FollowUpKind::ImportantDate),
                route: Some(route),
                occasion: Some(d.clone()),
                only_if_new: true,
                ..FollowUpPatch::default()
            });
        }
    }
    out
}

trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for touchpoint_protocol::ImportantDate {
    fn kind_name(&self) -> &'static str {
        match self.kind {
            touchpoint_protocol::DateKind::Birthday => "birthday",
            touchpoint_protocol::DateKind::Anniversary => "anniversary",
            touchpoint_protocol::DateKind::Other => "other",
        }
    }
}

/// The customers someone keeps in touch with (a merged record's setting counts for its
/// survivor), as they show.
fn kept_customers(conn: &Connection) -> Result<Vec<Customer>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT coalesce(merged_into, id) FROM customers
         WHERE keep_in_touch IS NOT NULL AND erased_at IS NULL AND deleted_at IS NULL",
    )?;
    let ids = stmt.query_map([], |r| uuid_col(r, 0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        match customers::get(conn, id) {
            Ok(c) => out.push(c),
            Err(CoreError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn active_staff(conn: &Connection, id: Uuid) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM staff WHERE id = ?1 AND active = 1")?.exists([id.to_string()])?)
}

fn exists(conn: &Connection, id: Uuid) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM follow_ups WHERE id = ?1")?.exists([id.to_string()])?)
}

/// Open stay-in-touch follow-ups of `customer` raised before their latest conversation: the
/// conversation kept in touch, so they are done.
fn met_since(conn: &Connection, customer: Uuid) -> Result<Vec<(Uuid, DateTime<Utc>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, c.last_seen_at FROM follow_ups f JOIN customers c ON c.id = f.customer_id
         WHERE f.customer_id = ?1 AND f.kind = 'stay_in_touch' AND f.status IN ('open', 'in_progress')
           AND c.last_seen_at IS NOT NULL AND c.last_seen_at > f.created_at",
    )?;
    let rows = stmt.query_map([customer.to_string()], |r| Ok((uuid_col(r, 0)?, ts_col(r, 1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Closes `customer`'s open stay-in-touch follow-ups: a conversation was logged on `at`.
pub(crate) fn close_kept(w: &mut Write<'_>, customer: Uuid, at: DateTime<Utc>) -> Result<()> {
    let open: Vec<Uuid> =
        w.tx.prepare_cached(
            "SELECT id FROM follow_ups WHERE customer_id = ?1 AND kind = 'stay_in_touch'
               AND status IN ('open', 'in_progress') AND created_at <= ?2",
        )?
        .query_map(params![customer.to_string(), ts(at)], |r| uuid_col(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in open {
        close_met(w, id, customer, at)?;
    }
    Ok(())
}

fn close_met(w: &mut Write<'_>, id: Uuid, customer: Uuid, at: DateTime<Utc>) -> Result<()> {
    let patch = FollowUpPatch {
        follow_up_id: id,
        customer_id: Some(customer),
        status: Some(FollowUpStatus::Done),
        resolution: Some(format!("Kept in touch: a conversation was logged on {}.", at.format("%-d %b %Y"))),
        closed_at: Some(w.now),
        ..FollowUpPatch::default()
    };
    let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
    apply_patch(&w.tx, &patch, &op.hlc.to_string(), w.actor.staff_id, w.actor.store_id, w.now)
}

/// The follow-up a check-in chosen in the log form becomes, or why it cannot be.
pub(crate) fn check_in_patch(
    tx: &Transaction<'_>,
    check_in: &CheckIn,
    customer: Option<Uuid>,
    interaction: Uuid,
    owner: Uuid,
    now: DateTime<Utc>,
) -> Result<FollowUpPatch> {
    let mut p = Problems::default();
    if customer.is_none() {
        p.add("check_in", "A check-in needs the customer: find or add them first.");
    }
    if !(1..=CHECK_IN_MAX_DAYS).contains(&check_in.in_days) {
        p.add("check_in", format!("Check in 1 to {CHECK_IN_MAX_DAYS} days after the visit."));
    }
    let about = check_in.about.split_whitespace().collect::<Vec<_>>().join(" ");
    if about.is_empty() {
        p.add("check_in", "Say what to check on (for example: whether the repair held).");
    } else {
        p.text("check_in", Some(&about), text::PROMISE, "What to check on");
    }
    let reach = Reach::of(tx, customer)?;
    let route = check_in.route.unwrap_or_else(|| reach.best_route());
    if let Some(why) = reach.refusal(route) {
        p.add("check_in", why);
    }
    p.finish()?;
    let due = now + Duration::days(i64::from(check_in.in_days));
    Ok(FollowUpPatch {
        follow_up_id: Uuid::now_v7(),
        customer_id: customer,
        interaction_id: Some(interaction),
        owner_staff_id: Some(owner),
        due_at: Some(due.duration_trunc(Duration::hours(1)).unwrap_or(due)),
        promise: Some(about),
        status: Some(FollowUpStatus::Open),
        kind: Some(FollowUpKind::CheckIn),
        route: Some(route),
        ..FollowUpPatch::default()
    })
}

impl Desk {
    /// Raises the reminders that are due (stay in touch, important dates) for every customer
    /// someone keeps in touch with, and closes stay-in-touch follow-ups a conversation has
    /// since met (one logged here or pulled from another desk). Reminders are due at 10:00
    /// desk-local time. Returns how many follow-ups it raised. Reads first and writes only
    /// when something is due.
    pub fn raise_reminders(&mut self) -> Result<u32> {
        let offset = self.local_offset;
        let now = self.now();
        let today = now.with_timezone(&offset).date_naive();
        let mut raise = Vec::new();
        let mut met = Vec::new();
        for c in kept_customers(&self.conn)? {
            let reach = Reach::of(&self.conn, Some(c.id))?;
            for patch in due_reminders(&c, &reach, today, offset) {
                let keeper = patch.owner_staff_id.unwrap_or_default();
                if !exists(&self.conn, patch.follow_up_id)? && active_staff(&self.conn, keeper)? {
                    raise.push(patch);
                }
            }
            met.extend(met_since(&self.conn, c.id)?.into_iter().map(|(id, at)| (id, c.id, at)));
        }
        if raise.is_empty() && met.is_empty() {
            return Ok(0);
        }
        let raised = raise.len() as u32;
        self.write(|w| {
            for (id, customer, at) in &met {
                close_met(w, *id, *customer, *at)?;
            }
            for patch in &raise {
                let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
                apply_patch(&w.tx, patch, &op.hlc.to_string(), w.actor.staff_id, w.actor.store_id, w.now)?;
            }
            Ok(())
        })?;
        Ok(raised)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use touchpoint_protocol::{DateKind, ImportantDate, KeepInTouch};

    fn customer(keep: Option<KeepInTouch>, last_seen: Option<&str>, dates: Vec<ImportantDate>) -> Customer {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        Customer {
            id: Uuid::from_u128(7),
            name: "Ana".into(),
            phones: vec![],
            emails: vec![],
            loyalty_id: None,
            external_id: None,
            language: None,
            tags: vec![],
            consent: Default::default(),
            note: None,
            home_store_id: None,
            created_at: at("2026-01-01T09:00:00Z"),
            updated_at: at("2026-01-01T09:00:00Z"),
            last_seen_at: last_seen.map(at),
            important_dates: dates,
            preferences: vec![],
            contact: Default::default(),
            keep_in_touch: keep,
        }
    }

    fn keep(every_days: u16, remind_dates: bool) -> Option<KeepInTouch> {
        Some(KeepInTouch { keeper_staff_id: Some(Uuid::from_u128(1)), every_days, remind_dates })
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const UTC: FixedOffset = FixedOffset::east_opt(0).unwrap();

    #[test]
    fn the_cadence_comes_round_from_the_last_conversation_and_is_one_follow_up_whoever_raises_it() {
        let c = customer(keep(90, false), Some("2026-09-01T15:00:00Z"), vec![]);
        assert!(due_reminders(&c, &Reach::default(), day("2026-11-26"), UTC).is_empty(), "not yet round");
        let first = due_reminders(&c, &Reach::default(), day("2026-11-27"), UTC);
        assert_eq!(first.len(), 1, "three days before 30 Nov it is in the list");
        assert_eq!(first[0].due_at.unwrap().to_rfc3339(), "2026-11-30T10:00:00+00:00");
        assert_eq!(first[0].kind, Some(FollowUpKind::StayInTouch));
        assert_eq!(first[0].route, Some(FollowUpRoute::NextVisit), "no phone or email on file");
        let later = due_reminders(&c, &Reach::default(), day("2026-12-04"), UTC);
        assert_eq!(later[0].follow_up_id, first[0].follow_up_id, "the same reminder on any day and desk");
        let met = customer(keep(90, false), Some("2026-12-02T15:00:00Z"), vec![]);
        assert!(due_reminders(&met, &Reach::default(), day("2026-12-04"), UTC).is_empty(), "a visit resets it");
    }

    #[test]
    fn an_important_date_is_reminded_a_week_ahead_at_ten_local_time() {
        let birthday = ImportantDate { kind: DateKind::Birthday, label: None, month: 12, day: 12, year: Some(1980) };
        let c = customer(keep(0, true), None, vec![birthday.clone()]);
        assert!(due_reminders(&c, &Reach::default(), day("2026-12-04"), UTC).is_empty());
        let lisbon_summer = FixedOffset::east_opt(3600).unwrap();
        let r = due_reminders(&c, &Reach::default(), day("2026-12-05"), lisbon_summer);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].due_at.unwrap().to_rfc3339(), "2026-12-12T09:00:00+00:00");
        assert_eq!(r[0].occasion.as_ref(), Some(&birthday));
        assert_eq!(r[0].promise.as_deref(), Some("Birthday on 12 Dec"));
        let off = customer(keep(0, false), None, vec![birthday]);
        assert!(due_reminders(&off, &Reach::default(), day("2026-12-05"), UTC).is_empty(), "dates not asked for");
    }
}
