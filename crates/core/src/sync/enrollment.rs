//! Joining a server. A desk is fully usable before it is enrolled, so its history was written
//! against a store and touch points it made up itself; enrolling moves that history onto the
//! server's store (and, as the catalogue arrives, onto the server's touch points of the same
//! name) before anything is pushed, so the organisation's reports stay whole. Each table's
//! owner moves its own rows.

use rusqlite::Transaction;

use super::outbox;
use crate::error::Result;
use crate::interactions::{self, amendments};
use crate::{catalogue, customers, device, follow_ups, reviews, staff};

/// Moves everything recorded against the desk's own store onto the server's store.
pub(crate) fn move_store(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    if old == new {
        return Ok(());
    }
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    catalogue::rows::copy_store(tx, old, new)?;
    staff::rows::move_home_store(tx, old, new)?;
    device::move_store(tx, old, new)?;
    customers::move_store(tx, old, new)?;
    interactions::move_store(tx, old, new)?;
    follow_ups::move_store(tx, old, new)?;
    outbox::move_store(tx, old, new)?;
    catalogue::rows::delete_store(tx, old)
}

/// Moves a touch point the desk made up onto the server's one of the same name.
pub(crate) fn move_touch_point(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    interactions::move_touch_point(tx, old, new)?;
    amendments::move_touch_point(tx, old, new)?;
    device::move_touch_point(tx, old, new)?;
    outbox::move_touch_point(tx, old, new)?;
    catalogue::rows::delete_touch_point(tx, old)
}

/// Once the first download is complete, what the desk made up itself before it was enrolled
/// gives way to the server's: its own staff (when the server gave this store someone to sign
/// in as) and its own review scorecard (when the server has one).
pub(crate) fn retire_local(tx: &Transaction<'_>) -> Result<()> {
    staff::rows::retire_local(tx)?;
    reviews::retire_local_criteria(tx)
}
