//! The organisation's lists as rows: touch points, reasons for contact and the review
//! scorecard's criteria (the ops that send them to desks are the caller's, in the same
//! transaction).

use sqlx::{FromRow, PgConnection, PgPool};
use uuid::Uuid;

/// One entry of a list (a reason's label is its name).
#[derive(Debug, Clone, FromRow)]
pub struct EntryRow {
    pub id: Uuid,
    pub name: String,
    pub sort_order: i32,
    pub active: bool,
    /// A touch point's channel; none for the other lists.
    pub default_channel: Option<String>,
}

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    TouchPoints,
    Reasons,
    Scorecard,
}

struct Sql {
    all: &'static str,
    one_for_update: &'static str,
    insert: &'static str,
    update: &'static str,
}

const TOUCH_POINTS: Sql = Sql {
    all: "SELECT touch_point_id AS id, name, sort_order, active, default_channel FROM touch_points
          WHERE org_id = $1 ORDER BY active DESC, sort_order, name",
    one_for_update: "SELECT touch_point_id AS id, name, sort_order, active, default_channel FROM touch_points
                     WHERE org_id = $1 AND touch_point_id = $2 FOR UPDATE",
    insert: "INSERT INTO touch_points (org_id, touch_point_id, name, sort_order, active, default_channel)
             VALUES ($1, $2, $3, $4, $5, $6)",
    update: "UPDATE touch_points SET name = $3, sort_order = $4, active = $5, default_channel = $6
             WHERE org_id = $1 AND touch_point_id = $2",
};

const REASONS: Sql = Sql {
    all: "SELECT reason_id AS id, label AS name, sort_order, active, NULL::text AS default_channel FROM reasons
          WHERE org_id = $1 ORDER BY active DESC, sort_order, label",
    one_for_update: "SELECT reason_id AS id, label AS name, sort_order, active, NULL::text AS default_channel
                     FROM reasons WHERE org_id = $1 AND reason_id = $2 FOR UPDATE",
    insert: "INSERT INTO reasons (org_id, reason_id, label, sort_order, active) VALUES ($1, $2, $3, $4, $5)",
    update: "UPDATE reasons SET label = $3, sort_order = $4, active = $5 WHERE org_id = $1 AND reason_id = $2",
};

const SCORECARD: Sql = Sql {
    all: "SELECT criterion_id AS id, name, sort_order, active, NULL::text AS default_channel FROM review_criteria
          WHERE org_id = $1 ORDER BY active DESC, sort_order, name",
    one_for_update: "SELECT criterion_id AS id, name, sort_order, active, NULL::text AS default_channel
                     FROM review_criteria WHERE org_id = $1 AND criterion_id = $2 FOR UPDATE",
    insert: "INSERT INTO review_criteria (org_id, criterion_id, name, sort_order, active) VALUES ($1, $2, $3, $4, $5)",
    update: "UPDATE review_criteria SET name = $3, sort_order = $4, active = $5
             WHERE org_id = $1 AND criterion_id = $2",
};

impl List {
    fn sql(self) -> &'static Sql {
        match self {
            List::TouchPoints => &TOUCH_POINTS,
            List::Reasons => &REASONS,
            List::Scorecard => &SCORECARD,
        }
    }
}

/// Every entry, the active ones first, each part in its order.
pub async fn entries(pool: &PgPool, org: Uuid, list: List) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as(list.sql().all).bind(org).fetch_all(pool).await
}

/// The same inside a transaction, the list locked against a concurrent addition of the same
/// name (the organisation's row is the lock).
pub async fn entries_locked(conn: &mut PgConnection, org: Uuid, list: List) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query("SELECT 1 FROM organisations WHERE org_id = $1 FOR UPDATE").bind(org).execute(&mut *conn).await?;
    sqlx::query_as(list.sql().all).bind(org).fetch_all(&mut *conn).await
}

/// One entry, locked for a change; none if the organisation has no such entry.
pub async fn entry_for_update(
    conn: &mut PgConnection,
    org: Uuid,
    list: List,
    id: Uuid,
) -> Result<Option<EntryRow>, sqlx::Error> {
    sqlx::query_as(list.sql().one_for_update).bind(org).bind(id).fetch_optional(conn).await
}

pub async fn insert(conn: &mut PgConnection, org: Uuid, list: List, e: &EntryRow) -> Result<(), sqlx::Error> {
    let q = sqlx::query(list.sql().insert).bind(org).bind(e.id).bind(&e.name).bind(e.sort_order).bind(e.active);
    let q = if list == List::TouchPoints { q.bind(&e.default_channel) } else { q };
    q.execute(conn).await?;
    Ok(())
}

pub async fn update(conn: &mut PgConnection, org: Uuid, list: List, e: &EntryRow) -> Result<(), sqlx::Error> {
    let q = sqlx::query(list.sql().update).bind(org).bind(e.id).bind(&e.name).bind(e.sort_order).bind(e.active);
    let q = if list == List::TouchPoints { q.bind(&e.default_channel) } else { q };
    q.execute(conn).await?;
    Ok(())
}
