//! Reading phone numbers and email addresses the way people type them.

use email_address::{EmailAddress, Options};
use phonenumber::{country, Mode, PhoneNumber};
use serde::Serialize;
use specta::Type;

/// A stored phone number and how to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Phone {
    /// `+447911123456`
    pub e164: String,
    /// `+44 7911 123456`
    pub display: String,
}

/// The region phone numbers without a country code are read in (ISO 3166 alpha-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region(country::Id);

impl Region {
    pub fn parse(code: &str) -> Option<Region> {
        code.trim().to_ascii_uppercase().parse::<country::Id>().ok().map(Region)
    }

    /// The ISO code (the phone library names its regions by it).
    pub fn code(self) -> String {
        self.0.as_ref().to_owned()
    }
}

impl Default for Region {
    fn default() -> Self {
        Region(country::Id::US)
    }
}

/// Why a typed phone number was refused, in words for the person at the desk.
pub fn parse_phone(input: &str, region: Region) -> Result<PhoneNumber, String> {
    let digits = input.chars().filter(char::is_ascii_digit).count();
    if digits == 0 {
        return Err("A phone number needs digits.".into());
    }
    if input.chars().any(|c| c.is_alphabetic()) && !input.to_ascii_lowercase().contains("ext") {
        return Err("A phone number can only hold digits, spaces, +, - and brackets.".into());
    }
    let number = phonenumber::parse(Some(region.0), input).map_err(|e| match e {
        phonenumber::ParseError::InvalidCountryCode => {
            "That country code does not exist. Check the digits after the +.".to_string()
        }
        phonenumber::ParseError::TooShortNsn | phonenumber::ParseError::TooShortAfterIdd => {
            "This number is too short to be a phone number.".to_string()
        }
        phonenumber::ParseError::TooLong => "This number is too long to be a phone number.".to_string(),
        _ => "This does not look like a phone number.".to_string(),
    })?;
    if !number.is_valid() {
        return Err("No phone number looks like this. Check the digits, or start with + and the country code.".into());
    }
    Ok(number)
}

pub fn e164(number: &PhoneNumber) -> String {
    number.format().mode(Mode::E164).to_string()
}

/// Shows a stored E.164 number for people: international format, spaces in the usual places.
pub fn display_phone(e164: &str) -> Phone {
    let display = phonenumber::parse(None, e164)
        .map(|n| n.format().mode(Mode::International).to_string())
        .unwrap_or_else(|_| e164.to_owned());
    Phone { e164: e164.to_owned(), display }
}

/// The digit strings a person might type to find this number: the full international digits
/// and the national form with its trunk prefix (`07911 123456` in the UK).
pub fn searchable_digits(e164: &str) -> String {
    let full: String = e164.chars().filter(char::is_ascii_digit).collect();
    match phonenumber::parse(None, e164) {
        Ok(n) => {
            let national: String =
                n.format().mode(Mode::National).to_string().chars().filter(char::is_ascii_digit).collect();
            if full.contains(&national) {
                full
            } else {
                format!("{full} {national}")
            }
        }
        Err(_) => full,
    }
}

/// Checks an email address and returns it in the form it is stored and matched in (lower case).
pub fn parse_email(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    touchpoint_protocol::text::check(trimmed, touchpoint_protocol::text::EMAIL)
        .map_err(|p| p.describe("An email address"))?;
    if !trimmed.contains('@') {
        return Err("An email address needs an @, like name@example.com.".into());
    }
    let options = Options::default().with_required_tld().without_display_text().without_domain_literal();
    EmailAddress::parse_with_options(trimmed, options)
        .map(|e| e.as_str().to_lowercase())
        .map_err(|_| "This is not a valid email address. Use the form name@example.com.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb() -> Region {
        Region::parse("gb").expect("GB is a region")
    }

    #[test]
    fn phone_typed_in_any_format_normalises_to_e164() {
        for typed in ["07911 123456", "+44 7911 123456", "(07911)-123-456", "0044 7911 123456"] {
            let n = parse_phone(typed, gb()).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(e164(&n), "+447911123456", "typed {typed:?}");
        }
        let pt = parse_phone("+351 912 345 678", gb()).expect("Portuguese mobile");
        assert_eq!(e164(&pt), "+351912345678");
    }

    #[test]
    fn impossible_phone_numbers_are_refused_with_a_reason() {
        assert!(parse_phone("12", gb()).is_err());
        assert!(parse_phone("+999 123 456 789", gb()).is_err());
        assert!(parse_phone("0791112345645678901", gb()).is_err());
        assert!(parse_phone("call me maybe", gb()).is_err());
        assert!(parse_phone("", gb()).is_err());
    }

    #[test]
    fn display_and_search_forms_of_a_number() {
        assert_eq!(display_phone("+447911123456").display, "+44 7911 123456");
        let digits = searchable_digits("+447911123456");
        assert!(digits.contains("447911123456"), "{digits}");
        assert!(digits.contains("07911123456"), "{digits}");
    }

    #[test]
    fn email_is_checked_and_lower_cased() {
        assert_eq!(parse_email(" Ana.Souza@Example.COM ").as_deref(), Ok("ana.souza@example.com"));
        assert!(parse_email("ana@localhost").is_err());
        assert!(parse_email("ana.example.com").is_err());
        assert!(parse_email("ana@@example.com").is_err());
        assert!(parse_email("Ana <ana@example.com>").is_err());
    }

    #[test]
    fn regions_parse_from_their_iso_codes() {
        assert_eq!(Region::parse("pt").map(Region::code).as_deref(), Some("PT"));
        assert_eq!(Region::parse("zz"), None);
    }
}
