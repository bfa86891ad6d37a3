//! Supervisors in the real window: a supervisor reviews a frontline conversation from the
//! queue with the scorecard; the staff member sees the review of their work and acknowledges
//! it; the board closes a follow-up with a re-measure and exports; the desk's administrator
//! changes the scorecard; deleting, undoing and erasing a customer leave an audit trail.

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
    sign_in(&desk, "Priya Shah", "135246").await;
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
    // The demo store's scorecard: four on the first criterion.
    desk.click("[data-testid=scorecard] [data-testid^=score-criterion] [data-score='4']").await;
    desk.shot("review-dialog").await;
    desk.click("[data-testid=review-save]").await;
    desk.wait_gone("[data-testid=review-dialog]").await;
    // Saved: said so, with the next conversation of the queue offered (Enter) or the list.
    let saved = desk.wait_for_text("[data-testid=review-saved]", "is saved").await;
    assert!(saved.contains("Next in the queue") || saved.contains("last conversation"), "{saved}");
    desk.shot("review-saved").await;
    desk.click("[data-testid=review-back-to-list]").await;
    desk.wait_gone("[data-testid=review-saved]").await;

    sign_in(&desk, "Maria Lopes", "1357").await;
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
    let (kind, acked, scores): (String, i64, String) = db
        .query_row(
            "SELECT r.kind, (SELECT count(*) FROM review_acknowledgements a WHERE a.review_id = r.id), r.scores
             FROM reviews r",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the review row");
    assert_eq!((kind.as_str(), acked), ("coaching", 1));
    assert!(scores.contains("\"score\":4"), "the scorecard was saved: {scores}");
    let ops: i64 = db
        .query_row("SELECT count(*) FROM outbox WHERE kind IN ('review_recorded', 'review_acknowledged')", [], |r| {
            r.get(0)
        })
        .expect("ops");
    assert_eq!(ops, 2, "both wait to sync");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_closes_an_overdue_follow_up_from_the_store_board_with_how_the_customer_feels_now() {
    let desk = Desk::start_with_demo().await;
    sign_in(&desk, "Priya Shah", "135246").await;
    desk.click("[data-testid=rail-follow-ups]").await;
    desk.click("[data-testid=board-tab]").await;
    desk.find("[data-testid=loop-metrics]").await;
    let first = desk.wait_for_content("[data-testid=board-item]", "").await;
    assert!(!first.is_empty(), "the demo store has open follow-ups");
    let state = desk.find("[data-testid=board-item]").await.attr("data-state").await.expect("attr").unwrap_or_default();
    assert_eq!(state, "overdue", "the most overdue comes first");
    desk.shot("follow-up-board").await;
    // The figures and the board as a CSV beside the data.
    desk.click("[data-testid=follow-ups-export]").await;
    let saved = desk.wait_for_content("[data-testid=follow-ups-export-result]", ".csv").await;
    let path = saved.split_once("Saved to ").map(|(_, p)| p).unwrap_or(&saved);
    let path = path.rsplit_once(" (").map(|(p, _)| p).unwrap_or(path).trim();
    let csv = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("the export at {path:?}: {e}"));
    assert!(csv.contains("unhappy_conversations,") && csv.contains(",overdue,"), "{csv}");
    let before = desk.client.find_all(fantoccini::Locator::Css("[data-testid=board-item]")).await.expect("rows").len();

    desk.click("[data-testid=board-item] [data-testid=board-complete]").await;
    desk.type_into("[data-testid=complete-follow-up] textarea[name=resolution]", "Called back; replacement sent").await;
    desk.click("[data-testid=complete-follow-up] [data-feeling=happy]").await;
    desk.click("[data-testid=complete-save]").await;
    desk.wait_gone("[data-testid=complete-follow-up]").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let now = desk.client.find_all(fantoccini::Locator::Css("[data-testid=board-item]")).await.expect("rows").len();
        if now == before - 1 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the closed follow-up leaves the board ({before} → {now})");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    let data_dir = desk.close().await;
    let db = rusqlite::Connection::open(data_dir.path().join("touchpoint.sqlite3")).expect("db");
    let (status, feeling): (String, String) = db
        .query_row(
            "SELECT status, feeling_after FROM follow_ups WHERE resolution = 'Called back; replacement sent'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the closed follow-up");
    assert_eq!((status.as_str(), feeling.as_str()), ("done", "happy"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_deletes_a_customer_undoes_it_and_finds_both_in_the_audit_trail() {
    let desk = Desk::start_with_demo().await;
    sign_in(&desk, "Priya Shah", "135246").await;
    desk.find("[data-testid=at-risk-list]").await;
    desk.shot("today-supervisor").await;
    let name = desk.text("[data-testid=at-risk-item] .at-risk-name").await;
    desk.click("[data-testid=at-risk-item] .at-risk-name").await;
    desk.wait_for_text("[data-testid=customer-name]", &name).await;

    desk.click("[data-testid=customer-more]").await;
    desk.click("[data-testid=customer-delete]").await;
    desk.click("[data-testid=delete-confirm-button]").await;
    desk.wait_for_text("[data-testid=notice]", &name).await;
    desk.click("[data-testid=notice-undo]").await;
    desk.wait_for_text("[data-testid=customer-name]", &name).await;

    desk.click("[data-testid=customer-more]").await;
    desk.click("[data-testid=customer-audit]").await;
    desk.find("[data-testid=audit-screen]").await;
    let entries = desk.wait_for_content("[data-testid=audit-entry]", "Priya Shah").await;
    assert!(!entries.is_empty());
    desk.wait_for_content("[data-testid=audit-screen]", "Restored").await;
    desk.wait_for_content("[data-testid=audit-screen]", "Deleted").await;
    desk.shot("audit-trail").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_erases_a_customer_at_their_request_and_nothing_personal_is_left() {
    let desk = Desk::start_with_demo().await;
    sign_in(&desk, "Priya Shah", "135246").await;
    desk.open_customer("Sylvester", "Sylvester Braun").await;
    desk.click("[data-testid=customer-more]").await;
    desk.click("[data-testid=customer-erase]").await;
    desk.find("[data-testid=erase-confirm]").await;
    desk.type_into("[data-testid=erase-name]", "Sylvester Braun").await;
    desk.shot("erase-confirm").await;
    desk.click("[data-testid=erase-confirm-button]").await;
    desk.wait_gone("[data-testid=erase-confirm]").await;

    desk.replace_text("[data-testid=search-input]", "Sylvester").await;
    desk.wait_for_attr("[data-testid=search-results]", "data-for", "Sylvester").await;
    desk.wait_for_text("[data-testid=search-results]", "No one found").await;

    let data_dir = desk.close().await;
    let db = rusqlite::Connection::open(data_dir.path().join("touchpoint.sqlite3")).expect("db");
    let left: i64 = db
        .query_row(
            "SELECT (SELECT count(*) FROM customers WHERE name LIKE '%Sylvester%' OR emails LIKE '%sylvester%')
                  + (SELECT count(*) FROM customer_keys k JOIN customers c ON c.rowid = k.customer_rowid
                     WHERE c.erased_at IS NOT NULL)",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(left, 0, "no name, email or searchable key remains");
    let (visits, erasures): (i64, i64) = db
        .query_row(
            "SELECT (SELECT count(*) FROM interactions i JOIN customers c ON c.id = i.customer_id WHERE c.erased_at IS NOT NULL),
                    (SELECT count(*) FROM audit_log WHERE action = 'erase')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("counts");
    assert!(visits > 0, "the anonymous visits still count");
    assert_eq!(erasures, 1, "the erasure is on record");
    let queued: i64 =
        db.query_row("SELECT count(*) FROM outbox WHERE kind = 'customer_erased'", [], |r| r.get(0)).expect("op");
    assert_eq!(queued, 1, "and it will reach the server and every desk");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_desks_administrator_adds_and_renames_a_scorecard_criterion_and_reviews_offer_it() {
    let desk = Desk::start_with_demo().await;
    // The demo desk opens signed in as its administrator, the store manager.
    desk.click("[data-testid=staff-menu]").await;
    desk.click("[data-testid=menu-scorecard]").await;
    desk.find("[data-testid=scorecard-dialog]").await;
    desk.wait_for_content("[data-testid=scorecard-row]", "Greeted the customer").await;
    desk.type_into("[data-testid=scorecard-name]", "Kept the promise\n").await;
    desk.wait_for_text("[data-testid=scorecard-dialog]", "Kept the promise").await;
    // A name already on the scorecard is refused beside the field, and stays typed.
    desk.type_into("[data-testid=scorecard-name]", "followed policy\n").await;
    desk.wait_for_text("[data-testid=scorecard-dialog]", "already has a criterion").await;
    assert_eq!(desk.value("[data-testid=scorecard-name]").await, "followed policy");
    desk.shot("scorecard").await;
    desk.click("[data-testid=scorecard-done]").await;
    desk.wait_gone("[data-testid=scorecard-dialog]").await;

    sign_in(&desk, "Priya Shah", "135246").await;
    desk.click("[data-testid=rail-review]").await;
    desk.click("[data-testid=queue-item]").await;
    desk.wait_for_text("[data-testid=scorecard]", "Kept the promise").await;
}

/// Two records of one person, each with a conversation: "Ana Costa" (with a phone) and the
/// newer "Ana Maria Costa" sharing her email.
fn ana_twice(core: &mut touchpoint_core::Desk) {
    use touchpoint_core::customers::NewCustomer;
    let tp = core.touch_points().expect("touch points")[0].id;
    for (name, phone, said) in
        [("Ana Costa", "07911 123456", "Asked about a repair"), ("Ana Maria Costa", "", "Collected the repair")]
    {
        let id = core
            .create_customer(&NewCustomer {
                name: name.into(),
                phone: phone.into(),
                email: "ana@example.com".into(),
                allow_duplicate: true,
            })
            .expect("customer")
            .id;
        core.log_interaction(&touchpoint_core::interactions::LogInteraction {
            submission_id: uuid::Uuid::now_v7(),
            customer_id: Some(id),
            touch_point_id: tp,
            channel: touchpoint_core::protocol::ContactChannel::InPerson,
            reason: None,
            outcome: touchpoint_core::protocol::Outcome::Resolved,
            duration_secs: None,
            summary: Some(said.into()),
            feeling: None,
            csat: None,
            nps: None,
            ces: None,
            verbatim: None,
            occurred_at: None,
            check_in: None,
        })
        .expect("log");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

async fn timeline_entries(desk: &Desk) -> usize {
    desk.client.find_all(fantoccini::Locator::Css("[data-testid=timeline-entry]")).await.expect("entries").len()
}

async fn wait_for_entries(desk: &Desk, n: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while timeline_entries(desk).await != n {
        assert!(std::time::Instant::now() < deadline, "the timeline shows {n} conversations");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_merges_a_suggested_duplicate_with_a_field_choice_sees_one_timeline_and_undoes_it() {
    let desk = Desk::start_with(ana_twice).await;
    // The store's list names the pair first.
    desk.click("[data-testid=rail-duplicates]").await;
    let pair = desk.wait_for_content("[data-testid=duplicate-pair]", "Ana Maria Costa").await;
    assert!(pair.contains("same email"), "{pair}");
    desk.shot("duplicates-room").await;
    let violations = desk.accessibility_violations().await;
    assert!(violations.is_empty(), "the duplicates room: {violations:?}");

    desk.open_customer("07911 123456", "Ana Costa").await;
    desk.wait_for_text("[data-testid=possible-duplicates]", "Ana Maria Costa").await;
    desk.shot("possible-duplicate").await;
    desk.click("[data-testid=compare-merge]").await;
    desk.wait_for_text("[data-testid=merge-timeline]", "Collected the repair").await;
    desk.wait_for_text("[data-testid=merge-timeline]", "Asked about a repair").await;
    // The newer name is chosen by default; keep it.
    desk.wait_for_attr("[data-testid=merge-name-merged]", "data-selected", "true").await;
    desk.shot("merge-dialog").await;
    let violations = desk.accessibility_violations().await;
    assert!(violations.is_empty(), "the merge dialog: {violations:?}");
    desk.click("[data-testid=merge-confirm]").await;
    desk.wait_gone("[data-testid=merge-dialog]").await;

    desk.wait_for_text("[data-testid=customer-name]", "Ana Maria Costa").await;
    desk.wait_for_text("[data-testid=merged-record]", "Merged from Ana Maria Costa").await;
    wait_for_entries(&desk, 2).await;
    assert!(!desk.exists("[data-testid=possible-duplicates]").await, "no longer proposed");
    desk.shot("merged-customer").await;

    desk.click("[data-testid=undo-merge]").await;
    desk.wait_gone("[data-testid=merged-record]").await;
    desk.wait_for_text("[data-testid=customer-name]", "Ana Costa").await;
    wait_for_entries(&desk, 1).await;

    let data_dir = desk.close().await;
    let db = rusqlite::Connection::open(data_dir.path().join("touchpoint.sqlite3")).expect("db");
    let undone: i64 = db
        .query_row("SELECT count(*) FROM customer_merges WHERE undone_hlc IS NOT NULL AND effective = 0", [], |r| {
            r.get(0)
        })
        .expect("merge");
    assert_eq!(undone, 1, "the merge is kept, undone");
    let ops: Vec<String> = db
        .prepare("SELECT kind FROM outbox WHERE kind IN ('customers_merged', 'merge_undone') ORDER BY rowid")
        .expect("stmt")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("kinds");
    assert_eq!(ops, ["customers_merged", "merge_undone"], "both wait to sync");
}
