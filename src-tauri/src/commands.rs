//! Commands: each one adapts a `Desk` method. Async so they run off the UI thread.

use tauri::State;
use touchpoint_core::audit::{AuditEntry, AuditFilter};
use touchpoint_core::catalogue::{Reason, Store, TouchPoint};
use touchpoint_core::customers::duplicates::{DuplicatePair, PossibleDuplicate};
use touchpoint_core::customers::import::{ImportChoice, ImportReport};
use touchpoint_core::customers::merge::{MergePreview, MergeRequest};
use touchpoint_core::customers::page::{CustomerPage, TimelinePage, TimelineQuery};
use touchpoint_core::customers::record::ExportedFile;
use touchpoint_core::customers::search::{CustomerHit, DEFAULT_LIMIT};
use touchpoint_core::customers::{Customer, CustomerEdit, NewCustomer, ProfileChange};
use touchpoint_core::demo::DemoProgress;
use touchpoint_core::follow_ups::board::{BoardFilter, LoopMetrics};
use touchpoint_core::follow_ups::notices::NotificationSettings;
use touchpoint_core::follow_ups::{CloseFollowUp, FollowUp, NewFollowUp, ReassignFollowUp, SnoozeFollowUp};
use touchpoint_core::insight::{AtRiskCustomer, Dashboard, InsightFilter};
use touchpoint_core::interactions::amendments::AmendInteraction;
use touchpoint_core::interactions::{LogInteraction, LoggedInteraction};
use touchpoint_core::reviews::{NewReview, QueueItem, Review, ReviewCriterion, ReviewQueueFilter};
use touchpoint_core::staff::StaffMember;
use touchpoint_core::staff::{NewStaff, StaffListing};
use touchpoint_core::{CoreError, DeskInfo};
use uuid::Uuid;

use crate::AppState;

type Result<T> = std::result::Result<T, CoreError>;

/// Whether the desk is open yet; while it is not, how far the demo store has got.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct Startup {
    pub ready: bool,
    pub demo: Option<DemoProgress>,
}

/// Asked first by the window (which opens before the desk when the demo store is filled in).
#[tauri::command]
#[specta::specta]
pub async fn startup_status(state: State<'_, AppState>) -> Result<Startup> {
    let (ready, demo) = state.startup();
    Ok(Startup { ready, demo })
}

#[tauri::command]
#[specta::specta]
pub async fn desk_info(state: State<'_, AppState>) -> Result<DeskInfo> {
    state.with(|d| d.info())
}

/// Every store this desk knows (for the supervisors' store filters).
#[tauri::command]
#[specta::specta]
pub async fn list_stores(state: State<'_, AppState>) -> Result<Vec<Store>> {
    state.with(|d| d.stores())
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
    state.write(|d| d.create_customer(&input))
}

#[tauri::command]
#[specta::specta]
pub async fn search_customers(state: State<'_, AppState>, query: String) -> Result<Vec<CustomerHit>> {
    state.with(|d| d.search_customers(&query, DEFAULT_LIMIT))
}

#[tauri::command]
#[specta::specta]
pub async fn open_customer(state: State<'_, AppState>, customer_id: Uuid) -> Result<CustomerPage> {
    // Looking at a customer is recorded in the audit log (the core decides when).
    state.with(|d| d.open_customer(customer_id))
}

/// Other records possibly the same person as this customer (shown on their page).
#[tauri::command]
#[specta::specta]
pub async fn possible_duplicates_of(state: State<'_, AppState>, customer_id: Uuid) -> Result<Vec<PossibleDuplicate>> {
    state.with(|d| d.possible_duplicates_of(customer_id))
}

/// The store's possible duplicates, the newest first (supervisors).
#[tauri::command]
#[specta::specta]
pub async fn possible_duplicates(state: State<'_, AppState>) -> Result<Vec<DuplicatePair>> {
    state.with(|d| d.possible_duplicates(200))
}

/// What merging two records would do: fields to choose, the combined timeline (supervisors).
#[tauri::command]
#[specta::specta]
pub async fn merge_preview(state: State<'_, AppState>, survivor_id: Uuid, merged_id: Uuid) -> Result<MergePreview> {
    state.with(|d| d.merge_preview(survivor_id, merged_id))
}

/// Merges two records of one person; answers with the survivor's page.
#[tauri::command]
#[specta::specta]
pub async fn merge_customers(state: State<'_, AppState>, input: MergeRequest) -> Result<CustomerPage> {
    state.write(|d| d.merge_customers(&input))
}

/// Undoes a merge; answers with the survivor's page.
#[tauri::command]
#[specta::specta]
pub async fn undo_merge(state: State<'_, AppState>, merge_id: Uuid) -> Result<CustomerPage> {
    state.write(|d| d.undo_merge(merge_id))
}

/// Two records that look alike are different people: never proposed again.
#[tauri::command]
#[specta::specta]
pub async fn mark_not_same_person(state: State<'_, AppState>, customer_id: Uuid, other_id: Uuid) -> Result<()> {
    state.write(|d| d.mark_not_same_person(customer_id, other_id))
}

#[tauri::command]
#[specta::specta]
pub async fn log_interaction(state: State<'_, AppState>, input: LogInteraction) -> Result<LoggedInteraction> {
    state.write(|d| d.log_interaction(&input))
}

#[tauri::command]
#[specta::specta]
pub async fn customer_timeline(
    state: State<'_, AppState>,
    customer_id: Uuid,
    query: TimelineQuery,
) -> Result<TimelinePage> {
    state.with(|d| d.customer_timeline(customer_id, &query))
}

#[tauri::command]
#[specta::specta]
pub async fn update_customer(state: State<'_, AppState>, input: CustomerEdit) -> Result<Customer> {
    state.write(|d| d.update_customer(&input))
}

#[tauri::command]
#[specta::specta]
pub async fn customer_history(state: State<'_, AppState>, customer_id: Uuid) -> Result<Vec<ProfileChange>> {
    state.with(|d| d.customer_history(customer_id))
}

#[tauri::command]
#[specta::specta]
pub async fn amend_interaction(state: State<'_, AppState>, input: AmendInteraction) -> Result<()> {
    state.write(|d| d.amend_interaction(&input))
}

#[tauri::command]
#[specta::specta]
pub async fn create_follow_up(state: State<'_, AppState>, input: NewFollowUp) -> Result<FollowUp> {
    state.write(|d| d.create_follow_up(&input))
}

#[tauri::command]
#[specta::specta]
pub async fn close_follow_up(state: State<'_, AppState>, input: CloseFollowUp) -> Result<FollowUp> {
    state.write(|d| d.close_follow_up(&input))
}

#[tauri::command]
#[specta::specta]
pub async fn my_follow_ups(state: State<'_, AppState>) -> Result<Vec<FollowUp>> {
    state.raise_reminders();
    state.with(|d| d.my_follow_ups())
}

/// The signed-in person's desktop notifications on this desk (off until they turn them on).
#[tauri::command]
#[specta::specta]
pub async fn notification_settings(state: State<'_, AppState>) -> Result<NotificationSettings> {
    state.with(|d| d.notification_settings())
}

/// Turns the signed-in person's desktop notifications on or off, worded in `language`.
#[tauri::command]
#[specta::specta]
pub async fn set_notifications(
    state: State<'_, AppState>,
    enabled: bool,
    language: String,
) -> Result<NotificationSettings> {
    state.with(|d| d.set_notifications(enabled, &language))
}

#[tauri::command]
#[specta::specta]
pub async fn my_closed_follow_ups(state: State<'_, AppState>) -> Result<Vec<FollowUp>> {
    state.with(|d| d.my_closed_follow_ups())
}

#[tauri::command]
#[specta::specta]
pub async fn list_staff(state: State<'_, AppState>) -> Result<Vec<StaffListing>> {
    state.with(|d| d.list_staff())
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(state: State<'_, AppState>, staff_id: Uuid, pin: Option<String>) -> Result<StaffMember> {
    match state.engine() {
        Some(engine) => engine.sign_in(staff_id, pin.as_deref()).await,
        None => state.with(|d| d.sign_in(staff_id, pin.as_deref())),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn add_staff(state: State<'_, AppState>, input: NewStaff) -> Result<StaffListing> {
    state.with(|d| d.add_staff(&input))
}

#[tauri::command]
#[specta::specta]
pub async fn set_pin(state: State<'_, AppState>, staff_id: Uuid, pin: String) -> Result<()> {
    state.with(|d| d.set_pin(staff_id, &pin))
}

#[tauri::command]
#[specta::specta]
pub async fn import_customers(
    state: State<'_, AppState>,
    csv: String,
    commit: bool,
    choices: Vec<ImportChoice>,
) -> Result<ImportReport> {
    state.write(|d| d.import_customers(&csv, commit, &choices))
}

#[tauri::command]
#[specta::specta]
pub async fn export_customer(state: State<'_, AppState>, customer_id: Uuid) -> Result<ExportedFile> {
    state.with(|d| d.export_customer(customer_id))
}

/// Deletes a customer (supervisors and admins); a later restore brings them back.
#[tauri::command]
#[specta::specta]
pub async fn delete_customer(state: State<'_, AppState>, customer_id: Uuid) -> Result<()> {
    state.write(|d| d.delete_customer(customer_id))
}

#[tauri::command]
#[specta::specta]
pub async fn restore_customer(state: State<'_, AppState>, customer_id: Uuid) -> Result<Customer> {
    state.write(|d| d.restore_customer(customer_id))
}

#[tauri::command]
#[specta::specta]
pub async fn review_criteria(state: State<'_, AppState>) -> Result<Vec<ReviewCriterion>> {
    state.with(|d| d.review_criteria())
}

/// Adds a criterion to the review scorecard (administrators, desk not connected).
#[tauri::command]
#[specta::specta]
pub async fn add_review_criterion(state: State<'_, AppState>, name: String) -> Result<ReviewCriterion> {
    state.with(|d| d.add_review_criterion(&name))
}

#[tauri::command]
#[specta::specta]
pub async fn rename_review_criterion(state: State<'_, AppState>, id: Uuid, name: String) -> Result<ReviewCriterion> {
    state.with(|d| d.rename_review_criterion(id, &name))
}

/// Takes a criterion off the scorecard; earlier reviews keep what they scored.
#[tauri::command]
#[specta::specta]
pub async fn retire_review_criterion(state: State<'_, AppState>, id: Uuid) -> Result<()> {
    state.with(|d| d.retire_review_criterion(id))
}

/// Conversations to review (supervisors and admins).
#[tauri::command]
#[specta::specta]
pub async fn review_queue(state: State<'_, AppState>, filter: ReviewQueueFilter) -> Result<Vec<QueueItem>> {
    state.with(|d| d.review_queue(&filter))
}

#[tauri::command]
#[specta::specta]
pub async fn record_review(state: State<'_, AppState>, input: NewReview) -> Result<Review> {
    state.write(|d| d.record_review(&input))
}

#[tauri::command]
#[specta::specta]
pub async fn acknowledge_review(state: State<'_, AppState>, review_id: Uuid) -> Result<Review> {
    state.write(|d| d.acknowledge_review(review_id))
}

/// Reviews of the signed-in person's work.
#[tauri::command]
#[specta::specta]
pub async fn my_reviews(state: State<'_, AppState>) -> Result<Vec<Review>> {
    state.with(|d| d.my_reviews())
}

#[tauri::command]
#[specta::specta]
pub async fn interaction_reviews(state: State<'_, AppState>, interaction_id: Uuid) -> Result<Vec<Review>> {
    state.with(|d| d.interaction_reviews(interaction_id))
}

/// Who viewed, changed, exported or erased which customer (supervisors and admins).
#[tauri::command]
#[specta::specta]
pub async fn audit_log(state: State<'_, AppState>, filter: AuditFilter) -> Result<Vec<AuditEntry>> {
    state.with(|d| d.audit_log(&filter))
}

/// The store's open follow-ups (supervisors and admins).
#[tauri::command]
#[specta::specta]
pub async fn follow_up_board(state: State<'_, AppState>, filter: BoardFilter) -> Result<Vec<FollowUp>> {
    state.raise_reminders();
    state.with(|d| d.follow_up_board(&filter))
}

/// Hands a follow-up to someone else, saying why (its owner, or a supervisor).
#[tauri::command]
#[specta::specta]
pub async fn reassign_follow_up(state: State<'_, AppState>, input: ReassignFollowUp) -> Result<FollowUp> {
    state.write(|d| d.reassign_follow_up(&input))
}

/// Puts a follow-up off to a new due time, saying why (its owner, or a supervisor).
#[tauri::command]
#[specta::specta]
pub async fn snooze_follow_up(state: State<'_, AppState>, input: SnoozeFollowUp) -> Result<FollowUp> {
    state.write(|d| d.snooze_follow_up(&input))
}

/// How well the loop closed over a period (supervisors and admins).
#[tauri::command]
#[specta::specta]
pub async fn loop_metrics(
    state: State<'_, AppState>,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> Result<LoopMetrics> {
    state.with(|d| d.loop_metrics(from, to))
}

/// The Insight dashboards (supervisors and admins).
#[tauri::command]
#[specta::specta]
pub async fn insight(state: State<'_, AppState>, filter: InsightFilter) -> Result<Dashboard> {
    state.with(|d| d.insight(&filter))
}

/// The dashboards' figures as a CSV file next to the data (audited).
#[tauri::command]
#[specta::specta]
pub async fn export_insight(state: State<'_, AppState>, filter: InsightFilter) -> Result<ExportedFile> {
    state.write(|d| d.export_insight(&filter))
}

/// The store's loop figures and follow-ups board as a CSV file next to the data (audited).
#[tauri::command]
#[specta::specta]
pub async fn export_follow_ups(
    state: State<'_, AppState>,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
    filter: BoardFilter,
) -> Result<ExportedFile> {
    state.write(|d| d.export_follow_ups(from, to, &filter))
}

/// Customers at risk, with their reasons, as a CSV file next to the data (audited).
#[tauri::command]
#[specta::specta]
pub async fn export_at_risk(state: State<'_, AppState>) -> Result<ExportedFile> {
    state.write(|d| d.export_at_risk())
}

#[tauri::command]
#[specta::specta]
pub async fn at_risk_customers(state: State<'_, AppState>) -> Result<Vec<AtRiskCustomer>> {
    state.with(|d| d.at_risk_customers())
}

/// Erases a customer at their request (supervisors and admins): personal data goes from this
/// desk, the server and every desk; an anonymous stub keeps the counts.
#[tauri::command]
#[specta::specta]
pub async fn erase_customer(state: State<'_, AppState>, customer_id: Uuid) -> Result<()> {
    state.write(|d| d.erase_customer(customer_id))
}
