//! Staff sign in on the desk (with a PIN when they have one), switch quickly, and every event
//! records who made it. Only admins add staff or change someone else's PIN.

mod support;

use support::{visit, TestDesk};
use touchpoint_core::protocol::Role;
use touchpoint_core::staff::NewStaff;
use touchpoint_core::CoreError;

#[test]
fn switching_staff_needs_their_pin_and_events_record_who() {
    let mut t = TestDesk::new();
    let maria = t
        .desk
        .add_staff(&NewStaff { name: "Maria Lopes".into(), role: Role::Frontline, pin: "4821".into() })
        .expect("added");
    assert!(maria.has_pin);
    let wrong = t.desk.sign_in(maria.id, Some("1111")).expect_err("wrong pin");
    assert!(matches!(&wrong, CoreError::Validation { fields, .. } if fields[0].field == "pin"), "{wrong:?}");
    assert!(t.desk.sign_in(maria.id, None).is_err());
    assert_eq!(t.desk.info().expect("info").staff.name, "Store manager");

    t.desk.sign_in(maria.id, Some("4821")).expect("signed in");
    assert_eq!(t.desk.info().expect("info").staff.name, "Maria Lopes");
    let ana = t.customer("Ana");
    t.log(visit(&t, Some(ana.id)));
    let staff: String =
        t.desk.connection().query_row("SELECT staff_id FROM interactions", [], |r| r.get(0)).expect("row");
    assert_eq!(staff, maria.id.to_string());
    let op_staff = t.desk.pending_ops(10).expect("ops")[1].staff_id;
    assert_eq!(op_staff, maria.id);

    // Signed in survives a restart.
    let t = t.reopen();
    assert_eq!(t.desk.info().expect("info").staff.name, "Maria Lopes");
}

#[test]
fn only_admins_add_staff_or_change_other_peoples_pins() {
    let mut t = TestDesk::new();
    let manager = t.desk.staff_id();
    let maria =
        t.desk.add_staff(&NewStaff { name: "Maria".into(), role: Role::Frontline, pin: "".into() }).expect("added");
    assert!(!maria.has_pin);
    t.desk.sign_in(maria.id, None).expect("no pin needed");
    let err = t
        .desk
        .add_staff(&NewStaff { name: "João".into(), role: Role::Frontline, pin: "".into() })
        .expect_err("refused");
    assert!(matches!(err, CoreError::Forbidden { .. }), "{err:?}");
    assert!(matches!(t.desk.set_pin(manager, "1234"), Err(CoreError::Forbidden { .. })));
    t.desk.set_pin(maria.id, "2468").expect("own pin");
    assert!(matches!(t.desk.set_pin(maria.id, "12"), Err(CoreError::Validation { .. })));
    let listing = t.desk.list_staff().expect("staff");
    assert!(listing.iter().any(|s| s.id == maria.id && s.has_pin));
}

#[test]
fn bad_staff_details_are_refused() {
    let mut t = TestDesk::new();
    let err = t
        .desk
        .add_staff(&NewStaff { name: " ".into(), role: Role::Frontline, pin: "12a4".into() })
        .expect_err("refused");
    let CoreError::Validation { fields, .. } = err else { panic!("validation expected") };
    let mut names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    names.sort();
    assert_eq!(names, ["name", "pin"]);
}

#[test]
fn pins_everyone_guesses_first_are_refused_and_elevated_roles_need_six_digits() {
    let mut t = TestDesk::new();
    for (role, pin) in [
        (Role::Frontline, "0000"),
        (Role::Frontline, "1234"),
        (Role::Frontline, "4321"),
        (Role::Supervisor, "3917"),
        (Role::Admin, "111111"),
        (Role::Supervisor, "123456"),
    ] {
        let refused = t.desk.add_staff(&NewStaff { name: "Rita".into(), role, pin: pin.into() });
        assert!(
            matches!(&refused, Err(CoreError::Validation { fields, .. }) if fields[0].field == "pin"),
            "{role:?} {pin}: {refused:?}"
        );
    }
    t.desk.add_staff(&NewStaff { name: "Rita".into(), role: Role::Supervisor, pin: "391742".into() }).expect("six");
    let maria =
        t.desk.add_staff(&NewStaff { name: "Maria".into(), role: Role::Frontline, pin: "3917".into() }).expect("four");
    // A new PIN follows the same rule as the person's role.
    assert!(matches!(t.desk.set_pin(maria.id, "2222"), Err(CoreError::Validation { .. })));
}

#[test]
fn wrong_pins_pause_sign_in_longer_each_time_across_restarts_and_each_pause_is_audited() {
    let mut t = TestDesk::new();
    let maria =
        t.desk.add_staff(&NewStaff { name: "Maria".into(), role: Role::Frontline, pin: "3917".into() }).expect("added");
    let message = |e: CoreError| match e {
        CoreError::Validation { fields, .. } => fields[0].message.clone(),
        other => panic!("{other:?}"),
    };
    assert!(message(t.desk.sign_in(maria.id, Some("0001")).expect_err("wrong")).contains("2 more"));
    assert!(message(t.desk.sign_in(maria.id, Some("0002")).expect_err("wrong")).contains("1 more"));
    assert!(message(t.desk.sign_in(maria.id, Some("0003")).expect_err("wrong")).contains("waits 30 s"));
    // Paused: even the right PIN waits, and a restart changes nothing.
    let mut t = t.reopen();
    assert!(message(t.desk.sign_in(maria.id, Some("3917")).expect_err("paused")).contains("Too many wrong PINs"));
    assert_eq!(t.desk.info().expect("info").staff.name, "Store manager");

    t.clock.advance(chrono::Duration::seconds(31));
    assert!(message(t.desk.sign_in(maria.id, Some("0004")).expect_err("wrong")).contains("waits 60 s"));
    t.clock.advance(chrono::Duration::seconds(61));
    assert!(message(t.desk.sign_in(maria.id, Some("0005")).expect_err("wrong")).contains("waits 2 min"));
    t.clock.advance(chrono::Duration::minutes(3));
    t.desk.sign_in(maria.id, Some("3917")).expect("the right PIN after the pause");

    let audited: i64 = t
        .desk
        .connection()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'sign_in_locked' AND entity = 'staff' AND entity_id = ?1",
            [maria.id.to_string()],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(audited, 3, "each pause is in the audit log");
    let queued = t
        .desk
        .pending_ops(100)
        .expect("ops")
        .into_iter()
        .filter(|op| matches!(&op.body, touchpoint_core::protocol::OpBody::AuditRecorded(a) if a.action == touchpoint_core::protocol::AuditAction::SignInLocked))
        .count();
    assert_eq!(queued, 3, "and goes to the supervisors' desks with sync");

    // The count starts again after a right PIN.
    assert!(message(t.desk.sign_in(maria.id, Some("0006")).expect_err("wrong")).contains("2 more"));
}
