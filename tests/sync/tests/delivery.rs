//! Every change made on a desk reaches the server exactly once, whatever fails on the way:
//! a push sent twice, an answer lost after the server committed, a desk that crashes while
//! applying a pulled page, a server killed in the middle of a batch, a refused change in
//! the middle of the queue, a server that is busy for a moment.

use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use touchpoint_core::sync::{Backoff, PullFault, PullRequest, SyncError, Transport, TransportError};
use touchpoint_protocol::{OpStatus, PushRequest, TokenRequest};
use touchpoint_sync_tests::{TestDesk, TestServer};

async fn access_token(desk: &TestDesk) -> String {
    desk.access_token().await
}

async fn ops_on_server(server: &TestServer, desk: &TestDesk) -> i64 {
    let device = desk.with(|d| Ok(d.info()?.device_id)).expect("device");
    sqlx::query_scalar("SELECT count(*) FROM change_log WHERE org_id = $1 AND op->>'device_id' = $2")
        .bind(server.org)
        .bind(device.to_string())
        .fetch_one(&server.pool)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_push_sent_twice_is_applied_once() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let ana = desk.customer("Ana Souza");
    desk.log_visit(Some(ana.id), "Refund for a kettle");
    let ops = desk.with(|d| d.outbox_batch(100, 1 << 20)).expect("batch");
    assert_eq!(ops.len(), 2);

    let token = access_token(&desk).await;
    let req = PushRequest { ops: ops.clone(), known_seq: 0 };
    let first = desk.engine.transport().push(&token, &req).await.expect("first push");
    let second = desk.engine.transport().push(&token, &req).await.expect("second push");
    assert!(first.results.iter().all(|r| r.status == OpStatus::Applied), "{first:?}");
    assert!(second.results.iter().all(|r| r.status == OpStatus::Duplicate), "{second:?}");
    let seqs = |r: &touchpoint_protocol::PushResponse| r.results.iter().map(|r| r.server_seq).collect::<Vec<_>>();
    assert_eq!(seqs(&first), seqs(&second), "a duplicate answers with the original sequence");

    assert_eq!(ops_on_server(&server, &desk).await, 2);
    assert_eq!(server.count("SELECT count(*) FROM change_log WHERE entity = 'interaction_logged'").await, 1);

    // The desk's own round now learns both were taken and sends nothing new.
    desk.sync().await;
    assert_eq!(desk.pending(), 0);
    assert_eq!(ops_on_server(&server, &desk).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_lost_after_the_server_committed_is_not_applied_twice() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let ana = desk.customer("Ana Souza");
    desk.log_visit(Some(ana.id), "Exchange of a size");
    desk.engine.transport().lose_push_responses.store(1, Ordering::SeqCst);

    let lost = desk.try_sync().await;
    assert!(matches!(lost, Err(SyncError::Transient(TransportError::Offline(_)))), "{lost:?}");
    assert_eq!(desk.pending(), 2, "the desk did not hear back, so both ops still wait");
    assert_eq!(ops_on_server(&server, &desk).await, 2, "but the server did commit them");

    let report = desk.sync().await;
    assert_eq!(report.pushed, 2);
    assert_eq!(desk.pending(), 0);
    assert_eq!(ops_on_server(&server, &desk).await, 2, "the retry was answered from the ledger");
    assert_eq!(server.count("SELECT count(*) FROM change_log WHERE entity = 'interaction_logged'").await, 1);
    assert_eq!(server.count("SELECT count(*) FROM rejected_ops").await, 0);
}

const CHILD_DIR: &str = "TOUCHPOINT_SYNC_CRASH_DIR";
const CHILD_URL: &str = "TOUCHPOINT_SYNC_CRASH_URL";

/// In the child process: pull one page and die before its transaction commits.
fn crash_while_applying_a_page() {
    let (Ok(dir), Ok(url)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_URL)) else { return };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let mut desk = touchpoint_core::Desk::open_in(std::path::Path::new(&dir), &Default::default()).expect("opens");
        let s = desk.sync_settings().expect("settings").expect("enrolled");
        let http = touchpoint_core::sync::HttpTransport::new(&url).expect("url");
        let answer = http
            .token(&TokenRequest { device_id: s.device_id, refresh_token: s.refresh_token.clone() })
            .await
            .expect("token");
        if let Some(next) = &answer.refresh_token {
            desk.keep_refresh_token(next).expect("keep the rotated refresh token");
        }
        let token = answer.access_token;
        let page = http.pull(&token, PullRequest { since: s.cursor, limit: 1000, epoch: s.epoch }).await.expect("pull");
        assert!(!page.changes.is_empty(), "the child has something to apply");
        let _ = desk.apply_pulled_with_fault(&page, Some(PullFault::AbortBeforeCommit));
    });
    unreachable!("the fault aborts the process");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_that_crashes_between_applying_a_page_and_saving_its_cursor_has_no_gap_and_no_duplicate() {
    crash_while_applying_a_page();

    let server = TestServer::start().await;
    let maker = TestDesk::enrolled(&server, server.frontline).await;
    let reader = TestDesk::enrolled(&server, server.frontline).await;
    let ana = maker.customer("Ana Souza");
    for i in 0..5 {
        maker.log_visit(Some(ana.id), &format!("Visit {i}"));
    }
    maker
        .with(|d| {
            d.update_customer(&touchpoint_core::customers::CustomerEdit {
                customer_id: ana.id,
                note: Some("Prefers the morning".into()),
                ..Default::default()
            })
        })
        .expect("edit");
    maker.sync().await;
    let cursor_before = reader.with(|d| d.sync_settings()).expect("settings").expect("enrolled").cursor;

    // The reader's process "dies": its desk is closed and a child process that takes its file
    // aborts in the middle of applying the next page.
    let (dir, clock) = reader.close();
    let status = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "a_desk_that_crashes_between_applying_a_page_and_saving_its_cursor_has_no_gap_and_no_duplicate",
            "--nocapture",
        ])
        .env(CHILD_DIR, dir.path())
        .env(CHILD_URL, &server.url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("child runs");
    assert!(!status.success(), "the child died mid-apply");
    let reader = TestDesk::open_at(&server.url, clock, dir);
    let ok = reader.query_text("PRAGMA integrity_check");
    assert_eq!(ok.as_deref(), Some("ok"));
    assert_eq!(reader.with(|d| d.sync_settings()).expect("s").expect("e").cursor, cursor_before, "cursor unchanged");
    assert_eq!(reader.query_i64("SELECT count(*) FROM interactions"), 0, "nothing of the page survived");

    reader.sync().await;
    assert_eq!(reader.query_i64("SELECT count(*) FROM interactions"), 5, "every visit arrived once");
    assert_eq!(reader.query_i64("SELECT count(*) FROM customers WHERE name = 'Ana Souza'"), 1);
    assert_eq!(reader.query_text("SELECT note FROM customers").as_deref(), Some("Prefers the morning"));
    reader.sync().await;
    assert_eq!(reader.query_i64("SELECT count(*) FROM interactions"), 5, "pulling again adds nothing");
    assert_eq!(reader.query_i64("SELECT count(*) FROM customer_changes"), 1, "the note change is in history once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_batch_shows_nothing_partial_and_the_desk_completes_on_retry() {
    let mut server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    for i in 0..4 {
        let c = desk.customer(&format!("Customer {i}"));
        desk.log_visit(Some(c.id), "Visit");
    }
    assert_eq!(desk.pending(), 8);
    *server.faults.pause_after_ops.lock().expect("faults") = Some((3, Duration::from_secs(60)));

    let engine = desk.engine.clone();
    let round = tokio::spawn(async move { engine.sync_once().await });
    for _ in 0..600 {
        if server.faults.paused.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(server.faults.paused.load(Ordering::SeqCst), "the push reached the pause");
    assert_eq!(ops_on_server(&server, &desk).await, 0, "three ops applied but not committed are invisible");

    server.kill();
    let outcome = round.await.expect("round ends");
    assert!(matches!(outcome, Err(SyncError::Transient(_))), "{outcome:?}");
    assert_eq!(ops_on_server(&server, &desk).await, 0, "the killed batch left nothing behind");
    assert_eq!(server.count("SELECT count(*) FROM rejected_ops").await, 0);
    assert_eq!(desk.pending(), 8);

    *server.faults.pause_after_ops.lock().expect("faults") = None;
    server.restart();
    desk.sync().await;
    assert_eq!(desk.pending(), 0);
    assert_eq!(ops_on_server(&server, &desk).await, 8, "each op applied exactly once");
    assert_eq!(server.count("SELECT count(*) FROM change_log WHERE entity = 'interaction_logged'").await, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanently_refused_op_does_not_block_the_ops_behind_it() {
    let server = TestServer::start().await;
    // Before it is enrolled the desk's own admin deletes a customer; the server does not
    // know that person, so it refuses the delete, but takes everything around it.
    let desk = TestDesk::new(&server.url);
    let ana = desk.customer("Ana Souza");
    let duplicate = desk.customer("Ana Souza (twice)");
    desk.with(|d| d.delete_customer(duplicate.id)).expect("local admin deletes");
    desk.log_visit(Some(ana.id), "Asked about a repair");
    desk.enroll(&server).await;
    let report = desk.sync().await;

    assert_eq!(report.rejected, 1);
    assert_eq!(desk.pending(), 0, "the ops behind the refused one were sent");
    let refused = desk.with(|d| d.rejected_changes()).expect("refused list");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].what, "Customer deleted");
    assert_eq!(refused[0].code, "forbidden");
    assert!(refused[0].reason.contains("does not know the staff member"), "{}", refused[0].reason);
    assert!(refused[0].advice.contains("supervisor"), "{}", refused[0].advice);
    assert_eq!(server.count("SELECT count(*) FROM change_log WHERE entity = 'interaction_logged'").await, 1);
    let status = desk.engine.status().expect("status");
    assert_eq!((status.pending, status.rejected), (0, 1));

    // Put away by a person, it stops being counted, and is never sent again.
    desk.with(|d| d.dismiss_rejected(refused[0].op_id)).expect("dismiss");
    assert_eq!(desk.engine.status().expect("status").rejected, 0);
    desk.sync().await;
    assert_eq!(server.count("SELECT count(*) FROM rejected_ops").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transient_failure_is_retried_by_the_timer_with_no_new_local_write() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let ana = desk.customer("Ana Souza");
    desk.log_visit(Some(ana.id), "Collected an order");
    desk.engine.transport().unavailable_pushes.store(1, Ordering::SeqCst);
    let outbox_rows = desk.query_i64("SELECT count(*) FROM outbox");

    let kick = std::sync::Arc::new(tokio::sync::Notify::new());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let engine = desk.engine.clone();
    let backoff = touchpoint_core::sync::Backoff { base: Duration::from_millis(50), max: Duration::from_millis(200) };
    let runner =
        tokio::spawn(touchpoint_core::sync::run(engine, kick, Duration::from_secs(3600), backoff, |_| {}, async {
            let _ = stop_rx.await;
        }));
    for _ in 0..500 {
        if desk.pending() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop_tx.send(());
    runner.await.expect("runner stops");

    assert_eq!(desk.pending(), 0, "the retry went through on its own");
    assert_eq!(desk.engine.transport().pushes.load(Ordering::SeqCst), 2, "one refused by a busy server, one retry");
    assert_eq!(desk.query_i64("SELECT count(*) FROM outbox"), outbox_rows, "no local write was needed");
    assert_eq!(desk.query_i64("SELECT max(attempts) FROM outbox"), 1, "the failed attempt is counted");
    assert_eq!(ops_on_server(&server, &desk).await, 2);
    let status = desk.engine.status().expect("status");
    assert_eq!(status.online, Some(true));
    assert!(status.last_error.is_none());
}

#[test]
fn retries_back_off_exponentially_with_jitter_and_a_ceiling() {
    let backoff = Backoff { base: Duration::from_secs(2), max: Duration::from_secs(300) };
    for failures in 1..20 {
        let d = backoff.delay(failures);
        assert!(d <= backoff.max, "capped: {d:?}");
        let ceiling = (backoff.base * 2u32.pow((failures - 1).min(16))).min(backoff.max);
        assert!(d >= ceiling / 2, "at least half the ceiling after {failures} failures: {d:?}");
    }
    let spread: std::collections::HashSet<_> = (0..50).map(|_| backoff.delay(6)).collect();
    assert!(spread.len() > 1, "jitter spreads the desks of a store apart");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_server_is_asked_again_no_sooner_than_its_retry_after() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let busy: Result<touchpoint_core::sync::SyncReport, SyncError> =
        Err(SyncError::Transient(TransportError::Server {
            status: 503,
            code: touchpoint_protocol::ErrorCode::Unavailable,
            message: "busy".into(),
            retry_after: Some(Duration::from_secs(40)),
        }));
    let tiny = Backoff { base: Duration::from_millis(10), max: Duration::from_millis(10) };
    let wait = desk.engine.next_delay(&busy, Duration::from_secs(60), tiny).expect("retries");
    assert!(wait >= Duration::from_secs(40), "{wait:?}");
    let status = desk.engine.status().expect("status");
    assert!(status.next_attempt_at.is_some(), "the indicator can say when the next attempt is");
}
