//! Editing a profile: each field changes on its own, every change is recorded with who and
//! when, bad values are refused per field; and creating someone who already exists warns.

mod support;

use chrono::Duration;
use support::TestDesk;
use touchpoint_core::customers::{CustomerEdit, NewCustomer};
use touchpoint_core::protocol::{Consent, OpBody};
use touchpoint_core::CoreError;

#[test]
fn one_field_changes_on_its_own_and_the_change_is_recorded_with_who_and_when() {
    let mut t = TestDesk::new();
    let ana = t.customer_with("Ana Souza", "07911 123456", "ana@example.com");
    t.clock.advance(Duration::minutes(3));
    let edited = t
        .desk
        .update_customer(&CustomerEdit {
            customer_id: ana.id,
            phones: Some(vec!["07911 123456".into(), "+351 912 345 678".into()]),
            ..Default::default()
        })
        .expect("edited");
    assert_eq!(edited.name, "Ana Souza");
    assert_eq!(edited.emails, ["ana@example.com"]);
    let phones: Vec<&str> = edited.phones.iter().map(|p| p.e164.as_str()).collect();
    assert_eq!(phones, ["+447911123456", "+351912345678"]);

    let history = t.desk.customer_history(ana.id).expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].field, "phones");
    assert_eq!(history[0].old_value.as_deref(), Some(r#"["+447911123456"]"#));
    assert_eq!(history[0].new_value.as_deref(), Some(r#"["+447911123456","+351912345678"]"#));
    assert_eq!(history[0].staff, "Store manager");
    assert_eq!(history[0].at, support::t0() + Duration::minutes(3));

    let ops = t.desk.pending_ops(10).expect("ops");
    let OpBody::CustomerPatch(p) = &ops[1].body else { panic!("patch expected") };
    assert!(p.phones.is_some() && p.name.is_none() && p.emails.is_none(), "only the changed field travels: {p:?}");

    // The new number finds her.
    assert_eq!(t.desk.search_customers("912 345", 5).expect("search")[0].customer.id, ana.id);
}

#[test]
fn tags_language_consent_and_note_are_cleaned_and_checked() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana");
    let edited = t
        .desk
        .update_customer(&CustomerEdit {
            customer_id: ana.id,
            tags: Some(vec![" VIP ".into(), "vip".into(), "Wheelchair  user".into(), "".into()]),
            language: Some("pt-PT".into()),
            consent: Some(Consent { marketing_email: true, ..Consent::default() }),
            note: Some("  Prefers mornings ".into()),
            loyalty_id: Some("LOY-88231".into()),
            ..Default::default()
        })
        .expect("edited");
    assert_eq!(edited.tags, ["VIP", "Wheelchair user"]);
    assert_eq!(edited.language.as_deref(), Some("pt-PT"));
    assert!(edited.consent.marketing_email && !edited.consent.marketing_sms);
    assert_eq!(edited.note.as_deref(), Some("Prefers mornings"));
    assert_eq!(t.desk.search_customers("loy-88231", 5).expect("search")[0].customer.id, ana.id);

    let err = t
        .desk
        .update_customer(&CustomerEdit {
            customer_id: ana.id,
            language: Some("Portuguese!".into()),
            emails: Some(vec!["ana@example.com".into(), "not an email".into()]),
            tags: Some(vec!["x".repeat(41)]),
            ..Default::default()
        })
        .expect_err("refused");
    let CoreError::Validation { fields, .. } = err else { panic!("validation expected") };
    let mut names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    names.sort();
    assert_eq!(names, ["emails", "language", "tags"]);
    assert!(fields.iter().any(|f| f.message.starts_with("not an email")), "{fields:?}");
    assert_eq!(t.desk.customer_page(ana.id).expect("page").customer.language.as_deref(), Some("pt-PT"));

    let nothing = t.desk.update_customer(&CustomerEdit { customer_id: ana.id, ..Default::default() });
    assert!(matches!(nothing, Err(CoreError::Validation { .. })));
}

#[test]
fn creating_someone_with_a_known_phone_or_email_offers_the_existing_customer() {
    let mut t = TestDesk::new();
    let ana = t.customer_with("Ana Souza", "07911 123456", "ana@example.com");
    let err = t
        .desk
        .create_customer(&NewCustomer {
            name: "A. Souza".into(),
            phone: "+44 7911 123456".into(),
            ..Default::default()
        })
        .expect_err("duplicate");
    let CoreError::Duplicate { matches, message } = err else { panic!("duplicate expected, got {err:?}") };
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0].customer_id, ana.id);
    assert_eq!(matches[0].on, "phone");
    assert_eq!(matches[0].value, "+44 7911 123456");
    assert!(message.contains("Ana Souza"));
    assert_eq!(t.count("customers"), 1);

    let twin = t
        .desk
        .create_customer(&NewCustomer {
            name: "Ana Souza Jr".into(),
            email: "ANA@example.com".into(),
            allow_duplicate: true,
            ..Default::default()
        })
        .expect("created when confirmed");
    assert_ne!(twin.id, ana.id);
}
