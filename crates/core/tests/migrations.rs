//! The local database is the user's data: migrations run forward from an empty file and from
//! every earlier schema version, keep what was there, and refuse a database from the future.

use rusqlite::Connection;
use touchpoint_core::db::{self, SCHEMA_VERSION};
use touchpoint_core::CoreError;

fn schema(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare("SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("schema query");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("rows").collect::<Result<_, _>>().expect("schema")
}

fn user_version(conn: &Connection) -> usize {
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).expect("user_version") as usize
}

fn assert_healthy(conn: &Connection) {
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    assert_eq!(ok, "ok");
    let fk_problems: i64 =
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).expect("fk check");
    assert_eq!(fk_problems, 0);
}

#[test]
fn empty_file_migrates_to_the_latest_schema_with_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = db::open(&dir.path().join("t.sqlite3")).expect("opens");
    assert_eq!(user_version(&conn), SCHEMA_VERSION);
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).expect("fk");
    assert_eq!(fk, 1);
    for table in ["customers", "interactions", "feedback", "outbox", "sync_state", "follow_ups", "reviews", "audit_log"]
    {
        assert!(schema(&conn).iter().any(|(n, _)| n == table), "missing table {table}");
    }
    assert_healthy(&conn);
}

#[test]
fn every_earlier_version_migrates_forward_keeping_its_data() {
    let fresh_dir = tempfile::tempdir().expect("temp dir");
    let fresh = db::open(&fresh_dir.path().join("fresh.sqlite3")).expect("fresh db");
    let expected = schema(&fresh);

    for from in 0..SCHEMA_VERSION {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("old.sqlite3");
        {
            let mut conn = Connection::open(&path).expect("open");
            db::migrations().to_version(&mut conn, from).expect("migrate to old version");
            assert_eq!(user_version(&conn), from);
            if from >= 1 {
                // A store, as a version-1 database would hold it.
                conn.execute(
                    "INSERT INTO stores (id, name, created_at) VALUES ('s1', 'Old store', '2025-01-01T00:00:00.000Z')",
                    [],
                )
                .expect("old data");
            }
            if from >= 2 {
                conn.execute(
                    "INSERT INTO customers (id, name, created_at, updated_at)
                     VALUES ('c1', 'Old Customer', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')",
                    [],
                )
                .expect("old customer");
            }
            if from >= 3 {
                conn.execute(
                    "INSERT INTO interactions (id, customer_id, store_id, staff_id, device_id, touch_point_id, channel,
                                               reason, outcome, occurred_at, recorded_at, hlc)
                     VALUES ('i1', 'c1', 's1', 'st1', 'd1', 'tp1', 'in_person', 'Refund', 'resolved',
                             '2025-01-02T10:00:00.000Z', '2025-01-02T10:00:00.000Z', '0000000000001-000000-d1')",
                    [],
                )
                .expect("old conversation");
            }
        }
        let conn = db::open(&path).expect("migrates forward");
        assert_eq!(user_version(&conn), SCHEMA_VERSION, "from version {from}");
        assert_eq!(schema(&conn), expected, "schema after migrating from version {from}");
        assert_healthy(&conn);
        if from >= 1 {
            let name: String =
                conn.query_row("SELECT name FROM stores WHERE id = 's1'", [], |r| r.get(0)).expect("kept");
            assert_eq!(name, "Old store");
        }
        if from >= 2 {
            let name: String =
                conn.query_row("SELECT name FROM customers WHERE id = 'c1'", [], |r| r.get(0)).expect("kept");
            assert_eq!(name, "Old Customer");
        }
        if from >= 3 {
            // Insight's rollups (step 21) count what the desk held before them.
            let counted: (String, i64) = conn
                .query_row(
                    "SELECT period, interactions FROM insight_buckets WHERE grain = 'day' AND store_id = 's1'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .expect("rolled up");
            assert_eq!(counted.1, 1, "from version {from}");
            let reason: i64 = conn
                .query_row(
                    "SELECT n FROM insight_reasons WHERE reason = 'Refund' AND grain = 'week' AND slice = 'store'
                       AND store_id = 's1' AND slice_id = ''",
                    [],
                    |r| r.get(0),
                )
                .expect("reason rolled up");
            assert_eq!(reason, 1);
        }
    }
}

#[test]
fn a_database_from_a_newer_app_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("future.sqlite3");
    {
        let conn = db::open(&path).expect("opens");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION as i64 + 1).expect("bump");
    }
    let err = db::open(&path).expect_err("newer schema refused");
    assert!(matches!(err, CoreError::TooNew { .. }), "{err:?}");
    let conn = Connection::open(&path).expect("reopen raw");
    assert_eq!(user_version(&conn), SCHEMA_VERSION + 1);
}
