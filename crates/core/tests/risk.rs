//! At-risk customers and why: each rule names its reason so staff see *why*, not a score.

mod support;

use chrono::Duration;
use support::{t0, visit, LogExt, TestDesk};
use touchpoint_core::follow_ups::NewFollowUp;
use touchpoint_core::insight::risk::{Recovery, RiskReason};
use touchpoint_core::protocol::{Feeling, Outcome};

fn risk(t: &TestDesk, id: uuid::Uuid) -> Vec<RiskReason> {
    t.desk.customer_page(id).expect("page").summary.risk
}

#[test]
fn two_unhappy_visits_in_thirty_days_put_a_customer_at_risk() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    t.log(visit(&t, Some(ana.id)).felt(Feeling::Unhappy).at(t0() - Duration::days(40)));
    t.log(visit(&t, Some(ana.id)).felt(Feeling::Unhappy).at(t0() - Duration::days(20)));
    assert_eq!(risk(&t, ana.id), vec![], "only one unhappy visit inside the window");
    t.log(visit(&t, Some(ana.id)).csat(2));
    assert_eq!(risk(&t, ana.id), vec![RiskReason::UnhappyVisits { count: 2, days: 30 }]);
}

#[test]
fn an_overdue_follow_up_puts_a_customer_at_risk() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    t.desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(ana.id),
            interaction_id: None,
            owner_staff_id: t.desk.staff_id(),
            due_at: t0() + Duration::hours(1),
            promise: "Call about the refund".into(),
            route: None,
            kind: None,
        })
        .expect("created");
    assert_eq!(risk(&t, ana.id), vec![]);
    t.clock.advance(Duration::hours(2));
    assert_eq!(
        risk(&t, ana.id),
        vec![RiskReason::FollowUpOverdue {
            promise: "Call about the refund".into(),
            due_at: t0() + Duration::hours(1)
        }]
    );
}

#[test]
fn a_recent_detractor_score_is_a_risk_until_a_better_score_replaces_it() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    t.log(visit(&t, Some(ana.id)).nps(4).at(t0() - Duration::days(10)));
    assert!(risk(&t, ana.id).contains(&RiskReason::Detractor { nps: 4, at: t0() - Duration::days(10) }));
    t.log(visit(&t, Some(ana.id)).nps(9));
    assert!(!risk(&t, ana.id).iter().any(|r| matches!(r, RiskReason::Detractor { .. })));
}

#[test]
fn an_unresolved_last_visit_is_a_risk_unless_someone_owns_a_follow_up() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    let logged = t.log(visit(&t, Some(ana.id)).outcome(Outcome::Unresolved));
    assert_eq!(risk(&t, ana.id), vec![RiskReason::LastVisitUnresolved { outcome: Outcome::Unresolved, at: t0() }]);
    t.desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(ana.id),
            interaction_id: Some(logged.interaction_id),
            owner_staff_id: t.desk.staff_id(),
            due_at: t0() + Duration::days(1),
            promise: "Order the part".into(),
            route: None,
            kind: None,
        })
        .expect("created");
    assert_eq!(risk(&t, ana.id), vec![]);
}

#[test]
fn the_summary_tracks_the_feeling_trend_and_open_follow_ups() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    for (days, f) in [(9, Feeling::Happy), (6, Feeling::VeryHappy), (3, Feeling::Happy), (1, Feeling::Unhappy)] {
        t.log(visit(&t, Some(ana.id)).felt(f).at(t0() - Duration::days(days)));
    }
    let s = t.desk.customer_page(ana.id).expect("page").summary;
    assert_eq!(s.visits, 4);
    assert_eq!(s.last_feeling.map(|p| p.feeling), Some(Feeling::Unhappy));
    assert_eq!(s.trend, Some(touchpoint_core::customers::page::Trend::Worsening));
    let feelings: Vec<Feeling> = s.feelings.iter().map(|p| p.feeling).collect();
    assert_eq!(feelings, [Feeling::Happy, Feeling::VeryHappy, Feeling::Happy, Feeling::Unhappy]);
    assert!(s.open_follow_ups.is_empty());
}

#[test]
fn two_good_visits_after_a_detractor_score_clear_it_and_the_page_says_it_recovered() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    t.log(visit(&t, Some(ana.id)).nps(4).at(t0() - Duration::days(10)));
    t.log(visit(&t, Some(ana.id)).felt(Feeling::VeryHappy).at(t0() - Duration::days(5)));
    let detractor = RiskReason::Detractor { nps: 4, at: t0() - Duration::days(10) };
    assert_eq!(risk(&t, ana.id), vec![detractor.clone()], "one good visit is not yet a recovery");

    t.log(visit(&t, Some(ana.id)).felt(Feeling::VeryHappy).at(t0() - Duration::days(1)));
    let s = t.desk.customer_page(ana.id).expect("page").summary;
    assert_eq!(s.risk, vec![]);
    assert_eq!(s.recovered, vec![Recovery { was: detractor, good_visits: 2, last_good_at: t0() - Duration::days(1) }]);
    // The latest NPS is still the 4, and the page knows it is from ten days ago.
    assert_eq!(s.latest_nps.map(|n| (n.value, n.at)), Some((4, t0() - Duration::days(10))));
}

#[test]
fn good_visits_after_unhappy_ones_clear_them_but_an_unhappy_one_in_between_does_not_count() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    t.log(visit(&t, Some(ana.id)).felt(Feeling::Unhappy).at(t0() - Duration::days(12)));
    t.log(visit(&t, Some(ana.id)).felt(Feeling::Unhappy).at(t0() - Duration::days(9)));
    // Happy on the face of it, but a CSAT of 1: not a good visit.
    t.log(visit(&t, Some(ana.id)).felt(Feeling::Happy).csat(1).at(t0() - Duration::days(6)));
    t.log(visit(&t, Some(ana.id)).csat(5).at(t0() - Duration::days(3)));
    assert_eq!(risk(&t, ana.id), vec![RiskReason::UnhappyVisits { count: 3, days: 30 }]);
    t.log(visit(&t, Some(ana.id)).felt(Feeling::Happy).at(t0() - Duration::days(1)));
    let s = t.desk.customer_page(ana.id).expect("page").summary;
    assert_eq!(s.risk, vec![]);
    assert_eq!(s.recovered.len(), 1);
    assert_eq!(s.recovered[0].good_visits, 2);
}

#[test]
fn an_overdue_promise_stays_a_risk_however_well_the_visits_since_went() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    t.desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(ana.id),
            interaction_id: None,
            owner_staff_id: t.desk.staff_id(),
            due_at: t0() + Duration::hours(1),
            promise: "Call about the refund".into(),
            route: None,
            kind: None,
        })
        .expect("created");
    t.clock.advance(Duration::hours(2));
    for _ in 0..3 {
        t.log(visit(&t, Some(ana.id)).felt(Feeling::VeryHappy));
    }
    assert!(matches!(risk(&t, ana.id).as_slice(), [RiskReason::FollowUpOverdue { .. }]));
}
