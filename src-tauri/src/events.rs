//! Events the app sends the UI, typed by tauri-specta like the commands.

use serde::Serialize;
use specta::Type;
use touchpoint_core::sync::{Changed, SyncStatus};

/// The sync indicator's truth moved (a round started or ended, a page of changes landed, a
/// customer was adopted), with what changed here from elsewhere, so views refresh only that.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
pub struct SyncEvent {
    pub status: SyncStatus,
    pub changed: Changed,
}
