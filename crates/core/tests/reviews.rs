//! Reviews: supervisors review what the frontline logged (not their own work), with a comment
//! and an optional scorecard; the reviewed person acknowledges; the queue finds the
//! conversations worth a look.

mod support;

use support::{visit, LogExt, TestDesk};
use touchpoint_core::protocol::{CriterionScore, Feeling, Outcome, ReviewKind, Role};
use touchpoint_core::reviews::{NewReview, ReviewQueueFilter, ScoreSignal};
use touchpoint_core::staff::NewStaff;
use touchpoint_core::CoreError;
use uuid::Uuid;

struct Store {
    t: TestDesk,
    supervisor: Uuid,
    maria: Uuid,
    joao: Uuid,
}

/// The desk's admin adds a supervisor and two frontline staff (no PINs).
fn store() -> Store {
    let mut t = TestDesk::new();
    let mut add = |name: &str, role: Role| {
        t.desk.add_staff(&NewStaff { name: name.into(), role, pin: String::new() }).expect("staff").id
    };
    let supervisor = add("Priya Shah", Role::Supervisor);
    let maria = add("Maria Lopes", Role::Frontline);
    let joao = add("João Silva", Role::Frontline);
    Store { t, supervisor, maria, joao }
}

fn criterion(t: &TestDesk, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    t.desk
        .connection()
        .execute("INSERT INTO review_criteria (id, name) VALUES (?1, ?2)", [id.to_string(), name.to_owned()])
        .expect("criterion");
    id
}

fn praise(interaction: Uuid, comment: &str) -> NewReview {
    NewReview { interaction_id: interaction, kind: ReviewKind::Praise, comment: comment.into(), scores: vec![] }
}

#[test]
fn a_supervisor_reviews_a_conversation_and_the_staff_member_acknowledges_it() {
    let mut s = store();
    let greeted = criterion(&s.t, "Greeted the customer");
    s.t.desk.sign_in(s.maria, None).expect("Maria");
    let entry = visit(&s.t, None).reason("Refund").felt(Feeling::Unhappy);
    let logged = s.t.log(entry);

    s.t.desk.sign_in(s.supervisor, None).expect("Priya");
    let review =
        s.t.desk
            .record_review(&NewReview {
                interaction_id: logged.interaction_id,
                kind: ReviewKind::Coaching,
                comment: "  Offer the refund form before the customer asks.  ".into(),
                scores: vec![CriterionScore { criterion_id: greeted, score: 4 }],
            })
            .expect("review");
    assert_eq!(review.comment, "Offer the refund form before the customer asks.");
    assert_eq!(review.staff.name, "Maria Lopes");
    assert_eq!(review.reviewer.name, "Priya Shah");
    assert_eq!(review.scores[0].name, "Greeted the customer");
    assert_eq!(review.conversation.reason.as_deref(), Some("Refund"));
    assert_eq!(s.t.count("outbox WHERE kind = 'review_recorded'"), 1);

    // Only Maria may acknowledge it, and only once.
    let refused = s.t.desk.acknowledge_review(review.id);
    assert!(matches!(refused, Err(CoreError::Forbidden { .. })), "{refused:?}");
    s.t.desk.sign_in(s.maria, None).expect("Maria");
    let mine = s.t.desk.my_reviews().expect("mine");
    assert_eq!(mine.len(), 1);
    assert!(mine[0].acknowledged_at.is_none());
    let read = s.t.desk.acknowledge_review(review.id).expect("acknowledged");
    assert!(read.acknowledged_at.is_some());
    assert!(matches!(s.t.desk.acknowledge_review(review.id), Err(CoreError::Validation { .. })));
    assert_eq!(s.t.count("outbox WHERE kind = 'review_acknowledged'"), 1);
    // João sees none of it.
    s.t.desk.sign_in(s.joao, None).expect("João");
    assert!(s.t.desk.my_reviews().expect("none").is_empty());
    assert!(s.t.desk.interaction_reviews(logged.interaction_id).expect("filtered").is_empty());
}

#[test]
fn frontline_staff_cannot_review_and_nobody_reviews_their_own_work() {
    let mut s = store();
    s.t.desk.sign_in(s.maria, None).expect("Maria");
    let hers = s.t.log(visit(&s.t, None));
    let refused = s.t.desk.record_review(&praise(hers.interaction_id, "Great"));
    assert!(matches!(refused, Err(CoreError::Forbidden { .. })), "{refused:?}");
    assert!(matches!(s.t.desk.review_queue(&ReviewQueueFilter::default()), Err(CoreError::Forbidden { .. })));

    s.t.desk.sign_in(s.supervisor, None).expect("Priya");
    let own = s.t.log(visit(&s.t, None));
    let queue = s.t.desk.review_queue(&ReviewQueueFilter::default()).expect("queue");
    assert_eq!(queue.iter().map(|q| q.interaction_id).collect::<Vec<_>>(), [hers.interaction_id], "not her own");
    // The conversations behind a figure are all of them, hers included (she still cannot
    // review those).
    let behind = s.t.desk.review_queue(&ReviewQueueFilter { include_own: true, ..Default::default() }).expect("queue");
    assert_eq!(
        behind.iter().map(|q| q.interaction_id).collect::<Vec<_>>(),
        [own.interaction_id, hers.interaction_id],
        "a drill-down shows her own too, newest first"
    );
    match s.t.desk.record_review(&praise(own.interaction_id, "I was great")) {
        Err(CoreError::Validation { fields, .. }) => assert_eq!(fields[0].field, "interaction_id"),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.t.count("reviews"), 0);
    assert_eq!(s.t.count("outbox WHERE kind = 'review_recorded'"), 0, "nothing half-written");
}

#[test]
fn a_review_needs_a_comment_and_a_valid_scorecard() {
    let mut s = store();
    let known = criterion(&s.t, "Offered a solution");
    s.t.desk.sign_in(s.maria, None).expect("Maria");
    let logged = s.t.log(visit(&s.t, None));
    s.t.desk.sign_in(s.supervisor, None).expect("Priya");
    let mut bad = praise(logged.interaction_id, "   ");
    bad.scores = vec![CriterionScore { criterion_id: known, score: 6 }];
    match s.t.desk.record_review(&bad) {
        Err(CoreError::Validation { fields, .. }) => {
            let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(named, ["comment", "scores"]);
        }
        other => panic!("{other:?}"),
    }
    bad.comment = "Good".into();
    bad.scores = vec![CriterionScore { criterion_id: Uuid::now_v7(), score: 3 }];
    assert!(matches!(s.t.desk.record_review(&bad), Err(CoreError::Validation { .. })), "unknown criterion");
    bad.scores =
        vec![CriterionScore { criterion_id: known, score: 3 }, CriterionScore { criterion_id: known, score: 4 }];
    assert!(matches!(s.t.desk.record_review(&bad), Err(CoreError::Validation { .. })), "scored twice");
    let missing = s.t.desk.record_review(&praise(Uuid::now_v7(), "Good"));
    assert!(matches!(missing, Err(CoreError::NotFound { .. })), "{missing:?}");
    assert_eq!(s.t.count("reviews"), 0);
}

#[test]
fn the_queue_finds_detractors_unhappy_unreviewed_and_samples() {
    let mut s = store();
    s.t.desk.sign_in(s.maria, None).expect("Maria");
    let happy = s.t.log(visit(&s.t, None).felt(Feeling::Happy).nps(9));
    let detractor = s.t.log(visit(&s.t, None).felt(Feeling::Unhappy).nps(3));
    s.t.desk.sign_in(s.joao, None).expect("João");
    let low_csat = s.t.log(visit(&s.t, None).csat(1).outcome(Outcome::Unresolved));
    s.t.desk.sign_in(s.supervisor, None).expect("Priya");

    fn ids_of(t: &TestDesk, f: ReviewQueueFilter) -> Vec<Uuid> {
        t.desk.review_queue(&f).expect("queue").into_iter().map(|q| q.interaction_id).collect()
    }
    let ids = |f: ReviewQueueFilter| ids_of(&s.t, f);
    assert_eq!(ids(ReviewQueueFilter::default()).len(), 3);
    assert_eq!(
        ids(ReviewQueueFilter { signal: Some(ScoreSignal::Detractor), ..Default::default() }),
        [detractor.interaction_id]
    );
    assert_eq!(
        ids(ReviewQueueFilter { signal: Some(ScoreSignal::LowCsat), ..Default::default() }),
        [low_csat.interaction_id]
    );
    assert_eq!(ids(ReviewQueueFilter { feeling: Some(Feeling::Happy), ..Default::default() }), [happy.interaction_id]);
    assert_eq!(ids(ReviewQueueFilter { staff_id: Some(s.joao), ..Default::default() }), [low_csat.interaction_id]);
    assert_eq!(
        ids(ReviewQueueFilter { outcome: Some(Outcome::Unresolved), ..Default::default() }),
        [low_csat.interaction_id]
    );

    s.t.desk.record_review(&praise(happy.interaction_id, "Lovely")).expect("review");
    let ids = |f: ReviewQueueFilter| ids_of(&s.t, f);
    let unreviewed = ids(ReviewQueueFilter { unreviewed_only: true, ..Default::default() });
    assert_eq!(unreviewed.len(), 2);
    assert!(!unreviewed.contains(&happy.interaction_id));
    let sample = ids(ReviewQueueFilter { sample: Some(2), ..Default::default() });
    assert_eq!(sample.len(), 2, "a sample of the asked size");
    let item = &s.t.desk.review_queue(&ReviewQueueFilter::default()).expect("queue")[2];
    assert_eq!((item.interaction_id, item.reviews), (happy.interaction_id, 1));
}

#[test]
fn the_admin_of_a_desk_that_is_not_connected_defines_the_scorecard() {
    let mut s = store();
    let t = &mut s.t;
    let admin = t.desk.staff_id();
    assert!(t.desk.review_criteria().expect("criteria").is_empty());
    let listen = t.desk.add_review_criterion("  Listened to the customer ").expect("added");
    assert_eq!(listen.name, "Listened to the customer", "trimmed");
    t.desk.add_review_criterion("Followed policy").expect("added");
    let names =
        |t: &TestDesk| t.desk.review_criteria().expect("criteria").into_iter().map(|c| c.name).collect::<Vec<_>>();
    assert_eq!(names(t), ["Listened to the customer", "Followed policy"], "in the order added");

    for (bad, why) in [
        ("   ", "Name the criterion"),
        ("followed POLICY", "already has"),
        (&*"x".repeat(81), "at most 80"),
        ("Greeted\u{0}", "U+0000"),
    ] {
        match t.desk.add_review_criterion(bad) {
            Err(CoreError::Validation { fields, .. }) => {
                assert_eq!(fields[0].field, "name");
                assert!(fields[0].message.contains(why), "{bad:?}: {}", fields[0].message);
            }
            other => panic!("{bad:?} should be refused: {other:?}"),
        }
    }
    let renamed = t.desk.rename_review_criterion(listen.id, "Listened well").expect("renamed");
    assert_eq!(renamed.name, "Listened well");
    assert!(t.desk.rename_review_criterion(listen.id, "Listened WELL").is_ok(), "its own name is not a clash");

    // A review scores it; retiring it keeps the review's score and the criterion's name.
    t.desk.sign_in(s.maria, None).expect("Maria");
    let interaction = t.log(visit(t, None)).interaction_id;
    t.desk.sign_in(s.supervisor, None).expect("supervisor");
    let review = NewReview {
        scores: vec![CriterionScore { criterion_id: listen.id, score: 4 }],
        ..praise(interaction, "Calm and clear")
    };
    t.desk.record_review(&review).expect("review");
    assert!(
        matches!(t.desk.retire_review_criterion(listen.id), Err(CoreError::Forbidden { .. })),
        "only an administrator changes the scorecard"
    );
    t.desk.sign_in(admin, None).expect("admin");
    t.desk.retire_review_criterion(listen.id).expect("retired");
    assert_eq!(names(t), ["Followed policy"]);
    let reviews = t.desk.interaction_reviews(interaction).expect("reviews");
    assert_eq!(reviews[0].scores[0].name, "Listened WELL");
    assert_eq!(reviews[0].scores[0].score, 4);

    for n in 2..=8 {
        t.desk.add_review_criterion(&format!("Criterion {n}")).expect("up to eight");
    }
    let ninth = t.desk.add_review_criterion("One too many");
    assert!(matches!(ninth, Err(CoreError::Validation { .. })), "{ninth:?}");

    // Once connected, the server's scorecard counts: the desk refuses local changes.
    t.desk
        .connection()
        .execute("UPDATE sync_state SET server_url = 'http://127.0.0.1:1', refresh_token = 'x', org_id = '0190a0b0-0000-7000-8000-000000000001'", [])
        .expect("connected");
    let refused = t.desk.add_review_criterion("Smiled");
    assert!(matches!(refused, Err(CoreError::Refused { .. })), "{refused:?}");
}

#[test]
fn the_queue_finds_the_conversations_of_one_reason_or_of_none() {
    let mut s = store();
    s.t.desk.sign_in(s.maria, None).expect("Maria");
    let refund = s.t.log(visit(&s.t, None).reason("Refund"));
    let other = s.t.log(visit(&s.t, None).reason("Exchange"));
    let mut silent = visit(&s.t, None);
    silent.reason = None;
    let silent = s.t.log(silent);
    s.t.desk.sign_in(s.supervisor, None).expect("Priya");
    let ids = |reason: &str| -> Vec<Uuid> {
        let f = ReviewQueueFilter { reason: Some(reason.into()), ..Default::default() };
        s.t.desk.review_queue(&f).expect("queue").into_iter().map(|q| q.interaction_id).collect()
    };
    assert_eq!(ids("Refund"), [refund.interaction_id]);
    assert_eq!(ids(" Exchange "), [other.interaction_id], "as the chart groups them: trimmed");
    assert_eq!(ids(""), [silent.interaction_id], "the chart's 'no reason given' bar");
}
