//! Small builders for core tests: a desk on a temp database with a clock the test controls.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use tempfile::TempDir;
use touchpoint_core::clock::FakeClock;
use touchpoint_core::customers::{Customer, NewCustomer};
use touchpoint_core::interactions::{LogInteraction, LoggedInteraction};
use touchpoint_core::protocol::{ContactChannel, Feeling, Outcome};
use touchpoint_core::{Desk, DeskOptions};
use uuid::Uuid;

pub struct TestDesk {
    pub desk: Desk,
    pub clock: FakeClock,
    pub dir: TempDir,
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().expect("valid time")
}

impl TestDesk {
    /// A fresh desk in the UK (so `07911 123456` is a valid local number).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = FakeClock::at(t0());
        let desk = Desk::open(
            &dir.path().join("touchpoint.sqlite3"),
            &DeskOptions { region: Some("GB".into()) },
            Arc::new(clock.clone()),
        )
        .expect("desk opens");
        TestDesk { desk, clock, dir }
    }

    pub fn reopen(self) -> Self {
        let TestDesk { desk, clock, dir } = self;
        drop(desk);
        let desk = Desk::open(&dir.path().join("touchpoint.sqlite3"), &DeskOptions::default(), Arc::new(clock.clone()))
            .expect("desk reopens");
        TestDesk { desk, clock, dir }
    }

    pub fn customer(&mut self, name: &str) -> Customer {
        self.desk.create_customer(&NewCustomer { name: name.into(), ..Default::default() }).expect("customer created")
    }

    pub fn customer_with(&mut self, name: &str, phone: &str, email: &str) -> Customer {
        self.desk
            .create_customer(&NewCustomer {
                name: name.into(),
                phone: phone.into(),
                email: email.into(),
                allow_duplicate: false,
            })
            .expect("customer created")
    }

    pub fn touch_point(&self, name: &str) -> Uuid {
        self.desk
            .touch_points()
            .expect("catalogue")
            .into_iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no touch point {name}"))
            .id
    }

    pub fn log(&mut self, entry: LogInteraction) -> LoggedInteraction {
        self.desk.log_interaction(&entry).expect("interaction logged")
    }

    pub fn count(&self, table: &str) -> i64 {
        self.desk.connection().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
    }
}

/// A minimal log at the service desk: resolved, in person, a note, no reason, no feedback.
pub fn visit(desk: &TestDesk, customer: Option<Uuid>) -> LogInteraction {
    LogInteraction {
        submission_id: uuid::Uuid::now_v7(),
        customer_id: customer,
        touch_point_id: desk.touch_point("Service desk"),
        channel: ContactChannel::InPerson,
        reason: None,
        outcome: Outcome::Resolved,
        duration_secs: None,
        summary: Some("Came to the desk.".into()),
        feeling: None,
        csat: None,
        nps: None,
        ces: None,
        verbatim: None,
        occurred_at: None,
        check_in: None,
    }
}

pub trait LogExt {
    fn felt(self, f: Feeling) -> Self;
    fn csat(self, v: u8) -> Self;
    fn reason(self, r: &str) -> Self;
    fn at(self, t: DateTime<Utc>) -> Self;
    fn nps(self, v: u8) -> Self;
    fn outcome(self, o: Outcome) -> Self;
}

impl LogExt for LogInteraction {
    fn felt(mut self, f: Feeling) -> Self {
        self.feeling = Some(f);
        self
    }
    fn csat(mut self, v: u8) -> Self {
        self.csat = Some(v);
        self
    }
    fn reason(mut self, r: &str) -> Self {
        self.reason = Some(r.into());
        self
    }
    fn at(mut self, t: DateTime<Utc>) -> Self {
        self.occurred_at = Some(t);
        self
    }
    fn nps(mut self, v: u8) -> Self {
        self.nps = Some(v);
        self
    }
    fn outcome(mut self, o: Outcome) -> Self {
        self.outcome = o;
        self
    }
}
