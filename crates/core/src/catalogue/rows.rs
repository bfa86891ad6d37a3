//! The catalogue's rows: stores, touch points and reasons, and the only SQL that writes them
//! (the first-start seed, what the server sends, what enrolling moves).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::{ContactChannel, ReasonRecord, StoreRecord, TouchPointRecord};
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

const SEED_REASONS: &[&str] = touchpoint_protocol::DEFAULT_REASONS;

/// What first start creates; kept so callers (and tests) can name them.
#[derive(Debug, Clone)]
pub(crate) struct Seeded {
    pub store_id: Uuid,
    pub touch_point_id: Uuid,
}

/// Creates the local store and the catalogue (the first person is the staff module's).
pub(crate) fn seed(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<Seeded> {
    let store_id = Uuid::now_v7();
    tx.execute(
        "INSERT INTO stores (id, name, timezone, created_at) VALUES (?1, 'My store', NULL, ?2)",
        params![store_id.to_string(), ts(now)],
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
    Ok(Seeded { store_id, touch_point_id: first_touch_point.unwrap_or_default() })
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

/// A store from the server (its name and time zone are the server's from now on).
pub(crate) fn upsert_store(tx: &Transaction<'_>, s: &StoreRecord, at: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO stores (id, name, timezone, created_at, origin) VALUES (?1, ?2, ?3, ?4, 'server')
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, timezone = excluded.timezone, origin = 'server'",
    )?
    .execute(params![s.store_id.to_string(), s.name, s.timezone, ts(at)])?;
    Ok(())
}

/// A store named before its own record arrives (a person's home store in the same page).
pub(crate) fn ensure_store(tx: &Transaction<'_>, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO stores (id, name, created_at, origin) VALUES (?1, 'Another store', ?2, 'server')
         ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![id.to_string(), ts(at)])?;
    Ok(())
}

/// Enrolling: the server's store takes over the desk's own (same name and time zone until the
/// server's record arrives).
pub(crate) fn copy_store(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO stores (id, name, timezone, created_at, origin)
         SELECT ?2, name, timezone, created_at, 'server' FROM stores WHERE id = ?1
         ON CONFLICT (id) DO NOTHING",
        params![old, new],
    )?;
    Ok(())
}

pub(crate) fn delete_store(tx: &Transaction<'_>, id: &str) -> Result<()> {
    tx.execute("DELETE FROM stores WHERE id = ?1", [id])?;
    Ok(())
}

/// Before the first download completes: the touch point this desk made up with the same name
/// as one from the server, if there is one.
pub(crate) fn local_twin(tx: &Transaction<'_>, t: &TouchPointRecord) -> Result<Option<String>> {
    Ok(tx
        .prepare_cached(
            "SELECT id FROM touch_points WHERE origin = 'local' AND id != ?1 AND lower(trim(name)) = lower(trim(?2))
               AND (SELECT bootstrapped FROM sync_state) = 0",
        )?
        .query_row(params![t.touch_point_id.to_string(), t.name], |r| r.get(0))
        .optional()?)
}

/// A touch point from the server.
pub(crate) fn upsert_touch_point(tx: &Transaction<'_>, t: &TouchPointRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO touch_points (id, name, default_channel, sort_order, active, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, 'server')
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, default_channel = excluded.default_channel,
             sort_order = excluded.sort_order, active = excluded.active, origin = 'server'",
    )?
    .execute(params![t.touch_point_id.to_string(), t.name, t.default_channel.as_str(), t.sort_order, t.active])?;
    Ok(())
}

/// A reason from the organisation's list. The first one sent replaces the built-in list this
/// desk started with; a label the server now uses for another entry gives way to it.
pub(crate) fn upsert_reason(tx: &Transaction<'_>, r: &ReasonRecord) -> Result<()> {
    tx.prepare_cached("DELETE FROM reasons WHERE id != ?1 AND (origin = 'local' OR lower(label) = lower(?2))")?
        .execute(params![r.reason_id.to_string(), r.label])?;
    tx.prepare_cached(
        "INSERT INTO reasons (id, label, sort_order, active, origin) VALUES (?1, ?2, ?3, ?4, 'server')
         ON CONFLICT (id) DO UPDATE SET label = excluded.label, sort_order = excluded.sort_order,
             active = excluded.active",
    )?
    .execute(params![r.reason_id.to_string(), r.label, r.sort_order, r.active])?;
    Ok(())
}

pub(crate) fn delete_touch_point(tx: &Transaction<'_>, id: &str) -> Result<()> {
    tx.execute("DELETE FROM touch_points WHERE id = ?1", [id])?;
    Ok(())
}
