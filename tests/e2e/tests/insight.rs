//! Insight in the real window: the dashboards of the demo store; choosing a touch point
//! changes the numbers; a heat-map cell opens the conversations behind it in the review queue;
//! chosen dates narrow the figures.

use touchpoint_e2e::Desk;

async fn sign_in_priya(desk: &Desk) {
    desk.click("[data-testid=staff-menu]").await;
    desk.click("[data-testid=menu-switch-user]").await;
    desk.click_xpath("//*[@data-testid='switch-user']//button[contains(., 'Priya Shah')]").await;
    desk.type_into("[data-testid=switch-user] input[name=pin]", "135246").await;
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
    let felt = match feeling.as_str() {
        "very_unhappy" => "Very unhappy",
        "unhappy" => "Unhappy",
        "neutral" => "Neutral",
        "happy" => "Happy",
        _ => "Delighted",
    };
    assert!(row.contains(felt), "the conversations behind the {feeling} cell felt that way: {row}");
    let chosen = desk.text("[data-testid=choice-queue_feeling]").await;
    assert!(chosen.contains(felt), "the queue is filtered to that feeling: {chosen}");

    // Esc comes back to the figures as they were left; chosen dates before the store opened
    // leave nothing to count, and the room says so.
    desk.keys(&char::from(fantoccini::key::Key::Escape).to_string()).await;
    desk.wait_for_content("[data-testid=summary-caption]", "Returns desk").await;
    desk.click("[data-testid=choice-insight_period]").await;
    desk.click_xpath("//*[@role='option'][contains(., 'Between dates')]").await;
    desk.find("input[name=insight_from]").await;
    desk.shot("insight-chosen-dates").await;
    set_date(&desk, "insight_from", "2020-01-01").await;
    set_date(&desk, "insight_to", "2020-01-31").await;
    desk.find("[data-testid=insight-empty]").await;
}

/// A date field's value set the way the browser's date picker sets it (WebKit's date fields
/// take no typed keys over WebDriver), with the input event React listens to.
async fn set_date(desk: &Desk, name: &str, value: &str) {
    desk.client
        .execute(
            "const el = document.querySelector(`input[name=${arguments[0]}]`);
             Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, arguments[1]);
             el.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![name.into(), value.into()],
        )
        .await
        .expect("set the date");
}
