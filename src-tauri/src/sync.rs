//! Commands for connecting the desk to a server and for the sync indicator. The engine and
//! every rule live in `touchpoint_core::sync`; these only adapt them.

use tauri::State;
use touchpoint_core::customers::page::CustomerPage;
use touchpoint_core::sync::{
    HttpTransport, ProfileConflict, RejectedChange, ServerCustomer, StoreConflict, SyncError, SyncStatus,
};
use touchpoint_core::CoreError;
use uuid::Uuid;

use crate::AppState;

type Result<T> = std::result::Result<T, CoreError>;

fn from_sync(e: SyncError) -> CoreError {
    match e {
        SyncError::Local(e) => e,
        SyncError::NotEnrolled => CoreError::Refused { message: e.to_string() },
        SyncError::Blocked { message, .. } => CoreError::Refused { message },
        SyncError::Transient(t) => match t {
            touchpoint_core::sync::TransportError::Server { message, .. } => CoreError::Refused { message },
            other => CoreError::Offline { message: format!("The server cannot be reached right now ({other}).") },
        },
    }
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus> {
    match state.engine() {
        Some(engine) => engine.status(),
        None => state.with(|d| d.sync_status()),
    }
}

/// Connects this desk to a server with a one-time enrollment code, then starts syncing.
#[tauri::command]
#[specta::specta]
pub async fn connect_server(
    state: State<'_, AppState>,
    server_url: String,
    code: String,
    device_name: String,
    allow_unencrypted: bool,
) -> Result<SyncStatus> {
    // Every problem with the form at once, before anything is built or sent.
    let form = touchpoint_core::sync::check_enrollment(&server_url, &code, &device_name, allow_unencrypted)?;
    let transport = HttpTransport::new(&form.server_url).map_err(|m| CoreError::field("server_url", m))?;
    touchpoint_core::sync::enroll(
        state.desk()?,
        &transport,
        &form.server_url,
        &form.code,
        &form.device_name,
        allow_unencrypted,
    )
    .await?;
    state.start_sync()?;
    state.kick();
    sync_status(state).await
}

/// Stops syncing and forgets the server; everything stays on this desk.
#[tauri::command]
#[specta::specta]
pub async fn disconnect_server(state: State<'_, AppState>) -> Result<SyncStatus> {
    state.stop_sync();
    state.with(|d| d.disconnect())?;
    sync_status(state).await
}

/// Runs a round now (the indicator's "Sync now", or the network coming back).
#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>) -> Result<()> {
    state.kick();
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn rejected_changes(state: State<'_, AppState>) -> Result<Vec<RejectedChange>> {
    state.with(|d| d.rejected_changes())
}

#[tauri::command]
#[specta::specta]
pub async fn dismiss_rejected(state: State<'_, AppState>, op_id: Uuid) -> Result<()> {
    state.with(|d| d.dismiss_rejected(op_id))
}

/// Asks the server for customers this desk does not hold (empty when not connected).
#[tauri::command]
#[specta::specta]
pub async fn search_server(state: State<'_, AppState>, query: String) -> Result<Vec<ServerCustomer>> {
    let Some(engine) = state.engine() else { return Ok(Vec::new()) };
    let found = engine.search_server(&query).await.map_err(from_sync)?;
    state.with(|d| d.describe_server_customers(found))
}

/// Brings a customer found on the server onto this desk (and into its store) and opens them.
#[tauri::command]
#[specta::specta]
pub async fn open_server_customer(state: State<'_, AppState>, customer_id: Uuid) -> Result<CustomerPage> {
    let engine = state
        .engine()
        .ok_or_else(|| CoreError::Refused { message: "This desk is not connected to a server.".into() })?;
    engine.adopt(customer_id).await.map_err(from_sync)?;
    state.with(|d| d.open_customer(customer_id))
}

/// The newest conflicting edits on the store's customers (supervisors; empty on a desk that is
/// not connected, where edits never conflict). Needs the server.
#[tauri::command]
#[specta::specta]
pub async fn recent_conflicts(state: State<'_, AppState>) -> Result<Vec<StoreConflict>> {
    state.with(|d| d.may_see_conflicts())?;
    let Some(engine) = state.engine() else { return Ok(Vec::new()) };
    let found = engine.recent_conflicts(100).await.map_err(from_sync)?;
    state.with(|d| d.describe_recent_conflicts(found))
}

/// Profile fields two desks set at the same time (empty when not connected or offline: the
/// server keeps them).
#[tauri::command]
#[specta::specta]
pub async fn customer_conflicts(state: State<'_, AppState>, customer_id: Uuid) -> Result<Vec<ProfileConflict>> {
    let Some(engine) = state.engine() else { return Ok(Vec::new()) };
    let found = engine.conflicts(customer_id).await.map_err(from_sync)?;
    state.with(|d| d.describe_conflicts(found))
}
