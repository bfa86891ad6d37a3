//! What a device reads: its own store's customers (with their whole history, wherever it was
//! made) and walk-ins; a supervisor's device also the stores it was enrolled to oversee; an
//! administrator's the whole organisation. Whatever it reads, it writes only as its store.

use touchpoint_core::sync::Transport;
use touchpoint_protocol::ErrorCode;
use touchpoint_sync_tests::{TestDesk, TestServer};

fn names(desk: &TestDesk) -> Vec<String> {
    let mut names: Vec<String> = desk
        .with(|d| {
            let mut stmt = d.connection().prepare("SELECT name FROM customers WHERE name <> ''")?;
            let rows = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok(rows)
        })
        .expect("names");
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_reads_its_own_a_supervisor_their_stores_and_an_admin_the_organisation() {
    let server = TestServer::start().await;
    let (harbour, tom) = server.another_store("Harbour Road", "Tom Reyes").await;
    let (airport, ada) = server.another_store("Airport", "Ada Ruiz").await;

    let high_street = TestDesk::enrolled(&server, server.frontline).await;
    let ann = high_street.customer("Ann High");
    high_street.log_visit(Some(ann.id), "Bought a kettle");
    high_street.sync().await;

    let harbour_till = TestDesk::new(&server.url);
    harbour_till.enroll_as(&server, &server.enrollment_code_for(harbour).await, tom).await;
    harbour_till.customer("Ben Harbour");
    harbour_till.log_visit(None, "Walk-in asking for directions");
    harbour_till.sync().await;

    let airport_till = TestDesk::new(&server.url);
    airport_till.enroll_as(&server, &server.enrollment_code_for(airport).await, ada).await;
    airport_till.customer("Cy Airport");
    airport_till.sync().await;

    let store_desk = TestDesk::enrolled(&server, server.frontline).await;
    let supervisor_pc = TestDesk::new(&server.url);
    let code = server.enrollment_code_reading(server.store, &[harbour], false).await;
    supervisor_pc.enroll_as(&server, &code, server.supervisor).await;
    let admin_pc = TestDesk::new(&server.url);
    let code = server.enrollment_code_reading(server.store, &[], true).await;
    admin_pc.enroll_as(&server, &code, server.supervisor).await;

    assert_eq!(names(&store_desk), ["Ann High"]);
    assert_eq!(store_desk.query_i64("SELECT count(*) FROM interactions"), 1, "no other store's walk-ins");
    assert_eq!(names(&supervisor_pc), ["Ann High", "Ben Harbour"]);
    assert_eq!(supervisor_pc.query_i64("SELECT count(*) FROM interactions WHERE customer_id IS NULL"), 1);
    assert_eq!(names(&admin_pc), ["Ann High", "Ben Harbour", "Cy Airport"]);

    // A customer of another store is not the store desk's to ask about.
    let token = store_desk.access_token().await;
    let ben = harbour_till.with(|d| d.search_customers("Ben", 5)).expect("search")[0].customer.id;
    let refused = store_desk.engine.transport().conflicts(&token, ben).await;
    assert!(
        matches!(&refused, Err(touchpoint_core::sync::TransportError::Server { code: ErrorCode::NotFound, .. })),
        "{refused:?}"
    );

    // The supervisor's PC writes as its own store: what it logs for a Harbour customer is
    // High Street's visit, and the customer now belongs to High Street's scope too.
    supervisor_pc.log_visit(Some(ben), "Called about a complaint");
    supervisor_pc.sync().await;
    store_desk.sync().await;
    assert_eq!(names(&store_desk), ["Ann High", "Ben Harbour"], "Ben was seen at High Street now");
    assert_eq!(
        store_desk.query_text("SELECT DISTINCT store_id FROM interactions WHERE summary = 'Called about a complaint'"),
        Some(server.store.to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_writes_only_to_customers_it_reads_and_sees_others_only_well_enough_to_recognise_them() {
    use serde_json::json;
    use touchpoint_protocol::{OpStatus, PushResponse, RejectCode};
    use touchpoint_sync_tests::api_for;

    let server = TestServer::start().await;
    let (harbour, tom) = server.another_store("Harbour Road", "Tom Reyes").await;
    let high_street = TestDesk::enrolled(&server, server.frontline).await;
    let ana = high_street.customer("Ana Costa");
    high_street.edit(touchpoint_core::customers::CustomerEdit {
        customer_id: ana.id,
        phones: Some(vec!["+351 912 345 678".into()]),
        emails: Some(vec!["ana.costa@example.com".into()]),
        loyalty_id: Some("LOY-42".into()),
        ..Default::default()
    });
    high_street.sync().await;

    let harbour_till = TestDesk::new(&server.url);
    harbour_till.enroll_as(&server, &server.enrollment_code_for(harbour).await, tom).await;
    // The organisation's search names her, with only enough of her phone and email to ask.
    let found = harbour_till.engine.search_server("Ana").await.expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].phones, ["+•••••••••678"]);
    assert_eq!(found[0].emails, ["a•••@example.com"]);
    assert_eq!(found[0].loyalty_id, None);

    // Renaming her without bringing her into the store first is refused…
    harbour_till.customer("Someone Local");
    let own = harbour_till.with(|d| d.outbox_batch(1, 1 << 20)).expect("batch");
    let mut rename = serde_json::to_value(&own[0]).expect("op");
    rename["op_id"] = json!(uuid::Uuid::now_v7());
    rename["body"] = json!({"type": "customer_patch", "customer_id": ana.id, "name": "Renamed Elsewhere"});
    let api = api_for(&server, &harbour_till).await;
    let answer: PushResponse = api
        .client
        .post(format!("{}/v1/sync/push", server.url))
        .header(touchpoint_protocol::PROTOCOL_HEADER, touchpoint_protocol::PROTOCOL_VERSION.to_string())
        .bearer_auth(api.token.as_deref().expect("token"))
        .json(&json!({ "ops": [rename] }))
        .send()
        .await
        .expect("push")
        .json()
        .await
        .expect("answer");
    assert!(
        matches!(&answer.results[0].status, OpStatus::Rejected { code: RejectCode::Forbidden, message } if message.contains("another store")),
        "{answer:?}"
    );
    high_street.sync().await;
    assert_eq!(names(&high_street), ["Ana Costa"], "High Street's customer is as it was");

    // …and allowed once she is opened from the search (adopted) at Harbour Road.
    harbour_till.engine.adopt(ana.id).await.expect("adopt");
    harbour_till.edit(touchpoint_core::customers::CustomerEdit {
        customer_id: ana.id,
        name: Some("Ana Costa Lima".into()),
        ..Default::default()
    });
    let report = harbour_till.sync().await;
    assert_eq!(report.rejected, 0);
    high_street.sync().await;
    assert_eq!(names(&high_street), ["Ana Costa Lima"]);

    // A supervisor's desk reading High Street sees her contact points in full.
    let office = TestDesk::new(&server.url);
    office
        .enroll_as(&server, &server.enrollment_code_reading(harbour, &[server.store], false).await, server.supervisor)
        .await;
    let seen = office.engine.search_server("Ana").await.expect("search");
    assert!(seen.iter().all(|c| c.phones == ["+351912345678"]), "{seen:?}");
}
