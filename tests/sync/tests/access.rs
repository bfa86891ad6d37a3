//! Who may sync: an expired access token is refreshed in the middle of a round; a revoked
//! device is refused and told so; an op naming another device or store is refused; and old or
//! new clients meeting a server of another protocol version get a clear outcome, with their
//! changes kept.

use std::sync::atomic::Ordering;
use std::time::Duration;

use touchpoint_core::sync::{Block, HttpTransport, SyncEngine, SyncError, Transport};
use touchpoint_protocol::{OpStatus, PushRequest, RejectCode, PROTOCOL_VERSION};
use touchpoint_server::admin;
use touchpoint_sync_tests::{TestDesk, TestServer};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_token_that_expires_mid_sync_is_refreshed_and_the_round_completes() {
    let server = TestServer::start_with_ttl(chrono::Duration::seconds(2)).await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let tokens_before = desk.engine.transport().tokens.load(Ordering::SeqCst);
    // The desk's clock stands still, so it believes its token is still good; the server's
    // moves on and finds it expired when the push arrives.
    tokio::time::sleep(Duration::from_millis(2600)).await;
    let c = desk.customer("Gil Park");
    desk.log_visit(Some(c.id), "Asked for an invoice");
    let offset_before = desk.with(|d| Ok(d.clock_offset())).expect("offset");
    let report = desk.sync().await;
    assert_eq!(report.pushed, 2);
    assert_eq!(desk.pending(), 0);
    let offset = desk.with(|d| Ok(d.clock_offset())).expect("offset");
    let tokens = desk.engine.transport().tokens.load(Ordering::SeqCst);
    assert_eq!(
        desk.engine.transport().unauthorized.load(Ordering::SeqCst),
        1,
        "the server refused the old token once (tokens {tokens_before} -> {tokens}, offset {offset_before} then {offset})"
    );
    assert_eq!(desk.engine.transport().tokens.load(Ordering::SeqCst), tokens_before + 1, "one new token was fetched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_refused_keeps_its_changes_and_says_why() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    admin::revoke_device(&server.pool, desk.device_id()).await.expect("revoke");
    desk.customer("Hana Ito");

    let refused = desk.try_sync().await;
    assert!(matches!(refused, Err(SyncError::Blocked { block: Block::Revoked, .. })), "{refused:?}");
    assert_eq!(desk.pending(), 1, "the change stays on the desk");
    let status = desk.engine.status().expect("status");
    assert_eq!(status.blocked, Some(Block::Revoked));
    assert!(status.last_error.unwrap_or_default().contains("revoked"));
    // It does not keep knocking: the next round stops before calling the server.
    let calls =
        desk.engine.transport().tokens.load(Ordering::SeqCst) + desk.engine.transport().pushes.load(Ordering::SeqCst);
    assert!(desk.try_sync().await.is_err());
    let after =
        desk.engine.transport().tokens.load(Ordering::SeqCst) + desk.engine.transport().pushes.load(Ordering::SeqCst);
    assert_eq!(calls, after);
    assert_eq!(server.count("SELECT count(*) FROM change_log WHERE entity = 'customer_patch'").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ops_naming_another_device_or_store_are_refused_and_the_rest_applied() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    desk.customer("Ivo Reis");
    desk.customer("Jo Lund");
    desk.customer("Kim Bay");
    let mut ops = desk.with(|d| d.outbox_batch(10, 1 << 20)).expect("batch");
    ops[0].device_id = Uuid::now_v7();
    ops[1].store_id = Uuid::now_v7();
    let token = desk.access_token().await;
    let resp = desk.engine.transport().push(&token, &PushRequest { ops, known_seq: 0 }).await.expect("push");
    for r in &resp.results[..2] {
        assert!(matches!(&r.status, OpStatus::Rejected { code: RejectCode::WrongDevice, .. }), "{:?}", r.status);
        assert_eq!(r.server_seq, None);
    }
    assert_eq!(resp.results[2].status, OpStatus::Applied);
    assert_eq!(server.count("SELECT count(*) FROM change_log WHERE entity = 'customer_patch'").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_app_and_an_old_server_each_get_a_clear_outcome_and_keep_the_changes() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    desk.customer("Lea Moss");

    for (version, says) in [(PROTOCOL_VERSION - 1, "Update the app"), (PROTOCOL_VERSION + 1, "server needs an update")]
    {
        let engine =
            SyncEngine::new(desk.desk.clone(), HttpTransport::with_protocol(&server.url, version).expect("url"));
        let outcome = engine.sync_once().await;
        match &outcome {
            Err(SyncError::Blocked { block: Block::UpdateApp, message }) => {
                assert!(message.contains(says), "protocol {version}: {message}")
            }
            other => panic!("protocol {version}: {other:?}"),
        }
        assert_eq!(desk.pending(), 1, "the outbox is kept");
        assert_eq!(engine.status().expect("status").blocked, Some(Block::UpdateApp));
    }
    // Updated, the desk syncs again by itself.
    desk.sync().await;
    assert_eq!(desk.pending(), 0);
    assert_eq!(desk.engine.status().expect("status").blocked, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrollment_codes_are_single_use_and_a_wrong_code_is_a_field_error() {
    let server = TestServer::start().await;
    let code = server.enrollment_code().await;
    let first = TestDesk::new(&server.url);
    touchpoint_core::sync::enroll(&first.desk, first.engine.transport(), &server.url, &code, "Till 1", false)
        .await
        .expect("first");
    let second = TestDesk::new(&server.url);
    let again =
        touchpoint_core::sync::enroll(&second.desk, second.engine.transport(), &server.url, &code, "Till 2", false)
            .await;
    match again {
        Err(touchpoint_core::CoreError::Validation { fields, .. }) => {
            assert_eq!(fields[0].field, "code");
            assert!(fields[0].message.contains("already used"), "{}", fields[0].message);
        }
        other => panic!("{other:?}"),
    }
    let wrong = touchpoint_core::sync::enroll(
        &second.desk,
        second.engine.transport(),
        &server.url,
        "ZZZZ-ZZZZ",
        "Till 2",
        false,
    )
    .await;
    assert!(matches!(wrong, Err(touchpoint_core::CoreError::Validation { .. })), "{wrong:?}");
    let nowhere = TestDesk::new("http://127.0.0.1:9");
    let offline = touchpoint_core::sync::enroll(
        &nowhere.desk,
        nowhere.engine.transport(),
        "http://127.0.0.1:9",
        &code,
        "Till 3",
        false,
    )
    .await;
    assert!(matches!(offline, Err(touchpoint_core::CoreError::Offline { .. })), "{offline:?}");
    assert!(second.with(|d| d.sync_settings()).expect("settings").is_none(), "a failed enrollment changes nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connected_desk_takes_its_staff_and_pins_from_the_server() {
    let server = TestServer::start().await;
    let desk = TestDesk::new(&server.url);
    let local_manager = desk.with(|d| Ok(d.info()?.staff.id)).expect("info");
    desk.enroll(&server).await;
    desk.sync().await;

    let info = desk.with(|d| d.info()).expect("info");
    assert!(info.connected);
    assert!(info.must_sign_in, "the desk's own manager gave way to the server's staff");
    let names: Vec<String> = desk.with(|d| d.list_staff()).expect("staff").into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Maria Lopes", "Priya Shah"]);
    let refused = desk.with(|d| {
        d.create_customer(&touchpoint_core::customers::NewCustomer { name: "Ivy Lam".into(), ..Default::default() })
    });
    assert!(matches!(refused, Err(touchpoint_core::CoreError::Forbidden { .. })), "{refused:?}");
    assert!(desk.with(|d| d.sign_in(local_manager, None)).is_err(), "the desk's own manager cannot sign in");

    desk.with(|d| d.sign_in(server.frontline, None)).expect("Maria signs in");
    assert!(!desk.with(|d| d.info()).expect("info").must_sign_in);
    let pin = desk.with(|d| d.set_pin(server.frontline, "2468"));
    assert!(matches!(pin, Err(touchpoint_core::CoreError::Refused { .. })), "PINs are the server's: {pin:?}");
}
