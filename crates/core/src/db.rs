//! Opening the local SQLite file: pragmas, forward-only migrations, and small row helpers.

use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};
use uuid::Uuid;

use crate::error::{CoreError, Result};

/// The schema, one forward-only step per file. Never edit a released step: add a new one.
const STEPS: &[&str] = &[
    include_str!("../migrations/0001_catalogue_and_device.sql"),
    include_str!("../migrations/0002_customers_and_search.sql"),
    include_str!("../migrations/0003_events.sql"),
    include_str!("../migrations/0004_sync_and_audit.sql"),
    include_str!("../migrations/0005_sync_client.sql"),
    include_str!("../migrations/0006_reviews.sql"),
    include_str!("../migrations/0007_local_scorecard.sql"),
    include_str!("../migrations/0008_device_role.sql"),
    include_str!("../migrations/0009_follow_ups_by_interaction.sql"),
    include_str!("../migrations/0010_audit_by_customer.sql"),
    include_str!("../migrations/0011_sign_in_safety.sql"),
    include_str!("../migrations/0012_secret_outside_the_database.sql"),
    include_str!("../migrations/0013_log_submissions.sql"),
    include_str!("../migrations/0014_search_variants.sql"),
    include_str!("../migrations/0015_follow_up_changes.sql"),
    include_str!("../migrations/0016_merges.sql"),
    include_str!("../migrations/0017_relationship.sql"),
    include_str!("../migrations/0018_desk_notifications.sql"),
    include_str!("../migrations/0019_reasons_from_the_server.sql"),
    include_str!("../migrations/0020_latest_scores.sql"),
    include_str!("../migrations/0021_insight_rollups.sql"),
    include_str!("../migrations/0022_at_risk_candidates.sql"),
];

/// Steps that also run Rust after their SQL (by position in `STEPS`, from 0).
const SEARCH_VARIANTS_STEP: usize = 13;
const INSIGHT_ROLLUPS_STEP: usize = 20;

/// The schema version a fully migrated database has.
pub const SCHEMA_VERSION: usize = STEPS.len();

pub fn migrations() -> Migrations<'static> {
    Migrations::new(
        STEPS
            .iter()
            .enumerate()
            .map(|(i, sql)| match i {
                SEARCH_VARIANTS_STEP => M::up_with_hook(sql, |tx: &rusqlite::Transaction<'_>| {
                    crate::customers::index::reindex_search_variants(tx)
                        .map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))
                }),
                INSIGHT_ROLLUPS_STEP => M::up_with_hook(sql, |tx: &rusqlite::Transaction<'_>| {
                    crate::insight::rollup::schema::install(tx)
                        .map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))
                }),
                _ => M::up(sql),
            })
            .map(M::foreign_key_check)
            .collect(),
    )
}

/// Opens (creating if needed) the database at `path`, sets it up for a desktop app that must
/// not lose data, and migrates it to the current schema in one transaction.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn)?;
    migrations().to_latest(&mut conn)?;
    crate::insight::rollup::schema::follow_zone(&mut conn)?;
    Ok(conn)
}

pub(crate) fn configure(conn: &Connection) -> Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(CoreError::Storage { message: format!("Could not switch the database to WAL (got {mode}).") });
    }
    // NORMAL is durable in WAL mode except for the last commits before a power cut; it keeps
    // logging an interaction well under a millisecond.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // A desk holds up to a few million rows; 64 MB of page cache keeps search and the
    // customer page in memory after the first touch.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

/// Points the rows of `table` logged on customer `id` at `root` (itself when it stands alone
/// again), remembering the record they were logged on while it differs. For the owner of each
/// table that follows customers through merges (see `customers::merge`); `table` is always one
/// of theirs, never input.
pub(crate) fn repoint_rows(tx: &rusqlite::Transaction<'_>, table: &'static str, id: &str, root: &str) -> Result<()> {
    let logged = if id == root { None } else { Some(id) };
    tx.prepare_cached(&format!(
        "UPDATE {table} SET customer_id = ?2, logged_customer_id = ?3 WHERE logged_customer_id = ?1"
    ))?
    .execute(rusqlite::params![id, root, logged])?;
    if logged.is_some() {
        tx.prepare_cached(&format!(
            "UPDATE {table} SET customer_id = ?2, logged_customer_id = ?1
             WHERE customer_id = ?1 AND logged_customer_id IS NULL"
        ))?
        .execute(rusqlite::params![id, root])?;
    }
    Ok(())
}

/// Times are stored as RFC 3339 UTC with milliseconds, so text order is time order.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

pub(crate) fn parse_uuid(s: &str) -> rusqlite::Result<Uuid> {
    Uuid::try_parse(s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// Reads column `idx` as a UUID stored as text.
pub(crate) fn uuid_col(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Uuid> {
    parse_uuid(&row.get::<_, String>(idx)?)
}

pub(crate) fn opt_uuid_col(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<Uuid>> {
    row.get::<_, Option<String>>(idx)?.as_deref().map(parse_uuid).transpose()
}

pub(crate) fn ts_col(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    parse_ts(&row.get::<_, String>(idx)?)
}

pub(crate) fn opt_ts_col(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    row.get::<_, Option<String>>(idx)?.as_deref().map(parse_ts).transpose()
}

/// Reads a column holding a snake_case vocabulary word (feeling, outcome, …).
pub(crate) fn enum_col<T: std::str::FromStr<Err = String>>(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    s.parse().map_err(|e: String| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into()))
}

pub(crate) fn opt_enum_col<T: std::str::FromStr<Err = String>>(
    row: &rusqlite::Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<T>> {
    match row.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|e: String| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())),
    }
}

/// Keeps the write-ahead log short from a background connection, so a checkpoint (which
/// copies pages and syncs the file) never runs inside a staff member's save. The desk turns
/// SQLite's own automatic checkpoints off while this runs.
pub(crate) struct Checkpointer {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    pub fn start(path: &Path, every: std::time::Duration) -> Result<Checkpointer> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("touchpoint-checkpoint".into())
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(every) {
                    // PASSIVE never blocks the writer; whatever it cannot copy now it copies next time.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .map_err(|e| CoreError::Storage { message: format!("Could not start the background checkpoint: {e}") })?;
        Ok(Checkpointer { stop: Some(tx), thread: Some(thread) })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
