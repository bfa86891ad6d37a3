//! One customer, one record: merging two records of one person, and undoing it.
//!
//! A merge never rewrites either record. The merged record becomes a redirect to the survivor
//! (`customers.merged_into`); what was logged on it (conversations, feedback, follow-ups, audit
//! entries) is re-pointed to the survivor but remembers the record it was logged on; the values
//! chosen from the merged record are an *overlay* on the survivor's fields; contact points and
//! tags of both show together without being copied. An undo takes the overlay off and points
//! every row back to the record it was logged on, including rows that arrived after the merge.
//!
//! Which merges hold is a function of the set of merge and undo ops alone, so every desk agrees
//! whatever order they arrive in (see [`settle`]): merges are taken in stamp order; one that was
//! undone, that names an erased record, that merges a record already merged by an earlier one,
//! or that would close a loop, is void. A shown field is the newest of the record's own value
//! and the values that holding merges chose for it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{DateTime, Utc};
use rusqlite::{params, types::Value, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::merges::{holding, root_of};
use touchpoint_protocol::{CustomerPatch, MergeRecord, NotSameRecord, OpBody, UnmergeRecord};
use uuid::Uuid;

use super::links::{self, drop_own, ordered, own, resolve};
use super::page::{self, CustomerPage, TimelineEntry, TimelineQuery};
use super::{
    ensure_stub, fields_of, get, refresh_last_seen, reindex, set_merged_into, set_shown_field, Customer, FieldValue,
};
use crate::access::Permission;
use crate::audit::{self, AuditAction};
use crate::db::{ts, uuid_col};
use crate::desk::{Desk, Write};
use crate::error::{CoreError, Result};
use crate::field_clocks;
use crate::hlc::Hlc;
use crate::{follow_ups, interactions};

/// The single-valued fields a merge can take from the merged record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MergeField {
    Name,
    LoyaltyId,
    ExternalId,
    Language,
    Consent,
    Note,
}

impl MergeField {
    pub const ALL: [MergeField; 6] = [
        MergeField::Name,
        MergeField::LoyaltyId,
        MergeField::ExternalId,
        MergeField::Language,
        MergeField::Consent,
        MergeField::Note,
    ];

    /// The customers column (and field-clock name) of the field.
    pub(crate) fn column(self) -> &'static str {
        match self {
            MergeField::Name => "name",
            MergeField::LoyaltyId => "loyalty_id",
            MergeField::ExternalId => "external_id",
            MergeField::Language => "language",
            MergeField::Consent => "consent",
            MergeField::Note => "note",
        }
    }

    fn of_column(column: &str) -> Option<MergeField> {
        MergeField::ALL.into_iter().find(|f| f.column() == column)
    }
}

/// Which record a field's value comes from in a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Survivor,
    Merged,
}

/// One field of the merge dialog: both values as shown, and the default choice (the newer
/// value; the one that is set when only one is).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct FieldChoice {
    pub field: MergeField,
    pub survivor: Option<String>,
    pub merged: Option<String>,
    pub default: Side,
}

/// What a merge would do, before it is confirmed.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct MergePreview {
    pub survivor: Customer,
    pub merged: Customer,
    /// Fields whose values differ, to choose from (equal ones need no choice).
    pub choices: Vec<FieldChoice>,
    /// The combined timeline's newest entries, as the survivor's page will show them.
    pub timeline: Vec<TimelineEntry>,
    pub survivor_conversations: u32,
    pub merged_conversations: u32,
}

/// A merge to make: the survivor, the record merged into it, and the fields whose value is
/// taken from the merged record (the others keep the survivor's).
#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct MergeRequest {
    pub survivor_id: Uuid,
    pub merged_id: Uuid,
    #[serde(default)]
    pub take_from_merged: Vec<MergeField>,
}

/// Records a merge made here or elsewhere and settles its records.
pub(crate) fn apply_merge(
    tx: &Transaction<'_>,
    m: &MergeRecord,
    hlc: Hlc,
    by: (Uuid, Uuid),
    at: DateTime<Utc>,
) -> Result<()> {
    ensure_stub(tx, m.merged_id, at)?;
    ensure_stub(tx, m.survivor_id, at)?;
    tx.prepare_cached(
        "INSERT INTO customer_merges (id, merged_id, survivor_id, hlc, staff_id, device_id, made_at, fields)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![
        m.merge_id.to_string(),
        m.merged_id.to_string(),
        m.survivor_id.to_string(),
        hlc.to_string(),
        by.0.to_string(),
        by.1.to_string(),
        ts(at),
        serde_json::to_string(&m.fields)?,
    ])?;
    settle(tx, &[m.merged_id, m.survivor_id])
}

/// Records an undo (the latest stamp of any undo of the merge) and settles its records.
pub(crate) fn apply_unmerge(
    tx: &Transaction<'_>,
    u: &UnmergeRecord,
    hlc: Hlc,
    staff: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE customer_merges SET undone_hlc = max(coalesce(undone_hlc, ''), ?2),
             undone_by = coalesce(undone_by, ?3), undone_at = coalesce(undone_at, ?4)
         WHERE id = ?1",
    )?
    .execute(params![u.merge_id.to_string(), hlc.to_string(), staff.to_string(), ts(at)])?;
    settle(tx, &[u.merged_id, u.survivor_id])
}

pub(crate) fn apply_not_same(
    tx: &Transaction<'_>,
    n: &NotSameRecord,
    hlc: Hlc,
    staff: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    let (first, second) = ordered(n.first_id, n.second_id);
    tx.prepare_cached(
        "INSERT INTO not_same_person (first_id, second_id, hlc, staff_id, at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (first_id, second_id) DO UPDATE SET hlc = min(hlc, excluded.hlc)",
    )?
    .execute(params![first, second, hlc.to_string(), staff.to_string(), ts(at)])?;
    Ok(())
}

struct MergeRow {
    id: Uuid,
    merged: Uuid,
    survivor: Uuid,
    hlc: String,
    undone: bool,
    fields: CustomerPatch,
    effective: bool,
}

/// Every record linked to `seeds` by any merge, held or not.
fn component(tx: &Transaction<'_>, seeds: &[Uuid]) -> Result<BTreeSet<Uuid>> {
    let mut seen: BTreeSet<Uuid> = seeds.iter().copied().collect();
    let mut queue: VecDeque<Uuid> = seeds.iter().copied().collect();
    let mut stmt = tx.prepare_cached(
        "SELECT merged_id, survivor_id FROM customer_merges WHERE merged_id = ?1
         UNION SELECT merged_id, survivor_id FROM customer_merges WHERE survivor_id = ?1",
    )?;
    while let Some(id) = queue.pop_front() {
        let pairs = stmt
            .query_map([id.to_string()], |r| Ok((uuid_col(r, 0)?, uuid_col(r, 1)?)))?
            .collect::<rusqlite::Result<Vec<(Uuid, Uuid)>>>()?;
        for (a, b) in pairs {
            for x in [a, b] {
                if seen.insert(x) {
                    queue.push_back(x);
                }
            }
        }
    }
    Ok(seen)
}

/// The merges of a component, in stamp order.
fn merges_of(tx: &Transaction<'_>, members: &BTreeSet<Uuid>) -> Result<Vec<MergeRow>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, merged_id, survivor_id, hlc, undone_hlc IS NOT NULL, fields, effective
         FROM customer_merges WHERE merged_id = ?1",
    )?;
    let mut out = Vec::new();
    for id in members {
        let rows = stmt.query_map([id.to_string()], |r| {
            let fields: String = r.get(5)?;
            Ok(MergeRow {
                id: uuid_col(r, 0)?,
                merged: uuid_col(r, 1)?,
                survivor: uuid_col(r, 2)?,
                hlc: r.get(3)?,
                undone: r.get(4)?,
                fields: serde_json::from_str(&fields).unwrap_or_default(),
                effective: r.get(6)?,
            })
        })?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    out.sort_by(|a, b| (&a.hlc, a.id).cmp(&(&b.hlc, b.id)));
    Ok(out)
}

/// Brings the records linked to `seeds` in step with their merges: which merges hold, where
/// each record redirects, which record each row shows on, and the survivors' shown fields.
/// Idempotent; costs one statement per table for each record whose survivor changed.
pub(crate) fn settle(tx: &Transaction<'_>, seeds: &[Uuid]) -> Result<()> {
    let members = component(tx, seeds)?;
    let merges = merges_of(tx, &members)?;
    let mut erased_stmt = tx.prepare_cached("SELECT erased_at IS NOT NULL FROM customers WHERE id = ?1")?;
    let mut erased = BTreeSet::new();
    for id in &members {
        let e: Option<bool> = erased_stmt.query_row([id.to_string()], |r| r.get(0)).optional()?;
        if e.unwrap_or(false) {
            erased.insert(*id);
        }
    }
    let list: Vec<(Uuid, Uuid, bool)> = merges.iter().map(|m| (m.merged, m.survivor, m.undone)).collect();
    let (holds, parent) = holding(&list, &|id| erased.contains(&id));

    for (m, &h) in merges.iter().zip(&holds) {
        if m.effective != h {
            tx.prepare_cached("UPDATE customer_merges SET effective = ?2 WHERE id = ?1")?
                .execute(params![m.id.to_string(), h])?;
        }
    }

    // Redirects, and the rows of each record whose survivor changed.
    let mut current = tx.prepare_cached("SELECT merged_into FROM customers WHERE id = ?1")?;
    let mut moved_to = BTreeSet::new();
    for &id in &members {
        let was: Option<Uuid> = current.query_row([id.to_string()], |r| crate::db::opt_uuid_col(r, 0))?;
        let root = root_of(&parent, id);
        let now = (root != id).then_some(root);
        if was == now {
            continue;
        }
        set_merged_into(tx, id, now)?;
        repoint(tx, id, root)?;
        moved_to.insert(root);
        if let Some(w) = was {
            moved_to.insert(w);
        }
    }

    // Survivors' shown fields: the newest of their own value and what holding merges chose.
    for &id in &members {
        let overlays: Vec<(&str, &CustomerPatch)> = merges
            .iter()
            .zip(&holds)
            .filter(|(m, &h)| h && m.survivor == id)
            .map(|(m, _)| (m.hlc.as_str(), &m.fields))
            .collect();
        show_fields(tx, id, &overlays)?;
    }
    for root in moved_to {
        if root_of(&parent, root) == root {
            refresh_last_seen(tx, root)?;
        }
    }
    Ok(())
}

/// Points every row logged on `id` at `root` (itself when it stands alone again), each
/// table by its owner.
fn repoint(tx: &Transaction<'_>, id: Uuid, root: Uuid) -> Result<()> {
    let (id, root) = (id.to_string(), root.to_string());
    interactions::repoint(tx, &id, &root)?;
    follow_ups::repoint(tx, &id, &root)?;
    audit::repoint(tx, &id, &root)
}

/// The value and stamp a field shows now.
fn shown(tx: &Transaction<'_>, id: &str, column: &str) -> Result<(Option<String>, Option<String>)> {
    // `column` comes from MergeField::column, never from input.
    let value: Option<String> = tx
        .query_row(&format!("SELECT {column} FROM customers WHERE id = ?1"), [id], |r| r.get(0))
        .optional()?
        .flatten();
    let hlc: Option<String> = tx
        .prepare_cached("SELECT hlc FROM field_clocks WHERE entity = 'customer' AND entity_id = ?1 AND field = ?2")?
        .query_row([id, column], |r| r.get(0))
        .optional()?;
    Ok((value, hlc))
}

fn set_shown(tx: &Transaction<'_>, id: &str, column: &str, value: &Value, hlc: Option<&str>) -> Result<()> {
    set_shown_field(tx, id, column, value)?;
    field_clocks::set_clock(tx, "customer", id, column, hlc)
}

fn text_value(column: &str, v: Option<String>) -> Value {
    match (column, v) {
        (_, Some(s)) => Value::Text(s),
        ("name", None) => Value::Text(String::new()),
        ("consent", None) => Value::Text("{}".into()),
        (_, None) => Value::Null,
    }
}

/// Shows, for each field a merge can set, the newest of the record's own value and the
/// overlays' values (stamp order; the own value wins a tie).
fn show_fields(tx: &Transaction<'_>, id: Uuid, overlays: &[(&str, &CustomerPatch)]) -> Result<()> {
    let key = id.to_string();
    let mut chosen: BTreeMap<&'static str, (&str, Value)> = BTreeMap::new();
    for (hlc, patch) in overlays {
        for FieldValue { column, value } in fields_of(patch)? {
            if MergeField::of_column(column).is_none() {
                continue;
            }
            let newer = chosen.get(column).is_none_or(|(h, _)| *hlc > *h);
            if newer {
                chosen.insert(column, (hlc, value));
            }
        }
    }
    let mut changed = false;
    for field in MergeField::ALL {
        let column = field.column();
        let own_row = own(tx, &key, column)?;
        let (own_value, own_hlc) = match &own_row {
            Some(o) => o.clone(),
            None => shown(tx, &key, column)?,
        };
        let overlay = chosen.get(column).filter(|(h, _)| own_hlc.as_deref().is_none_or(|o| *h > o));
        match (overlay, own_row.is_some()) {
            (Some((h, v)), had_own) => {
                if !had_own {
                    links::set_aside_own(tx, &key, column, &own_value, &own_hlc)?;
                }
                let (now_value, now_hlc) = shown(tx, &key, column)?;
                let value_text = match v {
                    Value::Text(s) => Some(s.clone()),
                    _ => None,
                };
                if now_hlc.as_deref() != Some(*h) || now_value != value_text {
                    set_shown(tx, &key, column, v, Some(h))?;
                    changed = true;
                }
            }
            (None, true) => {
                set_shown(tx, &key, column, &text_value(column, own_value), own_hlc.as_deref())?;
                drop_own(tx, &key, column)?;
                changed = true;
            }
            (None, false) => {}
        }
    }
    if changed {
        let rowid: i64 =
            tx.prepare_cached("SELECT rowid FROM customers WHERE id = ?1")?.query_row([&key], |r| r.get(0))?;
        reindex(tx, rowid)?;
    }
    Ok(())
}

/// An erased record's merges keep no personal data: the values they chose are dropped.
pub(crate) fn erase_details(tx: &Transaction<'_>, id: Uuid) -> Result<()> {
    let key = id.to_string();
    tx.prepare_cached(
        "UPDATE customer_merges SET fields = json_object('customer_id', survivor_id)
         WHERE merged_id = ?1 OR survivor_id = ?1",
    )?
    .execute([&key])?;
    links::forget_own(tx, &key)
}

fn field_clock(conn: &Connection, id: Uuid, column: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT hlc FROM field_clocks WHERE entity = 'customer' AND entity_id = ?1 AND field = ?2")?
        .query_row(params![id.to_string(), column], |r| r.get(0))
        .optional()?)
}

fn field_text(c: &Customer, field: MergeField) -> Option<String> {
    let text = match field {
        MergeField::Name => Some(c.name.clone()),
        MergeField::LoyaltyId => c.loyalty_id.clone(),
        MergeField::ExternalId => c.external_id.clone(),
        MergeField::Language => c.language.clone(),
        MergeField::Consent => serde_json::to_string(&c.consent).ok(),
        MergeField::Note => c.note.clone(),
    };
    text.filter(|t| !t.is_empty())
}

fn set_patch_field(p: &mut CustomerPatch, c: &Customer, field: MergeField) {
    match field {
        MergeField::Name => p.name = Some(c.name.clone()),
        MergeField::LoyaltyId => p.loyalty_id = Some(c.loyalty_id.clone().unwrap_or_default()),
        MergeField::ExternalId => p.external_id = Some(c.external_id.clone().unwrap_or_default()),
        MergeField::Language => p.language = Some(c.language.clone().unwrap_or_default()),
        MergeField::Consent => p.consent = Some(c.consent),
        MergeField::Note => p.note = Some(c.note.clone().unwrap_or_default()),
    }
}

/// Two live, separate records, or the reason they cannot be merged.
fn check_pair(conn: &Connection, survivor: Uuid, merged: Uuid) -> Result<(Customer, Customer)> {
    let refuse = |message: &str| Err(CoreError::Validation { message: message.into(), fields: vec![] });
    if survivor == merged {
        return refuse("A customer cannot be merged into themselves.");
    }
    for id in [survivor, merged] {
        if super::is_erased(conn, id)? {
            return refuse("An erased customer cannot be merged.");
        }
    }
    let (s, m) = (get(conn, survivor)?, get(conn, merged)?);
    for id in [survivor, merged] {
        let root = resolve(conn, id)?;
        if root != id {
            return Err(CoreError::Validation {
                message: format!(
                    "This record was already merged into {}. Merge with that record instead.",
                    get(conn, root).map(|c| c.name).unwrap_or_else(|_| "another record".into())
                ),
                fields: vec![],
            });
        }
    }
    Ok((s, m))
}

fn conversations(conn: &Connection, id: Uuid) -> Result<u32> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM interactions WHERE customer_id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))?)
}

/// The default side of each differing field: the newer value by stamp, or the one that is set.
fn choices(conn: &Connection, s: &Customer, m: &Customer) -> Result<Vec<FieldChoice>> {
    let mut out = Vec::new();
    for field in MergeField::ALL {
        let (sv, mv) = (field_text(s, field), field_text(m, field));
        if sv == mv || mv.is_none() {
            continue;
        }
        let default = if sv.is_none() {
            Side::Merged
        } else {
            let (sc, mc) = (field_clock(conn, s.id, field.column())?, field_clock(conn, m.id, field.column())?);
            if mc > sc {
                Side::Merged
            } else {
                Side::Survivor
            }
        };
        out.push(FieldChoice { field, survivor: sv, merged: mv, default });
    }
    Ok(out)
}

impl Desk {
    /// What merging `merged` into `survivor` would show: both records, the fields to choose
    /// (with the newer value chosen by default) and the combined timeline.
    pub fn merge_preview(&self, survivor: Uuid, merged: Uuid) -> Result<MergePreview> {
        self.require(Permission::MergeCustomers)?;
        let (s, m) = check_pair(&self.conn, survivor, merged)?;
        let now = self.clock.now();
        let q = TimelineQuery { limit: Some(20), ..TimelineQuery::default() };
        let mut timeline = page::timeline(&self.conn, survivor, &q, now)?.entries;
        timeline.extend(page::timeline(&self.conn, merged, &q, now)?.entries);
        timeline.sort_by_key(|e| std::cmp::Reverse(e.at()));
        timeline.truncate(20);
        Ok(MergePreview {
            choices: choices(&self.conn, &s, &m)?,
            survivor_conversations: conversations(&self.conn, survivor)?,
            merged_conversations: conversations(&self.conn, merged)?,
            survivor: s,
            merged: m,
            timeline,
        })
    }

    /// Merges two records of one person (supervisors): the merged record redirects to the
    /// survivor, everything logged on it shows on the survivor, and the survivor takes the
    /// values chosen from the merged record. One op, applied the same on every desk; undone by
    /// [`Desk::undo_merge`].
    pub fn merge_customers(&mut self, request: &MergeRequest) -> Result<CustomerPage> {
        self.require(Permission::MergeCustomers)?;
        let (s, m) = check_pair(&self.conn, request.survivor_id, request.merged_id)?;
        let mut fields = CustomerPatch { customer_id: s.id, ..CustomerPatch::default() };
        let mut taken: Vec<MergeField> = request.take_from_merged.clone();
        taken.sort();
        taken.dedup();
        for field in &taken {
            set_patch_field(&mut fields, &m, *field);
        }
        let record = MergeRecord { merge_id: Uuid::now_v7(), merged_id: m.id, survivor_id: s.id, fields };
        let detail = if taken.is_empty() {
            "kept every value of the surviving record".to_owned()
        } else {
            let names: Vec<&str> = taken.iter().map(|f| f.column()).collect();
            format!("took from the merged record: {}", names.join(", "))
        };
        self.write(|w| {
            let op = w.record(OpBody::CustomersMerged(record.clone()))?;
            apply_merge(&w.tx, &record, op.hlc, (w.actor.staff_id, w.actor.device_id), w.now)?;
            audit::record(
                w,
                AuditAction::Merge,
                "customer",
                Some(record.merged_id),
                Some(record.survivor_id),
                Some(&detail),
            )
        })?;
        page::read(&self.conn, s.id, self.clock.now(), self.local_offset)
    }

    /// Undoes a merge (supervisors): both records stand alone again, each with what was logged
    /// on it, including what reached the merged record after the merge.
    pub fn undo_merge(&mut self, merge_id: Uuid) -> Result<CustomerPage> {
        self.require(Permission::MergeCustomers)?;
        let row: Option<(Uuid, Uuid, bool, bool)> = self
            .conn
            .query_row(
                "SELECT merged_id, survivor_id, undone_hlc IS NOT NULL, effective FROM customer_merges WHERE id = ?1",
                [merge_id.to_string()],
                |r| Ok((uuid_col(r, 0)?, uuid_col(r, 1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((merged_id, survivor_id, undone, effective)) = row else {
            return Err(CoreError::not_found("This merge"));
        };
        if undone {
            return Err(CoreError::Validation { message: "This merge was already undone.".into(), fields: vec![] });
        }
        if !effective {
            return Err(CoreError::Validation {
                message: "This merge does not hold (one of the records was erased or merged elsewhere first).".into(),
                fields: vec![],
            });
        }
        let record = UnmergeRecord { merge_id, merged_id, survivor_id };
        self.write(|w: &mut Write<'_>| {
            let op = w.record(OpBody::MergeUndone(record))?;
            apply_unmerge(&w.tx, &record, op.hlc, w.actor.staff_id, w.now)?;
            audit::record(w, AuditAction::Unmerge, "customer", Some(merged_id), Some(survivor_id), None)
        })?;
        page::read(&self.conn, survivor_id, self.clock.now(), self.local_offset)
    }

    /// Marks two records that look alike as different people: they are never proposed as
    /// duplicates again, on any desk.
    pub fn mark_not_same_person(&mut self, a: Uuid, b: Uuid) -> Result<()> {
        if a == b {
            return Err(CoreError::Validation {
                message: "A customer cannot be told apart from themselves.".into(),
                fields: vec![],
            });
        }
        get(&self.conn, a)?;
        get(&self.conn, b)?;
        let record = NotSameRecord { first_id: a, second_id: b };
        self.write(|w| {
            let op = w.record(OpBody::NotSamePerson(record))?;
            apply_not_same(&w.tx, &record, op.hlc, w.actor.staff_id, w.now)?;
            audit::record(w, AuditAction::Change, "customer", Some(b), Some(a), Some("not the same person"))
        })
    }
}
