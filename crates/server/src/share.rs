//! Each organisation's share of the database: one organisation's desks (a store chain's
//! Monday morning, or a broken desk retrying in a loop) may use at most a part of the
//! connections at once, so another organisation's desks are never left waiting for one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use touchpoint_protocol::ErrorCode;
use uuid::Uuid;

use crate::error::Failure;

/// How long a request waits for its organisation's turn before it is told to come back.
pub const TURN_WAIT: Duration = Duration::from_secs(3);

pub struct OrgShare {
    per_org: usize,
    gates: Mutex<HashMap<Uuid, Arc<Semaphore>>>,
}

/// A request's place in its organisation's share; given back when the request ends.
#[derive(Debug)]
pub struct Turn(#[allow(dead_code)] OwnedSemaphorePermit);

impl OrgShare {
    /// At most `per_org` requests of one organisation use the database at once.
    pub fn new(per_org: usize) -> Self {
        OrgShare { per_org: per_org.max(1), gates: Mutex::new(HashMap::new()) }
    }

    /// Three quarters of the pool for any one organisation, the rest always free for others.
    pub fn for_pool(connections: u32) -> Self {
        Self::new((connections as usize * 3 / 4).max(1))
    }

    pub fn per_org(&self) -> usize {
        self.per_org
    }

    /// Waits for a turn of `org`'s share; a 503 with Retry-After when it stays full.
    pub async fn enter(&self, org: Uuid) -> Result<Turn, Failure> {
        let gate = {
            let mut gates = self.gates.lock().unwrap_or_else(PoisonError::into_inner);
            gates.entry(org).or_insert_with(|| Arc::new(Semaphore::new(self.per_org))).clone()
        };
        match tokio::time::timeout(TURN_WAIT, gate.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Turn(permit)),
            _ => {
                tracing::warn!(%org, "organisation at its share of the database: request turned away");
                Err(Failure {
                    code: ErrorCode::Unavailable,
                    message: "This organisation's desks are sending a lot at once. Trying again shortly.".into(),
                    retry_after_secs: Some(2),
                })
            }
        }
    }
}
