//! The closed loop: a conversation that went badly proposes a follow-up (nothing is created
//! until staff accept), accepted follow-ups are listed for their owner most overdue first,
//! and closing one records the resolution and how the customer feels now.

mod support;

use chrono::Duration;
use support::{t0, visit, LogExt, TestDesk};
use touchpoint_core::follow_ups::{proposal_reasons, CloseFollowUp, DueState, NewFollowUp, ProposalReason};
use touchpoint_core::protocol::{Feeling, FollowUpStatus, OpBody, Outcome};
use touchpoint_core::CoreError;

#[test]
fn detractors_low_csat_unhappy_feelings_and_follow_up_needed_propose_a_follow_up() {
    use ProposalReason::*;
    assert_eq!(proposal_reasons(Outcome::Resolved, Some(Feeling::Happy), Some(4), Some(9)), vec![]);
    assert_eq!(proposal_reasons(Outcome::Resolved, None, None, Some(7)), vec![], "7 is passive, not a detractor");
    assert_eq!(proposal_reasons(Outcome::Resolved, None, None, Some(6)), vec![Detractor { nps: 6 }]);
    assert_eq!(proposal_reasons(Outcome::Resolved, None, Some(2), None), vec![LowCsat { csat: 2 }]);
    assert_eq!(proposal_reasons(Outcome::Resolved, None, Some(3), None), vec![]);
    assert_eq!(
        proposal_reasons(Outcome::FollowUpNeeded, Some(Feeling::VeryUnhappy), None, None),
        vec![FollowUpNeeded, Unhappy { feeling: Feeling::VeryUnhappy }]
    );
    assert_eq!(proposal_reasons(Outcome::Resolved, Some(Feeling::Neutral), None, None), vec![]);
}

#[test]
fn a_detractor_log_returns_a_proposal_but_creates_nothing_until_accepted() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Souza");
    let logged = t.log(visit(&t, Some(ana.id)).nps(3).reason("Late delivery"));
    let proposal = logged.proposal.expect("a proposal");
    assert_eq!(proposal.reasons, vec![ProposalReason::Detractor { nps: 3 }]);
    assert_eq!(proposal.customer_id, Some(ana.id));
    assert_eq!(proposal.interaction_id, logged.interaction_id);
    assert_eq!(proposal.owner_staff_id, t.desk.staff_id());
    assert!(proposal.due_at > t0() + Duration::hours(23) && proposal.due_at <= t0() + Duration::hours(24));
    assert!(proposal.promise.contains("Late delivery"));
    assert_eq!(t.count("follow_ups"), 0);

    let happy = t.log(visit(&t, Some(ana.id)).felt(Feeling::Happy).csat(5));
    assert_eq!(happy.proposal, None);
}

#[test]
fn accepted_follow_up_is_listed_for_its_owner_and_closed_with_a_re_measure() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Souza");
    let ben = t.customer("Ben Ode");
    let logged = t.log(visit(&t, Some(ana.id)).csat(1));
    let p = logged.proposal.expect("proposal");
    let later = t
        .desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(ben.id),
            interaction_id: None,
            owner_staff_id: t.desk.staff_id(),
            due_at: t0() + Duration::days(3),
            promise: "Send the catalogue".into(),
            route: None,
            kind: None,
        })
        .expect("created");
    let sooner = t
        .desk
        .create_follow_up(&NewFollowUp {
            customer_id: p.customer_id,
            interaction_id: Some(p.interaction_id),
            owner_staff_id: p.owner_staff_id,
            due_at: p.due_at,
            promise: "Call back about the refund".into(),
            route: None,
            kind: None,
        })
        .expect("created");
    assert_eq!(sooner.status, FollowUpStatus::Open);
    assert_eq!(sooner.customer.as_ref().map(|c| c.name.as_str()), Some("Ana Souza"));

    let mine: Vec<_> = t.desk.my_follow_ups().expect("mine").into_iter().map(|f| f.id).collect();
    assert_eq!(mine, vec![sooner.id, later.id], "soonest due first");

    t.clock.advance(Duration::days(2) + Duration::hours(1));
    let overdue = t.desk.my_follow_ups().expect("mine");
    assert_eq!(overdue[0].due_state, DueState::Overdue);
    assert_eq!(overdue[1].due_state, DueState::DueToday);

    let closed = t
        .desk
        .close_follow_up(&CloseFollowUp {
            follow_up_id: sooner.id,
            status: FollowUpStatus::Done,
            resolution: "Refund sent; she was relieved".into(),
            feeling_after: Some(Feeling::Happy),
        })
        .expect("closed");
    assert_eq!(closed.status, FollowUpStatus::Done);
    assert_eq!(closed.feeling_after, Some(Feeling::Happy));
    assert_eq!(closed.closed_at, Some(t0() + Duration::days(2) + Duration::hours(1)));
    assert_eq!(closed.closed_by.as_deref(), Some("Store manager"));
    assert_eq!(t.desk.my_follow_ups().expect("mine").len(), 1);
    assert_eq!(t.desk.my_closed_follow_ups().expect("closed").len(), 1);

    let kinds: Vec<String> = t.desk.pending_ops(50).expect("ops").iter().map(|o| o.body.kind().to_owned()).collect();
    assert_eq!(kinds.iter().filter(|k| *k == "follow_up_patch").count(), 3, "two created, one closed: {kinds:?}");
    let ops = t.desk.pending_ops(50).expect("ops");
    let OpBody::FollowUpPatch(close) = &ops.last().expect("last op").body else { panic!("close op expected") };
    assert_eq!(close.status, Some(FollowUpStatus::Done));
    assert_eq!(close.owner_staff_id, None, "closing only sends the fields it changes");
}

#[test]
fn bad_follow_ups_and_bad_closes_are_refused() {
    let mut t = TestDesk::new();
    let err = t
        .desk
        .create_follow_up(&NewFollowUp {
            customer_id: None,
            interaction_id: None,
            owner_staff_id: uuid::Uuid::now_v7(),
            due_at: t0() - Duration::days(1),
            promise: "  ".into(),
            route: None,
            kind: None,
        })
        .expect_err("refused");
    let CoreError::Validation { fields, .. } = err else { panic!("validation expected") };
    let mut names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    names.sort();
    assert_eq!(names, ["due_at", "owner_staff_id", "promise"]);
    assert_eq!(t.count("follow_ups"), 0);

    let f = t
        .desk
        .create_follow_up(&NewFollowUp {
            customer_id: None,
            interaction_id: None,
            owner_staff_id: t.desk.staff_id(),
            due_at: t0() + Duration::hours(2),
            promise: "Ring back".into(),
            route: None,
            kind: None,
        })
        .expect("created");
    let no_feeling_when_unreached = CloseFollowUp {
        follow_up_id: f.id,
        status: FollowUpStatus::CouldNotReach,
        resolution: "Voicemail twice".into(),
        feeling_after: Some(Feeling::Happy),
    };
    assert!(t.desk.close_follow_up(&no_feeling_when_unreached).is_err());
    let reopen =
        CloseFollowUp { status: FollowUpStatus::Open, feeling_after: None, ..no_feeling_when_unreached.clone() };
    assert!(t.desk.close_follow_up(&reopen).is_err());
    let ok = CloseFollowUp { feeling_after: None, ..no_feeling_when_unreached };
    assert_eq!(t.desk.close_follow_up(&ok).expect("closed").status, FollowUpStatus::CouldNotReach);
    assert!(t.desk.close_follow_up(&ok).is_err(), "already closed");
}
