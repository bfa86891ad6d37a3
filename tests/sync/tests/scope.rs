//! What a device reads: its own store's customers (with their whole history, wherever it was
//! made) and walk-ins; a supervisor's device also the stores it was enrolled to oversee; an
//! administrator's the whole organisation. Whatever it reads, it writes only as its store.

use touchpoint_core::sync::Transport;
use touchpoint_protocol::{ErrorCode, TokenRequest};
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
    let s = store_desk.with(|d| d.sync_settings()).expect("settings").expect("enrolled");
    let token = store_desk
        .engine
        .transport()
        .token(&TokenRequest { device_id: s.device_id, refresh_token: s.refresh_token })
        .await
        .expect("token")
        .access_token;
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
