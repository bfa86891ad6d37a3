//! Finding the customer in front of you as you type.
//!
//! Order of results: exact matches on a key (phone, email, loyalty or external id) first, then
//! names starting with what was typed, then phone numbers containing the digits, then emails
//! starting with the text. Each source is an indexed lookup capped at a small candidate set;
//! nothing ranks the whole full-text index (that costs ~50 ms at a million customers).

use crate::desk::Desk;
use std::collections::HashSet;

use rusqlite::{params, Connection};
use serde::Serialize;
use specta::Type;

use crate::contact::{self, Region};
use crate::customers::{self, normalise_id, Customer};
use crate::error::Result;

/// Candidates taken from each index before ordering; bounds the work for broad prefixes.
const CANDIDATES: i64 = 200;
pub const DEFAULT_LIMIT: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MatchedOn {
    Phone,
    Email,
    LoyaltyId,
    ExternalId,
    Name,
    PhoneDigits,
    EmailPrefix,
    Recent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct CustomerHit {
    pub customer: Customer,
    pub matched_on: MatchedOn,
}

/// Search as you type. An empty query lists the customers seen most recently.
pub fn search(conn: &Connection, query: &str, region: Region, limit: usize) -> Result<Vec<CustomerHit>> {
    let limit = limit.clamp(1, 100);
    let q = &touchpoint_protocol::text::searchable(query);
    if q.is_empty() {
        return recent(conn, limit);
    }
    let mut hits = Hits { seen: HashSet::new(), out: Vec::new(), limit };

    // 1. Exact keys.
    if let Ok(n) = contact::parse_phone(q, region) {
        hits.add(conn, MatchedOn::Phone, &key_rows(conn, "phone", &contact::e164(&n))?)?;
    }
    if q.contains('@') {
        hits.add(conn, MatchedOn::Email, &key_rows(conn, "email", &q.to_lowercase())?)?;
    }
    let id = normalise_id(q);
    hits.add(conn, MatchedOn::LoyaltyId, &key_rows(conn, "loyalty", &id)?)?;
    hits.add(conn, MatchedOn::ExternalId, &key_rows(conn, "external", &id)?)?;
    // The number on a loyalty card without its letters ("48727" for LOY-48727).
    if q.len() >= 4 && q.chars().all(|c| c.is_ascii_digit()) {
        hits.add(conn, MatchedOn::LoyaltyId, &key_rows(conn, "loyalty_digits", q)?)?;
    }

    // 2. Names starting with each typed word.
    if let Some(fts) = name_query(q) {
        // Most recently seen first among a capped set of name matches: the person at the desk
        // is more likely a regular than someone from years ago.
        let rowids = recent_first(
            conn,
            "SELECT c.rowid FROM (SELECT rowid FROM customer_name_fts WHERE customer_name_fts MATCH ?1 LIMIT ?2) m
             JOIN customers c ON c.rowid = m.rowid
             ORDER BY coalesce(c.last_seen_at, c.updated_at) DESC",
            &fts,
        )?;
        hits.add(conn, MatchedOn::Name, &rowids)?;
    }

    // 3. Any part of a phone number (three digits or more, typed in any format).
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let mostly_digits = digits.len() * 2 >= q.chars().filter(|c| !c.is_whitespace()).count();
    if digits.len() >= 3 && mostly_digits {
        let rowids = recent_first(
            conn,
            "SELECT c.rowid FROM (SELECT rowid FROM customer_phone_fts WHERE customer_phone_fts MATCH ?1 LIMIT ?2) m
             JOIN customers c ON c.rowid = m.rowid
             ORDER BY coalesce(c.last_seen_at, c.updated_at) DESC",
            &format!("\"{digits}\""),
        )?;
        hits.add(conn, MatchedOn::PhoneDigits, &rowids)?;
    }

    // 4. Emails starting with the text (no spaces: an address is one word).
    if !q.contains(char::is_whitespace) && q.len() >= 2 {
        let prefix = q.to_lowercase();
        let mut stmt = conn.prepare_cached(
            "SELECT customer_rowid FROM customer_keys WHERE kind = 'email' AND value >= ?1 AND value < ?2 LIMIT ?3",
        )?;
        let upper = format!("{prefix}\u{10FFFF}");
        let rowids = stmt
            .query_map(params![prefix, upper, CANDIDATES], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        hits.add(conn, MatchedOn::EmailPrefix, &rowids)?;
    }
    Ok(hits.out)
}

struct Hits {
    seen: HashSet<i64>,
    out: Vec<CustomerHit>,
    limit: usize,
}

impl Hits {
    fn add(&mut self, conn: &Connection, matched_on: MatchedOn, rowids: &[i64]) -> Result<()> {
        let room = self.limit.saturating_sub(self.out.len());
        // A merged record is found as its survivor (by either record's contact points).
        let rowids = customers::roots_of(conn, rowids)?;
        let fresh: Vec<i64> = rowids.iter().copied().filter(|r| !self.seen.contains(r)).take(room).collect();
        self.seen.extend(&fresh);
        for customer in customers::rows_to_customers(conn, &fresh)? {
            self.out.push(CustomerHit { customer, matched_on });
        }
        Ok(())
    }
}

fn key_rows(conn: &Connection, kind: &str, value: &str) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT customer_rowid FROM customer_keys WHERE kind = ?1 AND value = ?2 LIMIT ?3")?;
    let rows = stmt.query_map(params![kind, value, CANDIDATES], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn recent_first(conn: &Connection, sql: &str, fts_query: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![fts_query, CANDIDATES], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `ana sou` → `"ana"* "sou"*`: every word must start a word of the name. Quotes in the
/// input are dropped so nothing typed can break the FTS syntax.
fn name_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| c.is_whitespace() || c == '"' || c == '*' || c == '-' || c == '\'' || c == '.')
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn recent(conn: &Connection, limit: usize) -> Result<Vec<CustomerHit>> {
    let mut stmt = conn.prepare_cached(
        "SELECT rowid FROM customers WHERE deleted_at IS NULL AND merged_into IS NULL
         ORDER BY last_seen_at DESC, updated_at DESC LIMIT ?1",
    )?;
    let rowids = stmt.query_map([limit as i64], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(customers::rows_to_customers(conn, &rowids)?
        .into_iter()
        .map(|customer| CustomerHit { customer, matched_on: MatchedOn::Recent })
        .collect())
}

impl Desk {
    pub fn search_customers(&self, query: &str, limit: usize) -> Result<Vec<CustomerHit>> {
        search(&self.conn, query, self.region, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::name_query;

    #[test]
    fn typed_words_become_safe_prefix_queries() {
        assert_eq!(name_query("ana sou").as_deref(), Some("\"ana\"* \"sou\"*"));
        assert_eq!(name_query("o'neil \"x").as_deref(), Some("\"o\"* \"neil\"* \"x\"*"));
        assert_eq!(name_query(" - * ").as_deref(), None);
    }
}
