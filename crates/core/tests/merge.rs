//! One customer, one record: merging two records of one person shows the whole history on the
//! survivor, finds her by either record's contact points and redirects the old id; the values
//! chosen from the merged record are taken; an undo puts everything back, including what was
//! logged on the old id after the merge; a merge that would be wrong is refused with why.

mod support;

use support::{visit, TestDesk};
use touchpoint_core::audit::{AuditAction, AuditFilter};
use touchpoint_core::customers::merge::{MergeField, MergeRequest, Side};
use touchpoint_core::customers::{CustomerEdit, NewCustomer};
use touchpoint_core::protocol::Role;
use touchpoint_core::staff::NewStaff;
use touchpoint_core::CoreError;
use uuid::Uuid;

fn made(t: &mut TestDesk, name: &str, phone: &str, email: &str) -> Uuid {
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

fn merge(
    t: &mut TestDesk,
    survivor: Uuid,
    merged: Uuid,
    take: &[MergeField],
) -> touchpoint_core::customers::page::CustomerPage {
    t.desk
        .merge_customers(&MergeRequest { survivor_id: survivor, merged_id: merged, take_from_merged: take.to_vec() })
        .expect("merged")
}

fn conversations(t: &TestDesk, id: Uuid) -> usize {
    t.desk.customer_page(id).expect("page").timeline.entries.len()
}

fn refusal(r: Result<impl std::fmt::Debug, CoreError>) -> String {
    match r {
        Err(CoreError::Validation { message, .. }) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_merge_shows_both_histories_on_the_survivor_and_the_old_id_opens_it() {
    let mut t = TestDesk::new();
    let ana = made(&mut t, "Ana Costa", "07911 123456", "");
    let again = made(&mut t, "Ana Costa", "", "ana@example.com");
    for _ in 0..2 {
        t.log(visit(&t, Some(ana)));
    }
    t.log(visit(&t, Some(again)));

    let page = merge(&mut t, ana, again, &[]);
    assert_eq!(page.customer.id, ana);
    assert_eq!(page.timeline.entries.len(), 3, "every conversation of both records");
    assert_eq!(page.merged.len(), 1);
    assert_eq!(page.merged[0].merged_id, again);
    assert_eq!(page.customer.emails, ["ana@example.com"], "the merged record's email shows on the survivor");
    assert_eq!(page.customer.phones.len(), 1);

    let opened = t.desk.open_customer(again).expect("the old id opens");
    assert_eq!(opened.customer.id, ana, "opening the merged record opens the survivor");
    assert_eq!(opened.redirected_from, Some(again));

    let by_email = t.desk.search_customers("ana@example.com", 10).expect("search");
    assert_eq!(by_email.iter().map(|h| h.customer.id).collect::<Vec<_>>(), [ana], "found by the merged record's email");
    let by_name = t.desk.search_customers("Ana Costa", 10).expect("search");
    assert_eq!(by_name.iter().map(|h| h.customer.id).collect::<Vec<_>>(), [ana], "one person, one result");
    assert!(t.desk.possible_duplicates_of(ana).expect("duplicates").is_empty(), "no longer proposed");
}

#[test]
fn the_chosen_values_are_taken_and_an_undo_puts_everything_back() {
    let mut t = TestDesk::new();
    let survivor = made(&mut t, "A. Costa", "07911 123456", "");
    t.clock.advance(chrono::Duration::minutes(1));
    let merged = made(&mut t, "Ana Maria Costa", "07911 123456", "");
    t.desk
        .update_customer(&CustomerEdit {
            customer_id: merged,
            note: Some("Prefers mornings".into()),
            ..Default::default()
        })
        .expect("note");
    t.log(visit(&t, Some(merged)));

    let preview = t.desk.merge_preview(survivor, merged).expect("preview");
    let name = preview.choices.iter().find(|c| c.field == MergeField::Name).expect("names differ");
    assert_eq!(name.default, Side::Merged, "the newer name is chosen by default");
    let note = preview.choices.iter().find(|c| c.field == MergeField::Note).expect("only one has a note");
    assert_eq!(note.default, Side::Merged);
    assert_eq!(preview.timeline.len(), 1, "the combined timeline");

    let page = merge(&mut t, survivor, merged, &[MergeField::Name]);
    assert_eq!(page.customer.name, "Ana Maria Costa");
    assert_eq!(page.customer.note, None, "the note was not chosen");
    let merge_id = page.merged[0].merge_id;

    // Logged on the old id after the merge (a desk that still had it open): lands on the survivor.
    let late = t.log(visit(&t, Some(merged)));
    assert_eq!(conversations(&t, survivor), 2);

    let back = t.desk.undo_merge(merge_id).expect("undone");
    assert_eq!(back.customer.name, "A. Costa", "the survivor's own name is back");
    assert!(back.merged.is_empty());
    assert_eq!(back.timeline.entries.len(), 0, "nothing was ever logged on the survivor");
    let alone = t.desk.customer_page(merged).expect("the merged record stands alone");
    assert_eq!(alone.customer.id, merged);
    assert_eq!(alone.redirected_from, None);
    assert_eq!(alone.timeline.entries.len(), 2, "what was logged on it, including after the merge");
    assert!(alone.timeline.entries.iter().any(|e| format!("{e:?}").contains(&late.interaction_id.to_string())));
    assert_eq!(refusal(t.desk.undo_merge(merge_id)), "This merge was already undone.");
}

#[test]
fn an_edit_of_the_survivor_after_the_merge_wins_and_stays_after_an_undo() {
    let mut t = TestDesk::new();
    let survivor = made(&mut t, "A. Costa", "", "ana@example.com");
    let merged = made(&mut t, "Ana Costa", "", "ana@example.com");
    let merge_id = merge(&mut t, survivor, merged, &[MergeField::Name]).merged[0].merge_id;
    t.clock.advance(chrono::Duration::minutes(1));
    t.desk
        .update_customer(&CustomerEdit {
            customer_id: survivor,
            name: Some("Ana C. Costa".into()),
            ..Default::default()
        })
        .expect("edit");
    assert_eq!(t.desk.customer_page(survivor).expect("page").customer.name, "Ana C. Costa");
    t.desk.undo_merge(merge_id).expect("undone");
    assert_eq!(t.desk.customer_page(survivor).expect("page").customer.name, "Ana C. Costa", "the later edit stays");
}

#[test]
fn a_chain_of_merges_ends_on_the_last_survivor_and_undoing_the_last_link_keeps_the_first() {
    let mut t = TestDesk::new();
    let a = made(&mut t, "Ana Costa", "", "ana@example.com");
    let b = made(&mut t, "Ana Costa", "", "ana@example.com");
    let c = made(&mut t, "Ana Costa", "", "ana.costa@example.com");
    t.log(visit(&t, Some(a)));
    t.log(visit(&t, Some(b)));
    t.log(visit(&t, Some(c)));
    merge(&mut t, b, a, &[]);
    let page = merge(&mut t, c, b, &[]);
    assert_eq!(page.timeline.entries.len(), 3, "A's history reaches C through B");
    assert_eq!(t.desk.customer_page(a).expect("page").customer.id, c, "A opens C");
    assert_eq!(page.merged.len(), 2);

    let b_into_c = page.merged.iter().find(|m| m.merged_id == b).expect("B is merged into C").merge_id;
    t.desk.undo_merge(b_into_c).expect("undone");
    assert_eq!(conversations(&t, c), 1);
    assert_eq!(conversations(&t, b), 2, "A stays merged into B");
    assert_eq!(t.desk.customer_page(a).expect("page").customer.id, b);
}

#[test]
fn merging_into_itself_an_erased_or_a_merged_record_or_as_frontline_is_refused() {
    let mut t = TestDesk::new();
    let a = made(&mut t, "Ana Costa", "", "ana@example.com");
    let b = made(&mut t, "Ana Costa", "", "ana@example.com");
    let gone = made(&mut t, "Rui Lopes", "", "");
    let request = |s, m| MergeRequest { survivor_id: s, merged_id: m, take_from_merged: vec![] };
    assert_eq!(refusal(t.desk.merge_customers(&request(a, a))), "A customer cannot be merged into themselves.");
    t.desk.erase_customer(gone).expect("erased");
    assert_eq!(refusal(t.desk.merge_customers(&request(a, gone))), "An erased customer cannot be merged.");
    merge(&mut t, a, b, &[]);
    let loop_back = refusal(t.desk.merge_customers(&request(b, a)));
    assert!(loop_back.starts_with("This record was already merged into Ana Costa"), "{loop_back}");
    assert!(matches!(t.desk.merge_customers(&request(a, Uuid::now_v7())), Err(CoreError::NotFound { .. })));

    let clerk = t
        .desk
        .add_staff(&NewStaff { name: "Maria Lopes".into(), role: Role::Frontline, pin: "4821".into() })
        .expect("staff");
    t.desk.sign_in(clerk.id, Some("4821")).expect("signed in");
    let other = made(&mut t, "Lia Neves", "", "lia@example.com");
    let other2 = made(&mut t, "Lia Neves", "", "lia@example.com");
    assert!(matches!(t.desk.merge_customers(&request(other, other2)), Err(CoreError::Forbidden { .. })));
    assert!(matches!(t.desk.merge_preview(other, other2), Err(CoreError::Forbidden { .. })));
}

#[test]
fn not_the_same_person_is_never_proposed_again() {
    let mut t = TestDesk::new();
    let a = made(&mut t, "Ana Costa", "", "family@example.com");
    let b = made(&mut t, "Ana Costa", "", "family@example.com");
    assert_eq!(t.desk.possible_duplicates_of(a).expect("duplicates").len(), 1);
    t.desk.mark_not_same_person(a, b).expect("marked");
    assert!(t.desk.possible_duplicates_of(a).expect("duplicates").is_empty());
    assert!(t.desk.possible_duplicates_of(b).expect("duplicates").is_empty(), "either way round");
    assert!(t.desk.possible_duplicates(50).expect("list").is_empty());
    assert!(t.desk.mark_not_same_person(a, a).is_err());
}

#[test]
fn erasing_a_merged_customer_erases_both_records() {
    let mut t = TestDesk::new();
    let a = made(&mut t, "Ana Costa", "07911 123456", "ana@example.com");
    let b = made(&mut t, "Ana M. Costa", "", "ana@example.com");
    t.log(visit(&t, Some(b)));
    merge(&mut t, a, b, &[MergeField::Name]);
    t.desk.erase_customer(b).expect("erasing the old id erases the person");
    for id in [a, b] {
        let (name, erased, merged_into): (String, bool, Option<String>) = t
            .desk
            .connection()
            .query_row(
                "SELECT name, erased_at IS NOT NULL, merged_into FROM customers WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("row");
        assert_eq!((name.as_str(), erased, merged_into), ("", true, None), "record {id}");
    }
    let summaries: i64 = t
        .desk
        .connection()
        .query_row("SELECT count(*) FROM interactions WHERE summary IS NOT NULL", [], |r| r.get(0))
        .expect("count");
    assert_eq!(summaries, 0, "the merged record's conversation notes are erased too");
    let chosen: String =
        t.desk.connection().query_row("SELECT fields FROM customer_merges", [], |r| r.get(0)).expect("merge");
    assert!(!chosen.contains("Ana"), "the merge keeps no chosen value: {chosen}");
    assert!(t.desk.search_customers("Ana", 10).expect("search").is_empty());
}

#[test]
fn the_audit_log_says_who_merged_what_and_which_values_were_taken() {
    let mut t = TestDesk::new();
    let a = made(&mut t, "A. Costa", "", "ana@example.com");
    let b = made(&mut t, "Ana Costa", "", "ana@example.com");
    let merge_id = merge(&mut t, a, b, &[MergeField::Name, MergeField::Note]).merged[0].merge_id;
    t.desk.undo_merge(merge_id).expect("undone");
    let log = t.desk.audit_log(&AuditFilter::default()).expect("audit");
    let merged = log.iter().find(|e| e.action == AuditAction::Merge).expect("merge audited");
    assert_eq!(merged.customer_id, Some(a));
    assert_eq!(merged.detail.as_deref(), Some("took from the merged record: name, note"));
    assert!(log.iter().any(|e| e.action == AuditAction::Unmerge && e.customer_id == Some(a)), "undo audited");
}

#[test]
fn a_merge_and_its_undo_are_each_one_op_in_the_outbox() {
    let mut t = TestDesk::new();
    let a = made(&mut t, "Ana Costa", "", "ana@example.com");
    let b = made(&mut t, "Ana Costa", "", "ana@example.com");
    let before = t.count("outbox");
    let merge_id = merge(&mut t, a, b, &[MergeField::Name]).merged[0].merge_id;
    t.desk.undo_merge(merge_id).expect("undone");
    let kinds: Vec<String> = t
        .desk
        .pending_ops(100)
        .expect("outbox")
        .into_iter()
        .skip(usize::try_from(before).expect("count"))
        .map(|op| op.body.kind().to_owned())
        .filter(|k| k != "audit_recorded")
        .collect();
    assert_eq!(kinds, ["customers_merged", "merge_undone"]);
}
