//! Where there is an OS keychain, the desk's sign-in with the server goes into it: a real
//! Secret Service (gnome-keyring, on a private session bus this test starts) takes the refresh
//! token, gives it back after a restart, and the desk's data folder holds no copy; disconnecting
//! takes it out again.

mod support;

use std::process::Command;

use support::TestDesk;
use touchpoint_core::protocol::{EnrollResponse, Role};
use touchpoint_core::sync::SecretPlace;

const IN_SESSION: &str = "TOUCHPOINT_KEYCHAIN_TEST_SESSION";

#[test]
fn a_desk_keeps_its_sign_in_in_the_keychain_when_there_is_one() {
    if std::env::var_os(IN_SESSION).is_some() {
        return in_a_session_with_a_keychain();
    }
    let me = std::env::current_exe().expect("this test binary");
    // A keychain of its own: a fresh folder whose default keyring is the one the daemon
    // creates and unlocks (no prompt to answer), and a session bus that ends with the test.
    let home = tempfile::tempdir().expect("keyring folder");
    std::fs::create_dir_all(home.path().join("keyrings")).expect("keyrings");
    std::fs::write(home.path().join("keyrings/default"), "login").expect("default keyring");
    let status = Command::new("dbus-run-session")
        .args([
            "--",
            "sh",
            "-c",
            "printf touchpoint | gnome-keyring-daemon --unlock --components=secrets >/dev/null \
             && exec \"$0\" --exact a_desk_keeps_its_sign_in_in_the_keychain_when_there_is_one --nocapture",
        ])
        .arg(me)
        .env(IN_SESSION, "1")
        .env("XDG_DATA_HOME", home.path())
        .env_remove("TOUCHPOINT_SECRET_STORE")
        .status()
        .expect("dbus-run-session and gnome-keyring (scripts/setup.sh installs them)");
    assert!(status.success(), "the test inside the keychain session failed");
}

fn in_a_session_with_a_keychain() {
    let mut t = TestDesk::new();
    let device = t.desk.info().expect("info").device_id;
    let store = t.desk.info().expect("info").store.id;
    let enrolled = EnrollResponse {
        device_id: device,
        org_id: uuid::Uuid::now_v7(),
        store_id: store,
        refresh_token: "a-refresh-token-kept-in-the-keychain".into(),
        access_token: "x".into(),
        access_expires_at: chrono::Utc::now(),
        device_role: Role::Frontline,
    };
    t.desk.complete_enrollment("https://sync.example.com", "Till", &enrolled).expect("enrolled");
    assert_eq!(t.desk.sync_status().expect("status").secret_kept_in, Some(SecretPlace::Keychain));
    let file = t.dir.path().join(touchpoint_core::sync::secret::SECRET_FILE);
    assert!(!file.exists(), "no copy beside the database");

    let mut t = t.reopen();
    let settings = t.desk.sync_settings().expect("settings").expect("connected");
    assert_eq!(settings.refresh_token, "a-refresh-token-kept-in-the-keychain");
    t.desk.keep_refresh_token("the-rotated-one").expect("rotated");
    assert_eq!(t.desk.sync_settings().expect("s").expect("c").refresh_token, "the-rotated-one");

    t.desk.disconnect().expect("disconnect");
    let entry =
        keyring::Entry::new("com.touchpoint.desk", &format!("refresh-token-{}", device.simple())).expect("entry");
    assert!(entry.get_password().is_err(), "disconnecting took it out of the keychain");
}
