//! What the console reads and writes: accounts, sessions and the console's audit, and the
//! organisation's stores, staff and devices as the console lists them.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

/// A console account found by its login, with what signing in needs.
#[derive(Debug, Clone, FromRow)]
pub struct Account {
    pub org_id: Uuid,
    pub staff_id: Uuid,
    pub login: String,
    pub password_hash: String,
    pub console_role: String,
    pub failed_in_row: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub name: String,
    pub active: bool,
    pub home_store_id: Option<Uuid>,
    pub org_name: String,
}

/// The account query, with its condition (a literal: statements are static text).
macro_rules! account_where {
    ($cond:literal) => {
        concat!(
            "SELECT a.org_id, a.staff_id, a.login, a.password_hash, a.console_role, a.failed_in_row,
        a.locked_until, s.name, s.active, s.home_store_id, o.name AS org_name
   FROM console_accounts a
   JOIN staff s ON s.org_id = a.org_id AND s.staff_id = a.staff_id
   JOIN organisations o ON o.org_id = a.org_id WHERE ",
            $cond
        )
    };
}

pub async fn account_by_login(pool: &PgPool, login: &str) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(account_where!("lower(a.login) = lower($1)")).bind(login).fetch_optional(pool).await
}

pub async fn account(pool: &PgPool, org: Uuid, staff: Uuid) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(account_where!("a.org_id = $1 AND a.staff_id = $2")).bind(org).bind(staff).fetch_optional(pool).await
}

/// Writes a new account for a staff member of `org`.
pub async fn insert_account(
    pool: &PgPool,
    org: Uuid,
    staff: Uuid,
    login: &str,
    password_hash: &str,
    role: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO console_accounts (org_id, staff_id, login, password_hash, console_role)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org)
    .bind(staff)
    .bind(login)
    .bind(password_hash)
    .bind(role)
    .execute(pool)
    .await?;
    Ok(())
}

/// Counts a wrong password; at `limit` in a row the account is locked until `lock_until`.
/// Returns the count after this one.
pub async fn count_failure(
    pool: &PgPool,
    org: Uuid,
    staff: Uuid,
    limit: i32,
    lock_until: DateTime<Utc>,
) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE console_accounts
            SET failed_in_row = failed_in_row + 1,
                locked_until = CASE WHEN failed_in_row + 1 >= $3 THEN $4 ELSE locked_until END
          WHERE org_id = $1 AND staff_id = $2
          RETURNING failed_in_row",
    )
    .bind(org)
    .bind(staff)
    .bind(limit)
    .bind(lock_until)
    .fetch_one(pool)
    .await
}

/// A right password: the count of wrong ones starts again and a lock is lifted.
pub async fn clear_failures(pool: &PgPool, org: Uuid, staff: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE console_accounts SET failed_in_row = 0, locked_until = NULL WHERE org_id = $1 AND staff_id = $2",
    )
    .bind(org)
    .bind(staff)
    .execute(pool)
    .await?;
    Ok(())
}

/// A new session to store: the hash of the cookie's secret and the CSRF token of the session.
pub struct NewSession<'a> {
    pub session_hash: &'a [u8],
    pub org: Uuid,
    pub staff: Uuid,
    pub csrf_token: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_session(pool: &PgPool, s: NewSession<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO console_sessions (session_hash, org_id, staff_id, csrf_token, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(s.session_hash)
    .bind(s.org)
    .bind(s.staff)
    .bind(s.csrf_token)
    .bind(s.expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// A live session, as a request sees it.
#[derive(Debug, Clone, FromRow)]
pub struct Session {
    pub org_id: Uuid,
    pub staff_id: Uuid,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// The session of `hash` if it has not ended, expired, or been idle since before `idle_since`;
/// its person still has an account and still works for the organisation.
pub async fn live_session(
    pool: &PgPool,
    hash: &[u8],
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Option<Session>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.org_id, c.staff_id, c.csrf_token, c.expires_at, c.last_seen_at
           FROM console_sessions c
           JOIN staff s ON s.org_id = c.org_id AND s.staff_id = c.staff_id
          WHERE c.session_hash = $1 AND c.ended_at IS NULL AND c.expires_at > $2 AND c.last_seen_at > $3
            AND s.active",
    )
    .bind(hash)
    .bind(now)
    .bind(idle_since)
    .fetch_optional(pool)
    .await
}

/// Marks the session used now (it stays alive while its person works).
pub async fn touch_session(pool: &PgPool, hash: &[u8], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE console_sessions SET last_seen_at = $2 WHERE session_hash = $1")
        .bind(hash)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends the session (signing out): whether it was live.
pub async fn end_session(pool: &PgPool, hash: &[u8]) -> Result<bool, sqlx::Error> {
    let n = sqlx::query("UPDATE console_sessions SET ended_at = now() WHERE session_hash = $1 AND ended_at IS NULL")
        .bind(hash)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// One line of the console's audit.
pub struct AuditLine<'a> {
    pub org: Uuid,
    pub staff: Option<Uuid>,
    pub action: &'a str,
    pub subject: Option<Uuid>,
    pub detail: serde_json::Value,
    pub client_ip: Option<String>,
}

pub async fn audit(pool: &PgPool, line: AuditLine<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO console_audit (entry_id, org_id, staff_id, action, subject_id, detail, client_ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Uuid::now_v7())
    .bind(line.org)
    .bind(line.staff)
    .bind(line.action)
    .bind(line.subject)
    .bind(line.detail)
    .bind(line.client_ip)
    .execute(pool)
    .await?;
    Ok(())
}

/// An audit entry as the console lists it.
#[derive(Debug, Clone, FromRow)]
pub struct AuditEntry {
    pub entry_id: Uuid,
    pub at: DateTime<Utc>,
    pub staff_id: Option<Uuid>,
    pub staff_name: Option<String>,
    pub action: String,
    pub subject_id: Option<Uuid>,
    pub detail: serde_json::Value,
}

/// The newest `limit` entries of `org`, before `before` when paging back.
pub async fn audit_entries(
    pool: &PgPool,
    org: Uuid,
    before: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.entry_id, a.at, a.staff_id, s.name AS staff_name, a.action, a.subject_id, a.detail
           FROM console_audit a
           LEFT JOIN staff s ON s.org_id = a.org_id AND s.staff_id = a.staff_id
          WHERE a.org_id = $1 AND ($2::timestamptz IS NULL OR a.at < $2)
          ORDER BY a.at DESC
          LIMIT $3",
    )
    .bind(org)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct StoreRow {
    pub store_id: Uuid,
    pub name: String,
    pub timezone: Option<String>,
    pub staff: i64,
    pub devices: i64,
}

/// The organisation's stores with how many active staff and live devices each has.
pub async fn stores(pool: &PgPool, org: Uuid) -> Result<Vec<StoreRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT st.store_id, st.name, st.timezone,
                (SELECT count(*) FROM staff s WHERE s.org_id = st.org_id AND s.home_store_id = st.store_id AND s.active) AS staff,
                (SELECT count(*) FROM devices d WHERE d.org_id = st.org_id AND d.store_id = st.store_id AND d.revoked_at IS NULL) AS devices
           FROM stores st WHERE st.org_id = $1 ORDER BY lower(st.name)",
    )
    .bind(org)
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct StaffRow {
    pub staff_id: Uuid,
    pub name: String,
    pub role: String,
    pub home_store_id: Option<Uuid>,
    pub active: bool,
    pub has_pin: bool,
    pub console_login: Option<String>,
}

/// The organisation's staff, those who left included (their history stays theirs).
pub async fn staff(pool: &PgPool, org: Uuid) -> Result<Vec<StaffRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.staff_id, s.name, s.role, s.home_store_id, s.active, s.pin_hash IS NOT NULL AS has_pin,
                a.login AS console_login
           FROM staff s
           LEFT JOIN console_accounts a ON a.org_id = s.org_id AND a.staff_id = s.staff_id
          WHERE s.org_id = $1
          ORDER BY s.active DESC, lower(s.name)",
    )
    .bind(org)
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct DeviceRow {
    pub device_id: Uuid,
    pub name: String,
    pub store_id: Uuid,
    pub device_role: String,
    pub reads_org: bool,
    pub also_reads: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub app_version: Option<String>,
    pub outbox_waiting: Option<i32>,
    pub outbox_refused: Option<i32>,
    pub last_push_at: Option<DateTime<Utc>>,
    pub last_pull_at: Option<DateTime<Utc>>,
}

/// The organisation's enrolled devices, live ones first and the most recently seen first.
/// A desk is seen when it refreshes its access token (every sync needs one).
pub async fn devices(pool: &PgPool, org: Uuid) -> Result<Vec<DeviceRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT device_id, name, store_id, device_role, reads_org, also_reads, created_at,
                refresh_used_at AS last_seen_at, revoked_at, revoked_reason, app_version, outbox_waiting,
                outbox_refused, last_push_at, last_pull_at
           FROM devices WHERE org_id = $1
          ORDER BY revoked_at IS NOT NULL, refresh_used_at DESC",
    )
    .bind(org)
    .fetch_all(pool)
    .await
}

/// The name of `device`, if it is a device of `org`.
pub async fn device_name(pool: &PgPool, org: Uuid, device: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM devices WHERE org_id = $1 AND device_id = $2")
        .bind(org)
        .bind(device)
        .fetch_optional(pool)
        .await
}

/// Revokes a device of `org` now, saying why: whether it was live.
pub async fn revoke_device(pool: &PgPool, org: Uuid, device: Uuid, reason: &str) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE devices SET revoked_at = now(), revoked_reason = $3
          WHERE org_id = $1 AND device_id = $2 AND revoked_at IS NULL",
    )
    .bind(org)
    .bind(device)
    .bind(reason)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// Keeps what a desk said of itself after a sync round: a round always pulls, and pushed
/// when `pushed` is above zero.
pub async fn record_report(
    pool: &PgPool,
    org: Uuid,
    device: Uuid,
    report: &touchpoint_protocol::DeskReport,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE devices SET app_version = $3, outbox_waiting = $4, outbox_refused = $5, last_pull_at = $6,
                last_push_at = CASE WHEN $7 THEN $6 ELSE last_push_at END
          WHERE org_id = $1 AND device_id = $2",
    )
    .bind(org)
    .bind(device)
    .bind(&report.app_version)
    .bind(i64::from(report.outbox_waiting).min(i64::from(i32::MAX)) as i32)
    .bind(i64::from(report.outbox_refused).min(i64::from(i32::MAX)) as i32)
    .bind(now)
    .bind(report.pushed > 0)
    .execute(pool)
    .await?;
    Ok(())
}
