//! The Tauri shell: resolves where the data lives, opens the `Desk`, and exposes its methods
//! as typed commands. No domain rule lives here.

mod commands;
mod events;
mod state;
mod sync;

use std::path::PathBuf;

use tauri::Manager;
use touchpoint_core::{Desk, DeskOptions};

pub use state::AppState;

/// The command list, shared by the app and the bindings export so they cannot drift apart.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            commands::startup_status,
            commands::desk_info,
            commands::list_stores,
            commands::list_touch_points,
            commands::list_reasons,
            commands::set_desk_touch_point,
            commands::create_customer,
            commands::search_customers,
            commands::open_customer,
            commands::possible_duplicates_of,
            commands::possible_duplicates,
            commands::merge_preview,
            commands::merge_customers,
            commands::undo_merge,
            commands::mark_not_same_person,
            commands::log_interaction,
            commands::customer_timeline,
            commands::update_customer,
            commands::customer_history,
            commands::amend_interaction,
            commands::create_follow_up,
            commands::close_follow_up,
            commands::my_follow_ups,
            commands::my_closed_follow_ups,
            commands::notification_settings,
            commands::set_notifications,
            commands::list_staff,
            commands::sign_in,
            commands::add_staff,
            commands::set_pin,
            commands::import_customers,
            commands::export_customer,
            commands::delete_customer,
            commands::restore_customer,
            commands::erase_customer,
            commands::review_criteria,
            commands::add_review_criterion,
            commands::rename_review_criterion,
            commands::retire_review_criterion,
            commands::review_queue,
            commands::record_review,
            commands::acknowledge_review,
            commands::my_reviews,
            commands::interaction_reviews,
            commands::audit_log,
            commands::follow_up_board,
            commands::reassign_follow_up,
            commands::snooze_follow_up,
            commands::loop_metrics,
            commands::insight,
            commands::export_insight,
            commands::export_follow_ups,
            commands::export_at_risk,
            commands::at_risk_customers,
            sync::sync_status,
            sync::connect_server,
            sync::disconnect_server,
            sync::sync_now,
            sync::rejected_changes,
            sync::dismiss_rejected,
            sync::search_server,
            sync::open_server_customer,
            sync::customer_conflicts,
            sync::recent_conflicts,
        ])
        // The shared text rule (what every free-text field may hold), checked as people type.
        .constant("TEXT_RULES", touchpoint_core::protocol::text::for_ui())
        .constant("MIN_SAMPLE", touchpoint_core::insight::MIN_SAMPLE)
        .events(tauri_specta::collect_events![events::SyncEvent])
        .error_handling(tauri_specta::ErrorHandlingMode::Result)
        // Our types are read and written in one shape, so one TypeScript type each is enough.
        .disable_serde_phases()
}

/// Where the data lives: `--data-dir DIR` beats `TOUCHPOINT_DATA_DIR`, which beats the
/// platform's app data directory.
fn data_dir_override() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.to_str().and_then(|a| a.strip_prefix("--data-dir=")) {
            return Some(PathBuf::from(dir));
        }
    }
    std::env::var_os("TOUCHPOINT_DATA_DIR").filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// `--demo`: fill an empty desk with the demo store before opening it.
fn wants_demo() -> bool {
    std::env::args().skip(1).any(|a| a == "--demo")
}

/// The region part of the system locale (`en_GB.UTF-8` → `GB`), to read local phone numbers.
fn locale_region() -> Option<String> {
    ["LC_ALL", "LC_TELEPHONE", "LANG"].iter().find_map(|var| {
        let value = std::env::var(var).ok()?;
        let region = value.split(['.', '@']).next()?.split('_').nth(1)?;
        (region.len() == 2).then(|| region.to_owned())
    })
}

/// How often the desk looks for reminders that have come due.
const REMINDERS_EVERY_SECS: u64 = 300;
/// How often it looks for desktop notifications to show (a due-soon notice is 15 minutes ahead).
const NOTICES_EVERY_SECS: u64 = 30;

pub fn run() {
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let dir = match data_dir_override() {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            // The window is up at once: the desk opens here, or (when the demo store is to be
            // filled in first) on a thread while the window shows how far it has got.
            app.manage(AppState::starting());
            let handle = app.handle().clone();
            handle.state::<AppState>().send_events_to(handle.clone());
            let open = move || {
                let state = handle.state::<AppState>();
                if wants_demo() {
                    seed_demo(&dir, &mut |p| state.set_progress(p));
                }
                let desk = Desk::open_in(&dir, &DeskOptions { region: locale_region() });
                if let Err(e) = &desk {
                    eprintln!("touchpoint: cannot open the data in {}: {e}", dir.display());
                }
                state.opened(desk);
                if let Err(e) = state.start_sync() {
                    eprintln!("touchpoint: sync could not start: {e}");
                }
                // Reminders come due with the clock, not only when a list is opened: the rail's
                // count is right after a night with the desk left on.
                let ticker = handle.clone();
                let _ = std::thread::Builder::new().name("reminders".into()).spawn(move || loop {
                    ticker.state::<AppState>().raise_reminders();
                    std::thread::sleep(std::time::Duration::from_secs(REMINDERS_EVERY_SECS));
                });
                // Desktop notifications for whoever is signed in and turned them on: never a
                // customer's name or a promise (the core words them), so a locked screen or a
                // shared till shows nothing personal.
                let notifier = handle.clone();
                let _ = std::thread::Builder::new().name("notices".into()).spawn(move || loop {
                    let notices = notifier.state::<AppState>().with(|d| d.take_notices()).unwrap_or_default();
                    for n in notices {
                        use tauri_plugin_notification::NotificationExt;
                        if let Err(e) = notifier.notification().builder().title(&n.title).body(&n.body).show() {
                            eprintln!("touchpoint: a notification could not be shown: {e}");
                        }
                    }
                    std::thread::sleep(std::time::Duration::from_secs(NOTICES_EVERY_SECS));
                });
            };
            if wants_demo() {
                std::thread::Builder::new().name("demo-store".into()).spawn(open)?;
            } else {
                open();
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("touchpoint: the window could not start: {e}");
            std::process::exit(1);
        });
}

fn seed_demo(dir: &std::path::Path, progress: &mut dyn FnMut(touchpoint_core::demo::DemoProgress)) {
    let path = dir.join(touchpoint_core::DATABASE_FILE);
    let empty = rusqlite_free_check(&path);
    if !empty {
        eprintln!("touchpoint: --demo ignored: {} already has customers", path.display());
        return;
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("touchpoint: cannot create {}: {e}", dir.display());
        return;
    }
    // On a first start the demo is built in a file of its own and moved into place once
    // complete: an app closed half-way leaves no half demo behind, and the next start builds it
    // again. An existing empty desk (its device and store kept) is filled in where it is.
    let first_start = !path.exists();
    let target =
        if first_start { dir.join(format!("{}.demo-partial", touchpoint_core::DATABASE_FILE)) } else { path.clone() };
    if first_start {
        for stale in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{stale}", target.display()));
        }
    }
    let options = touchpoint_core::demo::DemoOptions::default();
    let made = touchpoint_core::demo::generate_with(&target, &options, progress).and_then(|s| {
        if first_start {
            std::fs::rename(&target, &path).map_err(|e| touchpoint_core::CoreError::Storage {
                message: format!("The demo store could not be moved into {}: {e}", path.display()),
            })?;
        }
        Ok(s)
    });
    match made {
        Ok(s) => eprintln!(
            "touchpoint: demo store ready: {} customers, {} interactions, {} follow-ups",
            s.customers, s.interactions, s.follow_ups
        ),
        Err(e) => eprintln!("touchpoint: demo data could not be created: {e}"),
    }
}

/// Whether the desk at `path` has no customers yet (or does not exist).
fn rusqlite_free_check(path: &std::path::Path) -> bool {
    if !path.exists() {
        return true;
    }
    match Desk::open(path, &DeskOptions::default(), std::sync::Arc::new(touchpoint_core::clock::SystemClock)) {
        Ok(d) => d.search_customers("", 1).map(|c| c.is_empty()).unwrap_or(false),
        Err(_) => false,
    }
}
