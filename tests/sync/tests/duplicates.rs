//! One customer, one record, across desks: two desks that created the same walk-in offline
//! both see the suggestion after sync; a merge on one shows the whole history on the other; a
//! merge meets a concurrent edit, an erasure, later visits on the old id and a second merge
//! (A→B, B→C) and every desk ends with the same answer.

use std::sync::atomic::Ordering;

use touchpoint_core::customers::merge::{MergeField, MergeRequest};
use touchpoint_core::customers::{Customer, CustomerEdit, NewCustomer};
use touchpoint_sync_tests::{TestDesk, TestServer};
use uuid::Uuid;

fn walk_in(desk: &TestDesk, name: &str, email: &str) -> Customer {
    desk.with(|d| {
        d.create_customer(&NewCustomer {
            name: name.into(),
            email: email.into(),
            allow_duplicate: true,
            ..Default::default()
        })
    })
    .expect("customer")
}

fn merge(desk: &TestDesk, survivor: Uuid, merged: Uuid, take: &[MergeField]) -> Uuid {
    desk.with(|d| {
        d.merge_customers(&MergeRequest { survivor_id: survivor, merged_id: merged, take_from_merged: take.to_vec() })
    })
    .expect("merged")
    .merged
    .iter()
    .find(|m| m.merged_id == merged)
    .expect("the merge holds")
    .merge_id
}

fn offline(desk: &TestDesk, cut: bool) {
    desk.engine.transport().offline.store(cut, Ordering::SeqCst);
}

/// What a desk shows for a customer: the record it opens as, its name, and its conversations'
/// summaries (sorted).
fn shown(desk: &TestDesk, id: Uuid) -> (Uuid, String, Vec<String>) {
    let page = desk.with(|d| d.customer_page(id)).expect("page");
    let mut summaries: Vec<String> = desk
        .with(|d| {
            let mut stmt = d
                .connection()
                .prepare("SELECT coalesce(summary, '') FROM interactions WHERE customer_id = ?1 ORDER BY summary")?;
            let rows = stmt.query_map([page.customer.id.to_string()], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
        })
        .expect("summaries");
    summaries.sort();
    (page.customer.id, page.customer.name, summaries)
}

async fn sync_all(desks: &[&TestDesk]) {
    for _ in 0..2 {
        for d in desks {
            d.sync().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_that_created_her_offline_see_the_suggestion_and_a_merge_on_one_shows_everything_on_the_other() {
    let server = TestServer::start().await;
    let supervisor = TestDesk::enrolled(&server, server.supervisor).await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    offline(&supervisor, true);
    offline(&till, true);
    let here = walk_in(&supervisor, "Ana Costa", "ana@example.com");
    supervisor.log_visit(Some(here.id), "Asked about a repair");
    let there = walk_in(&till, "Ana Costa", "ana@example.com");
    till.log_visit(Some(there.id), "Collected the repair");
    offline(&supervisor, false);
    offline(&till, false);
    sync_all(&[&supervisor, &till]).await;

    for (desk, mine, theirs) in [(&supervisor, here.id, there.id), (&till, there.id, here.id)] {
        let proposed = desk.with(|d| d.possible_duplicates_of(mine)).expect("duplicates");
        assert_eq!(proposed.iter().map(|p| p.customer.id).collect::<Vec<_>>(), [theirs], "both desks see it");
    }

    merge(&supervisor, here.id, there.id, &[]);
    sync_all(&[&supervisor, &till]).await;
    let whole = (here.id, "Ana Costa".to_owned(), vec!["Asked about a repair".into(), "Collected the repair".into()]);
    assert_eq!(shown(&till, there.id), whole, "the till opens its own old record as the survivor, with everything");
    assert_eq!(shown(&supervisor, here.id), whole);
    assert!(till.with(|d| d.possible_duplicates_of(here.id)).expect("duplicates").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merge_and_a_concurrent_edit_of_either_record_end_the_same_on_every_desk() {
    let server = TestServer::start().await;
    let supervisor = TestDesk::enrolled(&server, server.supervisor).await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let survivor = walk_in(&supervisor, "A. Costa", "ana@example.com");
    let merged = walk_in(&supervisor, "Ana Costa", "ana@example.com");
    sync_all(&[&supervisor, &till]).await;

    offline(&till, true);
    merge(&supervisor, survivor.id, merged.id, &[MergeField::Name]);
    supervisor.sync().await;
    // The till, not yet knowing, renames the survivor and notes the merged record.
    till.clock.advance(chrono::Duration::seconds(5));
    till.edit(CustomerEdit { customer_id: survivor.id, name: Some("Ana Maria Costa".into()), ..Default::default() });
    till.edit(CustomerEdit { customer_id: merged.id, note: Some("Prefers mornings".into()), ..Default::default() });
    offline(&till, false);
    sync_all(&[&supervisor, &till]).await;

    let on = |d: &TestDesk| d.with(|d| d.customer_page(merged.id)).expect("page").customer;
    let (a, b) = (on(&supervisor), on(&till));
    assert_eq!(a, b, "both desks show the same survivor");
    assert_eq!(a.id, survivor.id);
    assert_eq!(a.name, "Ana Maria Costa", "the later edit beats the merge's choice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_of_the_merged_record_made_offline_voids_the_merge_everywhere_and_leaves_none_of_her_data() {
    let server = TestServer::start().await;
    let first = TestDesk::enrolled(&server, server.supervisor).await;
    let second = TestDesk::enrolled(&server, server.supervisor).await;
    let survivor = walk_in(&first, "Rui Lopes", "rui@example.com");
    let merged = walk_in(&first, "Rui M. Lopes", "rui@example.com");
    first.edit(CustomerEdit { customer_id: merged.id, note: Some("Lives at 3 Rua Nova".into()), ..Default::default() });
    first.log_visit(Some(merged.id), "Gave his address");
    sync_all(&[&first, &second]).await;

    offline(&second, true);
    merge(&first, survivor.id, merged.id, &[MergeField::Name, MergeField::Note]);
    first.sync().await;
    second.with(|d| d.erase_customer(merged.id)).expect("erased offline");
    offline(&second, false);
    sync_all(&[&first, &second]).await;

    for desk in [&first, &second] {
        let page = desk.with(|d| d.customer_page(survivor.id)).expect("the survivor stands alone");
        assert_eq!(page.customer.name, "Rui Lopes", "no value of the erased record stays on the survivor");
        assert_eq!(page.customer.note, None);
        assert!(page.merged.is_empty(), "the merge does not hold");
        assert_eq!(
            desk.query_i64("SELECT count(*) FROM interactions WHERE summary = 'Gave his address'"),
            0,
            "the erased record's notes are gone"
        );
        assert!(desk.with(|d| d.customer_page(merged.id)).is_err(), "the erased record opens nothing");
    }
    let leaks = server
        .count("SELECT count(*) FROM change_log WHERE op::text LIKE '%Rua Nova%' OR op::text LIKE '%Rui M. Lopes%'")
        .await;
    assert_eq!(leaks, 0, "the server's history keeps none of it either");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undo_after_further_visits_puts_each_visit_back_with_the_record_it_was_logged_on() {
    let server = TestServer::start().await;
    let supervisor = TestDesk::enrolled(&server, server.supervisor).await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let survivor = walk_in(&supervisor, "Lia Neves", "lia@example.com");
    let merged = walk_in(&supervisor, "Lia Neves", "lia@example.com");
    sync_all(&[&supervisor, &till]).await;

    offline(&till, true);
    let merge_id = merge(&supervisor, survivor.id, merged.id, &[]);
    supervisor.log_visit(Some(survivor.id), "On the survivor after the merge");
    supervisor.sync().await;
    till.log_visit(Some(merged.id), "On the old record, offline");
    offline(&till, false);
    sync_all(&[&supervisor, &till]).await;
    for desk in [&supervisor, &till] {
        assert_eq!(shown(desk, merged.id).2.len(), 2, "both visits show on the survivor");
    }

    supervisor.with(|d| d.undo_merge(merge_id)).expect("undone");
    sync_all(&[&supervisor, &till]).await;
    for desk in [&supervisor, &till] {
        assert_eq!(
            shown(desk, survivor.id),
            (survivor.id, "Lia Neves".into(), vec!["On the survivor after the merge".into()])
        );
        assert_eq!(shown(desk, merged.id), (merged.id, "Lia Neves".into(), vec!["On the old record, offline".into()]));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_of_merges_made_on_two_desks_ends_on_the_last_survivor_everywhere() {
    let server = TestServer::start().await;
    let first = TestDesk::enrolled(&server, server.supervisor).await;
    let second = TestDesk::enrolled(&server, server.supervisor).await;
    let a = walk_in(&first, "Tomás Reis", "tomas@example.com");
    let b = walk_in(&first, "Tomás Reis", "tomas@example.com");
    let c = walk_in(&first, "Tomás Reis", "t.reis@example.com");
    for (id, what) in [(a.id, "A"), (b.id, "B"), (c.id, "C")] {
        first.log_visit(Some(id), what);
    }
    sync_all(&[&first, &second]).await;

    offline(&second, true);
    merge(&first, b.id, a.id, &[]);
    first.sync().await;
    merge(&second, c.id, b.id, &[]);
    offline(&second, false);
    sync_all(&[&first, &second]).await;

    for desk in [&first, &second] {
        for id in [a.id, b.id, c.id] {
            assert_eq!(shown(desk, id), (c.id, "Tomás Reis".into(), vec!["A".into(), "B".into(), "C".into()]));
        }
    }
    let loop_back = first
        .with(|d| d.merge_customers(&MergeRequest { survivor_id: a.id, merged_id: c.id, take_from_merged: vec![] }));
    assert!(loop_back.is_err(), "merging the end of a chain into its start is refused: {loop_back:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_store_that_opens_the_merged_record_gets_the_survivor_with_the_whole_history() {
    let server = TestServer::start().await;
    let supervisor = TestDesk::enrolled(&server, server.supervisor).await;
    let survivor = walk_in(&supervisor, "Rita Sousa", "rita@example.com");
    let merged = walk_in(&supervisor, "Rita Sousa", "rita@example.com");
    supervisor.log_visit(Some(survivor.id), "At High Street");
    supervisor.log_visit(Some(merged.id), "Also at High Street");
    merge(&supervisor, survivor.id, merged.id, &[]);
    supervisor.sync().await;

    let (harbour, tom) = server.another_store("Harbour Road", "Tom Reyes").await;
    let harbour_till = TestDesk::new(&server.url);
    harbour_till.enroll_as(&server, &server.enrollment_code_for(harbour).await, tom).await;
    // Found at the organisation by the old record, and opened from there.
    harbour_till.engine.adopt(merged.id).await.expect("adopt");
    harbour_till.sync().await;
    assert_eq!(
        shown(&harbour_till, merged.id),
        (survivor.id, "Rita Sousa".into(), vec!["Also at High Street".into(), "At High Street".into()]),
        "the old id opens the survivor with both records' history"
    );
    let page = harbour_till.with(|d| d.customer_page(survivor.id)).expect("page");
    assert_eq!(page.merged.len(), 1, "and the merge, which a supervisor there could undo");
}
