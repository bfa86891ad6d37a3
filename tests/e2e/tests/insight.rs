//! Insight in the real window: the dashboards of the demo store; choosing a touch point
//! changes the numbers; a heat-map cell opens the conversations behind it in the review queue.

use touchpoint_e2e::Desk;

async fn sign_in_priya(desk: &Desk) {
    desk.click("[data-testid=staff-menu]").await;
    desk.click("[data-testid=menu-switch-user]").await;
    desk.click_xpath("//*[@data-testid='switch-user']//button[contains(., 'Priya Shah')]").await;
    desk.type_into("[data-testid=switch-user] input[name=pin]", "5555").await;
    desk.click("[data-testid=pin-submit]").await;
    desk.wait_gone("[data-testid=switch-user]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dashboard_filter_changes_the_numbers_and_a_cell_opens_its_conversations() {
    let desk = Desk::start_with_demo().await;
    sign_in_priya(&desk).await;
    desk.click("[data-testid=rail-insight]").await;
    desk.find("[data-testid=insight-screen]").await;
    let all = desk.wait_for_content("[data-testid=summary-caption]", "conversations").await;
    desk.find("[data-testid=heat-cell]").await;
    desk.shot("insight").await;

    desk.click("[data-testid=choice-insight_touch_point]").await;
    desk.click_xpath("//*[@role='option'][contains(., 'Returns desk')]").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let filtered = loop {
        let now = desk
            .find("[data-testid=summary-caption]")
            .await
            .prop("textContent")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        if now != all && now.contains("Returns desk") {
            break now;
        }
        assert!(std::time::Instant::now() < deadline, "the summary never changed from {all:?} (now {now:?})");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let count = |s: &str| -> u32 {
        s.split_whitespace().filter_map(|w| w.replace(',', "").parse().ok()).next_back().unwrap_or(0)
    };
    assert!(count(&filtered) < count(&all), "fewer conversations at one touch point: {all:?} → {filtered:?}");

    // Every remaining cell is the Returns desk; open the first one's conversations.
    let cell = desk.find("button[data-testid=heat-cell]").await;
    let feeling = cell.attr("data-feeling").await.expect("attr").expect("feeling");
    cell.click().await.expect("click the cell");
    desk.find("[data-testid=review-screen]").await;
    let row = desk.wait_for_content("[data-testid=queue-item]", "Returns desk").await;
    assert!(!row.is_empty(), "the conversations behind the {feeling} cell");
}
