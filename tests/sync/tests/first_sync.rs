//! A new desk's first download of a busy store (100,000 conversations) arrives in bounded
//! pages, each applied with its cursor in one transaction, so it can be interrupted at any
//! point and resumed where it stopped, without starting over and without holding the whole
//! history in memory.

use std::sync::atomic::Ordering;
use std::time::Duration;

use touchpoint_protocol::MAX_PULL_LIMIT;
use touchpoint_sync_tests::{TestDesk, TestServer};
use uuid::Uuid;

const CUSTOMERS: i64 = 2_000;
const INTERACTIONS: i64 = 100_000;

/// Writes a year of history straight into the server's change log (as if many desks had
/// pushed it): customers of the store, then their conversations.
async fn seed_history(server: &TestServer) {
    let device = Uuid::now_v7();
    let touch_point: Uuid = sqlx::query_scalar("SELECT touch_point_id FROM touch_points WHERE org_id = $1 LIMIT 1")
        .bind(server.org)
        .fetch_one(&server.pool)
        .await
        .expect("a touch point");
    let mut tx = server.pool.begin().await.expect("tx");
    let base: i64 = sqlx::query_scalar(
        "UPDATE org_counters SET next_seq = next_seq + $2 WHERE org_id = $1 RETURNING next_seq - $2",
    )
    .bind(server.org)
    .bind(CUSTOMERS + INTERACTIONS)
    .fetch_one(&mut *tx)
    .await
    .expect("sequence block");
    let node = device.simple().to_string();
    sqlx::query(
        "CREATE TEMP TABLE seeded_customers ON COMMIT DROP AS
         SELECT g, gen_random_uuid() AS id FROM generate_series(0, $1 - 1) g",
    )
    .bind(CUSTOMERS)
    .execute(&mut *tx)
    .await
    .expect("customers");
    sqlx::query(
        "INSERT INTO change_log (org_id, server_seq, op_id, entity, entity_id, customer_id, store_id, op, hlc)
         SELECT $1, $2 + c.g, gen_random_uuid(), 'customer_patch', c.id, c.id, $3,
                jsonb_build_object('op_id', gen_random_uuid(), 'device_id', $4::uuid, 'store_id', $3, 'staff_id', $5::uuid,
                    'hlc', lpad((1700000000000 + c.g)::text, 13, '0') || '-000000-' || $6,
                    'body', jsonb_build_object('type', 'customer_patch', 'customer_id', c.id,
                        'name', 'Customer ' || c.g, 'home_store_id', $3)),
                lpad((1700000000000 + c.g)::text, 13, '0') || '-000000-' || $6
         FROM seeded_customers c",
    )
    .bind(server.org)
    .bind(base)
    .bind(server.store)
    .bind(device)
    .bind(server.frontline)
    .bind(&node)
    .execute(&mut *tx)
    .await
    .expect("customer ops");
    sqlx::query(
        "INSERT INTO customer_scope (org_id, store_id, customer_id, since_seq)
         SELECT $1, $2, c.id, $3 + c.g FROM seeded_customers c",
    )
    .bind(server.org)
    .bind(server.store)
    .bind(base)
    .execute(&mut *tx)
    .await
    .expect("scope");
    sqlx::query(
        "INSERT INTO change_log (org_id, server_seq, op_id, entity, entity_id, customer_id, store_id, op, hlc)
         SELECT $1, $2 + $7 + n.g, gen_random_uuid(), 'interaction_logged', n.id, c.id, $3,
                jsonb_build_object('op_id', gen_random_uuid(), 'device_id', $4::uuid, 'store_id', $3, 'staff_id', $5::uuid,
                    'hlc', lpad((1710000000000 + n.g)::text, 13, '0') || '-000000-' || $6,
                    'body', jsonb_build_object('type', 'interaction_logged', 'interaction_id', n.id, 'customer_id', c.id,
                        'touch_point_id', $8::uuid, 'channel', 'in_person', 'reason', 'Returns', 'outcome', 'resolved',
                        'duration_secs', 90, 'summary', 'Visit number ' || n.g,
                        'occurred_at', to_char(to_timestamp((1710000000000 + n.g) / 1000.0) AT TIME ZONE 'UTC',
                                               'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))),
                lpad((1710000000000 + n.g)::text, 13, '0') || '-000000-' || $6
         FROM (SELECT g, gen_random_uuid() AS id FROM generate_series(0, $9 - 1) g) n
         JOIN seeded_customers c ON c.g = n.g % $7",
    )
    .bind(server.org)
    .bind(base)
    .bind(server.store)
    .bind(device)
    .bind(server.frontline)
    .bind(&node)
    .bind(CUSTOMERS)
    .bind(touch_point)
    .bind(INTERACTIONS)
    .execute(&mut *tx)
    .await
    .expect("interaction ops");
    tx.commit().await.expect("commit");
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_of_100_000_interactions_resumes_after_an_interruption_in_bounded_pages() {
    let server = TestServer::start().await;
    seed_history(&server).await;
    let desk = TestDesk::new(&server.url);
    desk.enroll(&server).await;
    let rss_before = peak_rss_kib();

    // The network goes away about a third of the way through.
    let engine = desk.engine.clone();
    let round = tokio::spawn(async move { engine.sync_once().await });
    while desk.engine.transport().pulls.load(Ordering::SeqCst) < 35 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    desk.engine.transport().offline.store(true, Ordering::SeqCst);
    let interrupted = round.await.expect("round ends");
    assert!(interrupted.is_err(), "the round stopped with the network");
    let status = desk.engine.status().expect("status");
    let percent = status.first_sync_percent.expect("the first download is not finished");
    assert!((25..99).contains(&percent), "progress is shown: {percent}%");
    let cursor = desk.with(|d| d.sync_settings()).expect("s").expect("enrolled").cursor;
    let kept = desk.query_i64("SELECT count(*) FROM interactions");
    assert!(cursor > 0 && kept > 20_000 && kept < INTERACTIONS, "pages so far are kept: {kept} at {cursor}");
    let pulls_before = desk.engine.transport().pulls.load(Ordering::SeqCst);

    desk.engine.transport().offline.store(false, Ordering::SeqCst);
    desk.sync().await;
    assert_eq!(desk.query_i64("SELECT count(*) FROM interactions"), INTERACTIONS);
    assert_eq!(desk.query_i64("SELECT count(DISTINCT customer_id) FROM interactions"), CUSTOMERS);
    assert_eq!(desk.query_i64("SELECT count(*) FROM customers"), CUSTOMERS);
    assert_eq!(desk.engine.status().expect("status").first_sync_percent, None, "finished");

    // It went on from where it stopped: the rest of the pages, not the whole history again.
    let total_pages = ((CUSTOMERS + INTERACTIONS) as usize).div_ceil(MAX_PULL_LIMIT as usize) + 1;
    let pulls_after = desk.engine.transport().pulls.load(Ordering::SeqCst);
    assert!(pulls_after <= total_pages + 3, "{pulls_after} pulls for {total_pages} pages");
    assert!(pulls_after - pulls_before < total_pages - 30, "resumed, not restarted");
    assert!(desk.engine.transport().largest_page.load(Ordering::SeqCst) <= MAX_PULL_LIMIT as usize);
    // The whole history as JSON would be well over 60 MB; the download holds one page at a time.
    let grown_mib = peak_rss_kib().saturating_sub(rss_before) / 1024;
    assert!(grown_mib < 200, "peak memory grew by {grown_mib} MiB");
}
