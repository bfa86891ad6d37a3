//! Customers found on the server by a search that found nobody on this desk, described for
//! the search list (store names from the catalogue, phones as people write them).

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::{CustomerConflict, FieldConflict, RemoteCustomer};
use uuid::Uuid;

use crate::access::Permission;
use crate::contact;
use crate::error::Result;
use crate::Desk;

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ServerCustomer {
    pub customer_id: Uuid,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub loyalty_id: Option<String>,
    /// Where they usually shop.
    pub home_store: Option<String>,
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// A profile field that two desks set at the same time: what was kept and what was not, by
/// whom, so a supervisor can check with the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ProfileConflict {
    /// The field as the profile history names it (`name`, `phones`, `note`, …).
    pub field: String,
    /// Stored form: text, or JSON for lists and consent (as in the profile history).
    pub kept: Option<String>,
    pub kept_by: String,
    pub not_kept: Option<String>,
    pub not_kept_by: String,
    pub at: DateTime<Utc>,
}

/// A conflict on one of the store's customers, for the supervisors' list: whose profile, and
/// both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct StoreConflict {
    pub customer_id: Uuid,
    /// Their name on this desk; `None` when they were erased or are not on this desk.
    pub customer_name: Option<String>,
    pub conflict: ProfileConflict,
}

/// A JSON value as the profile history stores it: text as itself, lists and objects as JSON.
fn stored_form(json: &str) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Null) => None,
        Ok(serde_json::Value::String(s)) if s.is_empty() => None,
        Ok(serde_json::Value::String(s)) => Some(s),
        Ok(other) => Some(other.to_string()),
        Err(_) => Some(json.to_owned()),
    }
}

impl Desk {
    /// Describes conflicts the server recorded for a customer, with staff names from the
    /// catalogue.
    pub fn describe_conflicts(&self, found: Vec<FieldConflict>) -> Result<Vec<ProfileConflict>> {
        let name = |id: Option<Uuid>| -> Result<String> {
            let known = match id {
                Some(id) => crate::staff::staff_member(&self.conn, id)?.map(|s| s.name),
                None => None,
            };
            Ok(known.unwrap_or_else(|| "Unknown staff member".to_owned()))
        };
        found
            .into_iter()
            .map(|c| {
                Ok(ProfileConflict {
                    field: c.field,
                    kept: stored_form(&c.kept_value),
                    kept_by: name(c.kept_staff_id)?,
                    not_kept: stored_form(&c.lost_value),
                    not_kept_by: name(c.lost_staff_id)?,
                    at: c.recorded_at,
                })
            })
            .collect()
    }

    /// The newest conflicts on the store's customers, described (supervisors and admins).
    /// Conflicting edits are for supervisors and admins (asked before going to the server).
    pub fn may_see_conflicts(&self) -> Result<()> {
        self.require(Permission::SeeConflicts)
    }

    pub fn describe_recent_conflicts(&self, found: Vec<CustomerConflict>) -> Result<Vec<StoreConflict>> {
        self.may_see_conflicts()?;
        let mut out = Vec::with_capacity(found.len());
        for c in found {
            let customer_name: Option<String> = self
                .conn
                .prepare_cached("SELECT name FROM customers WHERE id = ?1 AND erased_at IS NULL")?
                .query_row([c.customer_id.to_string()], |r| r.get(0))
                .optional()?;
            let conflict = self.describe_conflicts(vec![c.conflict])?.remove(0);
            out.push(StoreConflict { customer_id: c.customer_id, customer_name, conflict });
        }
        Ok(out)
    }

    /// Describes customers found on the server; those this desk already holds are left out
    /// (the local search shows them).
    pub fn describe_server_customers(&self, found: Vec<RemoteCustomer>) -> Result<Vec<ServerCustomer>> {
        let mut out = Vec::with_capacity(found.len());
        for c in found {
            let local = self
                .conn
                .prepare_cached("SELECT 1 FROM customers WHERE id = ?1 AND deleted_at IS NULL")?
                .query_row([c.customer_id.to_string()], |_| Ok(()))
                .optional()?
                .is_some();
            if local {
                continue;
            }
            let home_store = match c.home_store_id {
                Some(id) => self
                    .conn
                    .prepare_cached("SELECT name FROM stores WHERE id = ?1")?
                    .query_row([id.to_string()], |r| r.get(0))
                    .optional()?,
                None => None,
            };
            out.push(ServerCustomer {
                customer_id: c.customer_id,
                name: c.name,
                phone: c.phones.first().map(|p| contact::display_phone(p).display),
                email: c.emails.first().cloned(),
                loyalty_id: c.loyalty_id,
                home_store,
                last_seen_at: c.last_seen_at,
            });
        }
        Ok(out)
    }
}
