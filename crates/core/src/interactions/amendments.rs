//! Corrections to a logged interaction. History is never rewritten: an amendment is a new
//! event listing the fields it corrects, and the timeline shows the corrected values next to
//! what was first logged.

use crate::audit;
use crate::audit::AuditAction;
use crate::desk::{Actor, Desk};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::OpBody;
use touchpoint_protocol::{AmendmentRecord, InteractionChanges};
use uuid::Uuid;

use crate::catalogue;
use crate::db::ts;
use crate::error::{CoreError, Problems, Result};
use crate::interactions::DURATION_MAX_SECS;
use touchpoint_protocol::text;

#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct AmendInteraction {
    pub interaction_id: Uuid,
    pub changes: InteractionChanges,
    /// Why it is being corrected.
    pub note: Option<String>,
}

pub(crate) fn validate(tx: &Transaction<'_>, input: &AmendInteraction) -> Result<AmendmentRecord> {
    let customer: Option<Option<String>> = tx
        .prepare_cached("SELECT customer_id FROM interactions WHERE id = ?1")?
        .query_row([input.interaction_id.to_string()], |r| r.get(0))
        .optional()?;
    let Some(customer) = customer else {
        return Err(CoreError::not_found("This interaction"));
    };
    let customer_id = customer.as_deref().map(crate::db::parse_uuid).transpose()?;
    let c = &input.changes;
    let mut p = Problems::default();
    if c == &InteractionChanges::default() {
        p.add("changes", "Change at least one field to correct this interaction.");
    }
    if let Some(tp) = c.touch_point_id {
        if catalogue::touch_point(tx, tp)?.is_none() {
            p.add("touch_point_id", "Choose a touch point from the list.");
        }
    }
    p.text("reason", c.reason.as_deref().map(str::trim), text::REASON, "The reason");
    p.text("summary", c.summary.as_deref().map(str::trim), text::SUMMARY, "The note");
    if c.duration_secs.is_some_and(|d| d > DURATION_MAX_SECS) {
        p.add("duration_secs", "A conversation cannot last more than 8 hours. Check the duration.");
    }
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    p.text("note", note.as_deref(), text::AMENDMENT_NOTE, "The explanation");
    p.finish()?;
    let trimmed = InteractionChanges {
        reason: c.reason.as_ref().map(|r| r.trim().to_owned()),
        summary: c.summary.as_ref().map(|s| s.trim().to_owned()),
        ..c.clone()
    };
    Ok(AmendmentRecord {
        amendment_id: Uuid::now_v7(),
        interaction_id: input.interaction_id,
        customer_id,
        changes: trimmed,
        note,
    })
}

pub(crate) fn insert(
    tx: &Transaction<'_>,
    a: &AmendmentRecord,
    by: Actor,
    hlc: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO amendments (id, interaction_id, changes, reason, staff_id, device_id, recorded_at, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![
        a.amendment_id.to_string(),
        a.interaction_id.to_string(),
        serde_json::to_string(&a.changes)?,
        a.note,
        by.staff_id.to_string(),
        by.device_id.to_string(),
        ts(now),
        hlc,
    ])?;
    Ok(())
}

/// Erasure: a correction's new note and its reason may name the customer.
pub(crate) fn erase_free_text(tx: &Transaction<'_>, customer: Uuid) -> Result<()> {
    tx.prepare_cached(
        "UPDATE amendments SET changes = json_remove(changes, '$.summary'), reason = NULL
         WHERE interaction_id IN (SELECT id FROM interactions WHERE customer_id = ?1)",
    )?
    .execute([customer.to_string()])?;
    Ok(())
}

/// Enrolling: a correction that moved a conversation to a touch point the desk made up now
/// names the server's one.
pub(crate) fn move_touch_point(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    tx.execute(
        "UPDATE amendments SET changes = json_set(changes, '$.touch_point_id', ?2)
         WHERE json_extract(changes, '$.touch_point_id') = ?1",
        params![old, new],
    )?;
    Ok(())
}

impl Desk {
    /// Corrects a logged interaction with a new amendment event; the original is kept.
    pub fn amend_interaction(&mut self, input: &AmendInteraction) -> Result<()> {
        self.write(|w| {
            let record = validate(&w.tx, input)?;
            let op = w.record(OpBody::InteractionAmended(record.clone()))?;
            insert(&w.tx, &record, w.actor, &op.hlc.to_string(), w.now)?;
            let fields = audit::changed_fields(&record.changes, &[]);
            let (interaction, customer) = (Some(record.interaction_id), record.customer_id);
            audit::record(w, AuditAction::Change, "interaction", interaction, customer, Some(&fields))
        })
    }
}
