//! The harness stops what it starts: once a window is closed — after a test passes, and after
//! one that panics — no tauri-driver, WebKitWebDriver, app, WebKit web or network process, nor
//! the private X server, that it started for the window is still running; nor a sync server or
//! a throw-away PostgreSQL cluster once its test is done.

use std::process::Command;
use std::time::{Duration, Instant};

use touchpoint_e2e::{processes_marked, Desk, SyncServer, MARK_VAR};

/// What was started for a window can take a moment to finish exiting after its group is ended.
fn left_running(mark: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = processes_marked(mark);
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_window_leaves_nothing_it_started_running() {
    let desk = Desk::start().await;
    let mark = desk.mark.clone();
    let started = processes_marked(&mark);
    let names = started.join(", ");
    for expected in ["tauri-driver", "WebKitWebDriver", "touchpoint", "Xvfb"] {
        assert!(started.iter().any(|p| p.contains(expected)), "{expected} runs for the window: {names}");
    }
    drop(desk);
    assert_eq!(left_running(&mark), Vec::<String>::new(), "still running after the window closed (was: {names})");
}

#[test]
fn a_test_that_panics_leaves_nothing_it_started_running() {
    let mark = uuid::Uuid::now_v7().to_string();
    let out = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "a_window_whose_test_panics", "--ignored", "--test-threads=1"])
        .env(MARK_VAR, &mark)
        .output()
        .expect("the panicking test runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "the child test panicked, as it should: {stdout}");
    assert!(stdout.contains("the window was up"), "it panicked with the window up: {stdout}");
    assert_eq!(left_running(&mark), Vec::<String>::new(), "still running after the panicking test ended");
}

#[test]
fn a_sync_server_stops_with_its_test() {
    let server = SyncServer::start();
    let mark = server.mark.clone();
    let running = processes_marked(&mark);
    assert!(running.iter().any(|p| p.contains("touchpoint-serv")), "the server runs, marked: {running:?}");
    drop(server);
    assert_eq!(left_running(&mark), Vec::<String>::new(), "still running after the server was dropped");
}

/// Run only by `a_test_that_panics_leaves_nothing_it_started_running`, in a child process:
/// opens a window, then panics.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "run by a_test_that_panics_leaves_nothing_it_started_running"]
async fn a_window_whose_test_panics() {
    let desk = Desk::start().await;
    assert!(!processes_marked(&desk.mark).is_empty(), "the window's processes are marked");
    panic!("the window was up: panicking on purpose");
}

#[test]
fn a_throw_away_postgresql_cluster_stops_with_the_command_it_ran_even_a_failing_one() {
    let mark = uuid::Uuid::now_v7().to_string();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/with-postgres.sh");
    // The command sees the cluster answer (and that the cluster carries the mark), then fails.
    let check = format!(
        "psql -At \"$DATABASE_URL\" -c 'SELECT 1' >/dev/null && \
         grep -lz '{MARK_VAR}={mark}' /proc/[0-9]*/environ 2>/dev/null | \
         while read -r env; do cat \"${{env%/environ}}/comm\" 2>/dev/null; done | grep -qx postgres && exit 3"
    );
    let status =
        Command::new(script).args(["sh", "-c", &check]).env(MARK_VAR, &mark).status().expect("with-postgres runs");
    assert_eq!(
        status.code(),
        Some(3),
        "the cluster answered and carried the mark, and the command's failure came back"
    );
    assert_eq!(left_running(&mark), Vec::<String>::new(), "still running after with-postgres ended");
}
