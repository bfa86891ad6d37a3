//! `Desk`: one install of Touchpoint and its local store. Every action the app offers is a
//! method here; the Tauri commands only adapt them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::{Op, OpBody};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::catalogue::{self, Reason, StaffMember, Store, TouchPoint};
use crate::clock::{Clock, SystemClock};
use crate::contact::Region;
use crate::customers::import::{self, ImportChoice, ImportReport};
use crate::customers::page::{self, CustomerPage, TimelinePage, TimelineQuery};
use crate::customers::record::{self, ExportedFile};
use crate::customers::search::{self, CustomerHit};
use crate::customers::{self, Author, Customer, CustomerEdit, NewCustomer, ProfileChange};
use crate::db::{self, parse_uuid, ts};
use crate::error::{CoreError, Result};
use crate::follow_ups::{self, CloseFollowUp, FollowUp, NewFollowUp};
use crate::hlc::{Hlc, HlcClock};
use crate::interactions::amendments::{self, AmendInteraction};
use crate::interactions::{self, Actor, LogInteraction, LoggedInteraction};
use crate::reviews;
use crate::staff::{self, NewStaff, StaffListing};
use crate::sync::outbox::{self, OutboxCounts};
use touchpoint_protocol::Role;

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "touchpoint.sqlite3";

#[derive(Debug, Clone, Default)]
pub struct DeskOptions {
    /// Region for reading phone numbers typed without a country code, used when the database
    /// is first created (e.g. from the system locale). Defaults to US.
    pub region: Option<String>,
}

/// Who and where this desk is, for the header of every screen.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct DeskInfo {
    pub device_id: Uuid,
    pub store: Store,
    pub staff: StaffMember,
    pub touch_point: Option<TouchPoint>,
    /// ISO 3166 code phone numbers without a country code are read in.
    pub region: String,
    pub database_path: String,
    pub outbox: OutboxCounts,
    /// The signed-in person is no longer on the staff list (the desk was connected to a
    /// server, whose staff replace the desk's own): someone must sign in before saving.
    pub must_sign_in: bool,
    /// Connected to an organisation's server: staff and PINs are managed there.
    pub connected: bool,
    /// What the server enrolled this desk as (`None` on a desk of its own): a frontline desk
    /// sends no reviews, deletions or erasures, whoever is signed in.
    pub device_role: Option<Role>,
    /// Open follow-ups the signed-in staff member owns, and how many are overdue.
    pub my_open_follow_ups: u32,
    pub my_overdue_follow_ups: u32,
}

pub struct Desk {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) hlc: HlcClock,
    pub(crate) device_id: Uuid,
    pub(crate) store_id: Uuid,
    pub(crate) staff_id: Uuid,
    region: Region,
    /// Server time minus this desk's clock (ms), learnt at the last sync; stamps use it.
    pub(crate) clock_offset_ms: i64,
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
        tx.prepare_cached("UPDATE device SET last_hlc = ?1")?.execute([hlc.last().to_string()])?;
        tx.commit()?;
        Ok(out)
    }

    pub fn info(&self) -> Result<DeskInfo> {
        let store =
            catalogue::store(&self.conn, self.store_id)?.ok_or_else(|| CoreError::not_found("This desk's store"))?;
        let staff = catalogue::staff_member(&self.conn, self.staff_id)?
            .ok_or_else(|| CoreError::not_found("The signed-in staff member"))?;
        let touch_point_id: Option<String> =
            self.conn.query_row("SELECT touch_point_id FROM device", [], |r| r.get(0))?;
        let touch_point = match touch_point_id {
            Some(id) => catalogue::touch_point(&self.conn, parse_uuid(&id)?)?,
            None => None,
        };
        let (my_open_follow_ups, my_overdue_follow_ups) =
            follow_ups::open_counts(&self.conn, self.staff_id, self.clock.now())?;
        let must_sign_in: bool = self
            .conn
            .query_row("SELECT active = 0 FROM staff WHERE id = ?1", [self.staff_id.to_string()], |r| r.get(0))
            .optional()?
            .unwrap_or(true);
        Ok(DeskInfo {
            connected: self.sync_settings()?.is_some(),
            device_role: self.device_role()?,
            must_sign_in,
            my_open_follow_ups,
            my_overdue_follow_ups,
            device_id: self.device_id,
            store,
            staff,
            touch_point,
            region: self.region.code(),
            database_path: self.path.display().to_string(),
            outbox: outbox::counts(&self.conn)?,
        })
    }

    pub fn stores(&self) -> Result<Vec<Store>> {
        catalogue::stores(&self.conn)
    }

    pub fn touch_points(&self) -> Result<Vec<TouchPoint>> {
        catalogue::touch_points(&self.conn)
    }

    pub fn reasons(&self) -> Result<Vec<Reason>> {
        catalogue::reasons(&self.conn)
    }

    /// Sets the touch point this desk logs at by default.
    pub fn set_desk_touch_point(&mut self, id: Uuid) -> Result<TouchPoint> {
        let tp = catalogue::touch_point(&self.conn, id)?
            .ok_or_else(|| CoreError::field("touch_point_id", "Choose a touch point from the list."))?;
        self.conn.execute("UPDATE device SET touch_point_id = ?1", [id.to_string()])?;
        Ok(tp)
    }

    /// Creates a customer. When someone already has the phone or email, refuses with the
    /// matches (so staff can open that customer instead) unless `allow_duplicate` is set.
    pub fn create_customer(&mut self, input: &NewCustomer) -> Result<Customer> {
        let patch = customers::validate_new(input, self.region, Uuid::now_v7())?;
        if !input.allow_duplicate {
            let matches = customers::duplicates(&self.conn, &patch, None)?;
            if let Some(first) = matches.first() {
                return Err(CoreError::Duplicate {
                    message: format!("{} already has this {}.", first.name, first.on),
                    matches,
                });
            }
        }
        let id = patch.customer_id;
        let home = self.store_id;
        self.write(|w| {
            let patch = touchpoint_protocol::CustomerPatch { home_store_id: Some(home), ..patch };
            apply_customer_patch(w, patch)
        })?;
        customers::get(&self.conn, id)
    }

    /// Changes profile fields; each change is recorded with who made it and when.
    pub fn update_customer(&mut self, input: &CustomerEdit) -> Result<Customer> {
        customers::get(&self.conn, input.customer_id)?;
        let patch = customers::validate_edit(input, self.region)?;
        let fields = audit::changed_fields(&patch, &["customer_id", "home_store_id"]);
        let id = input.customer_id;
        self.write(|w| {
            apply_customer_patch(w, patch)?;
            audit::record(w, AuditAction::Change, "customer", Some(id), Some(id), Some(&fields))
        })?;
        customers::get(&self.conn, input.customer_id)
    }

    pub fn customer_history(&self, id: Uuid) -> Result<Vec<ProfileChange>> {
        customers::get(&self.conn, id)?;
        customers::history(&self.conn, id)
    }

    pub fn search_customers(&self, query: &str, limit: usize) -> Result<Vec<CustomerHit>> {
        search::search(&self.conn, query, self.region, limit)
    }

    /// Opens a customer's page for a person, recording in the audit log that they looked
    /// (once per person and customer in ten minutes; refreshing the page is not a new look).
    pub fn view_customer(&mut self, id: Uuid) -> Result<CustomerPage> {
        let page = self.open_customer(id)?;
        self.record_view(id)?;
        Ok(page)
    }

    /// The audit trail's "viewed" entry for a customer page just shown (one per person and
    /// customer within a short while). A view is recorded even by someone who may not save
    /// anything yet.
    pub(crate) fn record_view(&mut self, id: Uuid) -> Result<()> {
        if !audit::viewed_lately(&self.conn, self.staff_id, id, self.clock.now())? {
            let _ = self.write(|w| audit::record(w, AuditAction::View, "customer", Some(id), Some(id), None));
        }
        Ok(())
    }

    /// Who viewed, changed, exported or erased which customer, when (supervisors and admins).
    pub fn audit_log(&self, filter: &audit::AuditFilter) -> Result<Vec<audit::AuditEntry>> {
        self.require_supervisor("read the audit log")?;
        audit::entries(&self.conn, filter)
    }

    /// Every open follow-up of the store, the most overdue first (supervisors and admins).
    pub fn follow_up_board(&self, filter: &crate::follow_ups::board::BoardFilter) -> Result<Vec<FollowUp>> {
        self.require_supervisor("see the store's follow-ups")?;
        crate::follow_ups::board::board(&self.conn, self.store_id, filter, self.clock.now())
    }

    /// Refuses unless the signed-in person owns the follow-up or supervises.
    fn require_owner_or_supervisor(&self, current: &FollowUp, doing: &str) -> Result<()> {
        if current.owner.id == self.staff_id {
            return Ok(());
        }
        self.require_supervisor(doing)
    }

    /// Gives an open follow-up to someone else, saying why (its owner, or a supervisor).
    pub fn reassign_follow_up(&mut self, input: &follow_ups::ReassignFollowUp) -> Result<FollowUp> {
        let (id, owner) = (input.follow_up_id, input.owner_staff_id);
        let current = follow_ups::get(&self.conn, id, self.clock.now())?;
        self.require_owner_or_supervisor(&current, "hand over someone else's follow-up")?;
        let mut p = crate::error::Problems::default();
        if current.status.is_closed() {
            p.add("owner_staff_id", "This follow-up is already closed.");
        } else if owner == current.owner.id {
            p.add("owner_staff_id", "Choose someone other than who has it now.");
        } else {
            let active = catalogue::staff_member(&self.conn, owner)?.is_some()
                && staff::list(&self.conn)?.iter().any(|s| s.id == owner);
            if !active {
                p.add("owner_staff_id", "Choose someone from the staff list.");
            }
        }
        let reason = follow_ups::change_reason(&mut p, &input.reason, "Say why it changes hands, for who takes it.");
        p.finish()?;
        let customer = current.customer.as_ref().map(|c| c.id);
        self.write(|w| {
            let patch = touchpoint_protocol::FollowUpPatch {
                follow_up_id: id,
                customer_id: customer,
                owner_staff_id: Some(owner),
                change_note: Some(reason),
                ..Default::default()
            };
            let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
            follow_ups::apply_patch(&w.tx, &patch, &op.hlc.to_string(), w.actor.staff_id, w.actor.store_id, w.now)
        })?;
        follow_ups::get(&self.conn, id, self.clock.now())
    }

    /// Puts an open follow-up off to a new due time, saying why (its owner, or a supervisor).
    pub fn snooze_follow_up(&mut self, input: &follow_ups::SnoozeFollowUp) -> Result<FollowUp> {
        let now = self.clock.now();
        let current = follow_ups::get(&self.conn, input.follow_up_id, now)?;
        self.require_owner_or_supervisor(&current, "snooze someone else's follow-up")?;
        let patch = follow_ups::validate_snooze(&self.conn, input, now)?;
        self.write(|w| {
            let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
            follow_ups::apply_patch(&w.tx, &patch, &op.hlc.to_string(), w.actor.staff_id, w.actor.store_id, w.now)
        })?;
        follow_ups::get(&self.conn, input.follow_up_id, self.clock.now())
    }

    /// The Insight dashboards for a population (supervisors and admins). Only admins compare
    /// stores: a supervisor's figures are their store's unless they name another they read.
    pub fn insight(&self, filter: &crate::insight::InsightFilter) -> Result<crate::insight::Dashboard> {
        self.require_supervisor("see the dashboards")?;
        let mut f = filter.clone();
        if self.role()? != Role::Admin && f.store_id.is_none() {
            f.store_id = Some(self.store_id);
        }
        crate::insight::dashboard(&self.conn, &f)
    }

    /// The same figures as CSV, written next to the database (the export is audited).
    pub fn export_insight(&mut self, filter: &crate::insight::InsightFilter) -> Result<ExportedFile> {
        let dashboard = self.insight(filter)?;
        let csv = crate::insight::dashboard_csv(&dashboard)?;
        self.write_export("insight", "insight", &csv, &[])
    }

    /// The store's loop figures for `[from, to)` and the board as it is filtered, as CSV
    /// (supervisors and admins); recorded in the audit log.
    pub fn export_follow_ups(
        &mut self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        filter: &crate::follow_ups::board::BoardFilter,
    ) -> Result<ExportedFile> {
        let metrics = self.loop_metrics(from, to)?;
        let board = self.follow_up_board(filter)?;
        let csv = crate::follow_ups::board::loop_csv(&metrics, &board)?;
        let named: Vec<Uuid> = board.iter().filter_map(|f| f.customer.as_ref().map(|c| c.id)).collect();
        self.write_export("follow-ups", "follow_ups", &csv, &named)
    }

    /// Customers at risk now, with their reasons in words, as CSV; recorded in the audit log.
    pub fn export_at_risk(&mut self) -> Result<ExportedFile> {
        let list = self.at_risk_customers()?;
        let csv = crate::insight::at_risk_csv(&list)?;
        let named: Vec<Uuid> = list.iter().map(|c| c.customer_id).collect();
        self.write_export("at-risk", "at_risk", &csv, &named)
    }

    /// Writes an export file into `exports/` next to the data; returns where, as shown to people.
    fn save_export(&self, name: &str, bytes: &[u8]) -> Result<String> {
        let dir = self.path.parent().map(|p| p.join("exports")).unwrap_or_else(|| PathBuf::from("exports"));
        let io = |e: std::io::Error| CoreError::Storage { message: format!("Could not write the export: {e}") };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(io)?;
        Ok(path.display().to_string())
    }

    /// Writes a CSV next to the data (`exports/<stem>-<time>.csv`) and records the export: once
    /// for each customer it names (so their audit trail shows it), or once when it names none.
    fn write_export(&mut self, stem: &str, entity: &str, csv: &str, customers: &[Uuid]) -> Result<ExportedFile> {
        let name = format!("{stem}-{}.csv", self.clock.now().format("%Y-%m-%d-%H%M%S"));
        let shown = self.save_export(&name, csv.as_bytes())?;
        let mut named = customers.to_vec();
        named.sort();
        named.dedup();
        self.write(|w| {
            if named.is_empty() {
                return audit::record(w, AuditAction::Export, entity, None, None, Some(&shown));
            }
            named.iter().try_for_each(|c| audit::record(w, AuditAction::Export, entity, None, Some(*c), Some(&shown)))
        })?;
        Ok(ExportedFile { path: shown, bytes: u32::try_from(csv.len()).unwrap_or(u32::MAX) })
    }

    /// Customers at risk now, with why and their open follow-up (supervisors and admins).
    pub fn at_risk_customers(&self) -> Result<Vec<crate::insight::AtRiskCustomer>> {
        self.require_supervisor("see customers at risk")?;
        crate::insight::at_risk(&self.conn, self.clock.now(), 200)
    }

    /// How well the loop closed for the store's conversations in `[from, to)`.
    pub fn loop_metrics(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<crate::follow_ups::board::LoopMetrics> {
        self.require_supervisor("see the store's follow-up figures")?;
        if from >= to {
            return Err(CoreError::field("from", "The period must start before it ends."));
        }
        crate::follow_ups::board::metrics(&self.conn, self.store_id, from, to, self.clock.now())
    }

    pub fn open_customer(&self, id: Uuid) -> Result<CustomerPage> {
        page::open(&self.conn, id, self.clock.now())
    }

    /// A page of a customer's timeline (older history, or filtered by touch point/channel).
    pub fn customer_timeline(&self, id: Uuid, query: &TimelineQuery) -> Result<TimelinePage> {
        customers::get(&self.conn, id)?;
        page::timeline(&self.conn, id, query, self.clock.now())
    }

    /// Deletes a customer (supervisors and admins). A delete beats any edit made elsewhere at
    /// the same time; only an explicit restore brings the customer back.
    pub fn delete_customer(&mut self, id: Uuid) -> Result<()> {
        self.require_supervisor("delete a customer")?;
        self.require_supervisor_device("delete a customer")?;
        customers::get(&self.conn, id)?;
        self.tombstone(id, false)
    }

    /// Brings a deleted (not erased) customer back.
    pub fn restore_customer(&mut self, id: Uuid) -> Result<Customer> {
        self.require_supervisor("restore a customer")?;
        self.require_supervisor_device("restore a customer")?;
        let erased: Option<bool> = self
            .conn
            .query_row("SELECT erased_at IS NOT NULL FROM customers WHERE id = ?1", [id.to_string()], |r| r.get(0))
            .optional()?;
        match erased {
            None => return Err(CoreError::not_found("This customer")),
            Some(true) => {
                return Err(CoreError::Validation {
                    message: "An erased customer cannot be restored.".into(),
                    fields: vec![],
                })
            }
            Some(false) => {}
        }
        self.tombstone(id, true)?;
        customers::get(&self.conn, id)
    }

    /// Records a delete or a restore here exactly as a desk receiving it would apply it.
    fn tombstone(&mut self, id: Uuid, restore: bool) -> Result<()> {
        self.write(|w| {
            let target = touchpoint_protocol::CustomerRef { customer_id: id };
            let body = if restore { OpBody::CustomerRestored(target) } else { OpBody::CustomerDeleted(target) };
            let op = w.record(body)?;
            crate::sync::apply::tombstone(&w.tx, &target, restore, &op.hlc.to_string(), w.now)?;
            let what = if restore { "restored" } else { "deleted" };
            audit::record(w, AuditAction::Change, "customer", Some(id), Some(id), Some(what))
        })
    }

    /// The scorecard's criteria: the organisation's server's, or on a desk that is not
    /// connected, the ones its administrator defined.
    pub fn review_criteria(&self) -> Result<Vec<reviews::ReviewCriterion>> {
        reviews::criteria(&self.conn)
    }

    /// Adds a criterion to the scorecard (administrators of a desk that is not connected).
    pub fn add_review_criterion(&mut self, name: &str) -> Result<reviews::ReviewCriterion> {
        self.require_scorecard_admin()?;
        reviews::add_criterion(&self.conn, name)
    }

    pub fn rename_review_criterion(&mut self, id: Uuid, name: &str) -> Result<reviews::ReviewCriterion> {
        self.require_scorecard_admin()?;
        reviews::rename_criterion(&self.conn, id, name)
    }

    /// Takes a criterion off the scorecard; earlier reviews keep what they scored.
    pub fn retire_review_criterion(&mut self, id: Uuid) -> Result<()> {
        self.require_scorecard_admin()?;
        reviews::retire_criterion(&self.conn, id)
    }

    fn require_scorecard_admin(&self) -> Result<()> {
        if self.role()? != Role::Admin {
            return Err(CoreError::forbidden("change the review scorecard"));
        }
        if self.sync_settings()?.is_some() {
            return Err(CoreError::Refused {
                message: "This desk is connected to your organisation's server: the review scorecard is managed there. Ask an administrator.".into(),
            });
        }
        Ok(())
    }

    /// Conversations to review (supervisors and admins).
    pub fn review_queue(&self, filter: &reviews::ReviewQueueFilter) -> Result<Vec<reviews::QueueItem>> {
        self.require_supervisor("review conversations")?;
        reviews::queue(&self.conn, filter, self.staff_id)
    }

    /// Reviews a conversation (supervisors and admins, not their own).
    pub fn record_review(&mut self, input: &reviews::NewReview) -> Result<reviews::Review> {
        self.require_supervisor("review conversations")?;
        self.require_supervisor_device("review conversations")?;
        let record = reviews::validate(&self.conn, input, self.staff_id)?;
        let id = record.review_id;
        self.write(|w| {
            let op = w.record(OpBody::ReviewRecorded(record.clone()))?;
            reviews::insert(&w.tx, &record, w.actor.staff_id, w.actor.device_id, &op.hlc.to_string(), w.now)
        })?;
        reviews::get(&self.conn, id)
    }

    /// The reviewed person says they have read a review of their work.
    pub fn acknowledge_review(&mut self, review: Uuid) -> Result<reviews::Review> {
        let target = reviews::target(&self.conn, review)?.ok_or_else(|| CoreError::not_found("This review"))?;
        if target.staff != self.staff_id {
            return Err(CoreError::Forbidden {
                message: "Only the person whose work was reviewed can acknowledge it.".into(),
            });
        }
        if target.acknowledged {
            return Err(CoreError::Validation {
                message: "You already acknowledged this review.".into(),
                fields: vec![],
            });
        }
        self.write(|w| {
            let ack = touchpoint_protocol::ReviewAck {
                review_id: review,
                customer_id: target.customer,
                store_id: target.store,
            };
            let op = w.record(OpBody::ReviewAcknowledged(ack))?;
            reviews::insert_ack(&w.tx, review, w.actor.staff_id, &op.hlc.to_string(), w.now)
        })?;
        reviews::get(&self.conn, review)
    }

    /// Reviews of the signed-in person's work, those to acknowledge first.
    pub fn my_reviews(&self) -> Result<Vec<reviews::Review>> {
        reviews::for_staff(&self.conn, self.staff_id)
    }

    /// Reviews of one conversation (supervisors, or the person who logged it).
    pub fn interaction_reviews(&self, interaction: Uuid) -> Result<Vec<reviews::Review>> {
        let found = reviews::for_interaction(&self.conn, interaction)?;
        if self.require_supervisor("read other people's reviews").is_err() {
            return Ok(found.into_iter().filter(|r| r.staff.id == self.staff_id).collect());
        }
        Ok(found)
    }

    /// Erases a customer at their request (supervisors and admins): personal data goes from
    /// this desk, the server and, through sync, every desk; an anonymous stub keeps counts.
    pub fn erase_customer(&mut self, id: Uuid) -> Result<()> {
        self.require_supervisor("erase a customer")?;
        self.require_supervisor_device("erase a customer")?;
        let known: bool = self.conn.query_row(
            "SELECT count(*) FROM customers WHERE id = ?1 AND erased_at IS NULL",
            [id.to_string()],
            |r| r.get(0),
        )?;
        if !known {
            return Err(CoreError::not_found("This customer"));
        }
        self.write(|w| {
            w.record(OpBody::CustomerErased(touchpoint_protocol::CustomerRef { customer_id: id }))?;
            // What this desk has not sent yet about them must not carry their data either.
            w.tx.execute(
                "DELETE FROM outbox WHERE state = 'pending' AND kind = 'customer_patch' AND entity_id = ?1",
                [id.to_string()],
            )?;
            customers::erase(&w.tx, id, w.now)?;
            audit::record(w, AuditAction::Erase, "customer", Some(id), Some(id), None)
        })
    }

    /// A connected desk takes its staff list and PINs from the organisation's server.
    fn refuse_when_connected(&self) -> Result<()> {
        if self.sync_settings()?.is_some() {
            return Err(CoreError::Refused {
                message: "This desk is connected to your organisation's server: staff and PINs are managed there. Ask an administrator.".into(),
            });
        }
        Ok(())
    }

    /// The role the server enrolled this desk as; `None` when it is not connected.
    fn device_role(&self) -> Result<Option<Role>> {
        if self.sync_settings()?.is_none() {
            return Ok(None);
        }
        let role: Option<String> = self.conn.query_row("SELECT device_role FROM sync_state", [], |r| r.get(0))?;
        // Enrolled before desks were told: the server decides, as a frontline desk would.
        Ok(Some(role.and_then(|r| r.parse().ok()).unwrap_or(Role::Frontline)))
    }

    /// Reviews, deletions and erasures leave a connected desk only if it is a supervisor's or
    /// an administrator's (the server refuses them from a till, whoever is signed in).
    fn require_supervisor_device(&self, what: &str) -> Result<()> {
        if self.device_role()? == Some(Role::Frontline) {
            return Err(CoreError::Forbidden {
                message: format!(
                    "This desk is connected as a frontline desk, so it cannot {what}: do it on a supervisor's desk (an administrator issues supervisor enrollment codes)."
                ),
            });
        }
        Ok(())
    }

    pub(crate) fn require_supervisor(&self, what: &str) -> Result<()> {
        match self.role()? {
            Role::Frontline => Err(CoreError::forbidden(what)),
            Role::Supervisor | Role::Admin => Ok(()),
        }
    }

    /// Logs a conversation (and how the customer felt) in one transaction with its outbox ops.
    pub fn log_interaction(&mut self, input: &LogInteraction) -> Result<LoggedInteraction> {
        self.write(|w| {
            if let Some(earlier) = interactions::earlier_submission(&w.tx, input.submission_id)? {
                return Ok(earlier);
            }
            let checked = interactions::validate(&w.tx, input, w.now)?;
            let op = w.record(OpBody::InteractionLogged(checked.interaction.clone()))?;
            interactions::insert_interaction(&w.tx, &checked.interaction, w.actor, &op.hlc.to_string(), w.now)?;
            let feedback_id = match &checked.feedback {
                Some(f) => {
                    let op = w.record(OpBody::FeedbackRecorded(f.clone()))?;
                    interactions::insert_feedback(&w.tx, f, w.actor, &op.hlc.to_string(), w.now)?;
                    Some(f.feedback_id)
                }
                None => None,
            };
            let proposal = follow_ups::propose(&checked, w.actor.staff_id, w.now);
            let logged =
                LoggedInteraction { interaction_id: checked.interaction.interaction_id, feedback_id, proposal };
            interactions::remember_submission(&w.tx, input.submission_id, &logged, w.now)?;
            Ok(logged)
        })
    }

    /// Corrects a logged interaction with a new amendment event; the original is kept.
    pub fn amend_interaction(&mut self, input: &AmendInteraction) -> Result<()> {
        self.write(|w| {
            let record = amendments::validate(&w.tx, input)?;
            let op = w.record(OpBody::InteractionAmended(record.clone()))?;
            amendments::insert(&w.tx, &record, w.actor, &op.hlc.to_string(), w.now)?;
            let fields = audit::changed_fields(&record.changes, &[]);
            let (interaction, customer) = (Some(record.interaction_id), record.customer_id);
            audit::record(w, AuditAction::Change, "interaction", interaction, customer, Some(&fields))
        })
    }

    pub fn create_follow_up(&mut self, input: &NewFollowUp) -> Result<FollowUp> {
        let id = self.write(|w| {
            let patch = follow_ups::validate_new(&w.tx, input, w.now)?;
            let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
            follow_ups::apply_patch(&w.tx, &patch, &op.hlc.to_string(), w.actor.staff_id, w.actor.store_id, w.now)?;
            Ok(patch.follow_up_id)
        })?;
        follow_ups::get(&self.conn, id, self.clock.now())
    }

    /// Closes a follow-up as done (with how the customer feels now) or as could not reach.
    pub fn close_follow_up(&mut self, input: &CloseFollowUp) -> Result<FollowUp> {
        self.write(|w| {
            let patch = follow_ups::validate_close(&w.tx, input, w.now)?;
            let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
            follow_ups::apply_patch(&w.tx, &patch, &op.hlc.to_string(), w.actor.staff_id, w.actor.store_id, w.now)
        })?;
        follow_ups::get(&self.conn, input.follow_up_id, self.clock.now())
    }

    /// The signed-in staff member's open follow-ups, most overdue first.
    pub fn my_follow_ups(&self) -> Result<Vec<FollowUp>> {
        follow_ups::open_for_owner(&self.conn, self.staff_id, self.clock.now())
    }

    /// Follow-ups the signed-in staff member closed in the last 24 hours.
    pub fn my_recently_closed_follow_ups(&self) -> Result<Vec<FollowUp>> {
        let now = self.clock.now();
        follow_ups::recently_closed_by_owner(&self.conn, self.staff_id, now - chrono::Duration::hours(24), now)
    }

    pub fn staff_id(&self) -> Uuid {
        self.staff_id
    }

    /// Imports customers from CSV text: a dry run (`commit == false`) writes nothing and says
    /// what each line would do; a commit applies that plan in one transaction. Supervisors
    /// and admins only.
    pub fn import_customers(&mut self, csv: &str, commit: bool, choices: &[ImportChoice]) -> Result<ImportReport> {
        if self.role()? == Role::Frontline {
            return Err(CoreError::forbidden("import customers"));
        }
        let region = self.region;
        if !commit {
            let (planned, ignored) = import::plan(&self.conn, csv, region, choices)?;
            return Ok(import::report(&planned, ignored, false));
        }
        let home = self.store_id;
        self.write(|w| {
            let (planned, ignored) = import::plan(&w.tx, csv, region, choices)?;
            let waiting: Vec<String> = planned
                .iter()
                .filter(|p| p.row.action == import::RowAction::Conflict)
                .map(|p| p.row.line.to_string())
                .collect();
            if !waiting.is_empty() {
                return Err(CoreError::field(
                    "choices",
                    format!(
                        "Choose what to do with line {} first: the phone matches a customer with another name.",
                        waiting.join(", ")
                    ),
                ));
            }
            for p in &planned {
                if let Some(patch) = &p.patch {
                    let mut patch = patch.clone();
                    if p.row.action == import::RowAction::Create {
                        patch.home_store_id = Some(home);
                    }
                    apply_customer_patch(w, patch)?;
                }
            }
            let report = import::report(&planned, ignored, true);
            let detail = format!("{} created, {} updated, {} refused", report.created, report.updated, report.errors);
            audit::record(w, AuditAction::Import, "customers", None, None, Some(&detail))?;
            Ok(report)
        })
    }

    /// Writes the customer's full record as JSON into the `exports` folder next to the
    /// database, and records the export in the audit log.
    pub fn export_customer(&mut self, id: Uuid) -> Result<ExportedFile> {
        let now = self.clock.now();
        let me = catalogue::staff_member(&self.conn, self.staff_id)?.map(|s| s.name).unwrap_or_default();
        let record = record::record(&self.conn, id, me, now)?;
        let json = serde_json::to_vec_pretty(&record)?;
        let shown = self.save_export(&record::file_name(&record.customer.name, now), &json)?;
        self.write(|w| audit::record(w, AuditAction::Export, "customer", Some(id), Some(id), Some(&shown)))?;
        Ok(ExportedFile { path: shown, bytes: u32::try_from(json.len()).unwrap_or(u32::MAX) })
    }

    pub(crate) fn role(&self) -> Result<Role> {
        Ok(catalogue::staff_member(&self.conn, self.staff_id)?
            .ok_or_else(|| CoreError::not_found("The signed-in staff member"))?
            .role)
    }

    pub fn list_staff(&self) -> Result<Vec<StaffListing>> {
        staff::list(&self.conn)
    }

    /// Switches the signed-in staff member; from now on every event records them. Wrong PINs
    /// make sign-in for that person wait, longer each time, even across restarts; each pause
    /// is recorded in the audit log.
    pub fn sign_in(&mut self, staff_id: Uuid, pin: Option<&str>) -> Result<StaffMember> {
        let now = self.clock.now();
        staff::refuse_while_paused(&self.conn, staff_id, now)?;
        match staff::pin_check(&self.conn, staff_id)? {
            staff::PinCheck::None => {}
            staff::PinCheck::Here(hash) => {
                let pin = staff::typed(pin)?;
                if !staff::matches(&hash, pin) {
                    return Err(self.wrong_pin(staff_id, None));
                }
            }
            staff::PinCheck::Server => {
                return Err(CoreError::Offline {
                    message: "This person's PIN is checked by the server, which this desk cannot reach now. \
                              Sign in on a supervisor's desk, or when the network is back."
                        .into(),
                });
            }
        }
        self.signed_in(staff_id)
    }

    /// Whether `staff_id`'s PIN is checked by the server (this desk does not hold it).
    pub fn pin_checked_by_server(&self, staff_id: Uuid) -> Result<bool> {
        Ok(staff::pin_check(&self.conn, staff_id)? == staff::PinCheck::Server)
    }

    /// Refuses while sign-in for `staff_id` waits after wrong PINs.
    pub fn refuse_while_paused(&self, staff_id: Uuid) -> Result<()> {
        staff::refuse_while_paused(&self.conn, staff_id, self.clock.now())
    }

    /// Finishes a sign-in whose PIN the server checked.
    pub fn sign_in_checked(
        &mut self,
        staff_id: Uuid,
        answer: &touchpoint_protocol::PinCheckResponse,
    ) -> Result<StaffMember> {
        if !answer.accepted {
            // The server's pause (it counts wrong PINs typed at every desk) holds here too.
            return Err(self.wrong_pin(staff_id, answer.locked_until));
        }
        self.signed_in(staff_id)
    }

    fn signed_in(&mut self, staff_id: Uuid) -> Result<StaffMember> {
        staff::note_right(&self.conn, staff_id)?;
        self.conn.execute("UPDATE device SET signed_in_staff = ?1", [staff_id.to_string()])?;
        self.staff_id = staff_id;
        catalogue::staff_member(&self.conn, staff_id)?.ok_or_else(|| CoreError::not_found("This staff member"))
    }

    /// Counts a wrong PIN; a pause that starts is recorded in the audit log (as the person
    /// signed in now, about the person whose PIN was tried).
    fn wrong_pin(&mut self, staff_id: Uuid, server_until: Option<DateTime<Utc>>) -> CoreError {
        let now = self.clock.now();
        let (failures, until) = match staff::note_wrong(&self.conn, staff_id, now, server_until) {
            Ok(counted) => counted,
            Err(e) => return e,
        };
        if let Some(until) = until {
            // Read by the Audit room, which says it in the reader's language.
            let name = catalogue::staff_member(&self.conn, staff_id).ok().flatten().map(|s| s.name).unwrap_or_default();
            let detail = format!("wrong_pins={failures};pause_secs={};name={name}", (until - now).num_seconds());
            if let Err(e) = self
                .write(|w| audit::record(w, AuditAction::SignInLocked, "staff", Some(staff_id), None, Some(&detail)))
            {
                return e;
            }
        }
        staff::wrong(failures, until, now)
    }

    /// Acts as another staff member without their PIN: for generating history (demo data),
    /// never offered to people.
    pub(crate) fn act_as(&mut self, staff_id: Uuid) {
        self.staff_id = staff_id;
    }

    /// Adds a staff member to this desk (admins only).
    pub fn add_staff(&mut self, input: &NewStaff) -> Result<StaffListing> {
        if self.role()? != Role::Admin {
            return Err(CoreError::forbidden("add staff"));
        }
        self.refuse_when_connected()?;
        let (name, pin) = staff::validate_new(input)?;
        let store = self.store_id;
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = staff::insert(&tx, &name, input.role, pin.as_deref(), store, now)?;
        tx.commit()?;
        Ok(StaffListing { id, name, role: input.role, has_pin: pin.is_some() })
    }

    /// Sets (or, with an empty PIN, removes) a PIN: your own, or anyone's as an admin.
    pub fn set_pin(&mut self, staff_id: Uuid, pin: &str) -> Result<()> {
        if staff_id != self.staff_id && self.role()? != Role::Admin {
            return Err(CoreError::forbidden("change someone else's PIN"));
        }
        self.refuse_when_connected()?;
        staff::set_pin(&self.conn, staff_id, pin)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts> {
        outbox::counts(&self.conn)
    }

    pub fn pending_ops(&self, limit: usize) -> Result<Vec<Op>> {
        outbox::pending(&self.conn, limit)
    }
}

fn apply_customer_patch(w: &mut Write<'_>, patch: touchpoint_protocol::CustomerPatch) -> Result<()> {
    let op = w.record(OpBody::CustomerPatch(patch.clone()))?;
    let hlc = op.hlc;
    let by = Author { staff_id: w.actor.staff_id, device_id: w.actor.device_id };
    customers::apply_patch(&w.tx, &patch, hlc, w.now, by)?;
    Ok(())
}

/// Gives a new database its identity and catalogue, once.
fn ensure_device(conn: &mut Connection, now: DateTime<Utc>, options: &DeskOptions) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let exists = tx.query_row("SELECT 1 FROM device", [], |_| Ok(())).optional()?.is_some();
    if !exists {
        let seeded = catalogue::seed(&tx, now)?;
        let region = options.region.as_deref().and_then(Region::parse).unwrap_or_default();
        tx.execute(
            "INSERT INTO device (singleton, device_id, store_id, default_region, touch_point_id, signed_in_staff, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                Uuid::now_v7().to_string(),
                seeded.store_id.to_string(),
                region.code(),
                seeded.touch_point_id.to_string(),
                seeded.staff_id.to_string(),
                ts(now),
            ],
        )?;
        tx.execute(
            "INSERT INTO sync_state (singleton, protocol_version, schema_version) VALUES (1, ?1, ?2)",
            params![touchpoint_protocol::PROTOCOL_VERSION, db::SCHEMA_VERSION as i64],
        )?;
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
