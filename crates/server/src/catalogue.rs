//! The organisation's lists that desks pull: touch points, reasons for contact and the review
//! scorecard. Adding, renaming, reordering and retiring an entry writes its row and the op that
//! carries it to every desk in one transaction. The `admin` CLI and the console both call these.
//!
//! Retiring keeps an entry (what was logged with it keeps its name); names are unique in a
//! list whatever their case, retired entries included, so bringing one back restores it.

use std::fmt;

use sqlx::PgPool;
use touchpoint_protocol::text::{self, TextRule};
use touchpoint_protocol::{ContactChannel, OpBody, ReasonRecord, ReviewCriterionRecord, TouchPointRecord};
use uuid::Uuid;

use crate::admin::append_server_op_in;
pub use crate::db::catalogue::List;
use crate::db::catalogue::{self as rows, EntryRow};

/// An entry of a list, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: Uuid,
    pub name: String,
    pub sort_order: i32,
    pub active: bool,
    /// A touch point's channel (none for reasons and criteria).
    pub default_channel: Option<ContactChannel>,
}

/// What to change; none of a field leaves it as it is.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub name: Option<String>,
    pub sort_order: Option<i32>,
    pub active: Option<bool>,
    pub default_channel: Option<ContactChannel>,
}

/// Why a change was refused, naming the field (the console shows it there).
#[derive(Debug)]
pub enum Refused {
    Invalid { field: &'static str, message: String },
    Duplicate(String),
    NotFound,
    Failed(anyhow::Error),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Invalid { field, message } => write!(f, "{field}: {message}"),
            Refused::Duplicate(message) => write!(f, "name: {message}"),
            Refused::NotFound => write!(f, "no such entry in this organisation"),
            Refused::Failed(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for Refused {}

impl From<sqlx::Error> for Refused {
    fn from(e: sqlx::Error) -> Self {
        Refused::Failed(e.into())
    }
}

impl From<anyhow::Error> for Refused {
    fn from(e: anyhow::Error) -> Self {
        Refused::Failed(e)
    }
}

struct Kind {
    rule: TextRule,
    /// "A touch point's name", for messages.
    what: &'static str,
    /// "touch point", for messages.
    noun: &'static str,
}

fn kind(list: List) -> Kind {
    match list {
        List::TouchPoints => Kind { rule: text::TOUCH_POINT_NAME, what: "A touch point's name", noun: "touch point" },
        List::Reasons => Kind { rule: text::REASON_LABEL, what: "A reason", noun: "reason" },
        List::Scorecard => Kind { rule: text::CRITERION_NAME, what: "A criterion's name", noun: "criterion" },
    }
}

fn entry(row: EntryRow) -> Entry {
    Entry {
        id: row.id,
        name: row.name,
        sort_order: row.sort_order,
        active: row.active,
        default_channel: row.default_channel.as_deref().and_then(|c| c.parse().ok()),
    }
}

/// The op that carries an entry to every desk.
fn op(list: List, e: &Entry) -> OpBody {
    match list {
        List::TouchPoints => OpBody::TouchPointUpsert(TouchPointRecord {
            touch_point_id: e.id,
            name: e.name.clone(),
            default_channel: e.default_channel.unwrap_or(ContactChannel::InPerson),
            sort_order: e.sort_order,
            active: e.active,
        }),
        List::Reasons => OpBody::ReasonUpsert(ReasonRecord {
            reason_id: e.id,
            label: e.name.clone(),
            sort_order: e.sort_order,
            active: e.active,
        }),
        List::Scorecard => OpBody::ReviewCriterionUpsert(ReviewCriterionRecord {
            criterion_id: e.id,
            name: e.name.clone(),
            sort_order: e.sort_order,
            active: e.active,
        }),
    }
}

/// A name as it will be kept (trimmed), or why it cannot be.
fn checked_name(list: List, name: &str) -> Result<String, Refused> {
    let k = kind(list);
    let name = name.trim();
    if name.is_empty() {
        return Err(Refused::Invalid { field: "name", message: format!("{} cannot be empty.", k.what) });
    }
    text::check(name, k.rule).map_err(|p| Refused::Invalid { field: "name", message: p.describe(k.what) })?;
    Ok(name.to_owned())
}

fn clash(list: List, others: &[EntryRow], id: Option<Uuid>, name: &str) -> Result<(), Refused> {
    let k = kind(list);
    match others.iter().find(|o| Some(o.id) != id && o.name.to_lowercase() == name.to_lowercase()) {
        Some(o) if o.active => Err(Refused::Duplicate(format!("There is already a {} called {}.", k.noun, o.name))),
        Some(o) => Err(Refused::Duplicate(format!("{} is a retired {}: bring it back instead.", o.name, k.noun))),
        None => Ok(()),
    }
}

/// Every entry of a list, the active ones first, in their order.
pub async fn entries(pool: &PgPool, org: Uuid, list: List) -> Result<Vec<Entry>, Refused> {
    Ok(rows::entries(pool, org, list).await?.into_iter().map(entry).collect())
}

/// Adds an entry at the end of the list (or at `sort_order`); every desk pulls it.
pub async fn add(
    pool: &PgPool,
    org: Uuid,
    list: List,
    name: &str,
    channel: Option<ContactChannel>,
    sort_order: Option<i32>,
) -> Result<Entry, Refused> {
    let name = checked_name(list, name)?;
    let mut tx = pool.begin().await?;
    let existing = rows::entries_locked(&mut tx, org, list).await?;
    clash(list, &existing, None, &name)?;
    let last = existing.iter().map(|e| e.sort_order).max().unwrap_or(-1);
    let e = Entry {
        id: Uuid::now_v7(),
        name,
        sort_order: sort_order.unwrap_or(last.saturating_add(1)),
        active: true,
        default_channel: (list == List::TouchPoints).then(|| channel.unwrap_or(ContactChannel::InPerson)),
    };
    rows::insert(&mut tx, org, list, &row(&e)).await?;
    append_server_op_in(&mut tx, org, op(list, &e)).await?;
    tx.commit().await?;
    Ok(e)
}

fn row(e: &Entry) -> EntryRow {
    EntryRow {
        id: e.id,
        name: e.name.clone(),
        sort_order: e.sort_order,
        active: e.active,
        default_channel: e.default_channel.map(|c| c.as_str().to_owned()),
    }
}

/// Renames, reorders, retires or restores an entry (or a touch point's channel); every desk
/// pulls it. An entry retired keeps its name on what was logged with it.
pub async fn change(pool: &PgPool, org: Uuid, list: List, id: Uuid, change: Change) -> Result<Entry, Refused> {
    let name = change.name.as_deref().map(|n| checked_name(list, n)).transpose()?;
    let mut tx = pool.begin().await?;
    let existing = rows::entries_locked(&mut tx, org, list).await?;
    let Some(current) = rows::entry_for_update(&mut tx, org, list, id).await? else {
        return Err(Refused::NotFound);
    };
    if let Some(name) = &name {
        clash(list, &existing, Some(id), name)?;
    }
    let mut e = entry(current);
    let before = e.clone();
    if let Some(name) = name {
        e.name = name;
    }
    if let Some(order) = change.sort_order {
        e.sort_order = order;
    }
    if let Some(active) = change.active {
        e.active = active;
    }
    if list == List::TouchPoints {
        if let Some(channel) = change.default_channel {
            e.default_channel = Some(channel);
        }
    }
    if list == List::TouchPoints && !e.active && before.active && !existing.iter().any(|o| o.active && o.id != id) {
        return Err(Refused::Invalid {
            field: "active",
            message: "Desks need at least one touch point: add another before retiring this one.".into(),
        });
    }
    if e != before {
        rows::update(&mut tx, org, list, &row(&e)).await?;
        append_server_op_in(&mut tx, org, op(list, &e)).await?;
    }
    tx.commit().await?;
    Ok(e)
}

/// Starts an organisation's list of reasons from the built-in one desks suggest until it has
/// its own; refused once it has any.
pub async fn add_default_reasons(pool: &PgPool, org: Uuid) -> Result<Vec<Entry>, Refused> {
    let mut tx = pool.begin().await?;
    if !rows::entries_locked(&mut tx, org, List::Reasons).await?.is_empty() {
        return Err(Refused::Invalid {
            field: "reasons",
            message: "This organisation already has its own reasons.".into(),
        });
    }
    let mut added = Vec::new();
    for (i, label) in touchpoint_protocol::DEFAULT_REASONS.iter().enumerate() {
        let e = Entry {
            id: Uuid::now_v7(),
            name: (*label).to_owned(),
            sort_order: i32::try_from(i).unwrap_or(i32::MAX),
            active: true,
            default_channel: None,
        };
        rows::insert(&mut tx, org, List::Reasons, &row(&e)).await?;
        append_server_op_in(&mut tx, org, op(List::Reasons, &e)).await?;
        added.push(e);
    }
    tx.commit().await?;
    Ok(added)
}
