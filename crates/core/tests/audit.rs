//! The audit log: looking at a customer, changing, exporting, importing and erasing are all
//! recorded with who and when (a refresh is not a new look), travel to the server like any
//! event, and only supervisors read them; an erasure leaves no name behind in them.

mod support;

use chrono::Duration;
use support::TestDesk;
use touchpoint_core::audit::{AuditAction, AuditFilter};
use touchpoint_core::customers::CustomerEdit;
use touchpoint_core::interactions::amendments::AmendInteraction;
use touchpoint_core::protocol::InteractionChanges;
use touchpoint_core::protocol::Role;
use touchpoint_core::staff::NewStaff;
use touchpoint_core::CoreError;

#[test]
fn looking_changing_exporting_and_erasing_are_recorded_with_who_and_when() {
    let mut t = TestDesk::new();
    let ana = t.customer("Ana Souza");
    t.desk.open_customer(ana.id).expect("view");
    t.desk.open_customer(ana.id).expect("a refresh");
    t.clock.advance(Duration::minutes(11));
    t.desk.open_customer(ana.id).expect("a new look");
    t.desk.export_customer(ana.id).expect("export");
    t.desk.delete_customer(ana.id).expect("delete");

    let all = t.desk.audit_log(&AuditFilter::default()).expect("log");
    let actions: Vec<AuditAction> = all.iter().map(|e| e.action).collect();
    assert_eq!(actions, [AuditAction::Change, AuditAction::Export, AuditAction::View, AuditAction::View]);
    assert!(all.iter().all(|e| e.staff == "Store manager" && e.customer_id == Some(ana.id)));
    assert_eq!(all[0].detail.as_deref(), Some("deleted"));
    assert!(all[1].detail.as_deref().unwrap_or_default().contains("ana-souza"), "the export names its file");
    assert_eq!(t.count("outbox WHERE kind = 'audit_recorded'"), 4, "entries sync like events");
    let views = t.desk.audit_log(&AuditFilter { action: Some(AuditAction::View), ..Default::default() });
    assert_eq!(views.expect("views").len(), 2);

    // A profile edit names the fields it changed; a correction of a conversation too.
    let cid = t.customer("Cid Lima").id;
    let edit = CustomerEdit { customer_id: cid, note: Some("Prefers email".into()), ..Default::default() };
    t.desk.update_customer(&CustomerEdit { name: Some("Cid Lima Reis".into()), ..edit }).expect("edit");
    let visit = t.log(support::visit(&t, Some(cid))).interaction_id;
    let changes = InteractionChanges { reason: Some("Refund".into()), ..Default::default() };
    t.desk.amend_interaction(&AmendInteraction { interaction_id: visit, changes, note: None }).expect("amend");
    let his = t.desk.audit_log(&AuditFilter { customer_id: Some(cid), ..Default::default() }).expect("his log");
    let details: Vec<(&str, Option<&str>)> = his.iter().map(|e| (e.entity.as_str(), e.detail.as_deref())).collect();
    assert_eq!(details, [("interaction", Some("fields:reason")), ("customer", Some("fields:name,note"))]);

    // Erasing keeps the entries (who did what) but no name: not in the file name, not shown.
    let bea = t.customer("Bea Cruz");
    t.desk.update_customer(&CustomerEdit { customer_id: bea.id, note: Some("VIP".into()), ..Default::default() }).ok();
    t.desk.export_customer(bea.id).expect("export");
    t.desk.erase_customer(bea.id).expect("erase");
    let hers = t.desk.audit_log(&AuditFilter { customer_id: Some(bea.id), ..Default::default() }).expect("log");
    assert_eq!(hers[0].action, AuditAction::Erase);
    assert!(hers.iter().all(|e| e.customer_name.as_deref() == Some("")));
    assert!(hers.iter().all(|e| !e.detail.clone().unwrap_or_default().to_lowercase().contains("bea")), "{hers:?}");
}

#[test]
fn only_supervisors_and_admins_read_the_audit_log() {
    let mut t = TestDesk::new();
    let maria = t.desk.add_staff(&NewStaff { name: "Maria Lopes".into(), role: Role::Frontline, pin: String::new() });
    t.desk.sign_in(maria.expect("staff").id, None).expect("Maria");
    let refused = t.desk.audit_log(&AuditFilter::default());
    assert!(matches!(refused, Err(CoreError::Forbidden { .. })), "{refused:?}");
}
