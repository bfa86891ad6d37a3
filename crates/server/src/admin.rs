//! Organisation administration, used by the `admin` commands of the binary (and by tests):
//! organisations, stores, staff, touch points, enrollment codes, revocation.
//! Catalogue changes are written to the change log so every device pulls them.

use anyhow::{bail, Context, Result};
use chrono::{Duration, Utc};
use rand::RngExt;
use sqlx::PgPool;
use touchpoint_protocol::{ContactChannel, Op, OpBody, Role, StaffRecord, StoreRecord};
use uuid::Uuid;

use crate::catalogue::{self, List};
use crate::db;
use crate::enroll::normalise_code;
use crate::tokens::hash_secret;

pub use touchpoint_protocol::DEFAULT_TOUCH_POINTS;

/// Appends a server-made op (catalogue) to the change log inside the caller's transaction (the
/// row it changes and the op land together); every store pulls it.
pub(crate) async fn append_server_op_in(conn: &mut sqlx::PgConnection, org: Uuid, body: OpBody) -> Result<i64> {
    let seq = db::sequence::take(&mut *conn, org, 1).await.context("no such organisation")?;
    let now = Utc::now();
    let op = Op {
        op_id: Uuid::now_v7(),
        device_id: Uuid::nil(),
        store_id: Uuid::nil(),
        staff_id: Uuid::nil(),
        hlc: touchpoint_protocol::Hlc::server(now.timestamp_millis()),
        body,
    };
    let stored = serde_json::to_value(&op)?;
    db::admin::append_server_op(conn, org, seq, &op, stored).await?;
    Ok(seq)
}

pub async fn create_org(pool: &PgPool, name: &str) -> Result<Uuid> {
    if name.trim().is_empty() {
        bail!("an organisation needs a name");
    }
    let org = Uuid::now_v7();
    let mut tx = pool.begin().await?;
    db::admin::insert_org(&mut tx, org, name.trim(), Uuid::now_v7()).await?;
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
    // The row and the op desks pull land together or not at all.
    let mut tx = pool.begin().await?;
    db::admin::insert_store(&mut tx, org, store, name.trim(), timezone).await?;
    append_server_op_in(
        &mut tx,
        org,
        OpBody::StoreUpsert(StoreRecord {
            store_id: store,
            name: name.trim().into(),
            timezone: timezone.map(str::to_owned),
        }),
    )
    .await?;
    tx.commit().await?;
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
            Some(hash_pin(p)?)
        }
        None => None,
    };
    let staff = Uuid::now_v7();
    let mut tx = pool.begin().await?;
    insert_staff_in(&mut tx, org, staff, store, name.trim(), role, pin_hash).await?;
    tx.commit().await?;
    Ok(staff)
}

/// Writes a checked staff member and the op desks pull, in the caller's transaction.
pub(crate) async fn insert_staff_in(
    conn: &mut sqlx::PgConnection,
    org: Uuid,
    staff: Uuid,
    store: Option<Uuid>,
    name: &str,
    role: Role,
    pin_hash: Option<String>,
) -> Result<()> {
    db::admin::insert_staff(&mut *conn, org, staff, name, role.as_str(), store, pin_hash.as_deref()).await?;
    append_server_op_in(
        conn,
        org,
        OpBody::StaffUpsert(StaffRecord {
            staff_id: staff,
            name: name.into(),
            role,
            home_store_id: store,
            pin_hash,
            active: true,
            pin_online: false,
        }),
    )
    .await?;
    Ok(())
}

pub(crate) fn hash_pin(pin: &str) -> Result<String> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    Ok(argon2::Argon2::default()
        .hash_password(pin.as_bytes(), &SaltString::generate(&mut OsRng))
        .map_err(|e| anyhow::anyhow!("cannot hash the PIN: {e}"))?
        .to_string())
}

/// A random desk PIN that passes the PIN rule for every role (6 digits: not repeated, not a
/// run, not a common one). The console shows it once; only its hash is kept.
pub fn generate_pin() -> String {
    let mut rng = rand::rng();
    loop {
        let pin = format!("{:06}", rng.random_range(0..1_000_000u32));
        if touchpoint_protocol::pin::problem(&pin, Role::Admin).is_none() {
            return pin;
        }
    }
}

/// What a change to a staff member does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffChange<'a> {
    /// A new desk PIN (their wrong-PIN pause is lifted with it).
    Pin(&'a str),
    /// They left (false: desks no longer offer them; their history stays theirs) or came back.
    Active(bool),
}

/// Changes a staff member and sends the new record to every desk, in one transaction. False
/// when the organisation has no such person.
pub async fn change_staff(pool: &PgPool, org: Uuid, staff: Uuid, change: StaffChange<'_>) -> Result<bool> {
    let mut tx = pool.begin().await?;
    let Some(mut row) = db::admin::staff_for_update(&mut tx, org, staff).await? else {
        return Ok(false);
    };
    let role: Role = row.role.parse().map_err(|_| anyhow::anyhow!("staff {staff} has an unknown role"))?;
    match change {
        StaffChange::Pin(pin) => {
            if let Some(problem) = touchpoint_protocol::pin::problem(pin, role) {
                bail!("{problem}");
            }
            row.pin_hash = Some(hash_pin(pin)?);
        }
        StaffChange::Active(active) => row.active = active,
    }
    db::admin::update_staff(
        &mut tx,
        org,
        staff,
        row.pin_hash.as_deref(),
        row.active,
        matches!(change, StaffChange::Pin(_)),
    )
    .await?;
    append_server_op_in(
        &mut tx,
        org,
        OpBody::StaffUpsert(StaffRecord {
            staff_id: staff,
            name: row.name,
            role,
            home_store_id: row.home_store_id,
            pin_hash: row.pin_hash,
            active: row.active,
            pin_online: false,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn create_touch_point(
    pool: &PgPool,
    org: Uuid,
    name: &str,
    channel: ContactChannel,
    sort_order: i32,
) -> Result<Uuid> {
    Ok(catalogue::add(pool, org, List::TouchPoints, name, Some(channel), Some(sort_order)).await?.id)
}

/// Adds a criterion to the review scorecard (1–5 each); every device pulls it.
pub async fn create_review_criterion(pool: &PgPool, org: Uuid, name: &str, sort_order: i32) -> Result<Uuid> {
    Ok(catalogue::add(pool, org, List::Scorecard, name, None, Some(sort_order)).await?.id)
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
    let change = catalogue::Change {
        name: name.map(str::to_owned),
        active: retire.then_some(false),
        ..catalogue::Change::default()
    };
    match catalogue::change(pool, org, List::Scorecard, criterion, change).await {
        Err(catalogue::Refused::NotFound) => bail!("no criterion {criterion} in this organisation"),
        other => other.map(drop).map_err(Into::into),
    }
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
    let known = db::admin::count_stores(pool, org, &stores).await?;
    stores.sort();
    stores.dedup();
    if known != stores.len() as i64 {
        bail!("no such store in this organisation");
    }
    let code = {
        let mut rng = rand::rng();
        (0..8).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect::<String>()
    };
    let code_hash = hash_secret(&normalise_code(&code));
    db::admin::insert_enrollment_code(
        pool,
        db::admin::NewCode {
            code_hash: &code_hash,
            org,
            store,
            also_reads,
            reads_org,
            expires_at: Utc::now() + valid_for,
            role: role.as_str(),
        },
    )
    .await?;
    Ok(format!("{}-{}", &code[..4], &code[4..]))
}

/// Gives a staff member of `org` a console account (`staff`), or creates an organisation-wide
/// person named `name` to hold it; returns their staff id. The password is checked against
/// the console's rule and stored as an argon2 verifier.
pub async fn create_console_user(
    pool: &PgPool,
    org: Uuid,
    staff: Option<Uuid>,
    name: Option<&str>,
    login: &str,
    password: &str,
    role: touchpoint_protocol::console::ConsoleRole,
) -> Result<Uuid> {
    use crate::console::auth;
    use touchpoint_protocol::console::ConsoleRole;
    let login = login.trim();
    if let Some(problem) = auth::login_problem(login) {
        bail!("{problem}");
    }
    if let Some(problem) = auth::password_problem(password) {
        bail!("{problem}");
    }
    if db::console::account_by_login(pool, login).await?.is_some() {
        bail!("the login {login} is taken");
    }
    let hash = auth::hash_password(password).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let staff = match (staff, name) {
        (Some(id), _) => {
            let known = db::console::staff(pool, org).await?;
            let Some(person) = known.iter().find(|s| s.staff_id == id) else {
                bail!("no staff member {id} in this organisation");
            };
            if !person.active {
                bail!("{} has left the organisation", person.name);
            }
            id
        }
        (None, Some(name)) => {
            let desk_role = match role {
                ConsoleRole::Admin => Role::Admin,
                ConsoleRole::Supervisor => Role::Supervisor,
            };
            create_staff(pool, org, None, name, desk_role, None).await?
        }
        (None, None) => bail!("give --staff (an existing person) or --name (a new one)"),
    };
    db::console::insert_account(pool, org, staff, login, &hash, role.as_str()).await?;
    Ok(staff)
}

pub async fn revoke_device(pool: &PgPool, device: Uuid) -> Result<()> {
    let n = db::admin::revoke_device(pool, device).await?;
    if n == 0 {
        bail!("no such (unrevoked) device");
    }
    Ok(())
}

/// After restoring the database from a backup: a new epoch tells every client its cursor no
/// longer matches the server's history, so it pushes what it holds and syncs from the start.
pub async fn mark_restored(pool: &PgPool, org: Uuid) -> Result<Uuid> {
    let epoch = Uuid::now_v7();
    db::admin::set_epoch(pool, org, epoch).await?;
    Ok(epoch)
}
