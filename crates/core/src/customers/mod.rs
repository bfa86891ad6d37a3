//! Customer profiles: validation of what staff type, field-by-field merge of patches (local
//! or from other devices), and the derived search keys kept in step with every change.

pub mod duplicates;
pub mod erase;
pub mod heads_up;
pub mod import;
pub(crate) mod index;
pub mod links;
pub mod merge;
pub mod page;
pub mod record;
pub mod search;

use crate::access::Permission;
use crate::audit;
use crate::audit::AuditAction;
use crate::desk::Desk;
use crate::desk::Write;
pub(crate) use index::normalise_id;
use touchpoint_protocol::OpBody;

use chrono::{DateTime, Utc};
use rusqlite::{params, types::Value, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::relationship::{self, ChannelConsent, ImportantDate, KeepInTouch, Preference};
use touchpoint_protocol::{Consent, CustomerPatch};
use uuid::Uuid;

use crate::contact::{self, Phone, Region};
use crate::db::{opt_ts_col, opt_uuid_col, ts, ts_col, uuid_col};
use crate::error::{CoreError, Problems, Result};
use crate::field_clocks;
use crate::hlc::Hlc;
use touchpoint_protocol::text;

/// What staff type to create a customer. Empty strings mean "not given".
#[derive(Debug, Clone, Default, Deserialize, Serialize, Type)]
pub struct NewCustomer {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// Create even though someone already has this phone or email.
    #[serde(default)]
    pub allow_duplicate: bool,
}

/// A change to one or more profile fields; absent fields are left as they are. Phones and
/// emails are given as typed and stored normalised.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Type)]
pub struct CustomerEdit {
    pub customer_id: Uuid,
    pub name: Option<String>,
    pub phones: Option<Vec<String>>,
    pub emails: Option<Vec<String>>,
    pub loyalty_id: Option<String>,
    pub external_id: Option<String>,
    /// A BCP 47 language tag (`en`, `pt-PT`), or empty to clear.
    pub language: Option<String>,
    pub tags: Option<Vec<String>>,
    pub consent: Option<Consent>,
    pub note: Option<String>,
    /// The whole list of dates (birthday, anniversary, a date they gave).
    #[serde(default)]
    pub important_dates: Option<Vec<ImportantDate>>,
    /// The whole list of preferences ("Size: M").
    #[serde(default)]
    pub preferences: Option<Vec<Preference>>,
    /// The customer's answer about each channel, with when and how it was given.
    #[serde(default)]
    pub contact_phone: Option<ChannelConsent>,
    #[serde(default)]
    pub contact_email: Option<ChannelConsent>,
    #[serde(default)]
    pub contact_sms: Option<ChannelConsent>,
    /// Who keeps in touch and how often (`keeper_staff_id: None` stops it).
    #[serde(default)]
    pub keep_in_touch: Option<KeepInTouch>,
}

/// One recorded change of a profile field.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ProfileChange {
    pub field: String,
    /// Stored form: text, or JSON for lists and consent.
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub staff: String,
    pub at: DateTime<Utc>,
}

/// Who made a change, for the profile history.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Author {
    pub staff_id: Uuid,
    pub device_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
    pub phones: Vec<Phone>,
    pub emails: Vec<String>,
    pub loyalty_id: Option<String>,
    pub external_id: Option<String>,
    pub language: Option<String>,
    pub tags: Vec<String>,
    pub consent: Consent,
    pub note: Option<String>,
    pub home_store_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub important_dates: Vec<ImportantDate>,
    pub preferences: Vec<Preference>,
    /// The customer's answers about being contacted (none: not asked).
    pub contact: ContactAnswers,
    /// Who keeps in touch and how often (none: nobody).
    pub keep_in_touch: Option<KeepInTouch>,
}

/// What the customer said about being contacted on each channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ContactAnswers {
    pub phone: Option<ChannelConsent>,
    pub email: Option<ChannelConsent>,
    pub sms: Option<ChannelConsent>,
}

impl ContactAnswers {
    pub fn get(&self, route: touchpoint_protocol::ContactRoute) -> Option<ChannelConsent> {
        match route {
            touchpoint_protocol::ContactRoute::Phone => self.phone,
            touchpoint_protocol::ContactRoute::Email => self.email,
            touchpoint_protocol::ContactRoute::Sms => self.sms,
        }
    }

    /// Whether the customer refused this channel (not asked is not a refusal).
    pub fn refused(&self, route: touchpoint_protocol::ContactRoute) -> bool {
        self.get(route).is_some_and(|c| !c.allowed)
    }

    /// The channels refused, for a list to work from: `phone (refused 3 Dec 2026, in person); sms (…)`.
    pub fn do_not_contact(&self) -> String {
        touchpoint_protocol::ContactRoute::ALL
            .into_iter()
            .filter_map(|route| {
                let a = self.get(route).filter(|a| !a.allowed)?;
                let how = match a.how {
                    touchpoint_protocol::ConsentSource::InPerson => "in person",
                    touchpoint_protocol::ConsentSource::OnThePhone => "on the phone",
                    touchpoint_protocol::ConsentSource::ByEmail => "by email",
                    touchpoint_protocol::ConsentSource::Written => "in writing",
                    touchpoint_protocol::ConsentSource::Imported => "imported",
                };
                let name = match route {
                    touchpoint_protocol::ContactRoute::Phone => "phone",
                    touchpoint_protocol::ContactRoute::Email => "email",
                    touchpoint_protocol::ContactRoute::Sms => "sms",
                };
                Some(format!("{name} (refused {}, {how})", a.at.format("%-d %b %Y")))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The newer answer of each channel (a merged record's answer may be the newer one).
    fn newest(self, other: ContactAnswers) -> ContactAnswers {
        let pick = |a: Option<ChannelConsent>, b: Option<ChannelConsent>| match (a, b) {
            (Some(a), Some(b)) => Some(if b.at > a.at { b } else { a }),
            (a, b) => a.or(b),
        };
        ContactAnswers {
            phone: pick(self.phone, other.phone),
            email: pick(self.email, other.email),
            sms: pick(self.sms, other.sms),
        }
    }
}

/// Checks a new customer's details and turns them into the patch that creates them. Every bad
/// field is reported at once.
pub(crate) fn validate_new(input: &NewCustomer, region: Region, id: Uuid) -> Result<CustomerPatch> {
    let mut problems = Problems::default();
    let name = problems.check(validate_name(&input.name));
    let phones = if input.phone.trim().is_empty() {
        Some(vec![])
    } else {
        problems.check(
            contact::parse_phone(&input.phone, region)
                .map(|n| vec![contact::e164(&n)])
                .map_err(|m| crate::FieldError::new("phone", m)),
        )
    };
    let emails = if input.email.trim().is_empty() {
        Some(vec![])
    } else {
        problems
            .check(contact::parse_email(&input.email).map(|e| vec![e]).map_err(|m| crate::FieldError::new("email", m)))
    };
    problems.finish()?;
    Ok(CustomerPatch {
        customer_id: id,
        name,
        phones,
        emails,
        tags: Some(vec![]),
        consent: Some(Consent::default()),
        ..CustomerPatch::default()
    })
}

fn phones(typed: &[String], region: Region, field: &str) -> std::result::Result<Vec<String>, crate::FieldError> {
    let mut out: Vec<String> = Vec::new();
    for t in typed.iter().filter(|t| !t.trim().is_empty()) {
        let n = contact::parse_phone(t, region).map_err(|m| crate::FieldError::new(field, format!("{t}: {m}")))?;
        let e = contact::e164(&n);
        if !out.contains(&e) {
            out.push(e);
        }
    }
    Ok(out)
}

fn emails(typed: &[String], field: &str) -> std::result::Result<Vec<String>, crate::FieldError> {
    let mut out: Vec<String> = Vec::new();
    for t in typed.iter().filter(|t| !t.trim().is_empty()) {
        let e = contact::parse_email(t).map_err(|m| crate::FieldError::new(field, format!("{}: {m}", t.trim())))?;
        if !out.contains(&e) {
            out.push(e);
        }
    }
    Ok(out)
}

fn short_id(raw: &str, field: &str) -> std::result::Result<String, crate::FieldError> {
    let v = raw.trim();
    crate::FieldError::text(field, v, text::CUSTOMER_ID, "An id")?;
    Ok(v.to_owned())
}

/// `en`, `pt-PT`, `zh-Hant`: a 2–3 letter language with optional subtags.
fn language(raw: &str) -> std::result::Result<String, crate::FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let mut parts = v.split('-');
    let lang_ok =
        parts.next().is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()));
    let rest_ok = parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !(lang_ok && rest_ok) {
        return Err(crate::FieldError::new("language", "Choose a language from the list (for example en or pt-PT)."));
    }
    Ok(v.to_owned())
}

fn tags(typed: &[String]) -> std::result::Result<Vec<String>, crate::FieldError> {
    let mut out: Vec<String> = Vec::new();
    for t in typed {
        let tag = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if tag.is_empty() {
            continue;
        }
        crate::FieldError::text("tags", &tag, text::TAG, "A tag")?;
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&tag)) {
            out.push(tag);
        }
    }
    if out.len() > text::TAGS_MAX {
        return Err(crate::FieldError::new("tags", format!("A customer can have at most {} tags.", text::TAGS_MAX)));
    }
    Ok(out)
}

fn important_dates(typed: &[ImportantDate]) -> std::result::Result<Vec<ImportantDate>, crate::FieldError> {
    let mut out: Vec<ImportantDate> = Vec::new();
    for d in typed {
        let label = d.label.as_deref().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "));
        let d = ImportantDate { label: label.filter(|l| !l.is_empty()), ..d.clone() };
        if let Some(problem) = relationship::date_problem(&d) {
            return Err(crate::FieldError::new("important_dates", problem));
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    if out.len() > relationship::DATES_MAX {
        return Err(crate::FieldError::new(
            "important_dates",
            format!("A customer can have at most {} important dates.", relationship::DATES_MAX),
        ));
    }
    Ok(out)
}

fn preferences(typed: &[Preference]) -> std::result::Result<Vec<Preference>, crate::FieldError> {
    let tidy = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: Vec<Preference> = Vec::new();
    for p in typed {
        let p = Preference { category: tidy(&p.category), value: tidy(&p.value) };
        if p.category.is_empty() && p.value.is_empty() {
            continue;
        }
        if let Some(problem) = relationship::preference_problem(&p) {
            return Err(crate::FieldError::new("preferences", problem));
        }
        let same = |o: &Preference| {
            o.category.to_lowercase() == p.category.to_lowercase() && o.value.to_lowercase() == p.value.to_lowercase()
        };
        if !out.iter().any(same) {
            out.push(p);
        }
    }
    if out.len() > relationship::PREFERENCES_MAX {
        return Err(crate::FieldError::new(
            "preferences",
            format!("A customer can have at most {} preferences.", relationship::PREFERENCES_MAX),
        ));
    }
    Ok(out)
}

/// An answer about a channel is dated no later than now (a form signed earlier may be
/// recorded later, not the other way round).
fn answer(
    c: ChannelConsent,
    field: &str,
    now: DateTime<Utc>,
) -> std::result::Result<ChannelConsent, crate::FieldError> {
    if c.at > now + chrono::Duration::minutes(5) {
        return Err(crate::FieldError::new(field, "The answer cannot be dated in the future."));
    }
    if c.at.date_naive() < chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default() {
        return Err(crate::FieldError::new(field, "Check the date the answer was given."));
    }
    Ok(c)
}

fn keep_in_touch(k: KeepInTouch, conn: &Connection) -> std::result::Result<KeepInTouch, crate::FieldError> {
    if let Some(problem) = relationship::keep_in_touch_problem(&k) {
        return Err(crate::FieldError::new("keep_in_touch", problem));
    }
    if let Some(keeper) = k.keeper_staff_id {
        let active = conn
            .prepare_cached("SELECT 1 FROM staff WHERE id = ?1 AND active = 1")
            .and_then(|mut s| s.exists([keeper.to_string()]))
            .unwrap_or(false);
        if !active {
            return Err(crate::FieldError::new("keep_in_touch", "Choose someone who works here to keep in touch."));
        }
    }
    Ok(k)
}

pub(crate) fn validate_edit(
    input: &CustomerEdit,
    region: Region,
    conn: &Connection,
    now: DateTime<Utc>,
) -> Result<CustomerPatch> {
    let mut p = Problems::default();
    let patch = CustomerPatch {
        customer_id: input.customer_id,
        name: input.name.as_deref().and_then(|n| p.check(validate_name(n))),
        phones: input.phones.as_deref().and_then(|v| p.check(phones(v, region, "phones"))),
        emails: input.emails.as_deref().and_then(|v| p.check(emails(v, "emails"))),
        loyalty_id: input.loyalty_id.as_deref().and_then(|v| p.check(short_id(v, "loyalty_id"))),
        external_id: input.external_id.as_deref().and_then(|v| p.check(short_id(v, "external_id"))),
        language: input.language.as_deref().and_then(|v| p.check(language(v))),
        tags: input.tags.as_deref().and_then(|v| p.check(tags(v))),
        consent: input.consent,
        note: input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| p.text("note", Some(n), text::CUSTOMER_NOTE, "The note"))
            .map(str::to_owned),
        home_store_id: None,
        important_dates: input.important_dates.as_deref().and_then(|v| p.check(important_dates(v))),
        preferences: input.preferences.as_deref().and_then(|v| p.check(preferences(v))),
        contact_phone: input.contact_phone.and_then(|c| p.check(answer(c, "contact_phone", now))),
        contact_email: input.contact_email.and_then(|c| p.check(answer(c, "contact_email", now))),
        contact_sms: input.contact_sms.and_then(|c| p.check(answer(c, "contact_sms", now))),
        keep_in_touch: input.keep_in_touch.and_then(|k| p.check(keep_in_touch(k, conn))),
    };
    p.finish()?;
    if patch == (CustomerPatch { customer_id: input.customer_id, ..CustomerPatch::default() }) {
        return Err(CoreError::field("customer", "Nothing to change."));
    }
    Ok(patch)
}

/// Customers other than `except` who already have one of the patch's phones or emails.
pub(crate) fn duplicates(
    conn: &Connection,
    patch: &CustomerPatch,
    except: Option<Uuid>,
) -> Result<Vec<crate::error::DuplicateMatch>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name FROM customer_keys k JOIN customers c ON c.rowid = k.customer_rowid
         WHERE k.kind = ?1 AND k.value = ?2 AND c.deleted_at IS NULL LIMIT 5",
    )?;
    let mut out = Vec::new();
    let keys =
        patch.phones.iter().flatten().map(|v| ("phone", v)).chain(patch.emails.iter().flatten().map(|v| ("email", v)));
    for (kind, value) in keys {
        let rows = stmt.query_map(params![kind, value], |r| Ok((uuid_col(r, 0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (customer_id, name) = row?;
            if Some(customer_id) != except
                && !out.iter().any(|m: &crate::error::DuplicateMatch| m.customer_id == customer_id)
            {
                let shown = if kind == "phone" { contact::display_phone(value).display } else { value.clone() };
                out.push(crate::error::DuplicateMatch { customer_id, name, on: kind.to_owned(), value: shown });
            }
        }
    }
    Ok(out)
}

fn validate_name(raw: &str) -> std::result::Result<String, crate::FieldError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(crate::FieldError::new("name", "Enter the customer's name."));
    }
    crate::FieldError::text("name", &name, text::CUSTOMER_NAME, "A name")?;
    Ok(name)
}

/// One field of a patch, as the column it sets and the value it stores.
struct FieldValue {
    column: &'static str,
    value: Value,
}

fn json_text<T: Serialize>(v: &T) -> Result<Value> {
    Ok(Value::Text(serde_json::to_string(v)?))
}

fn opt_text(s: &str) -> Value {
    if s.trim().is_empty() {
        Value::Null
    } else {
        Value::Text(s.to_owned())
    }
}

fn fields_of(p: &CustomerPatch) -> Result<Vec<FieldValue>> {
    let mut out = Vec::new();
    let mut push = |column: &'static str, value: Value| out.push(FieldValue { column, value });
    if let Some(v) = &p.name {
        push("name", Value::Text(v.clone()));
    }
    if let Some(v) = &p.phones {
        push("phones", json_text(v)?);
    }
    if let Some(v) = &p.emails {
        push("emails", json_text(v)?);
    }
    if let Some(v) = &p.loyalty_id {
        push("loyalty_id", opt_text(v));
    }
    if let Some(v) = &p.external_id {
        push("external_id", opt_text(v));
    }
    if let Some(v) = &p.language {
        push("language", opt_text(v));
    }
    if let Some(v) = &p.tags {
        push("tags", json_text(v)?);
    }
    if let Some(v) = &p.consent {
        push("consent", json_text(v)?);
    }
    if let Some(v) = &p.note {
        push("note", opt_text(v));
    }
    if let Some(v) = &p.home_store_id {
        push("home_store_id", Value::Text(v.to_string()));
    }
    if let Some(v) = &p.important_dates {
        push("important_dates", json_text(v)?);
    }
    if let Some(v) = &p.preferences {
        push("preferences", json_text(v)?);
    }
    if let Some(v) = &p.contact_phone {
        push("contact_phone", json_text(v)?);
    }
    if let Some(v) = &p.contact_email {
        push("contact_email", json_text(v)?);
    }
    if let Some(v) = &p.contact_sms {
        push("contact_sms", json_text(v)?);
    }
    if let Some(v) = &p.keep_in_touch {
        push("keep_in_touch", if v.keeper_staff_id.is_some() { json_text(v)? } else { Value::Null });
    }
    Ok(out)
}

/// A field whose value this patch actually changed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Changed {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Applies a patch stamped `hlc`: each field is taken only if `hlc` is later than the stamp
/// the field already carries (last writer wins, field by field). Creates the customer if this
/// is the first op about them. Keeps the search keys in step. Returns what changed.
pub(crate) fn apply_patch(
    tx: &Transaction<'_>,
    patch: &CustomerPatch,
    hlc: Hlc,
    now: DateTime<Utc>,
    by: Author,
) -> Result<Vec<Changed>> {
    let id = patch.customer_id.to_string();
    let existing: Option<i64> =
        tx.prepare_cached("SELECT rowid FROM customers WHERE id = ?1")?.query_row([&id], |r| r.get(0)).optional()?;
    if existing.is_some() && is_erased(tx, patch.customer_id)? {
        return Ok(Vec::new()); // an erased customer keeps only the anonymous stub
    }
    let rowid: i64 = match existing {
        Some(rowid) => rowid,
        None => {
            tx.prepare_cached(
                "INSERT INTO customers (id, name, created_at, created_by, updated_at) VALUES (?1, '', ?2, ?3, ?2)",
            )?
            .execute(params![id, ts(now), by.staff_id.to_string()])?;
            tx.last_insert_rowid()
        }
    };

    let stamp = hlc.to_string();
    let mut changed = Vec::new();
    for FieldValue { column, value } in fields_of(patch)? {
        // While a merge's value is shown in this field, the record's own value is kept apart:
        // an edit newer than it replaces it, and is shown only if it is newer than the merge.
        if let Some((_, own_hlc)) = links::own(tx, &id, column)? {
            if !touchpoint_protocol::rules::newer_wins(own_hlc.as_deref(), &stamp) {
                continue;
            }
            if !field_clocks::claim_field(tx, "customer", &id, column, &stamp)? {
                links::keep_own(tx, &id, column, &value, &stamp)?;
                continue;
            }
            links::drop_own(tx, &id, column)?;
        } else if !field_clocks::claim_field(tx, "customer", &id, column, &stamp)? {
            continue; // a later (or the same) write already set this field
        }
        // `column` comes from the fixed list in `fields_of`, never from input.
        let old: Option<String> =
            tx.query_row(&format!("SELECT {column} FROM customers WHERE rowid = ?1"), [rowid], |r| r.get(0))?;
        tx.execute(
            &format!("UPDATE customers SET {column} = ?1, updated_at = ?2 WHERE rowid = ?3"),
            params![value, ts(now), rowid],
        )?;
        let new = match value {
            Value::Text(s) => Some(s),
            _ => None,
        };
        if old != new {
            if existing.is_some() {
                tx.prepare_cached(
                    "INSERT INTO customer_changes (customer_id, field, old_value, new_value, staff_id, device_id, changed_at, hlc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![id, column, old, new, by.staff_id.to_string(), by.device_id.to_string(), ts(now), stamp])?;
            }
            changed.push(Changed { field: column, old, new });
        }
    }
    reindex(tx, rowid)?;
    Ok(changed)
}

pub(crate) fn is_erased(conn: &Connection, id: Uuid) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT erased_at IS NOT NULL FROM customers WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

/// Derives `deleted_at` from the delete and restore stamps: a delete beats any edit, and only
/// a restore made after it (by HLC) brings the customer back. Erased customers stay gone.
pub(crate) fn settle_deletion(tx: &Transaction<'_>, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "UPDATE customers SET deleted_at = CASE
             WHEN erased_at IS NOT NULL THEN coalesce(deleted_at, ?2)
             WHEN deleted_hlc IS NOT NULL AND (restored_hlc IS NULL OR restored_hlc < deleted_hlc)
                 THEN coalesce(deleted_at, ?2)
             ELSE NULL END
         WHERE id = ?1",
    )?
    .execute(params![id.to_string(), ts(at)])?;
    let rowid: i64 =
        tx.prepare_cached("SELECT rowid FROM customers WHERE id = ?1")?.query_row([id.to_string()], |r| r.get(0))?;
    reindex(tx, rowid)
}

/// A customer row, empty, for one that is named before their profile arrives (a pulled
/// conversation, a delete or an erasure of someone this desk has not seen).
pub(crate) fn ensure_stub(tx: &Transaction<'_>, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO customers (id, name, created_at, updated_at) VALUES (?1, '', ?2, ?2) ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![id.to_string(), ts(at)])?;
    Ok(())
}

/// Records a delete or restore stamp (the later of what was known and this one) and derives
/// whether the customer is deleted: a delete wins unless a restore was made after it.
pub(crate) fn tombstone(tx: &Transaction<'_>, id: Uuid, restore: bool, hlc: &str, at: DateTime<Utc>) -> Result<()> {
    ensure_stub(tx, id, at)?;
    let sql = if restore {
        "UPDATE customers SET restored_hlc = max(coalesce(restored_hlc, ''), ?2) WHERE id = ?1"
    } else {
        "UPDATE customers SET deleted_hlc = max(coalesce(deleted_hlc, ''), ?2) WHERE id = ?1"
    };
    tx.prepare_cached(sql)?.execute(params![id.to_string(), hlc])?;
    settle_deletion(tx, id, at)
}

/// Enrolling: customers whose home is the desk's own store now belong to the server's store.
pub(crate) fn move_store(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    tx.execute("UPDATE customers SET home_store_id = ?2 WHERE home_store_id = ?1", params![old, new])?;
    Ok(())
}

/// Erasure of the profile itself: every personal detail and its change history go; an
/// anonymous stub stays so counts and scores stay right. (The rest of what names them is
/// erased by each table's owner: `erase::personal_data`.)
pub(crate) fn erase_profile(tx: &Transaction<'_>, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    let key = id.to_string();
    ensure_stub(tx, id, at)?;
    tx.prepare_cached(
        "UPDATE customers SET name = '', phones = '[]', phones_display = '[]', emails = '[]', loyalty_id = NULL,
             external_id = NULL, language = NULL, tags = '[]', consent = '{}', note = NULL,
             important_dates = '[]', preferences = '[]', contact_phone = NULL, contact_email = NULL,
             contact_sms = NULL, keep_in_touch = NULL,
             erased_at = coalesce(erased_at, ?2), deleted_at = coalesce(deleted_at, ?2), updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![key, ts(at)])?;
    tx.prepare_cached("DELETE FROM customer_changes WHERE customer_id = ?1")?.execute([&key])?;
    settle_deletion(tx, id, at)
}

/// Shows `value` in a profile field (a merge's overlay, or the record's own value again).
/// `column` is one of `merge::MergeField`'s, never input.
pub(crate) fn set_shown_field(tx: &Transaction<'_>, id: &str, column: &str, value: &Value) -> Result<()> {
    tx.execute(&format!("UPDATE customers SET {column} = ?2 WHERE id = ?1"), params![id, value])?;
    Ok(())
}

/// Where a merged record now redirects (`None`: it stands alone).
pub(crate) fn set_merged_into(tx: &Transaction<'_>, id: Uuid, into: Option<Uuid>) -> Result<()> {
    tx.prepare_cached("UPDATE customers SET merged_into = ?2 WHERE id = ?1")?
        .execute(params![id.to_string(), into.map(|u| u.to_string())])?;
    Ok(())
}

/// The latest visit of a record that gained conversations through a merge.
pub(crate) fn refresh_last_seen(tx: &Transaction<'_>, id: Uuid) -> Result<()> {
    tx.prepare_cached(
        "UPDATE customers SET last_seen_at = coalesce(
             (SELECT max(occurred_at) FROM interactions WHERE customer_id = ?1), last_seen_at)
         WHERE id = ?1",
    )?
    .execute([id.to_string()])?;
    Ok(())
}

/// Brings a customer's derived columns and search entries up to date with their row.
fn reindex(tx: &Transaction<'_>, rowid: i64) -> Result<()> {
    let phones: String =
        tx.prepare_cached("SELECT phones FROM customers WHERE rowid = ?1")?.query_row([rowid], |r| r.get(0))?;
    let display: Vec<String> =
        serde_json::from_str::<Vec<String>>(&phones)?.iter().map(|p| contact::display_phone(p).display).collect();
    tx.prepare_cached("UPDATE customers SET phones_display = ?2 WHERE rowid = ?1 AND phones_display != ?2")?
        .execute(params![rowid, serde_json::to_string(&display)?])?;
    index::reindex(tx, rowid)
}

const CUSTOMER_COLUMNS: &str = "id, name, phones, emails, loyalty_id, external_id, language, tags, consent, note, \
     home_store_id, created_at, updated_at, last_seen_at, phones_display, important_dates, preferences, \
     contact_phone, contact_email, contact_sms, keep_in_touch";

fn json_col<T: serde::de::DeserializeOwned>(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<T> {
    serde_json::from_str(&r.get::<_, String>(idx)?)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e)))
}

fn customer_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Customer> {
    let phones: Vec<String> = json_col(r, 2)?;
    let display: Vec<String> = json_col(r, 14)?;
    Ok(Customer {
        id: uuid_col(r, 0)?,
        name: r.get(1)?,
        phones: phones
            .into_iter()
            .enumerate()
            .map(|(i, e164)| Phone { display: display.get(i).cloned().unwrap_or_else(|| e164.clone()), e164 })
            .collect(),
        emails: json_col(r, 3)?,
        loyalty_id: r.get(4)?,
        external_id: r.get(5)?,
        language: r.get(6)?,
        tags: json_col(r, 7)?,
        consent: json_col(r, 8)?,
        note: r.get(9)?,
        home_store_id: opt_uuid_col(r, 10)?,
        created_at: ts_col(r, 11)?,
        updated_at: ts_col(r, 12)?,
        last_seen_at: opt_ts_col(r, 13)?,
        important_dates: json_col(r, 15)?,
        preferences: json_col(r, 16)?,
        contact: ContactAnswers { phone: opt_json_col(r, 17)?, email: opt_json_col(r, 18)?, sms: opt_json_col(r, 19)? },
        keep_in_touch: opt_json_col::<KeepInTouch>(r, 20)?.filter(|k| k.keeper_staff_id.is_some()),
    })
}

fn opt_json_col<T: serde::de::DeserializeOwned>(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<T>> {
    match r.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(s) => serde_json::from_str(&s)
            .map(Some)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))),
    }
}

/// A customer who has not been deleted, with the contact points and tags of the records
/// merged into them.
pub fn get(conn: &Connection, id: Uuid) -> Result<Customer> {
    let customer = conn
        .prepare_cached(&format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1 AND deleted_at IS NULL"))?
        .query_row([id.to_string()], customer_from_row)
        .optional()?
        .ok_or_else(|| CoreError::not_found("This customer"))?;
    with_merged(conn, customer)
}

/// Adds the phones, emails and tags of the records merged into `c` (after its own, each once).
fn with_merged(conn: &Connection, mut c: Customer) -> Result<Customer> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE merged_into = ?1 AND erased_at IS NULL ORDER BY created_at"
    ))?;
    let merged = stmt.query_map([c.id.to_string()], customer_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    for m in merged {
        for p in m.phones {
            if !c.phones.iter().any(|x| x.e164 == p.e164) {
                c.phones.push(p);
            }
        }
        for e in m.emails {
            if !c.emails.contains(&e) {
                c.emails.push(e);
            }
        }
        for t in m.tags {
            if !c.tags.contains(&t) {
                c.tags.push(t);
            }
        }
        for d in m.important_dates {
            if !c.important_dates.contains(&d) {
                c.important_dates.push(d);
            }
        }
        for p in m.preferences {
            if !c.preferences.contains(&p) {
                c.preferences.push(p);
            }
        }
        c.contact = c.contact.newest(m.contact);
        c.keep_in_touch = c.keep_in_touch.or(m.keep_in_touch);
    }
    Ok(c)
}

/// What the customer (with the records merged into them) said about each channel.
pub(crate) fn contact_answers(conn: &Connection, id: Uuid) -> Result<ContactAnswers> {
    match get(conn, id) {
        Ok(c) => Ok(c.contact),
        Err(CoreError::NotFound { .. }) => Ok(ContactAnswers::default()),
        Err(e) => Err(e),
    }
}

pub(crate) fn exists(conn: &Connection, id: Uuid) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM customers WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Marks the customer as seen now (for "recent customers"), never moving it back in time.
pub(crate) fn touch_last_seen(tx: &Transaction<'_>, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "UPDATE customers SET last_seen_at = ?2 WHERE id = ?1 AND (last_seen_at IS NULL OR last_seen_at < ?2)",
    )?
    .execute(params![id.to_string(), ts(at)])?;
    Ok(())
}

/// The rows of the records `rowids` now are: a merged record's survivor in its place, each once,
/// in the order first met.
pub(crate) fn roots_of(conn: &Connection, rowids: &[i64]) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce((SELECT r.rowid FROM customers r WHERE r.id = c.merged_into), c.rowid)
         FROM customers c WHERE c.rowid = ?1",
    )?;
    let mut out: Vec<i64> = Vec::with_capacity(rowids.len());
    for rowid in rowids {
        if let Some(root) = stmt.query_row([rowid], |r| r.get::<_, i64>(0)).optional()? {
            if !out.contains(&root) {
                out.push(root);
            }
        }
    }
    Ok(out)
}

pub(crate) fn rows_to_customers(conn: &Connection, rowids: &[i64]) -> Result<Vec<Customer>> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE rowid = ?1 AND deleted_at IS NULL"))?;
    let mut out = Vec::with_capacity(rowids.len());
    for rowid in rowids {
        if let Some(c) = stmt.query_row([rowid], customer_from_row).optional()? {
            out.push(with_merged(conn, c)?);
        }
    }
    Ok(out)
}

/// The profile's change history, newest first.
pub fn history(conn: &Connection, id: Uuid) -> Result<Vec<ProfileChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ch.field, ch.old_value, ch.new_value, coalesce(s.name, 'Unknown staff member'), ch.changed_at
         FROM customer_changes ch LEFT JOIN staff s ON s.id = ch.staff_id
         WHERE ch.customer_id = ?1 ORDER BY ch.changed_at DESC, ch.rowid DESC LIMIT 200",
    )?;
    let rows = stmt.query_map([id.to_string()], |r| {
        Ok(ProfileChange {
            field: r.get(0)?,
            old_value: r.get(1)?,
            new_value: r.get(2)?,
            staff: r.get(3)?,
            at: ts_col(r, 4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records a profile patch as an op and applies it here, as a desk receiving it would.
pub(crate) fn apply_customer_patch(w: &mut Write<'_>, patch: touchpoint_protocol::CustomerPatch) -> Result<()> {
    let op = w.record(OpBody::CustomerPatch(patch.clone()))?;
    let hlc = op.hlc;
    let by = Author { staff_id: w.actor.staff_id, device_id: w.actor.device_id };
    apply_patch(&w.tx, &patch, hlc, w.now, by)?;
    Ok(())
}

impl Desk {
    /// Creates a customer. When someone already has the phone or email, refuses with the
    /// matches (so staff can open that customer instead) unless `allow_duplicate` is set.
    pub fn create_customer(&mut self, input: &NewCustomer) -> Result<Customer> {
        let patch = validate_new(input, self.region, Uuid::now_v7())?;
        if !input.allow_duplicate {
            let matches = duplicates(&self.conn, &patch, None)?;
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
        get(&self.conn, id)
    }

    /// Changes profile fields; each change is recorded with who made it and when.
    pub fn update_customer(&mut self, input: &CustomerEdit) -> Result<Customer> {
        get(&self.conn, input.customer_id)?;
        let patch = validate_edit(input, self.region, &self.conn, self.now())?;
        let fields = audit::changed_fields(&patch, &["customer_id", "home_store_id"]);
        let id = input.customer_id;
        self.write(|w| {
            apply_customer_patch(w, patch)?;
            audit::record(w, AuditAction::Change, "customer", Some(id), Some(id), Some(&fields))
        })?;
        get(&self.conn, input.customer_id)
    }

    pub fn customer_history(&self, id: Uuid) -> Result<Vec<ProfileChange>> {
        get(&self.conn, id)?;
        history(&self.conn, id)
    }

    /// Deletes a customer (supervisors and admins). A delete beats any edit made elsewhere at
    /// the same time; only an explicit restore brings the customer back.
    pub fn delete_customer(&mut self, id: Uuid) -> Result<()> {
        self.require(Permission::DeleteCustomer)?;
        get(&self.conn, id)?;
        self.tombstone(id, false)
    }

    /// Brings a deleted (not erased) customer back.
    pub fn restore_customer(&mut self, id: Uuid) -> Result<Customer> {
        self.require(Permission::RestoreCustomer)?;
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
        get(&self.conn, id)
    }

    /// Records a delete or a restore here exactly as a desk receiving it would apply it.
    fn tombstone(&mut self, id: Uuid, restore: bool) -> Result<()> {
        self.write(|w| {
            let target = touchpoint_protocol::CustomerRef { customer_id: id };
            let body = if restore { OpBody::CustomerRestored(target) } else { OpBody::CustomerDeleted(target) };
            let op = w.record(body)?;
            tombstone(&w.tx, id, restore, &op.hlc.to_string(), w.now)?;
            let what = if restore { "restored" } else { "deleted" };
            audit::record(w, AuditAction::Change, "customer", Some(id), Some(id), Some(what))
        })
    }
}
