//! Limits every side enforces on an op's content (the app checks more, with friendlier
//! messages; the server checks these so nothing out of range enters the shared history).

use crate::{FeedbackRecord, InteractionRecord, OpBody};

pub const NAME_MAX: usize = 120;
pub const REASON_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;
pub const DURATION_MAX_SECS: u32 = 8 * 3600;

fn too_long(s: &Option<String>, max: usize) -> bool {
    s.as_ref().is_some_and(|s| s.chars().count() > max)
}

/// Why an op's content is out of bounds, or `None` when it is fine.
pub fn problem(body: &OpBody) -> Option<String> {
    match body {
        OpBody::CustomerPatch(p) => {
            if p.name.as_ref().is_some_and(|n| n.trim().is_empty() || n.chars().count() > NAME_MAX) {
                return Some(format!("A customer's name must be 1 to {NAME_MAX} characters."));
            }
            if too_long(&p.note, TEXT_MAX) {
                return Some("The note is too long.".into());
            }
            if p.phones.as_ref().is_some_and(|v| v.iter().any(|x| !x.starts_with('+') || x.len() > 16)) {
                return Some("Phone numbers must be in E.164 form.".into());
            }
            if p.emails.as_ref().is_some_and(|v| v.iter().any(|x| !x.contains('@') || x.len() > 254)) {
                return Some("An email address is not valid.".into());
            }
            None
        }
        OpBody::InteractionLogged(i) => interaction(i),
        OpBody::FeedbackRecorded(f) => feedback(f),
        OpBody::InteractionAmended(a) => {
            if too_long(&a.changes.reason, REASON_MAX) || too_long(&a.changes.summary, TEXT_MAX) {
                return Some("A corrected text is too long.".into());
            }
            if a.changes.duration_secs.is_some_and(|d| d > DURATION_MAX_SECS) {
                return Some("A conversation cannot last more than 8 hours.".into());
            }
            None
        }
        OpBody::FollowUpPatch(f) => {
            if f.promise.as_ref().is_some_and(|p| p.trim().is_empty() || p.chars().count() > 500) {
                return Some("What was promised must be 1 to 500 characters.".into());
            }
            if too_long(&f.resolution, 2000) {
                return Some("The resolution is too long.".into());
            }
            None
        }
        _ => None,
    }
}

fn interaction(i: &InteractionRecord) -> Option<String> {
    if too_long(&i.reason, REASON_MAX) {
        return Some(format!("The reason can be at most {REASON_MAX} characters."));
    }
    if too_long(&i.summary, TEXT_MAX) {
        return Some(format!("The note can be at most {TEXT_MAX} characters."));
    }
    if i.duration_secs.is_some_and(|d| d > DURATION_MAX_SECS) {
        return Some("A conversation cannot last more than 8 hours.".into());
    }
    None
}

fn feedback(f: &FeedbackRecord) -> Option<String> {
    if f.csat.is_some_and(|v| !(1..=5).contains(&v)) {
        return Some("CSAT is a score from 1 to 5.".into());
    }
    if f.nps.is_some_and(|v| v > 10) {
        return Some("NPS is a score from 0 to 10.".into());
    }
    if f.ces.is_some_and(|v| !(1..=7).contains(&v)) {
        return Some("Customer effort is a score from 1 to 7.".into());
    }
    if too_long(&f.verbatim, 2000) {
        return Some("The customer's words are too long.".into());
    }
    None
}
