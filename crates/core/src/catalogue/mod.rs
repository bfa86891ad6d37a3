//! Stores, touch points and reasons. Once a device is enrolled these come down from the
//! server; before that a sensible catalogue is seeded so the app is usable on first start.

pub(crate) mod rows;

use uuid::Uuid;

use crate::desk::Desk;
use crate::device;
use crate::error::{CoreError, Result};

pub use rows::{reasons, stores, touch_points, Reason, Store, TouchPoint};
pub(crate) use rows::{store, touch_point, touch_point_name};

impl Desk {
    pub fn stores(&self) -> Result<Vec<Store>> {
        stores(&self.conn)
    }

    pub fn touch_points(&self) -> Result<Vec<TouchPoint>> {
        touch_points(&self.conn)
    }

    pub fn reasons(&self) -> Result<Vec<Reason>> {
        reasons(&self.conn)
    }

    /// Sets the touch point this desk logs at by default.
    pub fn set_desk_touch_point(&mut self, id: Uuid) -> Result<TouchPoint> {
        let tp = touch_point(&self.conn, id)?
            .ok_or_else(|| CoreError::field("touch_point_id", "Choose a touch point from the list."))?;
        device::set_touch_point(&self.conn, id)?;
        Ok(tp)
    }
}
