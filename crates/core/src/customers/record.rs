//! A customer's full record as one JSON document, for privacy (subject access) requests.

use crate::audit;
use crate::audit::AuditAction;
use crate::desk::Desk;
use crate::staff;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use specta::Type;
use uuid::Uuid;

use crate::customers::page::{self, TimelineEntry, TimelineQuery};
use crate::customers::{self, Customer, ProfileChange};
use crate::error::Result;
use crate::follow_ups::{self, FollowUp};

#[derive(Debug, Clone, Serialize, Type)]
pub struct CustomerRecord {
    pub format: String,
    pub exported_at: DateTime<Utc>,
    pub exported_by: String,
    pub customer: Customer,
    pub profile_history: Vec<ProfileChange>,
    /// Every interaction (with feedback and corrections) and follow-up event, newest first.
    pub timeline: Vec<TimelineEntry>,
    pub follow_ups: Vec<FollowUp>,
}

/// Where an export was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct ExportedFile {
    pub path: String,
    pub bytes: u32,
}

pub(crate) fn record(conn: &Connection, id: Uuid, by: String, now: DateTime<Utc>) -> Result<CustomerRecord> {
    let customer = customers::get(conn, id)?;
    let mut timeline = Vec::new();
    let mut q = TimelineQuery { limit: Some(1000), ..TimelineQuery::default() };
    loop {
        let page = page::timeline(conn, id, &q, now)?;
        timeline.extend(page.entries);
        match page.next {
            Some(next) => q.before = Some(next),
            None => break,
        }
    }
    Ok(CustomerRecord {
        format: "touchpoint.customer-record/1".into(),
        exported_at: now,
        exported_by: by,
        profile_history: customers::history(conn, id)?,
        follow_ups: follow_ups::for_customer(conn, id, now)?,
        timeline,
        customer,
    })
}

/// `ana-souza-2026-11-23.json`: readable, and safe on every file system.
pub(crate) fn file_name(name: &str, now: DateTime<Utc>) -> String {
    let slug: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() { "customer".to_owned() } else { slug.chars().take(60).collect() };
    format!("{slug}-{}.json", now.format("%Y-%m-%d-%H%M%S"))
}

/// A CSV document of several sections, each with its own header (rows may differ in length),
/// for spreadsheets.
pub struct Csv(csv::Writer<Vec<u8>>);

impl Default for Csv {
    fn default() -> Self {
        Csv(csv::WriterBuilder::new().flexible(true).from_writer(Vec::new()))
    }
}

impl Csv {
    pub fn row<I, T>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.0
            .write_record(fields)
            .map_err(|e| crate::CoreError::Storage { message: format!("Could not write the CSV: {e}") })
    }

    pub fn finish(self) -> Result<String> {
        let fail = |message: String| crate::CoreError::Storage { message };
        let bytes = self.0.into_inner().map_err(|e| fail(format!("Could not write the CSV: {e}")))?;
        String::from_utf8(bytes).map_err(|e| fail(format!("Could not write the CSV: {e}")))
    }
}

impl Desk {
    /// Writes the customer's full record as JSON into the `exports` folder next to the
    /// database, and records the export in the audit log.
    pub fn export_customer(&mut self, id: Uuid) -> Result<ExportedFile> {
        let now = self.clock.now();
        let me = staff::staff_member(&self.conn, self.staff_id)?.map(|s| s.name).unwrap_or_default();
        let record = record(&self.conn, id, me, now)?;
        let json = serde_json::to_vec_pretty(&record)?;
        let shown = self.save_export(&file_name(&record.customer.name, now), &json)?;
        self.write(|w| audit::record(w, AuditAction::Export, "customer", Some(id), Some(id), Some(&shown)))?;
        Ok(ExportedFile { path: shown, bytes: u32::try_from(json.len()).unwrap_or(u32::MAX) })
    }
}
