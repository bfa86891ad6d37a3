//! A device holds only the credentials it needs: a till never receives a supervisor's or an
//! admin's PIN verifier (it asks the server, which pauses after wrong PINs typed anywhere); a
//! supervisor's desk holds its stores' people's; PIN rules hold on the server too.

use touchpoint_core::protocol::Role;
use touchpoint_core::CoreError;
use touchpoint_server::admin;
use touchpoint_sync_tests::{TestDesk, TestServer};

fn verifier(desk: &TestDesk, staff: uuid::Uuid) -> (Option<String>, bool) {
    desk.with(|d| {
        Ok(d.connection().query_row(
            "SELECT pin_hash, pin_online FROM staff WHERE id = ?1",
            [staff.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    })
    .expect("staff row")
}

fn pin_message(e: CoreError) -> String {
    match e {
        CoreError::Validation { fields, .. } => fields[0].message.clone(),
        other => format!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_never_holds_a_supervisors_pin_verifier_and_checks_that_pin_with_the_server() {
    let server = TestServer::start().await;
    let rita = admin::create_staff(
        &server.pool,
        server.org,
        Some(server.store),
        "Rita Lobo",
        Role::Supervisor,
        Some("570913"),
    )
    .await
    .expect("supervisor with a PIN");
    let boss = admin::create_staff(&server.pool, server.org, None, "Olga Admin", Role::Admin, Some("846201"))
        .await
        .expect("organisation admin");
    let joana =
        admin::create_staff(&server.pool, server.org, Some(server.store), "Joana Silva", Role::Frontline, Some("3917"))
            .await
            .expect("frontline with a PIN");

    let till = TestDesk::enrolled(&server, server.frontline).await;
    assert!(verifier(&till, joana).0.is_some(), "a till holds its frontline colleagues' verifiers");
    assert_eq!(verifier(&till, rita), (None, true), "but not a supervisor's");
    assert_eq!(verifier(&till, boss), (None, true), "nor an admin's");
    let leaked = till.query_i64("SELECT count(*) FROM staff WHERE role <> 'frontline' AND pin_hash IS NOT NULL");
    assert_eq!(leaked, 0);
    assert!(till.with(|d| d.list_staff()).expect("staff").iter().any(|s| s.id == rita && s.has_pin));

    let office = TestDesk::enrolled(&server, server.supervisor).await;
    assert!(verifier(&office, rita).0.is_some(), "a supervisor's desk of the store holds it");
    assert_eq!(verifier(&office, boss), (None, true), "an organisation admin's only on an admin's device");

    // Rita signs in at the till: the server checks her PIN.
    let wrong = till.engine.sign_in(rita, Some("111111")).await.expect_err("wrong PIN");
    assert!(pin_message(wrong).contains("not right"));
    till.engine.sign_in(rita, Some("570913")).await.expect("the server says yes");
    assert_eq!(till.with(|d| d.info()).expect("info").staff.id, rita);

    // Guessing is paused on the server, whichever desk the PINs are typed on.
    for guess in ["000001", "000002", "000003"] {
        till.engine.sign_in(rita, Some(guess)).await.expect_err("wrong");
    }
    let other_till = TestDesk::enrolled(&server, server.frontline).await;
    let paused = other_till.engine.sign_in(rita, Some("570913")).await.expect_err("paused everywhere");
    assert!(pin_message(paused).contains("waits"), "the server's pause holds at another till too");
    let locked: i64 = server
        .count(&format!("SELECT count(*) FROM staff WHERE staff_id = '{rita}' AND pin_locked_until > now()"))
        .await;
    assert_eq!(locked, 1);

    // Offline, a till cannot sign a supervisor in at all (and says why).
    other_till.engine.transport().offline.store(true, std::sync::atomic::Ordering::SeqCst);
    let offline = other_till.engine.sign_in(boss, Some("846201")).await.expect_err("offline");
    assert!(
        matches!(&offline, CoreError::Offline { message } if message.contains("checked by the server")),
        "{offline:?}"
    );
    // Frontline colleagues still sign in offline with the verifier the till holds.
    other_till.engine.sign_in(joana, Some("3917")).await.expect("offline frontline sign-in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_weak_pins_for_the_people_it_creates() {
    let server = TestServer::start().await;
    for (role, pin) in
        [(Role::Frontline, "1234"), (Role::Frontline, "0000"), (Role::Supervisor, "3917"), (Role::Admin, "12a456")]
    {
        let refused = admin::create_staff(&server.pool, server.org, Some(server.store), "Weak", role, Some(pin)).await;
        assert!(refused.is_err(), "{role:?} {pin}");
    }
    assert_eq!(server.count("SELECT count(*) FROM staff WHERE name = 'Weak'").await, 0);
    let nul =
        admin::create_staff(&server.pool, server.org, Some(server.store), "We\u{0}ak", Role::Frontline, None).await;
    assert!(nul.is_err());
}
