//! Joining a server. A desk is fully usable before it is enrolled, so its history was written
//! against a store and touch points it made up itself; enrolling moves that history onto the
//! server's store (and, as the catalogue arrives, onto the server's touch points of the same
//! name) before anything is pushed, so the organisation's reports stay whole.

use rusqlite::{params, Transaction};

use crate::error::Result;

/// Moves everything recorded against the desk's own store onto the server's store.
pub(crate) fn move_store(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    if old == new {
        return Ok(());
    }
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    tx.execute(
        "INSERT INTO stores (id, name, timezone, created_at, origin)
         SELECT ?2, name, timezone, created_at, 'server' FROM stores WHERE id = ?1
         ON CONFLICT (id) DO NOTHING",
        params![old, new],
    )?;
    for sql in [
        "UPDATE staff SET home_store_id = ?2 WHERE home_store_id = ?1",
        "UPDATE device SET store_id = ?2 WHERE store_id = ?1",
        "UPDATE customers SET home_store_id = ?2 WHERE home_store_id = ?1",
        "UPDATE interactions SET store_id = ?2 WHERE store_id = ?1",
        "UPDATE feedback SET store_id = ?2 WHERE store_id = ?1",
        "UPDATE follow_ups SET store_id = ?2 WHERE store_id = ?1",
        "UPDATE outbox SET payload = json_set(payload, '$.store_id', ?2)
         WHERE state = 'pending' AND json_extract(payload, '$.store_id') = ?1",
        "UPDATE outbox SET payload = json_set(payload, '$.body.home_store_id', ?2)
         WHERE state = 'pending' AND json_extract(payload, '$.body.home_store_id') = ?1",
    ] {
        tx.execute(sql, params![old, new])?;
    }
    tx.execute("DELETE FROM stores WHERE id = ?1", [old])?;
    Ok(())
}

/// Moves a touch point the desk made up onto the server's one of the same name.
pub(crate) fn move_touch_point(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    for sql in [
        "UPDATE interactions SET touch_point_id = ?2 WHERE touch_point_id = ?1",
        "UPDATE amendments SET changes = json_set(changes, '$.touch_point_id', ?2)
         WHERE json_extract(changes, '$.touch_point_id') = ?1",
        "UPDATE device SET touch_point_id = ?2 WHERE touch_point_id = ?1",
        "UPDATE outbox SET payload = json_set(payload, '$.body.touch_point_id', ?2)
         WHERE state = 'pending' AND json_extract(payload, '$.body.touch_point_id') = ?1",
        "UPDATE outbox SET payload = json_set(payload, '$.body.changes.touch_point_id', ?2)
         WHERE state = 'pending' AND json_extract(payload, '$.body.changes.touch_point_id') = ?1",
    ] {
        tx.execute(sql, params![old, new])?;
    }
    tx.execute("DELETE FROM touch_points WHERE id = ?1", [old])?;
    Ok(())
}

/// Once the first download is complete: staff the desk made up itself stop being offered at
/// sign-in (the server's staff list is the one that counts, with their own PINs), as long as
/// the server gave this store at least one person to sign in as.
pub(crate) fn retire_local_staff(tx: &Transaction<'_>) -> Result<()> {
    tx.execute(
        "UPDATE staff SET active = 0
         WHERE origin = 'local'
           AND EXISTS (SELECT 1 FROM staff s JOIN device d ON s.home_store_id = d.store_id OR s.role = 'admin'
                       WHERE s.origin = 'server' AND s.active = 1)",
        [],
    )?;
    Ok(())
}

/// Likewise the review scorecard: criteria the desk's administrator defined are no longer
/// offered once the server has its own (reviews already written keep their scores and names).
pub(crate) fn retire_local_criteria(tx: &Transaction<'_>) -> Result<()> {
    tx.execute(
        "UPDATE review_criteria SET active = 0
         WHERE origin = 'local' AND EXISTS (SELECT 1 FROM review_criteria WHERE origin = 'server' AND active = 1)",
        [],
    )?;
    Ok(())
}
