//! A desk without a window, for the console's browser test: the real core (its SQLite file, its
//! sync engine and HTTP client) driven by one command per line on standard input, answering one
//! JSON line each.
//!
//!   headless-desk SERVER_URL
//!   enroll CODE NAME…    → {"ok":true,"device_id":"…"}   (then one sync round)
//!   sign-in STAFF PIN    → {"ok":true}
//!   log N                → {"ok":true,"logged":N}        (N conversations with a new customer each,
//!                                                          happy with NPS 9 and unhappy with NPS 4 in turn)
//!   view QUERY…          → {"ok":true,"customer_id":…}   (opens the first customer a search finds)
//!   lists                → {"ok":true,"touch_points":[…],"reasons":[…]}  (what the log form offers)
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
                    let logged = (0..n).try_for_each(|i| {
                        let customer = desk.customer(&format!("Headless customer {}", i + 1));
                        log_with_feedback(&desk, customer.id, i % 2 == 0)
                    });
                    match logged {
                        Ok(()) => json!({"ok": true, "logged": n}),
                        Err(e) => failure(e),
                    }
                }
                Err(e) => failure(e),
            },
            // Opens the customer a search finds first, as someone at the desk would (audited).
            ["view", query @ ..] => result(desk.with(|d| {
                let hit = d.search_customers(&query.join(" "), 1)?.into_iter().next();
                match hit {
                    Some(h) => d.open_customer(h.customer.id).map(|_| json!({"customer_id": h.customer.id})),
                    None => Ok(json!({"customer_id": null})),
                }
            })),
            // What the log form offers: the touch points and the suggested reasons, in order.
            ["lists"] => result(desk.with(|d| {
                let touch_points: Vec<String> = d.touch_points()?.into_iter().map(|t| t.name).collect();
                let reasons: Vec<String> = d.reasons()?.into_iter().map(|r| r.label).collect();
                Ok(json!({"touch_points": touch_points, "reasons": reasons}))
            })),
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

/// A conversation at the desk's first touch point, with how the customer felt and their NPS.
fn log_with_feedback(desk: &TestDesk, customer: Uuid, happy: bool) -> touchpoint_core::Result<()> {
    use touchpoint_core::interactions::LogInteraction;
    use touchpoint_core::protocol::{ContactChannel, Feeling, Outcome};
    desk.with(|d| {
        let touch_point_id = d.touch_points()?[0].id;
        d.log_interaction(&LogInteraction {
            submission_id: Uuid::now_v7(),
            customer_id: Some(customer),
            touch_point_id,
            channel: ContactChannel::InPerson,
            reason: Some("Returns".into()),
            outcome: if happy { Outcome::Resolved } else { Outcome::FollowUpNeeded },
            duration_secs: Some(120),
            summary: Some("Asked about a return".into()),
            occurred_at: None,
            feeling: Some(if happy { Feeling::Happy } else { Feeling::Unhappy }),
            csat: None,
            nps: Some(if happy { 9 } else { 4 }),
            ces: None,
            verbatim: None,
            check_in: None,
        })
        .map(|_| ())
    })
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
