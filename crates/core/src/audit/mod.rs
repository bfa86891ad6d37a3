//! Stewardship: who viewed, changed, exported, imported or erased what, and when. Entries are
//! append-only events that sync, so a supervisor's desk shows the whole store's.

use crate::access::Permission;
use crate::desk::Desk;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;
pub use touchpoint_protocol::AuditAction;
use touchpoint_protocol::{AuditRecord, OpBody};
use uuid::Uuid;

use crate::db::{enum_col, opt_uuid_col, ts, ts_col};
use crate::desk::Write;
use crate::error::Result;

/// Looking at a customer again within this long is not recorded again.
pub const VIEW_QUIET: Duration = Duration::minutes(10);

/// Records an entry (and its op) in the write it belongs to.
pub(crate) fn record(
    w: &mut Write<'_>,
    action: AuditAction,
    entity: &str,
    entity_id: Option<Uuid>,
    customer_id: Option<Uuid>,
    detail: Option<&str>,
) -> Result<()> {
    let entry = AuditRecord {
        entry_id: Uuid::now_v7(),
        action,
        entity: entity.to_owned(),
        entity_id,
        customer_id,
        detail: detail.map(str::to_owned),
    };
    w.record(OpBody::AuditRecorded(entry.clone()))?;
    insert(&w.tx, &entry, w.actor.staff_id, w.actor.device_id, w.now)
}

/// The detail of a change entry: `fields:` and the names of the fields a patch sets (those it
/// leaves out are unchanged), e.g. `fields:name,phones`. `skip`: keys that are not fields.
pub(crate) fn changed_fields(patch: &impl serde::Serialize, skip: &[&str]) -> String {
    let names: Vec<String> = match serde_json::to_value(patch) {
        Ok(serde_json::Value::Object(map)) => {
            map.into_iter().map(|(k, _)| k).filter(|k| !skip.contains(&k.as_str())).collect()
        }
        _ => Vec::new(),
    };
    format!("fields:{}", names.join(","))
}

/// Stores an entry made here or pulled; the same entry twice is stored once.
pub(crate) fn insert(conn: &Connection, e: &AuditRecord, staff: Uuid, device: Uuid, at: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at, staff_id, device_id, action, entity, entity_id, customer_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![
        e.entry_id.to_string(),
        ts(at),
        staff.to_string(),
        device.to_string(),
        e.action.as_str(),
        e.entity,
        e.entity_id.map(|i| i.to_string()),
        e.customer_id.map(|c| c.to_string()),
        e.detail,
    ])?;
    Ok(())
}

/// Whether `staff` looked at `customer` within the quiet period (so a refresh is not a view).
pub(crate) fn viewed_lately(conn: &Connection, staff: Uuid, customer: Uuid, now: DateTime<Utc>) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM audit_log WHERE staff_id = ?1 AND customer_id = ?2 AND action = 'view' AND at >= ?3 LIMIT 1",
        )?
        .query_row(params![staff.to_string(), customer.to_string(), ts(now - VIEW_QUIET)], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Which entries the audit view shows. Every filter is optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Type)]
pub struct AuditFilter {
    pub customer_id: Option<Uuid>,
    pub staff_id: Option<Uuid>,
    pub action: Option<AuditAction>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// At most 500; 200 when left out.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub staff: String,
    pub action: AuditAction,
    pub entity: String,
    pub customer_id: Option<Uuid>,
    /// The customer's name now (empty once erased).
    pub customer_name: Option<String>,
    pub detail: Option<String>,
}

/// Entries newest first.
pub fn entries(conn: &Connection, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
    // One customer's trail is read through its own index; everything else through time.
    let customer = if f.customer_id.is_some() {
        "(a.customer_id = ?1 OR (a.customer_id IS NULL AND a.entity = 'customer' AND a.entity_id = ?1))"
    } else {
        "?1 IS NULL"
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.at, coalesce(s.name, 'Unknown staff member'), a.action, a.entity,
                coalesce(a.customer_id, CASE WHEN a.entity = 'customer' THEN a.entity_id END), c.name, c.erased_at,
                a.detail
         FROM audit_log a
         LEFT JOIN staff s ON s.id = a.staff_id
         LEFT JOIN customers c ON c.id = coalesce(a.customer_id, CASE WHEN a.entity = 'customer' THEN a.entity_id END)
         WHERE {customer}
           AND (?2 IS NULL OR a.staff_id = ?2)
           AND (?3 IS NULL OR a.action = ?3)
           AND (?4 IS NULL OR a.at >= ?4)
           AND (?5 IS NULL OR a.at < ?5)
         ORDER BY a.at DESC, a.rowid DESC
         LIMIT ?6"
    ))?;
    let rows = stmt.query_map(
        params![
            f.customer_id.map(|c| c.to_string()),
            f.staff_id.map(|s| s.to_string()),
            f.action.map(|a| a.as_str()),
            f.from.map(ts),
            f.to.map(ts),
            f.limit.unwrap_or(200).clamp(1, 500),
        ],
        |r| {
            let erased: Option<String> = r.get(6)?;
            let name: Option<String> = r.get(5)?;
            Ok(AuditEntry {
                at: ts_col(r, 0)?,
                staff: r.get(1)?,
                action: enum_col(r, 2)?,
                entity: r.get(3)?,
                customer_id: opt_uuid_col(r, 4)?,
                customer_name: if erased.is_some() { Some(String::new()) } else { name },
                detail: r.get(7)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Erasure: an entry's detail may carry the customer's name (an export's file name); the
/// entry itself stays (who did what, when), and the erasure's own entry keeps its detail.
/// Audit entries about `id` show on `root` (a merge), or on `id` again.
pub(crate) fn repoint(tx: &Transaction<'_>, id: &str, root: &str) -> Result<()> {
    crate::db::repoint_rows(tx, "audit_log", id, root)
}

pub(crate) fn erase_details(tx: &Transaction<'_>, customer: Uuid) -> Result<()> {
    tx.prepare_cached("UPDATE audit_log SET detail = NULL WHERE customer_id = ?1 AND action <> 'erase'")?
        .execute([customer.to_string()])?;
    Ok(())
}

impl Desk {
    /// Who viewed, changed, exported or erased which customer, when (supervisors and admins).
    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.require(Permission::ReadAudit)?;
        entries(&self.conn, filter)
    }

    /// The audit trail's "viewed" entry for a customer page just shown (one per person and
    /// customer within a short while). A view is recorded even by someone who may not save
    /// anything yet.
    pub(crate) fn record_view(&mut self, id: Uuid) -> Result<()> {
        if !viewed_lately(&self.conn, self.staff_id, id, self.clock.now())? {
            let _ = self.write(|w| record(w, AuditAction::View, "customer", Some(id), Some(id), None));
        }
        Ok(())
    }
}
