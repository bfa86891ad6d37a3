//! Field-level last-writer-wins for mutable records (customers, follow-ups): every field
//! carries the HLC stamp of the write that set it, and a write only lands on a field whose
//! stamp is older. Applying the same patch twice, or patches in any order, ends the same.

use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::Result;

/// Claims `field` of `entity`/`id` for a write stamped `hlc`: returns true (and records the
/// stamp) when the write is newer than what set the field before.
pub(crate) fn claim_field(tx: &Transaction<'_>, entity: &str, id: &str, field: &str, hlc: &str) -> Result<bool> {
    let current: Option<String> = tx
        .prepare_cached("SELECT hlc FROM field_clocks WHERE entity = ?1 AND entity_id = ?2 AND field = ?3")?
        .query_row([entity, id, field], |r| r.get(0))
        .optional()?;
    if !touchpoint_protocol::rules::newer_wins(current.as_deref(), hlc) {
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO field_clocks (entity, entity_id, field, hlc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (entity, entity_id, field) DO UPDATE SET hlc = excluded.hlc",
    )?
    .execute(params![entity, id, field, hlc])?;
    Ok(true)
}

/// Sets (or, with `None`, forgets) the stamp of a field outright: for a merge's overlay and its
/// removal, which decide by their own rule which write shows (`customers::merge`).
pub(crate) fn set_clock(tx: &Transaction<'_>, entity: &str, id: &str, field: &str, hlc: Option<&str>) -> Result<()> {
    match hlc {
        Some(h) => tx
            .prepare_cached(
                "INSERT INTO field_clocks (entity, entity_id, field, hlc) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (entity, entity_id, field) DO UPDATE SET hlc = excluded.hlc",
            )?
            .execute(params![entity, id, field, h])?,
        None => tx
            .prepare_cached("DELETE FROM field_clocks WHERE entity = ?1 AND entity_id = ?2 AND field = ?3")?
            .execute(params![entity, id, field])?,
    };
    Ok(())
}
