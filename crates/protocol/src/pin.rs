//! Staff PINs: which PINs a person may choose, and how long a desk or the server makes them wait
//! after wrong ones. One rule for the desk (its own staff, sign-in) and the server (staff it
//! creates, PINs it checks for tills that do not hold the verifier).
//!
//! Why the rules: a PIN verifier held on a device can be tried offline as fast as the machine
//! hashes, so the PINs that unlock more are longer (a supervisor's or an admin's is at least
//! six digits, a million tries instead of ten thousand) and the ones everyone tries first
//! (repeats, runs, a few favourites) are refused. Wrong PINs typed at a desk make it wait longer
//! each time, so guessing at the keyboard gets nowhere.

use chrono::Duration;

use crate::Role;

/// The shortest PIN for frontline staff, and the longest PIN for anyone.
pub const FRONTLINE_MIN: usize = 4;
/// Supervisors and admins: their PIN unlocks reviews, erasures and other people's data.
pub const ELEVATED_MIN: usize = 6;
pub const MAX: usize = 12;

/// PINs that are guessed first whatever their shape.
const COMMON: &[&str] = &["1212", "2580", "0852", "1004", "6969", "1122", "2000", "1379", "121212", "123123"];

fn shortest(role: Role) -> usize {
    match role {
        Role::Frontline => FRONTLINE_MIN,
        Role::Supervisor | Role::Admin => ELEVATED_MIN,
    }
}

/// Why `pin` may not be `role`'s PIN, in words for the person choosing it; `None` when it may.
pub fn problem(pin: &str, role: Role) -> Option<String> {
    let min = shortest(role);
    if pin.len() < min || pin.len() > MAX || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Some(match role {
            Role::Frontline => format!("A PIN is {min} to {MAX} digits."),
            _ => format!("A supervisor's or an admin's PIN is {min} to {MAX} digits."),
        });
    }
    let digits: Vec<i8> = pin.bytes().map(|b| (b - b'0') as i8).collect();
    let steps: Vec<i8> = digits.windows(2).map(|w| (w[1] - w[0]).rem_euclid(10)).collect();
    if steps.iter().all(|s| *s == 0) {
        return Some("Choose a PIN that is not one digit repeated.".into());
    }
    if steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == 9) {
        return Some("Choose a PIN that is not a run of digits like 1234 or 4321.".into());
    }
    if COMMON.contains(&pin) {
        return Some("Choose a less common PIN.".into());
    }
    None
}

/// Wrong PINs in a row before the first pause.
pub const FREE_TRIES: u32 = 3;

/// How long sign-in waits after `failures` wrong PINs in a row: nothing for the first
/// [`FREE_TRIES`] - 1, then 30 seconds, doubling with every further wrong PIN, at most an hour.
pub fn pause_after(failures: u32) -> Option<Duration> {
    if failures < FREE_TRIES {
        return None;
    }
    let doublings = (failures - FREE_TRIES).min(7);
    Some(Duration::seconds(30 * (1i64 << doublings)).min(Duration::hours(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pins_everyone_tries_first_are_refused() {
        for pin in ["0000", "1111", "1234", "4321", "9012", "7890", "2580", "1212", "999999", "123456", "654321"] {
            assert!(problem(pin, Role::Frontline).is_some(), "{pin} was allowed");
        }
        for pin in ["1357", "2468", "3917", "40172"] {
            assert_eq!(problem(pin, Role::Frontline), None, "{pin}");
        }
    }

    #[test]
    fn supervisors_and_admins_need_six_digits_or_more() {
        assert!(problem("3917", Role::Supervisor).unwrap_or_default().contains("6 to 12"));
        assert!(problem("39172", Role::Admin).is_some());
        assert_eq!(problem("391742", Role::Supervisor), None);
        assert!(problem("12a4", Role::Frontline).is_some());
        assert!(problem(&"3".repeat(13), Role::Frontline).is_some());
    }

    #[test]
    fn each_wrong_pin_past_the_free_tries_doubles_the_pause() {
        assert_eq!(pause_after(1), None);
        assert_eq!(pause_after(2), None);
        assert_eq!(pause_after(3), Some(Duration::seconds(30)));
        assert_eq!(pause_after(4), Some(Duration::seconds(60)));
        assert_eq!(pause_after(6), Some(Duration::seconds(240)));
        assert_eq!(pause_after(40), Some(Duration::hours(1)));
    }
}
