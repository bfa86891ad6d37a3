//! The organisation's lists from the console (`/v1/org/lists/…`) against the real server and
//! PostgreSQL: an administrator adds, renames, reorders and retires touch points, reasons for
//! contact and scorecard criteria; a desk that syncs offers exactly the active ones, in order
//! (the organisation's reasons replace the built-in ones); names are unique whatever their
//! case; a supervisor reads but cannot change; hostile input is a 400 naming the field.

use reqwest::{Method, StatusCode};
use serde_json::json;
use touchpoint_protocol::console::OrgListEntry;
use touchpoint_protocol::ContactChannel;
use touchpoint_sync_tests::browser::{first_admin, supervisor_signed_in, Browser, PASSWORD};
use touchpoint_sync_tests::{TestDesk, TestServer};
use uuid::Uuid;

fn named<'a>(entries: &'a [OrgListEntry], name: &str) -> &'a OrgListEntry {
    entries.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("{name} not in {entries:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_sets_up_the_lists_and_a_desk_offers_exactly_the_active_entries_in_order() {
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let mut helena = Browser::new(&server);
    helena.sign_in("helena", PASSWORD).await;
    let desk = TestDesk::enrolled(&server, server.supervisor).await;
    desk.sync().await;
    let built_in: Vec<String> = desk.with(|d| d.reasons()).expect("reasons").into_iter().map(|r| r.label).collect();
    assert_eq!(built_in, touchpoint_protocol::DEFAULT_REASONS, "before the organisation has a list");

    // Touch points: a new one, one renamed to a phone line, one retired.
    let touch_points: Vec<OrgListEntry> = helena.get("/v1/org/lists/touch-points").await.json();
    assert_eq!(touch_points.len(), touchpoint_protocol::DEFAULT_TOUCH_POINTS.len());
    let added = helena
        .post("/v1/org/lists/touch-points", json!({"name": " Fitting rooms ", "default_channel": "in_person"}))
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let fitting: OrgListEntry = added.json();
    assert_eq!(fitting.name, "Fitting rooms");
    assert!(fitting.sort_order > touch_points.iter().map(|t| t.sort_order).max().unwrap_or(0), "added at the end");
    let service = named(&touch_points, "Service desk").id;
    let renamed = helena
        .patch(
            &format!("/v1/org/lists/touch-points/{service}"),
            json!({"name": "Customer line", "default_channel": "phone"}),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    let chat = named(&touch_points, "Live chat").id;
    let retired = helena.patch(&format!("/v1/org/lists/touch-points/{chat}"), json!({"active": false})).await;
    assert!(!retired.json::<OrgListEntry>().active);
    let twice = helena.post("/v1/org/lists/touch-points", json!({"name": "FITTING ROOMS"})).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);
    assert!(
        twice.error().message.starts_with("name: There is already a touch point called Fitting rooms"),
        "{}",
        twice.body
    );
    let again = helena.post("/v1/org/lists/touch-points", json!({"name": "live chat"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.error().message.contains("retired"), "bring it back instead: {}", again.body);

    // Reasons: started from the built-in list, then one added, one retired, two swapped.
    assert!(helena.get("/v1/org/lists/reasons").await.json::<Vec<OrgListEntry>>().is_empty());
    let started = helena.post("/v1/org/lists/reasons/defaults", json!({})).await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    let reasons: Vec<OrgListEntry> = started.json();
    assert_eq!(reasons.len(), touchpoint_protocol::DEFAULT_REASONS.len());
    assert_eq!(helena.post("/v1/org/lists/reasons/defaults", json!({})).await.status, StatusCode::BAD_REQUEST, "once");
    helena.post("/v1/org/lists/reasons", json!({"name": "Gift wrapping"})).await;
    let compliment = named(&reasons, "Compliment").id;
    helena.patch(&format!("/v1/org/lists/reasons/{compliment}"), json!({"active": false})).await;
    let (first, second) = (named(&reasons, "Product question"), named(&reasons, "Refund"));
    helena.patch(&format!("/v1/org/lists/reasons/{}", first.id), json!({"sort_order": second.sort_order})).await;
    helena.patch(&format!("/v1/org/lists/reasons/{}", second.id), json!({"sort_order": first.sort_order})).await;

    // The scorecard: two criteria, one renamed, one retired.
    let greeted: OrgListEntry = helena.post("/v1/org/lists/scorecard", json!({"name": "Greeted"})).await.json();
    let policy: OrgListEntry =
        helena.post("/v1/org/lists/scorecard", json!({"name": "Quoted the policy"})).await.json();
    helena.patch(&format!("/v1/org/lists/scorecard/{}", greeted.id), json!({"name": "Greeted the customer"})).await;
    helena.patch(&format!("/v1/org/lists/scorecard/{}", policy.id), json!({"active": false})).await;

    desk.sync().await;
    let on_desk = desk.with(|d| d.touch_points()).expect("touch points");
    let line = on_desk.iter().find(|t| t.id == service).expect("renamed, same id");
    assert_eq!((line.name.as_str(), line.default_channel), ("Customer line", ContactChannel::Phone));
    assert!(on_desk.iter().any(|t| t.name == "Fitting rooms"), "{on_desk:?}");
    assert!(!on_desk.iter().any(|t| t.id == chat), "retired: no longer offered");
    let reasons_on_desk: Vec<String> =
        desk.with(|d| d.reasons()).expect("reasons").into_iter().map(|r| r.label).collect();
    let server_order: Vec<String> = helena
        .get("/v1/org/lists/reasons")
        .await
        .json::<Vec<OrgListEntry>>()
        .into_iter()
        .filter(|e| e.active)
        .map(|e| e.name)
        .collect();
    assert_eq!(reasons_on_desk, server_order, "the organisation's list replaced the built-in one, in its order");
    assert_eq!(reasons_on_desk[..2], ["Refund", "Product question"], "swapped");
    assert!(
        reasons_on_desk.contains(&"Gift wrapping".to_owned()) && !reasons_on_desk.contains(&"Compliment".to_owned())
    );
    let criteria: Vec<String> =
        desk.with(|d| d.review_criteria()).expect("criteria").into_iter().map(|c| c.name).collect();
    assert_eq!(criteria, ["Greeted the customer"]);

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM console_audit WHERE org_id = $1 AND (action LIKE 'list_%' OR action = 'reasons_started') ORDER BY at",
    )
    .bind(server.org)
    .fetch_all(&server.pool)
    .await
    .expect("audit");
    for action in ["list_entry_added", "list_entry_changed", "list_entry_retired", "reasons_started"] {
        assert!(actions.iter().any(|a| a == action), "{action} missing from {actions:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_reads_the_lists_and_hostile_changes_are_refused_by_field() {
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let priya = supervisor_signed_in(&server, "priya").await;
    let listed = priya.get("/v1/org/lists/touch-points").await;
    assert_eq!(listed.status, StatusCode::OK);
    let first = listed.json::<Vec<OrgListEntry>>()[0].id;
    assert_eq!(priya.post("/v1/org/lists/scorecard", json!({"name": "Smiled"})).await.status, StatusCode::FORBIDDEN);
    let patched = priya.patch(&format!("/v1/org/lists/touch-points/{first}"), json!({"active": false})).await;
    assert_eq!(patched.status, StatusCode::FORBIDDEN);

    let mut helena = Browser::new(&server);
    helena.sign_in("helena", PASSWORD).await;
    let other_org = touchpoint_server::admin::create_org(&server.pool, "Another chain").await.expect("org");
    let theirs: Uuid = sqlx::query_scalar("SELECT touch_point_id FROM touch_points WHERE org_id = $1 LIMIT 1")
        .bind(other_org)
        .fetch_one(&server.pool)
        .await
        .expect("their touch point");
    for (path, body, field) in [
        ("/v1/org/lists/reasons", json!({"name": "  "}), "name"),
        ("/v1/org/lists/reasons", json!({"name": "Re\u{0}fund"}), "name"),
        ("/v1/org/lists/reasons", json!({"name": "x".repeat(81)}), "name"),
        ("/v1/org/lists/scorecard", json!({"name": "Gre\u{202e}eted"}), "name"),
        ("/v1/org/lists/reasons", json!({"name": "Refund", "default_channel": "phone"}), "default_channel"),
    ] {
        let answer = helena.post(path, body.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path} {body}: {}", answer.body);
        assert!(answer.error().message.starts_with(&format!("{field}:")), "{path} {body}: {}", answer.body);
    }
    let far = helena.patch(&format!("/v1/org/lists/touch-points/{first}"), json!({"sort_order": -1})).await;
    assert!(far.error().message.starts_with("sort_order:"), "{}", far.body);
    let elsewhere = helena.patch(&format!("/v1/org/lists/touch-points/{theirs}"), json!({"name": "Mine now"})).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "another organisation's entry: {}", elsewhere.body);
    let unknown = helena.send(Method::GET, "/v1/org/lists/everything", None, true).await;
    assert!(unknown.status.is_client_error(), "{}", unknown.status);
    let bad_channel =
        helena.post("/v1/org/lists/touch-points", json!({"name": "Kiosk", "default_channel": "pigeon"})).await;
    assert!(bad_channel.status.is_client_error(), "{}", bad_channel.body);

    // Every touch point retired but one: the last cannot go (desks need somewhere to log).
    let all: Vec<OrgListEntry> = helena.get("/v1/org/lists/touch-points").await.json();
    for e in &all[1..] {
        let r = helena.patch(&format!("/v1/org/lists/touch-points/{}", e.id), json!({"active": false})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let last = helena.patch(&format!("/v1/org/lists/touch-points/{}", all[0].id), json!({"active": false})).await;
    assert_eq!(last.status, StatusCode::BAD_REQUEST);
    assert!(last.error().message.starts_with("active:"), "{}", last.body);
    let reasons: Vec<OrgListEntry> = helena.get("/v1/org/lists/reasons").await.json();
    assert!(reasons.is_empty(), "nothing refused was created: {reasons:?}");
}
