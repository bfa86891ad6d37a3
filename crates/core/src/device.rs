//! The `device` row: this install's identity (device id, its store, its region), the touch
//! point it logs at, who is signed in, and the newest clock stamp it has issued or seen. This
//! file is the only writer of that table.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};
use uuid::Uuid;

use crate::db::ts;
use crate::error::Result;
use crate::hlc::Hlc;

/// What a new database's device row starts with.
pub(crate) struct NewDevice<'a> {
    pub store_id: Uuid,
    pub region: &'a str,
    pub touch_point_id: Uuid,
    pub signed_in: Uuid,
}

pub(crate) fn create(tx: &Transaction<'_>, d: &NewDevice<'_>, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "INSERT INTO device (singleton, device_id, store_id, default_region, touch_point_id, signed_in_staff, created_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            Uuid::now_v7().to_string(),
            d.store_id.to_string(),
            d.region,
            d.touch_point_id.to_string(),
            d.signed_in.to_string(),
            ts(now),
        ],
    )?;
    Ok(())
}

/// Kept with every write (and pulled page), so stamps never go backwards after a restart.
pub(crate) fn set_last_hlc(conn: &Connection, hlc: &Hlc) -> Result<()> {
    conn.prepare_cached("UPDATE device SET last_hlc = ?1")?.execute([hlc.to_string()])?;
    Ok(())
}

pub(crate) fn set_touch_point(conn: &Connection, id: Uuid) -> Result<()> {
    conn.execute("UPDATE device SET touch_point_id = ?1", [id.to_string()])?;
    Ok(())
}

pub(crate) fn set_signed_in(conn: &Connection, staff: Uuid) -> Result<()> {
    conn.execute("UPDATE device SET signed_in_staff = ?1", [staff.to_string()])?;
    Ok(())
}

/// Enrolling: the desk now belongs to the server's store.
pub(crate) fn move_store(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    tx.execute("UPDATE device SET store_id = ?2 WHERE store_id = ?1", params![old, new])?;
    Ok(())
}

/// Enrolling: the touch point the desk made up gives way to the server's of the same name.
pub(crate) fn move_touch_point(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    tx.execute("UPDATE device SET touch_point_id = ?2 WHERE touch_point_id = ?1", params![old, new])?;
    Ok(())
}
