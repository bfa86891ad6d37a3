//! The closed loop and at-risk customers across the organisation, computed in PostgreSQL, give
//! the same figures and the same customers (with the same reasons) as each store's desk: one
//! data set of named customers with varied visits, follow-ups opened from conversations and
//! from customers' pages, some done (with a feeling after), some not reached, some overdue, is
//! made on real desks, synced to the real server and compared store by store.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};
use reqwest::StatusCode;
use touchpoint_core::follow_ups::board::LoopMetrics;
use touchpoint_core::follow_ups::{CloseFollowUp, NewFollowUp};
use touchpoint_core::interactions::LogInteraction;
use touchpoint_protocol::risk::{LoopFigures, OrgAtRiskCustomer, OrgClosedLoop, RiskReason};
use touchpoint_protocol::{ContactChannel, Feeling, FollowUpStatus, Outcome};
use touchpoint_sync_tests::browser::{first_admin, Browser, PASSWORD};
use touchpoint_sync_tests::{TestDesk, TestServer, TwoStores};
use uuid::Uuid;

/// A small deterministic generator, so a failure names the data that made it.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}

/// What the desk knows about how the loop closed, in the server's form.
fn as_figures(m: &LoopMetrics) -> LoopFigures {
    let mut feelings_after = vec![0; 5];
    for c in &m.feeling_after {
        feelings_after[usize::from(c.feeling.score()) - 1] = c.count;
    }
    LoopFigures {
        unhappy: m.unhappy,
        followed_up: m.followed_up,
        within_sla: m.within_sla,
        within_sla_percent: m.within_sla_percent,
        median_hours_to_recover: m.median_hours_to_recover,
        feelings_after,
        overdue_now: m.overdue_now,
    }
}

fn same_figures(what: &str, desk: &LoopFigures, server: &LoopFigures) {
    // The same to a millionth of an hour (the desk's times come from text, to the microsecond;
    // rounding both could put a hair's difference on either side of a millionth).
    match (desk.median_hours_to_recover, server.median_hours_to_recover) {
        (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6, "{what}: median hours to recover {a} against {b}"),
        (a, b) => assert_eq!(a, b, "{what}: median hours to recover"),
    }
    let plain = |f: &LoopFigures| LoopFigures { median_hours_to_recover: None, ..f.clone() };
    assert_eq!(plain(desk), plain(server), "{what}");
}

/// Named customers with one to four visits each over the 20 days before `now` (whole seconds,
/// as both sides store them), follow-ups opened from some unhappy visits and from some
/// customers' pages: due in a few seconds (overdue by the time the figures are read) or in a
/// week. Returns the follow-ups opened.
fn make_history(desk: &TestDesk, staff: Uuid, dice: &mut Dice, prefix: &str, now: DateTime<Utc>) -> Vec<Uuid> {
    let touch_point = desk.with(|d| d.touch_points()).expect("touch points")[0].id;
    let outcomes =
        [Outcome::Resolved, Outcome::Resolved, Outcome::Escalated, Outcome::FollowUpNeeded, Outcome::Unresolved];
    let mut opened = Vec::new();
    for n in 0..16 {
        let customer = desk.customer(&format!("{prefix} customer {n}")).id;
        let visits = 1 + dice.roll(4);
        // Visits from up to 20 days ago, the later ones closer together.
        let mut at = now - Duration::hours(1 + dice.roll(24 * 20) as i64);
        for _ in 0..visits {
            at += Duration::hours(1 + dice.roll(24 * 5) as i64);
            let at = at.min(now - Duration::minutes(30));
            let feeling = (dice.roll(5) > 0).then(|| Feeling::ALL[dice.roll(5) as usize]);
            let nps = (dice.roll(2) == 0).then(|| dice.roll(11) as u8);
            let csat = (dice.roll(3) == 0).then(|| 1 + dice.roll(5) as u8);
            let logged = desk
                .with(|d| {
                    d.log_interaction(&LogInteraction {
                        submission_id: Uuid::now_v7(),
                        customer_id: Some(customer),
                        touch_point_id: touch_point,
                        channel: ContactChannel::InPerson,
                        reason: Some("Returns".into()),
                        outcome: outcomes[dice.roll(5) as usize],
                        duration_secs: Some(60),
                        summary: None,
                        occurred_at: Some(at),
                        feeling,
                        csat,
                        nps,
                        ces: None,
                        verbatim: None,
                        check_in: None,
                    })
                })
                .expect("logged");
            let unhappy =
                feeling.is_some_and(|f| f.score() <= 2) || nps.is_some_and(|n| n <= 6) || csat.is_some_and(|c| c <= 2);
            if unhappy && dice.roll(3) > 0 {
                opened.push(follow_up(desk, staff, dice, Some(customer), Some(logged.interaction_id)));
            }
        }
        if dice.roll(5) == 0 {
            opened.push(follow_up(desk, staff, dice, Some(customer), None)); // from the customer's page
        }
    }
    opened
}

fn follow_up(desk: &TestDesk, staff: Uuid, dice: &mut Dice, customer: Option<Uuid>, from: Option<Uuid>) -> Uuid {
    let due = if dice.roll(3) == 0 { Duration::seconds(2) } else { Duration::days(7) };
    desk.with(|d| {
        d.create_follow_up(&NewFollowUp {
            customer_id: customer,
            interaction_id: from,
            owner_staff_id: staff,
            due_at: (Utc::now() + due).duration_trunc(Duration::seconds(1)).expect("whole seconds"),
            promise: "Call back about the refund".into(),
            route: None,
            kind: None,
        })
    })
    .expect("follow-up opened")
    .id
}

/// Closes about half of them: most done (some with how the customer felt after), some not reached.
fn close_some(desk: &TestDesk, dice: &mut Dice, opened: &[Uuid]) {
    for id in opened {
        if dice.roll(2) == 0 {
            continue;
        }
        let (status, feeling_after) = match dice.roll(4) {
            0 => (FollowUpStatus::CouldNotReach, None),
            1 => (FollowUpStatus::Done, None),
            _ => (FollowUpStatus::Done, Some(Feeling::ALL[dice.roll(5) as usize])),
        };
        desk.with(|d| {
            d.close_follow_up(&CloseFollowUp {
                follow_up_id: *id,
                status,
                resolution: "Spoke to them".into(),
                feeling_after,
            })
        })
        .expect("closed");
    }
}

/// Reasons keyed by customer, for comparing lists made in different orders.
fn by_customer<'a>(list: impl Iterator<Item = (Uuid, &'a [RiskReason])>) -> BTreeMap<Uuid, Vec<RiskReason>> {
    list.map(|(id, reasons)| (id, reasons.to_vec())).collect()
}

fn days(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    (midnight(from), midnight(to + Duration::days(1)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_closed_loop_and_the_customers_at_risk_on_the_server_match_each_stores_desk() {
    let server = TestServer::start().await;
    let TwoStores { braga, braga_supervisor, lisbon_desk, braga_desk } = server.two_supervised_stores().await;

    let now = Utc::now().duration_trunc(Duration::seconds(1)).expect("whole seconds");
    let mut dice = Dice(29);
    let lisbon_opened = make_history(&lisbon_desk, server.supervisor, &mut dice, "Lisbon", now);
    let braga_opened = make_history(&braga_desk, braga_supervisor, &mut dice, "Braga", now);
    assert!(lisbon_opened.len() >= 6 && braga_opened.len() >= 6, "follow-ups at both stores");
    // Pushed before they are closed: closing them changes the closed loop of days already
    // counted, which the server recomputes from the follow-ups alone.
    lisbon_desk.sync().await;
    braga_desk.sync().await;
    close_some(&lisbon_desk, &mut dice, &lisbon_opened);
    close_some(&braga_desk, &mut dice, &braga_opened);
    // The follow-ups due in seconds are overdue from here on, on both sides (the desks'
    // clocks read the time again).
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    for desk in [&lisbon_desk, &braga_desk] {
        desk.clock.set(Utc::now());
    }
    lisbon_desk.sync().await;
    braga_desk.sync().await;
    assert_eq!(lisbon_desk.pending() + braga_desk.pending(), 0, "everything pushed");

    first_admin(&server, "helena").await;
    let mut console = Browser::new(&server);
    assert_eq!(console.sign_in("helena", PASSWORD).await.status, StatusCode::OK);
    let (to, from) = (now.date_naive(), (now - Duration::days(21)).date_naive());
    let (start, end) = days(from, to);

    let org: OrgClosedLoop = {
        let a = console.get(&format!("/v1/org/insight/closed-loop?from={from}&to={to}")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        a.json()
    };
    assert_eq!(org.sla_hours, 48);
    let mut unhappy = 0;
    for (name, desk, store) in [("Lisbon", &lisbon_desk, server.store), ("Braga", &braga_desk, braga)] {
        let at_desk = as_figures(&desk.with(|d| d.loop_metrics(start, end)).expect("desk's loop figures"));
        assert!(
            at_desk.within_sla > 0 && at_desk.median_hours_to_recover.is_some() && at_desk.overdue_now > 0,
            "{name}: a loop to compare: {at_desk:?}"
        );
        let side = org.by_store.iter().find(|s| s.store_id == store).expect("the store is listed");
        same_figures(name, &at_desk, &side.figures);
        let one: OrgClosedLoop =
            console.get(&format!("/v1/org/insight/closed-loop?from={from}&to={to}&store_id={store}")).await.json();
        assert_eq!(one.by_store.len(), 1, "{name}: only that store");
        same_figures(&format!("{name} alone"), &at_desk, &one.overall);
        unhappy += at_desk.unhappy;
    }
    assert_eq!(org.overall.unhappy, unhappy, "every store's unhappy conversations");
    // The organisation's median, taken from the weeks' and the end days' hours: the same value
    // as `percentile_cont(0.5)` over every store's recovered conversations, for periods of
    // whole weeks and parts of weeks, holding an odd and an even number of them.
    let mut parities = BTreeSet::new();
    for back in 0..21 {
        let from = (now - Duration::days(back)).date_naive();
        let (n, expected): (i64, Option<f64>) = sqlx::query_as(
            "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FROM insight_loop_recovered
             WHERE org_id = $1 AND day BETWEEN $2 AND $3",
        )
        .bind(server.org)
        .bind(from)
        .bind(to)
        .fetch_one(&server.pool)
        .await
        .expect("median");
        let got: OrgClosedLoop = console.get(&format!("/v1/org/insight/closed-loop?from={from}&to={to}")).await.json();
        match (got.overall.median_hours_to_recover, expected) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "from {from}: {a} against {b}"),
            (a, b) => assert_eq!(a, b, "from {from}"),
        }
        parities.insert(n % 2);
    }
    assert_eq!(parities.len(), 2, "periods with an odd and an even number recovered");
    assert!(org.overall.overdue_now > 0, "some promises are overdue");
    assert!(org.overall.feelings_after.iter().sum::<u32>() > 0, "some feelings after");

    // At risk: each store's list on the server is its desk's, reason for reason.
    let mut everyone = BTreeMap::new();
    for (name, desk, store) in [("Lisbon", &lisbon_desk, server.store), ("Braga", &braga_desk, braga)] {
        let at_desk = desk.with(|d| d.at_risk_customers()).expect("desk's at-risk list");
        assert!(!at_desk.is_empty(), "{name}: someone at risk");
        let a = console.get(&format!("/v1/org/insight/at-risk?store_id={store}")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let on_server: Vec<OrgAtRiskCustomer> = a.json();
        assert_eq!(
            by_customer(on_server.iter().map(|c| (c.customer_id, c.reasons.as_slice()))),
            by_customer(at_desk.iter().map(|c| (c.customer_id, c.reasons.as_slice()))),
            "{name}"
        );
        for c in &on_server {
            let same = at_desk.iter().find(|d| d.customer_id == c.customer_id).expect("listed at the desk");
            assert_eq!(c.name, same.name);
            assert_eq!(c.open_follow_up, same.open_follow_up, "{}", c.name);
            assert_eq!(c.open_follow_up_due, same.open_follow_up_due, "{}", c.name);
            assert_eq!(c.home_store_id, Some(store));
        }
        everyone.extend(by_customer(at_desk.iter().map(|c| (c.customer_id, c.reasons.as_slice()))));
    }
    let all: Vec<OrgAtRiskCustomer> = console.get("/v1/org/insight/at-risk").await.json();
    assert_eq!(
        by_customer(all.iter().map(|c| (c.customer_id, c.reasons.as_slice()))),
        everyone,
        "the organisation's list"
    );
    assert!(all.windows(2).all(|w| w[0].last_seen_at >= w[1].last_seen_at), "the most recently seen first");
    let audited = server.count("SELECT count(*) FROM console_audit WHERE action = 'at_risk_viewed'").await;
    assert_eq!(audited, 3, "every view of the list is audited");

    // A server upgraded with follow-ups already pushed fills their columns from their fields
    // and builds the closed-loop rollups from scratch (the migrations, run again on emptied
    // columns and rollups): the same figures as the rollups kept push by push.
    sqlx::raw_sql(
        "UPDATE follow_ups SET interaction_id = NULL, status = 'open', due_at = NULL, closed_at = NULL,
                               feeling_after = NULL, created_at = NULL",
    )
    .execute(&server.pool)
    .await
    .expect("emptied");
    let migration = include_str!("../../../crates/server/migrations/0017_closed_loop.sql");
    let update = &migration[migration.find("UPDATE follow_ups").expect("the backfill")..];
    let update = &update[..update.find("CREATE INDEX").expect("then the indexes")];
    sqlx::raw_sql(update).execute(&server.pool).await.expect("backfill runs");
    sqlx::raw_sql("DELETE FROM insight_loop_days; DELETE FROM insight_loop_recovered; DELETE FROM insight_loop_weeks")
        .execute(&server.pool)
        .await
        .expect("rollups emptied");
    let migration = include_str!("../../../crates/server/migrations/0018_closed_loop_rollup.sql");
    let rebuild = &migration[migration.find("ANALYZE insight_facts").expect("the rebuild")..];
    sqlx::raw_sql(rebuild).execute(&server.pool).await.expect("rebuild runs");
    let migration = include_str!("../../../crates/server/migrations/0019_closed_loop_weeks.sql");
    let weeks = &migration[migration.find("ANALYZE insight_loop_days").expect("the weeks' rebuild")..];
    sqlx::raw_sql(weeks).execute(&server.pool).await.expect("weeks' rebuild runs");
    let again: OrgClosedLoop = console.get(&format!("/v1/org/insight/closed-loop?from={from}&to={to}")).await.json();
    // (A time read back from its text is rounded to the microsecond, not cut: hence the
    // comparison to a millionth of an hour.)
    same_figures("after the backfill", &org.overall, &again.overall);
    assert_eq!(again.by_store.len(), org.by_store.len());
    for (a, b) in org.by_store.iter().zip(&again.by_store) {
        assert_eq!(a.store_id, b.store_id);
        same_figures(&format!("{} after the backfill", a.store), &a.figures, &b.figures);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_sees_only_their_stores_loop_and_customers_and_a_bad_limit_is_refused() {
    let server = TestServer::start().await;
    let (braga, _) = server.another_store("Braga", "Carla Dias").await;
    let supervisor = touchpoint_sync_tests::browser::supervisor_signed_in(&server, "sofia").await;
    let a =
        supervisor.get(&format!("/v1/org/insight/closed-loop?from=2026-11-01&to=2026-11-30&store_id={braga}")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let a = supervisor.get(&format!("/v1/org/insight/at-risk?store_id={braga}")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let own: OrgClosedLoop = supervisor.get("/v1/org/insight/closed-loop?from=2026-11-01&to=2026-11-30").await.json();
    assert!(own.by_store.iter().all(|s| s.store_id == server.store));
    let a = supervisor.get("/v1/org/insight/at-risk?limit=0").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.error().message.starts_with("limit:"), "{}", a.body);
    let a = supervisor.get("/v1/org/insight/closed-loop?from=2026-11-30&to=2026-11-01").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.error().message.starts_with("from:"), "{}", a.body);
    let signed_out = reqwest::get(format!("{}/v1/org/insight/at-risk", server.url)).await.expect("get");
    assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);
}

/// One visit at the desk, `hours_ago`, with how the customer felt.
fn visit(desk: &TestDesk, customer: Uuid, feeling: Feeling, hours_ago: i64) {
    let touch_point = desk.with(|d| d.touch_points()).expect("touch points")[0].id;
    let at = Utc::now().duration_trunc(Duration::seconds(1)).expect("whole seconds") - Duration::hours(hours_ago);
    desk.with(|d| {
        d.log_interaction(&LogInteraction {
            submission_id: Uuid::now_v7(),
            customer_id: Some(customer),
            touch_point_id: touch_point,
            channel: ContactChannel::InPerson,
            reason: Some("Returns".into()),
            outcome: Outcome::Resolved,
            duration_secs: Some(60),
            summary: None,
            occurred_at: Some(at),
            feeling: Some(feeling),
            csat: None,
            nps: None,
            ces: None,
            verbatim: None,
            check_in: None,
        })
    })
    .expect("logged");
}

/// The store's at-risk list on the server, checked against its desk's (reasons, names, open
/// follow-ups) and its overdue count against the desk's; returns who is listed.
async fn same_at_risk(what: &str, console: &Browser, desk: &TestDesk, store: Uuid) -> BTreeSet<Uuid> {
    let at_desk = desk.with(|d| d.at_risk_customers()).expect("desk's at-risk list");
    let a = console.get(&format!("/v1/org/insight/at-risk?store_id={store}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let on_server: Vec<OrgAtRiskCustomer> = a.json();
    assert_eq!(
        by_customer(on_server.iter().map(|c| (c.customer_id, c.reasons.as_slice()))),
        by_customer(at_desk.iter().map(|c| (c.customer_id, c.reasons.as_slice()))),
        "{what}"
    );
    for c in &on_server {
        let same = at_desk.iter().find(|d| d.customer_id == c.customer_id).expect("listed at the desk");
        assert_eq!((&c.name, &c.open_follow_up), (&same.name, &same.open_follow_up), "{what}");
    }
    let all: Vec<OrgAtRiskCustomer> = console.get("/v1/org/insight/at-risk").await.json();
    assert_eq!(
        all.iter().map(|c| c.customer_id).collect::<BTreeSet<_>>(),
        on_server.iter().map(|c| c.customer_id).collect::<BTreeSet<_>>(),
        "{what}: the organisation's list (one store)"
    );
    let today = Utc::now().date_naive();
    let (start, end) = days(today - Duration::days(6), today);
    let overdue = desk.with(|d| d.loop_metrics(start, end)).expect("desk's loop figures").overdue_now;
    let org: OrgClosedLoop =
        console.get(&format!("/v1/org/insight/closed-loop?from={}&to={today}", today - Duration::days(6))).await.json();
    assert_eq!(org.overall.overdue_now, overdue, "{what}: overdue now");
    on_server.iter().map(|c| c.customer_id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_merged_at_a_desk_is_one_customer_at_risk_on_the_server_as_at_the_desk() {
    use touchpoint_core::customers::merge::MergeRequest;
    use touchpoint_core::customers::NewCustomer;

    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.supervisor).await;
    let walk_in = |name: &str| {
        desk.with(|d| {
            d.create_customer(&NewCustomer { name: name.into(), allow_duplicate: true, ..Default::default() })
        })
        .expect("customer")
        .id
    };
    // Ana was entered twice: one unhappy visit on each record (one is not enough to be at
    // risk; two are), and a promise to her second record that falls overdue. Rui too, but
    // nobody merges his records: each has a single unhappy visit.
    let (ana, ana_again, rui, rui_again) =
        (walk_in("Ana Costa"), walk_in("Ana Costa"), walk_in("Rui Sousa"), walk_in("Rui Sousa"));
    visit(&desk, ana, Feeling::VeryUnhappy, 50);
    visit(&desk, ana_again, Feeling::Unhappy, 26);
    visit(&desk, rui, Feeling::Unhappy, 40);
    visit(&desk, rui_again, Feeling::VeryUnhappy, 20);
    desk.with(|d| {
        d.create_follow_up(&NewFollowUp {
            customer_id: Some(ana_again),
            interaction_id: None,
            owner_staff_id: server.supervisor,
            due_at: (Utc::now() + Duration::seconds(2)).duration_trunc(Duration::seconds(1)).expect("whole seconds"),
            promise: "Call back about the refund".into(),
            route: None,
            kind: None,
        })
    })
    .expect("follow-up opened");
    desk.sync().await;
    first_admin(&server, "helena").await;
    let mut console = Browser::new(&server);
    assert_eq!(console.sign_in("helena", PASSWORD).await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    desk.clock.set(Utc::now());

    let before = same_at_risk("before the merge", &console, &desk, server.store).await;
    assert!(!before.contains(&ana) && !before.contains(&rui) && !before.contains(&rui_again), "{before:?}");

    let merged = desk
        .with(|d| d.merge_customers(&MergeRequest { survivor_id: ana, merged_id: ana_again, take_from_merged: vec![] }))
        .expect("merged");
    let merge_id = merged.merged.iter().find(|m| m.merged_id == ana_again).expect("the merge holds").merge_id;
    desk.sync().await;
    let after = same_at_risk("after the merge", &console, &desk, server.store).await;
    assert_eq!(after, BTreeSet::from([ana]), "Ana once, on the record she is shown on");

    // A server upgraded with merges already pushed works them out when it starts.
    sqlx::raw_sql("DELETE FROM customer_survivors; DELETE FROM customer_merges")
        .execute(&server.pool)
        .await
        .expect("emptied");
    let migration = include_str!("../../../crates/server/migrations/0021_customer_merges.sql");
    let backfill = &migration[migration.find("INSERT INTO customer_merges").expect("the backfill")..];
    sqlx::raw_sql(backfill).execute(&server.pool).await.expect("backfill runs");
    touchpoint_server::migrate(&server.pool).await.expect("migrations, then the survivors");
    assert_eq!(server.count("SELECT count(*) FROM customer_merges_unsettled").await, 0);
    let upgraded = same_at_risk("after the upgrade", &console, &desk, server.store).await;
    assert_eq!(upgraded, after);

    desk.with(|d| d.undo_merge(merge_id)).expect("undone");
    desk.sync().await;
    let undone = same_at_risk("after the undo", &console, &desk, server.store).await;
    assert_eq!(undone, before, "two records again, as before");
}

/// Every rollup the settle keeps (the insight's and the closed loop's, the stores' and the
/// organisation's), of one organisation, as text in order.
const ROLLUPS: [&str; 21] = [
    "insight_touch_point_days",
    "insight_touch_point_weeks",
    "insight_staff_days",
    "insight_staff_weeks",
    "insight_reason_days",
    "insight_reason_weeks",
    "insight_store_days",
    "insight_store_weeks",
    "insight_staff_touch_point_days",
    "insight_staff_touch_point_weeks",
    "insight_reason_touch_point_days",
    "insight_reason_touch_point_weeks",
    "insight_org_touch_point_days",
    "insight_org_touch_point_weeks",
    "insight_org_reason_days",
    "insight_org_reason_weeks",
    "insight_org_reason_touch_point_days",
    "insight_org_reason_touch_point_weeks",
    "insight_loop_days",
    "insight_loop_recovered",
    "insight_loop_weeks",
];

async fn rollups(server: &TestServer) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for table in ROLLUPS {
        let rows: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM {table} t WHERE org_id = $1"
        )))
        .bind(server.org)
        .fetch_one(&server.pool)
        .await
        .expect("a rollup");
        out.push((table, rows));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollups_settled_while_desks_push_equal_a_recount_from_the_facts() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    let server = TestServer::start().await;
    let TwoStores { braga_supervisor, lisbon_desk, braga_desk, .. } = server.two_supervised_stores().await;
    let now = Utc::now().duration_trunc(Duration::seconds(1)).expect("whole seconds");
    let mut dice = Dice(41);
    // Settles run back to back the whole time (besides the server's own, every second), so
    // pushes commit while a settle reads, recomputes and deletes its marks.
    let stop = Arc::new(AtomicBool::new(false));
    let settles = Arc::new(AtomicUsize::new(0));
    let hammer = tokio::spawn({
        let (pool, org, stop, settles) = (server.pool.clone(), server.org, stop.clone(), settles.clone());
        async move {
            while !stop.load(Ordering::SeqCst) {
                touchpoint_server::db::insight::settle(&pool, org).await.expect("a settle");
                settles.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    for round in 0..5 {
        let lisbon = make_history(&lisbon_desk, server.supervisor, &mut dice, &format!("Lisbon {round}"), now);
        let braga = make_history(&braga_desk, braga_supervisor, &mut dice, &format!("Braga {round}"), now);
        tokio::join!(lisbon_desk.sync(), braga_desk.sync());
        // Closing follow-ups changes the closed loop of days already counted.
        close_some(&lisbon_desk, &mut dice, &lisbon);
        close_some(&braga_desk, &mut dice, &braga);
        tokio::join!(lisbon_desk.sync(), braga_desk.sync());
    }
    stop.store(true, Ordering::SeqCst);
    hammer.await.expect("the settles ran");
    assert_eq!(lisbon_desk.pending() + braga_desk.pending(), 0, "everything pushed");
    assert!(settles.load(Ordering::SeqCst) > 10, "settles raced the pushes");
    touchpoint_server::db::insight::settle(&server.pool, server.org).await.expect("the last settle");
    assert_eq!(server.count("SELECT count(*) FROM insight_dirty").await, 0, "every mark counted");
    let settled = rollups(&server).await;
    for (table, rows) in &settled {
        assert!(!rows.is_empty(), "{table}: rows to compare");
    }

    // Recounted from scratch: every store-day the facts hold, then every day of the organisation.
    for table in ROLLUPS {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE org_id = $1")))
            .bind(server.org)
            .execute(&server.pool)
            .await
            .expect("emptied");
    }
    let store_days = "FROM (SELECT DISTINCT store_id, day FROM insight_facts WHERE org_id = $1 AND logged) d";
    for recount in [
        format!("SELECT insight_refresh_by_store($1, array_agg(store_id), array_agg(day)) {store_days}"),
        format!("SELECT insight_loop_refresh($1, array_agg(store_id), array_agg(day), 48) {store_days}"),
        format!("SELECT insight_loop_weeks_refresh($1, array_agg(store_id), array_agg(day)) {store_days}"),
        format!("INSERT INTO insight_org_dirty SELECT $1, day, 0 {store_days} GROUP BY day"),
        "SELECT insight_org_settle($1)".to_owned(),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(recount)).bind(server.org).execute(&server.pool).await.expect("recounted");
    }
    for ((table, settled), (_, recounted)) in settled.iter().zip(rollups(&server).await) {
        assert_eq!(settled, &recounted, "{table}: settled as the desks pushed, against recounted");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_committed_while_a_settle_counts_is_counted_by_the_next() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.supervisor).await;
    let customer = desk.customer("Rita Gomes").id;
    let mut paused = false;
    // The server's own settle (every second) may count the first conversation before the
    // paused one reads it: then the paused one has nothing to pause over, and the round is
    // made again.
    for round in 0..5 {
        desk.log_visit(Some(customer), &format!("First of round {round}"));
        desk.sync().await;
        // This settle reads the mark of today's store-day, counts it, then waits two seconds
        // before deleting the marks it read.
        let mut conn = server.pool.acquire().await.expect("a connection");
        sqlx::query("SET touchpoint.settle_pause = '2'").execute(&mut *conn).await.expect("the pause");
        let org = server.org;
        let settle = tokio::spawn(async move {
            let started = std::time::Instant::now();
            sqlx::query("SELECT insight_settle($1, 48)").bind(org).execute(&mut *conn).await.expect("settled");
            sqlx::query("RESET touchpoint.settle_pause").execute(&mut *conn).await.expect("reset");
            started.elapsed()
        });
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        // Meanwhile a second conversation of the same store-day commits, marking it again.
        desk.log_visit(Some(customer), &format!("Second of round {round}"));
        desk.sync().await;
        if settle.await.expect("the settle") >= std::time::Duration::from_secs(2) {
            paused = true;
            break;
        }
    }
    assert!(paused, "a settle paused between its count and its marks' deletion");
    touchpoint_server::db::insight::settle(&server.pool, server.org).await.expect("the next settle");
    let logged = desk.query_i64("SELECT count(*) FROM interactions");
    let counted = interactions_in(&server, "insight_store_days").await;
    assert_eq!(counted, logged, "every conversation counted, the one pushed during the settle too");
    let in_org = interactions_in(&server, "insight_org_touch_point_days").await;
    assert_eq!(in_org, logged, "and in the organisation's own rollups");
}

/// The conversations one rollup table counts for the test's organisation.
async fn interactions_in(server: &TestServer, table: &str) -> i64 {
    server
        .count(&format!("SELECT coalesce(sum(interactions), 0)::bigint FROM {table} WHERE org_id = '{}'", server.org))
        .await
}
