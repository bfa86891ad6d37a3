//! A person's PIN as the server checks it for a desk that does not hold the verifier.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// An active person's role, home store and PIN state.
#[derive(Debug, sqlx::FromRow)]
pub struct PinState {
    pub role: String,
    pub home_store_id: Option<Uuid>,
    /// The PIN verifier (none: the person has no PIN).
    pub pin_hash: Option<String>,
    /// Wrong PINs in a row.
    pub pin_failures: i32,
    pub pin_locked_until: Option<DateTime<Utc>>,
}

/// The PIN state of an active person of `org`, locked until the check commits (two checks of
/// the same person count their failures one after the other).
pub async fn pin_state(conn: &mut PgConnection, org: Uuid, staff: Uuid) -> Result<Option<PinState>, sqlx::Error> {
    sqlx::query_as(
        "SELECT role, home_store_id, pin_hash, pin_failures, pin_locked_until FROM staff
         WHERE org_id = $1 AND staff_id = $2 AND active FOR UPDATE",
    )
    .bind(org)
    .bind(staff)
    .fetch_optional(conn)
    .await
}

/// Records a check's outcome: wrong PINs in a row, and the pause they impose.
pub async fn record_pin_check(
    conn: &mut PgConnection,
    org: Uuid,
    staff: Uuid,
    failures: i32,
    locked_until: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff SET pin_failures = $3, pin_locked_until = $4 WHERE org_id = $1 AND staff_id = $2")
        .bind(org)
        .bind(staff)
        .bind(failures)
        .bind(locked_until)
        .execute(conn)
        .await?;
    Ok(())
}
