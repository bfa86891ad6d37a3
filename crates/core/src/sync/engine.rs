//! The sync engine: pushes the outbox, pulls everyone else's changes, and keeps trying on a
//! timer with exponential backoff and jitter. It holds the desk only for the short SQLite
//! work between calls, never while it waits on the network, so the UI never waits on sync.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::RngExt;
use touchpoint_protocol::{
    DeskReport, EnrollRequest, ErrorCode, Op, PinCheckRequest, PullResponse, PushRequest, PushResponse, RemoteCustomer,
    TokenRequest, MAX_PULL_LIMIT, MAX_PUSH_BYTES, MAX_PUSH_OPS,
};
use uuid::Uuid;

use super::changes::Changed;
use super::status::{Block, SyncSettings, SyncStatus};
use super::transport::{PullRequest, Transport, TransportError};
use crate::error::{CoreError, Result};
use crate::Desk;

/// The desk, shared by the UI's commands and the engine.
pub type SharedDesk = Arc<Mutex<Desk>>;

fn with_desk<T>(desk: &SharedDesk, f: impl FnOnce(&mut Desk) -> Result<T>) -> Result<T> {
    let mut guard = desk.lock().unwrap_or_else(PoisonError::into_inner);
    f(&mut guard)
}

/// Why a sync round stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    /// The desk is not connected to a server.
    #[error("This desk is not connected to a server.")]
    NotEnrolled,
    /// Sync is stopped until a person acts.
    #[error("{message}")]
    Blocked { block: Block, message: String },
    /// The server could not be reached or failed; the engine tries again by itself.
    #[error("{0}")]
    Transient(TransportError),
    /// The local database failed.
    #[error("{0}")]
    Local(CoreError),
}

impl From<CoreError> for SyncError {
    fn from(e: CoreError) -> Self {
        SyncError::Local(e)
    }
}

impl SyncError {
    /// Words for the sync indicator.
    pub fn message(&self) -> String {
        match self {
            SyncError::Transient(TransportError::Offline(_)) => "Cannot reach the server.".into(),
            SyncError::Transient(TransportError::Server { message, .. }) => message.clone(),
            SyncError::Transient(TransportError::Garbled(_)) => "The server's answer could not be read.".into(),
            other => other.to_string(),
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            SyncError::Transient(TransportError::Server { retry_after, .. }) => *retry_after,
            _ => None,
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: usize,
    pub rejected: usize,
    pub pulled: usize,
    /// The server's history had to be downloaded again (restored server or stale cursor).
    pub restarted: bool,
}

/// Retry timing: exponential from `base`, capped at `max`, with full jitter so a store's
/// desks coming back online together do not hit the server in step.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base: Duration::from_secs(2), max: Duration::from_secs(300) }
    }
}

impl Backoff {
    /// The wait before attempt `failures + 1`: a random time in [ceiling/2, ceiling].
    pub fn delay(&self, failures: u32) -> Duration {
        let ceiling = self.base.saturating_mul(2u32.saturating_pow(failures.saturating_sub(1).min(16))).min(self.max);
        let half = ceiling / 2;
        let jitter = rand::rng().random_range(0..=half.as_millis().max(1) as u64);
        half + Duration::from_millis(jitter)
    }
}

#[derive(Debug, Clone)]
struct Access {
    token: String,
    expires_at: DateTime<Utc>,
    margin: chrono::Duration,
}

#[derive(Debug, Default)]
struct Live {
    syncing: bool,
    received: u32,
}

pub struct SyncEngine<T> {
    desk: SharedDesk,
    transport: T,
    access: tokio::sync::Mutex<Option<Access>>,
    live: Mutex<Live>,
    /// Serialises rounds (the timer and a manual "sync now" may ask at once).
    round: tokio::sync::Mutex<()>,
    pub page_limit: u32,
    pub push_limit: usize,
    /// Told whenever the indicator's truth may have moved (a round starts or ends, a page of
    /// changes lands, a customer is adopted), with what changed.
    observer: Mutex<Option<Observer>>,
}

/// Called with the sync status and what changed on this desk from elsewhere.
pub type Observer = Box<dyn Fn(&SyncStatus, &Changed) + Send + Sync>;

/// What a person typed to connect a desk, checked: every problem at once (the address, the code
/// and the desk's name), so the form shows them together rather than one per try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentForm {
    /// The server's address without a trailing slash.
    pub server_url: String,
    pub code: String,
    pub device_name: String,
}

/// Checks the connect form. Plain `http://` is taken only for this computer or a private
/// network, or when `allow_unencrypted` (which only an administrator may set; see [`enroll`]).
pub fn check_enrollment(
    server_url: &str,
    code: &str,
    device_name: &str,
    allow_unencrypted: bool,
) -> Result<EnrollmentForm> {
    let mut problems = crate::error::Problems::default();
    let url = match super::http::normalise_server_url(server_url) {
        Ok(url) => match super::http::unencrypted_problem(&url, allow_unencrypted) {
            Some(problem) => {
                problems.add("server_url", problem);
                None
            }
            None => Some(url),
        },
        Err(problem) => {
            problems.add("server_url", problem);
            None
        }
    };
    if code.chars().filter(|c| c.is_ascii_alphanumeric()).count() < 8 {
        problems.add("code", "The enrollment code has 8 letters and digits, like ABCD-2345.");
    }
    let device_name = device_name.trim();
    if device_name.is_empty() {
        problems.add("device_name", "Give this desk a name of 1 to 80 characters, like \"Returns desk PC\".");
    } else {
        problems.text("device_name", Some(device_name), touchpoint_protocol::text::DEVICE_NAME, "The desk's name");
    }
    problems.finish()?;
    Ok(EnrollmentForm {
        server_url: url.unwrap_or_default(),
        code: code.trim().to_owned(),
        device_name: device_name.to_owned(),
    })
}

/// Enrolls the desk with a one-time code: the server makes it a device of a store, and the
/// desk's own history moves onto that store. The form is checked first ([`check_enrollment`]);
/// allowing plain HTTP to a server outside the network is an administrator's decision. Nothing
/// is pushed yet; the engine first downloads the store's catalogue and customers.
pub async fn enroll<T: Transport>(
    desk: &SharedDesk,
    transport: &T,
    server_url: &str,
    code: &str,
    device_name: &str,
    allow_unencrypted: bool,
) -> Result<()> {
    if allow_unencrypted && with_desk(desk, |d| d.role())? != touchpoint_protocol::Role::Admin {
        return Err(CoreError::forbidden("allow an unencrypted connection to the server"));
    }
    let EnrollmentForm { server_url, code, device_name } =
        check_enrollment(server_url, code, device_name, allow_unencrypted)?;
    let (server_url, device_name) = (server_url.as_str(), device_name.as_str());
    let (device_id, already) = with_desk(desk, |d| Ok((d.device_id, d.sync_settings()?.is_some())))?;
    if already {
        return Err(CoreError::field("server_url", "This desk is already connected. Disconnect it first."));
    }
    let resp = transport
        .enroll(&EnrollRequest { code, device_id, device_name: device_name.to_owned() })
        .await
        .map_err(|e| match e {
            TransportError::Server { code: ErrorCode::Unauthorized, message, .. } => CoreError::field("code", message),
            TransportError::Server { message, .. } => CoreError::Refused { message },
            TransportError::Offline(m) => {
                CoreError::Offline { message: format!("Cannot reach the server at {server_url}: {m}") }
            }
            TransportError::Garbled(m) => {
                CoreError::Refused { message: format!("That address does not answer like a Touchpoint server ({m}).") }
            }
        })?;
    with_desk(desk, |d| d.complete_enrollment(server_url, device_name, &resp))
}

impl<T: Transport> SyncEngine<T> {
    pub fn new(desk: SharedDesk, transport: T) -> Self {
        SyncEngine {
            desk,
            transport,
            access: tokio::sync::Mutex::new(None),
            live: Mutex::new(Live::default()),
            round: tokio::sync::Mutex::new(()),
            page_limit: MAX_PULL_LIMIT,
            push_limit: MAX_PUSH_OPS,
            observer: Mutex::new(None),
        }
    }

    /// Tells `observer` (from now on, instead of any before) about every change of status and
    /// every page of changes applied.
    pub fn observe(&self, observer: impl Fn(&SyncStatus, &Changed) + Send + Sync + 'static) {
        *self.observer.lock().unwrap_or_else(PoisonError::into_inner) = Some(Box::new(observer));
    }

    fn notify(&self, changed: &Changed) {
        let observer = self.observer.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(observer) = observer.as_ref() {
            if let Ok(status) = self.status() {
                observer(&status, changed);
            }
        }
    }

    pub fn desk(&self) -> &SharedDesk {
        &self.desk
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The status for the indicator, with whether a round is running now.
    pub fn status(&self) -> Result<SyncStatus> {
        let mut status = with_desk(&self.desk, |d| d.sync_status())?;
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        status.syncing = live.syncing;
        status.received = live.received;
        Ok(status)
    }

    fn settings(&self) -> std::result::Result<SyncSettings, SyncError> {
        with_desk(&self.desk, |d| d.sync_settings())?.ok_or(SyncError::NotEnrolled)
    }

    /// One full round: (first download,) push everything waiting, pull everything new.
    /// Records the outcome on the desk for the indicator.
    pub async fn sync_once(&self) -> std::result::Result<SyncReport, SyncError> {
        let _round = self.round.lock().await;
        self.live.lock().unwrap_or_else(PoisonError::into_inner).syncing = true;
        self.notify(&Changed::default());
        let result = self.round().await;
        self.live.lock().unwrap_or_else(PoisonError::into_inner).syncing = false;
        let noted = match &result {
            Ok(_) => with_desk(&self.desk, |d| d.note_sync_success()),
            Err(SyncError::Blocked { block, message }) => {
                with_desk(&self.desk, |d| d.note_sync_blocked(*block, message))
            }
            Err(SyncError::NotEnrolled) => Ok(()),
            Err(e) => with_desk(&self.desk, |d| d.note_sync_failure(&e.message(), None).map(drop)),
        };
        self.notify(&Changed::default());
        noted?;
        result
    }

    /// Sends what is waiting without pulling (for measuring the push path on its own).
    pub async fn send_pending(&self) -> std::result::Result<SyncReport, SyncError> {
        let _round = self.round.lock().await;
        self.settings()?;
        let mut report = SyncReport::default();
        self.push_all(&mut report).await?;
        Ok(report)
    }

    async fn round(&self) -> std::result::Result<SyncReport, SyncError> {
        let settings = self.settings()?;
        // A desk blocked for its protocol version tries again (the app or the server may have
        // been updated since); a revoked or forgotten desk needs a person to enroll it again.
        if let Some(block) = settings.blocked.filter(|b| *b != Block::UpdateApp) {
            let message = with_desk(&self.desk, |d| d.sync_status())?.last_error.unwrap_or_default();
            return Err(SyncError::Blocked { block, message });
        }
        let mut report = SyncReport::default();
        // A new desk first learns the store's catalogue (its own touch points are mapped onto
        // the server's) before it sends anything.
        if !settings.bootstrapped {
            self.pull_all(&mut report).await?;
        }
        self.push_all(&mut report).await?;
        self.pull_all(&mut report).await?;
        self.report_to_server(&report).await;
        Ok(report)
    }

    /// Tells the server the app's version and what waits in the outbox, for the head office's
    /// list of devices. Best effort: a server without the call (an older one) or a failure
    /// here never fails the round that just succeeded.
    async fn report_to_server(&self, round: &SyncReport) {
        let Ok(status) = with_desk(&self.desk, |d| d.sync_status()) else { return };
        let report = DeskReport {
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            outbox_waiting: status.pending,
            outbox_refused: status.rejected,
            pushed: u32::try_from(round.pushed).unwrap_or(u32::MAX),
        };
        if let Ok(access) = self.access(false).await {
            let _ = self.transport.report(&access, &report).await;
        }
    }

    /// A valid access token, refreshed when missing or about to expire.
    async fn access(&self, force_refresh: bool) -> std::result::Result<String, SyncError> {
        let mut access = self.access.lock().await;
        // The server's idea of now, as far as this desk knows it.
        let now = with_desk(&self.desk, |d| Ok(d.now() + d.clock_offset()))?;
        if let Some(a) = access.as_ref().filter(|a| !force_refresh && a.expires_at - a.margin > now) {
            return Ok(a.token.clone());
        }
        let settings = self.settings()?;
        let resp = self
            .transport
            .token(&TokenRequest { device_id: settings.device_id, refresh_token: settings.refresh_token })
            .await
            .map_err(|e| classify(e, true))?;
        // The refresh token sent is no good from now on: keep its replacement before anything
        // else (the server accepts the old one again only briefly, to repeat this exchange).
        if let Some(next) = &resp.refresh_token {
            with_desk(&self.desk, |d| d.keep_refresh_token(next))?;
        }
        // Refresh a little before expiry: a fifth of the lifetime, at most half a minute.
        let margin =
            ((resp.access_expires_at - now) / 5).clamp(chrono::Duration::zero(), chrono::Duration::seconds(30));
        *access = Some(Access { token: resp.access_token.clone(), expires_at: resp.access_expires_at, margin });
        Ok(resp.access_token)
    }

    /// Runs `call` with a token; an expired or refused token is refreshed once and retried.
    async fn authorised<R, F, Fut>(&self, call: F) -> std::result::Result<R, SyncError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<R, TransportError>>,
    {
        let token = self.access(false).await?;
        match call(token).await {
            Err(TransportError::Server { code: ErrorCode::Unauthorized, .. }) => {
                let token = self.access(true).await?;
                call(token).await.map_err(|e| classify(e, false))
            }
            other => other.map_err(|e| classify(e, false)),
        }
    }

    /// On a blocking thread (so it overlaps the push in flight): records the answer to the
    /// previous batch, then reads the next batch after `after`.
    async fn settle_and_read(
        &self,
        answered: Option<PushResponse>,
        after: i64,
    ) -> std::result::Result<(Vec<Op>, i64, i64), SyncError> {
        let desk = self.desk.clone();
        let limit = self.push_limit;
        let work = tokio::task::spawn_blocking(move || {
            with_desk(&desk, |d| {
                if let Some(resp) = answered {
                    d.settle_pushed(&resp.results, resp.server_time)?;
                }
                let cursor = d.sync_settings()?.map_or(0, |s| s.cursor);
                let (ops, last) = d.outbox_batch_after(after, limit, MAX_PUSH_BYTES - 64 * 1024)?;
                Ok((ops, last, cursor))
            })
        });
        work.await
            .map_err(|e| SyncError::Local(CoreError::Storage { message: format!("The outbox work stopped: {e}") }))?
            .map_err(SyncError::Local)
    }

    /// Sends the outbox in batches: while one batch is on its way, the answer to the one
    /// before is recorded and the next is read.
    async fn push_all(&self, report: &mut SyncReport) -> std::result::Result<(), SyncError> {
        let (mut ops, mut last, mut known_seq) = self.settle_and_read(None, 0).await?;
        let mut answered: Option<PushResponse> = None;
        while !ops.is_empty() {
            let (sent, next) = tokio::join!(self.send(&ops, known_seq), self.settle_and_read(answered.take(), last));
            match sent {
                Ok(resp) => {
                    count(&resp, report);
                    answered = Some(resp);
                }
                Err(e) if isolable(&e) => {
                    next?;
                    // The server could not take the batch as a whole (an op it cannot read, or
                    // one it fails on every time): halve it until the bad op is alone, refuse
                    // that one, and send the rest.
                    self.isolate(&ops, known_seq, e, report).await?;
                    // What was read ahead may overlap what was just refused: read again.
                    (ops, last, known_seq) = self.settle_and_read(None, 0).await?;
                    continue;
                }
                Err(e) => {
                    next?;
                    return Err(e);
                }
            }
            (ops, last, known_seq) = next?;
        }
        if let Some(resp) = answered {
            with_desk(&self.desk, |d| d.settle_pushed(&resp.results, resp.server_time))?;
        }
        Ok(())
    }

    /// Sends `ops`, which the server refused or failed on as one batch, in halves, down to
    /// single ops. A single op the server cannot read (400/413) is refused at once. A single op
    /// it fails on (500) is refused only once another request of this pass went through, which
    /// shows the server is working and this op is what breaks it; when nothing goes through,
    /// the server is failing everything and the round stops to try again later, refusing
    /// nothing.
    async fn isolate(
        &self,
        ops: &[Op],
        known_seq: i64,
        failure: SyncError,
        report: &mut SyncReport,
    ) -> std::result::Result<(), SyncError> {
        /// Single ops failing with nothing going through: then it is the server, not the op.
        const SERVER_DOWN_AFTER: usize = 3;
        let mut parts: Vec<&[Op]> = Vec::new();
        let mut suspects: Vec<(&Op, SyncError)> = Vec::new();
        let mut went_through = false;
        let mut last_failure = failure;
        halve(ops, &mut parts);
        while let Some(part) = parts.pop() {
            match self.send(part, known_seq).await {
                Ok(resp) => {
                    count(&resp, report);
                    with_desk(&self.desk, |d| d.settle_pushed(&resp.results, resp.server_time))?;
                    went_through = true;
                }
                Err(e) if isolable(&e) && part.len() > 1 => {
                    halve(part, &mut parts);
                    last_failure = e;
                }
                Err(SyncError::Transient(TransportError::Server { status: 400 | 413, message, .. })) => {
                    with_desk(&self.desk, |d| d.refuse_op(part[0].op_id, "invalid", &message))?;
                    report.rejected += 1;
                }
                Err(e) if isolable(&e) => {
                    suspects.push((&part[0], e.clone()));
                    if !went_through && suspects.len() >= SERVER_DOWN_AFTER {
                        return Err(e);
                    }
                    last_failure = e;
                }
                Err(e) => return Err(e),
            }
        }
        if suspects.is_empty() {
            return Ok(());
        }
        if !went_through {
            return Err(last_failure);
        }
        // Once more each, now that the server has shown it works: a passing fault gets a
        // second chance; an op that fails again is what breaks it.
        for (op, _) in suspects {
            match self.send(std::slice::from_ref(op), known_seq).await {
                Ok(resp) => {
                    count(&resp, report);
                    with_desk(&self.desk, |d| d.settle_pushed(&resp.results, resp.server_time))?;
                }
                Err(e) if isolable(&e) => {
                    let reason = format!("The server failed on this change every time it was sent ({}).", e.message());
                    with_desk(&self.desk, |d| d.refuse_op(op.op_id, "server_error", &reason))?;
                    report.rejected += 1;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn send(&self, ops: &[Op], known_seq: i64) -> std::result::Result<PushResponse, SyncError> {
        let req = PushRequest { ops: ops.to_vec(), known_seq };
        self.authorised(|token| {
            let req = &req;
            async move { self.transport.push(&token, req).await }
        })
        .await
    }

    async fn fetch(&self, req: PullRequest) -> std::result::Result<PullResponse, SyncError> {
        self.authorised(|token| async move { self.transport.pull(&token, req).await }).await
    }

    /// Pulls page after page; while one page is applied, the next is already on its way.
    async fn pull_all(&self, report: &mut SyncReport) -> std::result::Result<(), SyncError> {
        'start: loop {
            let settings = self.settings()?;
            let first =
                self.fetch(PullRequest { since: settings.cursor, limit: self.page_limit, epoch: settings.epoch }).await;
            let mut page = match first {
                Err(SyncError::Transient(TransportError::Server { code: ErrorCode::ResyncRequired, .. }))
                    if !report.restarted =>
                {
                    // The server's history no longer matches: send what is waiting first, then
                    // download from the start (and queue again what a restored server lost).
                    report.restarted = true;
                    self.push_all(report).await?;
                    with_desk(&self.desk, |d| d.restart_sync())?;
                    self.push_all(report).await?;
                    continue 'start;
                }
                other => other?,
            };
            loop {
                let next = page.has_more.then_some(PullRequest {
                    since: page.next_since,
                    limit: self.page_limit,
                    epoch: Some(page.server_epoch),
                });
                let has_more = page.has_more;
                let mut changed = Changed::of(page.changes.iter().map(|c| &c.op));
                let desk = self.desk.clone();
                let apply = tokio::task::spawn_blocking(move || with_desk(&desk, |d| d.apply_pulled(&page)));
                let (applied, fetched) = tokio::join!(apply, async {
                    match next {
                        Some(req) => Some(self.fetch(req).await),
                        None => None,
                    }
                });
                let applied =
                    applied.map_err(|e| CoreError::Storage { message: format!("Applying a page stopped: {e}") })??;
                report.pulled += applied.changes;
                if applied.changes > 0 {
                    let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
                    live.received = live.received.saturating_add(applied.changes as u32);
                }
                changed.everything = applied.bootstrapped;
                if !changed.is_empty() || has_more {
                    self.notify(&changed);
                }
                match fetched {
                    None if !has_more => return Ok(()),
                    None => continue 'start,
                    Some(Err(SyncError::Transient(TransportError::Server {
                        code: ErrorCode::ResyncRequired, ..
                    }))) => continue 'start,
                    Some(next) => page = next?,
                }
            }
        }
    }

    /// Customers on the server matching `query` as typed (for a search that found nobody
    /// here); none for a query too short to send.
    pub async fn search_server(&self, query: &str) -> std::result::Result<Vec<RemoteCustomer>, SyncError> {
        self.settings()?;
        let query = &touchpoint_protocol::text::searchable(query);
        if query.chars().count() < touchpoint_protocol::text::SEARCH_MIN {
            return Ok(Vec::new());
        }
        self.authorised(|token| async move { self.transport.search(&token, query, 20).await }).await
    }

    /// Edits of the customer's profile made on two desks at once, as the server recorded them.
    pub async fn conflicts(
        &self,
        customer: Uuid,
    ) -> std::result::Result<Vec<touchpoint_protocol::FieldConflict>, SyncError> {
        self.settings()?;
        let resp = self.authorised(|token| async move { self.transport.conflicts(&token, customer).await }).await?;
        Ok(resp.conflicts)
    }

    /// The newest conflicting edits on every customer this desk reads, as the server recorded
    /// them.
    pub async fn recent_conflicts(
        &self,
        limit: u32,
    ) -> std::result::Result<Vec<touchpoint_protocol::CustomerConflict>, SyncError> {
        self.settings()?;
        let resp = self.authorised(|token| async move { self.transport.recent_conflicts(&token, limit).await }).await?;
        Ok(resp.conflicts)
    }

    /// Signs `staff` in. A PIN this desk does not hold the verifier of (a supervisor's, at a
    /// till) is checked by the server, so that person signs in here only while it answers.
    pub async fn sign_in(&self, staff: Uuid, pin: Option<&str>) -> Result<crate::staff::StaffMember> {
        if !with_desk(&self.desk, |d| d.pin_checked_by_server(staff))? {
            return with_desk(&self.desk, |d| d.sign_in(staff, pin));
        }
        with_desk(&self.desk, |d| d.refuse_while_paused(staff))?;
        let pin = crate::staff::typed(pin)?.to_owned();
        let req = PinCheckRequest { staff_id: staff, pin };
        let answer = self
            .authorised(|token| {
                let req = &req;
                async move { self.transport.check_pin(&token, req).await }
            })
            .await
            .map_err(|e| CoreError::Offline {
                message: format!(
                    "This person's PIN is checked by the server, which could not check it now ({}). \
                     Sign in on a supervisor's desk, or try again.",
                    e.message()
                ),
            })?;
        with_desk(&self.desk, |d| d.sign_in_checked(staff, &answer))
    }

    /// Brings a customer found on the server onto this desk (and into its store's scope).
    pub async fn adopt(&self, customer: Uuid) -> std::result::Result<(), SyncError> {
        self.settings()?;
        let resp = self.authorised(|token| async move { self.transport.adopt(&token, customer).await }).await?;
        with_desk(&self.desk, |d| d.apply_adopted(&resp.changes))?;
        {
            let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
            live.received = live.received.saturating_add(resp.changes.len() as u32);
        }
        self.notify(&Changed::of(resp.changes.iter().map(|c| &c.op)));
        Ok(())
    }

    /// How long to wait before the next round after `result`.
    pub fn next_delay(
        &self,
        result: &std::result::Result<SyncReport, SyncError>,
        interval: Duration,
        backoff: Backoff,
    ) -> Option<Duration> {
        match result {
            Ok(_) => Some(interval),
            Err(SyncError::NotEnrolled) | Err(SyncError::Blocked { .. }) => None,
            Err(e) => {
                let failures = with_desk(&self.desk, |d| Ok(d.sync_failures())).unwrap_or(1);
                let wait = backoff.delay(failures).max(e.retry_after().unwrap_or_default());
                let retry_at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                let _ = with_desk(&self.desk, |d| d.set_next_attempt(retry_at));
                Some(wait)
            }
        }
    }
}

/// A failure of a whole batch that sending it in parts can get past: the server could not read
/// it (400), it was too large (413), or the server failed on it (500 — not 503, which says the
/// server itself is unavailable).
fn isolable(e: &SyncError) -> bool {
    matches!(e, SyncError::Transient(TransportError::Server { status: 400 | 413 | 500, .. }))
}

/// Puts the two halves of `ops` on the stack, first half on top (so it is sent first).
fn halve<'a>(ops: &'a [Op], stack: &mut Vec<&'a [Op]>) {
    let (first, second) = ops.split_at(ops.len() / 2);
    for part in [second, first] {
        if !part.is_empty() {
            stack.push(part);
        }
    }
}

fn count(resp: &PushResponse, report: &mut SyncReport) {
    report.rejected +=
        resp.results.iter().filter(|r| matches!(r.status, touchpoint_protocol::OpStatus::Rejected { .. })).count();
    report.pushed += resp.results.len();
}

/// Sorts a transport failure into "try again later" and "stop until a person acts".
fn classify(e: TransportError, refreshing: bool) -> SyncError {
    match &e {
        TransportError::Server { code: ErrorCode::UnsupportedProtocol, message, .. } => {
            SyncError::Blocked { block: Block::UpdateApp, message: message.clone() }
        }
        TransportError::Server { code: ErrorCode::Forbidden, message, .. } if refreshing => {
            SyncError::Blocked { block: Block::Revoked, message: message.clone() }
        }
        TransportError::Server { code: ErrorCode::Forbidden, message, .. } if message.contains("revoked") => {
            SyncError::Blocked { block: Block::Revoked, message: message.clone() }
        }
        TransportError::Server { code: ErrorCode::Unauthorized, message, .. } if refreshing => {
            SyncError::Blocked { block: Block::EnrollAgain, message: message.clone() }
        }
        _ => SyncError::Transient(e),
    }
}

/// Runs rounds until `stop` resolves: on a timer after success, with backoff after a failure,
/// at once when kicked (a local write, the network coming back, "sync now"). A blocked or
/// unenrolled desk waits for a kick.
pub async fn run<T: Transport>(
    engine: Arc<SyncEngine<T>>,
    kick: Arc<tokio::sync::Notify>,
    interval: Duration,
    backoff: Backoff,
    on_round: impl Fn(&std::result::Result<SyncReport, SyncError>) + Send,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        let result = engine.sync_once().await;
        on_round(&result);
        let delay = engine.next_delay(&result, interval, backoff);
        tokio::select! {
            _ = &mut stop => return,
            _ = kick.notified() => {}
            _ = async {
                match delay {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending::<()>().await,
                }
            } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: CoreError) -> Vec<String> {
        match e {
            CoreError::Validation { fields, .. } => fields.into_iter().map(|f| f.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn the_connect_form_reports_every_problem_at_once() {
        let all = check_enrollment("sync example", "AB", "   ", false).expect_err("three problems");
        assert_eq!(fields(all), ["server_url", "code", "device_name"]);
        let outside = check_enrollment("http://sync.example.com", "ABC", "Till", false).expect_err("two problems");
        assert_eq!(fields(outside), ["server_url", "code"]);
    }

    #[test]
    fn a_good_connect_form_comes_back_tidied() {
        let form =
            check_enrollment(" https://sync.example.com/ ", " ABCD-2345 ", "  Returns desk ", false).expect("fine");
        assert_eq!(
            form,
            EnrollmentForm {
                server_url: "https://sync.example.com".into(),
                code: "ABCD-2345".into(),
                device_name: "Returns desk".into(),
            }
        );
    }
}
