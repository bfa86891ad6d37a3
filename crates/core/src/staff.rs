//! Staff on this desk: who is signed in (every event records who), quick switching with a
//! PIN, and the local staff list an admin manages until the desk is enrolled with a server.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::Role;
use uuid::Uuid;

use crate::db::{enum_col, ts, uuid_col};
use crate::error::{CoreError, Problems, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct StaffListing {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    /// Whether signing in as them needs a PIN.
    pub has_pin: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct NewStaff {
    pub name: String,
    pub role: Role,
    /// 4 to 8 digits; empty for none.
    pub pin: String,
}

pub fn list(conn: &Connection) -> Result<Vec<StaffListing>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, role, pin_hash IS NOT NULL FROM staff WHERE active = 1 ORDER BY name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(StaffListing { id: uuid_col(r, 0)?, name: r.get(1)?, role: enum_col(r, 2)?, has_pin: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn check_pin(pin: &str) -> std::result::Result<(), String> {
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err("A PIN is 4 to 8 digits.".into());
    }
    Ok(())
}

fn hash_pin(pin: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Storage { message: format!("Could not protect the PIN: {e}") })
}

/// Checks `pin` for `staff`. A staff member without a PIN signs in without one.
pub(crate) fn verify(conn: &Connection, staff: Uuid, pin: Option<&str>) -> Result<()> {
    let hash: Option<Option<String>> = conn
        .prepare_cached("SELECT pin_hash FROM staff WHERE id = ?1 AND active = 1")?
        .query_row([staff.to_string()], |r| r.get(0))
        .optional()?;
    let Some(hash) = hash else { return Err(CoreError::not_found("This staff member")) };
    let Some(hash) = hash else { return Ok(()) };
    let wrong = || CoreError::field("pin", "That PIN is not right. Try again.");
    let pin = pin.filter(|p| !p.is_empty()).ok_or_else(|| CoreError::field("pin", "Enter your PIN."))?;
    let parsed = PasswordHash::new(&hash).map_err(|_| wrong())?;
    Argon2::default().verify_password(pin.as_bytes(), &parsed).map_err(|_| wrong())
}

pub(crate) fn validate_new(input: &NewStaff) -> Result<(String, Option<String>)> {
    let mut p = Problems::default();
    let name = input.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        p.add("name", "Enter the staff member's name.");
    } else {
        p.text("name", Some(&name), touchpoint_protocol::text::STAFF_NAME, "A name");
    }
    let pin = input.pin.trim();
    if !pin.is_empty() {
        if let Err(m) = check_pin(pin) {
            p.add("pin", m);
        }
    }
    p.finish()?;
    Ok((name, (!pin.is_empty()).then(|| pin.to_owned())))
}

pub(crate) fn insert(
    tx: &Transaction<'_>,
    name: &str,
    role: Role,
    pin: Option<&str>,
    store: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let hash = pin.map(hash_pin).transpose()?;
    tx.execute(
        "INSERT INTO staff (id, name, role, home_store_id, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id.to_string(), name, role.as_str(), store.to_string(), hash, ts(now)],
    )?;
    Ok(id)
}

pub(crate) fn set_pin(conn: &Connection, staff: Uuid, pin: &str) -> Result<()> {
    let pin = pin.trim();
    let hash = if pin.is_empty() {
        None
    } else {
        check_pin(pin).map_err(|m| CoreError::field("pin", m))?;
        Some(hash_pin(pin)?)
    };
    let n =
        conn.execute("UPDATE staff SET pin_hash = ?2 WHERE id = ?1 AND active = 1", params![staff.to_string(), hash])?;
    if n == 0 {
        return Err(CoreError::not_found("This staff member"));
    }
    Ok(())
}
