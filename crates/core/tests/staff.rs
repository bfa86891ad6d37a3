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
