//! Stewardship: who viewed, changed, exported, imported or erased what, and when.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;
use specta::Type;

use crate::db::ts;
use crate::error::Result;
use crate::interactions::Actor;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    View,
    Change,
    Export,
    Erase,
    Import,
}

impl AuditAction {
    fn as_str(self) -> &'static str {
        match self {
            AuditAction::View => "view",
            AuditAction::Change => "change",
            AuditAction::Export => "export",
            AuditAction::Erase => "erase",
            AuditAction::Import => "import",
        }
    }
}

pub(crate) fn record(
    conn: &Connection,
    by: Actor,
    at: DateTime<Utc>,
    action: AuditAction,
    entity: &str,
    entity_id: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, staff_id, device_id, action, entity, entity_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        ts(at),
        by.staff_id.to_string(),
        by.device_id.to_string(),
        action.as_str(),
        entity,
        entity_id,
        detail
    ])?;
    Ok(())
}
