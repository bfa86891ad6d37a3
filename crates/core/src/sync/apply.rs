//! Applying changes pulled from the server to the local store. Every apply is idempotent and
//! order-insensitive where the contract says so (events are inserted once; mutable records
//! merge field by field by HLC; a delete beats a concurrent edit), so a page applied twice, or
//! a customer's history back-filled after later changes, ends in the same state.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{OptionalExtension, Transaction};
use touchpoint_protocol::{
    AmendmentRecord, FeedbackRecord, FollowUpPatch, InteractionRecord, Op, OpBody, StaffRecord, TouchPointRecord,
};
use uuid::Uuid;

use crate::customers::{self, merge, Author};
use crate::desk::Actor;
use crate::error::Result;
use crate::hlc::Hlc;
use crate::interactions::{self, amendments};
use crate::{catalogue, follow_ups, staff};

/// When a change was made, read from its stamp (so every desk records the same time for it).
pub(crate) fn made_at(hlc: &Hlc) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(hlc.wall_ms).single().unwrap_or_else(Utc::now)
}

/// What applying one page has learnt so far, so each change costs one statement where it can:
/// customers and interactions already known, and the latest visit per customer (written once
/// at the end of the page).
#[derive(Debug, Default)]
pub(crate) struct Page {
    customers: HashSet<Uuid>,
    interactions: HashSet<Uuid>,
    last_seen: HashMap<Uuid, DateTime<Utc>>,
}

impl Page {
    /// Once a page's ops are in: its customers' "last seen", and Insight's rollups count the
    /// page's conversations in the same transaction.
    pub(crate) fn finish(self, tx: &Transaction<'_>) -> Result<()> {
        for (customer, at) in self.last_seen {
            customers::touch_last_seen(tx, customer, at)?;
        }
        crate::insight::rollup::schema::settle(tx)
    }

    /// Makes sure a customer row exists before an event points at it (the history of a
    /// customer who just came into scope may name them before their profile arrives).
    fn ensure_customer(&mut self, tx: &Transaction<'_>, id: Option<Uuid>, at: DateTime<Utc>) -> Result<()> {
        if let Some(id) = id.filter(|id| !self.customers.contains(id)) {
            customers::ensure_stub(tx, id, at)?;
            self.customers.insert(id);
        }
        Ok(())
    }

    /// `id` if this desk holds that interaction, else `None` (a link it cannot follow).
    fn known_interaction(&mut self, tx: &Transaction<'_>, id: Option<Uuid>) -> Result<Option<Uuid>> {
        match id {
            Some(i) if self.interaction_known(tx, i)? => Ok(Some(i)),
            _ => Ok(None),
        }
    }

    fn interaction_known(&mut self, tx: &Transaction<'_>, id: Uuid) -> Result<bool> {
        if self.interactions.contains(&id) {
            return Ok(true);
        }
        let known = tx
            .prepare_cached("SELECT 1 FROM interactions WHERE id = ?1")?
            .query_row([id.to_string()], |_| Ok(()))
            .optional()?
            .is_some();
        if known {
            self.interactions.insert(id);
        }
        Ok(known)
    }
}

/// Applies one change made elsewhere (or made here and coming back).
pub(crate) fn apply(tx: &Transaction<'_>, op: &Op, page: &mut Page) -> Result<()> {
    let hlc = op.hlc;
    let stamp = hlc.to_string();
    let at = made_at(&hlc);
    let actor = Actor { staff_id: op.staff_id, store_id: op.store_id, device_id: op.device_id };
    match &op.body {
        OpBody::CustomerPatch(p) => {
            customers::apply_patch(tx, p, hlc, at, Author { staff_id: op.staff_id, device_id: op.device_id })?;
        }
        OpBody::InteractionLogged(i) => interaction(tx, i, actor, &stamp, at, page)?,
        OpBody::FeedbackRecorded(f) => feedback(tx, f, actor, &stamp, at, page)?,
        OpBody::InteractionAmended(a) => amendment(tx, a, actor, &stamp, at, page)?,
        OpBody::FollowUpPatch(f) => follow_up(tx, f, actor, &stamp, at, page)?,
        OpBody::CustomerDeleted(c) => customers::tombstone(tx, c.customer_id, false, &stamp, at)?,
        OpBody::CustomerRestored(c) => customers::tombstone(tx, c.customer_id, true, &stamp, at)?,
        OpBody::CustomerErased(c) => customers::erase::personal_data(tx, c.customer_id, at)?,
        OpBody::StoreUpsert(s) => catalogue::rows::upsert_store(tx, s, at)?,
        OpBody::StaffUpsert(s) => staff(tx, s, at)?,
        OpBody::TouchPointUpsert(t) => touch_point(tx, t)?,
        OpBody::ReviewRecorded(r) => {
            // A review of a conversation this desk does not hold has nothing to attach to.
            if page.interaction_known(tx, r.interaction_id)? {
                crate::reviews::insert(tx, r, op.staff_id, op.device_id, &stamp, at)?;
            }
        }
        OpBody::ReviewAcknowledged(a) => {
            let known = tx.prepare_cached("SELECT 1 FROM reviews WHERE id = ?1")?.exists([a.review_id.to_string()])?;
            if known {
                crate::reviews::insert_ack(tx, a.review_id, op.staff_id, &stamp, at)?;
            }
        }
        OpBody::AuditRecorded(e) => crate::audit::insert(tx, e, op.staff_id, op.device_id, at)?,
        OpBody::ReviewCriterionUpsert(c) => crate::reviews::upsert_pulled_criterion(tx, c)?,
        OpBody::ReasonUpsert(r) => catalogue::rows::upsert_reason(tx, r)?,
        OpBody::CustomersMerged(m) => merge::apply_merge(tx, m, hlc, (op.staff_id, op.device_id), at)?,
        OpBody::MergeUndone(u) => merge::apply_unmerge(tx, u, hlc, op.staff_id, at)?,
        OpBody::NotSamePerson(n) => merge::apply_not_same(tx, n, hlc, op.staff_id, at)?,
    }
    Ok(())
}

fn interaction(
    tx: &Transaction<'_>,
    i: &InteractionRecord,
    by: Actor,
    hlc: &str,
    at: DateTime<Utc>,
    page: &mut Page,
) -> Result<()> {
    page.ensure_customer(tx, i.customer_id, at)?;
    interactions::insert_interaction_row(tx, i, by, hlc, at)?;
    page.interactions.insert(i.interaction_id);
    if let Some(c) = i.customer_id {
        let seen = page.last_seen.entry(c).or_insert(i.occurred_at);
        *seen = (*seen).max(i.occurred_at);
    }
    Ok(())
}

fn feedback(
    tx: &Transaction<'_>,
    f: &FeedbackRecord,
    by: Actor,
    hlc: &str,
    at: DateTime<Utc>,
    page: &mut Page,
) -> Result<()> {
    page.ensure_customer(tx, f.customer_id, at)?;
    let mut f = f.clone();
    // Feedback about a conversation this desk cannot see still counts for the customer.
    f.interaction_id = page.known_interaction(tx, f.interaction_id)?;
    interactions::insert_feedback(tx, &f, by, hlc, at)
}

fn amendment(
    tx: &Transaction<'_>,
    a: &AmendmentRecord,
    by: Actor,
    hlc: &str,
    at: DateTime<Utc>,
    page: &mut Page,
) -> Result<()> {
    // A correction to a conversation this desk never held has nothing to correct here.
    if !page.interaction_known(tx, a.interaction_id)? {
        return Ok(());
    }
    amendments::insert(tx, a, by, hlc, at)
}

fn follow_up(
    tx: &Transaction<'_>,
    f: &FollowUpPatch,
    by: Actor,
    hlc: &str,
    at: DateTime<Utc>,
    page: &mut Page,
) -> Result<()> {
    page.ensure_customer(tx, f.customer_id, at)?;
    let mut f = f.clone();
    f.interaction_id = page.known_interaction(tx, f.interaction_id)?;
    follow_ups::apply_patch(tx, &f, hlc, by.staff_id, by.store_id, at)
}

fn staff(tx: &Transaction<'_>, s: &StaffRecord, at: DateTime<Utc>) -> Result<()> {
    // The home store may be one this desk has not heard of yet (it arrives in the same page).
    if let Some(home) = s.home_store_id {
        catalogue::rows::ensure_store(tx, home, at)?;
    }
    staff::rows::upsert_pulled(tx, s, at)
}

/// A touch point from the server. A touch point this desk made up before it was enrolled,
/// with the same name, becomes this one: its history is moved over so reports stay whole.
fn touch_point(tx: &Transaction<'_>, t: &TouchPointRecord) -> Result<()> {
    let local = catalogue::rows::local_twin(tx, t)?;
    catalogue::rows::upsert_touch_point(tx, t)?;
    if let Some(old) = local {
        super::enrollment::move_touch_point(tx, &old, &t.touch_point_id.to_string())?;
    }
    Ok(())
}
