//! What links customer records, as every read needs it: where a merged record redirects, the
//! records merged into a survivor, pairs marked as two people, and a survivor's own field values
//! while a merge's value is shown (the rest of merging is in `customers::merge`).

use chrono::{DateTime, Utc};
use rusqlite::{params, types::Value, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use specta::Type;
use uuid::Uuid;

use crate::db::{ts_col, uuid_col};
use crate::error::Result;

/// A record merged into this one, as its page lists it (with what undoes it).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct MergedRecord {
    pub merge_id: Uuid,
    pub merged_id: Uuid,
    /// The merged record's own name.
    pub name: String,
    pub merged_at: DateTime<Utc>,
    pub merged_by: String,
}

/// The record a customer now is: itself, or the survivor at the end of its merges.
pub(crate) fn resolve(conn: &Connection, id: Uuid) -> Result<Uuid> {
    let into: Option<Option<Uuid>> = conn
        .prepare_cached("SELECT merged_into FROM customers WHERE id = ?1")?
        .query_row([id.to_string()], |r| crate::db::opt_uuid_col(r, 0))
        .optional()?;
    Ok(into.flatten().unwrap_or(id))
}

pub(crate) fn ordered(a: Uuid, b: Uuid) -> (String, String) {
    let (a, b) = (a.to_string(), b.to_string());
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Whether a pair was marked as two different people.
pub(crate) fn marked_not_same(conn: &Connection, a: Uuid, b: Uuid) -> Result<bool> {
    let (first, second) = ordered(a, b);
    Ok(conn
        .prepare_cached("SELECT 1 FROM not_same_person WHERE first_id = ?1 AND second_id = ?2")?
        .exists(params![first, second])?)
}

/// The record's own value of a field while a merge's value is shown instead: `Some` only then.
pub(crate) fn own(tx: &Transaction<'_>, id: &str, column: &str) -> Result<Option<(Option<String>, Option<String>)>> {
    Ok(tx
        .prepare_cached("SELECT value, hlc FROM customer_own_fields WHERE customer_id = ?1 AND field = ?2")?
        .query_row([id, column], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Keeps a newer own value of a field that a merge's value still outshines.
pub(crate) fn keep_own(tx: &Transaction<'_>, id: &str, column: &str, value: &Value, hlc: &str) -> Result<()> {
    tx.prepare_cached("UPDATE customer_own_fields SET value = ?3, hlc = ?4 WHERE customer_id = ?1 AND field = ?2")?
        .execute(params![id, column, value, hlc])?;
    Ok(())
}

/// The own value is shown again (a newer edit beat the merge's value).
pub(crate) fn drop_own(tx: &Transaction<'_>, id: &str, column: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM customer_own_fields WHERE customer_id = ?1 AND field = ?2")?
        .execute([id, column])?;
    Ok(())
}

/// The records merged into `root` (directly or through a chain), for its page.
pub(crate) fn merged_into(conn: &Connection, root: Uuid) -> Result<Vec<MergedRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.merged_id, c.name, m.made_at, coalesce(s.name, 'Unknown staff member')
         FROM customers c
         JOIN customer_merges m ON m.merged_id = c.id AND m.effective = 1
         LEFT JOIN staff s ON s.id = m.staff_id
         WHERE c.merged_into = ?1
         ORDER BY m.hlc DESC",
    )?;
    let rows = stmt.query_map([root.to_string()], |r| {
        Ok(MergedRecord {
            merge_id: uuid_col(r, 0)?,
            merged_id: uuid_col(r, 1)?,
            name: r.get(2)?,
            merged_at: ts_col(r, 3)?,
            merged_by: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The records merged into `root`, for the union of contact points.
pub(crate) fn members(conn: &Connection, root: Uuid) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM customers WHERE merged_into = ?1 AND erased_at IS NULL")?;
    let rows = stmt.query_map([root.to_string()], |r| uuid_col(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Keeps the record's own value of a field aside as a merge's value is shown in its place.
pub(crate) fn set_aside_own(
    tx: &Transaction<'_>,
    id: &str,
    column: &str,
    value: &Option<String>,
    hlc: &Option<String>,
) -> Result<()> {
    tx.prepare_cached("INSERT INTO customer_own_fields (customer_id, field, value, hlc) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, column, value, hlc])?;
    Ok(())
}

/// An erased record keeps no own values aside.
pub(crate) fn forget_own(tx: &Transaction<'_>, id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM customer_own_fields WHERE customer_id = ?1")?.execute([id])?;
    Ok(())
}
