//! Likely duplicates: two records of one person, made by two desks offline, by an import and a
//! desk, or by someone who gave a new phone. Found from the search index's exact keys (the
//! same normalised phone or email, the same external or loyalty id), so finding them costs
//! index lookups, not a scan of names.
//!
//! The rule, in words: a shared email, external id or loyalty id is enough (those belong to
//! one person); a shared phone is enough only with close names (a household shares a landline:
//! "Ana Costa" and "Rui Costa" on one number are two people).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection};
use serde::Serialize;
use specta::Type;
use uuid::Uuid;

use super::{get, links, rows_to_customers, Customer};
use crate::access::Permission;
use crate::error::Result;
use crate::Desk;

/// What two records have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SharedKey {
    Email,
    ExternalId,
    LoyaltyId,
    Phone,
}

impl SharedKey {
    fn of(kind: &str) -> Option<SharedKey> {
        match kind {
            "email" => Some(SharedKey::Email),
            "external" => Some(SharedKey::ExternalId),
            "loyalty" => Some(SharedKey::LoyaltyId),
            "phone" => Some(SharedKey::Phone),
            _ => None,
        }
    }
}

/// Another record that is possibly the same person, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct PossibleDuplicate {
    pub customer: Customer,
    pub shared: Vec<SharedKey>,
    /// The names are the same or close ("Ana Sousa", "Ana Souza", "Ana Maria Costa").
    pub names_close: bool,
}

/// Two records of the store that are possibly one person; `newer` was made last.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct DuplicatePair {
    pub newer: Customer,
    pub older: Customer,
    pub shared: Vec<SharedKey>,
    pub names_close: bool,
}

/// A contact point shared by more customers than this is a shop's own number or a shared
/// inbox, not a person: it proposes no pairs.
const MAX_SHARING: i64 = 10;

/// Whether what two records share makes them likely the same person (see the module's rule).
pub fn likely(shared: &[SharedKey], names_close: bool) -> bool {
    shared.iter().any(|k| *k != SharedKey::Phone) || (names_close && shared.contains(&SharedKey::Phone))
}

/// Whether two names are the same person's as people write them: equal ignoring case and
/// spacing, one a fuller form of the other (every word of the shorter in the longer, the
/// first word the same), or close letter by letter (Jaro-Winkler ≥ 0.92: "Sousa"/"Souza").
pub fn names_close(a: &str, b: &str) -> bool {
    let words = |s: &str| s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if short.len() >= 2 && short[0] == long[0] && short.iter().all(|w| long.contains(w)) {
        return true;
    }
    strsim::jaro_winkler(&a.join(" "), &b.join(" ")) >= 0.92
}

/// The records possibly the same person as `rowid`: rowid → what they share.
fn sharing_with(conn: &Connection, rowid: i64) -> Result<BTreeMap<i64, BTreeSet<SharedKey>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT other.customer_rowid, mine.kind
         FROM customer_keys mine
         JOIN customer_keys other ON other.kind = mine.kind AND other.value = mine.value
                                 AND other.customer_rowid <> mine.customer_rowid
         WHERE mine.customer_rowid = ?1 AND mine.kind IN ('phone', 'email', 'loyalty', 'external')
           AND (SELECT count(*) FROM customer_keys n WHERE n.kind = mine.kind AND n.value = mine.value) <= ?2",
    )?;
    let mut out: BTreeMap<i64, BTreeSet<SharedKey>> = BTreeMap::new();
    for row in stmt.query_map(params![rowid, MAX_SHARING], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (other, kind) = row?;
        if let Some(key) = SharedKey::of(&kind) {
            out.entry(other).or_default().insert(key);
        }
    }
    Ok(out)
}

/// Every pair of records sharing a key, each pair once (lower rowid first): → what they share.
fn sharing_pairs(conn: &Connection) -> Result<BTreeMap<(i64, i64), BTreeSet<SharedKey>>> {
    let mut stmt = conn.prepare_cached(
        "WITH shared AS (
             SELECT kind, value FROM customer_keys
             WHERE kind IN ('phone', 'email', 'loyalty', 'external')
             GROUP BY kind, value HAVING count(*) BETWEEN 2 AND ?1
         )
         SELECT a.customer_rowid, b.customer_rowid, s.kind
         FROM shared s
         JOIN customer_keys a ON a.kind = s.kind AND a.value = s.value
         JOIN customer_keys b ON b.kind = s.kind AND b.value = s.value AND b.customer_rowid > a.customer_rowid",
    )?;
    let mut out: BTreeMap<(i64, i64), BTreeSet<SharedKey>> = BTreeMap::new();
    let rows =
        stmt.query_map([MAX_SHARING], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))?;
    for row in rows {
        let (a, b, kind) = row?;
        if let Some(key) = SharedKey::of(&kind) {
            out.entry((a, b)).or_default().insert(key);
        }
    }
    Ok(out)
}

/// Two records that stand alone (neither merged into another) and were not marked as two
/// different people.
fn separate(conn: &Connection, a: Uuid, b: Uuid) -> Result<bool> {
    Ok(links::resolve(conn, a)? == a && links::resolve(conn, b)? == b && !links::marked_not_same(conn, a, b)?)
}

fn rowid_of(conn: &Connection, id: Uuid) -> Result<i64> {
    get(conn, id)?; // a clear "not found" for an unknown or deleted customer
    Ok(conn.query_row("SELECT rowid FROM customers WHERE id = ?1", [id.to_string()], |r| r.get(0))?)
}

impl Desk {
    /// The records possibly the same person as this customer ("Possibly the same person as …"
    /// on their page), the likeliest first: more in common, then the close name.
    pub fn possible_duplicates_of(&self, id: Uuid) -> Result<Vec<PossibleDuplicate>> {
        let rowid = rowid_of(&self.conn, id)?;
        let me = get(&self.conn, id)?;
        let mut out = Vec::new();
        for (other, shared) in sharing_with(&self.conn, rowid)? {
            let Some(customer) = rows_to_customers(&self.conn, &[other])?.pop() else { continue };
            if !separate(&self.conn, me.id, customer.id)? {
                continue;
            }
            let close = names_close(&me.name, &customer.name);
            let shared: Vec<SharedKey> = shared.into_iter().collect();
            if likely(&shared, close) {
                out.push(PossibleDuplicate { customer, shared, names_close: close });
            }
        }
        out.sort_by(|a, b| {
            (b.shared.len(), b.names_close, &b.customer.created_at).cmp(&(
                a.shared.len(),
                a.names_close,
                &a.customer.created_at,
            ))
        });
        Ok(out)
    }

    /// The store's possible duplicates (supervisors), the pair with the newest record first.
    pub fn possible_duplicates(&self, limit: usize) -> Result<Vec<DuplicatePair>> {
        self.require(Permission::SeeDuplicates)?;
        let mut out = Vec::new();
        for ((a, b), shared) in sharing_pairs(&self.conn)? {
            let mut both = rows_to_customers(&self.conn, &[a, b])?;
            if both.len() != 2 {
                continue; // one of them is deleted
            }
            let (second, first) = (both.pop().expect("two"), both.pop().expect("two"));
            if !separate(&self.conn, first.id, second.id)? {
                continue;
            }
            let close = names_close(&first.name, &second.name);
            let shared: Vec<SharedKey> = shared.into_iter().collect();
            if !likely(&shared, close) {
                continue;
            }
            let (newer, older) = if second.created_at >= first.created_at { (second, first) } else { (first, second) };
            out.push(DuplicatePair { newer, older, shared, names_close: close });
        }
        out.sort_by_key(|p| std::cmp::Reverse(p.newer.created_at));
        out.truncate(limit.clamp(1, 500));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_close_when_equal_fuller_or_a_letter_apart() {
        assert!(names_close("Ana Costa", "ana  costa"));
        assert!(names_close("Ana Costa", "Ana Maria Costa"));
        assert!(names_close("Ana Sousa", "Ana Souza"));
        assert!(!names_close("Ana Costa", "Rui Costa"));
        assert!(!names_close("Ana Costa", "Costa"), "a surname alone is not a fuller form");
        assert!(!names_close("", "Ana"));
    }

    #[test]
    fn a_shared_phone_needs_close_names_and_any_other_key_is_enough() {
        assert!(!likely(&[SharedKey::Phone], false), "a household shares a landline");
        assert!(likely(&[SharedKey::Phone], true));
        assert!(likely(&[SharedKey::Email], false));
        assert!(likely(&[SharedKey::ExternalId], false));
        assert!(!likely(&[], true));
    }
}
