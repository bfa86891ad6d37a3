//! Limits every side enforces on an op's content. The desk checks each field as it is typed
//! (with the same [`crate::text`] rules and friendlier, per-field messages) and checks the op
//! again before it enters the outbox; the server checks every op it receives, so nothing out
//! of range — and no character the database cannot store — enters the shared history. Every
//! string of every op is covered: a hostile desk can put text anywhere.

use crate::relationship;
use crate::text::{self, TextRule};
use crate::{
    AmendmentRecord, AuditRecord, CustomerPatch, FeedbackRecord, FollowUpPatch, InteractionRecord, MergeRecord, OpBody,
    ReviewRecord,
};

pub const NAME_MAX: usize = text::CUSTOMER_NAME.max as usize;
pub const REASON_MAX: usize = text::REASON.max as usize;
pub const TEXT_MAX: usize = text::SUMMARY.max as usize;
/// Longer than any conversation at a desk; a bigger number is a typo.
pub const DURATION_MAX_SECS: u32 = 8 * 3600;
/// Criteria a review may score (and so the criteria a scorecard holds).
pub const SCORES_MAX: usize = 8;

/// Last writer wins, field by field: a write stamped `incoming` lands on a field only when it
/// is newer than the stamp of the write that set the field (`current`, none for a field never
/// written). HLC text sorts in time order, so the comparison is of the stamps as written. The
/// desk (`merge::claim_field`) and the server (`apply::merge`) both decide with this.
pub fn newer_wins(current: Option<&str>, incoming: &str) -> bool {
    current.is_none_or(|c| incoming > c)
}

/// Nobody reviews their own conversation: the one rule the desk (at the form) and the server
/// (on every pushed review) both apply. The refusal when `reviewer` is the person reviewed.
pub fn own_work_review(reviewer: uuid::Uuid, reviewed: uuid::Uuid) -> Option<&'static str> {
    (reviewer == reviewed).then_some("You cannot review your own conversation. Ask another supervisor.")
}

type Check = Result<(), String>;

fn field(value: &str, rule: TextRule, what: &str) -> Check {
    text::check(value, rule).map_err(|p| p.describe(what))
}

fn optional(value: &Option<String>, rule: TextRule, what: &str) -> Check {
    value.as_deref().map_or(Ok(()), |v| field(v, rule, what))
}

fn list(values: &Option<Vec<String>>, most: usize, what: &str, each: impl Fn(&str) -> Check) -> Check {
    let Some(values) = values else { return Ok(()) };
    if values.len() > most {
        return Err(format!("{what}: at most {most}."));
    }
    values.iter().try_for_each(|v| each(v))
}

/// An E.164 number as the desk writes it: `+` and 7 to 15 digits.
pub fn is_e164(phone: &str) -> bool {
    let digits = phone.strip_prefix('+').unwrap_or("");
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn customer(p: &CustomerPatch) -> Check {
    if p.name.as_ref().is_some_and(|n| n.trim().is_empty()) {
        return Err(format!("A customer's name must be 1 to {NAME_MAX} characters."));
    }
    optional(&p.name, text::CUSTOMER_NAME, "The customer's name")?;
    optional(&p.note, text::CUSTOMER_NOTE, "The note")?;
    list(&p.phones, text::CONTACTS_MAX, "Phone numbers", |x| {
        if is_e164(x) {
            Ok(())
        } else {
            Err("Phone numbers must be in E.164 form.".into())
        }
    })?;
    list(&p.emails, text::CONTACTS_MAX, "Email addresses", |x| {
        field(x, text::EMAIL, "An email address")?;
        if x.contains('@') && !x.contains(char::is_whitespace) {
            Ok(())
        } else {
            Err("An email address is not valid.".into())
        }
    })?;
    list(&p.tags, text::TAGS_MAX, "Tags", |x| field(x, text::TAG, "A tag"))?;
    optional(&p.loyalty_id, text::CUSTOMER_ID, "The loyalty id")?;
    optional(&p.external_id, text::CUSTOMER_ID, "The external id")?;
    optional(&p.language, text::LANGUAGE, "The language")?;
    bounded(&p.important_dates, relationship::DATES_MAX, "Important dates", relationship::date_problem)?;
    bounded(&p.preferences, relationship::PREFERENCES_MAX, "Preferences", relationship::preference_problem)?;
    match p.keep_in_touch.as_ref().and_then(relationship::keep_in_touch_problem) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

fn bounded<T>(values: &Option<Vec<T>>, most: usize, what: &str, each: fn(&T) -> Option<String>) -> Check {
    let Some(values) = values else { return Ok(()) };
    if values.len() > most {
        return Err(format!("{what}: at most {most}."));
    }
    values.iter().find_map(each).map_or(Ok(()), Err)
}

fn two_customers(a: uuid::Uuid, b: uuid::Uuid) -> Check {
    if a == b {
        return Err("A customer cannot be merged with, or told apart from, themselves.".into());
    }
    Ok(())
}

fn merge(m: &MergeRecord) -> Check {
    two_customers(m.merged_id, m.survivor_id)?;
    if m.fields.customer_id != m.survivor_id {
        return Err("A merge's chosen values must be for the surviving record.".into());
    }
    if m.fields.home_store_id.is_some() {
        return Err("A merge does not move the customer to another store.".into());
    }
    if m.fields.phones.is_some() || m.fields.emails.is_some() || m.fields.tags.is_some() {
        return Err("A merge keeps both records' phones, emails and tags; it does not choose between them.".into());
    }
    customer(&m.fields)
}

fn interaction(i: &InteractionRecord) -> Check {
    optional(&i.reason, text::REASON, "The reason")?;
    optional(&i.summary, text::SUMMARY, "The note")?;
    if i.duration_secs.is_some_and(|d| d > DURATION_MAX_SECS) {
        return Err("A conversation cannot last more than 8 hours.".into());
    }
    Ok(())
}

fn feedback(f: &FeedbackRecord) -> Check {
    if f.csat.is_some_and(|v| !(1..=5).contains(&v)) {
        return Err("CSAT is a score from 1 to 5.".into());
    }
    if f.nps.is_some_and(|v| v > 10) {
        return Err("NPS is a score from 0 to 10.".into());
    }
    if f.ces.is_some_and(|v| !(1..=7).contains(&v)) {
        return Err("Customer effort is a score from 1 to 7.".into());
    }
    optional(&f.verbatim, text::VERBATIM, "The customer's words")
}

fn amendment(a: &AmendmentRecord) -> Check {
    optional(&a.changes.reason, text::REASON, "The corrected reason")?;
    optional(&a.changes.summary, text::SUMMARY, "The corrected note")?;
    optional(&a.note, text::AMENDMENT_NOTE, "Why it was corrected")?;
    if a.changes.duration_secs.is_some_and(|d| d > DURATION_MAX_SECS) {
        return Err("A conversation cannot last more than 8 hours.".into());
    }
    Ok(())
}

fn follow_up(f: &FollowUpPatch) -> Check {
    if f.promise.as_ref().is_some_and(|p| p.trim().is_empty()) {
        return Err(format!("What was promised must be 1 to {} characters.", text::PROMISE.max));
    }
    optional(&f.promise, text::PROMISE, "What was promised")?;
    optional(&f.resolution, text::RESOLUTION, "The resolution")?;
    optional(&f.change_note, text::FOLLOW_UP_NOTE, "Why it was snoozed or handed over")?;
    if let Some(problem) = f.occasion.as_ref().and_then(relationship::date_problem) {
        return Err(problem);
    }
    if f.only_if_new && f.status.is_some_and(|s| s.is_closed()) {
        return Err("A reminder a desk raises on its own starts open.".into());
    }
    Ok(())
}

fn review(r: &ReviewRecord) -> Check {
    field(&r.comment, text::REVIEW_COMMENT, "The review's comment")?;
    if r.scores.len() > SCORES_MAX {
        return Err(format!("A review scores at most {SCORES_MAX} criteria."));
    }
    if r.scores.iter().any(|s| !(1..=5).contains(&s.score)) {
        return Err("A criterion is scored from 1 to 5.".into());
    }
    Ok(())
}

fn audit(a: &AuditRecord) -> Check {
    field(&a.entity, text::AUDIT_ENTITY, "An audit entry's subject")?;
    optional(&a.detail, text::AUDIT_DETAIL, "An audit entry's detail")
}

/// Why an op's content is out of bounds, or `None` when it is fine.
pub fn problem(body: &OpBody) -> Option<String> {
    let checked = match body {
        OpBody::CustomerPatch(p) => customer(p),
        OpBody::InteractionLogged(i) => interaction(i),
        OpBody::FeedbackRecorded(f) => feedback(f),
        OpBody::InteractionAmended(a) => amendment(a),
        OpBody::FollowUpPatch(f) => follow_up(f),
        OpBody::ReviewRecorded(r) => review(r),
        OpBody::AuditRecorded(a) => audit(a),
        OpBody::StoreUpsert(s) => field(&s.name, text::STORE_NAME, "A store's name")
            .and_then(|()| optional(&s.timezone, text::LANGUAGE, "A time zone")),
        OpBody::StaffUpsert(s) => field(&s.name, text::STAFF_NAME, "A staff member's name"),
        OpBody::TouchPointUpsert(t) => field(&t.name, text::TOUCH_POINT_NAME, "A touch point's name"),
        OpBody::ReviewCriterionUpsert(c) => field(&c.name, text::CRITERION_NAME, "A criterion's name"),
        OpBody::ReasonUpsert(r) => field(&r.label, text::REASON_LABEL, "A reason"),
        OpBody::CustomersMerged(m) => merge(m),
        OpBody::MergeUndone(u) => two_customers(u.merged_id, u.survivor_id),
        OpBody::NotSamePerson(n) => two_customers(n.first_id, n.second_id),
        OpBody::CustomerDeleted(_)
        | OpBody::CustomerRestored(_)
        | OpBody::CustomerErased(_)
        | OpBody::ReviewAcknowledged(_) => Ok(()),
    };
    checked.err()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::*;
    use chrono::Utc;
    use uuid::Uuid;

    #[test]
    fn the_newer_stamp_wins_a_field_and_an_equal_one_does_not_write_twice() {
        let older = "0000018f00000000-000000-0000000000000000000000000000000a";
        let newer = "0000018f00000001-000000-0000000000000000000000000000000a";
        assert!(newer_wins(None, older), "a field never written takes the first write");
        assert!(newer_wins(Some(older), newer));
        assert!(!newer_wins(Some(newer), older), "an older write loses");
        assert!(!newer_wins(Some(newer), newer), "the same write again changes nothing");
    }

    #[test]
    fn nobody_reviews_their_own_conversation() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(own_work_review(a, a).is_some_and(|why| why.contains("your own conversation")));
        assert_eq!(own_work_review(a, b), None);
    }

    fn logged(summary: &str) -> OpBody {
        OpBody::InteractionLogged(InteractionRecord {
            interaction_id: Uuid::nil(),
            customer_id: None,
            touch_point_id: Uuid::nil(),
            channel: ContactChannel::InPerson,
            reason: Some("Refund".into()),
            outcome: Outcome::Resolved,
            duration_secs: None,
            summary: Some(summary.into()),
            occurred_at: Utc::now(),
        })
    }

    #[test]
    fn a_nul_in_any_text_of_any_op_is_a_problem() {
        let nul = "ab\u{0}cd".to_owned();
        let bodies = [
            logged(&nul),
            OpBody::CustomerPatch(CustomerPatch { name: Some(nul.clone()), ..Default::default() }),
            OpBody::CustomerPatch(CustomerPatch { tags: Some(vec![nul.clone()]), ..Default::default() }),
            OpBody::CustomerPatch(CustomerPatch { loyalty_id: Some(nul.clone()), ..Default::default() }),
            OpBody::CustomerPatch(CustomerPatch { language: Some(nul.clone()), ..Default::default() }),
            OpBody::CustomerPatch(CustomerPatch { emails: Some(vec![format!("a{nul}@b.c")]), ..Default::default() }),
            OpBody::FollowUpPatch(FollowUpPatch { resolution: Some(nul.clone()), ..Default::default() }),
            OpBody::FollowUpPatch(FollowUpPatch { change_note: Some(nul.clone()), ..Default::default() }),
            OpBody::AuditRecorded(AuditRecord {
                entry_id: Uuid::nil(),
                action: AuditAction::View,
                entity: "customer".into(),
                entity_id: None,
                customer_id: None,
                detail: Some(nul.clone()),
            }),
        ];
        for body in &bodies {
            let problem = problem(body).unwrap_or_else(|| panic!("accepted {body:?}"));
            assert!(problem.contains("U+0000") || problem.contains("not valid"), "{problem}");
        }
        assert_eq!(problem(&logged("All fine.\nSecond line.")), None);
    }

    #[test]
    fn phones_are_e164_and_lists_are_bounded() {
        assert!(is_e164("+351912345678"));
        assert!(!is_e164("+35191234567a") && !is_e164("351912345678") && !is_e164("+123456"));
        let many = OpBody::CustomerPatch(CustomerPatch {
            tags: Some((0..=text::TAGS_MAX).map(|i| format!("t{i}")).collect()),
            ..Default::default()
        });
        assert!(problem(&many).is_some());
    }
}
