//! Logging a conversation: the interaction, its feedback and their outbox ops are written in
//! one transaction; bad input and failures write nothing; the timeline shows it at once.

mod support;

use chrono::Duration;
use support::{t0, visit, LogExt, TestDesk};
use touchpoint_core::customers::page::TimelineEntry;
use touchpoint_core::protocol::{Feeling, OpBody, Outcome};
use touchpoint_core::CoreError;

#[test]
fn logged_interaction_with_feedback_appears_first_on_the_timeline() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Souza");
    t.log(visit(&t, Some(ana.id)).reason("Order status").at(t0() - Duration::days(3)));
    t.clock.advance(Duration::minutes(1));
    let mut entry = visit(&t, Some(ana.id)).felt(Feeling::Unhappy).csat(2).reason("Refund");
    entry.touch_point_id = t.touch_point("Returns desk");
    entry.outcome = Outcome::FollowUpNeeded;
    entry.duration_secs = Some(360);
    entry.summary = Some("Kettle arrived damaged".into());
    let logged = t.log(entry);

    let page = t.desk.customer_page(ana.id).expect("page");
    assert_eq!(page.timeline.entries.len(), 2);
    let TimelineEntry::Interaction(first) = &page.timeline.entries[0] else { panic!("interaction expected") };
    assert_eq!(first.id, logged.interaction_id);
    assert_eq!(first.current.touch_point, "Returns desk");
    assert_eq!(first.current.reason.as_deref(), Some("Refund"));
    assert_eq!(first.staff, "Store manager");
    assert_eq!(first.current.duration_secs, Some(360));
    let feedback = first.feedback.as_ref().expect("feedback shown with the interaction");
    assert_eq!(feedback.feeling, Some(Feeling::Unhappy));
    assert_eq!(feedback.csat, Some(2));

    assert_eq!(page.summary.visits, 2);
    let last = page.summary.last_visit.expect("last visit");
    assert_eq!(last.touch_point, "Returns desk");
    assert_eq!(last.outcome, Outcome::FollowUpNeeded);
    assert_eq!(page.summary.last_feeling.map(|p| p.feeling), Some(Feeling::Unhappy));
    assert_eq!(page.summary.latest_csat.map(|s| s.value), Some(2));
    assert_eq!(page.customer.last_seen_at, Some(t0() + Duration::minutes(1)));
}

#[test]
fn interaction_and_feedback_ops_are_queued_with_the_rows() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Souza");
    let logged = t.log(visit(&t, Some(ana.id)).felt(Feeling::Happy));
    let ops = t.desk.pending_ops(10).expect("outbox");
    let kinds: Vec<&str> = ops.iter().map(|o| o.body.kind()).collect();
    assert_eq!(kinds, ["customer_patch", "interaction_logged", "feedback_recorded"]);
    let OpBody::FeedbackRecorded(f) = &ops[2].body else { panic!("feedback op expected") };
    assert_eq!(f.interaction_id, Some(logged.interaction_id));
    assert_eq!(Some(f.feedback_id), logged.feedback_id);
    // Stamps order the ops as they were made.
    assert!(ops.windows(2).all(|w| w[0].hlc < w[1].hlc));
}

#[test]
fn a_walk_in_can_be_logged_without_a_customer() {
    let mut t = TestDesk::new();
    let logged = t.log(visit(&t, None).felt(Feeling::Neutral));
    let customer: Option<String> = t
        .desk
        .connection()
        .query_row("SELECT customer_id FROM interactions WHERE id = ?1", [logged.interaction_id.to_string()], |r| {
            r.get(0)
        })
        .expect("row");
    assert_eq!(customer, None);
    assert_eq!(t.count("feedback"), 1);
}

#[test]
fn out_of_range_scores_are_refused_and_nothing_is_written() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    let before = t.count("outbox");
    let mut entry = visit(&t, Some(ana.id)).csat(6);
    entry.nps = Some(11);
    entry.ces = Some(0);
    entry.duration_secs = Some(9 * 3600);
    let err = t.desk.log_interaction(&entry).expect_err("refused");
    let CoreError::Validation { fields, .. } = err else { panic!("validation error expected") };
    let mut names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    names.sort();
    assert_eq!(names, ["ces", "csat", "duration_secs", "nps"]);
    assert_eq!(t.count("interactions"), 0);
    assert_eq!(t.count("feedback"), 0);
    assert_eq!(t.count("outbox"), before);
}

#[test]
fn unknown_touch_point_or_customer_and_future_times_are_refused() {
    let mut t = TestDesk::new();
    let mut entry = visit(&t, Some(uuid::Uuid::now_v7()));
    entry.touch_point_id = uuid::Uuid::now_v7();
    entry.occurred_at = Some(t0() + Duration::hours(1));
    let err = t.desk.log_interaction(&entry).expect_err("refused");
    let CoreError::Validation { fields, .. } = err else { panic!("validation error expected") };
    let mut names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    names.sort();
    assert_eq!(names, ["customer_id", "occurred_at", "touch_point_id"]);
}

#[test]
fn a_failure_while_queueing_the_op_leaves_no_interaction_behind() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    // Make the outbox refuse the next write, as a full disk or a crash mid-transaction would.
    t.desk
        .connection()
        .execute_batch(
            "CREATE TEMP TRIGGER outbox_fails BEFORE INSERT ON outbox
             WHEN NEW.kind = 'feedback_recorded' BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .expect("trigger");
    let err = t.desk.log_interaction(&visit(&t, Some(ana.id)).felt(Feeling::Happy)).expect_err("write fails");
    assert!(matches!(err, CoreError::Storage { .. }), "{err:?}");
    assert_eq!(t.count("interactions"), 0, "the interaction was rolled back with its op");
    assert_eq!(t.count("feedback"), 0);
    assert_eq!(t.count("outbox"), 1, "only the customer's creation is queued");
    assert_eq!(t.desk.customer_page(ana.id).expect("page").customer.last_seen_at, None);
}

#[test]
fn clock_stamps_keep_increasing_across_a_restart_with_a_clock_that_went_back() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    t.log(visit(&t, Some(ana.id)));
    t.clock.set(t0() - Duration::hours(2));
    let mut t = t.reopen();
    t.log(visit(&t, Some(ana.id)).at(t0() - Duration::hours(2)));
    let ops = t.desk.pending_ops(10).expect("outbox");
    assert_eq!(ops.len(), 3);
    assert!(ops.windows(2).all(|w| w[0].hlc < w[1].hlc), "{:?}", ops.iter().map(|o| &o.hlc).collect::<Vec<_>>());
}

#[test]
fn a_nul_or_another_control_character_in_any_text_is_a_field_error_and_nothing_is_written() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    let before = t.count("outbox");
    let mut entry = visit(&t, Some(ana.id));
    entry.reason = Some("Refund\u{0}".into());
    entry.summary = Some("Pasted \u{1b}[31m from a terminal".into());
    entry.verbatim = Some("Right\u{202e}to left".into());
    entry.feeling = Some(Feeling::Happy);
    let err = t.desk.log_interaction(&entry).expect_err("refused");
    let CoreError::Validation { fields, .. } = err else { panic!("validation error expected") };
    let mut names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    names.sort();
    assert_eq!(names, ["reason", "summary", "verbatim"]);
    assert!(fields.iter().all(|f| f.message.contains("invisible character")), "{fields:?}");
    assert!(fields.iter().any(|f| f.message.contains("U+0000")), "{fields:?}");
    assert_eq!(t.count("interactions"), 0);
    assert_eq!(t.count("outbox"), before);

    // The same rule for a profile's note and ids, and line breaks where one line is meant.
    let edit = touchpoint_core::customers::CustomerEdit {
        customer_id: ana.id,
        note: Some("Allergic\u{0}".into()),
        loyalty_id: Some("LOY\n42".into()),
        ..Default::default()
    };
    let err = t.desk.update_customer(&edit).expect_err("refused");
    let CoreError::Validation { fields, .. } = err else { panic!("validation error expected") };
    assert_eq!(fields.len(), 2, "{fields:?}");
    assert!(fields.iter().any(|f| f.field == "loyalty_id" && f.message.contains("one line")), "{fields:?}");
    assert_eq!(t.count("outbox"), before);

    // Line breaks and tabs are text in a note.
    entry.reason = Some("Refund".into());
    entry.summary = Some("First line\n\tSecond line".into());
    entry.verbatim = Some("«Obrigada» — محمد 👍".into());
    t.log(entry);
}

#[test]
fn a_conversation_with_neither_reason_nor_note_is_refused_at_the_reason() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    let before = t.count("outbox");
    let mut entry = visit(&t, Some(ana.id)).felt(Feeling::Happy);
    entry.summary = Some("   ".into()); // blank is nothing
    let err = t.desk.log_interaction(&entry).expect_err("refused");
    let CoreError::Validation { fields, .. } = err else { panic!("validation error expected") };
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].field, "reason");
    assert!(fields[0].message.contains("reason or write a note"), "{}", fields[0].message);
    assert_eq!((t.count("interactions"), t.count("feedback"), t.count("outbox")), (0, 0, before));

    // Either one is enough.
    t.log(visit(&t, Some(ana.id)).reason("Refund"));
    let mut noted = visit(&t, Some(ana.id));
    noted.summary = Some("Asked where the lockers are".into());
    t.log(noted);
    assert_eq!(t.count("interactions"), 2);
}

#[test]
fn the_same_form_sent_twice_saves_once_and_answers_what_the_first_save_made() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    let mut entry = visit(&t, Some(ana.id)).felt(Feeling::VeryUnhappy).reason("Refund");
    entry.outcome = Outcome::FollowUpNeeded;
    let first = t.log(entry.clone());
    assert!(first.proposal.is_some(), "an unhappy, unresolved visit proposes a follow-up");
    let outbox = t.count("outbox");

    t.clock.advance(Duration::seconds(1));
    let again = t.log(entry.clone());
    assert_eq!(again, first, "the second send answers the first save, its proposal included");
    assert_eq!((t.count("interactions"), t.count("feedback"), t.count("outbox")), (1, 1, outbox));

    // The same words from a new form are a new conversation.
    entry.submission_id = uuid::Uuid::now_v7();
    let other = t.log(entry);
    assert_ne!(other.interaction_id, first.interaction_id);
    assert_eq!(t.count("interactions"), 2);
}
