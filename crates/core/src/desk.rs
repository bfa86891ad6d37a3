//! `Desk`: one install of Touchpoint and its local store. Every action the app offers is a
//! method here; the Tauri commands only adapt them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Offset, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use touchpoint_protocol::{Op, OpBody, Role};
use uuid::Uuid;

use crate::clock::{Clock, SystemClock};
use crate::contact::Region;
use crate::db::{self, parse_uuid};
use crate::error::{CoreError, Result};
use crate::hlc::{Hlc, HlcClock};
use crate::sync::{outbox, state};
use crate::{catalogue, device, staff};

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "touchpoint.sqlite3";

#[derive(Debug, Clone, Default)]
pub struct DeskOptions {
    /// Region for reading phone numbers typed without a country code, used when the database
    /// is first created (e.g. from the system locale). Defaults to US.
    pub region: Option<String>,
}

pub struct Desk {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) hlc: HlcClock,
    pub(crate) device_id: Uuid,
    pub(crate) store_id: Uuid,
    pub(crate) staff_id: Uuid,
    pub(crate) region: Region,
    /// Server time minus this desk's clock (ms), learnt at the last sync; stamps use it.
    pub(crate) clock_offset_ms: i64,
    /// The desk's local time offset (reminders at 10:00 local, "this week"); UTC until the
    /// shell says otherwise.
    pub(crate) local_offset: chrono::FixedOffset,
    _checkpointer: db::Checkpointer,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk").field("path", &self.path).field("device_id", &self.device_id).finish()
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        // Leave a short log behind for the next start; a failure here loses nothing.
        let _ = self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
    }
}

/// Who did it, from where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Actor {
    pub staff_id: Uuid,
    pub store_id: Uuid,
    pub device_id: Uuid,
}

/// One write transaction: the changes, their outbox ops, and the clock stamps, all committed
/// together or not at all.
pub(crate) struct Write<'a> {
    pub tx: Transaction<'a>,
    pub now: DateTime<Utc>,
    pub actor: Actor,
    hlc: &'a mut HlcClock,
    /// Added to `now` for stamps only: corrects a desk clock that the server says is off.
    offset: chrono::Duration,
}

impl Write<'_> {
    /// Stamps `body`, records it in the outbox, and returns the op.
    pub fn record(&mut self, body: OpBody) -> Result<Op> {
        // The server refuses an op whose content breaks the shared rules; the forms check each
        // field first, and this keeps such an op from ever entering the outbox.
        if let Some(problem) = touchpoint_protocol::rules::problem(&body) {
            return Err(CoreError::Validation { message: problem, fields: Vec::new() });
        }
        let op = Op {
            op_id: Uuid::now_v7(),
            device_id: self.actor.device_id,
            store_id: self.actor.store_id,
            staff_id: self.actor.staff_id,
            hlc: self.hlc.tick(self.now + self.offset),
            body,
        };
        outbox::enqueue(&self.tx, &op, self.now)?;
        Ok(op)
    }
}

impl Desk {
    /// Opens the desk whose data lives in `dir` (created if missing), with the system clock.
    pub fn open_in(dir: &Path, options: &DeskOptions) -> Result<Desk> {
        std::fs::create_dir_all(dir).map_err(|e| CoreError::Storage {
            message: format!("Cannot create the data folder {}: {e}", dir.display()),
        })?;
        Desk::open(&dir.join(DATABASE_FILE), options, Arc::new(SystemClock))
    }

    /// Opens (creating and seeding on first start) the database at `path`.
    pub fn open(path: &Path, options: &DeskOptions, clock: Arc<dyn Clock>) -> Result<Desk> {
        let mut conn = db::open(path)?;
        let now = clock.now();
        ensure_device(&mut conn, now, options)?;
        let (device_id, store_id, staff_id, region, last_hlc): (
            String,
            String,
            Option<String>,
            String,
            Option<String>,
        ) = conn.query_row(
            "SELECT device_id, store_id, signed_in_staff, default_region, last_hlc FROM device",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        let device_id = parse_uuid(&device_id)?;
        let staff_id = match staff_id {
            Some(s) => parse_uuid(&s)?,
            None => first_staff(&conn)?,
        };
        let last_hlc = last_hlc.and_then(|h| h.parse::<Hlc>().ok());
        let clock_offset_ms: i64 = conn.query_row("SELECT clock_offset_ms FROM sync_state", [], |r| r.get(0))?;
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpointer = db::Checkpointer::start(path, std::time::Duration::from_secs(2))?;
        Ok(Desk {
            _checkpointer: checkpointer,
            conn,
            path: path.to_owned(),
            hlc: HlcClock::resume(device_id, last_hlc),
            clock,
            device_id,
            store_id: parse_uuid(&store_id)?,
            staff_id,
            region: Region::parse(&region).unwrap_or_default(),
            clock_offset_ms,
            local_offset: chrono::Utc.fix(),
        })
    }

    /// Read access for checks and reports that have no method yet.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Write access for bulk loading benchmark data; everything else goes through methods.
    pub(crate) fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn region(&self) -> Region {
        self.region
    }

    pub(crate) fn actor(&self) -> Actor {
        Actor { staff_id: self.staff_id, store_id: self.store_id, device_id: self.device_id }
    }

    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&mut Write<'_>) -> Result<T>) -> Result<T> {
        // After enrolling, the people the desk made up itself give way to the server's staff:
        // nothing is recorded in their name any more.
        let active: bool = self
            .conn
            .prepare_cached("SELECT active FROM staff WHERE id = ?1")?
            .query_row([self.staff_id.to_string()], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        if !active {
            return Err(CoreError::Forbidden { message: "Sign in as yourself first (press U).".into() });
        }
        let now = self.clock.now();
        let offset = chrono::Duration::milliseconds(self.clock_offset_ms);
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut w = Write { tx, now, actor, hlc: &mut self.hlc, offset };
        let out = f(&mut w)?;
        let Write { tx, hlc, .. } = w;
        device::set_last_hlc(&tx, &hlc.last())?;
        // Insight's rollups count the conversations logged since they last did, now and then.
        if crate::insight::rollup::schema::many_waiting(&tx)? {
            crate::insight::rollup::schema::settle(&tx)?;
        }
        tx.commit()?;
        Ok(out)
    }

    pub fn staff_id(&self) -> Uuid {
        self.staff_id
    }

    /// Acts as another staff member without their PIN: for generating history (demo data),
    /// never offered to people.
    pub(crate) fn act_as(&mut self, staff_id: Uuid) {
        self.staff_id = staff_id;
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The desk's local time offset, from the system (the shell sets it at start).
    pub fn set_local_offset(&mut self, offset: chrono::FixedOffset) {
        self.local_offset = offset;
    }
}

/// Gives a new database its identity, its catalogue and a first person, once.
fn ensure_device(conn: &mut Connection, now: DateTime<Utc>, options: &DeskOptions) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let exists = tx.query_row("SELECT 1 FROM device", [], |_| Ok(())).optional()?.is_some();
    if !exists {
        let seeded = catalogue::rows::seed(&tx, now)?;
        // The first person on a fresh install sets the desk up, so they can manage it.
        let first = staff::rows::insert(&tx, "Store manager", Role::Admin, None, seeded.store_id, now)?;
        let region = options.region.as_deref().and_then(Region::parse).unwrap_or_default().code();
        let new = device::NewDevice {
            store_id: seeded.store_id,
            region: &region,
            touch_point_id: seeded.touch_point_id,
            signed_in: first,
        };
        device::create(&tx, &new, now)?;
        state::create(&tx, db::SCHEMA_VERSION as i64)?;
    }
    tx.commit()?;
    Ok(())
}

fn first_staff(conn: &Connection) -> Result<Uuid> {
    let id: Option<String> = conn
        .query_row("SELECT id FROM staff WHERE active = 1 ORDER BY created_at LIMIT 1", [], |r| r.get(0))
        .optional()?;
    id.as_deref().map(parse_uuid).transpose()?.ok_or_else(|| CoreError::not_found("A staff member"))
}
