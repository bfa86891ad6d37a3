//! Insight's rollups are the rows counted another way: after any mix of conversations logged
//! (with and without feedback), corrections, erasures, rows moved between stores, feedback and
//! corrections removed, and pages pulled from another desk (repeated, and with a second
//! feedback for a conversation), every bucket equals a recount from the rows and every
//! dashboard of whole days from the rollups equals the one counted from the conversations,
//! and the review queue, which reads only the days the rollups name, lists what a scan lists.
//!
//! Days are local days: the tests run in a zone with summer time (Lisbon's rules, as a POSIX
//! string so no zone database is needed), over the October change.

mod support;

use std::sync::Once;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use support::{t0, visit, LogExt, TestDesk};
use touchpoint_core::insight::{self, rollup, InsightFilter};
use touchpoint_core::interactions::amendments::AmendInteraction;
use touchpoint_core::protocol::{Change, Feeling, Op, OpBody, Outcome, PullResponse};
use touchpoint_core::reviews::{self, ReviewQueueFilter, ScoreSignal};
use uuid::Uuid;

const ZONE: &str = "WET0WEST,M3.5.0/1,M10.5.0";

fn in_zone() {
    static SET: Once = Once::new();
    SET.call_once(|| std::env::set_var("TZ", ZONE));
}

#[derive(Debug, Clone)]
enum Step {
    Log {
        customer: Option<usize>,
        tp: usize,
        reason: usize,
        outcome: usize,
        feedback: Option<Scores>,
        minutes_ago: i64,
    },
    Amend {
        which: usize,
        tp: Option<usize>,
        reason: Option<usize>,
        outcome: Option<usize>,
    },
    Erase {
        customer: usize,
    },
    MoveToOtherStore {
        which: usize,
    },
    RemoveFeedback {
        which: usize,
    },
    RemoveCorrection {
        which: usize,
    },
    /// The other desk logs a conversation; its outbox arrives here as a page (sometimes twice).
    Pull {
        tp: usize,
        feedback: Option<Scores>,
        minutes_ago: i64,
        twice: bool,
    },
    /// A second feedback for one of the other desk's conversations arrives.
    SecondFeedback {
        which: usize,
        scores: Scores,
    },
    /// A supervisor opens Insight (the conversations waiting to be counted are counted).
    Look,
}

#[derive(Debug, Clone)]
struct Scores {
    feeling: Option<usize>,
    nps: Option<u8>,
    csat: Option<u8>,
    ces: Option<u8>,
}

const REASONS: [&str; 4] = ["Refund", " Refund ", "Exchange", "Billing question"];
const OUTCOMES: [Outcome; 4] = [Outcome::Resolved, Outcome::Escalated, Outcome::FollowUpNeeded, Outcome::Unresolved];
const FEELINGS: [Feeling; 5] =
    [Feeling::VeryUnhappy, Feeling::Unhappy, Feeling::Neutral, Feeling::Happy, Feeling::VeryHappy];
const TOUCH_POINTS: [&str; 3] = ["Service desk", "Returns desk", "Phone support"];

fn scores() -> impl Strategy<Value = Scores> {
    (
        proptest::option::of(0..5usize),
        proptest::option::of(0..=10u8),
        proptest::option::of(1..=5u8),
        proptest::option::of(1..=7u8),
    )
        .prop_map(|(feeling, nps, csat, ces)| Scores { feeling, nps, csat, ces })
}

fn step() -> impl Strategy<Value = Step> {
    // Up to 60 days back (across the end of summer time on 25 October), often in the last few
    // days, at any time before 09:00 on the day (so also in the last day's first hours).
    let ago = (prop_oneof![0..3i64, 0..60i64], 0..(9 * 60i64)).prop_map(|(days, minutes)| days * 24 * 60 + minutes);
    prop_oneof![
        5 => (proptest::option::of(0..4usize), 0..3usize, 0..5usize, 0..4usize, proptest::option::of(scores()), ago.clone())
            .prop_map(|(customer, tp, reason, outcome, feedback, minutes_ago)| Step::Log {
                customer, tp, reason, outcome, feedback, minutes_ago
            }),
        2 => (any::<usize>(), proptest::option::of(0..3usize), proptest::option::of(0..5usize), proptest::option::of(0..4usize))
            .prop_map(|(which, tp, reason, outcome)| Step::Amend { which, tp, reason, outcome }),
        1 => (0..4usize).prop_map(|customer| Step::Erase { customer }),
        1 => any::<usize>().prop_map(|which| Step::MoveToOtherStore { which }),
        1 => any::<usize>().prop_map(|which| Step::RemoveFeedback { which }),
        1 => any::<usize>().prop_map(|which| Step::RemoveCorrection { which }),
        2 => (0..3usize, proptest::option::of(scores()), ago, any::<bool>())
            .prop_map(|(tp, feedback, minutes_ago, twice)| Step::Pull { tp, feedback, minutes_ago, twice }),
        1 => (any::<usize>(), scores()).prop_map(|(which, scores)| Step::SecondFeedback { which, scores }),
        2 => Just(Step::Look),
    ]
}

struct World {
    here: TestDesk,
    other: TestDesk,
    customers: Vec<Uuid>,
    other_customer: Uuid,
    /// The other desk's ops already sent here.
    sent: i64,
    seq: i64,
    pulled_conversations: Vec<Uuid>,
}

impl World {
    fn new() -> Self {
        let mut here = TestDesk::new();
        let mut other = TestDesk::new();
        let customers = ["Ana Souza", "Bea Cruz", "Cid Lima", "Dora Reis"].map(|n| here.customer(n).id).to_vec();
        let other_customer = other.customer("Eva Prado").id;
        World { here, other, customers, other_customer, sent: 0, seq: 0, pulled_conversations: Vec::new() }
    }

    fn conversations(&self) -> Vec<String> {
        let conn = self.here.desk.connection();
        let mut stmt = conn.prepare("SELECT id FROM interactions ORDER BY rowid").expect("stmt");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("ids")
    }

    fn pick(&self, which: usize) -> Option<String> {
        let all = self.conversations();
        (!all.is_empty()).then(|| all[which % all.len()].clone())
    }

    fn pull(&mut self, ops: Vec<Op>, twice: bool) {
        let page = |ops: &[Op], seq: &mut i64| PullResponse {
            changes: ops
                .iter()
                .map(|op| {
                    *seq += 1;
                    Change { seq: *seq, op: op.clone() }
                })
                .collect(),
            next_since: *seq,
            has_more: true,
            server_epoch: Uuid::nil(),
            min_retained_seq: 0,
            head_seq: *seq,
            server_time: None,
        };
        let first = page(&ops, &mut self.seq);
        self.here.desk.apply_pulled(&first).expect("page applied");
        if twice {
            let again = page(&ops, &mut self.seq);
            self.here.desk.apply_pulled(&again).expect("page applied again");
        }
    }

    fn run(&mut self, step: &Step) {
        let tp = |desk: &TestDesk, i: usize| desk.touch_point(TOUCH_POINTS[i]);
        match step {
            Step::Log { customer, tp: t, reason, outcome, feedback, minutes_ago } => {
                let mut entry = visit(&self.here, customer.map(|c| self.customers[c]))
                    .outcome(OUTCOMES[*outcome])
                    .at(t0() - Duration::minutes(*minutes_ago));
                entry.touch_point_id = tp(&self.here, *t);
                entry.reason = REASONS.get(*reason).map(|r| r.to_string());
                if let Some(s) = feedback {
                    entry.feeling = s.feeling.map(|f| FEELINGS[f]);
                    (entry.nps, entry.csat, entry.ces) = (s.nps, s.csat, s.ces);
                }
                // A log the desk refuses (feedback without any score is still a log) writes nothing.
                let _ = self.here.desk.log_interaction(&entry);
            }
            Step::Amend { which, tp: t, reason, outcome } => {
                let Some(id) = self.pick(*which) else { return };
                let changes = touchpoint_core::protocol::InteractionChanges {
                    touch_point_id: t.map(|t| tp(&self.here, t)),
                    reason: reason.map(|r| REASONS.get(r).copied().unwrap_or("  ").to_string()),
                    outcome: outcome.map(|o| OUTCOMES[o]),
                    ..Default::default()
                };
                let amend = AmendInteraction {
                    interaction_id: id.parse().expect("uuid"),
                    changes,
                    note: Some("Corrected".into()),
                };
                let _ = self.here.desk.amend_interaction(&amend);
            }
            Step::Erase { customer } => {
                let _ = self.here.desk.erase_customer(self.customers[*customer]);
            }
            Step::MoveToOtherStore { which } => {
                let Some(id) = self.pick(*which) else { return };
                self.here
                    .desk
                    .connection()
                    .execute("UPDATE interactions SET store_id = 'another-store' WHERE id = ?1", [id])
                    .expect("moved");
            }
            Step::RemoveFeedback { which } => {
                let Some(id) = self.pick(*which) else { return };
                self.here
                    .desk
                    .connection()
                    .execute("DELETE FROM feedback WHERE interaction_id = ?1", [id])
                    .expect("removed");
            }
            Step::RemoveCorrection { which } => {
                let Some(id) = self.pick(*which) else { return };
                self.here
                    .desk
                    .connection()
                    .execute(
                        "DELETE FROM amendments WHERE rowid = (SELECT max(rowid) FROM amendments WHERE interaction_id = ?1)",
                        [id],
                    )
                    .expect("removed");
            }
            Step::Pull { tp: t, feedback, minutes_ago, twice } => {
                let mut entry =
                    visit(&self.other, Some(self.other_customer)).at(t0() - Duration::minutes(*minutes_ago));
                entry.touch_point_id = tp(&self.other, *t);
                if let Some(s) = feedback {
                    entry.feeling = s.feeling.map(|f| FEELINGS[f]);
                    (entry.nps, entry.csat, entry.ces) = (s.nps, s.csat, s.ces);
                }
                let Ok(logged) = self.other.desk.log_interaction(&entry) else { return };
                self.pulled_conversations.push(logged.interaction_id);
                let (ops, last) = self.other.desk.outbox_batch_after(self.sent, 1000, 1 << 24).expect("outbox");
                self.sent = last.max(self.sent);
                self.pull(ops, *twice);
                assert_eq!(self.here.count("insight_pending"), 0, "a pulled page is counted in its own transaction");
            }
            Step::Look => {
                let f = InsightFilter {
                    from: local_midnight(2026, 11, 1),
                    to: local_midnight(2026, 12, 1),
                    store_id: None,
                    touch_point_id: None,
                    staff_id: None,
                };
                self.here.desk.insight(&f).expect("dashboard");
                assert_eq!(self.here.count("insight_pending"), 0, "reading the dashboards counts what waited");
            }
            Step::SecondFeedback { which, scores } => {
                if self.pulled_conversations.is_empty() {
                    return;
                }
                let interaction = self.pulled_conversations[which % self.pulled_conversations.len()];
                let (template, _) = self.other.desk.outbox_batch_after(0, 1, 1 << 24).expect("outbox");
                let mut op = template.into_iter().next().expect("the other desk has sent ops");
                op.op_id = Uuid::now_v7();
                op.body = OpBody::FeedbackRecorded(touchpoint_core::protocol::FeedbackRecord {
                    feedback_id: Uuid::now_v7(),
                    interaction_id: Some(interaction),
                    customer_id: Some(self.other_customer),
                    feeling: scores.feeling.map(|f| FEELINGS[f]),
                    csat: scores.csat,
                    nps: scores.nps,
                    ces: scores.ces,
                    verbatim: None,
                    occurred_at: t0(),
                });
                self.pull(vec![op], false);
            }
        }
    }
}

fn local_midnight(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    // Lisbon: UTC in winter, UTC+1 in summer (until the last Sunday of October).
    let summer = (4..=9).contains(&m) || (m == 10 && d <= 25) || (m == 3 && d > 29);
    let utc = Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).single().expect("date");
    if summer {
        utc - Duration::hours(1)
    } else {
        utc
    }
}

fn assert_rollups_hold(w: &World) -> Result<(), TestCaseError> {
    let conn = w.here.desk.connection();
    let (kept, fresh) = rollup::compare_with_rows(conn).expect("compare");
    prop_assert_eq!(kept, fresh, "every bucket equals a recount from the rows");
    let periods = [
        (local_midnight(2026, 9, 1), local_midnight(2026, 12, 1)),
        (local_midnight(2026, 10, 25), local_midnight(2026, 10, 26)),
        (local_midnight(2026, 10, 19), local_midnight(2026, 11, 2)),
        // A Sunday, three whole weeks, then the Monday of the last conversations.
        (local_midnight(2026, 11, 1), local_midnight(2026, 11, 24)),
    ];
    let stores: Vec<Option<Uuid>> =
        std::iter::once(None).chain(w.here.desk.stores().expect("stores").into_iter().map(|s| Some(s.id))).collect();
    let tps: Vec<Option<Uuid>> =
        std::iter::once(None).chain(w.here.desk.touch_points().expect("tps").into_iter().map(|t| Some(t.id))).collect();
    let staff = w.here.desk.info().expect("info").staff.id;
    for (from, to) in periods {
        let mut filters = Vec::new();
        for store_id in &stores {
            filters.push(InsightFilter { from, to, store_id: *store_id, touch_point_id: None, staff_id: None });
        }
        for touch_point_id in &tps {
            filters.push(InsightFilter { from, to, store_id: None, touch_point_id: *touch_point_id, staff_id: None });
        }
        filters.push(InsightFilter { from, to, store_id: None, touch_point_id: None, staff_id: Some(staff) });
        // A supervisor's figures are always their store's: a store and a touch point or person.
        for store_id in stores.iter().flatten() {
            for touch_point_id in tps.iter().flatten().take(3) {
                let f = InsightFilter {
                    from,
                    to,
                    store_id: Some(*store_id),
                    touch_point_id: Some(*touch_point_id),
                    staff_id: None,
                };
                filters.push(f);
            }
            filters.push(InsightFilter {
                from,
                to,
                store_id: Some(*store_id),
                touch_point_id: None,
                staff_id: Some(staff),
            });
        }
        for f in filters {
            let from_rollups = rollup::dashboard(conn, &f).expect("rollups").expect("whole days");
            let from_rows = insight::dashboard_from_rows(conn, &f).expect("rows");
            prop_assert_eq!(from_rollups, from_rows, "the same dashboard either way for {:?}", f);
        }
    }
    Ok(())
}

/// The review queue (and Insight's drill-down, which is the queue with every conversation)
/// reads only the days the rollups say may hold a match: it must list exactly what reading
/// every conversation lists, for any filter, period and length.
fn assert_queue_reads_the_right_days(w: &World) -> Result<(), TestCaseError> {
    let desk = &w.here.desk;
    let conn = desk.connection();
    let me = desk.info().expect("info").staff.id;
    let stores: Vec<Option<Uuid>> =
        std::iter::once(None).chain(desk.stores().expect("stores").into_iter().map(|s| Some(s.id))).collect();
    let tps: Vec<Option<Uuid>> = std::iter::once(None)
        .chain(desk.touch_points().expect("tps").into_iter().take(2).map(|t| Some(t.id)))
        .collect();
    let periods = [
        (None, None),
        (Some(local_midnight(2026, 10, 25)), Some(local_midnight(2026, 11, 2))),
        // Not at midnight: the first and last days are cut.
        (Some(t0() - Duration::hours(10 * 24 + 7)), Some(t0() - Duration::hours(30))),
    ];
    let reasons = [None, Some("Refund"), Some(" Exchange"), Some(""), Some("No such reason")];
    let mut filters = Vec::new();
    for (from, to) in periods {
        for store_id in &stores {
            for touch_point_id in &tps {
                for reason in reasons {
                    filters.push(ReviewQueueFilter {
                        store_id: *store_id,
                        touch_point_id: *touch_point_id,
                        from,
                        to,
                        reason: reason.map(str::to_owned),
                        include_own: true,
                        limit: Some(3),
                        ..Default::default()
                    });
                }
            }
        }
        for feeling in FEELINGS {
            filters.push(ReviewQueueFilter {
                feeling: Some(feeling),
                from,
                to,
                include_own: true,
                ..Default::default()
            });
        }
        for outcome in OUTCOMES {
            filters.push(ReviewQueueFilter {
                outcome: Some(outcome),
                reason: Some("Refund".into()),
                from,
                to,
                include_own: true,
                limit: Some(2),
                ..Default::default()
            });
        }
        for signal in [ScoreSignal::Detractor, ScoreSignal::LowCsat, ScoreSignal::HighEffort] {
            filters.push(ReviewQueueFilter { signal: Some(signal), from, to, include_own: true, ..Default::default() });
        }
        filters.push(ReviewQueueFilter { staff_id: Some(me), from, to, include_own: true, ..Default::default() });
        filters.push(ReviewQueueFilter { staff_id: Some(me), from, to, ..Default::default() });
        filters.push(ReviewQueueFilter { unreviewed_only: true, from, to, include_own: true, ..Default::default() });
    }
    for f in filters {
        let pruned = reviews::queue(conn, &f, me).expect("queue");
        let scanned = reviews::queue_by_scan(conn, &f, me).expect("scan");
        prop_assert_eq!(pruned, scanned, "the same conversations for {:?}", f);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_rollups_equal_a_recount_from_the_rows_after_any_mix_of_writes(steps in proptest::collection::vec(step(), 1..40)) {
        in_zone();
        let mut w = World::new();
        for s in &steps {
            w.run(s);
        }
        // The queue first: conversations may still wait to be counted.
        assert_queue_reads_the_right_days(&w)?;
        assert_rollups_hold(&w)?;
    }
}

#[test]
fn a_period_of_whole_local_days_is_read_from_the_rollups_and_any_other_from_the_rows() {
    in_zone();
    let mut t = TestDesk::new();
    t.log(visit(&t, None).nps(10).felt(Feeling::Happy).at(t0() - Duration::days(3)));
    let conn = t.desk.connection();
    let whole = InsightFilter {
        from: local_midnight(2026, 11, 1),
        to: local_midnight(2026, 12, 1),
        store_id: None,
        touch_point_id: None,
        staff_id: None,
    };
    let d = rollup::dashboard(conn, &whole).expect("rollups").expect("whole days are read from the rollups");
    assert_eq!(d.overall.interactions, 1);
    assert_eq!((d.overall.nps_responses, d.overall.nps), (1, Some(100.0)));
    let partial = InsightFilter { from: whole.from + Duration::hours(3), ..whole.clone() };
    assert!(
        rollup::dashboard(conn, &partial).expect("rollups").is_none(),
        "a period starting at 03:00 is not whole days"
    );
    assert_eq!(t.desk.insight(&partial).expect("dashboard").overall.interactions, 1, "it is counted from the rows");
}

#[test]
fn a_new_time_zone_cuts_the_days_again_on_opening() {
    in_zone();
    let mut t = TestDesk::new();
    t.log(visit(&t, None).at(t0() - Duration::days(1)));
    // As a desk whose days were cut in another zone (or by an older build) finds them.
    let conn = t.desk.connection();
    conn.execute("UPDATE insight_rollup_zone SET zone = 'elsewhere'", []).expect("zone");
    conn.execute("UPDATE insight_buckets SET period = '1999-01-01'", []).expect("days");
    let t = t.reopen();
    let (kept, fresh) = rollup::compare_with_rows(t.desk.connection()).expect("compare");
    assert_eq!(kept, fresh);
    assert!(!kept.is_empty());
}

#[test]
fn a_logged_conversation_waits_to_be_counted_until_the_dashboards_are_read_or_many_wait() {
    in_zone();
    let mut t = TestDesk::new();
    t.log(visit(&t, None).nps(10).at(t0() - Duration::days(1)));
    assert_eq!(t.count("insight_pending"), 1, "the log wrote one short row, not the buckets");
    assert_eq!(t.count("insight_buckets"), 0);
    let month = InsightFilter {
        from: local_midnight(2026, 11, 1),
        to: local_midnight(2026, 12, 1),
        store_id: None,
        touch_point_id: None,
        staff_id: None,
    };
    assert_eq!(t.desk.insight(&month).expect("dashboard").overall.interactions, 1);
    assert_eq!(t.count("insight_pending"), 0);
    for _ in 0..600 {
        t.log(visit(&t, None).at(t0() - Duration::hours(2)));
    }
    assert!(t.count("insight_pending") < 500, "a write counts them once 500 wait: {}", t.count("insight_pending"));
    let (kept, fresh) = rollup::compare_with_rows(t.desk.connection()).expect("compare");
    assert_eq!(kept, fresh);
}
