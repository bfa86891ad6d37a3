//! Commands: each one adapts a `Desk` method. Async so they run off the UI thread.

use tauri::State;
use touchpoint_core::catalogue::{Reason, TouchPoint};
use touchpoint_core::customer_page::CustomerPage;
use touchpoint_core::customers::{Customer, NewCustomer};
use touchpoint_core::interactions::{LogInteraction, LoggedInteraction};
use touchpoint_core::search::{CustomerHit, DEFAULT_LIMIT};
use touchpoint_core::{CoreError, DeskInfo};
use uuid::Uuid;

use crate::AppState;

type Result<T> = std::result::Result<T, CoreError>;

#[tauri::command]
#[specta::specta]
pub async fn desk_info(state: State<'_, AppState>) -> Result<DeskInfo> {
    state.with(|d| d.info())
}

#[tauri::command]
#[specta::specta]
pub async fn list_touch_points(state: State<'_, AppState>) -> Result<Vec<TouchPoint>> {
    state.with(|d| d.touch_points())
}

#[tauri::command]
#[specta::specta]
pub async fn list_reasons(state: State<'_, AppState>) -> Result<Vec<Reason>> {
    state.with(|d| d.reasons())
}

#[tauri::command]
#[specta::specta]
pub async fn set_desk_touch_point(state: State<'_, AppState>, touch_point_id: Uuid) -> Result<TouchPoint> {
    state.with(|d| d.set_desk_touch_point(touch_point_id))
}

#[tauri::command]
#[specta::specta]
pub async fn create_customer(state: State<'_, AppState>, input: NewCustomer) -> Result<Customer> {
    state.with(|d| d.create_customer(&input))
}

#[tauri::command]
#[specta::specta]
pub async fn search_customers(state: State<'_, AppState>, query: String) -> Result<Vec<CustomerHit>> {
    state.with(|d| d.search_customers(&query, DEFAULT_LIMIT))
}

#[tauri::command]
#[specta::specta]
pub async fn open_customer(state: State<'_, AppState>, customer_id: Uuid) -> Result<CustomerPage> {
    state.with(|d| d.open_customer(customer_id))
}

#[tauri::command]
#[specta::specta]
pub async fn log_interaction(state: State<'_, AppState>, input: LogInteraction) -> Result<LoggedInteraction> {
    state.with(|d| d.log_interaction(&input))
}
