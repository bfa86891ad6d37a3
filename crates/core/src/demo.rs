//! A deterministic demo store: realistic customers, staff, a year of conversations with a
//! believable mix of feelings and scores, follow-ups kept (and some overdue), a few
//! corrections. The same seed gives the same people and story (ids differ: they are UUIDv7).
//!
//! History is written through the same `Desk` methods the app uses, with a clock that walks
//! forward through the year, so every row, outbox op and stamp is what real use would leave.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, Timelike, Utc};
use fake::faker::name::raw::{FirstName, LastName};
use fake::locales::{EN, PT_PT};
use fake::Fake;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use touchpoint_protocol::{ContactChannel, Feeling, FollowUpStatus, InteractionChanges, Outcome, Role};
use uuid::Uuid;

use crate::clock::FakeClock;
use crate::customers::{CustomerEdit, NewCustomer};
use crate::error::{CoreError, Result};
use crate::follow_ups::{CloseFollowUp, NewFollowUp};
use crate::interactions::amendments::AmendInteraction;
use crate::interactions::LogInteraction;
use crate::staff::NewStaff;
use crate::{Desk, DeskOptions};

#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub customers: usize,
    pub seed: u64,
    /// How far back the history goes.
    pub days: i64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { customers: 240, seed: 7, days: 365 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub customers: usize,
    pub interactions: usize,
    pub follow_ups: usize,
}

/// How far the demo store has got, for the window to show while it fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct DemoProgress {
    /// Customers created so far, of `customers_total`.
    pub customers: u32,
    pub customers_total: u32,
    /// How much of the whole history is written, 0–100.
    pub percent: u8,
}

const STAFF: &[(&str, Role, &str)] = &[
    ("Maria Lopes", Role::Frontline, "1357"),
    ("João Pereira", Role::Frontline, "2468"),
    ("Aisha Khan", Role::Frontline, "3579"),
    ("Tom Becker", Role::Frontline, "4680"),
    ("Priya Shah", Role::Supervisor, "135246"),
];

/// (reason, notes staff typically write, how it tends to feel: 0 bad … 1 good)
const STORIES: &[(&str, &[&str], f64)] = &[
    (
        "Product question",
        &[
            "Compared the two models; recommended the quieter one.",
            "Explained the warranty terms and the care guide.",
            "Checked stock for the larger size; available next week.",
        ],
        0.8,
    ),
    (
        "Refund",
        &[
            "Refund to original card, 3–5 working days.",
            "Receipt missing; found the order by phone number.",
            "Refunded the delivery charge as well.",
        ],
        0.55,
    ),
    ("Exchange", &["Exchanged for a different colour, same price.", "Swapped the faulty unit on the spot."], 0.7),
    (
        "Complaint",
        &[
            "Waited 25 minutes at checkout; apologised and logged it.",
            "Staff member was short with them on the phone last week.",
            "Parcel left in the rain; box and contents damaged.",
        ],
        0.2,
    ),
    (
        "Order status",
        &[
            "Order held at the depot; courier rebooked for Thursday.",
            "Tracking was not updating; confirmed it is on the van today.",
            "Split delivery; second parcel arrives Monday.",
        ],
        0.5,
    ),
    (
        "Delivery problem",
        &[
            "Two missed deliveries; arranged click & collect instead.",
            "Wrong item delivered; collection booked.",
            "Courier marked as delivered but nothing arrived.",
        ],
        0.25,
    ),
    (
        "Repair or warranty",
        &[
            "Booked the repair; loan unit given.",
            "Out of warranty; quoted for the repair.",
            "Second repair of the same fault; escalated to the manager.",
        ],
        0.4,
    ),
    (
        "Loyalty account",
        &[
            "Merged two loyalty accounts.",
            "Points from last month's purchase added by hand.",
            "Updated address and marketing preferences.",
        ],
        0.75,
    ),
    ("Price query", &["Price matched a competitor's offer.", "Sale price not applied at the till; corrected."], 0.6),
    (
        "Compliment",
        &["Came back to thank Maria for the help choosing a gift.", "Very happy with the fitting service."],
        0.95,
    ),
];

const TAGS: &[&str] = &["VIP", "Trade account", "Accessibility needs", "Prefers phone", "Gift buyer", "Staff family"];
const DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "mail.example"];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn feeling_for(rng: &mut StdRng, tone: f64) -> Feeling {
    let x: f64 = (tone + rng.random_range(-0.35..0.35)).clamp(0.0, 0.999);
    Feeling::ALL[(x * 5.0) as usize]
}

fn ascii(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'â' | 'ã' => Some('a'),
            'é' | 'ê' => Some('e'),
            'í' => Some('i'),
            'ó' | 'ô' | 'õ' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ç' => Some('c'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

struct Person {
    name: String,
    phone: String,
    email: String,
    portuguese: bool,
    /// How this customer's visits tend to go (0 bad … 1 good).
    mood: f64,
    visits: usize,
}

fn person(rng: &mut StdRng, i: usize) -> Person {
    let portuguese = rng.random_bool(0.3);
    let (first, last): (String, String) = if portuguese {
        (FirstName(PT_PT).fake_with_rng(rng), LastName(PT_PT).fake_with_rng(rng))
    } else {
        (FirstName(EN).fake_with_rng(rng), LastName(EN).fake_with_rng(rng))
    };
    let phone = loop {
        let candidate = if portuguese {
            format!(
                "+351 9{} {:03} {:04}",
                pick(rng, &[1, 2, 3, 6]),
                rng.random_range(100..1000),
                rng.random_range(0..10000)
            )
        } else {
            // UK mobiles: 071–075 and 077–079 (076 is pagers).
            format!(
                "07{}{:02} {:06}",
                pick(rng, &[1, 2, 3, 4, 5, 7, 8, 9]),
                rng.random_range(0..100),
                rng.random_range(0..1_000_000)
            )
        };
        // Only numbers that could exist: the phone library knows the allocated ranges.
        if crate::contact::parse_phone(&candidate, crate::contact::Region::parse("GB").unwrap_or_default()).is_ok() {
            break candidate;
        }
    };
    let email = format!("{}.{}{}@{}", ascii(&first), ascii(&last), i % 97, pick(rng, DOMAINS));
    // Most people come a few times; regulars come often.
    let visits = if rng.random_bool(0.12) { rng.random_range(8..30) } else { rng.random_range(1..6) };
    Person { name: format!("{first} {last}"), phone, email, portuguese, mood: rng.random_range(0.25..0.95), visits }
}

/// Fills an empty desk at `path` with the demo store. Refuses a desk that already has
/// customers, so real data is never mixed with made-up data.
/// Relationship details as a store would have them for some of its customers: a birthday
/// (now and then one this week, so "Before you start" has something to say), preferences, a
/// refusal of calls, someone who keeps in touch.
fn relationship(desk: &mut Desk, rng: &mut StdRng, id: uuid::Uuid) -> Result<()> {
    use touchpoint_protocol::{ChannelConsent, ConsentSource, DateKind, ImportantDate, KeepInTouch, Preference};
    let mut edit = CustomerEdit { customer_id: id, ..CustomerEdit::default() };
    if rng.random_bool(0.3) {
        let soon = desk.now() + chrono::Duration::days(rng.random_range(0..6));
        let (month, day) = if rng.random_bool(0.25) {
            (chrono::Datelike::month(&soon) as u8, chrono::Datelike::day(&soon).min(28) as u8)
        } else {
            (rng.random_range(1..=12), rng.random_range(1..=28))
        };
        let year = rng.random_bool(0.5).then(|| rng.random_range(1950..2005));
        edit.important_dates = Some(vec![ImportantDate { kind: DateKind::Birthday, label: None, month, day, year }]);
    }
    if rng.random_bool(0.25) {
        const SIZES: &[&str] = &["S", "M", "L", "XL", "38", "40", "42"];
        const LIKES: &[&str] = &["Espresso", "Linen shirts", "Early visits", "Email receipts", "Trail running"];
        edit.preferences = Some(vec![
            Preference { category: "Size".into(), value: (*pick(rng, SIZES)).into() },
            Preference { category: "Likes".into(), value: (*pick(rng, LIKES)).into() },
        ]);
    }
    if rng.random_bool(0.1) {
        let at = desk.now() - chrono::Duration::days(rng.random_range(1..200));
        edit.contact_phone = Some(ChannelConsent { allowed: false, at, how: ConsentSource::InPerson });
    }
    if rng.random_bool(0.08) {
        let keeper = Some(desk.staff_id());
        edit.keep_in_touch = Some(KeepInTouch { keeper_staff_id: keeper, every_days: 90, remind_dates: true });
    }
    if edit.important_dates.is_some()
        || edit.preferences.is_some()
        || edit.contact_phone.is_some()
        || edit.keep_in_touch.is_some()
    {
        desk.update_customer(&edit)?;
    }
    Ok(())
}

pub fn generate(path: &Path, options: &DemoOptions) -> Result<DemoSummary> {
    generate_with(path, options, &mut |_| {})
}

/// [`generate`], saying how far it has got every few dozen conversations.
pub fn generate_with(
    path: &Path,
    options: &DemoOptions,
    progress: &mut dyn FnMut(DemoProgress),
) -> Result<DemoSummary> {
    let now = Utc::now();
    let start = now - Duration::days(options.days);
    let clock = FakeClock::at(start);
    let mut desk = Desk::open(path, &DeskOptions { region: Some("GB".into()) }, Arc::new(clock.clone()))?;
    // Nothing here needs to survive a power cut: the app builds the demo in a file of its own
    // and moves it into place only once it is complete.
    desk.connection().pragma_update(None, "synchronous", "OFF")?;
    let existing: i64 = desk.connection().query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?;
    if existing > 0 {
        return Err(CoreError::Validation {
            message: "This desk already has customers; demo data only goes into an empty desk.".into(),
            fields: vec![],
        });
    }
    let mut rng = StdRng::seed_from_u64(options.seed);
    let manager = desk.staff_id();
    let mut staff: Vec<(Uuid, Option<&str>)> = vec![(manager, None)];
    for (name, role, pin) in STAFF {
        staff.push((
            desk.add_staff(&NewStaff { name: (*name).into(), role: *role, pin: (*pin).into() })?.id,
            Some(*pin),
        ));
    }
    let touch_points = desk.touch_points()?;
    // The scorecard supervisors use when they review a conversation.
    for name in ["Greeted the customer", "Understood the need", "Solved it first time", "Followed policy"] {
        desk.add_review_criterion(name)?;
    }

    // Every visit of every customer, in time order.
    let people: Vec<Person> = (0..options.customers).map(|i| person(&mut rng, i)).collect();
    let mut visits: Vec<(DateTime<Utc>, usize)> = Vec::new();
    for (i, p) in people.iter().enumerate() {
        for _ in 0..p.visits {
            let day = rng.random_range(0..options.days);
            let minute = rng.random_range(9 * 60..19 * 60);
            let at = (start + Duration::days(day)).with_hour(0).and_then(|t| t.with_minute(0)).unwrap_or(start)
                + Duration::minutes(minute);
            if at < now - Duration::minutes(30) {
                visits.push((at, i));
            }
        }
    }
    visits.sort();

    let mut ids: Vec<Option<Uuid>> = vec![None; people.len()];
    let mut summary = DemoSummary { customers: 0, interactions: 0, follow_ups: 0 };
    let mut open_follow_ups: Vec<(DateTime<Utc>, Uuid)> = Vec::new();
    let total_visits = visits.len().max(1);
    let customers_total = u32::try_from(people.len()).unwrap_or(u32::MAX);
    let report = |summary: &DemoSummary, done: usize| DemoProgress {
        customers: u32::try_from(summary.customers).unwrap_or(u32::MAX),
        customers_total,
        percent: u8::try_from(done * 100 / total_visits).unwrap_or(100),
    };
    progress(report(&summary, 0));
    for (done, (at, who)) in visits.into_iter().enumerate() {
        if done > 0 && done % 50 == 0 {
            progress(report(&summary, done));
        }
        clock.set(at);
        // Close the follow-ups that came due before this moment, as staff would have.
        open_follow_ups.sort();
        while open_follow_ups.first().is_some_and(|(due, _)| *due + Duration::hours(2) < at) {
            let (_, id) = open_follow_ups.remove(0);
            if now - at < Duration::days(5) && rng.random_bool(0.5) {
                continue; // left open: recent, some of them overdue
            }
            let reached = rng.random_bool(0.85);
            desk.close_follow_up(&CloseFollowUp {
                follow_up_id: id,
                status: if reached { FollowUpStatus::Done } else { FollowUpStatus::CouldNotReach },
                resolution: if reached {
                    pick(
                        &mut rng,
                        &[
                            "Called back; sorted and they were grateful.",
                            "Refund confirmed by email.",
                            "Replacement delivered; checked it works.",
                            "Explained the delay and offered a voucher.",
                        ],
                    )
                    .to_string()
                } else {
                    "Voicemail twice; sent an email instead.".into()
                },
                feeling_after: reached.then(|| feeling_for(&mut rng, 0.75)),
            })?;
        }

        let p = &people[who];
        let (staff_id, _) = *pick(&mut rng, &staff);
        desk.act_as(staff_id);
        let customer = match ids[who] {
            Some(id) => id,
            None => {
                let c = desk.create_customer(&NewCustomer {
                    name: p.name.clone(),
                    phone: p.phone.clone(),
                    email: if rng.random_bool(0.8) { p.email.clone() } else { String::new() },
                    allow_duplicate: true,
                })?;
                let tags: Vec<String> =
                    if rng.random_bool(0.2) { vec![pick(&mut rng, TAGS).to_string()] } else { vec![] };
                desk.update_customer(&CustomerEdit {
                    customer_id: c.id,
                    language: Some(if p.portuguese { "pt-PT" } else { "en" }.into()),
                    tags: Some(tags),
                    consent: Some(touchpoint_protocol::Consent {
                        marketing_email: rng.random_bool(0.4),
                        marketing_sms: rng.random_bool(0.2),
                        feedback_requests: rng.random_bool(0.7),
                    }),
                    loyalty_id: rng.random_bool(0.5).then(|| format!("LOY-{}", rng.random_range(10_000..99_999))),
                    ..CustomerEdit::default()
                })?;
                relationship(&mut desk, &mut rng, c.id)?;
                ids[who] = Some(c.id);
                summary.customers += 1;
                c.id
            }
        };

        // Staff open the customer's page before logging: the audit trail has the views.
        desk.record_view(customer)?;

        let (reason, notes, tone) = *pick(&mut rng, STORIES);
        let tone = (tone + p.mood) / 2.0;
        let tp = pick(&mut rng, &touch_points);
        let outcome = match rng.random_range(0..100) {
            0..=69 => Outcome::Resolved,
            70..=81 => Outcome::FollowUpNeeded,
            82..=89 => Outcome::Escalated,
            _ => Outcome::Unresolved,
        };
        let feeling = rng.random_bool(0.85).then(|| feeling_for(&mut rng, tone));
        let csat = rng
            .random_bool(0.4)
            .then(|| (1.0 + tone * 4.0 + rng.random_range(-0.9..0.9)).round().clamp(1.0, 5.0) as u8);
        let nps =
            rng.random_bool(0.15).then(|| (tone * 10.0 + rng.random_range(-2.5..2.5)).round().clamp(0.0, 10.0) as u8);
        let ces = rng
            .random_bool(0.1)
            .then(|| (1.0 + tone * 6.0 + rng.random_range(-1.0..1.0)).round().clamp(1.0, 7.0) as u8);
        let logged = desk.log_interaction(&LogInteraction {
            submission_id: uuid::Uuid::now_v7(),
            customer_id: Some(customer),
            touch_point_id: tp.id,
            channel: if rng.random_bool(0.9) { tp.default_channel } else { ContactChannel::Phone },
            reason: Some(reason.into()),
            outcome,
            duration_secs: Some(rng.random_range(60..1500)),
            summary: rng.random_bool(0.8).then(|| pick(&mut rng, notes).to_string()),
            feeling,
            csat,
            nps,
            ces,
            verbatim: (rng.random_bool(0.08)).then(|| {
                pick(
                    &mut rng,
                    &[
                        "Really helpful, thank you.",
                        "Took far too long.",
                        "Nobody called me back last time.",
                        "Great service as always.",
                    ],
                )
                .to_string()
            }),
            occurred_at: Some(at),
            check_in: None,
        })?;
        summary.interactions += 1;
        if let Some(proposal) = logged.proposal {
            if rng.random_bool(0.75) {
                let f = desk.create_follow_up(&NewFollowUp {
                    customer_id: proposal.customer_id,
                    interaction_id: Some(proposal.interaction_id),
                    owner_staff_id: proposal.owner_staff_id,
                    due_at: proposal.due_at,
                    promise: proposal.promise,
                    route: Some(proposal.route),
                    kind: None,
                })?;
                open_follow_ups.push((f.due_at, f.id));
                summary.follow_ups += 1;
            }
        }
        if rng.random_bool(0.02) {
            clock.advance(Duration::minutes(3));
            desk.amend_interaction(&AmendInteraction {
                interaction_id: logged.interaction_id,
                changes: InteractionChanges { outcome: Some(Outcome::Resolved), ..InteractionChanges::default() },
                note: Some("Sorted after the customer left; updating the outcome.".into()),
            })?;
        }
    }
    clock.set(now);
    desk.sign_in(manager, None)?;
    progress(DemoProgress { percent: 100, ..report(&summary, total_visits) });
    Ok(summary)
}

/// Which data [`populate_at_scale`] builds: benches name their kept files with it, so a change
/// to what is built is never measured on a file built the old way.
pub const SCALE_DATA: &str = "v2";

/// A desk at benchmark scale: `customers` customers and `interactions` interactions over the
/// last year (feedback on 70%, with CSAT, NPS and effort scores on some; a team of twelve;
/// one in five outcomes not resolved at once; 1% corrected afterwards), written through the
/// same row and search-index code as real use (the Insight rollups' triggers included) but in
/// large transactions and without outbox ops (as if already synced).
pub fn populate_at_scale(path: &Path, customers: usize, interactions: usize, seed: u64) -> Result<()> {
    use crate::customers::{apply_patch, Author};
    use crate::desk::Actor;
    use crate::interactions::{insert_feedback, insert_interaction};
    use touchpoint_protocol::{CustomerPatch, FeedbackRecord, InteractionRecord};

    let now = Utc::now();
    let mut desk = Desk::open(path, &DeskOptions { region: Some("GB".into()) }, Arc::new(crate::clock::SystemClock))?;
    let info = desk.info()?;
    let touch_points: Vec<Uuid> = desk.touch_points()?.into_iter().map(|t| t.id).collect();
    let author = Author { staff_id: info.staff.id, device_id: info.device_id };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut hlc = crate::hlc::HlcClock::resume(info.device_id, None);
    let mut ids = Vec::with_capacity(customers);
    let conn = desk.connection_mut();
    conn.pragma_update(None, "cache_size", -262_144)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The desk leaves checkpoints to its background thread, which a build has not: copied back
    // after every batch, or the write-ahead log grows to many times the database (11.7 GB
    // against 2.4 GB at a million customers).
    conn.pragma_update(None, "wal_autocheckpoint", 1000)?;
    // A store's team: the manager and eleven people on the floor, each serving their share.
    let mut team = vec![info.staff.id];
    let tx = conn.transaction()?;
    for n in 1..=11 {
        let name = format!("Team member {n}");
        team.push(crate::staff::rows::insert(&tx, &name, Role::Frontline, None, info.store.id, now)?);
    }
    tx.commit()?;
    const BATCH: usize = 20_000;
    for start in (0..customers).step_by(BATCH) {
        let tx = conn.transaction()?;
        for i in start..(start + BATCH).min(customers) {
            let p = person(&mut rng, i);
            let phone = crate::contact::parse_phone(&p.phone, crate::contact::Region::default())
                .map(|n| crate::contact::e164(&n))
                .unwrap_or_default();
            let id = Uuid::now_v7();
            let patch = CustomerPatch {
                customer_id: id,
                name: Some(p.name),
                phones: Some(vec![phone]),
                emails: Some(vec![p.email]),
                loyalty_id: Some(format!("LOY-{:07}", i)),
                tags: Some(vec![]),
                consent: Some(touchpoint_protocol::Consent::default()),
                ..CustomerPatch::default()
            };
            apply_patch(&tx, &patch, hlc.tick(now), now, author)?;
            ids.push(id);
        }
        tx.commit()?;
    }
    for start in (0..interactions).step_by(BATCH) {
        let tx = conn.transaction()?;
        for _ in start..(start + BATCH).min(interactions) {
            // A skewed pick: some customers have long histories.
            let who = ids[(rng.random_range(0.0f64..1.0).powi(3) * ids.len() as f64) as usize % ids.len()];
            let at = now - Duration::minutes(rng.random_range(0..525_600));
            let (reason, notes, tone) = *pick(&mut rng, STORIES);
            let actor = Actor { staff_id: *pick(&mut rng, &team), store_id: info.store.id, device_id: info.device_id };
            let outcome = match rng.random_range(0..100) {
                0..80 => Outcome::Resolved,
                80..88 => Outcome::FollowUpNeeded,
                88..93 => Outcome::Escalated,
                _ => Outcome::Unresolved,
            };
            let record = InteractionRecord {
                interaction_id: Uuid::now_v7(),
                customer_id: Some(who),
                touch_point_id: *pick(&mut rng, &touch_points),
                channel: ContactChannel::InPerson,
                reason: Some(reason.into()),
                outcome,
                duration_secs: Some(rng.random_range(60..1200)),
                summary: Some(pick(&mut rng, notes).to_string()),
                occurred_at: at,
            };
            let stamp = hlc.tick(now).to_string();
            insert_interaction(&tx, &record, actor, &stamp, now)?;
            if rng.random_bool(0.7) {
                let f = FeedbackRecord {
                    feedback_id: Uuid::now_v7(),
                    interaction_id: Some(record.interaction_id),
                    customer_id: Some(who),
                    feeling: Some(feeling_for(&mut rng, tone)),
                    csat: rng.random_bool(0.3).then(|| rng.random_range(1..=5)),
                    nps: rng.random_bool(0.2).then(|| rng.random_range(0..=10)),
                    ces: rng.random_bool(0.1).then(|| rng.random_range(1..=7)),
                    verbatim: None,
                    occurred_at: at,
                };
                insert_feedback(&tx, &f, actor, &stamp, now)?;
            }
            // One conversation in a hundred is corrected afterwards (the outcome, usually).
            if rng.random_bool(0.01) {
                let a = touchpoint_protocol::AmendmentRecord {
                    amendment_id: Uuid::now_v7(),
                    interaction_id: record.interaction_id,
                    customer_id: Some(who),
                    changes: InteractionChanges { outcome: Some(Outcome::Resolved), ..InteractionChanges::default() },
                    note: Some("Sorted out the next day".into()),
                };
                crate::interactions::amendments::insert(&tx, &a, actor, &hlc.tick(now).to_string(), now)?;
            }
        }
        crate::insight::rollup::schema::settle(&tx)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_tells_the_same_story() {
        let a = tempfile::tempdir().expect("dir");
        let b = tempfile::tempdir().expect("dir");
        let opts = DemoOptions { customers: 12, seed: 42, days: 90 };
        let sa = generate(&a.path().join("d.sqlite3"), &opts).expect("demo a");
        let sb = generate(&b.path().join("d.sqlite3"), &opts).expect("demo b");
        assert_eq!(sa, sb);
        assert_eq!(sa.customers, 12);
        let names = |dir: &tempfile::TempDir| -> Vec<String> {
            let conn = rusqlite::Connection::open(dir.path().join("d.sqlite3")).expect("open");
            let mut stmt = conn.prepare("SELECT name FROM customers ORDER BY name").expect("stmt");
            stmt.query_map([], |r| r.get(0)).expect("rows").collect::<rusqlite::Result<_>>().expect("names")
        };
        assert_eq!(names(&a), names(&b));
        assert!(sa.interactions >= 12);
        let conn = rusqlite::Connection::open(a.path().join("d.sqlite3")).expect("open");
        let criteria: i64 =
            conn.query_row("SELECT count(*) FROM review_criteria WHERE active = 1", [], |r| r.get(0)).expect("count");
        assert_eq!(criteria, 4, "the demo store has a review scorecard");
        let views: i64 =
            conn.query_row("SELECT count(*) FROM audit_log WHERE action = 'view'", [], |r| r.get(0)).expect("views");
        assert!(views >= 12, "staff viewed the customers they served: {views}");
    }

    #[test]
    fn the_demo_says_how_far_it_has_got_up_to_every_customer_and_the_whole_history() {
        let dir = tempfile::tempdir().expect("dir");
        let mut seen = Vec::new();
        let opts = DemoOptions { customers: 20, seed: 3, days: 120 };
        let summary = generate_with(&dir.path().join("d.sqlite3"), &opts, &mut |p| seen.push(p)).expect("demo");
        assert!(seen.len() >= 3, "a start, some steps and an end: {seen:?}");
        assert_eq!(seen.first().map(|p| (p.customers, p.percent)), Some((0, 0)));
        assert_eq!(seen.last(), Some(&DemoProgress { customers: 20, customers_total: 20, percent: 100 }));
        assert_eq!(summary.customers, 20);
        assert!(seen.windows(2).all(|w| w[0].percent <= w[1].percent && w[0].customers <= w[1].customers));
    }

    #[test]
    fn demo_data_never_goes_into_a_desk_with_customers() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("d.sqlite3");
        generate(&path, &DemoOptions { customers: 3, seed: 1, days: 30 }).expect("first");
        assert!(generate(&path, &DemoOptions { customers: 3, seed: 1, days: 30 }).is_err());
    }
}
