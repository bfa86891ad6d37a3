use std::sync::{Mutex, PoisonError};

use touchpoint_core::{CoreError, Desk};

/// The open desk, or why it could not be opened (shown by the UI instead of crashing).
pub struct AppState {
    desk: Result<Mutex<Desk>, CoreError>,
}

impl AppState {
    pub fn new(desk: Result<Desk, CoreError>) -> Self {
        AppState { desk: desk.map(Mutex::new) }
    }

    /// Runs `f` with exclusive access to the desk. Each call is short (sub-millisecond
    /// SQLite work), so one lock is simpler than a pool and keeps writes serialised.
    pub fn with<T>(&self, f: impl FnOnce(&mut Desk) -> Result<T, CoreError>) -> Result<T, CoreError> {
        let desk = self.desk.as_ref().map_err(Clone::clone)?;
        let mut guard = desk.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }
}
