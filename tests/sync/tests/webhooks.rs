//! Outgoing webhooks against a real receiver on loopback: an administrator adds one in the
//! console for some events; a desk's push queues them in its transaction; the server POSTs
//! each, signed with HMAC-SHA256 of the time and the body, retries after a failure with
//! backoff, and the console's delivery log says what happened. Payloads carry no words of
//! the customer. A webhook turned off is sent nothing more.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use reqwest::StatusCode;
use serde_json::{json, Value};
use touchpoint_core::interactions::LogInteraction;
use touchpoint_core::protocol::{ContactChannel, Feeling, Outcome};
use touchpoint_protocol::console::{CreatedWebhook, DeliveryStatus, OrgWebhook, WebhookDelivery};
use touchpoint_sync_tests::browser::{first_admin, Browser, PASSWORD};
use touchpoint_sync_tests::{TestDesk, TestServer};

#[derive(Default)]
struct Received {
    /// (event header, signature header, body) of each request answered 2xx.
    accepted: Vec<(String, String, Bytes)>,
    /// Requests seen, refused ones included.
    seen: usize,
}

/// A receiver that refuses its first request with 503 and accepts the rest.
async fn receiver() -> (String, Arc<Mutex<Received>>) {
    let got = Arc::new(Mutex::new(Received::default()));
    let state = got.clone();
    let app = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let state = state.clone();
            async move {
                let mut r = state.lock().expect("lock");
                r.seen += 1;
                if r.seen == 1 {
                    return AxumStatus::SERVICE_UNAVAILABLE;
                }
                let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                r.accepted.push((header("x-touchpoint-event"), header("x-touchpoint-signature"), body));
                AxumStatus::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hooks"), got)
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("waited 10 s for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desks_push_reaches_a_webhook_signed_retried_after_a_failure_and_logged() {
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let mut helena = Browser::new(&server);
    helena.sign_in("helena", PASSWORD).await;
    let (url, got) = receiver().await;

    for (body, field) in [
        (json!({"url": "ftp://example.com/x", "events": ["feedback_unhappy"]}), "url:"),
        (json!({"url": "https://user:pw@example.com/x", "events": ["feedback_unhappy"]}), "url:"),
        (json!({"url": format!("{url}\u{0}"), "events": ["feedback_unhappy"]}), "url:"),
        (json!({"url": format!("https://{}.example.com/x", "h".repeat(2000)), "events": ["feedback_unhappy"]}), "url:"),
        (json!({"url": url, "events": []}), "events:"),
        // Not one of the events: refused as the body is read, saying which ones there are.
        (
            json!({"url": url, "events": ["conversation_logged\u{0}"]}),
            "The request body was not understood: unknown variant",
        ),
    ] {
        let refused = helena.post("/v1/org/webhooks", body.clone()).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{body}: {}", refused.body);
        assert!(refused.error().message.starts_with(field), "{}", refused.body);
    }
    let added = helena
        .post("/v1/org/webhooks", json!({"url": url, "events": ["feedback_unhappy", "conversation_logged"]}))
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let CreatedWebhook { webhook, secret } = added.json();
    assert!(secret.starts_with("whsec_"));

    // One unhappy conversation and one happy one: two "logged", one "unhappy".
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    let ana = desk.customer("Ana Souza");
    for (feeling, nps) in [(Feeling::VeryUnhappy, 3), (Feeling::Happy, 9)] {
        desk.with(|d| {
            let touch_point_id = d.touch_points()?[0].id;
            d.log_interaction(&LogInteraction {
                submission_id: uuid::Uuid::now_v7(),
                customer_id: Some(ana.id),
                touch_point_id,
                channel: ContactChannel::InPerson,
                reason: Some("Refund".into()),
                outcome: Outcome::FollowUpNeeded,
                duration_secs: None,
                summary: Some("Very upset about the broken kettle".into()),
                occurred_at: None,
                feeling: Some(feeling),
                csat: None,
                nps: Some(nps),
                ces: None,
                verbatim: Some("Never again".into()),
                check_in: None,
            })
        })
        .expect("logged");
    }
    desk.sync().await;

    until("three deliveries accepted", || got.lock().expect("lock").accepted.len() == 3).await;
    let received = std::mem::take(&mut got.lock().expect("lock").accepted);
    let mut events: Vec<&str> = received.iter().map(|(e, _, _)| e.as_str()).collect();
    events.sort_unstable();
    assert_eq!(events, ["conversation_logged", "conversation_logged", "feedback_unhappy"]);
    for (event, signed, body) in &received {
        let t: i64 =
            signed.strip_prefix("t=").and_then(|s| s.split(',').next()).and_then(|s| s.parse().ok()).expect("t=");
        assert_eq!(signed, &touchpoint_server::webhooks::signature(&secret, t, body), "signed with the secret");
        assert_ne!(signed, &touchpoint_server::webhooks::signature("not the secret", t, body));
        let doc: Value = serde_json::from_slice(body).expect("json");
        assert_eq!(doc["event"], event.as_str());
        let text = String::from_utf8_lossy(body);
        assert!(!text.contains("kettle") && !text.contains("Never again"), "no words of the customer: {text}");
    }
    let unhappy = received.iter().find(|(e, _, _)| e == "feedback_unhappy").expect("unhappy");
    let doc: Value = serde_json::from_slice(&unhappy.2).expect("json");
    assert_eq!((doc["data"]["feeling"].as_str(), doc["data"]["nps"].as_i64()), (Some("very_unhappy"), Some(3)));
    assert_eq!(doc["data"]["customer_id"], json!(ana.id));

    // The log: one delivery was refused once (503) before it went through.
    let log: Vec<WebhookDelivery> =
        helena.get(&format!("/v1/org/webhooks/{}/deliveries", webhook.webhook_id)).await.json();
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|d| d.status == DeliveryStatus::Delivered), "{log:?}");
    let retried: Vec<&WebhookDelivery> = log.iter().filter(|d| d.attempts == 2).collect();
    assert_eq!(retried.len(), 1, "{log:?}");
    assert_eq!((retried[0].last_status, retried[0].last_error.as_deref()), (Some(204), None));
    let listed: Vec<OrgWebhook> = helena.get("/v1/org/webhooks").await.json();
    assert_eq!((listed[0].pending, listed[0].failed), (0, 0));
    assert!(listed[0].last_delivered_at.is_some());

    // Turned off: the next conversation queues nothing for it.
    let off = helena.post(&format!("/v1/org/webhooks/{}/active", webhook.webhook_id), json!({"active": false})).await;
    assert_eq!(off.status, StatusCode::NO_CONTENT, "{}", off.body);
    desk.log_visit(Some(ana.id), "Came back");
    desk.sync().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(got.lock().expect("lock").accepted.is_empty(), "nothing sent to a webhook turned off");
    let after: Vec<WebhookDelivery> =
        helena.get(&format!("/v1/org/webhooks/{}/deliveries", webhook.webhook_id)).await.json();
    assert_eq!(after.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_never_answers_is_retried_with_backoff_then_given_up_on() {
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let mut helena = Browser::new(&server);
    helena.sign_in("helena", PASSWORD).await;
    // Nothing listens on this port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
    let CreatedWebhook { webhook, .. } = helena
        .post("/v1/org/webhooks", json!({"url": format!("http://{closed}/hooks"), "events": ["customer_erased"]}))
        .await
        .json();
    let desk = TestDesk::enrolled(&server, server.supervisor).await;
    let ben = desk.customer("Ben Okafor");
    desk.sync().await;
    desk.with(|d| d.erase_customer(ben.id)).expect("erased");
    desk.sync().await;

    let path = format!("/v1/org/webhooks/{}/deliveries", webhook.webhook_id);
    let mut attempts_seen = Vec::new();
    for _ in 0..120 {
        let log: Vec<WebhookDelivery> = helena.get(&path).await.json();
        if let Some(d) = log.first() {
            if attempts_seen.last() != Some(&d.attempts) {
                attempts_seen.push(d.attempts);
            }
            if d.status == DeliveryStatus::Failed {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let log: Vec<WebhookDelivery> = helena.get(&path).await.json();
    let d = log.first().expect("one delivery");
    assert_eq!(
        (d.status, d.attempts),
        (DeliveryStatus::Failed, u32::try_from(touchpoint_server::webhooks::MAX_ATTEMPTS).expect("small")),
        "{attempts_seen:?}"
    );
    assert!(d.last_status.is_none() && d.last_error.is_some(), "no answer, said in words: {d:?}");
    assert!(attempts_seen.len() >= 3, "tried again and again, not all at once: {attempts_seen:?}");
    let listed: Vec<OrgWebhook> = helena.get("/v1/org/webhooks").await.json();
    assert_eq!(listed[0].failed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_past_its_due_time_is_told_once_however_many_scans_pass_and_a_done_one_never() {
    use touchpoint_core::follow_ups::NewFollowUp;
    let server = TestServer::start().await;
    first_admin(&server, "helena").await;
    let mut helena = Browser::new(&server);
    helena.sign_in("helena", PASSWORD).await;
    let (url, got) = receiver().await;
    let CreatedWebhook { webhook, .. } =
        helena.post("/v1/org/webhooks", json!({"url": url, "events": ["follow_up_overdue"]})).await.json();
    let desk = TestDesk::enrolled(&server, server.supervisor).await;
    let ana = desk.customer("Ana Souza");
    // Due four minutes ago (the desk takes a due time up to five minutes back); a second one,
    // as late, is done before it reaches the server, so it is never overdue.
    let done = desk
        .with(|d| {
            let f = d.create_follow_up(&NewFollowUp {
                customer_id: Some(ana.id),
                interaction_id: None,
                owner_staff_id: server.supervisor,
                due_at: chrono::Utc::now() - chrono::Duration::minutes(4),
                promise: "Send the voucher".into(),
                route: None,
                kind: None,
            })?;
            d.close_follow_up(&touchpoint_core::follow_ups::CloseFollowUp {
                follow_up_id: f.id,
                status: touchpoint_core::protocol::FollowUpStatus::Done,
                resolution: "Voucher sent".into(),
                feeling_after: Some(Feeling::Happy),
            })
        })
        .expect("a follow-up done");
    let late = desk
        .with(|d| {
            d.create_follow_up(&NewFollowUp {
                customer_id: Some(ana.id),
                interaction_id: None,
                owner_staff_id: server.supervisor,
                due_at: chrono::Utc::now() - chrono::Duration::minutes(4),
                promise: "Call back about the refund".into(),
                route: None,
                kind: None,
            })
        })
        .expect("follow-up");
    desk.sync().await;

    // The receiver refuses its first request, so the one event arrives on the retry.
    until("the overdue follow-up is told", || got.lock().expect("lock").accepted.len() == 1).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let received = std::mem::take(&mut got.lock().expect("lock").accepted);
    assert_eq!(received.len(), 1, "once, however many scans pass");
    let doc: Value = serde_json::from_slice(&received[0].2).expect("json");
    assert_eq!(received[0].0, "follow_up_overdue");
    assert_eq!(doc["data"]["follow_up_id"], json!(late.id), "not the one done ({})", done.id);
    assert_eq!(doc["data"]["customer_id"], json!(ana.id));
    assert!(!String::from_utf8_lossy(&received[0].2).contains("refund"), "not the promise's words");
    let log: Vec<WebhookDelivery> =
        helena.get(&format!("/v1/org/webhooks/{}/deliveries", webhook.webhook_id)).await.json();
    assert_eq!(log.len(), 1);
}
