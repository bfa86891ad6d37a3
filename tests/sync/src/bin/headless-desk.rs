//! A desk without a window, for the console's browser test: the real core (its SQLite file, its
//! sync engine and HTTP client) driven by one command per line on standard input, answering one
//! JSON line each.
//!
//!   headless-desk SERVER_URL
//!   enroll CODE NAME…    → {"ok":true,"device_id":"…"}   (then one sync round)
//!   sign-in STAFF PIN    → {"ok":true}
//!   log N                → {"ok":true,"logged":N}        (N conversations with a new customer each)
//!   sync                 → {"ok":true,"pushed":…,"pulled":…} or {"ok":false,"error":"…"}

use std::io::{BufRead, Write};

use serde_json::{json, Value};
use touchpoint_sync_tests::TestDesk;
use uuid::Uuid;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: headless-desk SERVER_URL (then commands on standard input)");
        std::process::exit(2);
    };
    let desk = TestDesk::new(&url);
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let words: Vec<&str> = line.split_whitespace().collect();
        let answer = match words.as_slice() {
            ["enroll", code, name @ ..] => enroll(&desk, &url, code, &name.join(" ")).await,
            ["sign-in", staff, pin] => match Uuid::try_parse(staff) {
                Ok(staff) => result(desk.with(|d| d.sign_in(staff, Some(pin))).map(|_| json!({}))),
                Err(e) => failure(e),
            },
            ["log", n] => match n.parse::<u32>() {
                Ok(n) => {
                    for i in 0..n {
                        let customer = desk.customer(&format!("Headless customer {}", i + 1));
                        desk.log_visit(Some(customer.id), "Asked about a return");
                    }
                    json!({"ok": true, "logged": n})
                }
                Err(e) => failure(e),
            },
            ["sync"] => match desk.try_sync().await {
                Ok(r) => json!({"ok": true, "pushed": r.pushed, "pulled": r.pulled}),
                Err(e) => failure(e),
            },
            _ => json!({"ok": false, "error": format!("unknown command: {line}")}),
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{answer}");
        let _ = out.flush();
    }
}

async fn enroll(desk: &TestDesk, url: &str, code: &str, name: &str) -> Value {
    let enrolled = touchpoint_core::sync::enroll(&desk.desk, desk.engine.transport(), url, code, name, false).await;
    if let Err(e) = enrolled {
        return failure(e);
    }
    match desk.try_sync().await {
        Ok(_) => json!({"ok": true, "device_id": desk.device_id()}),
        Err(e) => failure(e),
    }
}

fn result(r: touchpoint_core::Result<Value>) -> Value {
    match r {
        Ok(mut v) => {
            v["ok"] = true.into();
            v
        }
        Err(e) => failure(e),
    }
}

fn failure(e: impl std::fmt::Display) -> Value {
    json!({"ok": false, "error": e.to_string()})
}
