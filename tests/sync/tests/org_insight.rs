//! The organisation's insight, computed in PostgreSQL, gives the same numbers as a desk's
//! Insight room for the same conversations: one data set (two stores, several touch points and
//! people, feedback of every kind and none, corrections of the touch point, reason and outcome)
//! is logged on real desks, synced to the real server, and every chart is compared, whole and
//! narrowed to a store, a touch point and a person. The drill-down lists the conversations
//! behind a figure.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use touchpoint_core::insight::{Dashboard, InsightFilter};
use touchpoint_core::interactions::amendments::AmendInteraction;
use touchpoint_core::interactions::LogInteraction;
use touchpoint_protocol::console::ConsoleRole;
use touchpoint_protocol::insight::{Count, Group, HeatCell, OrgConversation, OrgInsight, Scores};
use touchpoint_protocol::{ContactChannel, Feeling, InteractionChanges, Outcome};
use touchpoint_sync_tests::{TestDesk, TestServer, TwoStores};
use uuid::Uuid;

const PASSWORD: &str = "correct horse battery staple";

/// A small deterministic generator, so a failure names the data that made it.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}

/// Logs `n` varied conversations on `desk` over the 21 days before `now`, corrects some, and
/// returns the ids logged.
fn log_many(desk: &TestDesk, dice: &mut Dice, n: usize, now: DateTime<Utc>) -> Vec<Uuid> {
    let reasons = [Some("Returns"), Some("Billing"), Some("Delivery late"), None];
    let outcomes = [Outcome::Resolved, Outcome::Escalated, Outcome::FollowUpNeeded, Outcome::Unresolved];
    let touch_points: Vec<Uuid> = desk.with(|d| d.touch_points()).expect("touch points").iter().map(|t| t.id).collect();
    let mut ids = Vec::new();
    for i in 0..n {
        let reason = reasons[dice.roll(4) as usize];
        let answered = dice.roll(3) > 0;
        let logged = desk
            .with(|d| {
                d.log_interaction(&LogInteraction {
                    submission_id: Uuid::now_v7(),
                    customer_id: None,
                    touch_point_id: touch_points[dice.roll(touch_points.len().min(4) as u64) as usize],
                    channel: ContactChannel::InPerson,
                    reason: reason.map(str::to_owned),
                    outcome: outcomes[dice.roll(4) as usize],
                    duration_secs: Some(60),
                    summary: Some(format!("Conversation {i}")),
                    occurred_at: Some(now - Duration::minutes(dice.roll(21 * 24 * 60) as i64 + 10)),
                    feeling: (dice.roll(5) > 0).then(|| Feeling::ALL[dice.roll(5) as usize]),
                    csat: (answered && dice.roll(2) == 0).then(|| 1 + dice.roll(5) as u8),
                    nps: answered.then(|| dice.roll(11) as u8),
                    ces: (answered && dice.roll(3) == 0).then(|| 1 + dice.roll(7) as u8),
                    verbatim: None,
                    check_in: None,
                })
            })
            .expect("logged");
        ids.push(logged.interaction_id);
    }
    // Corrections: a few conversations change touch point, reason or outcome (some twice).
    for _ in 0..n / 4 {
        let id = ids[dice.roll(ids.len() as u64) as usize];
        let changes = match dice.roll(3) {
            0 => InteractionChanges { touch_point_id: Some(touch_points[dice.roll(2) as usize]), ..Default::default() },
            1 => InteractionChanges { reason: Some("Wrong size".into()), ..Default::default() },
            _ => InteractionChanges { outcome: Some(outcomes[dice.roll(4) as usize]), ..Default::default() },
        };
        desk.with(|d| {
            d.amend_interaction(&AmendInteraction { interaction_id: id, changes, note: Some("Fixed".into()) })
        })
        .expect("amended");
    }
    ids
}

struct Console {
    client: reqwest::Client,
    base: String,
    cookie: String,
}

impl Console {
    async fn sign_in(server: &TestServer) -> Console {
        touchpoint_server::admin::create_console_user(
            &server.pool,
            server.org,
            None,
            Some("Helena Reis"),
            "helena",
            PASSWORD,
            ConsoleRole::Admin,
        )
        .await
        .expect("administrator");
        let client = reqwest::Client::new();
        let resp = client
            .post(format!("{}/v1/org/session", server.url))
            .json(&json!({"login": "helena", "password": PASSWORD}))
            .send()
            .await
            .expect("sign in");
        assert_eq!(resp.status(), StatusCode::OK);
        let cookie = resp.headers()["set-cookie"].to_str().expect("cookie").split(';').next().expect("pair").to_owned();
        Console { client, base: server.url.clone(), cookie }
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let resp =
            self.client.get(format!("{}{path}", self.base)).header("cookie", &self.cookie).send().await.expect("get");
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn insight(&self, query: &str) -> OrgInsight {
        let (status, body) = self.get(&format!("/v1/org/insight?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).expect("an OrgInsight")
    }
}

/// Scores compared to the last digit (both sides divide the same integer sums).
fn same_scores(what: &str, desk: &Scores, server: &Scores) {
    assert_eq!(desk, server, "{what}: the desk says {desk:?}, the server {server:?}");
}

fn sorted_groups(groups: &[Group]) -> Vec<(String, Scores)> {
    let mut v: Vec<(String, Scores)> = groups.iter().map(|g| (g.key.clone(), g.scores.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn sorted_counts(counts: &[Count]) -> Vec<(String, u32)> {
    let mut v: Vec<(String, u32)> = counts.iter().map(|c| (c.label.clone(), c.count)).collect();
    v.sort();
    v
}

fn sorted_heat(cells: &[HeatCell]) -> Vec<(Uuid, &'static str, u32)> {
    let mut v: Vec<_> = cells.iter().map(|c| (c.touch_point_id, c.feeling.as_str(), c.count)).collect();
    v.sort();
    v
}

/// Every chart the desk and the server both draw, compared.
fn same_dashboard(what: &str, desk: &Dashboard, server: &OrgInsight) {
    assert!(desk.overall.interactions > 0, "{what}: a population worth comparing");
    same_scores(&format!("{what}, overall"), &desk.overall, &server.overall);
    for (chart, d, s) in [
        ("by touch point", &desk.by_touch_point, &server.by_touch_point),
        ("by person", &desk.by_staff, &server.by_staff),
        ("by store", &desk.by_store, &server.by_store),
        ("by week", &desk.by_week, &server.by_week),
    ] {
        assert_eq!(sorted_groups(d), sorted_groups(s), "{what}, {chart}");
    }
    assert_eq!(sorted_counts(&desk.reasons), sorted_counts(&server.reasons), "{what}, reasons");
    assert_eq!(sorted_counts(&desk.outcomes), sorted_counts(&server.outcomes), "{what}, outcomes");
    assert_eq!(sorted_heat(&desk.heat_map), sorted_heat(&server.heat_map), "{what}, heat map");
}

fn days(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    (midnight(from), midnight(to + Duration::days(1)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organisations_insight_on_the_server_matches_each_desks_to_the_last_digit() {
    // The desk groups weeks on the computer's calendar, the server on the store's; both UTC here.
    std::env::set_var("TZ", "UTC");
    let server = TestServer::start().await;
    let TwoStores { braga, lisbon_desk, braga_desk, .. } = server.two_supervised_stores().await;

    let now = Utc::now();
    let mut dice = Dice(13);
    let lisbon_ids = log_many(&lisbon_desk, &mut dice, 90, now);
    log_many(&braga_desk, &mut dice, 60, now);
    // A second person logs at the Lisbon desk too.
    lisbon_desk.with(|d| d.sign_in(server.frontline, None)).expect("frontline signs in");
    log_many(&lisbon_desk, &mut dice, 30, now);
    lisbon_desk.with(|d| d.sign_in(server.supervisor, None)).expect("supervisor back");
    lisbon_desk.sync().await;
    braga_desk.sync().await;
    assert_eq!(lisbon_desk.pending() + braga_desk.pending(), 0, "everything pushed");

    let console = Console::sign_in(&server).await;
    let (to, from) = (now.date_naive(), (now - Duration::days(22)).date_naive());
    let (start, end) = days(from, to);
    let filter = |store: Uuid| InsightFilter {
        from: start,
        to: end,
        store_id: Some(store),
        touch_point_id: None,
        staff_id: None,
    };

    for (name, desk, store) in [("Lisbon", &lisbon_desk, server.store), ("Braga", &braga_desk, braga)] {
        let at_desk = desk.with(|d| d.insight(&filter(store))).expect("desk insight");
        let on_server = console.insight(&format!("from={from}&to={to}&store_id={store}")).await;
        same_dashboard(name, &at_desk, &on_server);
    }

    // Short periods: five days (at most one whole week) and eight days ending a week ago.
    for (first, last) in [(to - Duration::days(4), to), (to - Duration::days(13), to - Duration::days(6))] {
        let (start, end) = days(first, last);
        let short = InsightFilter { from: start, to: end, ..filter(server.store) };
        same_dashboard(
            &format!("Lisbon, {first} to {last}"),
            &lisbon_desk.with(|d| d.insight(&short)).expect("desk"),
            &console.insight(&format!("from={first}&to={last}&store_id={}", server.store)).await,
        );
    }

    // The whole organisation: each store's figures side by side are each desk's overall.
    let org = console.insight(&format!("from={from}&to={to}")).await;
    assert_eq!(org.by_store.len(), 2, "{:?}", org.by_store);
    for (desk, store, label) in [(&lisbon_desk, server.store, None), (&braga_desk, braga, Some("Braga"))] {
        let overall = desk.with(|d| d.insight(&filter(store))).expect("desk").overall;
        let side = org.by_store.iter().find(|g| g.key == store.to_string()).expect("the store is listed");
        assert_eq!(side.scores, overall);
        if let Some(label) = label {
            assert_eq!(side.label, label);
        }
    }
    assert_eq!(org.overall.interactions, 180, "every conversation of the period");
    // The organisation's touch points (from rollups without the store) add up both desks'.
    let both: Vec<Dashboard> = [(&lisbon_desk, server.store), (&braga_desk, braga)]
        .into_iter()
        .map(|(desk, store)| desk.with(|d| d.insight(&filter(store))).expect("desk"))
        .collect();
    for g in &org.by_touch_point {
        let at_desks: Vec<&Scores> =
            both.iter().flat_map(|d| d.by_touch_point.iter().filter(|t| t.key == g.key).map(|t| &t.scores)).collect();
        let sum = |f: fn(&Scores) -> u32| at_desks.iter().map(|s| f(s)).sum::<u32>();
        assert_eq!(g.scores.interactions, sum(|s| s.interactions), "{}", g.label);
        assert_eq!(g.scores.nps_responses, sum(|s| s.nps_responses), "{}", g.label);
        assert_eq!(g.scores.csat_responses, sum(|s| s.csat_responses), "{}", g.label);
        for (i, n) in g.scores.feelings.iter().enumerate() {
            assert_eq!(*n, at_desks.iter().map(|s| s.feelings[i]).sum::<u32>(), "{}, feeling {i}", g.label);
        }
    }
    let desks_reasons: u32 = both.iter().flat_map(|d| d.reasons.iter().map(|c| c.count)).sum();
    assert_eq!(org.reasons.iter().map(|c| c.count).sum::<u32>(), desks_reasons);

    // Narrowed to a touch point and to a person (the server reads its facts, not its rollups).
    let touch_point = lisbon_desk.with(|d| d.touch_points()).expect("touch points")[0].id;
    let by_tp = InsightFilter { touch_point_id: Some(touch_point), ..filter(server.store) };
    same_dashboard(
        "Lisbon, one touch point",
        &lisbon_desk.with(|d| d.insight(&by_tp)).expect("desk"),
        &console.insight(&format!("from={from}&to={to}&store_id={}&touch_point_id={touch_point}", server.store)).await,
    );
    // The same touch point across the organisation: each store's side is that desk's figure.
    let across = console.insight(&format!("from={from}&to={to}&touch_point_id={touch_point}")).await;
    for (desk, store) in [(&lisbon_desk, server.store), (&braga_desk, braga)] {
        let at_desk = desk
            .with(|d| d.insight(&InsightFilter { touch_point_id: Some(touch_point), ..filter(store) }))
            .expect("desk")
            .overall;
        let side = across.by_store.iter().find(|g| g.key == store.to_string());
        assert_eq!(
            side.map(|g| &g.scores),
            (at_desk.interactions > 0).then_some(&at_desk),
            "one touch point, by store"
        );
    }
    let by_person = InsightFilter { staff_id: Some(server.frontline), ..filter(server.store) };
    same_dashboard(
        "Lisbon, one person",
        &lisbon_desk.with(|d| d.insight(&by_person)).expect("desk"),
        &console.insight(&format!("from={from}&to={to}&store_id={}&staff_id={}", server.store, server.frontline)).await,
    );

    // A correction made later moves the conversation on the server as on the desk.
    lisbon_desk
        .with(|d| {
            d.amend_interaction(&AmendInteraction {
                interaction_id: lisbon_ids[0],
                changes: InteractionChanges { reason: Some("Price check".into()), ..Default::default() },
                note: None,
            })
        })
        .expect("amended");
    lisbon_desk.sync().await;
    let later = console.insight(&format!("from={from}&to={to}&store_id={}", server.store)).await;
    assert!(later.reasons.iter().any(|c| c.label == "Price check" && c.count == 1), "{:?}", later.reasons);
    same_dashboard("Lisbon, corrected", &lisbon_desk.with(|d| d.insight(&filter(server.store))).expect("desk"), &later);

    // A server upgraded with history already pushed builds the same figures from its change
    // log (the migration's backfill, run again on emptied tables).
    let whole = format!("from={from}&to={to}");
    let before = console.insight(&whole).await;
    sqlx::raw_sql(
        "DO $$ DECLARE t text; BEGIN
           FOR t IN SELECT tablename FROM pg_tables WHERE tablename LIKE 'insight%' LOOP
             EXECUTE format('TRUNCATE %I', t);
           END LOOP;
         END $$",
    )
    .execute(&server.pool)
    .await
    .expect("emptied");
    let migration = include_str!("../../../crates/server/migrations/0011_insight.sql");
    let at = migration.find("-- Conversations already in the change log").expect("the migration's backfill");
    let backfill = &migration[at..];
    sqlx::raw_sql(backfill).execute(&server.pool).await.expect("backfill runs");
    assert_eq!(console.insight(&whole).await, before, "the backfill makes the same figures");

    // Drill down: the week with the most conversations lists exactly its conversations.
    let week = org.by_week.iter().max_by_key(|g| g.scores.interactions).expect("a week");
    let mut listed: Vec<OrgConversation> = Vec::new();
    let mut before: Option<(DateTime<Utc>, Uuid)> = None;
    loop {
        let cursor = before.map(|(at, id)| {
            format!("&before={}&before_id={id}", at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        });
        let (status, body) = console
            .get(&format!(
                "/v1/org/insight/conversations?from={from}&to={to}&week={}&limit=25{}",
                week.key,
                cursor.unwrap_or_default()
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page: Vec<OrgConversation> = serde_json::from_value(body).expect("conversations");
        if page.is_empty() {
            break;
        }
        assert!(page.windows(2).all(|w| w[0].occurred_at >= w[1].occurred_at), "newest first");
        assert!(page.len() <= 25);
        before = page.last().map(|c| (c.occurred_at, c.interaction_id));
        listed.extend(page);
    }
    assert_eq!(listed.len() as u32, week.scores.interactions, "every conversation behind the week");
    let unique: std::collections::HashSet<Uuid> = listed.iter().map(|c| c.interaction_id).collect();
    assert_eq!(unique.len(), listed.len(), "each once");
    let unhappy = org.heat_map.iter().find(|c| c.feeling == Feeling::VeryUnhappy).expect("someone very unhappy");
    let (_, body) = console
        .get(&format!(
            "/v1/org/insight/conversations?from={from}&to={to}&touch_point_id={}&feeling=very_unhappy&limit=200",
            unhappy.touch_point_id
        ))
        .await;
    let cell: Vec<OrgConversation> = serde_json::from_value(body).expect("conversations");
    assert_eq!(cell.len() as u32, unhappy.count);
    assert!(cell.iter().all(|c| c.feeling == Some(Feeling::VeryUnhappy) && c.touch_point_id == unhappy.touch_point_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_period_that_ends_before_it_starts_or_spans_years_is_refused_naming_the_field() {
    let server = TestServer::start().await;
    let console = Console::sign_in(&server).await;
    let (status, body) = console.get("/v1/org/insight?from=2026-03-10&to=2026-03-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap_or_default().starts_with("from:"), "{body}");
    let (status, body) = console.get("/v1/org/insight?from=2020-01-01&to=2026-03-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap_or_default().starts_with("to:"), "{body}");
    let (status, _) = console.get("/v1/org/insight?from=2026-02-30&to=2026-03-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no such day");
    let (status, body) = console.get("/v1/org/insight/conversations?from=2026-03-01&to=2026-03-02&limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let signed_out =
        reqwest::get(format!("{}/v1/org/insight?from=2026-03-01&to=2026-03-02", server.url)).await.expect("get");
    assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);
}
