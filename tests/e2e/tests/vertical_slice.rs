//! The foundation slice, in the real window: create a customer (bad input refused at the field
//! and kept), find them by name and by phone digits, log an interaction with a feeling and a
//! CSAT, see it on the timeline, then close the app and find the rows in the SQLite file.

use fantoccini::key::Key;
use touchpoint_e2e::Desk;

#[tokio::test(flavor = "multi_thread")]
async fn create_find_log_and_see_it_on_the_timeline_then_in_the_database() {
    let desk = Desk::start().await;

    // Create: a bad phone and email are refused next to their fields; what was typed stays.
    desk.click("[data-testid=rail-new-customer]").await;
    desk.type_into("[data-testid=new-customer-form] input[name=name]", "Ana Souza").await;
    desk.type_into("[data-testid=new-customer-form] input[name=phone]", "12").await;
    desk.type_into("[data-testid=new-customer-form] input[name=email]", "ana@nowhere").await;
    desk.click("[data-testid=new-customer-submit]").await;
    desk.wait_for_text("[data-testid=new-customer-form] .text-field:nth-of-type(2) .field-error", "phone number").await;
    let email_error = desk.text("[data-testid=new-customer-form] .text-field:nth-of-type(3) .field-error").await;
    assert!(email_error.contains("email"), "{email_error}");
    assert_eq!(desk.value("[data-testid=new-customer-form] input[name=name]").await, "Ana Souza");
    assert_eq!(desk.value("[data-testid=new-customer-form] input[name=phone]").await, "12");
    assert_eq!(desk.value("[data-testid=new-customer-form] input[name=email]").await, "ana@nowhere");

    desk.replace_text("[data-testid=new-customer-form] input[name=phone]", "+351 912 345 678").await;
    desk.replace_text("[data-testid=new-customer-form] input[name=email]", "ana.souza@example.com").await;
    desk.click("[data-testid=new-customer-submit]").await;
    desk.wait_for_text("[data-testid=customer-name]", "Ana Souza").await;

    // Find: part of the name, then part of the phone typed another way.
    desk.type_into("[data-testid=search-input]", "sou").await;
    desk.wait_for_text("[data-testid=search-results]", "Ana Souza").await;
    desk.press("[data-testid=search-input]", Key::Escape).await;
    desk.type_into("[data-testid=search-input]", "912 345").await;
    desk.wait_for_text("[data-testid=search-results]", "Ana Souza").await;
    desk.press("[data-testid=search-input]", Key::Enter).await;
    desk.wait_for_text("[data-testid=customer-name]", "Ana Souza").await;
    desk.wait_for_text("[data-testid=customer-summary]", "nothing logged yet").await;

    // Log: reason, outcome, feeling, CSAT and a note; it shows on the timeline at once.
    desk.type_into("[data-testid=log-form] input[name=reason]", "Refund for damaged kettle").await;
    desk.click("[data-testid=log-form] [data-outcome=follow_up_needed]").await;
    desk.click("[data-testid=log-form] [data-feeling=unhappy]").await;
    desk.click("[data-testid=log-form] [data-score='2']").await;
    desk.type_into("[data-testid=log-form] textarea[name=summary]", "Box crushed in delivery; promised a call back.")
        .await;
    desk.click("[data-testid=log-save]").await;
    let entry = desk.wait_for_text("[data-testid=timeline-entry]", "Refund for damaged kettle").await;
    assert!(entry.contains("Unhappy"), "{entry}");
    assert!(entry.contains("CSAT 2"), "{entry}");
    assert!(entry.contains("Follow-up needed"), "{entry}");
    assert!(entry.contains("Store manager"), "{entry}");
    let summary = desk.wait_for_text("[data-testid=customer-summary]", "Last visit").await;
    assert!(summary.contains("Service desk"), "{summary}");
    desk.wait_for_text("[data-testid=log-saved]", "Logged").await;
    assert_eq!(desk.value("[data-testid=log-form] input[name=reason]").await, "", "form is ready for the next log");
    desk.shot("customer-after-log").await;

    // Close the app and read its SQLite file.
    let data_dir = desk.close().await;
    let db = rusqlite::Connection::open(data_dir.path().join("touchpoint.sqlite3")).expect("database file");
    let (customer_id, name, phones): (String, String, String) = db
        .query_row("SELECT id, name, phones FROM customers", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("one customer");
    assert_eq!(name, "Ana Souza");
    assert_eq!(phones, r#"["+351912345678"]"#);
    let (interaction_id, reason, outcome, interaction_customer): (String, String, String, String) = db
        .query_row("SELECT id, reason, outcome, customer_id FROM interactions", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .expect("one interaction");
    assert_eq!(reason, "Refund for damaged kettle");
    assert_eq!(outcome, "follow_up_needed");
    assert_eq!(interaction_customer, customer_id);
    let (feeling, csat): (String, i64) = db
        .query_row("SELECT feeling, csat FROM feedback WHERE interaction_id = ?1", [&interaction_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("feedback row");
    assert_eq!((feeling.as_str(), csat), ("unhappy", 2));
    let op_payload: String = db
        .query_row(
            "SELECT payload FROM outbox WHERE kind = 'interaction_logged' AND entity_id = ?1 AND state = 'pending'",
            [&interaction_id],
            |r| r.get(0),
        )
        .expect("the interaction's outbox op");
    let op: serde_json::Value = serde_json::from_str(&op_payload).expect("op json");
    assert_eq!(op["body"]["reason"], "Refund for damaged kettle");
    let ops: i64 =
        db.query_row("SELECT count(*) FROM outbox WHERE kind <> 'audit_recorded'", [], |r| r.get(0)).expect("count");
    assert_eq!(ops, 3, "customer, interaction and feedback ops");
    let views: i64 = db
        .query_row("SELECT count(*) FROM audit_log WHERE action = 'view' AND entity_id IS NOT NULL", [], |r| r.get(0))
        .expect("views");
    assert_eq!(views, 1, "looking at her page is on record, once however often it refreshed");
}
