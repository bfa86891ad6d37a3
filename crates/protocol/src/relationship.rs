//! What a desk knows to keep a relationship warm: important dates, preferences, how the
//! customer agreed (or refused) to be contacted on each channel, and who keeps in touch with
//! them and how often. Each travels as a field of a customer patch (last writer wins, field by
//! field); the rules here are checked on the desk and again on the server.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::text::{self, TextRule};

fn check(value: &str, rule: TextRule, what: &str) -> Option<String> {
    text::check(value, rule).err().map(|p| p.describe(what))
}

/// What kind of date it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DateKind {
    Birthday,
    /// An anniversary the customer gave (a wedding, a business's founding).
    Anniversary,
    /// Any other date the customer mentioned; `label` says what it is.
    Other,
}

/// A date that comes back every year. The year is optional (a birthday without the age).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportantDate {
    pub kind: DateKind,
    /// What the date is ("Daughter's graduation"); needed for `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 12))]
    pub month: u8,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 31))]
    pub day: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub year: Option<u16>,
}

impl ImportantDate {
    /// The date's next occurrence on or after `today` (29 February falls on 28 February in
    /// years without it).
    pub fn next_on_or_after(&self, today: NaiveDate) -> Option<NaiveDate> {
        use chrono::Datelike;
        for year in [today.year(), today.year() + 1] {
            let date = NaiveDate::from_ymd_opt(year, self.month.into(), self.day.into()).or_else(|| {
                (self.month == 2 && self.day == 29).then(|| NaiveDate::from_ymd_opt(year, 2, 28)).flatten()
            });
            if let Some(d) = date.filter(|d| *d >= today) {
                return Some(d);
            }
        }
        None
    }
}

/// A preference in a category of the desk's choosing ("Size: M", "Likes: espresso").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preference {
    pub category: String,
    pub value: String,
}

/// A way of reaching the customer that they can allow or refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactRoute {
    Phone,
    Email,
    Sms,
}

impl ContactRoute {
    pub const ALL: [ContactRoute; 3] = [ContactRoute::Phone, ContactRoute::Email, ContactRoute::Sms];
}

/// How a customer's answer about being contacted was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentSource {
    /// Said at the desk, to the person recording it.
    InPerson,
    OnThePhone,
    ByEmail,
    /// A signed form.
    Written,
    /// Came with an imported file.
    Imported,
}

/// The customer's answer about one channel: allowed or refused, when, and how it was given.
/// No answer recorded means "not asked": service contact about a promise they asked for is
/// allowed, marketing is not (that is `Consent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelConsent {
    pub allowed: bool,
    pub at: DateTime<Utc>,
    pub how: ConsentSource,
}

/// Who keeps in touch with the customer, and how often. The keeper receives the stay-in-touch
/// follow-ups (when `every_days` pass without a conversation) and, with `remind_dates`, a
/// reminder of each important date. `keeper_staff_id: None` turns both off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeepInTouch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keeper_staff_id: Option<Uuid>,
    /// 0: no cadence (dates only); otherwise 7 to 365 days.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub every_days: u16,
    #[serde(default)]
    pub remind_dates: bool,
}

/// Why a follow-up exists. A follow-up without a kind is a recovery (older desks made only
/// those).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    /// Put right what went wrong (an unhappy visit, a detractor, "follow-up needed").
    #[default]
    Recovery,
    /// An after-visit check-in chosen when the conversation was logged.
    CheckIn,
    /// The keeper's cadence came round without a conversation.
    StayInTouch,
    /// An important date is coming.
    ImportantDate,
}

/// How a follow-up reaches the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FollowUpRoute {
    Phone,
    Email,
    Sms,
    /// Kept for when they next come in (nobody contacts them).
    NextVisit,
}

impl FollowUpRoute {
    /// The channel the customer would have to allow, if any.
    pub fn contact(self) -> Option<ContactRoute> {
        match self {
            FollowUpRoute::Phone => Some(ContactRoute::Phone),
            FollowUpRoute::Email => Some(ContactRoute::Email),
            FollowUpRoute::Sms => Some(ContactRoute::Sms),
            FollowUpRoute::NextVisit => None,
        }
    }
}

/// Bounds of the relationship fields.
pub const DATES_MAX: usize = 10;
pub const PREFERENCES_MAX: usize = 30;
pub const CADENCE_MIN_DAYS: u16 = 7;
pub const CADENCE_MAX_DAYS: u16 = 365;

/// Why an important date is out of bounds.
pub fn date_problem(d: &ImportantDate) -> Option<String> {
    if !(1..=12).contains(&d.month) {
        return Some("A date's month is 1 to 12.".into());
    }
    // 2000 is a leap year: 29 February is a valid day of the year.
    if NaiveDate::from_ymd_opt(i32::from(d.year.unwrap_or(2000)), d.month.into(), d.day.into()).is_none() {
        return Some(match d.year {
            Some(y) => format!("{y}-{:02}-{:02} is not a date.", d.month, d.day),
            None => format!("Day {} does not exist in month {}.", d.day, d.month),
        });
    }
    if d.year.is_some_and(|y| !(1900..=2100).contains(&y)) {
        return Some("A date's year is between 1900 and 2100.".into());
    }
    if d.kind == DateKind::Other && d.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
        return Some("Say what the date is.".into());
    }
    match &d.label {
        Some(l) => check(l, text::DATE_LABEL, "What the date is"),
        None => None,
    }
}

/// Why a preference is out of bounds.
pub fn preference_problem(p: &Preference) -> Option<String> {
    if p.category.trim().is_empty() || p.value.trim().is_empty() {
        return Some("A preference needs a category and a value.".into());
    }
    check(&p.category, text::PREFERENCE_CATEGORY, "A preference's category")
        .or_else(|| check(&p.value, text::PREFERENCE_VALUE, "A preference"))
}

/// Why a keep-in-touch setting is out of bounds.
pub fn keep_in_touch_problem(k: &KeepInTouch) -> Option<String> {
    if k.every_days != 0 && !(CADENCE_MIN_DAYS..=CADENCE_MAX_DAYS).contains(&k.every_days) {
        return Some(format!(
            "Stay in touch every {CADENCE_MIN_DAYS} to {CADENCE_MAX_DAYS} days (or not on a schedule)."
        ));
    }
    if k.keeper_staff_id.is_none() && (k.every_days != 0 || k.remind_dates) {
        return Some("Choose who keeps in touch.".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(month: u8, day: u8, year: Option<u16>) -> ImportantDate {
        ImportantDate { kind: DateKind::Birthday, label: None, month, day, year }
    }

    #[test]
    fn a_date_comes_round_this_year_or_next_and_29_february_falls_on_the_28th() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(date(12, 5, None).next_on_or_after(today), NaiveDate::from_ymd_opt(2026, 12, 5));
        assert_eq!(date(12, 4, None).next_on_or_after(today), NaiveDate::from_ymd_opt(2027, 12, 4));
        assert_eq!(date(2, 29, Some(1996)).next_on_or_after(today), NaiveDate::from_ymd_opt(2027, 2, 28));
        let leap = NaiveDate::from_ymd_opt(2028, 1, 1).unwrap();
        assert_eq!(date(2, 29, None).next_on_or_after(leap), NaiveDate::from_ymd_opt(2028, 2, 29));
    }

    #[test]
    fn impossible_dates_and_unnamed_other_dates_are_refused() {
        assert!(date_problem(&date(2, 30, None)).is_some_and(|p| p.contains("Day 30")));
        assert!(date_problem(&date(2, 29, Some(2023))).is_some_and(|p| p.contains("not a date")));
        assert!(date_problem(&date(13, 1, None)).is_some());
        assert_eq!(date_problem(&date(2, 29, None)), None);
        let other = ImportantDate { kind: DateKind::Other, ..date(6, 1, None) };
        assert!(date_problem(&other).is_some_and(|p| p.contains("Say what")));
    }

    #[test]
    fn a_cadence_is_a_week_to_a_year_and_needs_a_keeper() {
        let me = Some(Uuid::nil());
        assert_eq!(
            keep_in_touch_problem(&KeepInTouch { keeper_staff_id: me, every_days: 90, remind_dates: true }),
            None
        );
        assert!(
            keep_in_touch_problem(&KeepInTouch { keeper_staff_id: me, every_days: 3, remind_dates: false }).is_some()
        );
        assert!(keep_in_touch_problem(&KeepInTouch { keeper_staff_id: None, every_days: 90, remind_dates: false })
            .is_some_and(|p| p.contains("who keeps")));
        assert_eq!(keep_in_touch_problem(&KeepInTouch::default()), None);
    }
}
