//! The head office's console for the organisation's people and stewardship, against the real
//! server and PostgreSQL: staff added from a CSV file (every row checked first, nobody added
//! while a row has a problem, each newcomer's PIN shown once and working on a desk after its next
//! sync); what people did at desks, narrowed by person, store, customer and action; and the
//! edits of one customer made apart on two desks, with what was kept and who made each.

use reqwest::StatusCode;
use serde_json::json;
use touchpoint_core::customers::CustomerEdit;
use touchpoint_protocol::console::{DeskAuditEntry, OrgConflict, OrgStaff, OrgStore, StaffImport};
use touchpoint_protocol::{AuditAction, Role};
use touchpoint_sync_tests::browser::{first_admin, supervisor_signed_in, Browser, PASSWORD};
use touchpoint_sync_tests::{TestDesk, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_from_a_csv_file_are_checked_row_by_row_then_added_with_pins_that_work_on_desks() {
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let mut helena = Browser::new(&server);
    helena.sign_in("helena", PASSWORD).await;
    let chiado: OrgStore = helena.post("/v1/org/stores", json!({"name": "Lisboa Chiado"})).await.json();
    let main_store: String = sqlx::query_scalar("SELECT name FROM stores WHERE store_id = $1")
        .bind(server.store)
        .fetch_one(&server.pool)
        .await
        .expect("the main store");
    let before = helena.get("/v1/org/staff").await.json::<Vec<OrgStaff>>().len();

    // A file with mistakes: each is told on its line, and nobody is added, dry run or not.
    let wrong = format!(
        "Name,Role,Store\nAna Costa,frontline,{main_store}\nRui Santos,chef,Lisboa Chiado\nJoão Reis,frontline,Braga\n\
         Maria Lopes,frontline,{main_store}\n"
    );
    for dry_run in [true, false] {
        let checked = helena.post("/v1/org/staff/import", json!({"csv": wrong, "dry_run": dry_run})).await;
        assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
        let checked: StaffImport = checked.json();
        let problems: Vec<(u32, &str)> =
            checked.rows.iter().filter_map(|r| r.problem.as_deref().map(|p| (r.line, p))).collect();
        assert_eq!(checked.added, 0);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].0 == 3 && problems[0].1.starts_with("role:"), "{problems:?}");
        assert!(problems[1].0 == 4 && problems[1].1.starts_with("store: No store called “Braga”"), "{problems:?}");
        assert!(problems[2].0 == 5 && problems[2].1.contains("already works at"), "{problems:?}");
    }
    assert_eq!(helena.get("/v1/org/staff").await.json::<Vec<OrgStaff>>().len(), before, "nobody added");

    // Fixed: everyone is added at once, each with a first PIN shown once.
    let right = format!("name,role,store\nAna Costa,frontline,{main_store}\nRui Santos,supervisor,lisboa chiado\n");
    let added: StaffImport = helena.post("/v1/org/staff/import", json!({"csv": right})).await.json();
    assert_eq!(added.added, 2, "{added:?}");
    let ana = &added.rows[0];
    assert_eq!((ana.role, ana.home_store_id), (Some(Role::Frontline), Some(server.store)));
    assert_eq!(added.rows[1].home_store_id, Some(chiado.store_id));
    let (ana_id, ana_pin) = (ana.staff_id.expect("added"), ana.pin.clone().expect("a PIN"));
    let again: StaffImport = helena.post("/v1/org/staff/import", json!({"csv": right})).await.json();
    assert_eq!(again.added, 0, "a second import of the same file adds nobody twice");

    let desk = TestDesk::enrolled(&server, server.supervisor).await;
    desk.sync().await;
    desk.with(|d| d.sign_in(ana_id, Some(&ana_pin))).expect("Ana signs in with the PIN from the import");

    for (csv, start) in
        [("role,store\nadmin,\n", "csv: The first row must name"), ("name\n", "csv: The file has a header")]
    {
        let refused = helena.post("/v1/org/staff/import", json!({"csv": csv})).await;
        assert_eq!(refused.status, StatusCode::OK, "{}", refused.body);
        let refused: StaffImport = refused.json();
        assert!(refused.file_problem.as_deref().is_some_and(|p| p.starts_with(start)), "{refused:?}");
        assert!(refused.rows.is_empty() && refused.added == 0);
    }
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM console_audit WHERE org_id = $1 AND action = 'staff_imported'")
            .bind(server.org)
            .fetch_one(&server.pool)
            .await
            .expect("audit");
    assert_eq!(audited, 1, "one import added people");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_desks_did_is_listed_by_person_customer_and_action_and_edits_made_apart_show_both_sides() {
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let office = TestDesk::enrolled(&server, server.supervisor).await;
    let ana = till.customer("Ana Souza");
    let ben = till.customer("Ben Okafor");
    till.with(|d| d.open_customer(ana.id)).expect("viewed");
    till.with(|d| d.export_customer(ana.id)).expect("exported");
    till.with(|d| d.open_customer(ben.id)).expect("viewed");
    till.sync().await;
    office.sync().await;

    // Both desks change Ana's note while apart; the later change is kept.
    let note = |text: &str| CustomerEdit { customer_id: ana.id, note: Some(text.into()), ..Default::default() };
    till.with(|d| d.update_customer(&note("Prefers mornings"))).expect("till edit");
    office.with(|d| d.update_customer(&note("Call after 5pm"))).expect("office edit");
    till.sync().await;
    office.sync().await;

    let mut helena = Browser::new(&server);
    helena.sign_in("helena", PASSWORD).await;
    let all: Vec<DeskAuditEntry> = helena.get("/v1/org/desk-audit").await.json();
    let of_ana: Vec<DeskAuditEntry> = helena.get(&format!("/v1/org/desk-audit?customer_id={}", ana.id)).await.json();
    assert!(all.len() > of_ana.len(), "Ben's view is only in the unfiltered list");
    assert!(of_ana.iter().all(|e| e.customer_id == Some(ana.id)));
    let export = of_ana.iter().find(|e| e.action == AuditAction::Export).expect("the export is listed");
    assert_eq!(export.staff_name.as_deref(), Some("Maria Lopes"));
    assert_eq!(export.customer_name.as_deref(), Some("Ana Souza"));
    assert_eq!(export.store_id, server.store);
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    let exports: Vec<DeskAuditEntry> = helena.get("/v1/org/desk-audit?action=export").await.json();
    assert_eq!(exports.iter().map(|e| e.customer_id).collect::<Vec<_>>(), [Some(ana.id)]);
    let by_priya: Vec<DeskAuditEntry> =
        helena.get(&format!("/v1/org/desk-audit?staff_id={}&action=export", server.supervisor)).await.json();
    assert!(by_priya.is_empty(), "Priya exported nothing: {by_priya:?}");
    let first_page: Vec<DeskAuditEntry> = helena.get("/v1/org/desk-audit?limit=1").await.json();
    let next: Vec<DeskAuditEntry> =
        helena.get(&format!("/v1/org/desk-audit?limit=1&before={}", first_page[0].seq)).await.json();
    assert_eq!(next[0].seq, all[1].seq, "paging back continues where the page ended");
    for bad in ["limit=0", "limit=201", "action=peek", "staff_id=someone"] {
        let refused = helena.get(&format!("/v1/org/desk-audit?{bad}")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}: {}", refused.body);
    }

    let conflicts: Vec<OrgConflict> = helena.get("/v1/org/conflicts").await.json();
    let on_note = conflicts.iter().find(|c| c.customer_id == ana.id && c.field == "note").expect("the note conflict");
    assert_eq!(on_note.customer_name.as_deref(), Some("Ana Souza"));
    assert_eq!(on_note.kept_value, "\"Call after 5pm\"");
    assert_eq!(on_note.lost_value, "\"Prefers mornings\"");
    assert_eq!(
        (on_note.kept_staff_name.as_deref(), on_note.lost_staff_name.as_deref()),
        (Some("Priya Shah"), Some("Maria Lopes"))
    );

    // These name customers across every store: for administrators.
    let priya = supervisor_signed_in(&server, "priya").await;
    assert_eq!(priya.get("/v1/org/desk-audit").await.status, StatusCode::FORBIDDEN);
    assert_eq!(priya.get("/v1/org/conflicts").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_integration_reads_with_a_read_only_key_changes_with_a_read_write_one_and_a_revoked_key_is_refused() {
    use touchpoint_protocol::console::{ApiKeyScope, IssuedApiKey, OrgApiKey};
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let mut helena = Browser::new(&server);
    helena.sign_in("helena", PASSWORD).await;
    let made = helena.post("/v1/org/api-keys", json!({"name": "Data warehouse", "scope": "read_only"})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let reader: IssuedApiKey = made.json();
    assert!(reader.secret.starts_with("tpk_") && reader.secret.len() > 40, "{}", reader.secret);
    assert_eq!(reader.key.created_by_name.as_deref(), Some("Helena Reis"));
    let writer: IssuedApiKey =
        helena.post("/v1/org/api-keys", json!({"name": "HR system", "scope": "read_write"})).await.json();
    let (raw, hashed): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE secret_hash = convert_to($1, 'UTF8')),
                count(*) FILTER (WHERE secret_hash = sha256(convert_to($1, 'UTF8'))) FROM api_keys",
    )
    .bind(&reader.secret)
    .fetch_one(&server.pool)
    .await
    .expect("stored");
    assert_eq!((raw, hashed), (0, 1), "only the hash of the secret is kept");

    let machine = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str, key: &str, body: Option<serde_json::Value>| {
        let mut req = machine.request(method, format!("{}{path}", server.url)).bearer_auth(key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send()
    };
    let stores = call(reqwest::Method::GET, "/v1/org/stores", &reader.secret, None).await.expect("answer");
    assert_eq!(stores.status(), StatusCode::OK, "a read-only key reads");
    let refused = call(reqwest::Method::POST, "/v1/org/stores", &reader.secret, Some(json!({"name": "Faro"})))
        .await
        .expect("answer");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "and changes nothing");
    let added = call(reqwest::Method::POST, "/v1/org/stores", &writer.secret, Some(json!({"name": "Faro"})))
        .await
        .expect("answer");
    assert_eq!(added.status(), StatusCode::CREATED, "a read-write key changes, without a CSRF token");
    let keys_by_key = call(reqwest::Method::GET, "/v1/org/api-keys", &writer.secret, None).await.expect("answer");
    assert_eq!(keys_by_key.status(), StatusCode::FORBIDDEN, "a key cannot list or make keys");
    let detail: serde_json::Value = sqlx::query_scalar(
        "SELECT detail FROM console_audit WHERE org_id = $1 AND action = 'store_created' ORDER BY at DESC LIMIT 1",
    )
    .bind(server.org)
    .fetch_one(&server.pool)
    .await
    .expect("audited");
    assert_eq!(detail["api_key"], "HR system", "audited in its maker's name, saying which key");

    let revoked = helena.post(&format!("/v1/org/api-keys/{}/revoke", writer.key.key_id), json!({})).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.body);
    let after = call(reqwest::Method::GET, "/v1/org/stores", &writer.secret, None).await.expect("answer");
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED, "a revoked key is refused");
    let forged = call(reqwest::Method::GET, "/v1/org/stores", "tpk_not-a-key-at-all", None).await.expect("answer");
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let listed: Vec<OrgApiKey> = helena.get("/v1/org/api-keys").await.json();
    let scopes: Vec<(ApiKeyScope, bool, bool)> =
        listed.iter().map(|k| (k.scope, k.revoked_at.is_some(), k.last_used_at.is_some())).collect();
    assert_eq!(scopes, [(ApiKeyScope::ReadWrite, true, true), (ApiKeyScope::ReadOnly, false, true)]);
    for bad in ["  ".to_owned(), "Data\u{0}warehouse".to_owned(), "k".repeat(500)] {
        let refused = helena.post("/v1/org/api-keys", json!({"name": bad, "scope": "read_only"})).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(refused.error().message.starts_with("name:"), "{}", refused.body);
    }
    let listed: Vec<OrgApiKey> = helena.get("/v1/org/api-keys").await.json();
    assert_eq!(listed.len(), 2, "nothing half-made");
}
