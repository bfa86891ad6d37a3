//! Insight: the dashboards' figures are computed in SQL from what was logged — NPS, CSAT, CES
//! and the feeling mix by touch point, by person and week by week; reasons and outcomes; the
//! touch point × feeling heat map; a filter changes the numbers; CSV carries them; customers at
//! risk come with their reasons.

mod support;

use chrono::Duration;
use support::{t0, visit, LogExt, TestDesk};
use touchpoint_core::insight::risk::RiskReason;
use touchpoint_core::insight::InsightFilter;
use touchpoint_core::protocol::{Feeling, Outcome, Role};
use touchpoint_core::staff::NewStaff;
use touchpoint_core::CoreError;

fn week() -> InsightFilter {
    InsightFilter {
        from: t0() - Duration::days(14),
        to: t0() + Duration::hours(1),
        store_id: None,
        touch_point_id: None,
        staff_id: None,
    }
}

#[test]
fn scores_feelings_reasons_outcomes_and_the_heat_map_come_from_what_was_logged() {
    let mut t = TestDesk::new();
    let returns = t.touch_point("Returns desk");
    let ana = t.customer("Ana Souza");
    // Service desk: a promoter (NPS 10, CSAT 5, happy) and a detractor (NPS 3, CSAT 2, unhappy).
    t.log(visit(&t, Some(ana.id)).nps(10).csat(5).felt(Feeling::Happy).reason("Refund"));
    t.log(visit(&t, Some(ana.id)).nps(3).csat(2).felt(Feeling::Unhappy).reason("Refund").outcome(Outcome::Escalated));
    // Returns desk, a week earlier: a passive (NPS 8), neutral.
    let mut earlier = visit(&t, None).nps(8).felt(Feeling::Neutral).reason("Exchange").at(t0() - Duration::days(7));
    earlier.touch_point_id = returns;
    t.log(earlier);

    let d = t.desk.insight(&week()).expect("dashboard");
    assert_eq!(d.overall.interactions, 3);
    assert_eq!(d.overall.nps_responses, 3);
    let nps = d.overall.nps.expect("nps");
    assert!((nps - 0.0).abs() < 1e-9, "one promoter, one passive, one detractor: {nps}");
    assert_eq!(d.overall.csat, Some(3.5));
    assert_eq!(d.overall.feelings, [0, 1, 1, 1, 0]);

    let service = d.by_touch_point.iter().find(|g| g.label == "Service desk").expect("service desk");
    assert_eq!(service.scores.interactions, 2);
    assert_eq!(service.scores.nps, Some(0.0));
    let ret = d.by_touch_point.iter().find(|g| g.label == "Returns desk").expect("returns desk");
    assert_eq!((ret.key.as_str(), ret.scores.nps), (returns.to_string().as_str(), Some(0.0)));
    assert_eq!(d.by_staff[0].label, "Store manager");
    assert_eq!(d.by_week.len(), 2, "two weeks with conversations");
    assert!(d.by_week[0].key < d.by_week[1].key, "weeks in order");
    assert_eq!(d.reasons[0].label, "Refund");
    assert_eq!(d.reasons[0].count, 2);
    assert!(d.outcomes.iter().any(|c| c.label == "escalated" && c.count == 1));
    let cell = d.heat_map.iter().find(|c| c.touch_point == "Service desk" && c.feeling == Feeling::Unhappy);
    assert_eq!(cell.expect("cell").count, 1);

    // Filtering by a touch point changes every figure.
    let only_returns = t.desk.insight(&InsightFilter { touch_point_id: Some(returns), ..week() }).expect("filtered");
    assert_eq!(only_returns.overall.interactions, 1);
    assert_eq!(only_returns.overall.nps, Some(0.0));
    assert_eq!(only_returns.overall.feelings, [0, 0, 1, 0, 0]);

    let csv = touchpoint_core::insight::dashboard_csv(&d).expect("csv");
    assert!(csv.lines().any(|l| l.starts_with("touch_point,Service desk,2,0.0,2,3.5,2")), "{csv}");
    assert!(csv.lines().any(|l| l == "reason,Refund,2"), "{csv}");
    assert!(csv.lines().any(|l| l == "heat_map,Service desk,unhappy,1"), "{csv}");
    let file = t.desk.export_insight(&week()).expect("export");
    assert!(std::fs::read_to_string(&file.path).expect("file").contains("overall,all,3"));

    let bad = t.desk.insight(&InsightFilter { to: week().from, ..week() });
    assert!(matches!(bad, Err(CoreError::Validation { .. })), "{bad:?}");
}

#[test]
fn only_supervisors_see_dashboards_and_customers_at_risk_come_with_their_reasons() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Souza");
    let bea = t.customer("Bea Cruz");
    t.log(visit(&t, Some(ana.id)).felt(Feeling::Unhappy));
    t.log(visit(&t, Some(ana.id)).csat(1));
    t.log(visit(&t, Some(bea.id)).felt(Feeling::Happy));
    let risky = t.desk.at_risk_customers().expect("at risk");
    assert_eq!(risky.len(), 1);
    assert_eq!(risky[0].name, "Ana Souza");
    assert!(matches!(risky[0].reasons[0], RiskReason::UnhappyVisits { count: 2, .. }), "{:?}", risky[0].reasons);

    let maria = t.desk.add_staff(&NewStaff { name: "Maria Lopes".into(), role: Role::Frontline, pin: String::new() });
    t.desk.sign_in(maria.expect("staff").id, None).expect("Maria");
    assert!(matches!(t.desk.insight(&week()), Err(CoreError::Forbidden { .. })));
    assert!(matches!(t.desk.at_risk_customers(), Err(CoreError::Forbidden { .. })));
}

#[test]
fn the_dashboard_population_is_read_through_an_index() {
    let t = TestDesk::new();
    for filter in [
        week(),
        InsightFilter { touch_point_id: Some(t.touch_point("Service desk")), ..week() },
        InsightFilter { store_id: Some(t.desk.info().expect("info").store.id), ..week() },
    ] {
        let plan = touchpoint_core::insight::population_plan(t.desk.connection(), &filter).expect("plan");
        let conversations: Vec<&String> = plan.iter().filter(|p| p.contains(" i ") || p.ends_with(" i")).collect();
        assert!(!conversations.is_empty(), "the plan reads the conversations: {plan:?}");
        assert!(
            conversations.iter().all(|p| p.contains("USING INDEX") || p.contains("USING COVERING INDEX")),
            "the period's conversations are found through an index, not a scan of all of them: {plan:?}"
        );
    }
}

#[test]
fn a_store_filter_narrows_the_figures_to_that_stores_conversations() {
    let mut t = TestDesk::new();
    t.log(visit(&t, None).nps(10).felt(Feeling::Happy));
    t.log(visit(&t, None).nps(2).felt(Feeling::Unhappy));
    // A second store the desk reads (as a supervisor's or admin's PC does once connected):
    // one of the conversations happened there.
    let porto = uuid::Uuid::now_v7();
    let conn = t.desk.connection();
    conn.execute(
        "INSERT INTO stores (id, name, created_at, origin) VALUES (?1, 'Porto', '2026-01-01T00:00:00Z', 'server')",
        [porto.to_string()],
    )
    .expect("store");
    conn.execute(
        "UPDATE interactions SET store_id = ?1 WHERE id IN (SELECT interaction_id FROM feedback WHERE nps = 2)",
        [porto.to_string()],
    )
    .expect("move");

    let names: Vec<String> = t.desk.stores().expect("stores").into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["My store", "Porto"], "every store the desk knows, by name");

    let all = t.desk.insight(&week()).expect("all");
    assert_eq!(all.overall.interactions, 2);
    assert_eq!(all.by_store.len(), 2);
    let only_porto = t.desk.insight(&InsightFilter { store_id: Some(porto), ..week() }).expect("porto");
    assert_eq!(only_porto.overall.interactions, 1);
    assert_eq!(only_porto.overall.nps, Some(-100.0));
    assert_eq!(only_porto.overall.feelings, [0, 1, 0, 0, 0]);
}

#[test]
fn the_at_risk_list_exports_as_csv_with_its_reasons_in_words() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Souza");
    t.log(visit(&t, Some(ana.id)).nps(3).felt(Feeling::Unhappy).at(t0() - Duration::days(2)));
    t.log(visit(&t, Some(ana.id)).felt(Feeling::VeryUnhappy).at(t0() - Duration::days(1)));
    let calm = t.customer("Bea Cruz");
    t.log(visit(&t, Some(calm.id)).nps(10).felt(Feeling::Happy));

    let file = t.desk.export_at_risk().expect("export");
    let csv = std::fs::read_to_string(&file.path).expect("file");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("customer,reasons,open_follow_up,open_follow_up_due,last_seen,do_not_contact"));
    let row = lines.next().expect("Ana's row");
    assert!(row.starts_with("Ana Souza,"), "{row}");
    assert!(row.contains("2 unhappy visits in 30 days"), "{row}");
    assert!(row.contains("Detractor: NPS 3 on "), "{row}");
    assert!(!csv.contains("Bea Cruz"), "happy customers are not at risk: {csv}");
    assert_eq!(
        t.count(&format!("audit_log WHERE action = 'export' AND entity = 'at_risk' AND customer_id = '{}'", ana.id)),
        1,
        "Ana's audit trail shows the list that named her was exported"
    );
    assert_eq!(t.count("audit_log WHERE action = 'export' AND entity = 'at_risk'"), 1, "only the customers listed");
}
