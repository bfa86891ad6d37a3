//! The screens a new user meets, at the window's usual size (1280×800) and at its minimum
//! (1024×640), in English and in Portuguese: the log form with Save and "Hand to customer" in
//! view, the new follow-up dialog, the customer's screen after Done, Insight resting on a few
//! answers, and the import check with a conflict. Nothing is wider than the window and the page
//! never scrolls as a whole (the rooms scroll inside it). With
//! `TOUCHPOINT_SHOTS=dir` each is saved as a PNG to look at.

use fantoccini::key::Key;
use touchpoint_core::customers::NewCustomer;
use touchpoint_core::interactions::LogInteraction;
use touchpoint_core::protocol::{ContactChannel, Feeling, Outcome};
use touchpoint_e2e::Desk;

const SIZES: [(u32, u32); 2] = [(1280, 800), (1024, 640)];

/// Ana, with two conversations scored (Insight then rests on two answers: a small sample).
fn ana_with_two_scores(core: &mut touchpoint_core::Desk) {
    let ana = core
        .create_customer(&NewCustomer {
            name: "Ana Souza".into(),
            phone: "+351 912 345 678".into(),
            email: "ana@example.com".into(),
            allow_duplicate: false,
        })
        .expect("customer")
        .id;
    // Relationship details, so "Before you start" has three things to say at every size.
    let soon = chrono::Utc::now() + chrono::Duration::days(3);
    core.update_customer(&touchpoint_core::customers::CustomerEdit {
        customer_id: ana,
        important_dates: Some(vec![touchpoint_core::protocol::ImportantDate {
            kind: touchpoint_core::protocol::DateKind::Birthday,
            label: None,
            month: chrono::Datelike::month(&soon) as u8,
            day: chrono::Datelike::day(&soon) as u8,
            year: None,
        }]),
        preferences: Some(vec![
            touchpoint_core::protocol::Preference { category: "Size".into(), value: "M".into() },
            touchpoint_core::protocol::Preference { category: "Likes".into(), value: "Linen shirts".into() },
        ]),
        contact_sms: Some(touchpoint_core::protocol::ChannelConsent {
            allowed: false,
            at: chrono::Utc::now() - chrono::Duration::days(10),
            how: touchpoint_core::protocol::ConsentSource::Written,
        }),
        ..Default::default()
    })
    .expect("relationship details");
    let tp = core.touch_points().expect("touch points")[0].id;
    for (nps, feeling) in [(3, Feeling::Unhappy), (9, Feeling::Happy)] {
        core.log_interaction(&LogInteraction {
            submission_id: uuid::Uuid::now_v7(),
            customer_id: Some(ana),
            touch_point_id: tp,
            channel: ContactChannel::InPerson,
            reason: Some("Refund".into()),
            outcome: Outcome::Resolved,
            duration_secs: Some(300),
            summary: Some("Kettle refunded".into()),
            feeling: Some(feeling),
            csat: Some(4),
            nps: Some(nps),
            ces: None,
            verbatim: None,
            occurred_at: None,
            check_in: None,
        })
        .expect("log");
    }
}

async fn fits(desk: &Desk, what: &str, shot: &str) {
    let outside = desk.out_of_frame().await;
    desk.shot(shot).await;
    assert!(outside.is_empty(), "{what} does not fit the window: {outside:?}");
}

async fn tour(desk: &Desk, lang: &str, (w, h): (u32, u32)) {
    let at = format!("{lang}-{w}x{h}");
    desk.resize(w, h).await;

    desk.open_customer("souza", "Ana Souza").await;
    assert!(desk.comes_into_view("[data-testid=log-save]").await, "{at}: Save is in view when a customer opens");
    assert!(desk.comes_into_view("[data-testid=hand-over]").await, "{at}: Hand to customer is in view");
    fits(desk, "the customer page", &format!("{at}-log-form")).await;

    desk.keys("f").await;
    desk.find("[data-testid=new-follow-up]").await;
    assert!(
        desk.comes_into_view("[data-testid=new-follow-up] [data-testid=proposal-accept]").await,
        "{at}: Create is in view"
    );
    fits(desk, "the new follow-up dialog", &format!("{at}-follow-up-dialog")).await;
    desk.keys(&char::from(Key::Escape).to_string()).await;
    desk.wait_gone("[data-testid=new-follow-up]").await;

    desk.click("[data-testid=hand-over]").await;
    assert!(desk.comes_into_view("[data-testid=kiosk] [data-csat='4']").await, "{at}: the survey is shown");
    desk.click("[data-testid=kiosk] [data-csat='4']").await;
    desk.shot(&format!("{at}-kiosk-survey")).await;
    assert!(desk.comes_into_view("[data-testid=kiosk-done]").await, "{at}: Done is in view on the customer's screen");
    desk.click("[data-testid=kiosk-done]").await;
    desk.find("[data-testid=kiosk-thanks]").await;
    assert!(desk.comes_into_view("[data-testid=kiosk-take-back]").await, "{at}: the staff's way back is in view");
    fits(desk, "the customer's screen after Done", &format!("{at}-kiosk-done")).await;
    desk.click("[data-testid=kiosk-take-back]").await;
    desk.wait_gone("[data-testid=kiosk]").await;

    desk.click("[data-testid=rail-insight]").await;
    desk.find("[data-testid=insight-screen] [data-testid=insight-status]").await;
    fits(desk, "Insight", &format!("{at}-insight")).await;

    desk.click("[data-testid=rail-import]").await;
    desk.replace_text("textarea[name=csv]", "name,phone\nJoana Dup,+351 912 345 678\nRui Costa,+351 913 000 111\n")
        .await;
    desk.click("[data-testid=import-check]").await;
    desk.find("[data-testid=import-summary]").await;
    fits(desk, "the import check", &format!("{at}-import-check")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_key_screen_fits_the_window_at_both_sizes_in_english_and_portuguese() {
    let desk = Desk::start_with(ana_with_two_scores).await;
    for size in SIZES {
        tour(&desk, "en", size).await;
    }
    desk.click("[data-testid=staff-menu]").await;
    desk.click("[data-testid=lang-pt]").await;
    desk.wait_for_text("[data-testid=rail-today]", "Hoje").await;
    for size in SIZES {
        tour(&desk, "pt", size).await;
    }
    desk.close().await;
}
