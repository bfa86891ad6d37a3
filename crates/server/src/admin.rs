//! Organisation administration, used by the `admin` commands of the binary (and by tests):
//! organisations, stores, staff, touch points, enrollment codes, revocation.
//! Catalogue changes are written to the change log so every device pulls them.

use anyhow::{bail, Context, Result};
use chrono::{Duration, Utc};
use rand::RngExt;
use sqlx::PgPool;
use touchpoint_protocol::{ContactChannel, Op, OpBody, Role, StaffRecord, StoreRecord, TouchPointRecord};
use uuid::Uuid;

use crate::enroll::normalise_code;
use crate::tokens::hash_secret;

pub use touchpoint_protocol::DEFAULT_TOUCH_POINTS;

/// Appends a server-made op (catalogue) to the change log; every store pulls it.
async fn append_server_op(pool: &PgPool, org: Uuid, body: OpBody) -> Result<i64> {
    let mut tx = pool.begin().await?;
    let seq: i64 =
        sqlx::query_scalar("UPDATE org_counters SET next_seq = next_seq + 1 WHERE org_id = $1 RETURNING next_seq - 1")
            .bind(org)
            .fetch_one(&mut *tx)
            .await
            .context("no such organisation")?;
    let now = Utc::now();
    let op = Op {
        op_id: Uuid::now_v7(),
        device_id: Uuid::nil(),
        store_id: Uuid::nil(),
        staff_id: Uuid::nil(),
        hlc: touchpoint_protocol::Hlc::server(now.timestamp_millis()),
        body,
    };
    sqlx::query(
        "INSERT INTO change_log (org_id, server_seq, op_id, entity, entity_id, customer_id, store_id, op, hlc)
         VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7)",
    )
    .bind(org)
    .bind(seq)
    .bind(op.op_id)
    .bind(op.body.kind())
    .bind(op.body.entity_id())
    .bind(serde_json::to_value(&op)?)
    .bind(op.hlc.to_string())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(seq)
}

pub async fn create_org(pool: &PgPool, name: &str) -> Result<Uuid> {
    if name.trim().is_empty() {
        bail!("an organisation needs a name");
    }
    let org = Uuid::now_v7();
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO organisations (org_id, name, epoch) VALUES ($1, $2, $3)")
        .bind(org)
        .bind(name.trim())
        .bind(Uuid::now_v7())
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO org_counters (org_id) VALUES ($1)").bind(org).execute(&mut *tx).await?;
    tx.commit().await?;
    for (i, (tp, channel)) in DEFAULT_TOUCH_POINTS.iter().enumerate() {
        create_touch_point(pool, org, tp, *channel, i as i32).await?;
    }
    Ok(org)
}

pub async fn create_store(pool: &PgPool, org: Uuid, name: &str, timezone: Option<&str>) -> Result<Uuid> {
    if name.trim().is_empty() {
        bail!("a store needs a name");
    }
    let store = Uuid::now_v7();
    sqlx::query("INSERT INTO stores (org_id, store_id, name, timezone) VALUES ($1, $2, $3, $4)")
        .bind(org)
        .bind(store)
        .bind(name.trim())
        .bind(timezone)
        .execute(pool)
        .await?;
    append_server_op(
        pool,
        org,
        OpBody::StoreUpsert(StoreRecord {
            store_id: store,
            name: name.trim().into(),
            timezone: timezone.map(str::to_owned),
        }),
    )
    .await?;
    Ok(store)
}

pub async fn create_staff(
    pool: &PgPool,
    org: Uuid,
    store: Option<Uuid>,
    name: &str,
    role: Role,
    pin: Option<&str>,
) -> Result<Uuid> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    if name.trim().is_empty() {
        bail!("a staff member needs a name");
    }
    if let Some(problem) = touchpoint_protocol::text::check(name.trim(), touchpoint_protocol::text::STAFF_NAME)
        .err()
        .map(|p| p.describe("The name"))
    {
        bail!("{problem}");
    }
    let pin_hash = match pin {
        Some(p) => {
            if let Some(problem) = touchpoint_protocol::pin::problem(p, role) {
                bail!("{problem}");
            }
            Some(
                argon2::Argon2::default()
                    .hash_password(p.as_bytes(), &SaltString::generate(&mut OsRng))
                    .map_err(|e| anyhow::anyhow!("cannot hash the PIN: {e}"))?
                    .to_string(),
            )
        }
        None => None,
    };
    let staff = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO staff (org_id, staff_id, name, role, home_store_id, pin_hash) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org)
    .bind(staff)
    .bind(name.trim())
    .bind(role.as_str())
    .bind(store)
    .bind(&pin_hash)
    .execute(pool)
    .await?;
    append_server_op(
        pool,
        org,
        OpBody::StaffUpsert(StaffRecord {
            staff_id: staff,
            name: name.trim().into(),
            role,
            home_store_id: store,
            pin_hash,
            active: true,
            pin_online: false,
        }),
    )
    .await?;
    Ok(staff)
}

pub async fn create_touch_point(
    pool: &PgPool,
    org: Uuid,
    name: &str,
    channel: ContactChannel,
    sort_order: i32,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO touch_points (org_id, touch_point_id, name, default_channel, sort_order) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org)
    .bind(id)
    .bind(name.trim())
    .bind(channel.as_str())
    .bind(sort_order)
    .execute(pool)
    .await?;
    append_server_op(
        pool,
        org,
        OpBody::TouchPointUpsert(TouchPointRecord {
            touch_point_id: id,
            name: name.trim().into(),
            default_channel: channel,
            sort_order,
            active: true,
        }),
    )
    .await?;
    Ok(id)
}

/// Adds a criterion to the review scorecard (1–5 each); every device pulls it.
pub async fn create_review_criterion(pool: &PgPool, org: Uuid, name: &str, sort_order: i32) -> Result<Uuid> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        bail!("a criterion needs a name of 1 to 80 characters");
    }
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO review_criteria (org_id, criterion_id, name, sort_order) VALUES ($1, $2, $3, $4)")
        .bind(org)
        .bind(id)
        .bind(name)
        .bind(sort_order)
        .execute(pool)
        .await?;
    append_server_op(
        pool,
        org,
        OpBody::ReviewCriterionUpsert(touchpoint_protocol::ReviewCriterionRecord {
            criterion_id: id,
            name: name.into(),
            sort_order,
            active: true,
        }),
    )
    .await?;
    Ok(id)
}

/// Renames a scorecard criterion and/or takes it off the scorecard (`retire`); every device
/// pulls the change. Reviews that scored it keep their scores.
pub async fn update_review_criterion(
    pool: &PgPool,
    org: Uuid,
    criterion: Uuid,
    name: Option<&str>,
    retire: bool,
) -> Result<()> {
    let name = name.map(str::trim);
    if name.is_some_and(|n| n.is_empty() || n.chars().count() > 80) {
        bail!("a criterion needs a name of 1 to 80 characters");
    }
    let row: Option<(String, i32, bool)> = sqlx::query_as(
        "UPDATE review_criteria SET name = coalesce($3, name), active = active AND NOT $4
         WHERE org_id = $1 AND criterion_id = $2 RETURNING name, sort_order, active",
    )
    .bind(org)
    .bind(criterion)
    .bind(name)
    .bind(retire)
    .fetch_optional(pool)
    .await?;
    let Some((name, sort_order, active)) = row else { bail!("no criterion {criterion} in this organisation") };
    append_server_op(
        pool,
        org,
        OpBody::ReviewCriterionUpsert(touchpoint_protocol::ReviewCriterionRecord {
            criterion_id: criterion,
            name,
            sort_order,
            active,
        }),
    )
    .await?;
    Ok(())
}

/// A one-time code for enrolling a device into `store`: 8 characters from an alphabet without
/// look-alikes, shown as `XXXX-XXXX`.
pub async fn issue_enrollment_code(pool: &PgPool, org: Uuid, store: Uuid, valid_for: Duration) -> Result<String> {
    issue_enrollment_code_reading(pool, org, store, &[], false, valid_for).await
}

/// A one-time code for a device of `store` that also reads `also_reads` (a supervisor's
/// stores) or, with `reads_org`, the whole organisation (an administrator's). It still writes
/// only as `store`; a device reading other stores is a supervisor's (or, reading them all, an
/// administrator's).
pub async fn issue_enrollment_code_reading(
    pool: &PgPool,
    org: Uuid,
    store: Uuid,
    also_reads: &[Uuid],
    reads_org: bool,
    valid_for: Duration,
) -> Result<String> {
    issue_enrollment_code_as(pool, org, store, Role::Frontline, also_reads, reads_org, valid_for).await
}

/// A one-time code for a device of `role`: a frontline desk cannot send reviews, deletions or
/// erasures, whoever is signed in at it. Reading other stores raises the role to supervisor,
/// reading the organisation to admin.
pub async fn issue_enrollment_code_as(
    pool: &PgPool,
    org: Uuid,
    store: Uuid,
    role: Role,
    also_reads: &[Uuid],
    reads_org: bool,
    valid_for: Duration,
) -> Result<String> {
    let role = if reads_org {
        Role::Admin
    } else if !also_reads.is_empty() && role == Role::Frontline {
        Role::Supervisor
    } else {
        role
    };
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut stores = vec![store];
    stores.extend_from_slice(also_reads);
    let known: i64 = sqlx::query_scalar("SELECT count(*) FROM stores WHERE org_id = $1 AND store_id = ANY($2)")
        .bind(org)
        .bind(&stores)
        .fetch_one(pool)
        .await?;
    stores.sort();
    stores.dedup();
    if known != stores.len() as i64 {
        bail!("no such store in this organisation");
    }
    let code = {
        let mut rng = rand::rng();
        (0..8).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect::<String>()
    };
    sqlx::query(
        "INSERT INTO enrollment_codes (code_hash, org_id, store_id, also_reads, reads_org, expires_at, device_role)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(hash_secret(&normalise_code(&code)))
    .bind(org)
    .bind(store)
    .bind(also_reads)
    .bind(reads_org)
    .bind(Utc::now() + valid_for)
    .bind(role.as_str())
    .execute(pool)
    .await?;
    Ok(format!("{}-{}", &code[..4], &code[4..]))
}

pub async fn revoke_device(pool: &PgPool, device: Uuid) -> Result<()> {
    let n = sqlx::query("UPDATE devices SET revoked_at = now() WHERE device_id = $1 AND revoked_at IS NULL")
        .bind(device)
        .execute(pool)
        .await?
        .rows_affected();
    if n == 0 {
        bail!("no such (unrevoked) device");
    }
    Ok(())
}

/// After restoring the database from a backup: a new epoch tells every client its cursor no
/// longer matches the server's history, so it pushes what it holds and syncs from the start.
pub async fn mark_restored(pool: &PgPool, org: Uuid) -> Result<Uuid> {
    let epoch = Uuid::now_v7();
    sqlx::query("UPDATE organisations SET epoch = $2 WHERE org_id = $1").bind(org).bind(epoch).execute(pool).await?;
    Ok(epoch)
}
