//! What the header of every screen shows: who and where this desk is, and what waits.

use crate::catalogue;
use crate::catalogue::Store;
use crate::catalogue::TouchPoint;
use crate::db::parse_uuid;
use crate::desk::Desk;
use crate::error::CoreError;
use crate::error::Result;
use crate::follow_ups;
use crate::staff;
use crate::staff::StaffMember;
use crate::sync::outbox;
use crate::sync::outbox::OutboxCounts;
use rusqlite::OptionalExtension;
use serde::Serialize;
use specta::Type;
use touchpoint_protocol::Role;
use uuid::Uuid;
/// Who and where this desk is, for the header of every screen.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct DeskInfo {
    pub device_id: Uuid,
    pub store: Store,
    pub staff: StaffMember,
    pub touch_point: Option<TouchPoint>,
    /// ISO 3166 code phone numbers without a country code are read in.
    pub region: String,
    pub database_path: String,
    pub outbox: OutboxCounts,
    /// The signed-in person is no longer on the staff list (the desk was connected to a
    /// server, whose staff replace the desk's own): someone must sign in before saving.
    pub must_sign_in: bool,
    /// Connected to an organisation's server: staff and PINs are managed there.
    pub connected: bool,
    /// What the server enrolled this desk as (`None` on a desk of its own): a frontline desk
    /// sends no reviews, deletions or erasures, whoever is signed in.
    pub device_role: Option<Role>,
    /// Open follow-ups the signed-in staff member owns, and how many are overdue.
    pub my_open_follow_ups: u32,
    pub my_overdue_follow_ups: u32,
}

impl Desk {
    pub fn info(&self) -> Result<DeskInfo> {
        let store =
            catalogue::store(&self.conn, self.store_id)?.ok_or_else(|| CoreError::not_found("This desk's store"))?;
        let staff = staff::staff_member(&self.conn, self.staff_id)?
            .ok_or_else(|| CoreError::not_found("The signed-in staff member"))?;
        let touch_point_id: Option<String> =
            self.conn.query_row("SELECT touch_point_id FROM device", [], |r| r.get(0))?;
        let touch_point = match touch_point_id {
            Some(id) => catalogue::touch_point(&self.conn, parse_uuid(&id)?)?,
            None => None,
        };
        let (my_open_follow_ups, my_overdue_follow_ups) =
            follow_ups::open_counts(&self.conn, self.staff_id, self.clock.now())?;
        let must_sign_in: bool = self
            .conn
            .query_row("SELECT active = 0 FROM staff WHERE id = ?1", [self.staff_id.to_string()], |r| r.get(0))
            .optional()?
            .unwrap_or(true);
        Ok(DeskInfo {
            connected: self.sync_settings()?.is_some(),
            device_role: self.device_role()?,
            must_sign_in,
            my_open_follow_ups,
            my_overdue_follow_ups,
            device_id: self.device_id,
            store,
            staff,
            touch_point,
            region: self.region.code(),
            database_path: self.path.display().to_string(),
            outbox: outbox::counts(&self.conn)?,
        })
    }
}
