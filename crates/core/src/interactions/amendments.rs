//! Corrections to a logged interaction. History is never rewritten: an amendment is a new
//! event listing the fields it corrects, and the timeline shows the corrected values next to
//! what was first logged.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::{AmendmentRecord, InteractionChanges};
use uuid::Uuid;

use crate::catalogue;
use crate::db::ts;
use crate::error::{CoreError, Problems, Result};
use crate::interactions::{Actor, DURATION_MAX_SECS};
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
