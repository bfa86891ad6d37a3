//! What the head office reads of desks' stewardship: the audit entries desks sent (kept in the
//! change log as they arrived) and the conflicting edits the server resolved.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

#[derive(Debug, FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub op: Value,
    pub store_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub staff_name: Option<String>,
    pub device_name: Option<String>,
    pub customer_name: Option<String>,
}

/// What to narrow to (none: everything).
#[derive(Debug, Default)]
pub struct AuditFilter {
    pub staff_id: Option<Uuid>,
    pub store_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub action: Option<&'static str>,
    pub before: Option<i64>,
    pub limit: i64,
}

/// Desks' audit entries, newest first, by the partial index of them (migration 0014).
pub async fn audit(pool: &PgPool, org: Uuid, f: &AuditFilter) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.server_seq AS seq, c.op::jsonb AS op, c.store_id, c.customer_id, s.name AS staff_name,
                d.name AS device_name, CASE WHEN k.erased_at IS NULL THEN k.fields->>'name' END AS customer_name
         FROM change_log c
         LEFT JOIN staff s ON s.org_id = c.org_id AND s.staff_id = (c.op->>'staff_id')::uuid
         LEFT JOIN devices d ON d.org_id = c.org_id AND d.device_id = (c.op->>'device_id')::uuid
         LEFT JOIN customers k ON k.org_id = c.org_id AND k.customer_id = c.customer_id
         WHERE c.org_id = $1 AND c.entity = 'audit_recorded'
           AND ($2::uuid IS NULL OR (c.op->>'staff_id')::uuid = $2)
           AND ($3::uuid IS NULL OR c.store_id = $3)
           AND ($4::uuid IS NULL OR c.customer_id = $4)
           AND ($5::text IS NULL OR c.op->'body'->>'action' = $5)
           AND ($6::bigint IS NULL OR c.server_seq < $6)
         ORDER BY c.server_seq DESC LIMIT $7",
    )
    .bind(org)
    .bind(f.staff_id)
    .bind(f.store_id)
    .bind(f.customer_id)
    .bind(f.action)
    .bind(f.before)
    .bind(f.limit)
    .fetch_all(pool)
    .await
}

#[derive(Debug, FromRow)]
pub struct ConflictRow {
    pub customer_id: Uuid,
    pub customer_name: Option<String>,
    pub field: String,
    pub kept_value: Value,
    pub kept_hlc: String,
    pub kept_staff_name: Option<String>,
    pub lost_value: Value,
    pub lost_hlc: String,
    pub lost_staff_name: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// The organisation's conflicting edits of customers, newest first.
pub async fn conflicts(pool: &PgPool, org: Uuid, limit: i64) -> Result<Vec<ConflictRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT k.entity_id AS customer_id, CASE WHEN c.erased_at IS NULL THEN c.fields->>'name' END AS customer_name,
                k.field, coalesce(k.kept_value, 'null') AS kept_value, k.kept_hlc, a.name AS kept_staff_name,
                coalesce(k.lost_value, 'null') AS lost_value, k.lost_hlc, b.name AS lost_staff_name, k.recorded_at
         FROM conflicts k
         LEFT JOIN customers c ON c.org_id = k.org_id AND c.customer_id = k.entity_id
         LEFT JOIN staff a ON a.org_id = k.org_id AND a.staff_id = k.kept_staff
         LEFT JOIN staff b ON b.org_id = k.org_id AND b.staff_id = k.lost_staff
         WHERE k.org_id = $1 AND k.entity = 'customer'
         ORDER BY k.recorded_at DESC LIMIT $2",
    )
    .bind(org)
    .bind(limit)
    .fetch_all(pool)
    .await
}
