//! The `staff` rows and the only SQL that writes them: people added on this desk, the first
//! person of a fresh install, PINs, what the server sends, what enrolling moves.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::{Role, StaffRecord};
use uuid::Uuid;

use crate::db::{enum_col, ts, uuid_col};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct StaffMember {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
}

pub(crate) fn staff_member(conn: &Connection, id: Uuid) -> Result<Option<StaffMember>> {
    Ok(conn
        .prepare_cached("SELECT id, name, role FROM staff WHERE id = ?1")?
        .query_row([id.to_string()], |r| {
            Ok(StaffMember { id: uuid_col(r, 0)?, name: r.get(1)?, role: enum_col(r, 2)? })
        })
        .optional()?)
}

/// Adds a person made on this desk; `pin_hash` is the verifier, never the PIN.
pub(crate) fn insert(
    tx: &Transaction<'_>,
    name: &str,
    role: Role,
    pin_hash: Option<&str>,
    store: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    tx.execute(
        "INSERT INTO staff (id, name, role, home_store_id, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id.to_string(), name, role.as_str(), store.to_string(), pin_hash, ts(now)],
    )?;
    Ok(id)
}

/// Sets or (with `None`) removes a person's PIN verifier; false when there is no such active person.
pub(crate) fn set_pin_hash(conn: &Connection, staff: Uuid, hash: Option<&str>) -> Result<bool> {
    let n =
        conn.execute("UPDATE staff SET pin_hash = ?2 WHERE id = ?1 AND active = 1", params![staff.to_string(), hash])?;
    Ok(n > 0)
}

/// A person from the server (from now on the server's record is the one that counts).
pub(crate) fn upsert_pulled(tx: &Transaction<'_>, s: &StaffRecord, at: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO staff (id, name, role, home_store_id, pin_hash, active, created_at, origin, pin_online)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'server', ?8)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
             home_store_id = excluded.home_store_id, pin_hash = excluded.pin_hash, active = excluded.active,
             origin = 'server', pin_online = excluded.pin_online",
    )?
    .execute(params![
        s.staff_id.to_string(),
        s.name,
        s.role.as_str(),
        s.home_store_id.map(|h| h.to_string()),
        s.pin_hash,
        s.active,
        ts(at),
        s.pin_online && s.pin_hash.is_none(),
    ])?;
    Ok(())
}

/// Enrolling: people of the desk's own store now belong to the server's store.
pub(crate) fn move_home_store(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    tx.execute("UPDATE staff SET home_store_id = ?2 WHERE home_store_id = ?1", params![old, new])?;
    Ok(())
}

/// Once the first download is complete: staff the desk made up itself stop being offered at
/// sign-in (the server's staff list is the one that counts, with their own PINs), as long as
/// the server gave this store at least one person to sign in as.
pub(crate) fn retire_local(tx: &Transaction<'_>) -> Result<()> {
    tx.execute(
        "UPDATE staff SET active = 0
         WHERE origin = 'local'
           AND EXISTS (SELECT 1 FROM staff s JOIN device d ON s.home_store_id = d.store_id OR s.role = 'admin'
                       WHERE s.origin = 'server' AND s.active = 1)",
        [],
    )?;
    Ok(())
}
