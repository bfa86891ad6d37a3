//! The frontline flows of the customer 360, in the real window: handing the screen to the
//! customer, the closed loop (a detractor proposes a follow-up that is completed with a
//! re-measure), corrections beside the original, and bad input at every form.

use fantoccini::key::Key;
use touchpoint_core::customers::NewCustomer;
use touchpoint_core::interactions::LogInteraction;
use touchpoint_core::protocol::{ContactChannel, Outcome};
use touchpoint_e2e::Desk;

fn ana(core: &mut touchpoint_core::Desk) -> uuid::Uuid {
    core.create_customer(&NewCustomer {
        name: "Ana Souza".into(),
        phone: "+351 912 345 678".into(),
        email: "ana@example.com".into(),
        allow_duplicate: false,
    })
    .expect("customer")
    .id
}

fn chord(keys: &[Key], last: char) -> String {
    let mut s: String = keys.iter().map(|k| char::from(*k)).collect();
    s.push(last);
    s.push(char::from(Key::Null));
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn kiosk_hand_over_asks_in_the_customers_language_and_gives_back_only_on_the_staff_pin() {
    let desk = Desk::start_with(|core| {
        let id = ana(core);
        core.update_customer(&touchpoint_core::customers::CustomerEdit {
            customer_id: id,
            note: Some("Private: disputes every bill".into()),
            language: Some("pt-PT".into()),
            ..Default::default()
        })
        .expect("note");
        let me = core.staff_id();
        core.set_pin(me, "482913").expect("pin");
    })
    .await;
    desk.open_customer("souza", "Ana Souza").await;
    desk.type_into("[data-testid=log-form] input[name=reason]", "Exchange").await;
    desk.click("[data-testid=hand-over]").await;

    let kiosk = desk.find("[data-testid=kiosk]").await.text().await.expect("kiosk text");
    assert!(kiosk.contains("Como foi a sua visita hoje?"), "in the customer's language: {kiosk}");
    assert!(kiosk.contains("Staff: take back"), "staff's way back is shown, in the desk's language: {kiosk}");
    assert!(
        !kiosk.contains("Ana Souza") && !kiosk.contains("disputes"),
        "nothing private on the customer's screen: {kiosk}"
    );
    desk.click("[data-testid=kiosk] [data-csat='4']").await;
    desk.click("[data-testid=kiosk] [data-nps='9']").await;
    desk.type_into("[data-testid=kiosk-comment]", "Rápido e simpático").await;
    desk.click("[data-testid=kiosk-done]").await;
    desk.wait_for_text("[data-testid=kiosk-thanks]", "Obrigado").await;

    // The customer cannot leave: Esc and app shortcuts do nothing.
    desk.keys(&char::from(Key::Escape).to_string()).await;
    desk.keys("n").await;
    desk.keys(&chord(&[Key::Control], 'k')).await;
    assert!(desk.exists("[data-testid=kiosk-thanks]").await, "still the customer's screen");
    assert!(!desk.exists("[data-testid=new-customer-form]").await);
    assert!(!desk.exists("[data-testid=palette]").await);

    // Take back (button or Ctrl+Shift+K) asks for the staff PIN; a wrong one is refused and cleared.
    desk.keys(&chord(&[Key::Control, Key::Shift], 'K')).await;
    desk.find("[data-testid=kiosk-staff] input[name=pin]").await;
    desk.type_into("[data-testid=kiosk-staff] input[name=pin]", "111111").await;
    desk.click("[data-testid=kiosk-staff-submit]").await;
    desk.wait_for_text("[data-testid=kiosk-staff] .field-error", "That PIN is not right").await;
    assert_eq!(desk.value("[data-testid=kiosk-staff] input[name=pin]").await, "", "a wrong PIN is cleared");
    assert!(desk.exists("[data-testid=kiosk]").await, "a wrong PIN does not give the desk back");

    desk.type_into("[data-testid=kiosk-staff] input[name=pin]", "482913").await;
    desk.click("[data-testid=kiosk-staff-submit]").await;
    desk.wait_gone("[data-testid=kiosk]").await;
    assert_eq!(desk.value("[data-testid=log-form] input[name=reason]").await, "Exchange", "what staff typed is kept");
    assert_eq!(desk.value("[data-testid=log-form] input[name=verbatim]").await, "Rápido e simpático");
    desk.click("[data-testid=log-save]").await;
    let entry = desk.wait_for_text("[data-testid=timeline-entry]", "Exchange").await;
    assert!(entry.contains("CSAT 4") && entry.contains("NPS 9"), "{entry}");
    assert!(entry.contains("Rápido e simpático"), "{entry}");
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_detractor_score_proposes_a_follow_up_that_is_completed_with_a_re_measure() {
    let desk = Desk::start_with(|core| {
        ana(core);
    })
    .await;
    desk.open_customer("ana@example.com", "Ana Souza").await;
    desk.type_into("[data-testid=log-form] input[name=reason]", "Late delivery").await;
    desk.click("[data-testid=log-form] [data-feeling=very_unhappy]").await;
    desk.click("[data-testid=more-scores]").await;
    desk.click("[data-testid=score-nps] [data-score='3']").await;
    desk.click("[data-testid=log-save]").await;

    let proposal = desk.wait_for_text("[data-testid=proposal]", "Suggested follow-up").await;
    assert!(proposal.contains("Detractor: NPS 3") && proposal.contains("Left very unhappy"), "{proposal}");
    assert_eq!(desk.value("[data-testid=proposal] input[name=promise]").await, "Call back about: Late delivery");
    desk.replace_text("[data-testid=proposal] input[name=promise]", "Call back with the new delivery date").await;
    desk.click("[data-testid=proposal-accept]").await;
    desk.wait_for_text("[data-testid=open-follow-ups]", "Call back with the new delivery date").await;
    desk.wait_for_text("[data-testid=rail-follow-ups]", "1").await;

    desk.click("[data-testid=rail-follow-ups]").await;
    desk.wait_for_text("[data-testid=my-follow-ups]", "Call back with the new delivery date").await;
    desk.click("[data-testid=complete-follow-up-button]").await;
    desk.click("[data-testid=complete-save]").await;
    desk.wait_for_text("[data-testid=complete-follow-up] .field-error", "Say what happened").await;
    desk.type_into(
        "[data-testid=complete-follow-up] textarea[name=resolution]",
        "Rebooked for Friday; she was relieved",
    )
    .await;
    desk.click("[data-testid=complete-follow-up] [data-feeling=happy]").await;
    desk.click("[data-testid=complete-save]").await;
    let closed = desk.wait_for_text("[data-testid=closed-follow-up-row]", "Rebooked for Friday").await;
    assert!(closed.contains("Done") && closed.contains("Happy"), "{closed}");
    assert!(!desk.exists("[data-testid=my-follow-ups]").await, "nothing open any more");

    desk.open_customer("souza", "Ana Souza").await;
    let done = desk.wait_for_text("[data-testid=timeline]", "Follow-up done").await;
    assert!(done.contains("Feels now") && done.contains("Happy"), "{done}");
    assert!(!desk.exists("[data-testid=open-follow-ups]").await);

    let dir = desk.close().await;
    let db = rusqlite::Connection::open(dir.path().join("touchpoint.sqlite3")).expect("db");
    let (status, feeling_after): (String, String) = db
        .query_row("SELECT status, feeling_after FROM follow_ups", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("follow-up row");
    assert_eq!((status.as_str(), feeling_after.as_str()), ("done", "happy"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correction_is_shown_beside_what_was_logged() {
    let desk = Desk::start_with(|core| {
        let id = ana(core);
        let tp = core.touch_points().expect("catalogue")[0].id;
        core.log_interaction(&LogInteraction {
            submission_id: uuid::Uuid::now_v7(),
            customer_id: Some(id),
            touch_point_id: tp,
            channel: ContactChannel::InPerson,
            reason: Some("Refund".into()),
            outcome: Outcome::Unresolved,
            duration_secs: Some(300),
            summary: None,
            feeling: None,
            csat: None,
            nps: None,
            ces: None,
            verbatim: None,
            occurred_at: None,
            check_in: None,
        })
        .expect("logged");
    })
    .await;
    desk.open_customer("souza", "Ana Souza").await;
    desk.click("[data-testid=amend]").await;
    desk.click("[data-testid=amend-save]").await;
    desk.wait_for_text("[data-testid=amend-dialog] .field-error", "Change at least one field").await;
    desk.click("[data-testid=amend-dialog] [data-outcome=resolved]").await;
    desk.type_into("[data-testid=amend-dialog] input[name=why]", "Manager approved it after all").await;
    desk.click("[data-testid=amend-save]").await;
    let amendment = desk.wait_for_text("[data-testid=amendment]", "Corrected by").await;
    assert!(amendment.contains("Resolved") && amendment.contains("was Unresolved"), "{amendment}");
    assert!(amendment.contains("Manager approved it after all"), "{amendment}");
    let entry = desk.text("[data-testid=timeline-entry] .entry-tags").await;
    assert!(entry.starts_with("Resolved"), "the entry shows the corrected outcome: {entry}");

    let dir = desk.close().await;
    let db = rusqlite::Connection::open(dir.path().join("touchpoint.sqlite3")).expect("db");
    let original: String = db.query_row("SELECT outcome FROM interactions", [], |r| r.get(0)).expect("row");
    assert_eq!(original, "unresolved", "the logged row is never rewritten");
    let amendments: i64 = db.query_row("SELECT count(*) FROM amendments", [], |r| r.get(0)).expect("count");
    assert_eq!(amendments, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_at_each_form_is_explained_at_the_field_and_nothing_typed_is_lost() {
    let desk = Desk::start_with(|core| {
        ana(core);
    })
    .await;

    // New customer with someone's phone: offered to open them instead.
    desk.keys("n").await;
    desk.find("[data-testid=new-customer-form]").await;
    desk.type_into("[data-testid=new-customer-form] input[name=name]", "A. Souza").await;
    desk.type_into("[data-testid=new-customer-form] input[name=phone]", "912 345 678").await;
    desk.replace_text("[data-testid=new-customer-form] input[name=phone]", "+351912345678").await;
    desk.click("[data-testid=new-customer-submit]").await;
    desk.wait_for_text("[data-testid=duplicate-warning]", "Open Ana Souza").await;
    desk.click("[data-testid=open-duplicate]").await;
    desk.wait_for_text("[data-testid=customer-name]", "Ana Souza").await;

    // Log form: minutes that are not a number are refused and kept; nothing is saved.
    desk.replace_text("[data-testid=log-form] input[name=minutes]", "abc").await;
    desk.type_into("[data-testid=log-form] textarea[name=summary]", "Asked about opening hours").await;
    desk.click("[data-testid=log-save]").await;
    desk.wait_for_text("[data-testid=log-form]", "Enter the minutes as a number.").await;
    assert_eq!(desk.value("[data-testid=log-form] input[name=minutes]").await, "abc");
    assert_eq!(desk.value("[data-testid=log-form] textarea[name=summary]").await, "Asked about opening hours");
    assert!(!desk.exists("[data-testid=timeline-entry]").await);

    // Profile: a bad email is refused next to the field, with what was typed kept.
    desk.click("[data-testid=edit-profile]").await;
    desk.replace_text("[data-testid=profile-dialog] textarea[name=emails]", "ana@example.com\nnot-an-email").await;
    desk.click("[data-testid=profile-save]").await;
    desk.wait_for_text("[data-testid=profile-dialog] .field-error", "not-an-email").await;
    assert_eq!(desk.value("[data-testid=profile-dialog] textarea[name=emails]").await, "ana@example.com\nnot-an-email");
    desk.replace_text("[data-testid=profile-dialog] textarea[name=emails]", "ana@example.com\nana@work.example").await;
    desk.click("[data-testid=profile-save]").await;
    desk.wait_for_text(".contact-line", "ana@work.example").await;

    // Staff: a wrong PIN is refused; the right one signs in, and the chip says who.
    desk.click("[data-testid=staff-menu]").await;
    desk.click("[data-testid=menu-add-staff]").await;
    desk.type_into("[data-testid=add-staff] input[name=name]", "Maria Lopes").await;
    desk.type_into("[data-testid=add-staff] input[name=pin]", "48").await;
    desk.click("[data-testid=add-staff-save]").await;
    desk.wait_for_text("[data-testid=add-staff] .field-error", "4 to 12 digits").await;
    desk.replace_text("[data-testid=add-staff] input[name=pin]", "4821").await;
    desk.click("[data-testid=add-staff-save]").await;
    desk.wait_gone("[data-testid=add-staff]").await;
    desk.keys("u").await;
    desk.wait_for_text("[data-testid=switch-user]", "Maria Lopes").await;
    let maria = "//*[@data-testid='switch-user']//button[contains(., 'Maria Lopes')]";
    desk.client.find(fantoccini::Locator::XPath(maria)).await.expect("Maria in the list").click().await.expect("pick");
    desk.type_into("[data-testid=switch-user] input[name=pin]", "1357").await;
    desk.click("[data-testid=pin-submit]").await;
    desk.wait_for_text("[data-testid=switch-user] .field-error", "PIN is not right").await;
    desk.replace_text("[data-testid=switch-user] input[name=pin]", "4821").await;
    desk.click("[data-testid=pin-submit]").await;
    desk.wait_for_text("[data-testid=staff-menu]", "Maria Lopes").await;

    // A walk-in is logged with no customer, by Maria. A conversation about nothing is not
    // saved: the reason field says what is missing.
    desk.click("[data-testid=rail-walk-in]").await;
    desk.click("[data-testid=log-form] [data-feeling=neutral]").await;
    desk.click("[data-testid=log-save]").await;
    desk.wait_for_text("[data-testid=log-form] .reason-row .field-error", "choose a reason or write a note").await;
    // Two Ctrl+Enter at once save it once.
    desk.type_into("[data-testid=log-form] textarea[name=summary]", "Asked for directions").await;
    let twice = format!(
        "{}{}{}{}",
        char::from(Key::Control),
        char::from(Key::Enter),
        char::from(Key::Enter),
        char::from(Key::Null)
    );
    desk.keys(&twice).await;
    desk.wait_for_text("[data-testid=log-saved]", "Logged").await;

    let dir = desk.close().await;
    let db = rusqlite::Connection::open(dir.path().join("touchpoint.sqlite3")).expect("db");
    let (customer, staff): (Option<String>, String) = db
        .query_row("SELECT i.customer_id, s.name FROM interactions i JOIN staff s ON s.id = i.staff_id", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("the walk-in");
    assert_eq!((customer, staff.as_str()), (None, "Maria Lopes"));
    let logged: i64 = db.query_row("SELECT count(*) FROM interactions", [], |r| r.get(0)).expect("count");
    assert_eq!(logged, 1, "one walk-in, saved once");
    let customers: i64 = db.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).expect("count");
    assert_eq!(customers, 1, "the duplicate was not created");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_whole_log_with_feedback_is_done_from_the_keyboard() {
    let desk = Desk::start_with(|core| {
        ana(core);
    })
    .await;
    let tab = char::from(Key::Tab).to_string();
    let right = char::from(Key::Right).to_string();
    desk.keys("/").await;
    desk.keys("souza").await;
    desk.wait_for_text("[data-testid=search-results]", "Ana Souza").await;
    desk.keys(&char::from(Key::Enter).to_string()).await;
    desk.wait_for_text("[data-testid=customer-name]", "Ana Souza").await;

    desk.keys("l").await; // focus the log: the reason field
    desk.keys("Wrong size delivered").await;
    desk.keys(&char::from(Key::Escape).to_string()).await; // close the suggestions
    desk.keys(&tab).await; // minutes: the timer's value stays
    desk.keys(&tab).await; // outcome
    desk.keys(&right).await;
    desk.keys(&right).await; // follow-up needed
    desk.keys(&tab).await; // feeling
    desk.keys(&right).await; // unhappy
    desk.keys(&tab).await; // CSAT
    desk.keys(&right).await; // 2
    desk.keys(&format!("{}{}{}", char::from(Key::Control), char::from(Key::Enter), char::from(Key::Null))).await;

    let entry = desk.wait_for_text("[data-testid=timeline-entry]", "Wrong size delivered").await;
    assert!(entry.contains("Follow-up needed"), "{entry}");
    assert!(entry.contains("Unhappy"), "{entry}");
    assert!(entry.contains("CSAT 2"), "{entry}");
    desk.wait_for_text("[data-testid=proposal]", "Suggested follow-up").await;
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn save_and_hand_over_are_in_view_when_a_customer_opens_and_minutes_must_be_positive() {
    let desk = Desk::start_with(|core| {
        let id = ana(core);
        core.update_customer(&touchpoint_core::customers::CustomerEdit {
            customer_id: id,
            note: Some("Prefers email. Allergic to nuts. Long-standing customer since 2011.".into()),
            tags: Some(vec!["vip".into(), "wholesale".into(), "newsletter".into()]),
            ..Default::default()
        })
        .expect("profile");
    })
    .await;
    desk.open_customer("souza", "Ana Souza").await;
    assert!(desk.in_view("[data-testid=log-save]").await, "Save is in view at 1280×800 when a customer opens");
    assert!(desk.in_view("[data-testid=hand-over]").await, "so is Hand to customer");

    // A longer form (the extra scores open) still keeps them in view.
    desk.click("[data-testid=more-scores]").await;
    desk.find("[data-testid=score-nps]").await;
    assert!(desk.in_view("[data-testid=log-save]").await, "Save stays in view below the extra scores");

    desk.replace_text("[data-testid=log-form] input[name=minutes]", "-5").await;
    desk.wait_for_text("[data-testid=log-form]", "Minutes must be positive").await;
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_follow_up_takes_typing_at_once_and_ctrl_enter_saves_it() {
    let desk = Desk::start_with(|core| {
        ana(core);
    })
    .await;
    desk.open_customer("souza", "Ana Souza").await;
    desk.keys("f").await;
    desk.find("[data-testid=new-follow-up]").await;
    // Typing lands in "What was promised" without a click.
    desk.keys("Ring back when the part arrives").await;
    assert_eq!(desk.value("[data-testid=new-follow-up] input[name=promise]").await, "Ring back when the part arrives");
    // Esc after typing asks first; keep editing keeps what was typed.
    desk.keys(&char::from(Key::Escape).to_string()).await;
    desk.find("[data-testid=dialog-discard]").await;
    desk.click("[data-testid=dialog-keep-editing]").await;
    assert_eq!(desk.value("[data-testid=new-follow-up] input[name=promise]").await, "Ring back when the part arrives");
    desk.keys(&chord(&[Key::Control], char::from(Key::Enter))).await;
    desk.wait_gone("[data-testid=new-follow-up]").await;
    desk.wait_for_text("[data-testid=open-follow-ups]", "Ring back when the part arrives").await;
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_start_with_the_demo_opens_the_desk_on_the_filled_in_demo_store() {
    // The window is up while the demo store fills in (it shows how far it has got); the desk
    // then opens on it, every customer there, and the data file holds the whole store.
    let desk = Desk::start_demo_first_run().await;
    desk.replace_text("[data-testid=search-input]", "Maria").await;
    desk.wait_for_attr("[data-testid=search-results]", "data-for", "Maria").await;
    desk.wait_for_text("[data-testid=search-results] [role=option]", "Maria").await;
    assert!(!desk.exists("[data-testid=startup]").await, "the progress screen is gone");
    let conn = rusqlite::Connection::open(desk.data_dir.path().join("touchpoint.sqlite3")).expect("data file");
    let customers: i64 = conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).expect("count");
    let expected = touchpoint_core::demo::DemoOptions::default().customers;
    assert_eq!(usize::try_from(customers).ok(), Some(expected), "the whole demo store");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_of_calls_shows_before_you_start_no_call_is_proposed_and_a_check_in_lands_in_my_follow_ups() {
    use chrono::Datelike;
    let desk = Desk::start_with(|core| {
        let c = core
            .create_customer(&NewCustomer {
                name: "Ana Costa".into(),
                phone: "+351 912 345 678".into(),
                ..Default::default()
            })
            .expect("customer");
        let soon = chrono::Utc::now() + chrono::Duration::days(2);
        core.update_customer(&touchpoint_core::customers::CustomerEdit {
            customer_id: c.id,
            important_dates: Some(vec![touchpoint_core::protocol::ImportantDate {
                kind: touchpoint_core::protocol::DateKind::Birthday,
                label: None,
                month: soon.month() as u8,
                day: soon.day() as u8,
                year: None,
            }]),
            preferences: Some(vec![touchpoint_core::protocol::Preference {
                category: "Size".into(),
                value: "M".into(),
            }]),
            ..Default::default()
        })
        .expect("relationship details");
    })
    .await;
    desk.open_customer("costa", "Ana Costa").await;
    let strip = desk.wait_for_content("[data-testid=before-you-start]", "Birthday").await;
    assert!(strip.contains("in 2 days") && strip.contains("Size: M"), "{strip}");

    desk.keys("e").await;
    desk.click("[data-testid=profile-relationship-tab]").await;
    desk.click("[data-testid=choice-contact-phone]").await;
    desk.click_xpath("//*[@role='option'][contains(., 'Refused')]").await;
    desk.find("[data-testid=choice-contact-phone-how]").await;
    desk.shot("relationship-tab").await;
    let violations = desk.accessibility_violations().await;
    assert!(violations.is_empty(), "the relationship tab: {violations:?}");
    desk.click("[data-testid=relationship-save]").await;
    desk.wait_gone("[data-testid=profile-dialog]").await;
    let strip = desk.wait_for_content("[data-testid=before-you-start]", "Do not contact").await;
    assert!(strip.contains("Birthday"), "the date stays first: {strip}");
    desk.shot("before-you-start").await;

    desk.type_into("[data-testid=log-form] input[name=reason]", "Broken zip").await;
    desk.click("[data-testid=log-form] [data-feeling=unhappy]").await;
    desk.click("[data-testid=check-in-toggle]").await;
    desk.type_into("[data-testid=check-in] input[name=check-in-about]", "whether the new zip holds").await;
    desk.click("[data-testid=log-save]").await;
    let refused = desk.wait_for_text("[data-testid=proposal-refused]", "Asked not to be contacted by phone").await;
    assert!(refused.contains("in person"), "{refused}");
    let route = desk.text("[data-testid=choice-route]").await;
    assert!(route.contains("Text (SMS)") && !route.contains("Call"), "no call is proposed: {route}");
    desk.shot("proposal-no-call").await;
    desk.click("[data-testid=proposal-dismiss]").await;

    desk.click("[data-testid=rail-follow-ups]").await;
    let mine = desk.wait_for_text("[data-testid=my-follow-ups]", "whether the new zip holds").await;
    assert!(mine.contains("Check-in") && mine.contains("After-visit check-in"), "{mine}");
    assert!(mine.contains("Text (SMS)"), "the check-in goes by SMS, not a call: {mine}");

    // Desktop notifications are off until the person turns them on, from their menu.
    desk.click("[data-testid=staff-menu]").await;
    let item = desk.text("[data-testid=menu-notifications]").await;
    assert!(item.contains("Desktop notifications") && !item.contains('✓'), "off by default: {item}");
    assert!(item.contains("Never shows customer details"), "{item}");
    desk.click("[data-testid=menu-notifications]").await;
    desk.click("[data-testid=staff-menu]").await;
    desk.wait_for_text("[data-testid=menu-notifications]", "✓").await;
    desk.close().await;
}
