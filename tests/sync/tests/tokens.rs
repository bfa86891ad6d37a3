//! A desk's sign-in with the server: the refresh token is replaced at every exchange, a copy
//! used after that revokes the device (and the desk says why), a desk that never heard the
//! answer may repeat the exchange once, a token left unused too long expires, and the secret is
//! kept outside the desk's database, in a file only this user can read where there is no
//! keychain.

use touchpoint_core::sync::{Block, SecretPlace, SyncError, Transport};
use touchpoint_protocol::TokenRequest;
use touchpoint_sync_tests::{TestDesk, TestServer};

async fn exchange(
    desk: &TestDesk,
    refresh_token: &str,
) -> Result<touchpoint_protocol::TokenResponse, touchpoint_core::sync::TransportError> {
    let device_id = desk.device_id();
    desk.engine.transport().inner.token(&TokenRequest { device_id, refresh_token: refresh_token.into() }).await
}

/// The desk as the app would open it again: an engine with no access token yet, which
/// exchanges its refresh token first thing.
fn restarted(server: &TestServer, desk: TestDesk) -> TestDesk {
    let (dir, clock) = desk.close();
    TestDesk::open_at(&server.url, clock, dir)
}

fn refresh_token(desk: &TestDesk) -> String {
    desk.with(|d| d.sync_settings()).expect("settings").expect("enrolled").refresh_token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_exchange_replaces_the_refresh_token_and_a_copy_used_later_revokes_the_device() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let first = refresh_token(&desk);
    desk.access_token().await;
    let second = refresh_token(&desk);
    assert_ne!(first, second, "the desk now holds the replacement");

    // Someone copied the desk's file earlier and uses the old token after the grace.
    sqlx::query("UPDATE devices SET refresh_rotated_at = now() - interval '2 minutes' WHERE device_id = $1")
        .bind(desk.device_id())
        .execute(&server.pool)
        .await
        .expect("age the rotation");
    let stolen = exchange(&desk, &first).await.expect_err("a replaced token is refused");
    assert!(stolen.to_string().contains("revoked"), "{stolen}");
    assert_eq!(
        server
            .count(&format!(
                "SELECT count(*) FROM devices WHERE device_id = '{}' AND revoked_at IS NOT NULL",
                desk.device_id()
            ))
            .await,
        1
    );

    // The real desk is stopped too (its token is the same credential) and says why.
    desk.customer("Ana Costa");
    let refused = desk.try_sync().await;
    assert!(matches!(&refused, Err(SyncError::Blocked { block: Block::Revoked, .. })), "{refused:?}");
    let said = desk.engine.status().expect("status").last_error.unwrap_or_default();
    assert!(said.contains("used from somewhere else"), "{said}");
    assert_eq!(desk.pending(), 1, "what was made here stays");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_that_never_heard_the_answer_repeats_the_exchange_with_the_old_token() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let old = refresh_token(&desk);
    // The server rotates, but the answer is lost on the way: the desk still holds `old`.
    exchange(&desk, &old).await.expect("first exchange");
    assert_eq!(refresh_token(&desk), old);
    let desk = restarted(&server, desk);
    desk.customer("Ana Costa");
    desk.sync().await;
    assert_eq!(desk.pending(), 0, "the repeated exchange was accepted");
    assert_ne!(refresh_token(&desk), old);
    assert_eq!(server.count("SELECT count(*) FROM devices WHERE revoked_at IS NOT NULL").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_unused_for_longer_than_the_idle_limit_expires() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    sqlx::query("UPDATE devices SET refresh_used_at = now() - interval '91 days' WHERE device_id = $1")
        .bind(desk.device_id())
        .execute(&server.pool)
        .await
        .expect("idle");
    let expired = exchange(&desk, &refresh_token(&desk)).await.expect_err("expired");
    assert!(expired.to_string().contains("not synced for more than 90 days"), "{expired}");
    let desk = restarted(&server, desk);
    desk.customer("Ana Costa");
    let refused = desk.try_sync().await;
    assert!(matches!(&refused, Err(SyncError::Blocked { block: Block::EnrollAgain, .. })), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desks_sign_in_is_kept_outside_its_database_in_a_file_only_this_user_can_read() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let token = refresh_token(&desk);
    assert_eq!(desk.query_text("SELECT refresh_token FROM sync_state"), None, "not in the database");
    let database = std::fs::read(desk.dir.path().join(touchpoint_core::DATABASE_FILE)).expect("database file");
    assert!(!database.windows(token.len()).any(|w| w == token.as_bytes()), "no copy in the database file");

    // Tests keep no secret in a keychain (make test says TOUCHPOINT_SECRET_STORE=file, and CI has
    // no session bus): a private file, and the sync panel says so.
    assert!(
        std::env::var("TOUCHPOINT_SECRET_STORE").is_ok_and(|v| v == "file")
            || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none(),
        "run through make test, which keeps test secrets out of the keychain"
    );
    assert_eq!(desk.engine.status().expect("status").secret_kept_in, Some(SecretPlace::File));
    let file = desk.dir.path().join(touchpoint_core::sync::secret::SECRET_FILE);
    assert_eq!(std::fs::read_to_string(&file).expect("secret file").trim(), token);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o600);

    // A desk of an earlier version kept it in the database: it moves out at the next read.
    desk.with(|d| {
        d.connection().execute("UPDATE sync_state SET refresh_token = ?1, secret_place = NULL", [&token])?;
        Ok(())
    })
    .expect("as an older desk left it");
    std::fs::remove_file(&file).expect("no file yet");
    let desk = restarted(&server, desk);
    desk.customer("Ana Costa");
    desk.sync().await;
    assert_eq!(desk.query_text("SELECT refresh_token FROM sync_state"), None);
    assert!(file.exists());

    // Disconnecting forgets it.
    desk.with(|d| d.disconnect()).expect("disconnect");
    assert!(!file.exists());
}
