//! The main screens, on the demo store, checked with axe-core inside the real web view (real
//! layout and colours): no serious or critical violations. With `TOUCHPOINT_SHOTS` set, each
//! screen is also saved as a PNG for people to look at.

use fantoccini::key::Key;
use touchpoint_e2e::Desk;

async fn check(desk: &Desk, screen: &str, failures: &mut Vec<String>) {
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    desk.shot(screen).await;
    for v in desk.accessibility_violations().await {
        failures.push(format!("{screen}: {v}"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn main_screens_have_no_serious_accessibility_violations() {
    let desk = Desk::start_with_demo().await;
    let mut failures = Vec::new();
    check(&desk, "home", &mut failures).await;

    desk.type_into("[data-testid=search-input]", "a").await;
    desk.find("[data-testid=search-results] [role=option]").await;
    check(&desk, "search", &mut failures).await;
    desk.press("[data-testid=search-input]", Key::Down).await;
    desk.press("[data-testid=search-input]", Key::Enter).await;
    desk.find("[data-testid=customer-name]").await;
    check(&desk, "customer", &mut failures).await;

    desk.click("[data-testid=more-scores]").await;
    desk.click("[data-testid=log-form] [data-feeling=unhappy]").await;
    check(&desk, "log-form", &mut failures).await;

    desk.click("[data-testid=hand-over]").await;
    desk.find("[data-testid=kiosk]").await;
    check(&desk, "kiosk", &mut failures).await;
    desk.keys(&format!("{}{}K{}", char::from(Key::Control), char::from(Key::Shift), char::from(Key::Null))).await;

    desk.click("[data-testid=rail-follow-ups]").await;
    desk.find("main.follow-ups").await;
    check(&desk, "follow-ups", &mut failures).await;

    desk.click("[data-testid=rail-import]").await;
    desk.find("main.import").await;
    check(&desk, "import", &mut failures).await;

    desk.click("[data-testid=rail-help]").await;
    desk.find("[data-testid=help]").await;
    check(&desk, "shortcuts", &mut failures).await;

    desk.close().await;
    assert!(failures.is_empty(), "accessibility violations:\n{}", failures.join("\n"));
}
