//! Staff on this desk: who is signed in (every event records who), quick switching with a
//! PIN, and the local staff list an admin manages until the desk is enrolled with a server.

use crate::access::Permission;
use crate::audit;
use crate::audit::AuditAction;
use crate::desk::Desk;
use crate::device;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use rusqlite::TransactionBehavior;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::Role;
use uuid::Uuid;

use crate::db::{enum_col, ts, uuid_col};
use crate::error::{CoreError, Problems, Result};

pub(crate) mod rows;

pub(crate) use rows::staff_member;
pub use rows::StaffMember;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct StaffListing {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    /// Whether signing in as them needs a PIN.
    pub has_pin: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct NewStaff {
    pub name: String,
    pub role: Role,
    /// 4 to 12 digits (6 or more for supervisors and admins; see `protocol::pin`); empty for none.
    pub pin: String,
}

pub fn list(conn: &Connection) -> Result<Vec<StaffListing>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, role, pin_hash IS NOT NULL OR pin_online = 1 FROM staff WHERE active = 1
         ORDER BY name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(StaffListing { id: uuid_col(r, 0)?, name: r.get(1)?, role: enum_col(r, 2)?, has_pin: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn check_pin(pin: &str, role: Role) -> std::result::Result<(), String> {
    touchpoint_protocol::pin::problem(pin, role).map_or(Ok(()), Err)
}

fn hash_pin(pin: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Storage { message: format!("Could not protect the PIN: {e}") })
}

/// How a person's PIN is checked on this desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PinCheck {
    /// They have no PIN.
    None,
    /// Against the verifier this desk holds.
    Here(String),
    /// By the server: this desk does not hold their verifier (a supervisor at a till).
    Server,
}

pub(crate) fn pin_check(conn: &Connection, staff: Uuid) -> Result<PinCheck> {
    let row: Option<(Option<String>, bool)> = conn
        .prepare_cached("SELECT pin_hash, pin_online FROM staff WHERE id = ?1 AND active = 1")?
        .query_row([staff.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Err(CoreError::not_found("This staff member")),
        Some((Some(hash), _)) => Ok(PinCheck::Here(hash)),
        Some((None, true)) => Ok(PinCheck::Server),
        Some((None, false)) => Ok(PinCheck::None),
    }
}

/// Whether `pin` matches the verifier `hash`.
pub(crate) fn matches(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok())
}

/// The PIN typed, or the error that asks for one.
pub(crate) fn typed(pin: Option<&str>) -> Result<&str> {
    pin.filter(|p| !p.is_empty()).ok_or_else(|| CoreError::field("pin", "Enter your PIN."))
}

/// How long is left of a pause, in words ("45 s", "2 min").
fn wait_words(left: chrono::Duration) -> String {
    let secs = left.num_seconds().max(1);
    if secs < 90 {
        format!("{secs} s")
    } else {
        format!("{} min", (secs + 59) / 60)
    }
}

/// The refusal while sign-in for `staff` is paused after wrong PINs.
pub(crate) fn paused(until: DateTime<Utc>, now: DateTime<Utc>) -> CoreError {
    CoreError::field("pin", format!("Too many wrong PINs. Sign-in waits {} more.", wait_words(until - now)))
}

/// Refuses while sign-in for `staff` is paused.
pub(crate) fn refuse_while_paused(conn: &Connection, staff: Uuid, now: DateTime<Utc>) -> Result<()> {
    let until: Option<Option<String>> = conn
        .prepare_cached("SELECT locked_until FROM sign_in_failures WHERE staff_id = ?1")?
        .query_row([staff.to_string()], |r| r.get(0))
        .optional()?;
    match until.flatten().and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.with_timezone(&Utc)) {
        Some(until) if until > now => Err(paused(until, now)),
        _ => Ok(()),
    }
}

/// Counts a wrong PIN for `staff`: the wrong PINs in a row now, and the pause that starts,
/// if one does. A pause `server_until` set elsewhere (the server's count) is kept if longer.
pub(crate) fn note_wrong(
    conn: &Connection,
    staff: Uuid,
    now: DateTime<Utc>,
    server_until: Option<DateTime<Utc>>,
) -> Result<(u32, Option<DateTime<Utc>>)> {
    let failures: u32 = conn
        .prepare_cached(
            "INSERT INTO sign_in_failures (staff_id, failures) VALUES (?1, 1)
             ON CONFLICT (staff_id) DO UPDATE SET failures = failures + 1 RETURNING failures",
        )?
        .query_row([staff.to_string()], |r| r.get(0))?;
    let until = touchpoint_protocol::pin::pause_after(failures).map(|p| now + p).max(server_until);
    conn.prepare_cached("UPDATE sign_in_failures SET locked_until = ?2 WHERE staff_id = ?1")?
        .execute(params![staff.to_string(), until.map(ts)])?;
    Ok((failures, until))
}

/// A right PIN: the count starts again.
pub(crate) fn note_right(conn: &Connection, staff: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM sign_in_failures WHERE staff_id = ?1")?.execute([staff.to_string()])?;
    Ok(())
}

/// The refusal of a wrong PIN, saying how many tries are left before a pause.
pub(crate) fn wrong(failures: u32, until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> CoreError {
    match until {
        Some(until) => {
            CoreError::field("pin", format!("That PIN is not right. Sign-in waits {} now.", wait_words(until - now)))
        }
        None => {
            let left = touchpoint_protocol::pin::FREE_TRIES.saturating_sub(failures);
            CoreError::field("pin", format!("That PIN is not right. {left} more before sign-in pauses."))
        }
    }
}

pub(crate) fn validate_new(input: &NewStaff) -> Result<(String, Option<String>)> {
    let mut p = Problems::default();
    let name = input.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        p.add("name", "Enter the staff member's name.");
    } else {
        p.text("name", Some(&name), touchpoint_protocol::text::STAFF_NAME, "A name");
    }
    let pin = input.pin.trim();
    if !pin.is_empty() {
        if let Err(m) = check_pin(pin, input.role) {
            p.add("pin", m);
        }
    }
    p.finish()?;
    Ok((name, (!pin.is_empty()).then(|| pin.to_owned())))
}

pub(crate) fn set_pin(conn: &Connection, staff: Uuid, pin: &str) -> Result<()> {
    let pin = pin.trim();
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM staff WHERE id = ?1 AND active = 1")?
        .query_row([staff.to_string()], |r| r.get(0))
        .optional()?;
    let role: Role = role.ok_or_else(|| CoreError::not_found("This staff member"))?.parse().unwrap_or(Role::Admin);
    let hash = if pin.is_empty() {
        None
    } else {
        check_pin(pin, role).map_err(|m| CoreError::field("pin", m))?;
        Some(hash_pin(pin)?)
    };
    if !rows::set_pin_hash(conn, staff, hash.as_deref())? {
        return Err(CoreError::not_found("This staff member"));
    }
    Ok(())
}

impl Desk {
    pub fn list_staff(&self) -> Result<Vec<StaffListing>> {
        list(&self.conn)
    }

    /// Switches the signed-in staff member; from now on every event records them. Wrong PINs
    /// make sign-in for that person wait, longer each time, even across restarts; each pause
    /// is recorded in the audit log.
    pub fn sign_in(&mut self, staff_id: Uuid, pin: Option<&str>) -> Result<StaffMember> {
        let now = self.clock.now();
        refuse_while_paused(&self.conn, staff_id, now)?;
        match pin_check(&self.conn, staff_id)? {
            PinCheck::None => {}
            PinCheck::Here(hash) => {
                let pin = typed(pin)?;
                if !matches(&hash, pin) {
                    return Err(self.wrong_pin(staff_id, None));
                }
            }
            PinCheck::Server => {
                return Err(CoreError::Offline {
                    message: "This person's PIN is checked by the server, which this desk cannot reach now. \
                              Sign in on a supervisor's desk, or when the network is back."
                        .into(),
                });
            }
        }
        self.signed_in(staff_id)
    }

    /// Whether `staff_id`'s PIN is checked by the server (this desk does not hold it).
    pub fn pin_checked_by_server(&self, staff_id: Uuid) -> Result<bool> {
        Ok(pin_check(&self.conn, staff_id)? == PinCheck::Server)
    }

    /// Refuses while sign-in for `staff_id` waits after wrong PINs.
    pub fn refuse_while_paused(&self, staff_id: Uuid) -> Result<()> {
        refuse_while_paused(&self.conn, staff_id, self.clock.now())
    }

    /// Finishes a sign-in whose PIN the server checked.
    pub fn sign_in_checked(
        &mut self,
        staff_id: Uuid,
        answer: &touchpoint_protocol::PinCheckResponse,
    ) -> Result<StaffMember> {
        if !answer.accepted {
            // The server's pause (it counts wrong PINs typed at every desk) holds here too.
            return Err(self.wrong_pin(staff_id, answer.locked_until));
        }
        self.signed_in(staff_id)
    }

    fn signed_in(&mut self, staff_id: Uuid) -> Result<StaffMember> {
        note_right(&self.conn, staff_id)?;
        device::set_signed_in(&self.conn, staff_id)?;
        self.staff_id = staff_id;
        staff_member(&self.conn, staff_id)?.ok_or_else(|| CoreError::not_found("This staff member"))
    }

    /// Counts a wrong PIN; a pause that starts is recorded in the audit log (as the person
    /// signed in now, about the person whose PIN was tried).
    fn wrong_pin(&mut self, staff_id: Uuid, server_until: Option<DateTime<Utc>>) -> CoreError {
        let now = self.clock.now();
        let (failures, until) = match note_wrong(&self.conn, staff_id, now, server_until) {
            Ok(counted) => counted,
            Err(e) => return e,
        };
        if let Some(until) = until {
            // Read by the Audit room, which says it in the reader's language.
            let name = staff_member(&self.conn, staff_id).ok().flatten().map(|s| s.name).unwrap_or_default();
            let detail = format!("wrong_pins={failures};pause_secs={};name={name}", (until - now).num_seconds());
            if let Err(e) = self
                .write(|w| audit::record(w, AuditAction::SignInLocked, "staff", Some(staff_id), None, Some(&detail)))
            {
                return e;
            }
        }
        wrong(failures, until, now)
    }

    /// Adds a staff member to this desk (admins only).
    pub fn add_staff(&mut self, input: &NewStaff) -> Result<StaffListing> {
        self.require(Permission::AddStaff)?;
        let (name, pin) = validate_new(input)?;
        let store = self.store_id;
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hash = pin.as_deref().map(hash_pin).transpose()?;
        let id = rows::insert(&tx, &name, input.role, hash.as_deref(), store, now)?;
        tx.commit()?;
        Ok(StaffListing { id, name, role: input.role, has_pin: pin.is_some() })
    }

    /// Sets (or, with an empty PIN, removes) a PIN: your own, or anyone's as an admin.
    pub fn set_pin(&mut self, staff_id: Uuid, pin: &str) -> Result<()> {
        self.require(if staff_id == self.staff_id { Permission::ChangeOwnPin } else { Permission::ChangeOthersPin })?;
        set_pin(&self.conn, staff_id, pin)
    }
}
