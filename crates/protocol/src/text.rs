//! The one rule for free text, on every side: which characters a field may hold and how long
//! it may be. The desk checks it at input (a field error), the server checks every op and
//! every search against it (a refused op or a 400, never a 500), and the UI receives the same
//! table through the generated bindings.
//!
//! Why characters at all: PostgreSQL cannot store U+0000 in `text` or `jsonb`, so one pasted
//! NUL used to fail a whole push (and every later erasure or search touching the row). Other
//! control characters are invisible, break CSV exports and terminals, and have no place in
//! what a person types; the bidi overrides reorder what is shown (a name that reads
//! differently from what it is). Line breaks and tabs are text in notes, not in names.

use serde::Serialize;
use specta::Type;

/// How long a field may be (in characters, as people count them) and whether it may hold
/// line breaks and tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
pub struct TextRule {
    pub max: u32,
    pub multiline: bool,
}

const fn line(max: u32) -> TextRule {
    TextRule { max, multiline: false }
}

const fn lines(max: u32) -> TextRule {
    TextRule { max, multiline: true }
}

pub const CUSTOMER_NAME: TextRule = line(120);
pub const CUSTOMER_NOTE: TextRule = lines(4000);
pub const TAG: TextRule = line(40);
/// Tags on one customer.
pub const TAGS_MAX: usize = 20;
/// Loyalty and external ids.
pub const CUSTOMER_ID: TextRule = line(64);
/// A BCP 47 language tag.
pub const LANGUAGE: TextRule = line(35);
pub const EMAIL: TextRule = line(254);
/// Phones and emails on one customer.
pub const CONTACTS_MAX: usize = 10;
pub const REASON: TextRule = line(200);
pub const SUMMARY: TextRule = lines(4000);
pub const VERBATIM: TextRule = lines(2000);
/// Why a conversation was corrected.
pub const AMENDMENT_NOTE: TextRule = lines(500);
pub const PROMISE: TextRule = lines(500);
/// Why a follow-up was snoozed or handed to someone else.
pub const FOLLOW_UP_NOTE: TextRule = line(300);
pub const RESOLUTION: TextRule = lines(2000);
pub const REVIEW_COMMENT: TextRule = lines(2000);
pub const CRITERION_NAME: TextRule = line(80);
/// A reason on the organisation's list.
pub const REASON_LABEL: TextRule = line(80);
pub const STAFF_NAME: TextRule = line(80);
pub const STORE_NAME: TextRule = line(120);
pub const TOUCH_POINT_NAME: TextRule = line(80);
pub const DEVICE_NAME: TextRule = line(80);
/// An audit entry's entity (`customer`, `follow_ups`…) and its detail.
pub const AUDIT_ENTITY: TextRule = line(40);
pub const AUDIT_DETAIL: TextRule = lines(4000);
/// What a person types into a search.
pub const SEARCH: TextRule = line(120);
/// The fewest characters a search of the organisation takes.
pub const SEARCH_MIN: usize = 2;
/// An enrollment code as typed (with dashes and spaces).
pub const ENROLLMENT_CODE: TextRule = line(32);
/// What an important date is ("Daughter's graduation").
pub const DATE_LABEL: TextRule = line(80);
/// A preference's category ("Size", "Likes") and the preference itself.
pub const PREFERENCE_CATEGORY: TextRule = line(40);
pub const PREFERENCE_VALUE: TextRule = line(120);

/// Every rule by the name the UI knows it, for the generated bindings.
pub fn all() -> Vec<(&'static str, TextRule)> {
    vec![
        ("customer_name", CUSTOMER_NAME),
        ("customer_note", CUSTOMER_NOTE),
        ("tag", TAG),
        ("customer_id", CUSTOMER_ID),
        ("language", LANGUAGE),
        ("email", EMAIL),
        ("reason", REASON),
        ("summary", SUMMARY),
        ("verbatim", VERBATIM),
        ("amendment_note", AMENDMENT_NOTE),
        ("promise", PROMISE),
        ("follow_up_note", FOLLOW_UP_NOTE),
        ("resolution", RESOLUTION),
        ("review_comment", REVIEW_COMMENT),
        ("criterion_name", CRITERION_NAME),
        ("reason_label", REASON_LABEL),
        ("staff_name", STAFF_NAME),
        ("store_name", STORE_NAME),
        ("touch_point_name", TOUCH_POINT_NAME),
        ("device_name", DEVICE_NAME),
        ("search", SEARCH),
        ("date_label", DATE_LABEL),
        ("preference_category", PREFERENCE_CATEGORY),
        ("preference_value", PREFERENCE_VALUE),
    ]
}

/// A rule as the UI receives it: the limits and, ready for `new RegExp(…, "u")`, the class
/// of characters the field may not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct UiTextRule {
    pub max: u32,
    pub multiline: bool,
    pub forbidden: String,
}

/// Every rule by name, for the generated bindings (a constant the UI checks input with).
pub fn for_ui() -> std::collections::BTreeMap<&'static str, UiTextRule> {
    all()
        .into_iter()
        .map(|(name, rule)| {
            (name, UiTextRule { max: rule.max, multiline: rule.multiline, forbidden: forbidden_class(rule) })
        })
        .collect()
}

/// Characters no field may hold, as inclusive ranges of code points: C0 controls but tab,
/// line feed and carriage return; DEL and the C1 controls; the bidi overrides; noncharacters.
pub const FORBIDDEN: &[(u32, u32)] =
    &[(0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), (0x202D, 0x202E), (0xFDD0, 0xFDEF), (0xFFFE, 0xFFFF)];

/// Characters only multi-line fields may hold: tab, line feed, carriage return and the
/// Unicode line and paragraph separators.
pub const LINE_BREAKS: &[(u32, u32)] = &[(0x09, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)];

fn within(ranges: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c))
}

/// Whether a field under `rule` may hold `c`.
pub fn allowed(c: char, rule: TextRule) -> bool {
    !within(FORBIDDEN, c) && (rule.multiline || !within(LINE_BREAKS, c))
}

/// What is wrong with a text under its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    TooLong {
        max: u32,
    },
    /// The first character it may not hold.
    Forbidden {
        code_point: u32,
    },
}

impl TextProblem {
    /// Words for a person, with `what` naming the field ("The note").
    pub fn describe(&self, what: &str) -> String {
        match self {
            TextProblem::TooLong { max } => format!("{what} can be at most {max} characters."),
            TextProblem::Forbidden { code_point: 0x09 | 0x0A | 0x0D | 0x2028 | 0x2029 } => {
                format!("{what} must be on one line (it holds a line break or a tab).")
            }
            TextProblem::Forbidden { code_point } => format!(
                "{what} holds an invisible character (U+{code_point:04X}) that cannot be saved. \
                 Delete it, or type the text instead of pasting it."
            ),
        }
    }
}

/// Checks `text` against `rule`: the characters first (they are the surprise), then length.
pub fn check(text: &str, rule: TextRule) -> Result<(), TextProblem> {
    if let Some(c) = text.chars().find(|c| !allowed(*c, rule)) {
        return Err(TextProblem::Forbidden { code_point: c as u32 });
    }
    if text.chars().count() > rule.max as usize {
        return Err(TextProblem::TooLong { max: rule.max });
    }
    Ok(())
}

/// What a person typed into a search box, made searchable: characters no field may hold
/// become spaces (a pasted tab or NUL then matches nothing rather than failing), at most
/// [`SEARCH`]`.max` characters, trimmed. The server takes only searches already in this form.
pub fn searchable(typed: &str) -> String {
    let cleaned: String =
        typed.chars().map(|c| if allowed(c, SEARCH) { c } else { ' ' }).take(SEARCH.max as usize).collect();
    cleaned.trim().to_owned()
}

/// The characters `rule` refuses as a regular-expression class body, each code point written
/// by `escape` (`\u{…}` for JavaScript with the `u` flag, `\uXXXX` for JSON Schema).
fn class(rule: TextRule, escape: fn(u32) -> String) -> String {
    let breaks: &[(u32, u32)] = if rule.multiline { &[] } else { LINE_BREAKS };
    FORBIDDEN
        .iter()
        .chain(breaks)
        .map(|&(lo, hi)| if hi > lo { format!("{}-{}", escape(lo), escape(hi)) } else { escape(lo) })
        .collect()
}

/// A JSON Schema `pattern` (ECMA 262, `\uXXXX` escapes) for a one-line text under `rule` that
/// starts and ends with something other than a space: what the server's search takes.
pub fn schema_pattern(rule: TextRule) -> String {
    let class = class(rule, |c| format!("\\u{c:04x}"));
    format!("^[^\\s{class}](?:[^{class}]*[^\\s{class}])?$")
}

/// The forbidden characters of `rule` as the body of a JavaScript regular-expression class
/// (`[^…]` of what is allowed would be longer), for the UI's check as a person types.
pub fn forbidden_class(rule: TextRule) -> String {
    class(rule, |c| format!("\\u{{{c:x}}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_or_another_control_character_is_refused_in_every_field() {
        for (_, rule) in all() {
            for bad in ["ab\u{0}cd", "\u{7}", "x\u{1b}[31m", "\u{85}", "a\u{202e}b", "\u{fffe}", "\u{fdd0}"] {
                assert!(matches!(check(bad, rule), Err(TextProblem::Forbidden { .. })), "{bad:?} under {rule:?}");
            }
        }
        assert_eq!(check("ab\u{0}cd", SUMMARY), Err(TextProblem::Forbidden { code_point: 0 }));
    }

    #[test]
    fn line_breaks_belong_in_notes_not_in_names() {
        assert_eq!(check("Ana\nCosta", CUSTOMER_NAME), Err(TextProblem::Forbidden { code_point: 0x0A }));
        assert_eq!(check("Ana\tCosta", CUSTOMER_NAME), Err(TextProblem::Forbidden { code_point: 0x09 }));
        assert!(check("First line\r\n\tsecond line", SUMMARY).is_ok());
        assert!(TextProblem::Forbidden { code_point: 0x0A }.describe("The name").contains("one line"));
    }

    #[test]
    fn people_s_own_writing_is_kept_whatever_its_script() {
        for good in ["Zoë O'Brien-Núñez", "محمد عبد الله", "李小龍", "👩🏽‍💼 VIP", "'; DROP TABLE customers; --"]
        {
            assert!(check(good, CUSTOMER_NAME).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(check(&"é".repeat(120), CUSTOMER_NAME).is_ok());
        assert_eq!(check(&"é".repeat(121), CUSTOMER_NAME), Err(TextProblem::TooLong { max: 120 }));
    }

    #[test]
    fn a_pasted_control_character_in_a_search_becomes_a_space() {
        assert_eq!(searchable("  ab\u{0}cd\t"), "ab cd");
        assert_eq!(searchable(&"a".repeat(500)).len(), SEARCH.max as usize);
        assert!(check(&searchable("x\u{1b}\u{202e}y"), SEARCH).is_ok());
    }

    #[test]
    fn the_ui_class_names_the_same_characters() {
        let class = forbidden_class(CUSTOMER_NAME);
        assert!(class.starts_with("\\u{0}-\\u{8}"));
        assert!(class.contains("\\u{a}"), "names refuse line breaks: {class}");
        assert!(!forbidden_class(SUMMARY).contains("\\u{a}"), "notes take line breaks");
    }
}
