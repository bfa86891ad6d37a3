//! Whatever bytes a desk sends as a push: reading them never panics, and an op the shared rules
//! accept holds no text the database cannot store (the NUL that once failed whole pushes) and a
//! stamp in its one canonical form.

#![no_main]

use libfuzzer_sys::fuzz_target;
use touchpoint_protocol::{rules, text, Hlc, PushRequest};

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        // Stamps: only the canonical text parses, and it prints back the same.
        if let Ok(h) = s.parse::<Hlc>() {
            assert_eq!(h.to_string(), s);
        }
        // Text: what the rule accepts has no forbidden character; what a search makes of any
        // input is accepted by the search's rule.
        if text::check(s, text::SUMMARY).is_ok() {
            assert!(!s.contains('\u{0}'));
        }
        assert!(text::check(&text::searchable(s), text::SEARCH).is_ok());
    }
    let Ok(push) = serde_json::from_slice::<PushRequest>(data) else { return };
    for op in &push.ops {
        assert_eq!(op.hlc.to_string().parse::<Hlc>().ok(), Some(op.hlc));
        if rules::problem(&op.body).is_none() {
            let json = serde_json::to_string(op).expect("an op read from JSON writes back");
            assert!(!json.contains("\\u0000"), "an accepted op holds a NUL: {json}");
        }
    }
});
