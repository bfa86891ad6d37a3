//! Stores, staff, touch points and reasons. Once a device is enrolled these come down from the
//! server; before that a sensible catalogue is seeded so the app is usable on first start.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::{ContactChannel, Role};
use uuid::Uuid;

use crate::db::{enum_col, ts, uuid_col};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct TouchPoint {
    pub id: Uuid,
    pub name: String,
    /// The channel most conversations here happen on; the log form starts with it.
    pub default_channel: ContactChannel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct StaffMember {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Store {
    pub id: Uuid,
    pub name: String,
}

/// A suggested reason for contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Reason {
    pub id: Uuid,
    pub label: String,
}

/// The same names a new organisation on the server starts with, so a desk used before
/// enrolling maps its history onto them.
const SEED_TOUCH_POINTS: &[(&str, ContactChannel)] = touchpoint_protocol::DEFAULT_TOUCH_POINTS;

const SEED_REASONS: &[&str] = &[
    "Product question",
    "Refund",
    "Exchange",
    "Complaint",
    "Order status",
    "Delivery problem",
    "Repair or warranty",
    "Loyalty account",
    "Price query",
    "Compliment",
];

/// What first start creates; kept so callers (and tests) can name them.
#[derive(Debug, Clone)]
pub(crate) struct Seeded {
    pub store_id: Uuid,
    pub staff_id: Uuid,
    pub touch_point_id: Uuid,
}

/// Creates the local store, a first staff member and the catalogue, unless they exist.
pub(crate) fn seed(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<Seeded> {
    let store_id = Uuid::now_v7();
    tx.execute(
        "INSERT INTO stores (id, name, timezone, created_at) VALUES (?1, 'My store', NULL, ?2)",
        params![store_id.to_string(), ts(now)],
    )?;
    // The first person on a fresh install sets the desk up, so they can manage it.
    let staff_id = Uuid::now_v7();
    tx.execute(
        "INSERT INTO staff (id, name, role, home_store_id, created_at) VALUES (?1, 'Store manager', 'admin', ?2, ?3)",
        params![staff_id.to_string(), store_id.to_string(), ts(now)],
    )?;
    let mut first_touch_point = None;
    for (i, (name, channel)) in SEED_TOUCH_POINTS.iter().enumerate() {
        let id = Uuid::now_v7();
        first_touch_point.get_or_insert(id);
        tx.execute(
            "INSERT INTO touch_points (id, name, default_channel, sort_order) VALUES (?1, ?2, ?3, ?4)",
            params![id.to_string(), name, channel.as_str(), i as i64],
        )?;
    }
    for (i, label) in SEED_REASONS.iter().enumerate() {
        tx.execute(
            "INSERT INTO reasons (id, label, sort_order) VALUES (?1, ?2, ?3)",
            params![Uuid::now_v7().to_string(), label, i as i64],
        )?;
    }
    Ok(Seeded { store_id, staff_id, touch_point_id: first_touch_point.unwrap_or_default() })
}

pub fn touch_points(conn: &Connection) -> Result<Vec<TouchPoint>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, default_channel FROM touch_points WHERE active = 1 ORDER BY sort_order, name",
    )?;
    let rows = stmt
        .query_map([], |r| Ok(TouchPoint { id: uuid_col(r, 0)?, name: r.get(1)?, default_channel: enum_col(r, 2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn touch_point(conn: &Connection, id: Uuid) -> Result<Option<TouchPoint>> {
    Ok(conn
        .prepare_cached("SELECT id, name, default_channel FROM touch_points WHERE id = ?1 AND active = 1")?
        .query_row([id.to_string()], |r| {
            Ok(TouchPoint { id: uuid_col(r, 0)?, name: r.get(1)?, default_channel: enum_col(r, 2)? })
        })
        .optional()?)
}

/// The name of a touch point, even one no longer in use.
pub(crate) fn touch_point_name(conn: &Connection, id: Uuid) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT name FROM touch_points WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| "Unknown touch point".to_owned()))
}

pub fn reasons(conn: &Connection) -> Result<Vec<Reason>> {
    let mut stmt = conn.prepare_cached("SELECT id, label FROM reasons WHERE active = 1 ORDER BY sort_order, label")?;
    let rows = stmt.query_map([], |r| Ok(Reason { id: uuid_col(r, 0)?, label: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn staff_member(conn: &Connection, id: Uuid) -> Result<Option<StaffMember>> {
    Ok(conn
        .prepare_cached("SELECT id, name, role FROM staff WHERE id = ?1")?
        .query_row([id.to_string()], |r| {
            Ok(StaffMember { id: uuid_col(r, 0)?, name: r.get(1)?, role: enum_col(r, 2)? })
        })
        .optional()?)
}

/// Every store this desk knows (its own, and the organisation's once connected), by name.
pub fn stores(conn: &Connection) -> Result<Vec<Store>> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM stores ORDER BY name COLLATE NOCASE")?;
    let rows = stmt.query_map([], |r| Ok(Store { id: uuid_col(r, 0)?, name: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn store(conn: &Connection, id: Uuid) -> Result<Option<Store>> {
    Ok(conn
        .prepare_cached("SELECT id, name FROM stores WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok(Store { id: uuid_col(r, 0)?, name: r.get(1)? }))
        .optional()?)
}
