use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use tauri_specta::Event;
use touchpoint_core::demo::DemoProgress;
use touchpoint_core::sync::{Backoff, HttpTransport, SharedDesk, SyncEngine};
use touchpoint_core::{CoreError, Desk};

use crate::events::SyncEvent;

type Engine = Arc<SyncEngine<HttpTransport>>;

/// The open desk (or why it could not be opened, shown by the UI instead of crashing), and
/// the background sync once the desk is connected to a server.
pub struct AppState {
    /// Set once: at start, or when the demo store has been filled in (the window is up before).
    desk: OnceLock<Result<SharedDesk, CoreError>>,
    /// While the demo store is being filled in: how far it has got.
    preparing: Mutex<Option<DemoProgress>>,
    sync: Mutex<Option<Runner>>,
    kick: Arc<tokio::sync::Notify>,
    interval: Duration,
    /// Where sync events go (the window), once the app is up.
    app: OnceLock<tauri::AppHandle>,
}

struct Runner {
    engine: Engine,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Runner {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// How often a connected desk syncs when nothing else asks it to: `TOUCHPOINT_SYNC_INTERVAL_SECS`,
/// 15 s by default.
fn sync_interval() -> Duration {
    let secs = std::env::var("TOUCHPOINT_SYNC_INTERVAL_SECS").ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(15);
    Duration::from_secs(secs.clamp(1, 3600))
}

impl AppState {
    pub fn new(desk: Result<Desk, CoreError>) -> Self {
        let state = AppState::starting();
        state.opened(desk);
        state
    }

    /// A state whose desk is not open yet (the demo store is being filled in); commands are
    /// refused, with why, until [`AppState::opened`].
    pub fn starting() -> Self {
        AppState {
            desk: OnceLock::new(),
            preparing: Mutex::new(None),
            sync: Mutex::new(None),
            kick: Arc::new(tokio::sync::Notify::new()),
            interval: sync_interval(),
            app: OnceLock::new(),
        }
    }

    /// Sync events from now on go to this app's window.
    pub fn send_events_to(&self, app: tauri::AppHandle) {
        let _ = self.app.set(app);
    }

    /// The desk is open (or could not be): commands go to it from now on.
    pub fn opened(&self, desk: Result<Desk, CoreError>) {
        let desk = desk.map(|mut d| {
            d.set_local_offset(*chrono::Local::now().offset());
            d
        });
        let _ = self.desk.set(desk.map(|d| Arc::new(Mutex::new(d))));
        self.preparing.lock().unwrap_or_else(PoisonError::into_inner).take();
    }

    pub fn set_progress(&self, progress: DemoProgress) {
        *self.preparing.lock().unwrap_or_else(PoisonError::into_inner) = Some(progress);
    }

    /// Whether the desk is open yet, and how far the demo store has got while it is not.
    pub fn startup(&self) -> (bool, Option<DemoProgress>) {
        (self.desk.get().is_some(), *self.preparing.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn desk(&self) -> Result<&SharedDesk, CoreError> {
        match self.desk.get() {
            Some(desk) => desk.as_ref().map_err(Clone::clone),
            None => Err(CoreError::Refused { message: "Touchpoint is still preparing the demo store.".into() }),
        }
    }

    /// Runs `f` with exclusive access to the desk. Each call is short (sub-millisecond
    /// SQLite work), so one lock is simpler than a pool and keeps writes serialised; the sync
    /// engine takes the same lock only between its network calls.
    pub fn with<T>(&self, f: impl FnOnce(&mut Desk) -> Result<T, CoreError>) -> Result<T, CoreError> {
        let desk = self.desk()?;
        let mut guard = desk.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }

    /// Raises the follow-ups that are due on their own (stay in touch, important dates) for
    /// whoever is signed in to act on; sync sends them soon. A failure is logged, never shown
    /// in place of the list it runs before.
    pub fn raise_reminders(&self) {
        let raised = self.with(|d| {
            d.set_local_offset(*chrono::Local::now().offset());
            d.raise_reminders()
        });
        match raised {
            Ok(0) => {}
            Ok(_) => self.wrote(),
            Err(CoreError::Forbidden { .. }) => {} // nobody signed in to act on them yet
            Err(e) => eprintln!("touchpoint: reminders could not be raised: {e}"),
        }
    }

    /// Like `with`, for changes: once saved, the sync is asked to send them soon.
    pub fn write<T>(&self, f: impl FnOnce(&mut Desk) -> Result<T, CoreError>) -> Result<T, CoreError> {
        let out = self.with(f)?;
        self.wrote();
        Ok(out)
    }

    /// The running engine, if the desk is connected.
    pub fn engine(&self) -> Option<Engine> {
        self.sync.lock().unwrap_or_else(PoisonError::into_inner).as_ref().map(|r| r.engine.clone())
    }

    /// Starts the background sync if the desk is connected to a server (on start, and right
    /// after enrolling). Rounds run on a timer, with backoff after failures, and at once when
    /// kicked.
    pub fn start_sync(&self) -> Result<(), CoreError> {
        let desk = self.desk()?.clone();
        let Some(settings) = self.with(|d| d.sync_settings())? else { return Ok(()) };
        let transport = HttpTransport::new(&settings.server_url).map_err(|message| CoreError::Storage {
            message: format!("The saved server address is unusable: {message}"),
        })?;
        let engine = Arc::new(SyncEngine::new(desk, transport));
        if let Some(app) = self.app.get().cloned() {
            engine.observe(move |status, changed| {
                let event = SyncEvent { status: status.clone(), changed: changed.clone() };
                if let Err(e) = event.emit(&app) {
                    eprintln!("touchpoint: the sync event could not be sent: {e}");
                }
            });
        }
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let runner = touchpoint_core::sync::run(
            engine.clone(),
            self.kick.clone(),
            self.interval,
            Backoff::default(),
            |result| {
                if let Err(e) = result {
                    eprintln!("touchpoint: sync round failed: {e}");
                }
            },
            async move {
                let _ = stop_rx.await;
            },
        );
        tauri::async_runtime::spawn(runner);
        *self.sync.lock().unwrap_or_else(PoisonError::into_inner) = Some(Runner { engine, stop: Some(stop_tx) });
        Ok(())
    }

    pub fn stop_sync(&self) {
        self.sync.lock().unwrap_or_else(PoisonError::into_inner).take();
    }

    /// Asks for a round now ("sync now", the network came back).
    pub fn kick(&self) {
        self.kick.notify_one();
    }

    /// After a local write: send it soon, unless the server is known to be away (then the
    /// backoff timer decides, so writes made offline do not hammer the network).
    pub fn wrote(&self) {
        if let Some(engine) = self.engine() {
            if engine.status().is_ok_and(|s| s.online != Some(false) && s.blocked.is_none()) {
                self.kick();
            }
        }
    }
}
