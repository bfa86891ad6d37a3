//! The customer search index: exact keys (phone, email, loyalty and external ids) and the
//! name and phone-digit full-text tables, rebuilt from a customer's row. The only writer of
//! `customer_keys`, `customer_name_fts` and `customer_phone_fts`.

use rusqlite::{params, Transaction};

use crate::contact;
use crate::error::Result;

/// Rebuilds the search entries of one customer from their row.
pub(crate) fn reindex(tx: &Transaction<'_>, rowid: i64) -> Result<()> {
    let (name, phones, emails, loyalty, external, deleted): (String, String, String, Option<String>, Option<String>, bool) = tx
        .prepare_cached(
            "SELECT name, phones, emails, loyalty_id, external_id, deleted_at IS NOT NULL FROM customers WHERE rowid = ?1",
        )?
        .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?;
    tx.prepare_cached("DELETE FROM customer_keys WHERE customer_rowid = ?1")?.execute([rowid])?;
    tx.prepare_cached("DELETE FROM customer_name_fts WHERE rowid = ?1")?.execute([rowid])?;
    tx.prepare_cached("DELETE FROM customer_phone_fts WHERE rowid = ?1")?.execute([rowid])?;
    if deleted {
        return Ok(());
    }
    let phones: Vec<String> = serde_json::from_str(&phones)?;
    let emails: Vec<String> = serde_json::from_str(&emails)?;
    let mut key =
        tx.prepare_cached("INSERT OR IGNORE INTO customer_keys (kind, value, customer_rowid) VALUES (?1, ?2, ?3)")?;
    for p in &phones {
        key.execute(params!["phone", p, rowid])?;
    }
    for e in &emails {
        key.execute(params!["email", e, rowid])?;
    }
    if let Some(l) = loyalty {
        key.execute(params!["loyalty", normalise_id(&l), rowid])?;
        if let Some(digits) = loyalty_digits(&l) {
            key.execute(params!["loyalty_digits", digits, rowid])?;
        }
    }
    if let Some(x) = external {
        key.execute(params!["external", normalise_id(&x), rowid])?;
    }
    if !name.is_empty() {
        tx.prepare_cached("INSERT INTO customer_name_fts (rowid, name) VALUES (?1, ?2)")?
            .execute(params![rowid, name_for_search(&name)])?;
    }
    if !phones.is_empty() {
        let digits = phones.iter().map(|p| contact::searchable_digits(p)).collect::<Vec<_>>().join(" ");
        tx.prepare_cached("INSERT INTO customer_phone_fts (rowid, digits) VALUES (?1, ?2)")?
            .execute(params![rowid, digits])?;
    }
    Ok(())
}

/// The name as the search index holds it: each word as written, and a word joined across an
/// apostrophe, hyphen or dot as well ("O'Brien" is also "OBrien", "Jean-Luc" "JeanLuc"), so
/// "obrien" finds O'Brien.
pub(crate) fn name_for_search(name: &str) -> String {
    const JOINERS: [char; 5] = ['\'', '\u{2019}', '-', '.', '\u{2010}'];
    let joined: Vec<String> = name
        .split_whitespace()
        .filter(|w| w.contains(JOINERS))
        .map(|w| w.chars().filter(|c| !JOINERS.contains(c)).collect())
        .filter(|w: &String| !w.is_empty())
        .collect();
    if joined.is_empty() {
        name.to_owned()
    } else {
        format!("{name} {}", joined.join(" "))
    }
}

/// A loyalty id's digits ("LOY-48727" → "48727"), for people who type only the number on the
/// card; None when the id has no letters to drop or too few digits to mean anything.
pub(crate) fn loyalty_digits(id: &str) -> Option<String> {
    let digits: String = id.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4 && digits != normalise_id(id)).then_some(digits)
}

/// Rebuilds the search entries of the customers an older desk indexed without name variants
/// and loyalty digits (a migration's hook).
pub(crate) fn reindex_search_variants(tx: &Transaction<'_>) -> Result<()> {
    let rowids: Vec<i64> = tx
        .prepare("SELECT rowid FROM customers WHERE loyalty_id IS NOT NULL OR name GLOB '*[''.-]*' OR name LIKE '%\u{2019}%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for rowid in rowids {
        reindex(tx, rowid)?;
    }
    Ok(())
}

/// Loyalty and external ids match regardless of case and surrounding space.
pub(crate) fn normalise_id(s: &str) -> String {
    s.trim().to_uppercase()
}
