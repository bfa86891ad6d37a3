//! Erasure at a customer's request: their personal data goes from every table that holds it,
//! each table's owner erasing its own part.

use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use touchpoint_protocol::OpBody;
use uuid::Uuid;

use crate::access::Permission;
use crate::audit::{self, AuditAction};
use crate::customers::{self, links, merge};
use crate::desk::Desk;
use crate::error::{CoreError, Result};
use crate::follow_ups;
use crate::interactions::{self, amendments};
use crate::reviews;
use crate::sync::outbox;

/// Every personal detail of the customer is removed, on this desk: the profile and its change
/// history, the free text of their conversations, feedback, corrections, follow-ups and the
/// reviews of their conversations, and audit details that could name them. An anonymous stub
/// stays so counts and scores stay right. Cannot be undone. The same whether the erasure was
/// asked for here or arrives from the server.
pub(crate) fn personal_data(tx: &Transaction<'_>, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    customers::erase_profile(tx, id, at)?;
    // A merge naming an erased record no longer holds: what was logged on the record points
    // back at it (to be erased below) and the values it gave its survivor go.
    merge::erase_details(tx, id)?;
    merge::settle(tx, &[id])?;
    audit::erase_details(tx, id)?;
    interactions::erase_free_text(tx, id)?;
    amendments::erase_free_text(tx, id)?;
    follow_ups::erase_free_text(tx, id)?;
    reviews::erase_comments(tx, id)
}

impl Desk {
    /// Erases a customer at their request (supervisors and admins): personal data goes from
    /// this desk, the server and, through sync, every desk; an anonymous stub keeps counts.
    pub fn erase_customer(&mut self, id: Uuid) -> Result<()> {
        self.require(Permission::EraseCustomer)?;
        let known: bool = self.conn.query_row(
            "SELECT count(*) FROM customers WHERE id = ?1 AND erased_at IS NULL",
            [id.to_string()],
            |r| r.get(0),
        )?;
        if !known {
            return Err(CoreError::not_found("This customer"));
        }
        // The person is every record merged into them too: each is erased.
        let root = links::resolve(&self.conn, id)?;
        let mut records = vec![root];
        records.extend(links::members(&self.conn, root)?);
        self.write(|w| {
            for &id in &records {
                w.record(OpBody::CustomerErased(touchpoint_protocol::CustomerRef { customer_id: id }))?;
                // What this desk has not sent yet about them must not carry their data either.
                outbox::drop_pending_profile_changes(&w.tx, id)?;
                personal_data(&w.tx, id, w.now)?;
                audit::record(w, AuditAction::Erase, "customer", Some(id), Some(id), None)?;
            }
            Ok(())
        })
    }
}
