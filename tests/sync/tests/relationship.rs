//! Keeping a relationship warm across desks: a reminder two desks raise offline is one
//! follow-up, and a desk that raises it late never reopens the one a colleague closed; a
//! refusal of calls recorded at one desk stops the other from proposing a call; and a till
//! pushing hostile relationship details (control characters, over-long or too many dates and
//! preferences, a keeper the server does not know or who works elsewhere) has each such op
//! refused on its own while the good ones land.

use std::sync::atomic::Ordering;

use chrono::{Datelike, Duration, Utc};
use serde_json::json;
use touchpoint_core::customers::{CustomerEdit, NewCustomer};
use touchpoint_core::follow_ups::{CloseFollowUp, NewFollowUp};
use touchpoint_core::protocol::{
    ChannelConsent, ConsentSource, DateKind, Feeling, FollowUpKind, FollowUpRoute, FollowUpStatus, ImportantDate,
    KeepInTouch,
};
use touchpoint_core::CoreError;
use touchpoint_protocol::{OpStatus, Preference, RejectCode};
use touchpoint_sync_tests::{api_for, op_variant, TestDesk, TestServer};

fn offline(desk: &TestDesk, cut: bool) {
    desk.engine.transport().offline.store(cut, Ordering::SeqCst);
}

async fn sync_all(desks: &[&TestDesk]) {
    for _ in 0..2 {
        for d in desks {
            d.sync().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_birthday_reminder_raised_on_two_desks_offline_is_one_follow_up_and_stays_closed() {
    let server = TestServer::start().await;
    let supervisor = TestDesk::enrolled(&server, server.supervisor).await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let today = Utc::now().date_naive();
    let ana = supervisor
        .with(|d| {
            let c = d.create_customer(&NewCustomer { name: "Ana Costa".into(), ..Default::default() })?;
            d.update_customer(&CustomerEdit {
                customer_id: c.id,
                important_dates: Some(vec![ImportantDate {
                    kind: DateKind::Birthday,
                    label: None,
                    month: today.month() as u8,
                    day: today.day() as u8,
                    year: None,
                }]),
                keep_in_touch: Some(KeepInTouch {
                    keeper_staff_id: Some(server.frontline),
                    every_days: 0,
                    remind_dates: true,
                }),
                ..Default::default()
            })
        })
        .expect("customer");
    sync_all(&[&supervisor, &till]).await;

    offline(&supervisor, true);
    offline(&till, true);
    assert_eq!(till.with(|d| d.raise_reminders()).expect("till"), 1);
    assert_eq!(supervisor.with(|d| d.raise_reminders()).expect("supervisor"), 1, "it does not know the till did");
    let reminder = till.with(|d| d.my_follow_ups()).expect("mine").into_iter().next().expect("the reminder");
    assert_eq!(reminder.kind, FollowUpKind::ImportantDate);
    assert_eq!(reminder.owner.id, server.frontline, "the keeper owns it, whichever desk raised it");
    till.with(|d| {
        d.close_follow_up(&CloseFollowUp {
            follow_up_id: reminder.id,
            status: FollowUpStatus::Done,
            resolution: "Wished her a happy birthday at the till".into(),
            feeling_after: Some(Feeling::VeryHappy),
        })
    })
    .expect("closed");

    // The till's reminder and close land first; the supervisor's copy of the reminder, stamped
    // later, arrives after them.
    offline(&till, false);
    till.sync().await;
    offline(&supervisor, false);
    sync_all(&[&supervisor, &till]).await;

    for desk in [&supervisor, &till] {
        let all = desk.with(|d| d.customer_page(ana.id)).expect("page").summary.open_follow_ups;
        assert!(all.is_empty(), "nothing open again: {all:?}");
        let rows: Vec<(String, String)> = desk
            .with(|d| {
                let mut stmt =
                    d.connection().prepare("SELECT id, status FROM follow_ups WHERE kind = 'important_date'")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .expect("rows");
        assert_eq!(rows, vec![(reminder.id.to_string(), "done".to_owned())], "one follow-up, closed, on every desk");
    }
    let on_server = server
        .count(&format!(
            "SELECT count(*) FROM follow_ups WHERE follow_up_id = '{}' AND fields->>'status' = 'done'",
            reminder.id
        ))
        .await;
    assert_eq!(on_server, 1, "the server holds it once, closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_of_calls_recorded_at_one_desk_stops_the_other_from_proposing_a_call() {
    let server = TestServer::start().await;
    let supervisor = TestDesk::enrolled(&server, server.supervisor).await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let ana = supervisor
        .with(|d| {
            d.create_customer(&NewCustomer {
                name: "Ana Costa".into(),
                phone: "+351 912 345 678".into(),
                ..Default::default()
            })
        })
        .expect("customer");
    supervisor
        .with(|d| {
            d.update_customer(&CustomerEdit {
                customer_id: ana.id,
                contact_phone: Some(ChannelConsent {
                    allowed: false,
                    at: Utc::now() - Duration::minutes(1),
                    how: ConsentSource::InPerson,
                }),
                ..Default::default()
            })
        })
        .expect("refusal recorded");
    sync_all(&[&supervisor, &till]).await;

    let logged = till
        .with(|d| {
            let tp = d.touch_points()?[0].id;
            d.log_interaction(&touchpoint_core::interactions::LogInteraction {
                submission_id: uuid::Uuid::now_v7(),
                customer_id: Some(ana.id),
                touch_point_id: tp,
                channel: touchpoint_core::protocol::ContactChannel::InPerson,
                reason: Some("Late delivery".into()),
                outcome: touchpoint_core::protocol::Outcome::Escalated,
                duration_secs: None,
                summary: None,
                feeling: Some(Feeling::Unhappy),
                csat: None,
                nps: None,
                ces: None,
                verbatim: None,
                occurred_at: None,
                check_in: None,
            })
        })
        .expect("logged");
    let proposal = logged.proposal.expect("an unhappy visit proposes a follow-up");
    assert_eq!(proposal.route, FollowUpRoute::Sms, "not a call: SMS to the number on file");
    assert_eq!(proposal.refused.len(), 1);
    let refused = till
        .with(|d| {
            d.create_follow_up(&NewFollowUp {
                customer_id: Some(ana.id),
                interaction_id: Some(proposal.interaction_id),
                owner_staff_id: proposal.owner_staff_id,
                due_at: proposal.due_at,
                promise: "Call about the delivery".into(),
                route: Some(FollowUpRoute::Phone),
                kind: None,
            })
        })
        .expect_err("a call is refused");
    assert!(matches!(refused, CoreError::Validation { ref fields, .. } if fields[0].field == "route"), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_relationship_details_from_a_till_are_refused_op_by_op_and_the_good_ones_land() {
    let server = TestServer::start().await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let supervisor = TestDesk::enrolled(&server, server.supervisor).await;
    let (_, elsewhere) = server.another_store("Faro", "Rui Faro").await;
    let ana = till.customer("Ana Costa");
    let ops = till.with(|d| d.outbox_batch(10, 1 << 20)).expect("batch");
    let patch = &ops[0];
    let api = api_for(&server, &till).await;

    let date = |label: String| {
        json!([ImportantDate { kind: DateKind::Other, label: Some(label), month: 5, day: 4, year: None }])
    };
    let birthdays = json!((1..=11)
        .map(|d| ImportantDate {
            kind: DateKind::Other,
            label: Some(format!("Date {d}")),
            month: 1,
            day: d,
            year: None
        })
        .collect::<Vec<_>>());
    let pref = |category: &str, value: &str| Preference { category: category.into(), value: value.into() };
    let many: Vec<Preference> = (0..31).map(|i| pref("Likes", &format!("Thing {i}"))).collect();
    let keep = |keeper: uuid::Uuid, every_days: u16| {
        json!(KeepInTouch { keeper_staff_id: Some(keeper), every_days, remind_dates: true })
    };
    let stranger = uuid::Uuid::now_v7();
    let batch = vec![
        op_variant(patch, |b| b["important_dates"] = date("Wedding\u{0}day".into())),
        op_variant(patch, |b| b["important_dates"] = date("x".repeat(81))),
        op_variant(patch, |b| b["important_dates"] = birthdays),
        op_variant(patch, |b| b["preferences"] = json!([pref("Size", "M\u{0}")])),
        op_variant(patch, |b| b["preferences"] = json!([pref("Likes", &"v".repeat(121))])),
        op_variant(patch, |b| b["preferences"] = json!(many)),
        op_variant(patch, |b| b["keep_in_touch"] = keep(server.frontline, 5000)),
        op_variant(patch, |b| b["keep_in_touch"] = keep(stranger, 90)),
        op_variant(patch, |b| b["keep_in_touch"] = keep(elsewhere, 90)),
        op_variant(patch, |b| b["keep_in_touch"] = keep(server.frontline, 90)),
        serde_json::to_value(patch).expect("op"),
    ];
    let answer = api.push_ops(batch).await;
    let codes: Vec<Option<RejectCode>> = answer
        .results
        .iter()
        .map(|r| match &r.status {
            OpStatus::Applied => None,
            OpStatus::Rejected { code, message } => {
                assert!(!message.is_empty());
                Some(*code)
            }
            other => panic!("{other:?}"),
        })
        .collect();
    use RejectCode::*;
    assert_eq!(
        codes,
        [
            Some(Invalid),
            Some(Invalid),
            Some(Invalid),
            Some(Invalid),
            Some(Invalid),
            Some(Invalid),
            Some(Invalid),
            Some(UnknownReference),
            Some(Forbidden),
            None,
            None
        ]
    );
    assert_eq!(server.count("SELECT count(*) FROM rejected_ops").await, 9);

    supervisor.sync().await;
    let seen = supervisor.with(|d| d.customer_page(ana.id)).expect("pulled").customer;
    assert_eq!(seen.keep_in_touch.and_then(|k| k.keeper_staff_id), Some(server.frontline));
    assert!(seen.important_dates.is_empty() && seen.preferences.is_empty(), "nothing refused reached a desk");
}
