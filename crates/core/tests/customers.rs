//! Creating customers: what staff type is checked field by field, bad input writes nothing,
//! and every creation is recorded in the outbox in the same transaction.

mod support;

use support::TestDesk;
use touchpoint_core::customers::NewCustomer;
use touchpoint_core::protocol::{Op, OpBody};
use touchpoint_core::CoreError;

#[test]
fn first_start_seeds_a_store_a_staff_member_and_touch_points() {
    let t = TestDesk::new();
    let info = t.desk.info().expect("info");
    assert_eq!(info.store.name, "My store");
    assert_eq!(info.staff.name, "Store manager");
    assert_eq!(info.region, "GB");
    assert_eq!(info.touch_point.as_ref().map(|t| t.name.as_str()), Some("Service desk"));
    let names: Vec<String> = t.desk.touch_points().expect("catalogue").into_iter().map(|t| t.name).collect();
    for expected in ["Service desk", "Checkout", "Returns desk", "Phone support"] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
    assert!(!t.desk.reasons().expect("reasons").is_empty());
}

#[test]
fn reopening_keeps_the_same_device_and_does_not_seed_twice() {
    let t = TestDesk::new();
    let before = t.desk.info().expect("info");
    let touch_points = t.count("touch_points");
    let t = t.reopen();
    let after = t.desk.info().expect("info");
    assert_eq!(before.device_id, after.device_id);
    assert_eq!(before.store, after.store);
    assert_eq!(t.count("touch_points"), touch_points);
    assert_eq!(t.count("stores"), 1);
}

#[test]
fn a_new_customer_is_stored_normalised_with_its_outbox_op() {
    let mut t = TestDesk::new();
    let c = t.customer_with("  Ana   Souza ", "07911 123456", "Ana.Souza@Example.com");
    assert_eq!(c.name, "Ana Souza");
    assert_eq!(c.phones.len(), 1);
    assert_eq!(c.phones[0].e164, "+447911123456");
    assert_eq!(c.phones[0].display, "+44 7911 123456");
    assert_eq!(c.emails, vec!["ana.souza@example.com".to_string()]);
    assert_eq!(c.home_store_id, Some(t.desk.info().expect("info").store.id));

    let ops: Vec<Op> = t.desk.pending_ops(10).expect("outbox");
    assert_eq!(ops.len(), 1);
    let OpBody::CustomerPatch(patch) = &ops[0].body else { panic!("expected a customer patch, got {:?}", ops[0]) };
    assert_eq!(patch.customer_id, c.id);
    assert_eq!(patch.name.as_deref(), Some("Ana Souza"));
    assert_eq!(patch.phones.as_deref(), Some(&["+447911123456".to_string()][..]));
    assert_eq!(ops[0].staff_id, t.desk.info().expect("info").staff.id);
}

#[test]
fn bad_phone_and_email_are_refused_together_and_nothing_is_written() {
    let mut t = TestDesk::new();
    let err = t
        .desk
        .create_customer(&NewCustomer {
            name: "Ana".into(),
            phone: "12".into(),
            email: "ana@nowhere".into(),
            ..Default::default()
        })
        .expect_err("refused");
    let CoreError::Validation { fields, .. } = err else { panic!("expected a validation error, got {err:?}") };
    let mut names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    names.sort();
    assert_eq!(names, ["email", "phone"]);
    assert!(fields.iter().all(|f| !f.message.is_empty()));
    assert_eq!(t.count("customers"), 0);
    assert_eq!(t.count("outbox"), 0);
}

#[test]
fn a_customer_needs_a_name() {
    let mut t = TestDesk::new();
    let err = t.desk.create_customer(&NewCustomer { name: "   ".into(), ..Default::default() }).expect_err("refused");
    assert!(
        matches!(&err, CoreError::Validation { fields, .. } if fields.len() == 1 && fields[0].field == "name"),
        "{err:?}"
    );
    let too_long = "x".repeat(121);
    assert!(t.desk.create_customer(&NewCustomer { name: too_long, ..Default::default() }).is_err());
}

#[test]
fn opening_an_unknown_customer_says_not_found() {
    let t = TestDesk::new();
    let err = t.desk.customer_page(uuid::Uuid::now_v7()).expect_err("unknown");
    assert!(matches!(err, CoreError::NotFound { .. }), "{err:?}");
}

#[test]
fn errors_cross_to_the_ui_as_tagged_unions() {
    let err = CoreError::field("email", "Enter an email.");
    let json = serde_json::to_value(&err).expect("serialises");
    assert_eq!(json["kind"], "validation");
    assert_eq!(json["message"], "Enter an email.");
    assert_eq!(json["fields"][0]["field"], "email");
    assert_eq!(serde_json::to_value(CoreError::not_found("X")).expect("json")["kind"], "not_found");
}
