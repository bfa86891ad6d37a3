//! Two real windows (two desks, each with its own data folder) connected to one real sync
//! server: each is enrolled through the Connect dialog, signs in as a server staff member, and
//! a customer and a conversation created on one appear on the other within a sync interval.
//! The sync indicator tells the truth on the way.

use touchpoint_e2e::{Desk, SyncServer};

/// The windows sync every 2 s (the app's default is 15 s).
const FAST_SYNC: [(&str, &str); 1] = [("TOUCHPOINT_SYNC_INTERVAL_SECS", "2")];

async fn connect(desk: &Desk, server: &SyncServer, name: &str) {
    let status = desk.wait_for_text("[data-testid=sync-status]", "All saved on this desk").await;
    assert!(!status.is_empty());
    desk.click("[data-testid=sync-status]").await;
    desk.click("[data-testid=sync-panel] [data-testid=connect-open]").await;
    desk.type_into("[data-testid=connect-url]", &server.url).await;
    desk.type_into("[data-testid=connect-code]", &server.enrollment_code()).await;
    desk.type_into("[data-testid=connect-name]", name).await;
    desk.click("[data-testid=connect-submit]").await;
    desk.wait_gone("[data-testid=connect-dialog]").await;
    // The server's staff replace the desk's own: the sign-in dialog opens by itself.
    desk.wait_for_text("[data-testid=switch-user]", "Maria Lopes").await;
    desk.click_xpath("//*[@data-testid='switch-user']//button[contains(., 'Maria Lopes')]").await;
    desk.type_into("[data-testid=switch-user] input[name=pin]", "1111").await;
    desk.click("[data-testid=pin-submit]").await;
    desk.wait_gone("[data-testid=switch-user]").await;
    desk.wait_gone("[data-testid=sign-in-banner]").await;
    desk.wait_for_attr("[data-testid=sync-status]", "data-state", "synced").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_and_a_conversation_logged_on_one_desk_appear_on_the_other() {
    let server = SyncServer::start();
    let till = Desk::start_with_env(&FAST_SYNC).await;
    let returns = till.start_beside(&FAST_SYNC).await;
    connect(&till, &server, "Till 1").await;
    connect(&returns, &server, "Returns desk").await;
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
