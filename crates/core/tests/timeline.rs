//! The customer's timeline: corrections are new events shown with the original, follow-ups
//! appear when opened and closed, and long histories come in pages that can be filtered.

mod support;

use chrono::Duration;
use support::{t0, visit, LogExt, TestDesk};
use touchpoint_core::customers::page::{TimelineEntry, TimelineQuery};
use touchpoint_core::follow_ups::{CloseFollowUp, NewFollowUp};
use touchpoint_core::interactions::amendments::AmendInteraction;
use touchpoint_core::protocol::{ContactChannel, FollowUpStatus, InteractionChanges, Outcome};
use touchpoint_core::CoreError;

#[test]
fn an_amendment_shows_the_corrected_values_beside_what_was_logged() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    let logged = t.log(visit(&t, Some(ana.id)).reason("Refund").outcome(Outcome::Unresolved));
    t.clock.advance(Duration::minutes(5));
    t.desk
        .amend_interaction(&AmendInteraction {
            interaction_id: logged.interaction_id,
            changes: InteractionChanges {
                outcome: Some(Outcome::Resolved),
                touch_point_id: Some(t.touch_point("Returns desk")),
                ..Default::default()
            },
            note: Some("Manager approved the refund after all".into()),
        })
        .expect("amended");

    let page = t.desk.customer_page(ana.id).expect("page");
    let TimelineEntry::Interaction(entry) = &page.timeline.entries[0] else { panic!("interaction expected") };
    assert_eq!(entry.current.outcome, Outcome::Resolved);
    assert_eq!(entry.current.touch_point, "Returns desk");
    assert_eq!(entry.current.reason.as_deref(), Some("Refund"), "untouched fields keep their value");
    assert_eq!(entry.amendments.len(), 1);
    let a = &entry.amendments[0];
    assert_eq!(a.before.outcome, Outcome::Unresolved, "the original is kept");
    assert_eq!(a.before.touch_point, "Service desk");
    assert_eq!(a.fields, ["touch_point", "outcome"]);
    assert_eq!(a.note.as_deref(), Some("Manager approved the refund after all"));
    assert_eq!(a.staff, "Store manager");
    assert_eq!(page.summary.last_visit.expect("last visit").outcome, Outcome::Resolved);
    assert!(page.summary.risk.is_empty(), "corrected to resolved, so no longer an unresolved last visit");

    let original: String = t
        .desk
        .connection()
        .query_row("SELECT outcome FROM interactions WHERE id = ?1", [logged.interaction_id.to_string()], |r| r.get(0))
        .expect("row");
    assert_eq!(original, "unresolved", "the logged row is never rewritten");
    assert!(t.desk.pending_ops(20).expect("ops").iter().any(|o| o.body.kind() == "interaction_amended"));
}

#[test]
fn an_empty_or_unknown_amendment_is_refused() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    let logged = t.log(visit(&t, Some(ana.id)));
    let empty = AmendInteraction { interaction_id: logged.interaction_id, changes: Default::default(), note: None };
    assert!(matches!(t.desk.amend_interaction(&empty), Err(CoreError::Validation { .. })));
    let unknown = AmendInteraction { interaction_id: uuid::Uuid::now_v7(), ..empty };
    assert!(matches!(t.desk.amend_interaction(&unknown), Err(CoreError::NotFound { .. })));
    assert_eq!(t.count("amendments"), 0);
}

#[test]
fn follow_ups_appear_on_the_timeline_when_opened_and_closed() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    t.log(visit(&t, Some(ana.id)).csat(1));
    t.clock.advance(Duration::minutes(1));
    let f = t
        .desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(ana.id),
            interaction_id: None,
            owner_staff_id: t.desk.staff_id(),
            due_at: t0() + Duration::days(1),
            promise: "Call back".into(),
            route: None,
            kind: None,
        })
        .expect("created");
    t.clock.advance(Duration::hours(3));
    t.desk
        .close_follow_up(&CloseFollowUp {
            follow_up_id: f.id,
            status: FollowUpStatus::Done,
            resolution: "Sorted".into(),
            feeling_after: None,
        })
        .expect("closed");
    let entries = t.desk.customer_page(ana.id).expect("page").timeline.entries;
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| match e {
            TimelineEntry::Interaction(_) => "interaction",
            TimelineEntry::FollowUpOpened(_) => "opened",
            TimelineEntry::FollowUpClosed(_) => "closed",
        })
        .collect();
    assert_eq!(kinds, ["closed", "opened", "interaction"]);
}

#[test]
fn long_histories_page_without_gaps_or_repeats_and_filter_by_touch_point_and_channel() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    let phone = t.touch_point("Phone support");
    for i in 0..250 {
        let mut entry = visit(&t, Some(ana.id)).at(t0() - Duration::minutes(i));
        if i % 5 == 0 {
            entry.touch_point_id = phone;
            entry.channel = ContactChannel::Phone;
        }
        t.log(entry);
    }
    let mut seen = Vec::new();
    let mut q = TimelineQuery { limit: Some(100), ..Default::default() };
    loop {
        let page = t.desk.customer_timeline(ana.id, &q).expect("page");
        for e in &page.entries {
            seen.push(e.at());
        }
        match page.next {
            Some(next) => q.before = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 250);
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats");

    let by_phone = t
        .desk
        .customer_timeline(
            ana.id,
            &TimelineQuery { touch_point_id: Some(phone), limit: Some(500), ..Default::default() },
        )
        .expect("filtered");
    assert_eq!(by_phone.entries.len(), 50);
    let by_channel = t
        .desk
        .customer_timeline(
            ana.id,
            &TimelineQuery { channel: Some(ContactChannel::InPerson), limit: Some(500), ..Default::default() },
        )
        .expect("filtered");
    assert_eq!(by_channel.entries.len(), 200);
}
