//! The desk's hybrid logical clock: issues stamps ([`Hlc`], defined with the wire format in
//! `touchpoint-protocol`) that order changes across devices whose wall clocks disagree.
//!
//! Issuing a stamp never goes backwards, even when the wall clock does; ties between devices
//! fall to the node id. The counter never outgrows its six digits: past them the stamp moves
//! to the next millisecond, so the text form stays canonical (and sorts like the stamps).

use chrono::{DateTime, Utc};
pub use touchpoint_protocol::hlc::{BadHlc, Hlc, COUNTER_MAX};
use uuid::Uuid;

/// Issues stamps for one node (device).
#[derive(Debug, Clone)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    /// Resumes from the last stamp this node issued (persisted by the store), so a restart
    /// with a clock that went back still issues later stamps.
    pub fn resume(node: Uuid, last: Option<Hlc>) -> Self {
        HlcClock { last: last.unwrap_or(Hlc { wall_ms: 0, counter: 0, node }) }.with_node(node)
    }

    fn with_node(mut self, node: Uuid) -> Self {
        self.last.node = node;
        self
    }

    /// A new stamp, later than every stamp issued or observed so far.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Hlc {
        let wall = now.timestamp_millis();
        self.last = if wall > self.last.wall_ms {
            Hlc { wall_ms: wall, counter: 0, node: self.last.node }
        } else if self.last.counter >= COUNTER_MAX {
            Hlc { wall_ms: self.last.wall_ms + 1, counter: 0, node: self.last.node }
        } else {
            Hlc { counter: self.last.counter + 1, ..self.last }
        };
        self.last
    }

    /// Takes a stamp seen from another node into account so the next local stamp orders
    /// after it (causality across devices).
    pub fn observe(&mut self, seen: Hlc) {
        if (seen.wall_ms, seen.counter) > (self.last.wall_ms, self.last.counter) {
            self.last.wall_ms = seen.wall_ms;
            self.last.counter = seen.counter;
        }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().expect("valid time")
    }

    #[test]
    fn a_burst_past_the_counter_s_six_digits_moves_to_the_next_millisecond() {
        let mut clock = HlcClock::resume(Uuid::from_u128(1), None);
        let first = clock.tick(t0());
        clock.last.counter = COUNTER_MAX;
        let next = clock.tick(t0());
        assert_eq!((next.wall_ms, next.counter), (first.wall_ms + 1, 0));
        assert_eq!(next.to_string().parse::<Hlc>(), Ok(next), "still canonical");
    }

    #[test]
    fn stamps_keep_increasing_when_the_wall_clock_jumps_back() {
        let mut clock = HlcClock::resume(Uuid::from_u128(1), None);
        let first = clock.tick(t0());
        let same_ms = clock.tick(t0());
        let after_jump_back = clock.tick(t0() - Duration::hours(2));
        assert!(first < same_ms && same_ms < after_jump_back);
        assert_eq!(after_jump_back.wall_ms, first.wall_ms);
        let later = clock.tick(t0() + Duration::seconds(1));
        assert!(later > after_jump_back);
        assert_eq!(later.counter, 0);
    }

    #[test]
    fn resuming_after_restart_continues_after_the_last_stamp() {
        let mut clock = HlcClock::resume(Uuid::from_u128(1), None);
        let last = clock.tick(t0());
        let mut restarted = HlcClock::resume(Uuid::from_u128(1), Some(last));
        assert!(restarted.tick(t0() - Duration::minutes(5)) > last);
    }

    #[test]
    fn observing_a_later_remote_stamp_orders_the_next_local_one_after_it() {
        let mut clock = HlcClock::resume(Uuid::from_u128(1), None);
        clock.tick(t0());
        let remote = Hlc { wall_ms: t0().timestamp_millis() + 60_000, counter: 3, node: Uuid::from_u128(2) };
        clock.observe(remote);
        assert!(clock.tick(t0()) > remote);
    }
}
