//! The server on a real network: HTTPS with the organisation's certificate, plain HTTP only
//! where the desk allows it, clients that send a byte at a time cut off, a health check that
//! answers within a second whatever the database does, and one organisation's load never
//! starving another's connections.

use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use touchpoint_core::sync::{HttpTransport, PullRequest, Transport};
use touchpoint_core::CoreError;
use touchpoint_protocol::{ApiError, ErrorCode, PushRequest, Role, PROTOCOL_HEADER, PROTOCOL_VERSION};
use touchpoint_server::admin;
use touchpoint_server::serve::ServeOptions;
use touchpoint_sync_tests::{TestDesk, TestServer};

/// Reads what the server sends until it closes the connection (or `guard` passes: then the
/// server kept a stalled client forever, which is the failure).
async fn until_closed(stream: &mut tokio::net::TcpStream, guard: Duration) -> String {
    let mut answer = Vec::new();
    tokio::time::timeout(guard, stream.read_to_end(&mut answer))
        .await
        .expect("the server closes a stalled connection")
        .expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

fn addr_of(server: &TestServer) -> String {
    server.url.trim_start_matches("http://").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_sending_its_headers_a_byte_at_a_time_is_cut_off() {
    let options = ServeOptions { header_timeout: Duration::from_secs(1), ..ServeOptions::default() };
    let server = TestServer::start_serving(options, 8, None).await;
    let mut stream = tokio::net::TcpStream::connect(addr_of(&server)).await.expect("connect");
    stream.write_all(b"POST /v1/enroll HTTP/1.1\r\nHost: x\r\n").await.expect("part of the headers");
    // …and nothing more.
    until_closed(&mut stream, Duration::from_secs(20)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_announced_and_sent_a_byte_at_a_time_is_refused_with_408() {
    let options = ServeOptions { request_timeout: Duration::from_secs(2), ..ServeOptions::default() };
    let server = TestServer::start_serving(options, 8, None).await;
    let stream = tokio::net::TcpStream::connect(addr_of(&server)).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /v1/enroll HTTP/1.1\r\nHost: x\r\n{PROTOCOL_HEADER}: {PROTOCOL_VERSION}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    );
    writer.write_all(head.as_bytes()).await.expect("headers");
    let trickle = tokio::spawn(async move {
        for _ in 0..1000 {
            if writer.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    if String::from_utf8_lossy(&answer).contains("}") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    trickle.abort();
    assert!(read.is_ok(), "the server answered a slow body instead of waiting for it");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    let body = text.split("\r\n\r\n").nth(1).expect("a body");
    let err: ApiError = serde_json::from_str(body.trim()).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(err.code, ErrorCode::RequestTimeout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_health_check_says_the_database_is_not_answering_without_waiting_for_the_pool() {
    // A "database" that accepts connections and never says a word.
    let blackhole = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let hole = blackhole.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = blackhole.accept().await {
            held.push(s);
        }
    });
    let pool = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(60))
        .connect_lazy(&format!("postgres://postgres@{hole}/postgres"))
        .expect("lazy pool");
    let state =
        touchpoint_server::AppState::new(pool, touchpoint_server::Tokens::new(b"s", chrono::Duration::minutes(5)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(touchpoint_server::serve(listener, state, std::future::pending()));

    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    let resp = client.get(format!("{url}/healthz")).send().await.expect("an answer well before the pool gives up");
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(resp.headers().get("retry-after").is_some());
    let err: ApiError = resp.json().await.expect("json");
    assert_eq!(err.code, ErrorCode::Unavailable);
    assert!(err.message.contains("not answering"), "{}", err.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_organisation_saturating_the_server_does_not_starve_another() {
    let server = TestServer::start_serving(ServeOptions::default(), 6, Some(3)).await;
    let busy = TestDesk::enrolled(&server, server.frontline).await;
    for n in 0..3 {
        busy.customer(&format!("Customer {n}"));
    }
    let ops = busy.with(|d| d.outbox_batch(100, 1 << 20)).expect("ops");
    let token = busy.access_token().await;

    // Another organisation with a desk of its own.
    let other_org = admin::create_org(&server.pool, "Other Retail").await.expect("org");
    let other_store = admin::create_store(&server.pool, other_org, "Dock Road", None).await.expect("store");
    let ines = admin::create_staff(&server.pool, other_org, Some(other_store), "Inês Rocha", Role::Frontline, None)
        .await
        .expect("staff");
    let code = admin::issue_enrollment_code(&server.pool, other_org, other_store, chrono::Duration::hours(1))
        .await
        .expect("code");
    let calm = TestDesk::new(&server.url);
    calm.enroll_as(&server, &code, ines).await;
    let calm_token = calm.access_token().await;

    // The busy organisation's pushes each hold a connection: the first sits inside its
    // transaction, the rest wait behind it on the organisation's counter.
    *server.faults.pause_after_ops.lock().expect("lock") = Some((1, Duration::from_secs(8)));
    let mut pushes = Vec::new();
    for _ in 0..8 {
        let http = busy.engine.transport().inner.clone();
        let (token, req) = (token.clone(), PushRequest { ops: ops.clone(), known_seq: 0 });
        pushes.push(tokio::spawn(async move { http.push(&token, &req).await }));
    }
    while !server.faults.paused.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let page = calm
        .engine
        .transport()
        .inner
        .pull(&calm_token, PullRequest { since: 0, limit: 100, epoch: None })
        .await
        .expect("the other organisation is served");
    assert!(server.faults.paused.load(Ordering::SeqCst), "…while the busy one still holds its share");
    assert!(page.changes.iter().all(|c| c.op.store_id != server.store), "and sees none of it");
    *server.faults.pause_after_ops.lock().expect("lock") = None;
    let mut turned_away = 0;
    for p in pushes {
        if let Err(e) = p.await.expect("push task") {
            assert_eq!(e.code(), Some(ErrorCode::Unavailable), "{e}");
            turned_away += 1;
        }
    }
    assert!(turned_away > 0, "pushes beyond the busy organisation's share were told to come back");
    busy.sync().await;
    assert_eq!(busy.pending(), 0, "and nothing was lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_syncs_over_https_with_the_organisations_certificate_and_refuses_an_unknown_one() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
    let dir = tempfile::tempdir().expect("dir");
    let (cert_path, key_path) = (dir.path().join("server.pem"), dir.path().join("server.key"));
    std::fs::write(&cert_path, cert.cert.pem()).expect("cert");
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).expect("key");
    let options = ServeOptions { tls: Some((cert_path, key_path)), ..ServeOptions::default() };
    let server = TestServer::start_serving(options, 8, None).await;
    assert!(server.url.starts_with("https://localhost:"));

    let desk =
        TestDesk::with_http(HttpTransport::with_root_pem(&server.url, cert.cert.pem().as_bytes()).expect("http"));
    desk.enroll_as(&server, &server.enrollment_code().await, server.frontline).await;
    desk.customer("Ana Costa");
    desk.sync().await;
    assert_eq!(desk.pending(), 0);
    assert_eq!(server.count("SELECT count(*) FROM customers").await, 1);

    // A desk that does not trust the certificate does not talk to it.
    let stranger = TestDesk::new(&server.url);
    let refused = touchpoint_core::sync::enroll(
        &stranger.desk,
        stranger.engine.transport(),
        &server.url,
        &server.enrollment_code().await,
        "Till",
        false,
    )
    .await
    .expect_err("an unknown certificate");
    assert!(matches!(refused, CoreError::Offline { .. }), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_taken_only_on_a_private_network_unless_an_administrator_allows_it() {
    use touchpoint_core::sync::http::unencrypted_problem;
    for local in [
        "http://127.0.0.1:8787",
        "http://localhost:8787",
        "http://192.168.1.20",
        "http://10.0.0.5",
        "http://[::1]:8787",
        "http://[fd00::5]",
    ] {
        assert_eq!(unencrypted_problem(local, false), None, "{local}");
    }
    assert!(unencrypted_problem("http://sync.example.com", false).is_some());
    assert!(unencrypted_problem("http://203.0.113.5:8787", false).is_some());
    assert_eq!(unencrypted_problem("https://sync.example.com", false), None);
    assert_eq!(unencrypted_problem("http://sync.example.com", true), None);

    let desk = TestDesk::new("http://203.0.113.5:9");
    let refused = touchpoint_core::sync::enroll(
        &desk.desk,
        desk.engine.transport(),
        "http://203.0.113.5:9",
        "ABCD-2345",
        "Till",
        false,
    )
    .await
    .expect_err("refused before anything is sent");
    assert!(matches!(&refused, CoreError::Validation { fields, .. } if fields[0].field == "server_url"), "{refused:?}");
    // A frontline person cannot allow it; the desk's administrator can (and then it is tried).
    let maria = desk
        .with(|d| {
            d.add_staff(&touchpoint_core::staff::NewStaff {
                name: "Maria".into(),
                role: Role::Frontline,
                pin: "".into(),
            })
        })
        .expect("staff");
    let admin = desk.with(|d| Ok(d.staff_id())).expect("admin");
    desk.with(|d| d.sign_in(maria.id, None)).expect("maria");
    let forbidden = touchpoint_core::sync::enroll(
        &desk.desk,
        desk.engine.transport(),
        "http://203.0.113.5:9",
        "ABCD-2345",
        "Till",
        true,
    )
    .await;
    assert!(matches!(forbidden, Err(CoreError::Forbidden { .. })), "{forbidden:?}");
    desk.with(|d| d.sign_in(admin, None)).expect("admin");
    desk.engine.transport().offline.store(true, Ordering::SeqCst);
    let tried = touchpoint_core::sync::enroll(
        &desk.desk,
        desk.engine.transport(),
        "http://203.0.113.5:9",
        "ABCD-2345",
        "Till",
        true,
    )
    .await;
    assert!(matches!(tried, Err(CoreError::Offline { .. })), "allowed, so it went on to the network: {tried:?}");
}
