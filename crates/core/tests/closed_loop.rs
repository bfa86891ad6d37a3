//! Supervisors' view of the closed loop: the store's follow-ups board, reassigning, and the
//! figures (unhappy customers followed up within the SLA, median time to recover, how they
//! feel after) computed from what was logged.

mod support;

use chrono::Duration;
use support::{t0, visit, LogExt, TestDesk};
use touchpoint_core::closed_loop::BoardFilter;
use touchpoint_core::follow_ups::{CloseFollowUp, DueState, NewFollowUp};
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

    let moved = t.desk.reassign_follow_up(late, joao).expect("reassigned");
    assert_eq!(moved.owner.name, "João Silva");
    assert_eq!(t.count("outbox WHERE kind = 'follow_up_patch'"), 3, "the reassignment syncs");
    let bad = t.desk.reassign_follow_up(late, Uuid::now_v7());
    assert!(matches!(bad, Err(CoreError::Validation { .. })), "{bad:?}");

    t.desk.sign_in(maria, None).expect("Maria");
    assert!(matches!(t.desk.follow_up_board(&BoardFilter::default()), Err(CoreError::Forbidden { .. })));
    assert!(matches!(t.desk.reassign_follow_up(soon, maria), Err(CoreError::Forbidden { .. })));
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
