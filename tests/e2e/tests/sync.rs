//! Two real windows (two desks, each with its own data folder) connected to one real sync
//! server: each is enrolled through the Connect dialog, signs in as a server staff member, and
//! a customer and a conversation created on one appear on the other within a sync interval.
//! The sync indicator tells the truth on the way. A supervisor sees both sides of an edit two
//! desks made at once.

use touchpoint_e2e::{Desk, SyncServer};

/// The windows sync every 2 s (the app's default is 15 s).
const FAST_SYNC: [(&str, &str); 1] = [("TOUCHPOINT_SYNC_INTERVAL_SECS", "2")];

async fn connect(desk: &Desk, server: &SyncServer, name: &str) {
    let code = server.enrollment_code();
    connect_with(desk, server, &code, name, ("Maria Lopes", "1357")).await;
}

async fn connect_with(desk: &Desk, server: &SyncServer, code: &str, name: &str, (who, pin): (&str, &str)) {
    let status = desk.wait_for_text("[data-testid=sync-status]", "All saved on this desk").await;
    assert!(!status.is_empty());
    desk.click("[data-testid=sync-status]").await;
    desk.click("[data-testid=sync-panel] [data-testid=connect-open]").await;
    desk.type_into("[data-testid=connect-url]", &server.url).await;
    desk.type_into("[data-testid=connect-code]", code).await;
    desk.type_into("[data-testid=connect-name]", name).await;
    desk.shot("sync-connect-dialog").await;
    desk.click("[data-testid=connect-submit]").await;
    desk.wait_gone("[data-testid=connect-dialog]").await;
    // The server's staff replace the desk's own: the sign-in dialog opens by itself.
    desk.wait_for_text("[data-testid=switch-user]", who).await;
    desk.click_xpath(&format!("//*[@data-testid='switch-user']//button[contains(., '{who}')]")).await;
    desk.type_into("[data-testid=switch-user] input[name=pin]", pin).await;
    desk.click("[data-testid=pin-submit]").await;
    desk.wait_gone("[data-testid=switch-user]").await;
    desk.wait_gone("[data-testid=sign-in-banner]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_and_a_conversation_logged_on_one_desk_appear_on_the_other() {
    let server = SyncServer::start();
    let till = Desk::start_with_env(&FAST_SYNC).await;
    let returns = till.start_beside(&FAST_SYNC).await;
    connect(&till, &server, "Till 1").await;
    connect(&returns, &server, "Returns desk").await;
    for desk in [&till, &returns] {
        desk.wait_for_attr("[data-testid=sync-status]", "data-state", "synced").await;
    }
    till.shot("sync-connected").await;

    // The till creates a customer and logs a conversation with her.
    till.click("[data-testid=rail-new-customer]").await;
    till.type_into("[data-testid=new-customer-form] input[name=name]", "Zoe Quinn").await;
    till.type_into("[data-testid=new-customer-form] input[name=phone]", "07911 123456").await;
    till.click("[data-testid=new-customer-submit]").await;
    till.wait_for_text("[data-testid=customer-name]", "Zoe Quinn").await;
    till.type_into("[data-testid=log-form] input[name=reason]", "Delivery slots").await;
    till.click("[data-testid=log-form] [data-feeling=happy]").await;
    till.type_into("[data-testid=log-form] textarea[name=summary]", "Asked about weekend delivery slots.").await;
    till.click("[data-testid=log-save]").await;
    till.wait_for_text("[data-testid=timeline-entry]", "Delivery slots").await;
    // Sent within an interval: nothing waits any more.
    till.wait_for_attr("[data-testid=sync-status]", "data-state", "synced").await;

    // The returns desk finds her by phone digits and sees the conversation.
    returns.wait_for_search_hit("7911 123", "Zoe Quinn").await;
    returns.open_customer("7911 123", "Zoe Quinn").await;
    let entry = returns.wait_for_text("[data-testid=timeline-entry]", "Delivery slots").await;
    assert!(entry.contains("Maria Lopes"), "who logged it travels with it: {entry}");
    assert!(entry.contains("Happy"), "{entry}");
    returns.shot("sync-other-desk").await;

    // And the other way: a note from the returns desk reaches the till.
    returns.type_into("[data-testid=log-form] input[name=reason]", "Returned a lamp").await;
    returns.click("[data-testid=log-save]").await;
    returns.wait_for_text("[data-testid=timeline-entry]", "Returned a lamp").await;
    till.wait_for_text_within("[data-testid=timeline]", "Returned a lamp", std::time::Duration::from_secs(20)).await;
}

type CoreDesk = std::sync::Arc<std::sync::Mutex<touchpoint_core::Desk>>;
type CoreEngine = touchpoint_core::sync::SyncEngine<touchpoint_core::sync::HttpTransport>;

/// A desk of the demo store, headless (the real core client, no window): enrolled, synced
/// once, with Maria signed in.
async fn core_desk(server: &SyncServer, name: &str) -> (tempfile::TempDir, CoreDesk, CoreEngine) {
    use std::sync::{Arc, Mutex};
    use touchpoint_core::sync::{HttpTransport, SyncEngine};
    let dir = tempfile::tempdir().expect("temp dir");
    let core = touchpoint_core::Desk::open_in(dir.path(), &touchpoint_core::DeskOptions { region: Some("GB".into()) })
        .expect("desk");
    let desk = Arc::new(Mutex::new(core));
    let http = HttpTransport::new(&server.url).expect("url");
    touchpoint_core::sync::enroll(&desk, &http, &server.url, &server.enrollment_code(), name, false)
        .await
        .expect("enroll");
    let engine = SyncEngine::new(desk.clone(), http);
    engine.sync_once().await.expect("first sync");
    {
        let mut d = desk.lock().expect("desk");
        let maria = d.list_staff().expect("staff").into_iter().find(|s| s.name == "Maria Lopes").expect("Maria");
        d.sign_in(maria.id, Some("1357")).expect("sign in");
    }
    (dir, desk, engine)
}

/// A headless desk that runs `work` and syncs it to the server.
async fn headless_desk(server: &SyncServer, work: impl FnOnce(&mut touchpoint_core::Desk)) -> tempfile::TempDir {
    let (dir, desk, engine) = core_desk(server, "Back office").await;
    work(&mut desk.lock().expect("desk"));
    engine.sync_once().await.expect("sync");
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_known_only_at_another_store_is_found_through_the_server_and_opened_with_her_history() {
    let server = SyncServer::start();
    let _high_street = headless_desk(&server, |d| {
        let olga = d
            .create_customer(&touchpoint_core::customers::NewCustomer {
                name: "Olga Berg".into(),
                email: "olga.berg@example.com".into(),
                ..Default::default()
            })
            .expect("customer");
        let tp = d.touch_points().expect("touch points")[0].id;
        d.log_interaction(&touchpoint_core::interactions::LogInteraction {
            submission_id: uuid::Uuid::now_v7(),
            customer_id: Some(olga.id),
            touch_point_id: tp,
            channel: touchpoint_core::protocol::ContactChannel::InPerson,
            reason: Some("Sofa delivery".into()),
            outcome: touchpoint_core::protocol::Outcome::FollowUpNeeded,
            duration_secs: Some(300),
            summary: Some("Delivery came a week late.".into()),
            feeling: Some(touchpoint_core::protocol::Feeling::Unhappy),
            csat: None,
            nps: None,
            ces: None,
            verbatim: None,
            occurred_at: None,
            check_in: None,
        })
        .expect("visit");
    })
    .await;

    let harbour = Desk::start_with_env(&FAST_SYNC).await;
    let code = server.enrollment_code_for_new_store("Harbour Road");
    connect_with(&harbour, &server, &code, "Harbour till", ("Tom Reyes", "2468")).await;
    harbour.wait_for_attr("[data-testid=sync-status]", "data-state", "synced").await;

    // Nobody here is called Olga: the server is asked, and she is shown from the other store.
    harbour.replace_text("[data-testid=search-input]", "Olga").await;
    let found = harbour.wait_for_text("[data-testid=server-result]", "Olga Berg").await;
    assert!(found.contains("High Street"), "her home store is named: {found}");
    harbour.shot("sync-search-other-stores").await;
    harbour.click("[data-testid=server-result]").await;
    harbour.wait_for_text("[data-testid=customer-name]", "Olga Berg").await;
    let entry = harbour.wait_for_text("[data-testid=timeline-entry]", "Sofa delivery").await;
    assert!(entry.contains("Unhappy"), "her whole history came with her: {entry}");

    // From now on she is a customer of this store too: found on the desk, with no server call.
    harbour.press("[data-testid=search-input]", fantoccini::key::Key::Escape).await;
    harbour.replace_text("[data-testid=search-input]", "olga.berg@").await;
    harbour.wait_for_text("[data-testid=search-results]", "Olga Berg").await;
    assert!(!harbour.exists("[data-testid=server-result]").await, "she is held on this desk now");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_the_server_refuses_is_shown_with_its_reason_and_can_be_put_away() {
    let server = SyncServer::start();
    // Before connecting, the desk's own manager deleted a customer; the server does not know
    // that person, so it refuses the delete (and takes everything else).
    let desk = Desk::start_with_env_and(&FAST_SYNC, |d| {
        let keep = d
            .create_customer(&touchpoint_core::customers::NewCustomer { name: "Pia Holm".into(), ..Default::default() })
            .expect("customer");
        let twin = d
            .create_customer(&touchpoint_core::customers::NewCustomer {
                name: "Pia Holm (twice)".into(),
                allow_duplicate: true,
                ..Default::default()
            })
            .expect("customer");
        assert_ne!(keep.id, twin.id);
        d.delete_customer(twin.id).expect("the local manager deletes the duplicate");
    })
    .await;
    connect(&desk, &server, "Service desk PC").await;
    desk.wait_for_attr("[data-testid=sync-status]", "data-state", "refused").await;
    let words = desk.text("[data-testid=sync-status]").await;
    assert!(words.contains("1 change refused"), "{words}");
    desk.click("[data-testid=sync-status]").await;
    let refused = desk.wait_for_text("[data-testid=refused-change]", "Customer deleted").await;
    assert!(refused.contains("does not know the staff member"), "the server's reason: {refused}");
    assert!(refused.contains("supervisor"), "what to do: {refused}");
    desk.shot("sync-panel-refused").await;
    desk.click("[data-testid=dismiss-refused]").await;
    desk.wait_gone("[data-testid=refused-change]").await;
    desk.keys(&char::from(fantoccini::key::Key::Escape).to_string()).await;
    desk.wait_for_attr("[data-testid=sync-status]", "data-state", "synced").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_sees_both_sides_of_an_edit_two_desks_made_at_once() {
    use touchpoint_core::customers::{CustomerEdit, NewCustomer};
    let server = SyncServer::start();
    let (_a_dir, a, a_sync) = core_desk(&server, "Till 1").await;
    let (_b_dir, b, b_sync) = core_desk(&server, "Till 2").await;
    let ana = a
        .lock()
        .expect("desk")
        .create_customer(&NewCustomer { name: "Ana Souza".into(), ..Default::default() })
        .expect("customer");
    a_sync.sync_once().await.expect("sync");
    b_sync.sync_once().await.expect("sync");
    // Both tills rename her before either hears of the other's change.
    let rename = |desk: &CoreDesk, name: &str| {
        let edit = CustomerEdit { customer_id: ana.id, name: Some(name.into()), ..Default::default() };
        desk.lock().expect("desk").update_customer(&edit).expect("rename");
    };
    rename(&a, "Ana Souza Lima");
    std::thread::sleep(std::time::Duration::from_millis(20));
    rename(&b, "Ana S. Lima");
    a_sync.sync_once().await.expect("sync");
    b_sync.sync_once().await.expect("sync");

    let office = Desk::start_with_env(&FAST_SYNC).await;
    connect_with(&office, &server, &server.enrollment_code(), "Back office", ("Priya Shah", "135246")).await;
    office.wait_for_attr("[data-testid=sync-status]", "data-state", "synced").await;
    office.click("[data-testid=rail-audit]").await;
    office.click("[data-testid=audit-tab-conflicts]").await;
    let item = office.wait_for_content("[data-testid=conflict-item]", "Ana Souza Lima").await;
    assert!(item.contains("Ana S. Lima"), "both sides: {item}");
    assert!(item.contains("Maria Lopes"), "who set each: {item}");
    let kept = office.text("[data-testid=conflict-kept]").await;
    assert!(kept.contains("Ana S. Lima"), "the later edit is the one kept: {kept}");
    office.shot("conflicting-edits").await;
}
