//! Search as you type: names by prefix, phones by any part typed in any format, emails and
//! ids; exact key matches first; recent customers when the box is empty.

mod support;

use chrono::Duration;
use support::{visit, TestDesk};
use touchpoint_core::customers::search::MatchedOn;

fn names(t: &TestDesk, q: &str) -> Vec<String> {
    t.desk.search_customers(q, 20).expect("search").into_iter().map(|h| h.customer.name).collect()
}

#[test]
fn part_of_a_name_finds_the_customer_ignoring_case_and_accents() {
    let mut t = TestDesk::new();
    t.customer("Ana Souza");
    t.customer("João Pereira");
    t.customer("Anabel Smith");
    assert_eq!(names(&t, "sou"), ["Ana Souza"]);
    assert_eq!(names(&t, "joao"), ["João Pereira"]);
    assert_eq!(names(&t, "PEREI"), ["João Pereira"]);
    let mut ana = names(&t, "ana");
    ana.sort();
    assert_eq!(ana, ["Ana Souza", "Anabel Smith"]);
    assert_eq!(names(&t, "ana smi"), ["Anabel Smith"]);
    assert!(names(&t, "zzz").is_empty());
}

#[test]
fn phone_digits_typed_in_any_format_find_the_customer() {
    let mut t = TestDesk::new();
    t.customer_with("Ana Souza", "+351 912 345 678", "");
    t.customer_with("Ben Ode", "07911 123456", "");
    assert_eq!(names(&t, "912 345"), ["Ana Souza"]);
    assert_eq!(names(&t, "345-678"), ["Ana Souza"]);
    assert_eq!(names(&t, "07911"), ["Ben Ode"]);
    assert_eq!(names(&t, "(07911) 123"), ["Ben Ode"]);
    assert_eq!(names(&t, "+44 7911"), ["Ben Ode"]);
}

#[test]
fn an_exact_phone_or_email_comes_before_name_matches() {
    let mut t = TestDesk::new();
    t.customer("Ana Souza");
    t.customer_with("Zed Ana", "07911 123456", "ana@example.com");
    let hits = t.desk.search_customers("ana@example.com", 20).expect("search");
    assert_eq!(hits[0].customer.name, "Zed Ana");
    assert_eq!(hits[0].matched_on, MatchedOn::Email);
    let hits = t.desk.search_customers("07911123456", 20).expect("search");
    assert_eq!(hits[0].customer.name, "Zed Ana");
    assert_eq!(hits[0].matched_on, MatchedOn::Phone);
    let hits = t.desk.search_customers("ana@ex", 20).expect("search");
    assert_eq!(hits[0].matched_on, MatchedOn::EmailPrefix);
}

#[test]
fn an_empty_box_lists_recently_seen_customers_first() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Souza");
    t.clock.advance(Duration::minutes(1));
    t.customer("Ben Ode");
    t.clock.advance(Duration::minutes(1));
    t.log(visit(&t, Some(ana.id)));
    let hits = t.desk.search_customers("  ", 20).expect("recent");
    let order: Vec<&str> = hits.iter().map(|h| h.customer.name.as_str()).collect();
    assert_eq!(order, ["Ana Souza", "Ben Ode"]);
    assert!(hits.iter().all(|h| h.matched_on == MatchedOn::Recent));
}

#[test]
fn search_syntax_characters_are_treated_as_text() {
    let mut t = TestDesk::new();
    t.customer("Mary O'Neil");
    for q in ["\"", "o'neil", "mary*", "AND", "(", "NEAR(mary"] {
        t.desk.search_customers(q, 20).unwrap_or_else(|e| panic!("{q:?} failed: {e}"));
    }
    assert_eq!(names(&t, "o'neil"), ["Mary O'Neil"]);
}

#[test]
fn hot_queries_use_indexes() {
    let t = TestDesk::new();
    let plan = |sql: &str| -> String {
        let mut stmt = t.desk.connection().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("plan");
        stmt.query_map([], |r| r.get::<_, String>(3))
            .expect("rows")
            .collect::<Result<Vec<_>, _>>()
            .expect("plan rows")
            .join(" | ")
    };
    let timeline = plan("SELECT id FROM interactions WHERE customer_id = 'x' ORDER BY occurred_at DESC LIMIT 100");
    assert!(timeline.contains("interactions_by_customer"), "{timeline}");
    let key = plan("SELECT customer_rowid FROM customer_keys WHERE kind = 'phone' AND value = '+44'");
    assert!(key.contains("PRIMARY KEY") || key.contains("INDEX"), "{key}");
    assert!(!key.contains("SCAN"), "{key}");
    let recent = plan(
        "SELECT rowid FROM customers WHERE deleted_at IS NULL ORDER BY last_seen_at DESC, updated_at DESC LIMIT 20",
    );
    assert!(recent.contains("customers_recent"), "{recent}");
    let outbox = plan("SELECT payload FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT 100");
    assert!(outbox.contains("outbox_by_state"), "{outbox}");
}

#[test]
fn a_name_typed_without_its_apostrophe_or_hyphen_and_a_loyalty_card_by_its_number_are_found() {
    let mut t = TestDesk::new();
    let obrien = t.customer("Siobhan O'Brien");
    let jean = t.customer("Jean-Luc Picard");
    let found = |t: &TestDesk, q: &str| -> Vec<uuid::Uuid> {
        t.desk.search_customers(q, 10).expect("search").into_iter().map(|h| h.customer.id).collect()
    };
    assert_eq!(found(&t, "obrien"), [obrien.id]);
    assert_eq!(found(&t, "o'brien"), [obrien.id]);
    assert_eq!(found(&t, "brien"), [obrien.id]);
    assert_eq!(found(&t, "jeanluc"), [jean.id]);

    let edit = touchpoint_core::customers::CustomerEdit {
        customer_id: obrien.id,
        loyalty_id: Some("LOY-48727".into()),
        ..Default::default()
    };
    t.desk.update_customer(&edit).expect("loyalty id");
    let hits = t.desk.search_customers("48727", 10).expect("search");
    assert_eq!(hits[0].customer.id, obrien.id);
    assert_eq!(hits[0].matched_on, touchpoint_core::customers::search::MatchedOn::LoyaltyId);
}
