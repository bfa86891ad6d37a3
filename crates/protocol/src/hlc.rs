//! Hybrid logical clock stamps: how every side orders changes across devices whose wall
//! clocks disagree.
//!
//! A stamp is `(wall ms, counter, node)`. On the wire it is one canonical text,
//! `<wall ms, 13 digits>-<counter, 6 digits>-<node, 32 lower-case hex digits>`, which sorts the
//! same way as the stamps, so SQL on either side may compare the text. That only holds for the
//! canonical form, so a stamp is parsed (and refused) where it enters — a desk's op at the
//! server, a pulled change at the desk — and never compared as a string it was not written as.

use std::{cmp::Ordering, fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

/// The largest counter the text form holds (six digits).
pub const COUNTER_MAX: u32 = 999_999;
/// The largest wall time the text form holds (thirteen digits: the year 2286).
pub const WALL_MAX: i64 = 9_999_999_999_999;
/// The length of the canonical text.
pub const TEXT_LEN: usize = 13 + 1 + 6 + 1 + 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
    pub node: Uuid,
}

impl Hlc {
    /// The stamp of a change made by the server itself (catalogue changes).
    pub fn server(wall_ms: i64) -> Self {
        Hlc { wall_ms: wall_ms.clamp(0, WALL_MAX), counter: 0, node: Uuid::nil() }
    }
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

/// A text that is not a canonical stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadHlc(String);

impl fmt::Display for BadHlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text may be long or hostile: show only its start.
        let shown: String = self.0.chars().take(60).collect();
        write!(f, "not a clock stamp of the form 1795000000000-000000-<32 hex digits>: {shown:?}")
    }
}

impl std::error::Error for BadHlc {}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

impl FromStr for Hlc {
    type Err = BadHlc;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadHlc(s.to_owned());
        // ASCII first: the splits below are by byte, and a multi-byte character across one of
        // them would panic (a hostile push found by the fuzzer).
        if s.len() != TEXT_LEN || !s.is_ascii() {
            return Err(bad());
        }
        let (wall, rest) = s.split_at(13);
        let (sep1, rest) = rest.split_at(1);
        let (counter, rest) = rest.split_at(6);
        let (sep2, node) = rest.split_at(1);
        let node_ok = node.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !digits(wall, 13) || !digits(counter, 6) || sep1 != "-" || sep2 != "-" || !node_ok {
            return Err(bad());
        }
        Ok(Hlc {
            wall_ms: wall.parse().map_err(|_| bad())?,
            counter: counter.parse().map_err(|_| bad())?,
            node: Uuid::try_parse(node).map_err(|_| bad())?,
        })
    }
}

impl Serialize for Hlc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_sorts_like_the_stamps_and_parses_back() {
        let node = Uuid::from_u128(7);
        let a = Hlc { wall_ms: 999, counter: 12, node };
        let b = Hlc { wall_ms: 1000, counter: 0, node };
        let c = Hlc { wall_ms: 1000, counter: 0, node: Uuid::from_u128(8) };
        assert!(a < b && b < c);
        assert!(a.to_string() < b.to_string() && b.to_string() < c.to_string());
        for h in [a, b, c] {
            assert_eq!(h.to_string().len(), TEXT_LEN);
            assert_eq!(h.to_string().parse::<Hlc>(), Ok(h));
        }
    }

    #[test]
    fn only_the_canonical_text_is_a_stamp() {
        let good = "1795000000000-000000-00000000000000000000000000000002";
        assert!(good.parse::<Hlc>().is_ok());
        for bad in [
            "12-3-x",
            // Unpadded wall time: as text it would sort after every later stamp.
            "999999999999-000000-00000000000000000000000000000002",
            "+795000000000-000000-00000000000000000000000000000002",
            "1795000000000-00000a-00000000000000000000000000000002",
            "1795000000000-000000-00000000-0000-0000-0000-000000000002",
            "1795000000000-000000-0000000000000000000000000000000G",
            "1795000000000-000000-0000000000000000000000000000000A",
            "1795000000000_000000-00000000000000000000000000000002",
        ] {
            assert!(bad.parse::<Hlc>().is_err(), "{bad} was taken as a stamp");
        }
        // The right length in bytes with a multi-byte character across a split: refused, never
        // a panic (the fuzzer's find: a hostile push would have taken the handler down).
        for bad in [
            "179500Abcdh\u{202e}00\u{1}\u{0}\u{0}0=00000000000000000000000000000000",
            "179500000000\u{e9}000000-00000000000000000000000000000002",
            "1795000000000-00000\u{e9}-0000000000000000000000000000002",
        ] {
            assert_eq!(bad.len(), TEXT_LEN, "{bad:?} is not the length that reaches the splits");
            assert!(bad.parse::<Hlc>().is_err(), "{bad:?} was taken as a stamp");
        }
        let long = format!("{good}{}", "x".repeat(5000));
        let refused = long.parse::<Hlc>().expect_err("a 5,000-character suffix is not a stamp");
        assert!(refused.to_string().len() < 200, "the error repeats the whole text");
    }

    #[test]
    fn a_stamp_travels_as_its_text() {
        let h = Hlc { wall_ms: 1_795_000_000_000, counter: 3, node: Uuid::from_u128(2) };
        let json = serde_json::to_string(&h).expect("serialises");
        assert_eq!(json, "\"1795000000000-000003-00000000000000000000000000000002\"");
        assert_eq!(serde_json::from_str::<Hlc>(&json).expect("parses"), h);
        assert!(serde_json::from_str::<Hlc>("\"999999999999-000000-00000000000000000000000000000002\"").is_err());
    }
}
