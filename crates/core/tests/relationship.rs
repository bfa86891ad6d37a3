//! Anticipating, not only recovering: relationship details on the profile (dates, preferences,
//! consent per channel, keeping in touch), honoured by the log form, follow-ups and exports;
//! reminders the desk raises on its own; and the "Before you start" strip.

mod support;

use chrono::{Duration, TimeZone, Utc};
use support::{t0, visit, LogExt, TestDesk};
use touchpoint_core::customers::heads_up::HeadsUp;
use touchpoint_core::customers::CustomerEdit;
use touchpoint_core::follow_ups::board::BoardFilter;
use touchpoint_core::follow_ups::reminders::CheckIn;
use touchpoint_core::follow_ups::{FollowUpWhy, NewFollowUp};
use touchpoint_core::protocol::{
    ChannelConsent, ConsentSource, ContactRoute, DateKind, Feeling, FollowUpKind, FollowUpRoute, FollowUpStatus,
    ImportantDate, KeepInTouch, OpBody, Preference,
};
use touchpoint_core::CoreError;
use uuid::Uuid;

fn refused(how: ConsentSource) -> ChannelConsent {
    ChannelConsent { allowed: false, at: t0() - Duration::days(2), how }
}

fn edit(id: Uuid) -> CustomerEdit {
    CustomerEdit { customer_id: id, ..Default::default() }
}

fn birthday(month: u8, day: u8) -> ImportantDate {
    ImportantDate { kind: DateKind::Birthday, label: None, month, day, year: None }
}

fn field_errors(e: CoreError) -> Vec<(String, String)> {
    match e {
        CoreError::Validation { fields, .. } => fields.into_iter().map(|f| (f.field, f.message)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn relationship_details_are_saved_tidied_and_bad_ones_refused_field_by_field() {
    let mut t = TestDesk::new();
    let ana = t.customer_with("Ana Costa", "07911 123456", "ana@example.com");
    let me = t.desk.staff_id();
    let saved = t
        .desk
        .update_customer(&CustomerEdit {
            important_dates: Some(vec![
                birthday(2, 29),
                ImportantDate {
                    kind: DateKind::Other,
                    label: Some("  Daughter's   graduation ".into()),
                    month: 7,
                    day: 1,
                    year: Some(2027),
                },
            ]),
            preferences: Some(vec![
                Preference { category: "Size".into(), value: " M ".into() },
                Preference { category: "size".into(), value: "m".into() },
                Preference { category: "Likes".into(), value: "Espresso".into() },
            ]),
            contact_phone: Some(refused(ConsentSource::InPerson)),
            keep_in_touch: Some(KeepInTouch { keeper_staff_id: Some(me), every_days: 90, remind_dates: true }),
            ..edit(ana.id)
        })
        .expect("saved");
    assert_eq!(saved.important_dates[1].label.as_deref(), Some("Daughter's graduation"));
    assert_eq!(saved.preferences.len(), 2, "the same preference twice is kept once");
    assert_eq!(saved.preferences[0], Preference { category: "Size".into(), value: "M".into() });
    assert!(saved.contact.refused(ContactRoute::Phone));
    assert!(!saved.contact.refused(ContactRoute::Email), "not asked is not a refusal");
    assert_eq!(saved.keep_in_touch.map(|k| k.every_days), Some(90));

    let bad = t
        .desk
        .update_customer(&CustomerEdit {
            important_dates: Some(vec![birthday(2, 30)]),
            contact_email: Some(ChannelConsent {
                allowed: true,
                at: t0() + Duration::days(3),
                how: ConsentSource::Written,
            }),
            keep_in_touch: Some(KeepInTouch {
                keeper_staff_id: Some(Uuid::now_v7()),
                every_days: 90,
                remind_dates: false,
            }),
            ..edit(ana.id)
        })
        .expect_err("refused");
    let errors = field_errors(bad);
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["important_dates", "contact_email", "keep_in_touch"], "{errors:?}");
    assert!(errors[0].1.contains("Day 30"), "{}", errors[0].1);
    assert!(errors[2].1.contains("works here"), "{}", errors[2].1);
    let unchanged = t.desk.customer_page(ana.id).expect("page").customer;
    assert_eq!(unchanged.important_dates, saved.important_dates, "nothing of a refused edit is saved");
}

#[test]
fn a_customer_who_refused_calls_is_never_proposed_a_call_and_the_proposal_says_why() {
    let mut t = TestDesk::new();
    let ana = t.customer_with("Ana Costa", "07911 123456", "ana@example.com");
    let logged = t.log(visit(&t, Some(ana.id)).felt(Feeling::Unhappy));
    assert_eq!(logged.proposal.expect("proposal").route, FollowUpRoute::Phone, "a phone on file and no refusal");

    t.desk
        .update_customer(&CustomerEdit { contact_phone: Some(refused(ConsentSource::OnThePhone)), ..edit(ana.id) })
        .expect("saved");
    let p = t.log(visit(&t, Some(ana.id)).felt(Feeling::Unhappy)).proposal.expect("proposal");
    assert_eq!(p.route, FollowUpRoute::Email, "email is next");
    assert_eq!(p.refused.len(), 1);
    assert_eq!(p.refused[0].channel, ContactRoute::Phone);
    assert_eq!(p.refused[0].answer.how, ConsentSource::OnThePhone);

    t.desk
        .update_customer(&CustomerEdit { contact_email: Some(refused(ConsentSource::ByEmail)), ..edit(ana.id) })
        .expect("saved");
    let p = t.log(visit(&t, Some(ana.id)).felt(Feeling::Unhappy)).proposal.expect("proposal");
    assert_eq!(p.route, FollowUpRoute::Sms, "SMS to the phone on file is still allowed");
    t.desk
        .update_customer(&CustomerEdit { contact_sms: Some(refused(ConsentSource::Written)), ..edit(ana.id) })
        .expect("saved");
    let p = t.log(visit(&t, Some(ana.id)).felt(Feeling::Unhappy)).proposal.expect("proposal");
    assert_eq!(p.route, FollowUpRoute::NextVisit, "every channel refused: kept for their next visit");
    assert_eq!(p.refused.len(), 3);

    let call = t
        .desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(ana.id),
            interaction_id: None,
            owner_staff_id: t.desk.staff_id(),
            due_at: t0() + Duration::days(1),
            promise: "Call about the refund".into(),
            route: Some(FollowUpRoute::Phone),
            kind: None,
        })
        .expect_err("a call is refused");
    let errors = field_errors(call);
    assert_eq!(errors[0].0, "route");
    assert!(errors[0].1.contains("asked not to be contacted by phone"), "{}", errors[0].1);
    let kept = t
        .desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(ana.id),
            interaction_id: None,
            owner_staff_id: t.desk.staff_id(),
            due_at: t0() + Duration::days(1),
            promise: "Ask about the refund".into(),
            route: Some(FollowUpRoute::NextVisit),
            kind: None,
        })
        .expect("for the next visit");
    assert_eq!(kept.route, Some(FollowUpRoute::NextVisit));
    assert_eq!(kept.contact.expect("contact").answers.phone.map(|a| a.allowed), Some(false));
}

#[test]
fn pasted_control_characters_and_over_long_relationship_text_are_refused_and_nothing_is_saved() {
    let mut t = TestDesk::new();
    let ana = t.customer_with("Ana Costa", "07911 123456", "");
    let labelled =
        |label: &str| ImportantDate { kind: DateKind::Other, label: Some(label.into()), month: 5, day: 4, year: None };
    let pref = |category: &str, value: &str| Preference { category: category.into(), value: value.into() };
    let cases: Vec<(&str, CustomerEdit)> = vec![
        ("important_dates", CustomerEdit { important_dates: Some(vec![labelled("Wedding\u{0}day")]), ..edit(ana.id) }),
        ("important_dates", CustomerEdit { important_dates: Some(vec![labelled(&"x".repeat(81))]), ..edit(ana.id) }),
        (
            "important_dates",
            CustomerEdit { important_dates: Some(vec![labelled("Right\u{202e}left")]), ..edit(ana.id) },
        ),
        (
            "important_dates",
            CustomerEdit {
                important_dates: Some((1..=11).map(|d| labelled(&format!("Date {d}"))).collect()),
                ..edit(ana.id)
            },
        ),
        ("preferences", CustomerEdit { preferences: Some(vec![pref("Size", "M\u{0}")]), ..edit(ana.id) }),
        ("preferences", CustomerEdit { preferences: Some(vec![pref("Size\u{1b}[31m", "M")]), ..edit(ana.id) }),
        ("preferences", CustomerEdit { preferences: Some(vec![pref(&"c".repeat(41), "M")]), ..edit(ana.id) }),
        ("preferences", CustomerEdit { preferences: Some(vec![pref("Likes", &"v".repeat(121))]), ..edit(ana.id) }),
        ("preferences", CustomerEdit { preferences: Some(vec![pref("Likes", "  ")]), ..edit(ana.id) }),
        (
            "preferences",
            CustomerEdit {
                preferences: Some((0..31).map(|i| pref("Likes", &format!("Thing {i}"))).collect()),
                ..edit(ana.id)
            },
        ),
    ];
    let outbox = t.count("outbox");
    for (field, bad) in cases {
        let errors = field_errors(t.desk.update_customer(&bad).expect_err("refused"));
        assert_eq!(errors.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), [field], "{bad:?}: {errors:?}");
        assert!(!errors[0].1.is_empty());
    }
    let page = t.desk.customer_page(ana.id).expect("page").customer;
    assert!(page.important_dates.is_empty() && page.preferences.is_empty(), "nothing refused was saved");
    assert_eq!(t.count("outbox"), outbox, "nothing refused goes to the server");

    // A check-in sent twice (a double press, a retry after a timeout) is one follow-up.
    let mut log = visit(&t, Some(ana.id));
    log.check_in = Some(CheckIn { in_days: 3, about: "See if the repair held".into(), route: None });
    let first = t.desk.log_interaction(&log).expect("logged");
    let again = t.desk.log_interaction(&log).expect("the same answer");
    assert_eq!(again.interaction_id, first.interaction_id);
    assert_eq!(again.check_in_id, first.check_in_id, "the second press answers with the first check-in");
    let check_ins = t
        .desk
        .my_follow_ups()
        .expect("mine")
        .into_iter()
        .filter(|f| f.kind == FollowUpKind::CheckIn && f.customer.as_ref().map(|c| c.id) == Some(ana.id))
        .count();
    assert_eq!(check_ins, 1);
    let mut hostile = visit(&t, Some(ana.id));
    hostile.check_in = Some(CheckIn { in_days: 3, about: "Call\u{0}back".into(), route: None });
    let errors = field_errors(t.desk.log_interaction(&hostile).expect_err("refused"));
    assert_eq!(errors[0].0, "check_in", "{errors:?}");
}

#[test]
fn an_after_visit_check_in_is_in_my_follow_ups_with_the_visit_and_a_refused_one_saves_nothing() {
    let mut t = TestDesk::new();
    let ana = t.customer_with("Ana Costa", "07911 123456", "");
    let mut log = visit(&t, Some(ana.id)).reason("Repair");
    log.check_in = Some(CheckIn { in_days: 3, about: "  see if the repair held ".into(), route: None });
    let logged = t.log(log);
    let id = logged.check_in_id.expect("a check-in");
    let mine = t.desk.my_follow_ups().expect("mine");
    let check_in = mine.iter().find(|f| f.id == id).expect("listed");
    assert_eq!(check_in.kind, FollowUpKind::CheckIn);
    assert_eq!(check_in.promise, "see if the repair held");
    assert_eq!(check_in.route, Some(FollowUpRoute::Phone));
    assert_eq!(check_in.due_at, t0() + Duration::days(3));
    assert_eq!(check_in.why, Some(FollowUpWhy::CheckIn { visit_at: Some(t0()) }));
    assert_eq!(check_in.interaction_id, Some(logged.interaction_id));

    t.desk
        .update_customer(&CustomerEdit { contact_phone: Some(refused(ConsentSource::InPerson)), ..edit(ana.id) })
        .expect("saved");
    let before = t.count("interactions");
    let mut log = visit(&t, Some(ana.id));
    log.check_in = Some(CheckIn { in_days: 3, about: "Call back".into(), route: Some(FollowUpRoute::Phone) });
    let errors = field_errors(t.desk.log_interaction(&log).expect_err("refused"));
    assert_eq!(errors[0].0, "check_in");
    assert_eq!(t.count("interactions"), before, "the conversation is not half saved");
    let mut log = visit(&t, None);
    log.check_in = Some(CheckIn { in_days: 0, about: String::new(), route: None });
    let errors = field_errors(t.desk.log_interaction(&log).expect_err("refused"));
    assert_eq!(errors.len(), 3, "no customer, no days, nothing to check: {errors:?}");
}

#[test]
fn reminders_come_due_for_the_keeper_once_and_a_conversation_closes_the_stay_in_touch_one() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Costa");
    let me = t.desk.staff_id();
    t.log(visit(&t, Some(ana.id)));
    t.desk
        .update_customer(&CustomerEdit {
            important_dates: Some(vec![birthday(12, 12)]),
            keep_in_touch: Some(KeepInTouch { keeper_staff_id: Some(me), every_days: 14, remind_dates: true }),
            ..edit(ana.id)
        })
        .expect("saved");
    assert_eq!(t.desk.raise_reminders().expect("sweep"), 0, "just seen, and the birthday is weeks away");

    t.clock.set(Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap());
    assert_eq!(t.desk.raise_reminders().expect("sweep"), 2, "a birthday within the week, 14 days since the visit soon");
    assert_eq!(t.desk.raise_reminders().expect("sweep"), 0, "raised once");
    let mine = t.desk.my_follow_ups().expect("mine");
    let stay = mine.iter().find(|f| f.kind == FollowUpKind::StayInTouch).expect("stay in touch");
    assert_eq!(stay.why, Some(FollowUpWhy::StayInTouch { every_days: 14, last_conversation: Some(t0()) }));
    assert_eq!(stay.due_at, Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap());
    let date = mine.iter().find(|f| f.kind == FollowUpKind::ImportantDate).expect("birthday");
    assert_eq!(date.why, Some(FollowUpWhy::ImportantDate { date: birthday(12, 12) }));
    assert_eq!(date.due_at, Utc.with_ymd_and_hms(2026, 12, 12, 10, 0, 0).unwrap());
    assert_eq!(date.promise, "Birthday on 12 Dec");
    let ops: Vec<bool> = t
        .desk
        .pending_ops(1000)
        .expect("outbox")
        .into_iter()
        .filter_map(|op| match op.body {
            OpBody::FollowUpPatch(p) if p.kind.is_some_and(|k| k != FollowUpKind::CheckIn) => Some(p.only_if_new),
            _ => None,
        })
        .collect();
    assert_eq!(ops, [true, true], "reminders travel as create-only patches");

    t.log(visit(&t, Some(ana.id)));
    let stay = t.desk.my_closed_follow_ups().expect("closed");
    assert_eq!(stay.len(), 1);
    assert_eq!(stay[0].kind, FollowUpKind::StayInTouch);
    assert_eq!(stay[0].status, FollowUpStatus::Done);
    assert!(stay[0].resolution.as_deref().is_some_and(|r| r.contains("conversation was logged")));
    assert_eq!(t.desk.raise_reminders().expect("sweep"), 0, "the cadence starts again from today");
}

#[test]
fn before_you_start_puts_an_overdue_promise_and_an_unhappy_visit_first_and_says_at_most_three_things() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Costa");
    t.desk
        .update_customer(&CustomerEdit {
            important_dates: Some(vec![birthday(11, 26)]),
            preferences: Some(vec![Preference { category: "Size".into(), value: "M".into() }]),
            contact_phone: Some(refused(ConsentSource::InPerson)),
            ..edit(ana.id)
        })
        .expect("saved");
    let page = t.desk.customer_page(ana.id).expect("page");
    let kinds: Vec<&str> = page.before_you_start.iter().map(kind).collect();
    assert_eq!(kinds, ["date_soon", "no_contact", "prefers"]);
    assert!(matches!(&page.before_you_start[0], HeadsUp::DateSoon { days: 3, .. }));

    let logged = t.log(visit(&t, Some(ana.id)).felt(Feeling::VeryUnhappy).reason("Broken zip"));
    let p = logged.proposal.expect("proposal");
    t.desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(ana.id),
            interaction_id: Some(p.interaction_id),
            owner_staff_id: p.owner_staff_id,
            due_at: p.due_at,
            promise: "Replace the zip".into(),
            route: Some(p.route),
            kind: None,
        })
        .expect("follow-up");
    t.clock.advance(Duration::days(2));
    let page = t.desk.customer_page(ana.id).expect("page");
    let kinds: Vec<&str> = page.before_you_start.iter().map(kind).collect();
    assert_eq!(kinds, ["open_follow_up", "unhappy_last_visit", "date_soon"]);
    assert!(
        matches!(&page.before_you_start[0], HeadsUp::OpenFollowUp { overdue: true, promise, .. } if promise == "Replace the zip")
    );
    assert!(
        matches!(&page.before_you_start[1], HeadsUp::UnhappyLastVisit { reason: Some(r), .. } if r == "Broken zip")
    );
}

fn kind(h: &HeadsUp) -> &'static str {
    match h {
        HeadsUp::OpenFollowUp { .. } => "open_follow_up",
        HeadsUp::UnhappyLastVisit { .. } => "unhappy_last_visit",
        HeadsUp::DateSoon { .. } => "date_soon",
        HeadsUp::PromisedLastTime { .. } => "promised_last_time",
        HeadsUp::NoContact { .. } => "no_contact",
        HeadsUp::Prefers { .. } => "prefers",
        HeadsUp::FirstVisitAnniversary { .. } => "first_visit_anniversary",
    }
}

#[test]
fn the_follow_ups_and_at_risk_exports_say_which_channels_not_to_use() {
    let mut t = TestDesk::new();
    let ana = t.customer_with("Ana Costa", "07911 123456", "");
    t.desk
        .update_customer(&CustomerEdit { contact_phone: Some(refused(ConsentSource::InPerson)), ..edit(ana.id) })
        .expect("saved");
    let p = t.log(visit(&t, Some(ana.id)).nps(2)).proposal.expect("proposal");
    t.desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(ana.id),
            interaction_id: Some(p.interaction_id),
            owner_staff_id: p.owner_staff_id,
            due_at: p.due_at,
            promise: "Make it right".into(),
            route: Some(p.route),
            kind: None,
        })
        .expect("follow-up");
    let file = t
        .desk
        .export_follow_ups(t0() - Duration::days(1), t0() + Duration::days(1), &BoardFilter::default())
        .expect("export");
    let csv = std::fs::read_to_string(&file.path).expect("file");
    assert!(csv.contains("kind,route,do_not_contact"), "{csv}");
    assert!(csv.contains(r#"recovery,sms,"phone (refused 21 Nov 2026, in person)""#), "{csv}");
    let file = t.desk.export_at_risk().expect("export");
    let csv = std::fs::read_to_string(&file.path).expect("file");
    assert!(csv.contains("phone (refused 21 Nov 2026, in person)"), "{csv}");
}

#[test]
fn erasing_a_customer_erases_their_dates_preferences_and_answers() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Costa");
    let me = t.desk.staff_id();
    t.desk
        .update_customer(&CustomerEdit {
            important_dates: Some(vec![birthday(11, 25)]),
            preferences: Some(vec![Preference { category: "Likes".into(), value: "Espresso".into() }]),
            contact_sms: Some(refused(ConsentSource::Written)),
            keep_in_touch: Some(KeepInTouch { keeper_staff_id: Some(me), every_days: 0, remind_dates: true }),
            ..edit(ana.id)
        })
        .expect("saved");
    assert_eq!(t.desk.raise_reminders().expect("sweep"), 1);
    t.desk.erase_customer(ana.id).expect("erased");
    let row: (String, String, Option<String>, Option<String>) = t
        .desk
        .connection()
        .query_row(
            "SELECT important_dates, preferences, contact_sms, keep_in_touch FROM customers WHERE id = ?1",
            [ana.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("stub");
    assert_eq!(row, ("[]".into(), "[]".into(), None, None));
    let occasion: Option<String> =
        t.desk.connection().query_row("SELECT occasion FROM follow_ups", [], |r| r.get(0)).expect("reminder");
    assert_eq!(occasion, None, "the reminder keeps its place, not the birthday");
    assert_eq!(t.desk.raise_reminders().expect("sweep"), 0, "nobody keeps in touch with an erased customer");
}

#[test]
fn desktop_notices_are_off_by_default_never_name_the_customer_and_come_once() {
    use touchpoint_core::follow_ups::notices::NoticeKind;
    use touchpoint_core::staff::NewStaff;
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Costa");
    let me = t.desk.staff_id();
    let rui = t
        .desk
        .add_staff(&NewStaff {
            name: "Rui".into(),
            role: touchpoint_core::protocol::Role::Frontline,
            pin: String::new(),
        })
        .expect("staff")
        .id;
    let for_me = |t: &mut TestDesk, due: chrono::DateTime<Utc>, promise: &str| {
        t.desk
            .create_follow_up(&NewFollowUp {
                customer_id: Some(ana.id),
                interaction_id: None,
                owner_staff_id: me,
                due_at: due,
                promise: promise.into(),
                route: None,
                kind: None,
            })
            .expect("follow-up")
    };
    t.desk.sign_in(rui, None).expect("Rui at the desk");
    let before = for_me(&mut t, t0() + Duration::days(2), "Ring Ana about the refund");
    t.desk.sign_in(me, None).expect("back");
    assert!(!t.desk.notification_settings().expect("settings").enabled, "off until the person turns them on");
    assert!(t.desk.take_notices().expect("notices").is_empty());
    t.desk.set_notifications(true, "pt-PT").expect("on");
    assert!(t.desk.take_notices().expect("notices").is_empty(), "turning them on does not replay the list");

    t.desk.sign_in(rui, None).expect("Rui at the desk");
    let given = for_me(&mut t, t0() + Duration::minutes(10), "Ring Ana Costa back");
    t.desk.sign_in(me, None).expect("back");
    let notices = t.desk.take_notices().expect("notices");
    let kinds: Vec<(uuid::Uuid, NoticeKind)> = notices.iter().map(|n| (n.follow_up_id, n.kind)).collect();
    assert_eq!(kinds, [(given.id, NoticeKind::Assigned), (given.id, NoticeKind::DueSoon)]);
    for n in &notices {
        assert!(!n.body.contains("Ana") && !n.title.contains("Ana") && !n.body.contains("Ring"), "{n:?}");
        assert!(n.body.contains("seguimento"), "worded in the person's language: {n:?}");
    }
    assert!(t.desk.take_notices().expect("notices").is_empty(), "each notice once");
    t.clock.advance(Duration::days(2) - Duration::minutes(10));
    let due: Vec<uuid::Uuid> = t.desk.take_notices().expect("notices").iter().map(|n| n.follow_up_id).collect();
    assert_eq!(due, [before.id], "15 minutes before its due time");
    t.desk.set_notifications(false, "en").expect("off");
    let soon = t.desk.now() + Duration::minutes(5);
    for_me(&mut t, soon, "Mine, due soon");
    assert!(t.desk.take_notices().expect("notices").is_empty(), "off means off");
}
