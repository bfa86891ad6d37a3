//! Reviews travel like every event: a supervisor's review reaches the reviewed person's desk,
//! their acknowledgement comes back, and the server refuses what a role may not do (a
//! frontline review, someone else's acknowledgement, a review of another store's work).

use touchpoint_core::protocol::{
    CustomerRef, Op, OpBody, OpStatus, PushRequest, RejectCode, ReviewAck, ReviewKind, ReviewRecord, Role,
};
use touchpoint_core::reviews::NewReview;
use touchpoint_core::sync::Transport;
use touchpoint_server::admin;
use touchpoint_sync_tests::{TestDesk, TestServer};
use uuid::Uuid;

async fn token(desk: &TestDesk) -> String {
    desk.access_token().await
}

/// Pushes one hand-made op as `desk` and returns what the server said about it.
async fn push_as(desk: &TestDesk, staff: Uuid, body: OpBody) -> OpStatus {
    let (device, store) = desk.with(|d| Ok((d.info()?.device_id, d.info()?.store.id))).expect("info");
    let op = Op {
        op_id: Uuid::now_v7(),
        device_id: device,
        store_id: store,
        staff_id: staff,
        hlc: touchpoint_protocol::Hlc { wall_ms: chrono::Utc::now().timestamp_millis(), counter: 0, node: device },
        body,
    };
    let resp = desk
        .engine
        .transport()
        .push(&token(desk).await, &PushRequest { ops: vec![op], known_seq: 0 })
        .await
        .expect("push");
    resp.results[0].status.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_reaches_the_reviewed_person_and_their_acknowledgement_comes_back() {
    let server = TestServer::start().await;
    let criterion =
        admin::create_review_criterion(&server.pool, server.org, "Greeted the customer", 1).await.expect("c");
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let office = TestDesk::enrolled(&server, server.supervisor).await;
    assert_eq!(till.with(|d| d.review_criteria()).expect("criteria")[0].id, criterion, "the scorecard came down");

    let ana = till.customer("Ana Souza");
    let visit = till.log_visit(Some(ana.id), "Refund for a kettle");
    till.sync().await;
    office.sync().await;

    let review = office
        .with(|d| {
            d.record_review(&NewReview {
                interaction_id: visit.interaction_id,
                kind: ReviewKind::Praise,
                comment: "Calm and quick, well done.".into(),
                scores: vec![touchpoint_core::protocol::CriterionScore { criterion_id: criterion, score: 5 }],
            })
        })
        .expect("review");
    office.sync().await;
    till.sync().await;

    let mine = till.with(|d| d.my_reviews()).expect("reviews");
    assert_eq!(mine.len(), 1, "Maria sees the review of her work");
    assert_eq!(mine[0].comment, "Calm and quick, well done.");
    assert_eq!(mine[0].reviewer.name, "Priya Shah");
    assert_eq!(mine[0].scores[0].score, 5);
    till.with(|d| d.acknowledge_review(review.id)).expect("acknowledged");
    till.sync().await;
    office.sync().await;
    let seen = office.with(|d| d.interaction_reviews(visit.interaction_id)).expect("reviews");
    assert!(seen[0].acknowledged_at.is_some(), "the supervisor sees it was read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_reviews_and_acknowledgements_a_role_may_not_make() {
    let server = TestServer::start().await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let visit = till.log_visit(None, "Walk-in asking about opening hours");
    till.sync().await;

    let review = |reviewed: Uuid, store: Uuid| ReviewRecord {
        review_id: Uuid::now_v7(),
        interaction_id: visit.interaction_id,
        customer_id: None,
        store_id: store,
        reviewed_staff_id: reviewed,
        kind: ReviewKind::Compliance,
        comment: "Noted".into(),
        scores: vec![],
    };
    // A frontline person cannot review, even by crafting the op.
    let status =
        push_as(&till, server.frontline, OpBody::ReviewRecorded(review(server.supervisor, server.store))).await;
    assert!(matches!(&status, OpStatus::Rejected { code: RejectCode::Forbidden, .. }), "{status:?}");
    // Nor can a till send one in a supervisor's name: it is a frontline device.
    let status =
        push_as(&till, server.supervisor, OpBody::ReviewRecorded(review(server.frontline, server.store))).await;
    match &status {
        OpStatus::Rejected { code: RejectCode::Forbidden, message } => {
            assert!(message.contains("frontline desk"), "{message}")
        }
        other => panic!("a till's review must be refused: {other:?}"),
    }

    // A supervisor's desk can; but only the reviewed person acknowledges it.
    let office = TestDesk::enrolled(&server, server.supervisor).await;
    let ok = review(server.frontline, server.store);
    let status = push_as(&office, server.supervisor, OpBody::ReviewRecorded(ok.clone())).await;
    assert_eq!(status, OpStatus::Applied);
    let ack = ReviewAck { review_id: ok.review_id, customer_id: None, store_id: server.store };
    let status = push_as(&office, server.supervisor, OpBody::ReviewAcknowledged(ack)).await;
    assert!(matches!(&status, OpStatus::Rejected { code: RejectCode::Forbidden, .. }), "{status:?}");
    assert_eq!(push_as(&till, server.frontline, OpBody::ReviewAcknowledged(ack)).await, OpStatus::Applied);

    // A desk of this store cannot review another store's conversations, nor speak for a
    // supervisor of another store.
    let (harbour, _) = server.another_store("Harbour Road", "Tom Reyes").await;
    let status = push_as(&office, server.supervisor, OpBody::ReviewRecorded(review(server.frontline, harbour))).await;
    assert!(matches!(&status, OpStatus::Rejected { code: RejectCode::Forbidden, .. }), "{status:?}");
    let theirs = admin::create_staff(&server.pool, server.org, Some(harbour), "Sam Ortiz", Role::Supervisor, None)
        .await
        .expect("staff");
    let status = push_as(&office, theirs, OpBody::ReviewRecorded(review(server.frontline, server.store))).await;
    match &status {
        OpStatus::Rejected { code: RejectCode::Forbidden, message } => {
            assert!(message.contains("does not serve"), "{message}")
        }
        other => panic!("another store's supervisor must be refused: {other:?}"),
    }
    assert_eq!(server.count("SELECT count(*) FROM reviews").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_scorecard_gives_way_to_the_servers_once_connected_and_its_reviews_keep_their_scores() {
    let server = TestServer::start().await;
    let desk = TestDesk::new(&server.url);
    // Before connecting, the desk's own administrator (the first staff member) defines a
    // scorecard and it is used.
    let smiled = desk.with(|d| d.add_review_criterion("Smiled")).expect("local criterion");
    let server_side =
        admin::create_review_criterion(&server.pool, server.org, "Greeted the customer", 1).await.expect("c");

    desk.enroll(&server).await;
    let before = desk.with(|d| d.review_criteria()).expect("criteria");
    assert!(before.iter().any(|c| c.id == smiled.id), "kept until the first download is complete");
    desk.sync().await;
    let after = desk.with(|d| d.review_criteria()).expect("criteria");
    assert_eq!(after.iter().map(|c| c.id).collect::<Vec<_>>(), [server_side], "the server's scorecard counts");
    let refused = desk.with(|d| d.add_review_criterion("Smiled again"));
    assert!(matches!(refused, Err(touchpoint_core::CoreError::Refused { .. })), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_criterion_renamed_or_retired_on_the_server_changes_every_desks_scorecard() {
    let server = TestServer::start().await;
    let greeted = admin::create_review_criterion(&server.pool, server.org, "Greeted", 1).await.expect("c");
    let policy = admin::create_review_criterion(&server.pool, server.org, "Followed policy", 2).await.expect("c");
    let office = TestDesk::enrolled(&server, server.supervisor).await;
    let names = |desk: &TestDesk| -> Vec<String> {
        desk.with(|d| d.review_criteria()).expect("criteria").into_iter().map(|c| c.name).collect()
    };
    assert_eq!(names(&office), ["Greeted", "Followed policy"]);

    admin::update_review_criterion(&server.pool, server.org, greeted, Some("Greeted the customer"), false)
        .await
        .expect("renamed");
    admin::update_review_criterion(&server.pool, server.org, policy, None, true).await.expect("retired");
    office.sync().await;
    assert_eq!(names(&office), ["Greeted the customer"]);
    let missing = admin::update_review_criterion(&server.pool, server.org, Uuid::now_v7(), None, true).await;
    assert!(missing.is_err(), "an unknown criterion is an error");
    let blank = admin::update_review_criterion(&server.pool, server.org, greeted, Some("  "), false).await;
    assert!(blank.is_err(), "a blank name is refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_deletions_and_erasures_from_frontline_people_and_frontline_desks() {
    let server = TestServer::start().await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let ana = till.customer("Ana Souza");
    till.sync().await;
    let target = CustomerRef { customer_id: ana.id };
    for body in [OpBody::CustomerDeleted(target), OpBody::CustomerErased(target)] {
        // Frontline staff, and a till in a supervisor's name: both refused.
        for who in [server.frontline, server.supervisor] {
            let status = push_as(&till, who, body.clone()).await;
            assert!(matches!(&status, OpStatus::Rejected { code: RejectCode::Forbidden, .. }), "{status:?}");
        }
    }
    let deleted: i64 = server
        .count(&format!("SELECT count(*) FROM customers WHERE customer_id = '{}' AND deleted_hlc IS NOT NULL", ana.id))
        .await;
    assert_eq!(deleted, 0, "nothing was deleted");
    // The supervisor's desk may.
    let office = TestDesk::enrolled(&server, server.supervisor).await;
    assert_eq!(push_as(&office, server.supervisor, OpBody::CustomerDeleted(target)).await, OpStatus::Applied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_knows_it_is_a_frontline_desk_and_refuses_a_supervisors_review_before_sending_it() {
    let server = TestServer::start().await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let visit = till.log_visit(None, "Asked about opening hours");
    assert_eq!(till.with(|d| Ok(d.info()?.device_role)).expect("info"), Some(Role::Frontline));
    // The supervisor signs in at the till: the desk refuses what the server would.
    till.with(|d| d.sign_in(server.supervisor, None)).expect("supervisor at the till");
    let waiting = till.with(|d| Ok(d.outbox_counts()?.pending)).expect("outbox");
    let review = NewReview {
        interaction_id: visit.interaction_id,
        kind: ReviewKind::Praise,
        comment: "Clear and friendly".into(),
        scores: vec![],
    };
    match till.with(|d| d.record_review(&review)) {
        Err(touchpoint_core::CoreError::Forbidden { message }) => {
            assert!(message.contains("frontline desk"), "{message}")
        }
        other => panic!("a till refuses reviews: {other:?}"),
    }
    assert_eq!(till.with(|d| Ok(d.outbox_counts()?.pending)).expect("outbox"), waiting, "nothing queued");
    let office = TestDesk::enrolled(&server, server.supervisor).await;
    assert_eq!(office.with(|d| Ok(d.info()?.device_role)).expect("info"), Some(Role::Supervisor));
}
