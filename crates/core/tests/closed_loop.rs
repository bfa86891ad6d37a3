//! Supervisors' view of the closed loop: the store's follow-ups board, reassigning, and the
//! figures (unhappy customers followed up within the SLA, median time to recover, how they
//! feel after) computed from what was logged.

mod support;

use chrono::Duration;
use support::{t0, visit, LogExt, TestDesk};
use touchpoint_core::follow_ups::board::BoardFilter;
use touchpoint_core::follow_ups::{
    CloseFollowUp, DueState, FollowUpChangeKind, NewFollowUp, ReassignFollowUp, SnoozeFollowUp,
};
use touchpoint_core::protocol::{Feeling, FollowUpStatus, Role};
use touchpoint_core::staff::NewStaff;
use touchpoint_core::CoreError;
use uuid::Uuid;

fn add(t: &mut TestDesk, name: &str, role: Role) -> Uuid {
    t.desk.add_staff(&NewStaff { name: name.into(), role, pin: String::new() }).expect("staff").id
}

/// An unhappy conversation at `hours_ago`, with a follow-up owned by `owner` due a day later.
/// (The follow-up is opened right after the conversation, as at a real desk.)
fn unhappy_with_follow_up(t: &mut TestDesk, owner: Uuid, hours_ago: i64, name: &str) -> (Uuid, Uuid) {
    t.clock.set(t0() - Duration::hours(hours_ago));
    let c = t.customer(name);
    let logged = t.log(visit(t, Some(c.id)).felt(Feeling::Unhappy));
    let f = t
        .desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(c.id),
            interaction_id: Some(logged.interaction_id),
            owner_staff_id: owner,
            due_at: t0() - Duration::hours(hours_ago) + Duration::hours(24),
            promise: "Call back about it".into(),
            route: None,
            kind: None,
        })
        .expect("follow-up");
    t.clock.set(t0());
    (logged.interaction_id, f.id)
}

#[test]
fn the_board_shows_every_open_follow_up_most_overdue_first_and_a_supervisor_reassigns() {
    let mut t = TestDesk::new();
    let maria = add(&mut t, "Maria Lopes", Role::Frontline);
    let joao = add(&mut t, "João Silva", Role::Frontline);
    let (_, late) = unhappy_with_follow_up(&mut t, maria, 72, "Ana Souza");
    let (_, soon) = unhappy_with_follow_up(&mut t, joao, 2, "Bea Cruz");

    let board = t.desk.follow_up_board(&BoardFilter::default()).expect("board");
    assert_eq!(board.iter().map(|f| f.id).collect::<Vec<_>>(), [late, soon]);
    assert_eq!(board[0].due_state, DueState::Overdue);
    let overdue = t.desk.follow_up_board(&BoardFilter { due_state: Some(DueState::Overdue), ..Default::default() });
    assert_eq!(overdue.expect("overdue").len(), 1);
    let joaos = t.desk.follow_up_board(&BoardFilter { owner_staff_id: Some(joao), ..Default::default() });
    assert_eq!(joaos.expect("João's")[0].id, soon);

    let moved = t.desk.reassign_follow_up(&handover(late, joao, "Maria is on leave")).expect("reassigned");
    assert_eq!(moved.owner.name, "João Silva");
    let change = moved.last_change.expect("the hand-over is in its history");
    assert_eq!((change.owner.as_deref(), change.note.as_deref()), (Some("João Silva"), Some("Maria is on leave")));
    assert_eq!(t.count("outbox WHERE kind = 'follow_up_patch'"), 3, "the reassignment syncs");
    let bad = t.desk.reassign_follow_up(&handover(late, Uuid::now_v7(), "Moved"));
    assert!(matches!(bad, Err(CoreError::Validation { .. })), "{bad:?}");

    t.desk.sign_in(maria, None).expect("Maria");
    assert!(matches!(t.desk.follow_up_board(&BoardFilter::default()), Err(CoreError::Forbidden { .. })));
    assert!(matches!(t.desk.reassign_follow_up(&handover(soon, maria, "Mine now")), Err(CoreError::Forbidden { .. })));
}

fn handover(follow_up_id: Uuid, owner_staff_id: Uuid, reason: &str) -> ReassignFollowUp {
    ReassignFollowUp { follow_up_id, owner_staff_id, reason: reason.into() }
}

fn field_of(e: &CoreError) -> Vec<&str> {
    match e {
        CoreError::Validation { fields, .. } => fields.iter().map(|f| f.field.as_str()).collect(),
        _ => vec![],
    }
}

#[test]
fn an_owner_snoozes_a_follow_up_to_a_new_time_with_a_reason_that_stays_in_its_history() {
    let mut t = TestDesk::new();
    let maria = add(&mut t, "Maria Lopes", Role::Frontline);
    let (_, id) = unhappy_with_follow_up(&mut t, maria, 2, "Ana Souza");
    t.desk.sign_in(maria, None).expect("Maria");
    let friday = t0() + Duration::days(3);

    let no_reason = t.desk.snooze_follow_up(&SnoozeFollowUp { follow_up_id: id, due_at: friday, reason: "  ".into() });
    assert_eq!(field_of(&no_reason.expect_err("a reason is needed")), ["reason"]);
    let past = t.desk.snooze_follow_up(&SnoozeFollowUp {
        follow_up_id: id,
        due_at: t0() - Duration::hours(1),
        reason: "Away".into(),
    });
    assert_eq!(field_of(&past.expect_err("a time ahead is needed")), ["due_at"]);

    let snoozed = t
        .desk
        .snooze_follow_up(&SnoozeFollowUp { follow_up_id: id, due_at: friday, reason: "Away until Friday".into() })
        .expect("snoozed");
    assert_eq!(snoozed.due_at, friday);
    assert_eq!(snoozed.due_state, DueState::Upcoming);
    let change = snoozed.last_change.expect("history");
    assert_eq!(change.kind, FollowUpChangeKind::Snoozed);
    assert_eq!(
        (change.by.as_str(), change.note.as_deref(), change.due_at),
        ("Maria Lopes", Some("Away until Friday"), Some(friday))
    );
    let sent: String = t
        .desk
        .connection()
        .query_row("SELECT payload FROM outbox WHERE kind = 'follow_up_patch' ORDER BY seq DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .expect("the op");
    assert!(sent.contains("Away until Friday"), "the reason syncs with the new due time: {sent}");
}

#[test]
fn a_snooze_or_hand_over_reason_with_a_nul_or_too_long_is_refused_at_the_field_and_nothing_changes() {
    let mut t = TestDesk::new();
    let maria = add(&mut t, "Maria Lopes", Role::Frontline);
    let joao = add(&mut t, "João Silva", Role::Frontline);
    let (_, id) = unhappy_with_follow_up(&mut t, maria, 2, "Ana Souza");
    t.desk.sign_in(maria, None).expect("Maria");
    let ops_before: i64 = t.desk.connection().query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).expect("ops");
    let friday = t0() + Duration::days(3);
    for reason in ["Away\0until Friday".to_owned(), "x".repeat(301)] {
        let snoozed =
            t.desk.snooze_follow_up(&SnoozeFollowUp { follow_up_id: id, due_at: friday, reason: reason.clone() });
        assert_eq!(field_of(&snoozed.expect_err("refused")), ["reason"]);
        let moved = t.desk.reassign_follow_up(&handover(id, joao, &reason));
        assert_eq!(field_of(&moved.expect_err("refused")), ["reason"]);
    }
    let ops_after: i64 = t.desk.connection().query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).expect("ops");
    assert_eq!(ops_after, ops_before, "nothing half-written");
}

#[test]
fn an_owner_hands_their_own_follow_up_over_but_not_someone_elses() {
    let mut t = TestDesk::new();
    let maria = add(&mut t, "Maria Lopes", Role::Frontline);
    let joao = add(&mut t, "João Silva", Role::Frontline);
    let (_, marias) = unhappy_with_follow_up(&mut t, maria, 2, "Ana Souza");
    let (_, joaos) = unhappy_with_follow_up(&mut t, joao, 2, "Bea Cruz");
    t.desk.sign_in(maria, None).expect("Maria");

    let same = t.desk.reassign_follow_up(&handover(marias, maria, "Keep it"));
    assert_eq!(field_of(&same.expect_err("to someone else")), ["owner_staff_id"]);
    let moved = t.desk.reassign_follow_up(&handover(marias, joao, "He speaks Portuguese")).expect("handed over");
    assert_eq!(moved.owner.id, joao);
    let theirs = t.desk.snooze_follow_up(&SnoozeFollowUp {
        follow_up_id: joaos,
        due_at: t0() + Duration::days(1),
        reason: "Later".into(),
    });
    assert!(matches!(theirs, Err(CoreError::Forbidden { .. })), "{theirs:?}");
}

#[test]
fn a_follow_up_says_how_to_reach_the_customer_and_what_they_agreed_to() {
    let mut t = TestDesk::new();
    let me = t.desk.staff_id();
    let c = t.customer_with("Ana Souza", "+351 912 345 678", "ana@example.com");
    let f = t
        .desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(c.id),
            interaction_id: None,
            owner_staff_id: me,
            due_at: t0() + Duration::hours(4),
            promise: "Call back".into(),
            route: None,
            kind: None,
        })
        .expect("follow-up");
    let contact = f.contact.expect("contact");
    assert_eq!(
        (contact.phone.as_deref(), contact.email.as_deref()),
        (Some("+351 912 345 678"), Some("ana@example.com"))
    );
    assert!(!contact.consent.marketing_sms, "no marketing consent was given");
}

#[test]
fn loop_figures_count_unhappy_customers_followed_up_within_the_sla_and_how_they_feel_after() {
    let mut t = TestDesk::new();
    let me = t.desk.staff_id();
    let (_, quick) = unhappy_with_follow_up(&mut t, me, 30, "Ana Souza");
    let (_, slow) = unhappy_with_follow_up(&mut t, me, 100, "Bea Cruz");
    let (_, _open) = unhappy_with_follow_up(&mut t, me, 28, "Cid Lima");
    let c = t.customer("Dia Reis");
    t.log(visit(&t, Some(c.id)).felt(Feeling::Unhappy).at(t0() - Duration::hours(10)));
    t.log(visit(&t, Some(c.id)).felt(Feeling::Happy).at(t0() - Duration::hours(9)));

    // Ana's was closed 6 h after her visit (within 48 h); Bea's 70 h after (outside).
    t.clock.set(t0() - Duration::hours(24));
    let close = |id, feeling| CloseFollowUp {
        follow_up_id: id,
        status: FollowUpStatus::Done,
        resolution: "Refunded".into(),
        feeling_after: Some(feeling),
    };
    t.desk.close_follow_up(&close(quick, Feeling::Happy)).expect("closed");
    t.clock.set(t0() - Duration::hours(30));
    t.desk.close_follow_up(&close(slow, Feeling::Neutral)).expect("closed");
    t.clock.set(t0());

    let m = t.desk.loop_metrics(t0() - Duration::days(7), t0()).expect("metrics");
    assert_eq!(m.unhappy, 4, "four unhappy conversations (the happy one does not count)");
    assert_eq!(m.followed_up, 3);
    assert_eq!(m.within_sla, 1);
    assert_eq!(m.within_sla_percent, Some(25));
    let median = m.median_hours_to_recover.expect("a median");
    assert!((median - 38.0).abs() < 0.01, "median of 6 h and 70 h: {median}");
    assert_eq!(m.feeling_after.len(), 2);
    assert_eq!((m.feeling_after[0].feeling, m.feeling_after[0].count), (Feeling::Neutral, 1));
    assert_eq!((m.feeling_after[1].feeling, m.feeling_after[1].count), (Feeling::Happy, 1));
    assert_eq!(m.overdue_now, 1, "Cid's follow-up was due 4 hours ago");
    assert!(matches!(t.desk.loop_metrics(t0(), t0()), Err(CoreError::Validation { .. })));
}

#[test]
fn the_loop_figures_and_the_board_export_as_csv_and_the_export_is_audited() {
    let mut t = TestDesk::new();
    let maria = add(&mut t, "Maria Lopes", Role::Frontline);
    unhappy_with_follow_up(&mut t, maria, 72, "Ana Souza");
    unhappy_with_follow_up(&mut t, maria, 2, "Bea Cruz");

    let file = t.desk.export_follow_ups(t0() - Duration::days(7), t0(), &BoardFilter::default()).expect("export");
    assert!(file.path.contains("follow-ups-") && file.path.ends_with(".csv"), "{}", file.path);
    let csv = std::fs::read_to_string(&file.path).expect("file");
    assert_eq!(file.bytes as usize, csv.len());
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines.contains(&"unhappy_conversations,2"), "{csv}");
    assert!(lines.contains(&"overdue_now,1"), "{csv}");
    assert!(lines.contains(&"sla_hours,48"), "{csv}");
    let ana = lines.iter().position(|l| l.starts_with("Ana Souza,Call back about it,Maria Lopes,")).expect("Ana's row");
    let bea = lines.iter().position(|l| l.starts_with("Bea Cruz,")).expect("Bea's row");
    assert!(ana < bea, "most overdue first: {csv}");
    assert!(lines[ana].contains(",overdue,open,"), "{}", lines[ana]);
    assert_eq!(
        t.count("audit_log WHERE action = 'export' AND entity = 'follow_ups' AND customer_id IS NOT NULL"),
        2,
        "each customer on the board has the export in their audit trail"
    );

    // The board's filter is the export's: only Maria's upcoming ones → none overdue listed.
    let upcoming = BoardFilter { due_state: Some(DueState::Upcoming), ..Default::default() };
    let file = t.desk.export_follow_ups(t0() - Duration::days(7), t0(), &upcoming).expect("export");
    let csv = std::fs::read_to_string(&file.path).expect("file");
    assert!(!csv.contains("Ana Souza"), "{csv}");

    t.desk.sign_in(maria, None).expect("Maria");
    let refused = t.desk.export_follow_ups(t0() - Duration::days(7), t0(), &BoardFilter::default());
    assert!(matches!(refused, Err(CoreError::Forbidden { .. })), "{refused:?}");
}

#[test]
fn a_follow_up_opened_from_the_customers_page_after_an_unhappy_visit_counts_for_that_visit() {
    let mut t = TestDesk::new();
    let me = t.desk.staff_id();
    let ana = t.customer("Ana Souza");
    t.log(visit(&t, Some(ana.id)).felt(Feeling::Unhappy).at(t0() - Duration::hours(10)));
    // Opened from her page, linked to no conversation, two hours later; done an hour after.
    t.clock.set(t0() - Duration::hours(8));
    let f = t
        .desk
        .create_follow_up(&NewFollowUp {
            customer_id: Some(ana.id),
            interaction_id: None,
            owner_staff_id: me,
            due_at: t0() + Duration::hours(30),
            promise: "Call back".into(),
            route: None,
            kind: None,
        })
        .expect("follow-up");
    let upcoming = t.desk.follow_up_board(&BoardFilter { due_state: Some(DueState::Upcoming), ..Default::default() });
    assert_eq!(upcoming.expect("upcoming").len(), 1, "due in 38 h from then: upcoming");
    let today = t.desk.follow_up_board(&BoardFilter { due_state: Some(DueState::DueToday), ..Default::default() });
    assert!(today.expect("due today").is_empty());
    t.clock.set(t0() - Duration::hours(7));
    let close = CloseFollowUp {
        follow_up_id: f.id,
        status: FollowUpStatus::Done,
        resolution: "Sorted".into(),
        feeling_after: Some(Feeling::Happy),
    };
    t.desk.close_follow_up(&close).expect("closed");
    t.clock.set(t0());

    let m = t.desk.loop_metrics(t0() - Duration::days(1), t0()).expect("metrics");
    assert_eq!((m.unhappy, m.followed_up, m.within_sla), (1, 1, 1), "{m:?}");
    let median = m.median_hours_to_recover.expect("recovered");
    assert!((median - 3.0).abs() < 0.01, "three hours from the visit: {median}");
}
