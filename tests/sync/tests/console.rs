//! The head office's console API (`/v1/org/…`) against the real server and PostgreSQL: a
//! password sign-in gives an HTTP-only, same-site cookie session; changes need the session's
//! CSRF token; an administrator sets up stores and staff that desks pull, issues a code a desk
//! enrolls with, sees the desk and revokes it; wrong passwords lock an account; everything is
//! in the console's audit; hostile input is a 400 naming the field.

use reqwest::{Method, StatusCode};
use serde_json::json;
use touchpoint_protocol::console::{
    ConsoleRole, ConsoleSession, CreatedStaff, IssuedCode, NewPin, OrgDevice, OrgStaff, OrgStore,
};
use touchpoint_protocol::{ErrorCode, Role};
use touchpoint_sync_tests::{TestDesk, TestServer};
use uuid::Uuid;

use touchpoint_sync_tests::browser::{first_admin, supervisor_signed_in, Browser, PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_signs_in_sets_up_a_store_and_staff_and_desks_pull_them() {
    let server = TestServer::start().await;
    let admin = first_admin(&server, "helena@example.com").await;
    let mut browser = Browser::new(&server);
    assert_eq!(browser.get("/v1/org/stores").await.status, StatusCode::UNAUTHORIZED, "signed out");

    let signed_in = browser.sign_in("Helena@Example.com", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    let cookie = signed_in.set_cookie.clone().expect("cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    let session: ConsoleSession = signed_in.json();
    assert_eq!((session.staff_id, session.role, session.name.as_str()), (admin, ConsoleRole::Admin, "Helena Reis"));
    assert_eq!(browser.get("/v1/org/session").await.json::<ConsoleSession>().staff_id, admin);

    // A page of another site can make the browser send the cookie, not the token.
    let forged = browser.send(Method::POST, "/v1/org/stores", Some(json!({"name": "Porto"})), false).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.error().message.contains("CSRF"), "{}", forged.body);

    let created = browser.post("/v1/org/stores", json!({"name": "  Porto Baixa ", "timezone": "Europe/Lisbon"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let porto: OrgStore = created.json();
    assert_eq!((porto.name.as_str(), porto.timezone.as_deref()), ("Porto Baixa", Some("Europe/Lisbon")));
    let twice = browser.post("/v1/org/stores", json!({"name": "porto baixa"})).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "one store of a name: {}", twice.body);
    let person = browser
        .post("/v1/org/staff", json!({"name": "Rui Santos", "role": "frontline", "home_store_id": server.store}))
        .await;
    assert_eq!(person.status, StatusCode::CREATED, "{}", person.body);
    let CreatedStaff { staff: rui, pin: first_pin } = person.json();
    assert!(rui.has_pin && rui.active);
    assert!(touchpoint_protocol::pin::problem(&first_pin, Role::Admin).is_none(), "a strong PIN: {first_pin}");

    let stores: Vec<OrgStore> = browser.get("/v1/org/stores").await.json();
    assert!(stores.iter().any(|s| s.store_id == porto.store_id && s.staff == 0), "{stores:?}");
    let staff: Vec<OrgStaff> = browser.get("/v1/org/staff").await.json();
    let helena = staff.iter().find(|s| s.staff_id == admin).expect("listed");
    assert_eq!(helena.console_login.as_deref(), Some("helena@example.com"));

    // A desk of the organisation pulls both on its next sync, and Rui signs in with his PIN.
    let desk = TestDesk::enrolled(&server, server.supervisor).await;
    desk.sync().await;
    let names: Vec<String> = desk.with(|d| d.stores()).expect("stores").into_iter().map(|s| s.name).collect();
    assert!(names.contains(&"Porto Baixa".to_owned()), "{names:?}");
    desk.with(|d| d.sign_in(rui.staff_id, Some(&first_pin))).expect("Rui signs in with the PIN he was given");

    // He forgot it: a new one replaces it on every desk.
    let reset = browser.post(&format!("/v1/org/staff/{}/pin", rui.staff_id), json!({})).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    let NewPin { pin: second_pin } = reset.json();
    assert_ne!(second_pin, first_pin);
    desk.sync().await;
    assert!(desk.with(|d| d.sign_in(rui.staff_id, Some(&first_pin))).is_err(), "the old PIN is dead");
    desk.with(|d| d.sign_in(rui.staff_id, Some(&second_pin))).expect("the new PIN works");

    // He leaves: desks stop offering him, and his history stays his.
    let left = browser.post(&format!("/v1/org/staff/{}/active", rui.staff_id), json!({"active": false})).await;
    assert_eq!(left.status, StatusCode::NO_CONTENT, "{}", left.body);
    desk.sync().await;
    assert!(desk.with(|d| d.sign_in(rui.staff_id, Some(&second_pin))).is_err(), "someone who left cannot sign in");
    let listed: Vec<OrgStaff> = browser.get("/v1/org/staff").await.json();
    assert!(listed.iter().any(|s| s.staff_id == rui.staff_id && !s.active), "still listed, as left");
    let myself = browser.post(&format!("/v1/org/staff/{admin}/active"), json!({"active": false})).await;
    assert_eq!(myself.status, StatusCode::BAD_REQUEST, "an administrator cannot lock herself out");

    // Signing out ends the session on the server, not only in the browser.
    let out = browser.send(Method::DELETE, "/v1/org/session", None, true).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.set_cookie.expect("cleared").contains("Max-Age=0"));
    assert_eq!(browser.get("/v1/org/stores").await.status, StatusCode::UNAUTHORIZED, "the old cookie is dead");

    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM console_audit WHERE org_id = $1 ORDER BY at")
        .bind(server.org)
        .fetch_all(&server.pool)
        .await
        .expect("audit");
    assert_eq!(actions, ["signed_in", "store_created", "staff_created", "pin_reset", "staff_left", "signed_out"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_from_the_console_enrolls_a_desk_the_console_sees_and_revokes() {
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let mut browser = Browser::new(&server);
    browser.sign_in("helena", PASSWORD).await;

    let issued = browser
        .post("/v1/org/enrollment-codes", json!({"store_id": server.store, "kind": "till", "valid_hours": 24}))
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let code: IssuedCode = issued.json();
    let desk = TestDesk::new(&server.url);
    desk.enroll_as(&server, &code.code, server.frontline).await;

    let devices: Vec<OrgDevice> = browser.get("/v1/org/devices").await.json();
    let seen = devices.iter().find(|d| d.device_id == desk.device_id()).expect("the desk is listed");
    assert_eq!((seen.store_id, seen.role, seen.revoked_at), (server.store, touchpoint_protocol::Role::Frontline, None));
    // After its first round the desk said which app it runs and what waits in its outbox.
    assert_eq!(seen.app_version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    assert_eq!((seen.outbox_waiting, seen.outbox_refused), (Some(0), Some(0)));
    assert!(seen.last_pull_at.is_some() && seen.last_push_at.is_none(), "it pulled and had nothing to push");

    let revoked = browser.post(&format!("/v1/org/devices/{}/revoke", desk.device_id()), json!({})).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.body);
    let devices: Vec<OrgDevice> = browser.get("/v1/org/devices").await.json();
    let seen = devices.iter().find(|d| d.device_id == desk.device_id()).expect("still listed");
    assert!(seen.revoked_at.is_some());
    assert!(seen.revoked_reason.as_deref().is_some_and(|r| r.contains("Helena Reis")), "{seen:?}");
    let refused = desk.try_sync().await.expect_err("a revoked desk is refused");
    assert!(refused.to_string().to_lowercase().contains("revoked"), "{refused}");

    let again = browser.post(&format!("/v1/org/devices/{}/revoke", Uuid::now_v7()), json!({})).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a device of nobody's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_say_nothing_about_the_login_and_lock_the_account_after_ten() {
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let mut browser = Browser::new(&server);
    let unknown = browser.sign_in("nobody", PASSWORD).await;
    let wrong = browser.sign_in("helena", "not the password at all").await;
    assert_eq!((unknown.status, wrong.status), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(unknown.error().message, wrong.error().message, "the same words either way");
    for _ in 0..9 {
        browser.sign_in("helena", "not the password at all").await;
    }
    let locked = browser.sign_in("helena", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.body);
    assert_eq!(locked.error().code, ErrorCode::RateLimited);
    assert!(locked.error().message.contains("locked"), "{}", locked.body);
    let failed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM console_audit WHERE org_id = $1 AND action = 'sign_in_failed'")
            .bind(server.org)
            .fetch_one(&server.pool)
            .await
            .expect("audit");
    assert_eq!(failed, 10);

    // After the lock runs out, the right password works and the count starts again.
    sqlx::query("UPDATE console_accounts SET locked_until = now() - interval '1 second'")
        .execute(&server.pool)
        .await
        .expect("age the lock");
    assert_eq!(browser.sign_in("helena", PASSWORD).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_sees_but_cannot_change_and_hostile_input_is_a_field_error() {
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let priya = supervisor_signed_in(&server, "priya").await;
    assert_eq!(priya.get("/v1/org/stores").await.status, StatusCode::OK);
    let refused = priya.post("/v1/org/stores", json!({"name": "Faro"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.error().message.contains("Only an administrator"), "{}", refused.body);

    let mut helena = Browser::new(&server);
    helena.sign_in("helena", PASSWORD).await;
    let (_, elsewhere_store) = {
        let other = touchpoint_server::admin::create_org(&server.pool, "Another chain").await.expect("org");
        let store = touchpoint_server::admin::create_store(&server.pool, other, "Theirs", None).await.expect("store");
        (other, store)
    };
    let cases = [
        ("/v1/org/stores", json!({"name": "Por\u{0}to"}), "name"),
        ("/v1/org/stores", json!({"name": "x".repeat(121)}), "name"),
        ("/v1/org/stores", json!({"name": "   "}), "name"),
        ("/v1/org/stores", json!({"name": "Faro", "timezone": "Mars/Olympus"}), "timezone"),
        ("/v1/org/stores", json!({"name": "Faro", "timezone": "../../etc/passwd"}), "timezone"),
        ("/v1/org/staff", json!({"name": "Ana", "role": "frontline"}), "home_store_id"),
        ("/v1/org/staff", json!({"name": "A\u{202e}na", "role": "admin"}), "name"),
        (
            "/v1/org/enrollment-codes",
            json!({"store_id": server.store, "kind": "till", "valid_hours": 0}),
            "valid_hours",
        ),
        (
            "/v1/org/enrollment-codes",
            json!({"store_id": server.store, "kind": "till", "valid_hours": 5000}),
            "valid_hours",
        ),
        (
            "/v1/org/enrollment-codes",
            json!({"store_id": server.store, "kind": "reads_stores", "valid_hours": 24}),
            "also_reads",
        ),
    ];
    for (path, body, field) in cases {
        let answer = helena.post(path, body.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path} {body}: {}", answer.body);
        let message = answer.error().message;
        assert!(message.starts_with(&format!("{field}:")), "{path} {body}: {message}");
    }
    // Another organisation's store is not found, whichever field names it.
    for (path, body, field) in [
        (
            "/v1/org/staff",
            json!({"name": "Ana", "role": "frontline", "home_store_id": elsewhere_store}),
            "home_store_id",
        ),
        (
            "/v1/org/enrollment-codes",
            json!({"store_id": elsewhere_store, "kind": "till", "valid_hours": 24}),
            "store_id",
        ),
    ] {
        let answer = helena.post(path, body.clone()).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path} {body}: {}", answer.body);
        assert!(answer.error().message.starts_with(&format!("{field}:")), "{}", answer.body);
    }
    let not_json = helena.send(Method::POST, "/v1/org/stores", None, true).await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    let stores: Vec<OrgStore> = helena.get("/v1/org/stores").await.json();
    assert_eq!(stores.len(), 1, "nothing refused was created: {stores:?}");
    assert_eq!(
        helena
            .send(Method::POST, "/v1/org/session", Some(json!({"login": "x".repeat(300), "password": "y"})), false)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}
