//! Supervisors in the real window: a supervisor reviews a frontline conversation from the
//! queue; the staff member sees the review of their work and acknowledges it.

use touchpoint_e2e::Desk;

async fn sign_in(desk: &Desk, name: &str, pin: &str) {
    desk.click("[data-testid=staff-menu]").await;
    desk.click("[data-testid=menu-switch-user]").await;
    desk.click_xpath(&format!("//*[@data-testid='switch-user']//button[contains(., '{name}')]")).await;
    desk.type_into("[data-testid=switch-user] input[name=pin]", pin).await;
    desk.click("[data-testid=pin-submit]").await;
    desk.wait_gone("[data-testid=switch-user]").await;
    desk.wait_for_text("[data-testid=staff-menu]", name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_reviews_a_conversation_and_the_staff_member_acknowledges_it() {
    let desk = Desk::start_with_demo().await;
    sign_in(&desk, "Priya Shah", "5555").await;
    desk.click("[data-testid=rail-review]").await;
    desk.find("[data-testid=review-screen]").await;
    // Maria's conversations only: the staff filter.
    desk.click("[data-testid=choice-queue_staff]").await;
    desk.click_xpath("//*[@role='option'][contains(., 'Maria Lopes')]").await;
    let row = desk.wait_for_content("[data-testid=queue-item]", "with Maria Lopes").await;
    assert!(!row.contains("Priya Shah"), "the supervisor's own conversations are not offered: {row}");
    desk.shot("review-queue").await;
    desk.click("[data-testid=queue-item]").await;
    desk.find("[data-testid=review-dialog]").await;
    desk.click("[data-testid=review-dialog] [data-kind=coaching]").await;
    desk.type_into("[data-testid=review-dialog] textarea[name=comment]", "Offer the care guide before they ask.").await;
    desk.click("[data-testid=review-save]").await;
    desk.wait_gone("[data-testid=review-dialog]").await;

    sign_in(&desk, "Maria Lopes", "1111").await;
    desk.wait_for_text("[data-testid=rail-my-reviews]", "1").await;
    desk.click("[data-testid=rail-my-reviews]").await;
    let review = desk.wait_for_content("[data-testid=my-review]", "Offer the care guide before they ask.").await;
    assert!(review.contains("Priya Shah"), "{review}");
    assert!(review.contains("Coaching"), "{review}");
    desk.shot("my-reviews").await;
    desk.click("[data-testid=acknowledge-review]").await;
    desk.wait_for_attr("[data-testid=my-review]", "data-acknowledged", "true").await;

    let data_dir = desk.close().await;
    let db = rusqlite::Connection::open(data_dir.path().join("touchpoint.sqlite3")).expect("db");
    let (kind, acked): (String, i64) = db
        .query_row(
            "SELECT r.kind, (SELECT count(*) FROM review_acknowledgements a WHERE a.review_id = r.id) FROM reviews r",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the review row");
    assert_eq!((kind.as_str(), acked), ("coaching", 1));
    let ops: i64 = db
        .query_row("SELECT count(*) FROM outbox WHERE kind IN ('review_recorded', 'review_acknowledged')", [], |r| {
            r.get(0)
        })
        .expect("ops");
    assert_eq!(ops, 2, "both wait to sync");
}
