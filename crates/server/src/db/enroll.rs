//! Enrollment: a one-time code is taken and becomes a device.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// An enrollment code as stored: what the device it enrolls becomes.
#[derive(Debug, sqlx::FromRow)]
pub struct Code {
    pub org_id: Uuid,
    pub store_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    /// Other stores the device reads.
    pub also_reads: Vec<Uuid>,
    /// It reads the whole organisation.
    pub reads_org: bool,
    pub device_role: String,
}

/// The code with this hash, locked until the enrollment commits (two desks cannot both use it).
pub async fn take_code(conn: &mut PgConnection, code_hash: &[u8]) -> Result<Option<Code>, sqlx::Error> {
    sqlx::query_as(
        "SELECT org_id, store_id, expires_at, used_at, also_reads, reads_org, device_role FROM enrollment_codes
         WHERE code_hash = $1 FOR UPDATE",
    )
    .bind(code_hash)
    .fetch_optional(conn)
    .await
}

/// Whether a device, of any organisation, already has this id.
pub async fn device_id_taken(conn: &mut PgConnection, device: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM devices WHERE device_id = $1)").bind(device).fetch_one(conn).await
}

/// Writes the device `code` enrolls: its store, what it reads and its role come from the code.
pub async fn insert_device(
    conn: &mut PgConnection,
    code: &Code,
    device: Uuid,
    name: &str,
    refresh_hash: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO devices (org_id, device_id, store_id, name, refresh_hash, also_reads, reads_org, device_role)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(code.org_id)
    .bind(device)
    .bind(code.store_id)
    .bind(name)
    .bind(refresh_hash)
    .bind(&code.also_reads)
    .bind(code.reads_org)
    .bind(&code.device_role)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks the code used, at `now`, by `device`: it enrolls nothing else.
pub async fn mark_code_used(
    conn: &mut PgConnection,
    code_hash: &[u8],
    now: DateTime<Utc>,
    device: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE enrollment_codes SET used_at = $2, device_id = $3 WHERE code_hash = $1")
        .bind(code_hash)
        .bind(now)
        .bind(device)
        .execute(conn)
        .await?;
    Ok(())
}
