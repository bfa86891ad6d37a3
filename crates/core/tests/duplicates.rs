//! Likely duplicates: records sharing an email, an external or loyalty id, or a phone with a
//! close name are proposed as possibly one person, on the customer's page and in the store's
//! list; a household's shared landline, a deleted record and a shop's own number are not.

mod support;

use support::TestDesk;
use touchpoint_core::customers::duplicates::SharedKey;
use touchpoint_core::customers::{CustomerEdit, NewCustomer};
use touchpoint_core::protocol::Role;
use touchpoint_core::staff::NewStaff;
use touchpoint_core::CoreError;

fn made(t: &mut TestDesk, name: &str, phone: &str, email: &str) -> uuid::Uuid {
    t.desk
        .create_customer(&NewCustomer {
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            allow_duplicate: true,
        })
        .expect("customer created")
        .id
}

#[test]
fn a_shared_email_proposes_the_other_record_whatever_the_names() {
    let mut t = TestDesk::new();
    let ana = made(&mut t, "Ana Costa", "", "ana@example.com");
    let other = made(&mut t, "A. Costa-Silva", "", "ANA@example.com");
    let mine = t.desk.possible_duplicates_of(ana).expect("duplicates");
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0].customer.id, other);
    assert_eq!(mine[0].shared, [SharedKey::Email]);
    let theirs = t.desk.possible_duplicates_of(other).expect("duplicates");
    assert_eq!(theirs.iter().map(|d| d.customer.id).collect::<Vec<_>>(), [ana], "both pages say it");
}

#[test]
fn a_shared_phone_proposes_only_a_close_name() {
    let mut t = TestDesk::new();
    let ana = made(&mut t, "Ana Costa", "+351 912 345 678", "");
    let _rui = made(&mut t, "Rui Costa", "+351 912 345 678", "");
    let fuller = made(&mut t, "Ana Maria Costa", "+351912345678", "");
    let found = t.desk.possible_duplicates_of(ana).expect("duplicates");
    assert_eq!(
        found.iter().map(|d| d.customer.id).collect::<Vec<_>>(),
        [fuller],
        "the household's other person is not: {found:?}"
    );
    assert!(found[0].names_close);
    assert_eq!(found[0].shared, [SharedKey::Phone]);
}

#[test]
fn the_same_external_id_from_an_import_and_a_desk_is_proposed_with_everything_shared() {
    let mut t = TestDesk::new();
    let desk_made = made(&mut t, "Ana Souza", "+351 912 345 678", "");
    let imported = made(&mut t, "Ana Sousa", "+351 912 345 678", "");
    for id in [desk_made, imported] {
        t.desk
            .update_customer(&CustomerEdit {
                customer_id: id,
                external_id: Some("CRM-0042".into()),
                ..Default::default()
            })
            .expect("external id");
    }
    let found = t.desk.possible_duplicates_of(desk_made).expect("duplicates");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].shared, [SharedKey::ExternalId, SharedKey::Phone]);
    assert!(found[0].names_close, "Sousa and Souza are a letter apart");
}

#[test]
fn a_deleted_record_is_not_proposed() {
    let mut t = TestDesk::new();
    let ana = made(&mut t, "Ana Costa", "", "ana@example.com");
    let gone = made(&mut t, "Ana Costa", "", "ana@example.com");
    t.desk.delete_customer(gone).expect("deleted");
    assert!(t.desk.possible_duplicates_of(ana).expect("duplicates").is_empty());
    assert!(t.desk.possible_duplicates(50).expect("list").is_empty());
}

#[test]
fn a_number_shared_by_many_customers_proposes_nobody() {
    let mut t = TestDesk::new();
    let first = made(&mut t, "Ana Costa", "+351 212 000 000", "");
    for _ in 0..11 {
        made(&mut t, "Ana Costa", "+351 212 000 000", "");
    }
    assert!(t.desk.possible_duplicates_of(first).expect("duplicates").is_empty(), "the shop's own number");
    assert!(t.desk.possible_duplicates(50).expect("list").is_empty());
}

#[test]
fn the_stores_list_names_each_pair_once_newest_first_for_supervisors() {
    let mut t = TestDesk::new();
    let older = made(&mut t, "Ana Costa", "", "ana@example.com");
    t.clock.advance(chrono::Duration::minutes(5));
    let newer = made(&mut t, "Ana C.", "", "ana@example.com");
    t.clock.advance(chrono::Duration::minutes(5));
    let rui = made(&mut t, "Rui Lopes", "", "rui@example.com");
    t.clock.advance(chrono::Duration::minutes(5));
    let rui_again = made(&mut t, "Rui Lopes", "", "rui@example.com");
    made(&mut t, "Nobody Else", "", "other@example.com");

    let pairs = t.desk.possible_duplicates(50).expect("list");
    let ids: Vec<_> = pairs.iter().map(|p| (p.newer.id, p.older.id)).collect();
    assert_eq!(ids, [(rui_again, rui), (newer, older)]);

    let clerk = t
        .desk
        .add_staff(&NewStaff { name: "Maria Lopes".into(), role: Role::Frontline, pin: "4821".into() })
        .expect("staff");
    t.desk.sign_in(clerk.id, Some("4821")).expect("signed in");
    assert!(matches!(t.desk.possible_duplicates(50), Err(CoreError::Forbidden { .. })));
    assert_eq!(t.desk.possible_duplicates_of(older).expect("a page's suggestion is for everyone").len(), 1);
}
