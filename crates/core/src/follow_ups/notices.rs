//! Desktop notifications for the signed-in person: a follow-up someone else gave them, and one
//! of theirs about to pass its due time (15 minutes before). Off until the person turns them on
//! (per person, on this desk). A notice never names the customer or what was promised: a
//! notification can show on a locked screen or a shared till, so it says only that there is
//! something in My follow-ups. Each notice is shown once.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::db::{ts, uuid_col};
use crate::desk::Desk;
use crate::error::Result;

/// How long before its due time a follow-up's owner is told.
pub const DUE_SOON_MINUTES: i64 = 15;

/// What a desktop notification says. Nothing in it names the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Notice {
    pub follow_up_id: Uuid,
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Someone else gave them a follow-up (opened it for them or handed it over).
    Assigned,
    /// One of theirs is due within 15 minutes.
    DueSoon,
}

impl NoticeKind {
    fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Assigned => "assigned",
            NoticeKind::DueSoon => "due_soon",
        }
    }
}

/// The person's notification setting on this desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct NotificationSettings {
    pub enabled: bool,
    /// The language notices are worded in (`en` or `pt`), the desk's when they turned them on.
    pub language: String,
}

fn words(kind: NoticeKind, language: &str) -> (&'static str, &'static str) {
    let pt = language.starts_with("pt");
    match (kind, pt) {
        (NoticeKind::Assigned, false) => {
            ("New follow-up for you", "Someone gave you a follow-up. Open My follow-ups to see it.")
        }
        (NoticeKind::Assigned, true) => {
            ("Novo seguimento para si", "Alguém atribuiu-lhe um seguimento. Abra Os meus seguimentos para o ver.")
        }
        (NoticeKind::DueSoon, false) => ("A follow-up is due soon", "One of your follow-ups is due in 15 minutes."),
        (NoticeKind::DueSoon, true) => {
            ("Um seguimento está quase no prazo", "Um dos seus seguimentos termina o prazo dentro de 15 minutos.")
        }
    }
}

fn settings(conn: &Connection, staff: Uuid) -> Result<NotificationSettings> {
    Ok(conn
        .prepare_cached("SELECT enabled, language FROM notification_settings WHERE staff_id = ?1")?
        .query_row([staff.to_string()], |r| Ok(NotificationSettings { enabled: r.get(0)?, language: r.get(1)? }))
        .optional()?
        .unwrap_or(NotificationSettings { enabled: false, language: "en".into() }))
}

/// Open follow-ups of `staff` that call for `kind` now and have not been shown.
fn pending(conn: &Connection, staff: Uuid, kind: NoticeKind, now: DateTime<Utc>) -> Result<Vec<Uuid>> {
    let sql = match kind {
        // Given by someone else: opened by another person, or last handed to them by another.
        NoticeKind::Assigned => {
            "SELECT f.id FROM follow_ups f
             WHERE f.owner_staff_id = ?1 AND f.status IN ('open', 'in_progress')
               AND (f.created_by <> ?1 OR EXISTS (
                     SELECT 1 FROM follow_up_changes h WHERE h.follow_up_id = f.id AND h.kind = 'reassigned'
                       AND h.owner_staff = ?1 AND h.by_staff <> ?1))
               AND NOT EXISTS (SELECT 1 FROM notices_shown n
                               WHERE n.staff_id = ?1 AND n.follow_up_id = f.id AND n.what = 'assigned')"
        }
        NoticeKind::DueSoon => {
            "SELECT f.id FROM follow_ups f
             WHERE f.owner_staff_id = ?1 AND f.status IN ('open', 'in_progress')
               AND f.due_at > ?2 AND f.due_at <= ?3
               AND NOT EXISTS (SELECT 1 FROM notices_shown n
                               WHERE n.staff_id = ?1 AND n.follow_up_id = f.id AND n.what = 'due_soon')"
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let staff = staff.to_string();
    let rows: rusqlite::Result<Vec<Uuid>> = match kind {
        NoticeKind::Assigned => stmt.query_map(params![staff], |r| uuid_col(r, 0))?.collect(),
        NoticeKind::DueSoon => stmt
            .query_map(params![staff, ts(now), ts(now + Duration::minutes(DUE_SOON_MINUTES))], |r| uuid_col(r, 0))?
            .collect(),
    };
    Ok(rows?)
}

fn mark_shown(conn: &Connection, staff: Uuid, id: Uuid, kind: NoticeKind, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO notices_shown (staff_id, follow_up_id, what, shown_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![staff.to_string(), id.to_string(), kind.as_str(), ts(now)])?;
    Ok(())
}

impl Desk {
    pub fn notification_settings(&self) -> Result<NotificationSettings> {
        settings(&self.conn, self.staff_id)
    }

    /// Turns the signed-in person's notifications on or off on this desk. Turning them on
    /// does not replay what is already in their list: only what comes after is notified.
    pub fn set_notifications(&mut self, enabled: bool, language: &str) -> Result<NotificationSettings> {
        let now = self.now();
        let staff = self.staff_id;
        let language = if language.starts_with("pt") { "pt" } else { "en" };
        let tx = self.conn.transaction()?;
        tx.prepare_cached(
            "INSERT INTO notification_settings (staff_id, enabled, language, changed_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (staff_id) DO UPDATE SET enabled = excluded.enabled, language = excluded.language,
                                                  changed_at = excluded.changed_at",
        )?
        .execute(params![staff.to_string(), enabled, language, ts(now)])?;
        if enabled {
            for id in pending(&tx, staff, NoticeKind::Assigned, now)? {
                mark_shown(&tx, staff, id, NoticeKind::Assigned, now)?;
            }
        }
        tx.commit()?;
        settings(&self.conn, staff)
    }

    /// The notices to show now to the signed-in person (none when they are off), each once:
    /// what is returned is recorded as shown.
    pub fn take_notices(&mut self) -> Result<Vec<Notice>> {
        let staff = self.staff_id;
        let s = settings(&self.conn, staff)?;
        if !s.enabled {
            return Ok(Vec::new());
        }
        let now = self.now();
        let mut out = Vec::new();
        for kind in [NoticeKind::Assigned, NoticeKind::DueSoon] {
            for id in pending(&self.conn, staff, kind, now)? {
                mark_shown(&self.conn, staff, id, kind, now)?;
                let (title, body) = words(kind, &s.language);
                out.push(Notice { follow_up_id: id, kind, title: title.into(), body: body.into() });
            }
        }
        Ok(out)
    }
}
