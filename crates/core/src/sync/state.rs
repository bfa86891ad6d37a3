//! The `sync_state` row: the enrollment, the pull cursor and how the last rounds went. This
//! file is the only writer of that table; the desk's sync methods (`local.rs`) call it.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};
use touchpoint_protocol::{EnrollResponse, PullResponse};

use crate::db::ts;
use crate::error::Result;

/// A new database starts local only, at this protocol and schema version.
pub(crate) fn create(tx: &Transaction<'_>, schema_version: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_state (singleton, protocol_version, schema_version) VALUES (1, ?1, ?2)",
        params![touchpoint_protocol::PROTOCOL_VERSION, schema_version],
    )?;
    Ok(())
}

/// The desk now belongs to the server's organisation; the download starts from the beginning.
pub(crate) fn enrolled(
    tx: &Transaction<'_>,
    server_url: &str,
    device_name: &str,
    resp: &EnrollResponse,
    secret_place: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE sync_state SET server_url = ?1, org_id = ?2, refresh_token = NULL, secret_place = ?3,
             device_name = ?4, enrolled_at = ?5,
             pull_cursor = 0, server_epoch = NULL, bootstrapped = 0, bootstrap_target = NULL, blocked = NULL,
             failures = 0, last_error = NULL, next_attempt_at = NULL, device_role = ?6",
        params![server_url, resp.org_id.to_string(), secret_place, device_name, ts(now), resp.device_role.as_str()],
    )?;
    Ok(())
}

/// The server is forgotten; what is waiting stays queued for the next enrollment.
pub(crate) fn disconnected(conn: &Connection) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET server_url = NULL, refresh_token = NULL, secret_place = NULL, blocked = NULL,
             failures = 0, next_attempt_at = NULL, last_error = NULL",
        [],
    )?;
    Ok(())
}

/// Where the refresh token is kept now (never in the database itself).
pub(crate) fn secret_kept(conn: &Connection, place: &str) -> Result<()> {
    conn.execute("UPDATE sync_state SET refresh_token = NULL, secret_place = ?1", [place])?;
    Ok(())
}

/// A pulled page was applied: the cursor moves (in the page's transaction); `done` when it was
/// the last page of the first download.
pub(crate) fn page_applied(tx: &Transaction<'_>, page: &PullResponse, done: bool) -> Result<()> {
    tx.execute(
        "UPDATE sync_state SET pull_cursor = ?1, server_epoch = ?2,
             bootstrap_target = CASE WHEN bootstrapped = 0 THEN max(coalesce(bootstrap_target, 0), ?3)
                                     ELSE bootstrap_target END,
             bootstrapped = CASE WHEN ?4 THEN 1 ELSE bootstrapped END",
        params![page.next_since, page.server_epoch.to_string(), page.head_seq, done],
    )?;
    Ok(())
}

/// The download starts again from the beginning.
pub(crate) fn restart(tx: &Transaction<'_>) -> Result<()> {
    tx.execute("UPDATE sync_state SET pull_cursor = 0, server_epoch = NULL", [])?;
    Ok(())
}

pub(crate) fn succeeded(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET last_success_at = ?1, last_attempt_at = ?1, failures = 0, last_error = NULL,
             next_attempt_at = NULL, blocked = NULL",
        [ts(now)],
    )?;
    Ok(())
}

/// A round failed; returns the failures in a row now.
pub(crate) fn failed(
    conn: &Connection,
    message: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<u32> {
    conn.execute(
        "UPDATE sync_state SET last_attempt_at = ?1, failures = failures + 1, last_error = ?2, next_attempt_at = ?3",
        params![ts(now), message, retry_at.map(ts)],
    )?;
    Ok(conn.query_row("SELECT failures FROM sync_state", [], |r| r.get(0))?)
}

/// Sync stops until a person acts; `block` is the reason's code.
pub(crate) fn blocked(conn: &Connection, block: &str, message: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET blocked = ?1, last_error = ?2, last_attempt_at = ?3, next_attempt_at = NULL",
        params![block, message, ts(now)],
    )?;
    Ok(())
}

pub(crate) fn next_attempt(conn: &Connection, at: DateTime<Utc>) -> Result<()> {
    conn.execute("UPDATE sync_state SET next_attempt_at = ?1", [ts(at)])?;
    Ok(())
}

pub(crate) fn clock_offset(conn: &Connection, offset_ms: i64) -> Result<()> {
    conn.execute("UPDATE sync_state SET clock_offset_ms = ?1", [offset_ms])?;
    Ok(())
}
