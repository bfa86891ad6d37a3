//! Importing customers from CSV: a dry run says, line by line, what would be created, updated
//! or refused (and why), each field's old and new value; the commit applies exactly that plan
//! in one transaction. Rows match existing customers by external id, then email, then phone. A
//! row that matches only by phone but names someone else is a conflict: the person importing
//! chooses (keep the name, take the new one, or a new customer), never a silent rename.

use crate::access::Permission;
use crate::audit;
use crate::audit::AuditAction;
use crate::customers::apply_customer_patch;
use crate::desk::Desk;
use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::{Consent, CustomerPatch};
use uuid::Uuid;

use crate::contact::Region;
use crate::customers::{self, normalise_id, CustomerEdit};
use crate::db::uuid_col;
use crate::error::{CoreError, Result};

/// Refuse files larger than this (bytes) or with more rows; split them instead.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_ROWS: usize = 50_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Unchanged,
    /// Matches a customer only by phone but with another name: waits for a choice.
    Conflict,
    Error,
}

/// What to do with a conflicting row (a phone match under another name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ConflictChoice {
    /// The same person: update the other fields, keep the name on record.
    KeepName,
    /// The same person, renamed: take the file's name too.
    UseNewName,
    /// Someone else who shares the phone: create them as a new customer.
    NewCustomer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Type)]
pub struct ImportChoice {
    pub line: u32,
    pub choice: ConflictChoice,
}

/// One field a row sets, as it is now and as it would be. Lists are joined with ", "; consent
/// is the list of consents given (`marketing_email`, `marketing_sms`, `feedback_requests`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct FieldChange {
    pub field: String,
    /// None for a new customer, or a field empty until now.
    pub old: Option<String>,
    pub new: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ImportRow {
    /// Line number in the file (the header is line 1).
    pub line: u32,
    pub name: String,
    pub action: RowAction,
    /// The customer it updates.
    pub customer_id: Option<Uuid>,
    /// How it matched an existing customer (`external_id`, `email`, `phone`).
    pub matched_on: Option<String>,
    /// Fields it sets.
    pub fields: Vec<String>,
    /// Those fields' old and new values, in the same order.
    pub changes: Vec<FieldChange>,
    /// For a conflict: the name on record (the file's is `name`).
    pub current_name: Option<String>,
    /// The choice this plan applied, for a conflict that was decided.
    pub choice: Option<ConflictChoice>,
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ImportReport {
    pub committed: bool,
    pub rows: Vec<ImportRow>,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Rows waiting for a choice; a commit is refused until each has one.
    pub conflicts: u32,
    pub errors: u32,
    /// Columns the file has that Touchpoint does not read.
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Name,
    Phone,
    Email,
    Loyalty,
    External,
    Language,
    Tags,
    Note,
    ConsentEmail,
    ConsentSms,
    ConsentFeedback,
}

fn column(header: &str) -> Option<Column> {
    let h: String = header.trim().to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
    Some(match h.as_str() {
        "name" | "fullname" | "customer" | "customername" => Column::Name,
        "phone" | "phones" | "mobile" | "telephone" | "phonenumber" => Column::Phone,
        "email" | "emails" | "emailaddress" | "mail" => Column::Email,
        "loyalty" | "loyaltyid" | "loyaltynumber" | "loyaltycard" => Column::Loyalty,
        "externalid" | "external" | "customerid" | "crmid" | "id" => Column::External,
        "language" | "lang" | "preferredlanguage" => Column::Language,
        "tags" | "tag" | "labels" => Column::Tags,
        "note" | "notes" | "comment" => Column::Note,
        "consentemail" | "marketingemail" | "emailconsent" => Column::ConsentEmail,
        "consentsms" | "marketingsms" | "smsconsent" => Column::ConsentSms,
        "consentfeedback" | "feedbackrequests" | "feedbackconsent" => Column::ConsentFeedback,
        _ => return None,
    })
}

fn yes_no(v: &str) -> std::result::Result<bool, String> {
    match v.trim().to_lowercase().as_str() {
        "y" | "yes" | "true" | "1" | "x" | "sim" | "s" => Ok(true),
        "n" | "no" | "false" | "0" | "não" | "nao" | "" => Ok(false),
        other => Err(format!("“{other}” is not yes or no")),
    }
}

fn list(v: &str) -> Vec<String> {
    v.split([';', '|', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// A planned row, with the patch it would apply.
pub(crate) struct Planned {
    pub row: ImportRow,
    pub patch: Option<CustomerPatch>,
}

/// Reads the file and decides what each row does, without writing anything.
pub(crate) fn plan(
    conn: &Connection,
    text: &str,
    region: Region,
    choices: &[ImportChoice],
) -> Result<(Vec<Planned>, Vec<String>)> {
    if text.len() > MAX_BYTES {
        return Err(CoreError::field("file", "This file is larger than 20 MB. Split it into smaller files."));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter =
        if text.lines().next().is_some_and(|h| h.matches(';').count() > h.matches(',').count()) { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| CoreError::field("file", format!("The first line must name the columns: {e}")))?
        .clone();
    let mut columns: Vec<Option<Column>> = Vec::new();
    let mut ignored = Vec::new();
    for h in headers.iter() {
        let c = column(h);
        if c.is_none() && !h.trim().is_empty() {
            ignored.push(h.trim().to_owned());
        }
        columns.push(c);
    }
    if !columns.contains(&Some(Column::Name)) {
        return Err(CoreError::field("file", "The file needs a “name” column (and may have phone, email, loyalty_id, external_id, language, tags, note, consent_email, consent_sms, consent_feedback)."));
    }

    let mut planned = Vec::new();
    // Keys already claimed by earlier rows of this file → that row's line.
    let mut seen: HashMap<(String, String), u32> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        if i >= MAX_ROWS {
            return Err(CoreError::field(
                "file",
                format!("This file has more than {MAX_ROWS} rows. Split it into smaller files."),
            ));
        }
        let line = u32::try_from(i + 2).unwrap_or(u32::MAX);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                planned.push(Planned {
                    row: error_row(line, String::new(), vec![format!("This line cannot be read: {e}")]),
                    patch: None,
                });
                continue;
            }
        };
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let choice = choices.iter().find(|c| c.line == line).map(|c| c.choice);
        planned.push(plan_row(conn, line, &columns, &record, region, &mut seen, choice)?);
    }
    Ok((planned, ignored))
}

fn error_row(line: u32, name: String, errors: Vec<String>) -> ImportRow {
    ImportRow {
        line,
        name,
        action: RowAction::Error,
        customer_id: None,
        matched_on: None,
        fields: vec![],
        changes: vec![],
        current_name: None,
        choice: None,
        errors,
    }
}

fn plan_row(
    conn: &Connection,
    line: u32,
    columns: &[Option<Column>],
    record: &csv::StringRecord,
    region: Region,
    seen: &mut HashMap<(String, String), u32>,
    choice: Option<ConflictChoice>,
) -> Result<Planned> {
    let get = |c: Column| -> Option<&str> {
        columns.iter().position(|x| *x == Some(c)).and_then(|i| record.get(i)).map(str::trim).filter(|v| !v.is_empty())
    };
    let name = get(Column::Name).unwrap_or_default().to_owned();
    let mut errors = Vec::new();
    let mut consent: Option<Consent> = None;
    for (col, set) in [
        (Column::ConsentEmail, (|c: &mut Consent, v| c.marketing_email = v) as fn(&mut Consent, bool)),
        (Column::ConsentSms, |c: &mut Consent, v| c.marketing_sms = v),
        (Column::ConsentFeedback, |c: &mut Consent, v| c.feedback_requests = v),
    ] {
        if columns.contains(&Some(col)) {
            match yes_no(get(col).unwrap_or("")) {
                Ok(v) => set(consent.get_or_insert_with(Consent::default), v),
                Err(m) => errors.push(format!("Consent: {m}.")),
            }
        }
    }
    let edit = CustomerEdit {
        customer_id: Uuid::nil(),
        name: Some(name.clone()),
        phones: get(Column::Phone).map(list),
        emails: get(Column::Email).map(list),
        loyalty_id: get(Column::Loyalty).map(str::to_owned),
        external_id: get(Column::External).map(str::to_owned),
        language: get(Column::Language).map(str::to_owned),
        tags: get(Column::Tags).map(list),
        consent,
        note: get(Column::Note).map(str::to_owned),
        ..CustomerEdit::default()
    };
    let patch = match customers::validate_edit(&edit, region, conn, chrono::Utc::now()) {
        Ok(p) => Some(p),
        Err(CoreError::Validation { fields, .. }) => {
            errors.extend(fields.into_iter().map(|f| f.message));
            None
        }
        Err(e) => return Err(e),
    };
    let Some(mut patch) = patch.filter(|_| errors.is_empty()) else {
        return Ok(Planned { row: error_row(line, name, errors), patch: None });
    };

    // Match: external id, then email, then phone. Two different customers is an error.
    let mut keys: Vec<(&str, String)> = Vec::new();
    if let Some(x) = &patch.external_id {
        keys.push(("external", normalise_id(x)));
    }
    for e in patch.emails.iter().flatten() {
        keys.push(("email", e.clone()));
    }
    for p in patch.phones.iter().flatten() {
        keys.push(("phone", p.clone()));
    }
    for k in &keys {
        if let Some(earlier) = seen.get(&(k.0.to_owned(), k.1.clone())) {
            return Ok(Planned {
                row: error_row(
                    line,
                    name,
                    vec![format!("Same {} as line {earlier}; keep one row per customer.", label(k.0))],
                ),
                patch: None,
            });
        }
    }
    let mut matched: Option<(Uuid, &str)> = None;
    // Every kind of key that found the matched customer (a phone alone is weak evidence).
    let mut matched_by: Vec<&str> = Vec::new();
    for (kind, value) in &keys {
        let found: Option<Uuid> = conn
            .prepare_cached(
                "SELECT c.id FROM customer_keys k JOIN customers c ON c.rowid = k.customer_rowid
                 WHERE k.kind = ?1 AND k.value = ?2 AND c.deleted_at IS NULL LIMIT 1",
            )?
            .query_row(params![kind, value], |r| uuid_col(r, 0))
            .optional()?;
        match (found, matched) {
            (Some(id), None) => {
                matched = Some((id, kind));
                matched_by.push(kind);
            }
            (Some(id), Some((m, _))) if id == m => matched_by.push(kind),
            (Some(id), Some((m, on))) if id != m => {
                return Ok(Planned {
                    row: error_row(
                        line,
                        name,
                        vec![format!("Matches two different customers (by {} and by {}).", label(on), label(kind))],
                    ),
                    patch: None,
                });
            }
            _ => {}
        }
    }
    // A phone-only match under another name is a conflict until the person importing says
    // which it is; "a new customer" makes the row a creation.
    let current = matched.map(|(id, _)| customers::get(conn, id)).transpose()?;
    let renames = current.as_ref().is_some_and(|c| patch.name.as_deref().is_some_and(|n| n != c.name));
    let phone_only = matched_by.iter().all(|k| *k == "phone");
    let conflict = renames && phone_only;
    if conflict && choice == Some(ConflictChoice::NewCustomer) {
        matched = None;
    }
    if let Some((id, _)) = matched {
        // Two rows updating the same existing customer would fight; refuse the later one.
        let key = ("customer".to_owned(), id.to_string());
        if let Some(earlier) = seen.get(&key) {
            return Ok(Planned {
                row: error_row(
                    line,
                    name,
                    vec![format!("Same customer as line {earlier}; keep one row per customer.")],
                ),
                patch: None,
            });
        }
        seen.insert(key, line);
    }
    for k in keys {
        seen.insert((k.0.to_owned(), k.1), line);
    }

    let (action, customer_id, changes) = match (matched, current.as_ref()) {
        (Some((id, _)), Some(current)) => {
            patch.customer_id = id;
            if conflict && choice == Some(ConflictChoice::KeepName) {
                patch.name = None;
            }
            // Only fields that would change travel; empty cells never clear data.
            if patch.name.as_deref() == Some(current.name.as_str()) {
                patch.name = None;
            }
            if patch.phones.as_ref().is_some_and(|p| p.iter().all(|n| current.phones.iter().any(|c| &c.e164 == n))) {
                patch.phones = None;
            } else if let Some(p) = patch.phones.as_mut() {
                // Add new numbers after the ones already known.
                let mut all: Vec<String> = current.phones.iter().map(|c| c.e164.clone()).collect();
                all.extend(p.drain(..).filter(|n| !current.phones.iter().any(|c| &c.e164 == n)));
                *p = all;
            }
            if patch.emails.as_ref().is_some_and(|e| e.iter().all(|m| current.emails.contains(m))) {
                patch.emails = None;
            } else if let Some(e) = patch.emails.as_mut() {
                let mut all = current.emails.clone();
                all.extend(e.drain(..).filter(|m| !current.emails.contains(m)));
                *e = all;
            }
            if patch.loyalty_id.as_deref() == current.loyalty_id.as_deref() {
                patch.loyalty_id = None;
            }
            if patch.external_id.as_deref() == current.external_id.as_deref() {
                patch.external_id = None;
            }
            if patch.language.as_deref() == current.language.as_deref() {
                patch.language = None;
            }
            if patch.tags.as_ref() == Some(&current.tags) {
                patch.tags = None;
            }
            if patch.consent == Some(current.consent) {
                patch.consent = None;
            }
            if patch.note.as_deref() == current.note.as_deref() {
                patch.note = None;
            }
            let changes = changes(Some(current), &patch);
            let action = if conflict && choice.is_none() {
                RowAction::Conflict
            } else if changes.is_empty() {
                RowAction::Unchanged
            } else {
                RowAction::Update
            };
            (action, Some(id), changes)
        }
        _ => {
            patch.customer_id = Uuid::now_v7();
            patch.tags.get_or_insert_with(Vec::new);
            patch.consent.get_or_insert_with(Consent::default);
            patch.phones.get_or_insert_with(Vec::new);
            patch.emails.get_or_insert_with(Vec::new);
            (RowAction::Create, Some(patch.customer_id), changes(None, &patch))
        }
    };
    Ok(Planned {
        row: ImportRow {
            line,
            name,
            action,
            customer_id,
            matched_on: matched.map(|(_, on)| on_name(on).to_owned()),
            fields: changes.iter().map(|c| c.field.clone()).collect(),
            changes,
            current_name: conflict.then(|| current.map(|c| c.name)).flatten(),
            choice: if conflict { choice } else { None },
            errors: vec![],
        },
        patch: matches!(action, RowAction::Create | RowAction::Update).then_some(patch),
    })
}

fn label(kind: &str) -> &'static str {
    match kind {
        "external" => "external id",
        "email" => "email",
        _ => "phone",
    }
}

fn on_name(kind: &str) -> &'static str {
    match kind {
        "external" => "external_id",
        "email" => "email",
        _ => "phone",
    }
}

/// The fields a patch sets, each with its value on record (`current`) and the value it sets.
fn changes(current: Option<&customers::Customer>, p: &CustomerPatch) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut add = |field: &str, old: Option<String>, new: Option<String>| {
        if let Some(new) = new {
            out.push(FieldChange { field: field.to_owned(), old: old.filter(|o| !o.is_empty()), new });
        }
    };
    let joined = |v: &[String]| (!v.is_empty()).then(|| v.join(", "));
    let consent = |c: &Consent| {
        let given: Vec<&str> = [
            (c.marketing_email, "marketing_email"),
            (c.marketing_sms, "marketing_sms"),
            (c.feedback_requests, "feedback_requests"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        given.join(", ")
    };
    let phones_now = current.map(|c| c.phones.iter().map(|p| p.e164.clone()).collect::<Vec<_>>());
    add("name", current.map(|c| c.name.clone()), p.name.clone());
    add("phones", phones_now.as_deref().and_then(joined), p.phones.as_deref().and_then(joined));
    add("emails", current.and_then(|c| joined(&c.emails)), p.emails.as_deref().and_then(joined));
    add("loyalty_id", current.and_then(|c| c.loyalty_id.clone()), p.loyalty_id.clone());
    add("external_id", current.and_then(|c| c.external_id.clone()), p.external_id.clone());
    add("language", current.and_then(|c| c.language.clone()), p.language.clone());
    add("tags", current.and_then(|c| joined(&c.tags)), p.tags.as_deref().and_then(joined));
    add(
        "consent",
        current.map(|c| consent(&c.consent)),
        p.consent.filter(|c| current.is_some() || *c != Consent::default()).map(|c| consent(&c)),
    );
    add("note", current.and_then(|c| c.note.clone()), p.note.clone());
    out
}

pub(crate) fn report(planned: &[Planned], ignored: Vec<String>, committed: bool) -> ImportReport {
    let count = |a: RowAction| planned.iter().filter(|p| p.row.action == a).count() as u32;
    ImportReport {
        committed,
        rows: planned.iter().map(|p| p.row.clone()).collect(),
        created: count(RowAction::Create),
        updated: count(RowAction::Update),
        unchanged: count(RowAction::Unchanged),
        conflicts: count(RowAction::Conflict),
        errors: count(RowAction::Error),
        ignored_columns: ignored,
    }
}

impl Desk {
    /// Imports customers from CSV text: a dry run (`commit == false`) writes nothing and says
    /// what each line would do; a commit applies that plan in one transaction. Supervisors
    /// and admins only.
    pub fn import_customers(&mut self, csv: &str, commit: bool, choices: &[ImportChoice]) -> Result<ImportReport> {
        self.require(Permission::ImportCustomers)?;
        let region = self.region;
        if !commit {
            let (planned, ignored) = plan(&self.conn, csv, region, choices)?;
            return Ok(report(&planned, ignored, false));
        }
        let home = self.store_id;
        self.write(|w| {
            let (planned, ignored) = plan(&w.tx, csv, region, choices)?;
            let waiting: Vec<String> = planned
                .iter()
                .filter(|p| p.row.action == RowAction::Conflict)
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
                    if p.row.action == RowAction::Create {
                        patch.home_store_id = Some(home);
                    }
                    apply_customer_patch(w, patch)?;
                }
            }
            let report = report(&planned, ignored, true);
            let detail = format!("{} created, {} updated, {} refused", report.created, report.updated, report.errors);
            audit::record(w, AuditAction::Import, "customers", None, None, Some(&detail))?;
            Ok(report)
        })
    }
}
