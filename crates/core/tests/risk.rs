//! At-risk customers and why: each rule names its reason so staff see *why*, not a score.

mod support;

use chrono::Duration;
use support::{t0, visit, LogExt, TestDesk};
use touchpoint_core::follow_ups::NewFollowUp;
use touchpoint_core::protocol::{Feeling, Outcome};
use touchpoint_core::risk::RiskReason;

fn risk(t: &TestDesk, id: uuid::Uuid) -> Vec<RiskReason> {
    t.desk.open_customer(id).expect("page").summary.risk
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
    let s = t.desk.open_customer(ana.id).expect("page").summary;
    assert_eq!(s.visits, 4);
    assert_eq!(s.last_feeling, Some(Feeling::Unhappy));
    assert_eq!(s.trend, Some(touchpoint_core::customer_page::Trend::Worsening));
    let feelings: Vec<Feeling> = s.feelings.iter().map(|p| p.feeling).collect();
    assert_eq!(feelings, [Feeling::Happy, Feeling::VeryHappy, Feeling::Happy, Feeling::Unhappy]);
    assert!(s.open_follow_ups.is_empty());
}
