//! One pasted character or one bad op never stops an organisation's sync: text that breaks
//! the shared rule (a NUL, a control character) is refused op by op with a code, never as a
//! 500 for the batch; a search holding one is a 400; history stored before the rule existed is
//! cleaned so erasure works; clock stamps are taken only in their canonical form; and an op the
//! server fails on every time is isolated by the desk and shown as refused while the ops
//! behind it go through.

use std::sync::atomic::Ordering;

use reqwest::{Method, StatusCode};
use serde_json::json;
use touchpoint_core::sync::{SyncError, TransportError};
use touchpoint_protocol::{ErrorCode, OpStatus, RejectCode};
use touchpoint_sync_tests::{api_for, bytes, op_variant, TestDesk, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_in_any_text_field_is_refused_op_by_op_and_the_ops_around_it_are_applied() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let ana = desk.customer("Ana Costa");
    desk.log_visit(Some(ana.id), "Returned a kettle");
    let ops = desk.with(|d| d.outbox_batch(10, 1 << 20)).expect("batch");
    let (patch, visit) = (&ops[0], &ops[1]);
    let api = api_for(&server, &desk).await;

    let nul = "ab\u{0}cd";
    let batch = vec![
        op_variant(patch, |b| b["name"] = json!(format!("Ana {nul}"))),
        serde_json::to_value(patch).expect("op"),
        op_variant(visit, |b| b["summary"] = json!(nul)),
        op_variant(visit, |b| b["reason"] = json!(nul)),
        op_variant(patch, |b| b["note"] = json!(nul)),
        op_variant(patch, |b| b["tags"] = json!(["vip", nul])),
        op_variant(patch, |b| b["loyalty_id"] = json!("LOY\u{1b}[31m")),
        serde_json::to_value(visit).expect("op"),
    ];
    let answer = api.push_ops(batch).await;
    let statuses: Vec<&OpStatus> = answer.results.iter().map(|r| &r.status).collect();
    for (i, status) in statuses.iter().enumerate() {
        let good = i == 1 || i == 7;
        match status {
            OpStatus::Applied if good => {}
            OpStatus::Rejected { code: RejectCode::Invalid, message } if !good => {
                assert!(message.contains("U+00"), "the reason names the character: {message}");
            }
            other => panic!("op {i}: {other:?}"),
        }
    }
    assert_eq!(server.count("SELECT count(*) FROM rejected_ops").await, 6);
    assert_eq!(
        server.count("SELECT count(*) FROM change_log WHERE strpos(op::text, '\\u0000') > 0").await,
        0,
        "no NUL was stored"
    );
    // The customer is still found and can still be erased.
    let (status, _) = api.call(Method::GET, "/v1/customers/search?q=Ana", None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_holding_a_control_character_is_a_bad_request() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let api = api_for(&server, &desk).await;
    for q in ["ab%00cd", "ana%1B", "ana%0Acosta", "%E2%80%AEana"] {
        api.refuses(Method::GET, &format!("/v1/customers/search?q={q}"), None, ErrorCode::BadRequest).await;
    }
    // What a person pastes into the desk's box is made searchable before it is sent.
    let found = desk.engine.search_server("Ana\u{0}\t").await.expect("the desk's search is sent clean");
    assert!(found.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_whose_stored_history_holds_a_nul_can_be_erased_once_the_history_is_cleaned() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let ana = desk.customer("Ana Costa");
    desk.log_visit(Some(ana.id), "Returned a kettle");
    desk.sync().await;
    // As a server before the text rule took it: a summary holding the escape of U+0000 (and,
    // beside it, the harmless text "\u0000", a backslash and five characters).
    sqlx::query(
        "UPDATE change_log SET op = replace(op::text, 'Returned a kettle', 'Returned\\u0000\\u0000 a \\\\u0000 kettle')::json
         WHERE org_id = $1 AND entity = 'interaction_logged'",
    )
    .bind(server.org)
    .execute(&server.pool)
    .await
    .expect("poison the stored history");
    let poisoned = "SELECT count(*) FROM change_log WHERE strpos(op::text, '\\u0000') > 0";
    assert_eq!(server.count(poisoned).await, 1);

    sqlx::raw_sql(include_str!("../../../crates/server/migrations/0006_no_nul_in_history.sql"))
        .execute(&server.pool)
        .await
        .expect("the cleaning migration runs");
    let summary: String = sqlx::query_scalar(
        "SELECT op::jsonb->'body'->>'summary' FROM change_log WHERE org_id = $1 AND entity = 'interaction_logged'",
    )
    .bind(server.org)
    .fetch_one(&server.pool)
    .await
    .expect("the summary reads as text again");
    assert_eq!(summary, "Returned a \\u0000 kettle", "the characters went, the text that looks like one stayed");

    let sup = TestDesk::enrolled(&server, server.supervisor).await;
    sup.with(|d| d.erase_customer(ana.id)).expect("erase");
    let report = sup.sync().await;
    assert_eq!(report.rejected, 0, "the erasure is applied");
    assert_eq!(sup.pending(), 0);
    assert_eq!(
        server
            .count(&format!(
                "SELECT count(*) FROM customers WHERE customer_id = '{}' AND erased_at IS NOT NULL",
                ana.id
            ))
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clock_stamps_are_taken_only_in_their_canonical_form() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    desk.customer("Ana Costa");
    let ops = desk.with(|d| d.outbox_batch(10, 1 << 20)).expect("batch");
    let api = api_for(&server, &desk).await;
    let node = desk.device_id().simple().to_string();
    for hlc in [
        // Unpadded (the year 2001): as text it would beat every later edit.
        format!("999999999999-000000-{node}"),
        format!("{}-000000-{node}{}", chrono::Utc::now().timestamp_millis(), "x".repeat(5000)),
        format!("{}-0-{node}", chrono::Utc::now().timestamp_millis()),
        format!("{}-000000-{}", chrono::Utc::now().timestamp_millis(), desk.device_id()),
    ] {
        let mut op = serde_json::to_value(&ops[0]).expect("op");
        op["hlc"] = json!(hlc);
        let (status, err) = api.call(Method::POST, "/v1/sync/push", bytes(json!({ "ops": [op] }))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{hlc:.40}");
        let err = err.expect("error");
        assert!(err.message.contains("clock stamp"), "{}", err.message);
        assert!(err.message.len() < 400, "the answer does not echo a long stamp back");
    }
    // A stamp from far in the future is refused as the skew rule says.
    let mut ahead = serde_json::to_value(&ops[0]).expect("op");
    let future = chrono::Utc::now() + chrono::Duration::days(30);
    ahead["hlc"] = json!(format!("{:013}-000000-{node}", future.timestamp_millis()));
    let answer = api.push_ops(vec![ahead]).await;
    assert!(
        matches!(&answer.results[0].status, OpStatus::Rejected { code: RejectCode::Invalid, message } if message.contains("clock")),
        "{answer:?}"
    );
    assert_eq!(server.count("SELECT count(*) FROM customers").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_op_the_server_fails_on_every_time_is_isolated_and_refused_and_the_ops_behind_it_go_through() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let names = ["Ana Costa", "Bea Lima", "Caio Reis", "Dora Melo", "Edu Sousa", "Fia Rocha", "Gil Nunes"];
    for name in names {
        desk.customer(name);
    }
    let ops = desk.with(|d| d.outbox_batch(100, 1 << 20)).expect("batch");
    let poison = ops[2].op_id;
    *desk.engine.transport().poison_op.lock().expect("lock") = Some(poison);

    let report = desk.sync().await;
    assert_eq!(report.rejected, 1, "{report:?}");
    assert_eq!(desk.pending(), 0, "nothing waits behind the bad op");
    let refused = desk.with(|d| d.rejected_changes()).expect("refused");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].op_id, poison);
    assert_eq!(refused[0].code, "server_error");
    assert!(refused[0].advice.contains("administrator"), "{}", refused[0].advice);
    assert_eq!(
        server.count("SELECT count(*) FROM customers").await,
        names.len() as i64 - 1,
        "every other customer reached the server"
    );
    let pushes = desk.engine.transport().pushes.load(Ordering::SeqCst);
    assert!(pushes <= 12, "the batch was halved, not sent op by op ({pushes} pushes)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_failing_on_everything_has_nothing_refused_and_loses_nothing() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    for name in ["Ana Costa", "Bea Lima", "Caio Reis", "Dora Melo", "Edu Sousa"] {
        desk.customer(name);
    }
    desk.engine.transport().broken.store(true, Ordering::SeqCst);
    let failed = desk.try_sync().await;
    assert!(matches!(failed, Err(SyncError::Transient(TransportError::Server { status: 500, .. }))), "{failed:?}");
    assert_eq!(desk.pending(), 5, "every change still waits");
    assert!(desk.with(|d| d.rejected_changes()).expect("refused").is_empty(), "none was blamed");

    desk.engine.transport().broken.store(false, Ordering::SeqCst);
    desk.sync().await;
    assert_eq!(desk.pending(), 0);
    assert_eq!(server.count("SELECT count(*) FROM customers").await, 5);
}
