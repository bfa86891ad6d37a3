//! Customers across the organisation: the server's search, bringing one into a store's scope,
//! and the conflicts recorded on their fields.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// id, profile fields, home store, last seen, whether the device reads them.
pub type Found = (Uuid, Value, Option<Uuid>, Option<DateTime<Utc>>, bool);

/// `$R` is replaced by the parameter numbers of "reads the organisation" and "stores read".
const SEARCH_COLUMNS: &str = "c.customer_id, c.fields, c.home_store_id,
    (SELECT max((l.op->'body'->>'occurred_at')::timestamptz) FROM change_log l
     WHERE l.org_id = c.org_id AND l.customer_id = c.customer_id AND l.entity = 'interaction_logged'),
    $R_ORG OR EXISTS (SELECT 1 FROM customer_scope s
                      WHERE s.org_id = c.org_id AND s.store_id = ANY($R_STORES) AND s.customer_id = c.customer_id)";

/// The search's columns with the scope parameters at `org` and `stores`.
fn columns(org: usize, stores: usize) -> String {
    SEARCH_COLUMNS.replace("$R_ORG", &format!("${org}")).replace("$R_STORES", &format!("${stores}"))
}

/// A customer neither erased nor deleted (or restored since).
const VISIBLE: &str = "c.erased_at IS NULL AND (c.deleted_hlc IS NULL OR c.restored_hlc > c.deleted_hlc)";

/// Up to `limit` visible customers of `org` with this email address; `reads_org` and `reads`
/// say which of them the device reads.
pub async fn search_by_email(
    pool: &PgPool,
    org: Uuid,
    email: &str,
    limit: i64,
    reads_org: bool,
    reads: &[Uuid],
) -> Result<Vec<Found>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM customers c
         WHERE c.org_id = $1 AND {VISIBLE} AND c.fields->'emails' ? lower($2) LIMIT $3",
        columns(4, 5)
    )))
    .bind(org)
    .bind(email)
    .bind(limit)
    .bind(reads_org)
    .bind(reads)
    .fetch_all(pool)
    .await
}

/// Up to `limit` visible customers of `org` with a phone containing these digits.
pub async fn search_by_phone(
    pool: &PgPool,
    org: Uuid,
    digits: &str,
    limit: i64,
    reads_org: bool,
    reads: &[Uuid],
) -> Result<Vec<Found>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM customers c
         WHERE c.org_id = $1 AND {VISIBLE}
           AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(c.fields->'phones') p
                       WHERE regexp_replace(p, '\\D', '', 'g') LIKE '%' || $2 || '%')
         LIMIT $3",
        columns(4, 5)
    )))
    .bind(org)
    .bind(digits)
    .bind(limit)
    .bind(reads_org)
    .bind(reads)
    .fetch_all(pool)
    .await
}

/// Up to `limit` visible customers of `org`, by name: one of its words starts with `pattern`
/// (lowercase, without LIKE's wildcards), or their loyalty or external id is `text`.
pub async fn search_by_name_or_id(
    pool: &PgPool,
    org: Uuid,
    pattern: &str,
    text: &str,
    limit: i64,
    reads_org: bool,
    reads: &[Uuid],
) -> Result<Vec<Found>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM customers c
         WHERE c.org_id = $1 AND {VISIBLE}
           AND (lower(c.fields->>'name') LIKE $2 || '%' OR lower(c.fields->>'name') LIKE '% ' || $2 || '%'
                OR upper(c.fields->>'loyalty_id') = upper($3) OR upper(c.fields->>'external_id') = upper($3))
         ORDER BY lower(c.fields->>'name') LIMIT $4",
        columns(5, 6)
    )))
    .bind(org)
    .bind(pattern)
    .bind(text)
    .bind(limit)
    .bind(reads_org)
    .bind(reads)
    .fetch_all(pool)
    .await
}

/// Whether `customer` is a visible customer of `org` (before a store adopts them).
pub async fn is_visible(conn: &mut PgConnection, org: Uuid, customer: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT EXISTS (SELECT 1 FROM customers c WHERE c.org_id = $1 AND c.customer_id = $2 AND {VISIBLE})"
    )))
    .bind(org)
    .bind(customer)
    .fetch_one(conn)
    .await
}

/// The whole history of these customers, in sequence order: sequence and the op as stored.
pub async fn history(conn: &mut PgConnection, org: Uuid, customers: &[Uuid]) -> Result<Vec<(i64, Value)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT server_seq, op FROM change_log WHERE org_id = $1 AND customer_id = ANY($2) ORDER BY server_seq",
    )
    .bind(org)
    .bind(customers)
    .fetch_all(conn)
    .await
}

/// The customer and every record linked to them by a merge (held or undone: each desk works
/// out which hold), so a store that brings one in gets them all.
pub async fn merge_linked(conn: &mut PgConnection, org: Uuid, customer: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    super::merges::linked(conn, org, &[customer]).await
}

/// Whether a device reading `reads` (or, with `reads_org`, everything) reads `customer`.
pub async fn in_scope(
    pool: &PgPool,
    org: Uuid,
    reads: &[Uuid],
    customer: Uuid,
    reads_org: bool,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT $4 OR EXISTS (SELECT 1 FROM customer_scope WHERE org_id = $1 AND store_id = ANY($2) AND customer_id = $3)",
    )
    .bind(org)
    .bind(reads)
    .bind(customer)
    .bind(reads_org)
    .fetch_one(pool)
    .await
}

/// field, kept value, kept stamp, kept by, lost value, lost stamp, lost by, when.
pub type Conflict = (String, Value, String, Option<Uuid>, Value, String, Option<Uuid>, DateTime<Utc>);

/// The newest 100 conflicts recorded on the customer's fields, newest first.
pub async fn conflicts_of(pool: &PgPool, org: Uuid, customer: Uuid) -> Result<Vec<Conflict>, sqlx::Error> {
    sqlx::query_as(
        "SELECT field, coalesce(kept_value, 'null'), kept_hlc, kept_staff, coalesce(lost_value, 'null'), lost_hlc,
                lost_staff, recorded_at
         FROM conflicts WHERE org_id = $1 AND entity = 'customer' AND entity_id = $2
         ORDER BY recorded_at DESC LIMIT 100",
    )
    .bind(org)
    .bind(customer)
    .fetch_all(pool)
    .await
}

/// customer id, then a [`Conflict`].
pub type CustomerConflict = (Uuid, String, Value, String, Option<Uuid>, Value, String, Option<Uuid>, DateTime<Utc>);

/// The newest `limit` conflicts on customers a device reading `reads` (or, with `reads_org`,
/// everything) reads, newest first.
pub async fn recent_conflicts(
    pool: &PgPool,
    org: Uuid,
    reads: &[Uuid],
    reads_org: bool,
    limit: i64,
) -> Result<Vec<CustomerConflict>, sqlx::Error> {
    sqlx::query_as(
        "SELECT k.entity_id, k.field, coalesce(k.kept_value, 'null'), k.kept_hlc, k.kept_staff,
                    coalesce(k.lost_value, 'null'), k.lost_hlc, k.lost_staff, k.recorded_at
             FROM conflicts k
             WHERE k.org_id = $1 AND k.entity = 'customer'
               AND ($3 OR EXISTS (SELECT 1 FROM customer_scope s
                                  WHERE s.org_id = $1 AND s.store_id = ANY($2) AND s.customer_id = k.entity_id))
             ORDER BY k.recorded_at DESC LIMIT $4",
    )
    .bind(org)
    .bind(reads)
    .bind(reads_org)
    .bind(limit)
    .fetch_all(pool)
    .await
}
