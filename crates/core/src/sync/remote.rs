//! Customers found on the server by a search that found nobody on this desk, described for
//! the search list (store names from the catalogue, phones as people write them).

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::RemoteCustomer;
use uuid::Uuid;

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

impl Desk {
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
