//! What administration writes: organisations and their counters, stores, staff, touch points,
//! review criteria, enrollment codes, revocations, and the server-made ops every device pulls.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use touchpoint_protocol::Op;
use uuid::Uuid;

/// Appends a server-made op (of no customer or store) at `seq`; `stored` is the op as JSON.
pub async fn append_server_op(
    conn: &mut PgConnection,
    org: Uuid,
    seq: i64,
    op: &Op,
    stored: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO change_log (org_id, server_seq, op_id, entity, entity_id, customer_id, store_id, op, hlc)
         VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7)",
    )
    .bind(org)
    .bind(seq)
    .bind(op.op_id)
    .bind(op.body.kind())
    .bind(op.body.entity_id())
    .bind(stored)
    .bind(op.hlc.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes a new organisation, of `epoch`, and its sequence counter.
pub async fn insert_org(conn: &mut PgConnection, org: Uuid, name: &str, epoch: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO organisations (org_id, name, epoch) VALUES ($1, $2, $3)")
        .bind(org)
        .bind(name)
        .bind(epoch)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO org_counters (org_id) VALUES ($1)").bind(org).execute(conn).await?;
    Ok(())
}

/// Writes a new store.
pub async fn insert_store(
    conn: &mut PgConnection,
    org: Uuid,
    store: Uuid,
    name: &str,
    timezone: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO stores (org_id, store_id, name, timezone) VALUES ($1, $2, $3, $4)")
        .bind(org)
        .bind(store)
        .bind(name)
        .bind(timezone)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes a new person of `role`, of `home` store (none: of every store), with this PIN verifier.
pub async fn insert_staff(
    conn: &mut PgConnection,
    org: Uuid,
    staff: Uuid,
    name: &str,
    role: &str,
    home: Option<Uuid>,
    pin_hash: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO staff (org_id, staff_id, name, role, home_store_id, pin_hash) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org)
    .bind(staff)
    .bind(name)
    .bind(role)
    .bind(home)
    .bind(pin_hash)
    .execute(conn)
    .await?;
    Ok(())
}

/// A staff member as desks are sent them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffForUpdate {
    pub name: String,
    pub role: String,
    pub home_store_id: Option<Uuid>,
    pub pin_hash: Option<String>,
    pub active: bool,
}

/// A staff member of `org`, locked until the transaction ends.
pub async fn staff_for_update(
    conn: &mut PgConnection,
    org: Uuid,
    staff: Uuid,
) -> Result<Option<StaffForUpdate>, sqlx::Error> {
    sqlx::query_as(
        "SELECT name, role, home_store_id, pin_hash, active FROM staff
          WHERE org_id = $1 AND staff_id = $2 FOR UPDATE",
    )
    .bind(org)
    .bind(staff)
    .fetch_optional(conn)
    .await
}

/// Writes a staff member's PIN verifier and whether they still work here; a new PIN lifts the
/// wrong-PIN pause.
pub async fn update_staff(
    conn: &mut PgConnection,
    org: Uuid,
    staff: Uuid,
    pin_hash: Option<&str>,
    active: bool,
    new_pin: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE staff SET pin_hash = $3, active = $4,
                pin_failures = CASE WHEN $5 THEN 0 ELSE pin_failures END,
                pin_locked_until = CASE WHEN $5 THEN NULL ELSE pin_locked_until END
          WHERE org_id = $1 AND staff_id = $2",
    )
    .bind(org)
    .bind(staff)
    .bind(pin_hash)
    .bind(active)
    .bind(new_pin)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many of `stores` are stores of `org`.
pub async fn count_stores(pool: &PgPool, org: Uuid, stores: &[Uuid]) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM stores WHERE org_id = $1 AND store_id = ANY($2)")
        .bind(org)
        .bind(stores)
        .fetch_one(pool)
        .await
}

/// A one-time enrollment code to store: what the device it enrolls will be.
pub struct NewCode<'a> {
    /// The code's hash (the code itself is only shown).
    pub code_hash: &'a [u8],
    pub org: Uuid,
    pub store: Uuid,
    pub also_reads: &'a [Uuid],
    pub reads_org: bool,
    pub expires_at: DateTime<Utc>,
    pub role: &'a str,
}

/// Writes a new enrollment code.
pub async fn insert_enrollment_code(pool: &PgPool, code: NewCode<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO enrollment_codes (code_hash, org_id, store_id, also_reads, reads_org, expires_at, device_role)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(code.code_hash)
    .bind(code.org)
    .bind(code.store)
    .bind(code.also_reads)
    .bind(code.reads_org)
    .bind(code.expires_at)
    .bind(code.role)
    .execute(pool)
    .await?;
    Ok(())
}

/// Revokes the device now, if it is not revoked already: whether it was (1) or not (0).
pub async fn revoke_device(pool: &PgPool, device: Uuid) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE devices SET revoked_at = now() WHERE device_id = $1 AND revoked_at IS NULL")
        .bind(device)
        .execute(pool)
        .await?
        .rows_affected())
}

/// Gives the organisation a new epoch (after a restore from a backup).
pub async fn set_epoch(pool: &PgPool, org: Uuid, epoch: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE organisations SET epoch = $2 WHERE org_id = $1").bind(org).bind(epoch).execute(pool).await?;
    Ok(())
}
