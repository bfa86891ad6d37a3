//! Guessing is slow: enrollment codes, token exchanges and the organisation's search are
//! limited per address and per device, answered 429 with Retry-After over the limit, and the
//! desk waits as it is told.

use reqwest::{Client, StatusCode};
use serde_json::json;
use touchpoint_core::sync::{SyncError, TransportError};
use touchpoint_protocol::{ApiError, ErrorCode, PROTOCOL_HEADER, PROTOCOL_VERSION};
use touchpoint_server::limits::RateLimits;
use touchpoint_sync_tests::{generous_limits, TestDesk, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_enrollment_codes_from_one_address_are_slowed_to_a_few_a_minute() {
    let server = TestServer::start_with_limits(RateLimits { enroll_per_minute: 5, ..generous_limits() }).await;
    let client = Client::new();
    let guess = |n: u32| {
        client
            .post(format!("{}/v1/enroll", server.url))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .json(&json!({"code": format!("GUES-{n:04}"), "device_id": uuid::Uuid::now_v7(), "device_name": "Till"}))
            .send()
    };
    for n in 0..5 {
        assert_eq!(guess(n).await.expect("answer").status(), StatusCode::UNAUTHORIZED, "guess {n} is checked");
    }
    let slowed = guess(5).await.expect("answer");
    assert_eq!(slowed.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = slowed
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    let err: ApiError = slowed.json().await.expect("json");
    assert_eq!(err.code, ErrorCode::RateLimited);

    // A desk trying to enroll from the same address hears why, in words.
    let desk = TestDesk::new(&server.url);
    let code = server.enrollment_code().await;
    let refused =
        touchpoint_core::sync::enroll(&desk.desk, desk.engine.transport(), &server.url, &code, "Till", false).await;
    let message = format!("{refused:?}");
    assert!(message.contains("Try again in"), "{message}");
    assert_eq!(server.count("SELECT count(*) FROM devices").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_searching_the_organisation_too_fast_is_told_to_wait_and_the_desk_waits() {
    let server = TestServer::start_with_limits(RateLimits { lookups_per_minute: 3, ..generous_limits() }).await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    for _ in 0..3 {
        desk.engine.search_server("Ana").await.expect("within the limit");
    }
    let slowed = desk.engine.search_server("Ana").await.expect_err("over the limit");
    let SyncError::Transient(TransportError::Server { status: 429, code, retry_after, .. }) = &slowed else {
        panic!("{slowed:?}")
    };
    assert_eq!(*code, ErrorCode::RateLimited);
    assert!(retry_after.is_some_and(|w| w.as_secs() >= 1), "{retry_after:?}");
    // The round's wait honours it.
    let wait = desk
        .engine
        .next_delay(&Err(slowed.clone()), std::time::Duration::from_secs(1), Default::default())
        .expect("a wait");
    assert!(wait >= retry_after.expect("retry after"), "{wait:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_exchanges_are_limited_per_device() {
    let server = TestServer::start_with_limits(RateLimits { token_per_minute: 4, ..generous_limits() }).await;
    let desk = TestDesk::enrolled(&server, server.frontline).await; // one exchange
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let s = desk.with(|d| d.sync_settings()).expect("settings").expect("enrolled");
        let resp = Client::new()
            .post(format!("{}/v1/token", server.url))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .json(&json!({"device_id": s.device_id, "refresh_token": s.refresh_token}))
            .send()
            .await
            .expect("answer");
        statuses.push(resp.status());
        if resp.status().is_success() {
            let body: serde_json::Value = resp.json().await.expect("json");
            let next = body["refresh_token"].as_str().expect("rotated").to_owned();
            desk.with(|d| d.keep_refresh_token(&next)).expect("keep");
        }
    }
    assert_eq!(statuses[..3], [StatusCode::OK; 3]);
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
}
