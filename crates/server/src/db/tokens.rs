//! Devices as tokens see them: the standing every request checks, and the refresh token a
//! desk exchanges for a new access token.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// What a request's device may do, as its row says.
#[derive(Debug, sqlx::FromRow)]
pub struct Standing {
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    /// Other stores it reads.
    pub also_reads: Vec<Uuid>,
    /// It reads the whole organisation.
    pub reads_org: bool,
    pub device_role: String,
}

/// The standing of `device` in `org` (one primary-key read), or none if it is not enrolled there.
pub async fn device_standing(pool: &PgPool, org: Uuid, device: Uuid) -> Result<Option<Standing>, sqlx::Error> {
    sqlx::query_as(
        "SELECT revoked_at, revoked_reason, also_reads, reads_org, device_role FROM devices
         WHERE org_id = $1 AND device_id = $2",
    )
    .bind(org)
    .bind(device)
    .fetch_optional(pool)
    .await
}

/// A device's refresh tokens (as hashes) and standing.
#[derive(Debug, sqlx::FromRow)]
pub struct Refresh {
    pub org_id: Uuid,
    pub store_id: Uuid,
    pub refresh_hash: Vec<u8>,
    /// The one before it, still accepted once more within the grace.
    pub previous_refresh_hash: Option<Vec<u8>>,
    /// When it replaced the previous one.
    pub refresh_rotated_at: Option<DateTime<Utc>>,
    /// When the current one was last used.
    pub refresh_used_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
}

/// The device's refresh state, locked until the exchange commits (one rotation at a time).
pub async fn device_for_refresh(conn: &mut PgConnection, device: Uuid) -> Result<Option<Refresh>, sqlx::Error> {
    sqlx::query_as(
        "SELECT org_id, store_id, refresh_hash, previous_refresh_hash, refresh_rotated_at, refresh_used_at,
                revoked_at, revoked_reason
         FROM devices WHERE device_id = $1 FOR UPDATE",
    )
    .bind(device)
    .fetch_optional(conn)
    .await
}

/// Revokes the device at `now`, saying `reason` to it from then on.
pub async fn revoke_with_reason(
    conn: &mut PgConnection,
    device: Uuid,
    now: DateTime<Utc>,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE devices SET revoked_at = $2, revoked_reason = $3 WHERE device_id = $1")
        .bind(device)
        .bind(now)
        .bind(reason)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the device's refresh token by `refresh_hash`, keeping `previous` for a replay.
pub async fn rotate_refresh(
    conn: &mut PgConnection,
    device: Uuid,
    refresh_hash: &[u8],
    previous: &[u8],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE devices SET refresh_hash = $2, previous_refresh_hash = $3, refresh_rotated_at = $4, refresh_used_at = $4
         WHERE device_id = $1",
    )
    .bind(device)
    .bind(refresh_hash)
    .bind(previous)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
