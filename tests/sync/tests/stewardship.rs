//! The audit log is the store's, not one desk's: what a frontline desk looked at or exported
//! is on the supervisor's desk after a sync, with who and when.

use touchpoint_core::audit::{AuditAction, AuditFilter};
use touchpoint_sync_tests::{TestDesk, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_frontline_desk_viewed_and_exported_reaches_the_supervisors_audit_log() {
    let server = TestServer::start().await;
    let till = TestDesk::enrolled(&server, server.frontline).await;
    let office = TestDesk::enrolled(&server, server.supervisor).await;
    let ana = till.customer("Ana Souza");
    till.with(|d| d.open_customer(ana.id)).expect("viewed");
    till.with(|d| d.export_customer(ana.id)).expect("exported");
    till.sync().await;
    office.sync().await;

    let log = office
        .with(|d| d.audit_log(&AuditFilter { customer_id: Some(ana.id), ..Default::default() }))
        .expect("audit log");
    let seen: Vec<(AuditAction, &str)> = log.iter().map(|e| (e.action, e.staff.as_str())).collect();
    assert_eq!(seen, [(AuditAction::Export, "Maria Lopes"), (AuditAction::View, "Maria Lopes")]);
    assert_eq!(log[0].customer_name.as_deref(), Some("Ana Souza"));
    assert!(till.with(|d| d.audit_log(&AuditFilter::default())).is_err(), "frontline staff do not read it");
}
