//! Every endpoint answers malformed, oversized and wrong-typed requests with a 4xx JSON error
//! carrying a stable code (never a 500), and a batch with one unreadable op changes nothing.

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use touchpoint_protocol::{ApiError, ErrorCode, PROTOCOL_HEADER, PROTOCOL_VERSION};
use touchpoint_sync_tests::{api_for, bytes, Api, TestDesk, TestServer};

/// Announces a 6 MB body and waits for the answer without sending it: the server must refuse
/// on the announced size alone, as a 413 with a JSON error (a client would otherwise be cut
/// off while still sending).
async fn refuses_oversized(base: &str, path: &str, token: Option<&str>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{PROTOCOL_HEADER}: {PROTOCOL_VERSION}\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        6 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.expect("send head");
    let mut answer = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server answers without waiting for the body")
        .expect("read");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{path}: {text}");
    let body = text.split("\r\n\r\n").nth(1).expect("a body");
    let err: ApiError = serde_json::from_str(body.trim()).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    assert_eq!(err.code, ErrorCode::PayloadTooLarge);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrollment_and_token_endpoints_refuse_bad_bodies_with_json_errors() {
    let server = TestServer::start().await;
    let api = Api { client: Client::new(), base: server.url.clone(), token: None };
    for path in ["/v1/enroll", "/v1/token"] {
        api.refuses(Method::POST, path, Some(b"not json".to_vec()), ErrorCode::BadRequest).await;
        api.refuses(Method::POST, path, bytes(json!({"code": 5, "device_id": "x"})), ErrorCode::BadRequest).await;
        api.refuses(Method::POST, path, bytes(json!({})), ErrorCode::BadRequest).await;
        api.refuses(Method::POST, path, bytes(json!([1, 2, 3])), ErrorCode::BadRequest).await;
        refuses_oversized(&server.url, path, None).await;
    }
    let device = uuid::Uuid::now_v7();
    api.refuses(
        Method::POST,
        "/v1/enroll",
        bytes(json!({"code": "AAAA-BBBB", "device_id": device, "device_name": "Till"})),
        ErrorCode::Unauthorized,
    )
    .await;
    api.refuses(
        Method::POST,
        "/v1/enroll",
        bytes(json!({"code": server.enrollment_code().await, "device_id": device, "device_name": "  "})),
        ErrorCode::BadRequest,
    )
    .await;
    api.refuses(
        Method::POST,
        "/v1/token",
        bytes(json!({"device_id": device, "refresh_token": "guess"})),
        ErrorCode::Unauthorized,
    )
    .await;
    assert_eq!(server.count("SELECT count(*) FROM devices").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_endpoints_refuse_bad_requests_and_a_bad_batch_changes_nothing() {
    let server = TestServer::start().await;
    let desk = TestDesk::enrolled(&server, server.frontline).await;
    desk.customer("Nia Cole");
    desk.customer("Oli Grant");
    let ops = desk.with(|d| d.outbox_batch(10, 1 << 20)).expect("batch");
    let api = api_for(&server, &desk).await;
    let changes_before = server.change_count().await;

    let push = "/v1/sync/push";
    api.refuses(Method::POST, push, Some(b"{\"ops\": [".to_vec()), ErrorCode::BadRequest).await;
    api.refuses(Method::POST, push, bytes(json!({"ops": "everything"})), ErrorCode::BadRequest).await;
    api.refuses(Method::POST, push, bytes(json!({"ops": [{"op_id": 7}]})), ErrorCode::BadRequest).await;
    // One good op and one whose body is of an unknown type: the whole batch is refused.
    let mut bad = serde_json::to_value(&ops[1]).expect("op");
    bad["body"]["type"] = json!("customer_teleported");
    api.refuses(
        Method::POST,
        push,
        bytes(json!({"ops": [serde_json::to_value(&ops[0]).expect("op"), bad]})),
        ErrorCode::BadRequest,
    )
    .await;
    let mut wrong_type = serde_json::to_value(&ops[1]).expect("op");
    wrong_type["hlc"] = json!(12);
    api.refuses(Method::POST, push, bytes(json!({"ops": [wrong_type]})), ErrorCode::BadRequest).await;
    let too_many: Vec<Value> = (0..501).map(|_| serde_json::to_value(&ops[0]).expect("op")).collect();
    api.refuses(Method::POST, push, bytes(json!({ "ops": too_many })), ErrorCode::PayloadTooLarge).await;
    refuses_oversized(&server.url, push, api.token.as_deref()).await;
    assert_eq!(server.change_count().await, changes_before, "nothing of a refused batch was applied");
    assert_eq!(server.count("SELECT count(*) FROM rejected_ops").await, 0, "nothing was recorded as refused either");

    api.refuses(Method::GET, "/v1/sync/pull?since=abc", None, ErrorCode::BadRequest).await;
    api.refuses(Method::GET, "/v1/sync/pull?since=-5", None, ErrorCode::BadRequest).await;
    api.refuses(Method::GET, "/v1/sync/pull", None, ErrorCode::BadRequest).await;
    api.refuses(Method::GET, "/v1/sync/pull?since=0&epoch=nope", None, ErrorCode::BadRequest).await;
    api.refuses(Method::GET, "/v1/sync/pull?since=999999999", None, ErrorCode::ResyncRequired).await;
    // Limits outside their documented range are refused, not quietly clamped.
    api.refuses(Method::GET, "/v1/sync/pull?since=0&limit=0", None, ErrorCode::BadRequest).await;
    api.refuses(Method::GET, "/v1/sync/pull?since=0&limit=1001", None, ErrorCode::BadRequest).await;
    let (ok, _) = api.call(Method::GET, "/v1/sync/pull?since=0&limit=1000", None).await;
    assert_eq!(ok, StatusCode::OK);

    api.refuses(Method::GET, "/v1/customers/search?q=", None, ErrorCode::BadRequest).await;
    api.refuses(Method::GET, "/v1/customers/search", None, ErrorCode::BadRequest).await;
    api.refuses(Method::POST, "/v1/customers/adopt", bytes(json!({"customer_id": "x"})), ErrorCode::BadRequest).await;
    api.refuses(
        Method::POST,
        "/v1/customers/adopt",
        bytes(json!({"customer_id": uuid::Uuid::now_v7()})),
        ErrorCode::NotFound,
    )
    .await;
    api.refuses(Method::GET, "/v1/conflicts?limit=many", None, ErrorCode::BadRequest).await;
    api.refuses(Method::GET, "/v1/conflicts?limit=-1", None, ErrorCode::BadRequest).await;
    api.refuses(Method::GET, "/v1/conflicts?limit=201", None, ErrorCode::BadRequest).await;
    api.refuses(Method::GET, "/v1/customers/search?q=ana&limit=51", None, ErrorCode::BadRequest).await;
    api.refuses(Method::GET, "/v1/no/such/thing", None, ErrorCode::NotFound).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_a_valid_token_or_protocol_version_are_refused() {
    let server = TestServer::start().await;
    let anonymous = Api { client: Client::new(), base: server.url.clone(), token: None };
    let forged = Api { client: Client::new(), base: server.url.clone(), token: Some("abc.def.ghi".into()) };
    for api in [&anonymous, &forged] {
        api.refuses(Method::POST, "/v1/sync/push", bytes(json!({"ops": []})), ErrorCode::Unauthorized).await;
        api.refuses(Method::GET, "/v1/sync/pull?since=0", None, ErrorCode::Unauthorized).await;
        api.refuses(Method::GET, "/v1/customers/search?q=ana", None, ErrorCode::Unauthorized).await;
        api.refuses(Method::GET, "/v1/conflicts", None, ErrorCode::Unauthorized).await;
    }
    let resp = Client::new().get(format!("{}/v1/sync/pull?since=0", server.url)).send().await.expect("answer");
    assert_eq!(resp.status(), StatusCode::UPGRADE_REQUIRED);
    let err: ApiError = resp.json().await.expect("json");
    assert_eq!(err.code, ErrorCode::UnsupportedProtocol);

    let health = Client::new().get(format!("{}/healthz", server.url)).send().await.expect("health");
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_every_endpoint_the_server_answers() {
    let server = TestServer::start().await;
    let doc: Value = Client::new()
        .get(format!("{}/openapi.json", server.url))
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/healthz", "get"),
        ("/openapi.json", "get"),
        ("/v1/enroll", "post"),
        ("/v1/token", "post"),
        ("/v1/sync/push", "post"),
        ("/v1/sync/pull", "get"),
        ("/v1/sync/report", "post"),
        ("/v1/customers/search", "get"),
        ("/v1/customers/adopt", "post"),
        ("/v1/customers/{customer_id}/conflicts", "get"),
        ("/v1/conflicts", "get"),
        ("/v1/staff/check-pin", "post"),
        ("/v1/org/session", "post"),
        ("/v1/org/session", "get"),
        ("/v1/org/session", "delete"),
        ("/v1/org/stores", "get"),
        ("/v1/org/stores", "post"),
        ("/v1/org/staff", "get"),
        ("/v1/org/staff", "post"),
        ("/v1/org/staff/{staff_id}/pin", "post"),
        ("/v1/org/staff/{staff_id}/active", "post"),
        ("/v1/org/devices", "get"),
        ("/v1/org/devices/{device_id}/revoke", "post"),
        ("/v1/org/enrollment-codes", "post"),
        ("/v1/org/audit", "get"),
        ("/v1/org/insight", "get"),
        ("/v1/org/insight/conversations", "get"),
        ("/v1/org/insight/closed-loop", "get"),
        ("/v1/org/insight/at-risk", "get"),
        ("/v1/org/staff/import", "post"),
        ("/v1/org/lists/{list}", "get"),
        ("/v1/org/lists/{list}", "post"),
        ("/v1/org/lists/{list}/{id}", "patch"),
        ("/v1/org/lists/reasons/defaults", "post"),
        ("/v1/org/desk-audit", "get"),
        ("/v1/org/conflicts", "get"),
        ("/v1/org/api-keys", "get"),
        ("/v1/org/api-keys", "post"),
        ("/v1/org/api-keys/{key_id}/revoke", "post"),
        ("/v1/org/webhooks", "get"),
        ("/v1/org/webhooks", "post"),
        ("/v1/org/webhooks/{webhook_id}/active", "post"),
        ("/v1/org/webhooks/{webhook_id}/deliveries", "get"),
    ] {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} is documented");
        // And it is really served (anything but the fallback's 404).
        let served = path
            .replace("{customer_id}", &uuid::Uuid::now_v7().to_string())
            .replace("{device_id}", &uuid::Uuid::now_v7().to_string())
            .replace("{staff_id}", &uuid::Uuid::now_v7().to_string())
            .replace("{list}", "reasons")
            .replace("{key_id}", &uuid::Uuid::now_v7().to_string())
            .replace("{webhook_id}", &uuid::Uuid::now_v7().to_string())
            .replace("{id}", &uuid::Uuid::now_v7().to_string());
        let resp = Client::new()
            .request(method.parse().expect("method"), format!("{}{served}", server.url))
            .send()
            .await
            .expect("answer");
        assert_ne!(resp.status(), StatusCode::NOT_FOUND, "{method} {path} is served");
    }
    assert_eq!(paths.len(), 36, "nothing documented that is not served");
    assert!(doc["components"]["schemas"]["Op"].is_object());
    // Query parameters are in the query (they were once all declared as path parameters), and
    // every operation says it answers JSON errors.
    for (path, names) in [
        ("/v1/sync/pull", vec!["since", "limit", "epoch"]),
        ("/v1/customers/search", vec!["q", "limit"]),
        ("/v1/conflicts", vec!["limit"]),
        ("/v1/org/desk-audit", vec!["staff_id", "store_id", "customer_id", "action", "before", "limit"]),
        ("/v1/org/conflicts", vec!["limit"]),
        ("/v1/org/insight/closed-loop", vec!["from", "to", "store_id"]),
        ("/v1/org/insight/at-risk", vec!["store_id", "limit"]),
    ] {
        let params = doc["paths"][path]["get"]["parameters"].as_array().expect("parameters");
        for name in names {
            let p = params.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{path} {name}"));
            assert_eq!(p["in"], "query", "{path} {name}");
        }
    }
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("operations") {
            assert!(op["responses"]["4XX"].is_object(), "{method} {path} documents its errors");
        }
    }
    assert_eq!(doc["paths"]["/v1/conflicts"]["get"]["parameters"][0]["schema"]["maximum"], 200);
}
