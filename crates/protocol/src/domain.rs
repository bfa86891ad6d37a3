//! Small closed vocabularies that both the app and the server must agree on.

use serde::{Deserialize, Serialize};
use specta::Type;

/// How the staff member read the customer's mood: a five-step scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Feeling {
    VeryUnhappy,
    Unhappy,
    Neutral,
    Happy,
    VeryHappy,
}

impl Feeling {
    pub const ALL: [Feeling; 5] =
        [Feeling::VeryUnhappy, Feeling::Unhappy, Feeling::Neutral, Feeling::Happy, Feeling::VeryHappy];

    /// 1 (very unhappy) to 5 (very happy), for averages and trends.
    pub fn score(self) -> u8 {
        match self {
            Feeling::VeryUnhappy => 1,
            Feeling::Unhappy => 2,
            Feeling::Neutral => 3,
            Feeling::Happy => 4,
            Feeling::VeryHappy => 5,
        }
    }

    pub fn is_unhappy(self) -> bool {
        self.score() <= 2
    }
}

/// How the conversation happened. Named `ContactChannel` because `Channel` clashes with the
/// tauri-specta runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    InPerson,
    Phone,
    Email,
    Chat,
    Video,
    Social,
}

impl ContactChannel {
    pub const ALL: [ContactChannel; 6] = [
        ContactChannel::InPerson,
        ContactChannel::Phone,
        ContactChannel::Email,
        ContactChannel::Chat,
        ContactChannel::Video,
        ContactChannel::Social,
    ];
}

/// What a supervisor's review of a conversation says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// Well done: worth telling the person.
    Praise,
    /// Something to do differently next time.
    Coaching,
    /// A rule was broken (privacy, refunds policy…): must be looked at.
    Compliance,
}

impl ReviewKind {
    pub const ALL: [ReviewKind; 3] = [ReviewKind::Praise, ReviewKind::Coaching, ReviewKind::Compliance];
}

/// What an audit entry records someone doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    View,
    Change,
    Export,
    Erase,
    Import,
    /// Sign-in paused after wrong PINs (the entry names the person).
    SignInLocked,
    /// Two customer records merged into one (the detail names the values chosen).
    Merge,
    /// A merge undone.
    Unmerge,
}

/// The touch points a new organisation starts with on the server, and a desk on its own
/// seeds: the same names, so a desk used before enrolling maps its history onto the
/// server's when it connects.
pub const DEFAULT_TOUCH_POINTS: &[(&str, ContactChannel)] = &[
    ("Service desk", ContactChannel::InPerson),
    ("Checkout", ContactChannel::InPerson),
    ("Returns desk", ContactChannel::InPerson),
    ("Showroom", ContactChannel::InPerson),
    ("Click & collect", ContactChannel::InPerson),
    ("Delivery", ContactChannel::InPerson),
    ("Phone support", ContactChannel::Phone),
    ("Email support", ContactChannel::Email),
    ("Live chat", ContactChannel::Chat),
];

/// The reasons for contact a new organisation (and a desk before it enrolls) starts with.
pub const DEFAULT_REASONS: &[&str] = &[
    "Product question",
    "Refund",
    "Exchange",
    "Complaint",
    "Order status",
    "Delivery problem",
    "Repair or warranty",
    "Loyalty account",
    "Price query",
    "Compliment",
];

/// How the conversation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Resolved,
    Escalated,
    FollowUpNeeded,
    Unresolved,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [Outcome::Resolved, Outcome::Escalated, Outcome::FollowUpNeeded, Outcome::Unresolved];
}

/// Where a follow-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStatus {
    Open,
    InProgress,
    Done,
    CouldNotReach,
}

impl FollowUpStatus {
    pub const ALL: [FollowUpStatus; 4] =
        [FollowUpStatus::Open, FollowUpStatus::InProgress, FollowUpStatus::Done, FollowUpStatus::CouldNotReach];

    pub fn is_closed(self) -> bool {
        matches!(self, FollowUpStatus::Done | FollowUpStatus::CouldNotReach)
    }
}

/// What a staff member may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    Frontline,
    Supervisor,
    Admin,
}

/// One table per vocabulary gives its stable snake_case name (wire and database) both ways.
macro_rules! names {
    ($ty:ty { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            /// The stable snake_case name used on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self { $(<$ty>::$variant => $name),* }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(<$ty>::$variant),)*
                    _ => Err(format!("unknown {}: {s:?}", stringify!($ty))),
                }
            }
        }
    };
}

names!(Feeling {
    VeryUnhappy => "very_unhappy",
    Unhappy => "unhappy",
    Neutral => "neutral",
    Happy => "happy",
    VeryHappy => "very_happy",
});
names!(ContactChannel {
    InPerson => "in_person",
    Phone => "phone",
    Email => "email",
    Chat => "chat",
    Video => "video",
    Social => "social",
});
names!(Outcome {
    Resolved => "resolved",
    Escalated => "escalated",
    FollowUpNeeded => "follow_up_needed",
    Unresolved => "unresolved",
});
names!(FollowUpStatus {
    Open => "open",
    InProgress => "in_progress",
    Done => "done",
    CouldNotReach => "could_not_reach",
});
names!(ReviewKind {
    Praise => "praise",
    Coaching => "coaching",
    Compliance => "compliance",
});
names!(AuditAction {
    View => "view",
    Change => "change",
    Export => "export",
    Erase => "erase",
    Import => "import",
    SignInLocked => "sign_in_locked",
    Merge => "merge",
    Unmerge => "unmerge",
});
names!(Role {
    Frontline => "frontline",
    Supervisor => "supervisor",
    Admin => "admin",
});

use crate::relationship::{FollowUpKind, FollowUpRoute};

names!(FollowUpKind {
    Recovery => "recovery",
    CheckIn => "check_in",
    StayInTouch => "stay_in_touch",
    ImportantDate => "important_date",
});

names!(FollowUpRoute {
    Phone => "phone",
    Email => "email",
    Sms => "sms",
    NextVisit => "next_visit",
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The database and the wire must spell every variant the same way serde does.
    #[test]
    fn names_match_serde_and_round_trip() {
        fn check<T>(all: &[T])
        where
            T: Copy + Serialize + std::str::FromStr + PartialEq + std::fmt::Debug,
            T: NameOf,
        {
            for v in all {
                let json = serde_json::to_value(v).expect("serialises");
                assert_eq!(json, serde_json::Value::String(v.name().to_owned()));
                assert_eq!(v.name().parse::<T>().ok(), Some(*v));
            }
        }
        trait NameOf {
            fn name(&self) -> &'static str;
        }
        impl NameOf for Feeling {
            fn name(&self) -> &'static str {
                self.as_str()
            }
        }
        impl NameOf for ContactChannel {
            fn name(&self) -> &'static str {
                self.as_str()
            }
        }
        impl NameOf for Outcome {
            fn name(&self) -> &'static str {
                self.as_str()
            }
        }
        impl NameOf for FollowUpStatus {
            fn name(&self) -> &'static str {
                self.as_str()
            }
        }
        impl NameOf for FollowUpKind {
            fn name(&self) -> &'static str {
                self.as_str()
            }
        }
        impl NameOf for FollowUpRoute {
            fn name(&self) -> &'static str {
                self.as_str()
            }
        }
        impl NameOf for Role {
            fn name(&self) -> &'static str {
                self.as_str()
            }
        }
        check(&Feeling::ALL);
        check(&ContactChannel::ALL);
        check(&Outcome::ALL);
        check(&[Role::Frontline, Role::Supervisor, Role::Admin]);
        check(&FollowUpStatus::ALL);
        check(&[FollowUpKind::Recovery, FollowUpKind::CheckIn, FollowUpKind::StayInTouch, FollowUpKind::ImportantDate]);
        check(&[FollowUpRoute::Phone, FollowUpRoute::Email, FollowUpRoute::Sms, FollowUpRoute::NextVisit]);
        assert!("cheerful".parse::<Feeling>().is_err());
    }
}
