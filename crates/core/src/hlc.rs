//! Hybrid logical clock: orders changes across devices whose wall clocks disagree.
//!
//! A stamp is `(wall ms, counter, node)`. Issuing a stamp never goes backwards, even when the
//! wall clock does; ties between devices fall to the node id. The text form
//! `0001795000000000-000000-<node>` sorts the same way as the stamps, so SQL can compare them.

use std::{cmp::Ordering, fmt, str::FromStr};

use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
    pub node: Uuid,
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.wall_ms, self.counter, self.node).cmp(&(other.wall_ms, other.counter, other.node))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:013}-{:06}-{}", self.wall_ms, self.counter, self.node.simple())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a hybrid logical clock stamp: {0:?}")]
pub struct BadHlc(String);

impl FromStr for Hlc {
    type Err = BadHlc;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadHlc(s.to_owned());
        let mut parts = s.splitn(3, '-');
        let (Some(wall), Some(counter), Some(node)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if wall.len() != 13 || counter.len() != 6 {
            return Err(bad());
        }
        Ok(Hlc {
            wall_ms: wall.parse().map_err(|_| bad())?,
            counter: counter.parse().map_err(|_| bad())?,
            node: Uuid::try_parse(node).map_err(|_| bad())?,
        })
    }
}

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
    fn text_form_sorts_like_the_stamps() {
        let node = Uuid::from_u128(7);
        let a = Hlc { wall_ms: 999, counter: 12, node };
        let b = Hlc { wall_ms: 1000, counter: 0, node };
        let c = Hlc { wall_ms: 1000, counter: 0, node: Uuid::from_u128(8) };
        assert!(a < b && b < c);
        assert!(a.to_string() < b.to_string() && b.to_string() < c.to_string());
        for h in [a, b, c] {
            assert_eq!(h.to_string().parse::<Hlc>(), Ok(h));
        }
        assert!("12-3-x".parse::<Hlc>().is_err());
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
