//! A desk killed with `kill -9` in the middle of writing leaves a clean database: integrity
//! check passes, and every interaction that survived has its outbox op (nothing half-written).

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{visit, LogExt, TestDesk};
use touchpoint_core::protocol::Feeling;
use touchpoint_core::{Desk, DeskOptions};

const CHILD_ENV: &str = "TOUCHPOINT_CRASH_CHILD_DIR";

#[test]
fn killed_mid_write_leaves_a_consistent_database() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        // Child: log interactions as fast as possible until killed.
        let mut desk = Desk::open_in(std::path::Path::new(&dir), &DeskOptions { region: Some("GB".into()) })
            .expect("child opens desk");
        let tp = desk.touch_points().expect("catalogue")[0].id;
        let t = TestDesk::new(); // only for its log builder's defaults
        let mut entry = visit(&t, None).felt(Feeling::Happy);
        entry.touch_point_id = tp;
        loop {
            entry.submission_id = uuid::Uuid::now_v7(); // each save a new form
            desk.log_interaction(&entry).expect("child logs");
        }
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "killed_mid_write_leaves_a_consistent_database", "--nocapture"])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");

    // Wait until the child has committed a good number of logs, then kill it mid-stream.
    let db_path = dir.path().join(touchpoint_core::DATABASE_FILE);
    let started = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let n: i64 = rusqlite::Connection::open(&db_path)
            .and_then(|c| c.query_row("SELECT count(*) FROM interactions", [], |r| r.get(0)))
            .unwrap_or(0);
        if n >= 200 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "child never wrote (count {n})");
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");

    let desk = Desk::open_in(dir.path(), &DeskOptions::default()).expect("reopens after crash");
    let conn = desk.connection();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity");
    assert_eq!(ok, "ok");
    let interactions: i64 = conn.query_row("SELECT count(*) FROM interactions", [], |r| r.get(0)).expect("count");
    assert!(interactions >= 200);
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM interactions i
             WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity_id = i.id AND o.kind = 'interaction_logged')
                OR NOT EXISTS (SELECT 1 FROM feedback f WHERE f.interaction_id = i.id)",
            [],
            |r| r.get(0),
        )
        .expect("orphans");
    assert_eq!(orphans, 0, "an interaction survived without its feedback or outbox op");
    let stray_ops: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox o WHERE o.kind = 'interaction_logged'
             AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.id = o.entity_id)",
            [],
            |r| r.get(0),
        )
        .expect("stray ops");
    assert_eq!(stray_ops, 0, "an op survived without its interaction");
}
