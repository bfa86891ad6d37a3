//! What many desks see when they change the same things: sequence order is commit order so no
//! reader skips a change; concurrent edits merge field by field and converge (with the losing
//! side kept for a supervisor); a delete or an erasure beats any concurrent edit; clocks that
//! are hours off, or jump back, still order changes sanely.

use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::Utc;
use touchpoint_core::clock::FakeClock;
use touchpoint_core::customers::CustomerEdit;
use touchpoint_core::CoreError;
use touchpoint_sync_tests::{TestDesk, TestServer};
use uuid::Uuid;

fn note(customer: Uuid, text: &str) -> CustomerEdit {
    CustomerEdit { customer_id: customer, note: Some(text.into()), ..Default::default() }
}

async fn server_field(server: &TestServer, customer: Uuid, field: &str) -> Option<String> {
    sqlx::query_scalar("SELECT fields->>$3 FROM customers WHERE org_id = $1 AND customer_id = $2")
        .bind(server.org)
        .bind(customer)
        .bind(field)
        .fetch_one(&server.pool)
        .await
        .expect("server customer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_waiting_behind_a_slow_one_commits_after_it_so_no_reader_skips_a_change() {
    let server = TestServer::start().await;
    let slow = TestDesk::enrolled(&server, server.frontline).await;
    let fast = TestDesk::enrolled(&server, server.frontline).await;
    let reader = TestDesk::enrolled(&server, server.frontline).await;
    for i in 0..3 {
        slow.customer(&format!("Slow {i}"));
    }
    fast.customer("Fast");
    let head_before = server.count("SELECT next_seq - 1 FROM org_counters").await;

    // The slow push takes its sequence numbers, then stalls before committing.
    *server.faults.pause_after_ops.lock().expect("faults") = Some((2, Duration::from_millis(1500)));
    let slow_engine = slow.engine.clone();
    let slow_round = tokio::spawn(async move { slow_engine.sync_once().await });
    while !server.faults.paused.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    *server.faults.pause_after_ops.lock().expect("faults") = None;
    // The fast push starts now and would take later numbers; it must wait for the slow one.
    let fast_engine = fast.engine.clone();
    let fast_round = tokio::spawn(async move { fast_engine.sync_once().await });
    tokio::time::sleep(Duration::from_millis(300)).await;

    // A reader in the middle sees neither, and its cursor does not move past the slow batch.
    reader.sync().await;
    assert_eq!(reader.query_i64("SELECT count(*) FROM customers WHERE name LIKE 'Slow%' OR name = 'Fast'"), 0);
    let cursor = reader.with(|d| d.sync_settings()).expect("s").expect("enrolled").cursor;
    assert_eq!(cursor, head_before, "the cursor stops before numbers not yet committed");

    slow_round.await.expect("slow").expect("slow round");
    fast_round.await.expect("fast").expect("fast round");
    let max_slow: i64 = server
        .count(&format!("SELECT max(server_seq) FROM change_log WHERE op->>'device_id' = '{}'", slow.device_id()))
        .await;
    let min_fast: i64 = server
        .count(&format!("SELECT min(server_seq) FROM change_log WHERE op->>'device_id' = '{}'", fast.device_id()))
        .await;
    assert!(max_slow < min_fast, "sequence order is commit order ({max_slow} < {min_fast})");

    reader.sync().await;
    assert_eq!(reader.query_i64("SELECT count(*) FROM customers WHERE name LIKE 'Slow%' OR name = 'Fast'"), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_edits_keep_both_fields_and_converge_on_one_value_with_a_conflict_recorded() {
    let server = TestServer::start().await;
    let a = TestDesk::enrolled(&server, server.frontline).await;
    let b = TestDesk::enrolled(&server, server.frontline).await;
    let ana = a.customer("Ana Souza");
    a.sync().await;
    b.sync().await;

    // Both offline: A adds a note, B a loyalty number; both rename her, B a second later.
    a.edit(CustomerEdit {
        customer_id: ana.id,
        note: Some("Allergic to latex gloves".into()),
        name: Some("Ana Souza Lima".into()),
        ..Default::default()
    });
    b.clock.advance(chrono::Duration::seconds(1));
    b.edit(CustomerEdit {
        customer_id: ana.id,
        loyalty_id: Some("LOY-88231".into()),
        name: Some("Ana S. Lima".into()),
        ..Default::default()
    });
    a.sync().await;
    b.sync().await;
    a.sync().await;

    for (who, desk) in [("A", &a), ("B", &b)] {
        let c = desk.with(|d| touchpoint_core::customers::get(d.connection(), ana.id)).expect("customer");
        assert_eq!(c.note.as_deref(), Some("Allergic to latex gloves"), "{who} keeps A's note");
        assert_eq!(c.loyalty_id.as_deref(), Some("LOY-88231"), "{who} keeps B's loyalty id");
        assert_eq!(c.name, "Ana S. Lima", "{who} converges on the later name");
    }
    assert_eq!(server_field(&server, ana.id, "name").await.as_deref(), Some("Ana S. Lima"));
    assert_eq!(server_field(&server, ana.id, "note").await.as_deref(), Some("Allergic to latex gloves"));
    let conflicts: Vec<(String, serde_json::Value, serde_json::Value)> =
        sqlx::query_as("SELECT field, kept_value, lost_value FROM conflicts WHERE org_id = $1 AND entity_id = $2")
            .bind(server.org)
            .bind(ana.id)
            .fetch_all(&server.pool)
            .await
            .expect("conflicts");
    assert_eq!(conflicts.len(), 1, "only the name was edited on both sides: {conflicts:?}");
    assert_eq!(conflicts[0].0, "name");
    assert_eq!(conflicts[0].1, serde_json::json!("Ana S. Lima"));
    assert_eq!(conflicts[0].2, serde_json::json!("Ana Souza Lima"));

    // A desk of the store sees both sides, with who set each.
    let seen = a.engine.conflicts(ana.id).await.expect("conflicts");
    let described = a.with(|d| d.describe_conflicts(seen)).expect("described");
    assert_eq!(described.len(), 1);
    assert_eq!(described[0].field, "name");
    assert_eq!(described[0].kept.as_deref(), Some("Ana S. Lima"));
    assert_eq!(described[0].not_kept.as_deref(), Some("Ana Souza Lima"));
    assert_eq!((described[0].kept_by.as_str(), described[0].not_kept_by.as_str()), ("Maria Lopes", "Maria Lopes"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_beats_a_concurrent_edit_on_every_desk() {
    let server = TestServer::start().await;
    let sup = TestDesk::enrolled(&server, server.supervisor).await;
    let front = TestDesk::enrolled(&server, server.frontline).await;
    let bob = sup.customer("Bob Stone");
    sup.sync().await;
    front.sync().await;

    sup.with(|d| d.delete_customer(bob.id)).expect("supervisor deletes");
    front.clock.advance(chrono::Duration::minutes(5)); // the edit is even stamped later
    front.edit(note(bob.id, "Wants a call on Friday"));
    front.sync().await;
    sup.sync().await;
    front.sync().await;

    for desk in [&sup, &front] {
        let gone = desk.with(|d| touchpoint_core::customers::get(d.connection(), bob.id));
        assert!(matches!(gone, Err(CoreError::NotFound { .. })), "{gone:?}");
        assert!(desk.with(|d| d.search_customers("Bob", 10)).expect("search").is_empty());
    }
    let deleted: bool = sqlx::query_scalar(
        "SELECT deleted_hlc IS NOT NULL AND (restored_hlc IS NULL OR restored_hlc < deleted_hlc)
         FROM customers WHERE org_id = $1 AND customer_id = $2",
    )
    .bind(server.org)
    .bind(bob.id)
    .fetch_one(&server.pool)
    .await
    .expect("server row");
    assert!(deleted);

    // Only an explicit restore brings him back, with the edit made meanwhile.
    let back = sup.with(|d| d.restore_customer(bob.id)).expect("restore");
    assert_eq!(back.note.as_deref(), Some("Wants a call on Friday"));
    sup.sync().await;
    front.sync().await;
    assert!(front.with(|d| touchpoint_core::customers::get(d.connection(), bob.id)).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_beats_a_concurrent_edit_and_leaves_no_personal_data_anywhere() {
    let server = TestServer::start().await;
    let sup = TestDesk::enrolled(&server, server.supervisor).await;
    let front = TestDesk::enrolled(&server, server.frontline).await;
    let carla = sup
        .with(|d| {
            d.create_customer(&touchpoint_core::customers::NewCustomer {
                name: "Carla Mendes".into(),
                phone: "07911 123456".into(),
                email: "carla@example.com".into(),
                allow_duplicate: false,
            })
        })
        .expect("customer");
    sup.log_visit(Some(carla.id), "Carla's new address is 12 Rose Lane");
    sup.with(|d| d.export_customer(carla.id)).expect("export (its file name carries her name)");
    sup.sync().await;
    front.sync().await;
    // The till serves her; the supervisor reviews that conversation naming her, and a
    // follow-up promised to her is closed with words about her.
    let served = front.log_visit(Some(carla.id), "Exchanged a kettle");
    let promise = touchpoint_core::follow_ups::NewFollowUp {
        customer_id: Some(carla.id),
        interaction_id: Some(served.interaction_id),
        owner_staff_id: server.frontline,
        due_at: Utc::now() + chrono::Duration::days(1),
        promise: "Call Carla about the kettle".into(),
        route: None,
        kind: None,
    };
    let follow_up = front.with(|d| d.create_follow_up(&promise)).expect("follow-up");
    let close = touchpoint_core::follow_ups::CloseFollowUp {
        follow_up_id: follow_up.id,
        status: touchpoint_core::protocol::FollowUpStatus::Done,
        resolution: "Carla was happy with the new one".into(),
        feeling_after: None,
    };
    front.with(|d| d.close_follow_up(&close)).expect("closed");
    front.sync().await;
    sup.sync().await;
    let review = touchpoint_core::reviews::NewReview {
        interaction_id: served.interaction_id,
        kind: touchpoint_core::protocol::ReviewKind::Praise,
        comment: "Lovely with Carla, who is hard of hearing".into(),
        scores: vec![],
    };
    sup.with(|d| d.record_review(&review)).expect("review");
    sup.sync().await;
    front.sync().await;

    sup.with(|d| d.erase_customer(carla.id)).expect("erase");
    // Meanwhile, offline, the frontline desk edits her and logs a visit naming her.
    front.edit(note(carla.id, "Carla prefers email"));
    front.log_visit(Some(carla.id), "Carla collected her parcel");
    sup.sync().await;
    front.sync().await;
    sup.sync().await;

    for desk in [&sup, &front] {
        assert_eq!(desk.query_i64("SELECT count(*) FROM customers WHERE name LIKE '%Carla%'"), 0);
        assert_eq!(desk.query_i64("SELECT count(*) FROM audit_log WHERE detail LIKE '%carla%'"), 0);
        assert!(
            desk.query_i64("SELECT count(*) FROM audit_log WHERE action = 'erase'") >= 1,
            "the erasure is on record"
        );
        assert_eq!(desk.query_i64("SELECT count(*) FROM customers WHERE erased_at IS NOT NULL"), 1);
        assert_eq!(desk.query_i64("SELECT count(*) FROM interactions WHERE summary LIKE '%Carla%'"), 0);
        assert_eq!(desk.query_i64("SELECT count(*) FROM customer_keys"), 0, "no phone or email to search by");
        assert_eq!(desk.query_i64("SELECT count(*) FROM interactions"), 3, "the visits still count");
        assert_eq!(desk.query_i64("SELECT count(*) FROM reviews WHERE comment LIKE '%Carla%'"), 0);
        assert_eq!(desk.query_i64("SELECT count(*) FROM reviews"), 1, "the review itself stays");
        assert_eq!(
            desk.query_i64("SELECT count(*) FROM follow_ups WHERE promise || coalesce(resolution, '') LIKE '%Carla%'"),
            0
        );
    }
    let leaks = server
        .count(
            "SELECT (SELECT count(*) FROM change_log WHERE op::text ILIKE '%Carla%' OR op::text LIKE '%7911123456%')
                  + (SELECT count(*) FROM customers WHERE fields::text LIKE '%Carla%')
                  + (SELECT count(*) FROM follow_ups WHERE fields::text LIKE '%Carla%')
                  + (SELECT count(*) FROM conflicts WHERE coalesce(kept_value, lost_value)::text LIKE '%Carla%')",
        )
        .await;
    assert_eq!(leaks, 0, "the server keeps no personal data of an erased customer");
    assert_eq!(server.count("SELECT count(*) FROM change_log WHERE entity = 'interaction_logged'").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desks_with_clocks_hours_off_or_jumping_back_still_order_edits_as_they_happened() {
    let server = TestServer::start().await;
    let now = Utc::now();
    let ahead =
        TestDesk::enrolled_with_clock(&server, server.frontline, FakeClock::at(now + chrono::Duration::hours(2))).await;
    let behind =
        TestDesk::enrolled_with_clock(&server, server.frontline, FakeClock::at(now - chrono::Duration::hours(2))).await;
    let offset = ahead.with(|d| Ok(d.clock_offset())).expect("offset");
    assert!((offset + chrono::Duration::hours(2)).num_seconds().abs() < 60, "learnt it is 2 h ahead: {offset}");

    let dana = behind.customer("Dana Whitfield");
    behind.sync().await;
    ahead.sync().await;
    // The desk that is 2 h ahead edits first; the one 2 h behind edits a minute later, each
    // offline and without having seen the other's edit. Uncorrected, the desk ahead would win
    // for the next four hours.
    ahead.edit(note(dana.id, "First note"));
    for d in [&ahead, &behind] {
        d.clock.advance(chrono::Duration::minutes(1));
    }
    behind.edit(note(dana.id, "Second note, a minute later"));
    ahead.sync().await;
    behind.sync().await;
    ahead.sync().await;
    for desk in [&ahead, &behind] {
        let c = desk.with(|d| touchpoint_core::customers::get(d.connection(), dana.id)).expect("customer");
        assert_eq!(c.note.as_deref(), Some("Second note, a minute later"), "the later edit wins");
    }

    // The clock of the desk ahead jumps back three hours; its next edit still comes after.
    ahead.clock.advance(chrono::Duration::hours(-3));
    ahead.clock.advance(chrono::Duration::minutes(1));
    ahead.edit(note(dana.id, "Third note, after the clock jumped back"));
    ahead.sync().await;
    behind.sync().await;
    for desk in [&ahead, &behind] {
        let c = desk.with(|d| touchpoint_core::customers::get(d.connection(), dana.id)).expect("customer");
        assert_eq!(c.note.as_deref(), Some("Third note, after the clock jumped back"));
    }
    assert_eq!(
        server_field(&server, dana.id, "note").await.as_deref(),
        Some("Third note, after the clock jumped back")
    );
    let stamps: Vec<String> = sqlx::query_scalar(
        "SELECT hlc FROM change_log WHERE org_id = $1 AND entity_id = $2 AND entity = 'customer_patch' ORDER BY server_seq",
    )
    .bind(server.org)
    .bind(dana.id)
    .fetch_all(&server.pool)
    .await
    .expect("stamps");
    let mut sorted = stamps.clone();
    sorted.sort();
    assert_eq!(stamps, sorted, "the stamps of the edits increase in the order they were made");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_lists_the_newest_conflicts_of_the_stores_customers_and_no_other_store_sees_them() {
    let server = TestServer::start().await;
    let a = TestDesk::enrolled(&server, server.frontline).await;
    let b = TestDesk::enrolled(&server, server.frontline).await;
    let office = TestDesk::enrolled(&server, server.supervisor).await;
    let ana = a.customer("Ana Souza");
    let bea = a.customer("Bea Cruz");
    a.sync().await;
    b.sync().await;
    // Both customers renamed on both desks while they could not see each other.
    for (customer, first, second) in [(ana.id, "Ana Souza Lima", "Ana S. Lima"), (bea.id, "Beatriz Cruz", "Bea C.")] {
        a.edit(CustomerEdit { customer_id: customer, name: Some(first.into()), ..Default::default() });
        b.clock.advance(chrono::Duration::seconds(1));
        b.edit(CustomerEdit { customer_id: customer, name: Some(second.into()), ..Default::default() });
    }
    a.sync().await;
    b.sync().await;
    office.sync().await;

    let found = office.engine.recent_conflicts(100).await.expect("recent conflicts");
    let listed = office.with(|d| d.describe_recent_conflicts(found)).expect("described");
    assert_eq!(listed.len(), 2, "{listed:?}");
    let names: Vec<Option<&str>> = listed.iter().map(|c| c.customer_name.as_deref()).collect();
    assert!(names.contains(&Some("Ana S. Lima")) && names.contains(&Some("Bea C.")), "{names:?}");
    for c in &listed {
        assert_eq!(c.conflict.field, "name");
        assert!(c.conflict.not_kept.is_some(), "both sides: {c:?}");
    }
    assert!(listed[0].conflict.at >= listed[1].conflict.at, "newest first");
    let one = office.engine.recent_conflicts(1).await.expect("limited");
    assert_eq!(one.len(), 1);

    // A frontline desk's staff may not list them; another store's desk sees none of them.
    let refused = a.with(|d| d.may_see_conflicts());
    assert!(matches!(refused, Err(CoreError::Forbidden { .. })), "{refused:?}");
    let (elsewhere, person) = server.another_store("Porto", "Rui Costa").await;
    let porto = TestDesk::new(&server.url);
    porto.enroll_as(&server, &server.enrollment_code_for(elsewhere).await, person).await;
    let theirs = porto.engine.recent_conflicts(100).await.expect("their conflicts");
    assert!(theirs.is_empty(), "another store's customers: {theirs:?}");
}
