//! Views stay fresh from what the sync engine says, not from polling: every round tells its
//! observer when it starts and ends, and each page of changes it applies names the customers
//! and kinds of record that changed, so the window refreshes only that.

use std::sync::{Arc, Mutex};

use touchpoint_core::sync::{ChangeKind, Changed, SyncStatus};
use touchpoint_sync_tests::{TestDesk, TestServer};

type Seen = Arc<Mutex<Vec<(SyncStatus, Changed)>>>;

fn watch(desk: &TestDesk) -> Seen {
    let seen: Seen = Arc::default();
    let into = seen.clone();
    desk.engine.observe(move |status, changed| into.lock().expect("events").push((status.clone(), changed.clone())));
    seen
}

fn taken(seen: &Seen) -> Vec<(SyncStatus, Changed)> {
    std::mem::take(&mut *seen.lock().expect("events"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_names_the_customers_and_kinds_another_desk_changed() {
    let server = TestServer::start().await;
    let front = TestDesk::enrolled(&server, server.frontline).await;
    let back = TestDesk::enrolled(&server, server.frontline).await;
    let seen = watch(&back);

    let ana = front.customer("Ana Souza");
    front.log_visit(Some(ana.id), "Refund for a kettle");
    front.sync().await;
    back.sync().await;

    let events = taken(&seen);
    let (first, _) = events.first().expect("the round's start is told");
    assert!(first.syncing, "the first event says a round is running");
    let (last, last_changed) = events.last().expect("the round's end is told");
    assert!(!last.syncing && last.last_success_at.is_some(), "the last event says the round succeeded: {last:?}");
    assert!(last_changed.is_empty(), "the end of a round changes nothing by itself");
    let pulled: Vec<&Changed> = events.iter().map(|(_, c)| c).filter(|c| !c.is_empty()).collect();
    assert_eq!(pulled.len(), 1, "one page of changes: {events:?}");
    assert_eq!(pulled[0].customers, [ana.id]);
    assert_eq!(pulled[0].kinds, [ChangeKind::Customers, ChangeKind::Interactions]);
    assert!(!pulled[0].everything);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_with_nothing_new_tells_only_its_start_and_end() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    desk.sync().await;
    let seen = watch(&desk);
    desk.sync().await;
    let events = taken(&seen);
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().all(|(_, c)| c.is_empty()), "nothing changed: {events:?}");
    assert_eq!(events.iter().map(|(s, _)| s.syncing).collect::<Vec<_>>(), [true, false]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_end_of_the_first_download_changes_everything() {
    let server = TestServer::start().await;
    let desk = TestDesk::new(&server.url);
    let seen = watch(&desk);
    desk.enroll(&server).await;
    desk.sync().await;
    let events = taken(&seen);
    assert!(events.iter().any(|(_, c)| c.everything), "the first download ends with everything changed: {events:?}");
}
