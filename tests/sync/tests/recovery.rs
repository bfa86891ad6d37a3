//! When the server's history no longer matches a desk's cursor (the server was restored from
//! a backup, or the cursor is past anything the server has), the desk sends what it holds,
//! downloads again from the start, and nothing local is lost: changes the restored server
//! forgot are sent again from the desk that made them.

use touchpoint_core::sync::SyncError;
use touchpoint_server::admin;
use touchpoint_sync_tests::{TestDesk, TestServer};

/// Throws away everything the server recorded after sequence `keep` (as a restore from a
/// backup taken then would) and resets the counter to match.
async fn restore_backup_taken_at(server: &TestServer, keep: i64) {
    let mut tx = server.pool.begin().await.expect("tx");
    for sql in [
        "DELETE FROM customers WHERE org_id = $1 AND customer_id IN
             (SELECT customer_id FROM change_log WHERE org_id = $1 AND server_seq > $2 AND entity = 'customer_patch')",
        "DELETE FROM change_log WHERE org_id = $1 AND server_seq > $2",
        "DELETE FROM rejected_ops WHERE org_id = $1 AND $2::bigint >= 0",
        "DELETE FROM customer_scope WHERE org_id = $1 AND since_seq > $2",
        "UPDATE org_counters SET next_seq = $2 + 1 WHERE org_id = $1",
    ] {
        sqlx::query(sql).bind(server.org).bind(keep).execute(&mut *tx).await.expect(sql);
    }
    tx.commit().await.expect("commit");
}

async fn head(server: &TestServer) -> i64 {
    server.count("SELECT next_seq - 1 FROM org_counters").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restored_from_a_backup_gets_back_what_the_desks_hold_and_no_desk_loses_anything() {
    let server = TestServer::start().await;
    let a = TestDesk::enrolled(&server, server.frontline).await;
    let b = TestDesk::enrolled(&server, server.frontline).await;
    let early = a.customer("Early Customer");
    a.sync().await;
    b.sync().await;
    let backup = head(&server).await;

    // After the backup: A records more, B pulls it and records its own.
    let late = a.customer("Late Customer");
    a.log_visit(Some(late.id), "Came after the backup");
    a.sync().await;
    b.sync().await;
    b.log_visit(Some(early.id), "B's visit after the backup");
    b.sync().await;
    a.sync().await;
    let a_before = a.query_i64("SELECT count(*) FROM interactions");
    assert_eq!(a_before, 2);

    restore_backup_taken_at(&server, backup).await;
    admin::mark_restored(&server.pool, server.org).await.expect("new epoch");
    assert_eq!(
        server.count("SELECT count(*) FROM change_log WHERE entity = 'interaction_logged'").await,
        0,
        "the restore lost both visits"
    );

    let report = a.sync().await;
    assert!(report.restarted, "A noticed the new history");
    let report = b.sync().await;
    assert!(report.restarted);
    a.sync().await;

    assert_eq!(server.count("SELECT count(*) FROM change_log WHERE entity = 'interaction_logged'").await, 2);
    assert_eq!(
        server
            .count("SELECT count(*) FROM customers WHERE fields->>'name' IN ('Early Customer', 'Late Customer')")
            .await,
        2
    );
    for desk in [&a, &b] {
        assert_eq!(desk.query_i64("SELECT count(*) FROM interactions"), 2, "nothing local was lost");
        assert_eq!(desk.query_i64("SELECT count(*) FROM customers WHERE name LIKE '% Customer'"), 2);
        assert_eq!(desk.pending(), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_past_the_servers_history_starts_the_download_again_without_losing_anything() {
    let server = TestServer::start().await;
    let a = TestDesk::enrolled(&server, server.frontline).await;
    let backup = head(&server).await;
    let c = a.customer("Fay Ortega");
    a.log_visit(Some(c.id), "Bought a lamp");
    a.sync().await;
    // Restored without anyone marking it: the desk's cursor is now beyond the server's head.
    restore_backup_taken_at(&server, backup).await;
    let cursor = a.with(|d| d.sync_settings()).expect("s").expect("enrolled").cursor;
    assert!(cursor > head(&server).await);

    let report = a.sync().await;
    assert!(report.restarted);
    assert_eq!(a.query_i64("SELECT count(*) FROM interactions"), 1);
    assert_eq!(
        server.count("SELECT count(*) FROM change_log WHERE entity = 'interaction_logged'").await,
        1,
        "the desk sent its visit again"
    );
    let cursor = a.with(|d| d.sync_settings()).expect("s").expect("enrolled").cursor;
    assert_eq!(cursor, head(&server).await);
    let again = a.try_sync().await;
    assert!(!matches!(again, Err(SyncError::Transient(_))), "{again:?}");
    assert!(!again.expect("round").restarted, "once is enough");
}
