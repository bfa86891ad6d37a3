//! The head office's browser, as far as the console API cares: it keeps the session cookie
//! and sends the CSRF token it was given.

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use touchpoint_protocol::console::{ConsoleRole, ConsoleSession};
use touchpoint_protocol::ApiError;
use uuid::Uuid;

use crate::TestServer;

pub const PASSWORD: &str = "correct horse battery staple";

/// A browser, as far as the console cares: it keeps the session cookie and sends the CSRF
/// token it was given.
pub struct Browser {
    pub client: Client,
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

pub struct Answer {
    pub status: StatusCode,
    pub set_cookie: Option<String>,
    pub body: Value,
}

impl Answer {
    pub fn error(&self) -> ApiError {
        serde_json::from_value(self.body.clone()).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.body.clone()).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

impl Browser {
    pub fn new(server: &TestServer) -> Self {
        Browser { client: Client::new(), base: server.url.clone(), cookie: None, csrf: None }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>, csrf: bool) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        if let (true, Some(t)) = (csrf, &self.csrf) {
            req = req.header("x-csrf-token", t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("the server answers");
        let status = resp.status();
        let set_cookie = resp.headers().get("set-cookie").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let text = resp.text().await.expect("body");
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Answer { status, set_cookie, body }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, true).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body), true).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, Some(body), true).await
    }

    pub async fn sign_in(&mut self, login: &str, password: &str) -> Answer {
        let answer = self
            .send(Method::POST, "/v1/org/session", Some(json!({"login": login, "password": password})), false)
            .await;
        if answer.status == StatusCode::OK {
            let set = answer.set_cookie.clone().expect("a session cookie");
            self.cookie = Some(set.split(';').next().expect("name=value").to_owned());
            self.csrf = Some(answer.json::<ConsoleSession>().csrf_token);
        }
        answer
    }
}

/// The organisation's first administrator, made as the CLI makes one.
pub async fn first_admin(server: &TestServer, login: &str) -> Uuid {
    touchpoint_server::admin::create_console_user(
        &server.pool,
        server.org,
        None,
        Some("Helena Reis"),
        login,
        PASSWORD,
        ConsoleRole::Admin,
    )
    .await
    .expect("the first administrator")
}

/// The main store's supervisor with a console account of their own, signed in.
pub async fn supervisor_signed_in(server: &TestServer, login: &str) -> Browser {
    touchpoint_server::admin::create_console_user(
        &server.pool,
        server.org,
        Some(server.supervisor),
        None,
        login,
        PASSWORD,
        ConsoleRole::Supervisor,
    )
    .await
    .expect("a supervisor's account");
    let mut browser = Browser::new(server);
    browser.sign_in(login, PASSWORD).await;
    browser
}
