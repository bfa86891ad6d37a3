//! API keys for integrations: rows found by the hash of their secret.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

#[derive(Debug, FromRow)]
pub struct KeyRow {
    pub key_id: Uuid,
    pub name: String,
    pub scope: String,
    pub created_by: Uuid,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "k.key_id, k.name, k.scope, k.created_by, s.name AS created_by_name, k.created_at, k.last_used_at,
                       k.revoked_at";

pub async fn insert(
    pool: &PgPool,
    org: Uuid,
    key: Uuid,
    name: &str,
    scope: &str,
    secret_hash: &[u8],
    by: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO api_keys (key_id, org_id, name, scope, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(key)
    .bind(org)
    .bind(name)
    .bind(scope)
    .bind(secret_hash)
    .bind(by)
    .execute(pool)
    .await?;
    Ok(())
}

/// The organisation's keys, newest first, revoked ones included.
pub async fn keys(pool: &PgPool, org: Uuid) -> Result<Vec<KeyRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM api_keys k LEFT JOIN staff s ON s.org_id = k.org_id AND s.staff_id = k.created_by
         WHERE k.org_id = $1 ORDER BY k.created_at DESC"
    )))
    .bind(org)
    .fetch_all(pool)
    .await
}

/// A live key: not revoked, its maker still an administrator who works here.
pub async fn live(pool: &PgPool, secret_hash: &[u8]) -> Result<Option<(Uuid, KeyRow)>, sqlx::Error> {
    #[derive(FromRow)]
    struct Live {
        org_id: Uuid,
        #[sqlx(flatten)]
        key: KeyRow,
    }
    let row: Option<Live> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT k.org_id, {COLUMNS} FROM api_keys k
         JOIN staff s ON s.org_id = k.org_id AND s.staff_id = k.created_by
         JOIN console_accounts a ON a.org_id = k.org_id AND a.staff_id = k.created_by
         WHERE k.secret_hash = $1 AND k.revoked_at IS NULL AND s.active AND a.console_role = 'admin'"
    )))
    .bind(secret_hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.org_id, r.key)))
}

/// Notes that a key was used (written at most once a minute by the caller).
pub async fn touch(pool: &PgPool, key: Uuid, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE key_id = $1").bind(key).bind(at).execute(pool).await?;
    Ok(())
}

/// Revokes a key of `org`; false if it has no such live key.
pub async fn revoke(pool: &PgPool, org: Uuid, key: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE api_keys SET revoked_at = now() WHERE org_id = $1 AND key_id = $2 AND revoked_at IS NULL RETURNING name",
    )
    .bind(org)
    .bind(key)
    .fetch_optional(pool)
    .await
}
