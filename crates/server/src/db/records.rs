//! The server's mutable records (customers, follow-ups, reviews) and their conflicts: read for
//! a merge (locked for the rest of the push), written back, tombstoned, erased.

use serde_json::{Map, Value};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::error::ApiResult;

type Tx<'a, 'b> = &'a mut Transaction<'b, Postgres>;

/// A same-field edit that lost, kept so a supervisor can see both sides.
pub struct Conflict {
    pub field: String,
    pub kept_value: Value,
    pub kept_hlc: String,
    pub kept_staff: Option<Uuid>,
    pub lost_value: Value,
    pub lost_hlc: String,
    pub lost_staff: Option<Uuid>,
}

/// A record's fields and their clocks, as stored.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Fields {
    pub fields: Map<String, Value>,
    pub clocks: Map<String, Value>,
}

impl Fields {
    fn from_row(fields: Value, clocks: Value) -> Self {
        Fields {
            fields: fields.as_object().cloned().unwrap_or_default(),
            clocks: clocks.as_object().cloned().unwrap_or_default(),
        }
    }
}

/// A customer's fields, locked for the rest of the push; `None` when they were erased (an
/// erased customer keeps only the anonymous stub). A customer the server does not hold yet
/// has no fields.
pub async fn customer_for_merge(tx: Tx<'_, '_>, org: Uuid, customer: Uuid) -> ApiResult<Option<Fields>> {
    let row: Option<(Value, Value, Option<chrono::DateTime<chrono::Utc>>)> = sqlx::query_as(
        "SELECT fields, clocks, erased_at FROM customers WHERE org_id = $1 AND customer_id = $2 FOR UPDATE",
    )
    .bind(org)
    .bind(customer)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match row {
        Some((_, _, Some(_))) => None,
        Some((fields, clocks, None)) => Some(Fields::from_row(fields, clocks)),
        None => Some(Fields::default()),
    })
}

/// Writes a customer's merged fields (a new customer takes `home` as their home store; a held
/// one keeps theirs).
pub async fn save_customer(
    tx: Tx<'_, '_>,
    org: Uuid,
    customer: Uuid,
    merged: Fields,
    home: Option<Uuid>,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO customers (org_id, customer_id, fields, clocks, home_store_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (org_id, customer_id) DO UPDATE SET fields = excluded.fields, clocks = excluded.clocks,
             home_store_id = coalesce(customers.home_store_id, excluded.home_store_id)",
    )
    .bind(org)
    .bind(customer)
    .bind(Value::Object(merged.fields))
    .bind(Value::Object(merged.clocks))
    .bind(home)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks a customer deleted (`restored` false) or restored at `hlc`; the later stamp of each
/// kind is kept, and which one stands is decided by comparing the two.
pub async fn tombstone(tx: Tx<'_, '_>, org: Uuid, customer: Uuid, restored: bool, hlc: &str) -> ApiResult<()> {
    let sql = if restored {
        "INSERT INTO customers (org_id, customer_id, restored_hlc) VALUES ($1, $2, $3)
         ON CONFLICT (org_id, customer_id) DO UPDATE
         SET restored_hlc = greatest(customers.restored_hlc, excluded.restored_hlc)"
    } else {
        "INSERT INTO customers (org_id, customer_id, deleted_hlc) VALUES ($1, $2, $3)
         ON CONFLICT (org_id, customer_id) DO UPDATE
         SET deleted_hlc = greatest(customers.deleted_hlc, excluded.deleted_hlc)"
    };
    sqlx::query(sql).bind(org).bind(customer).bind(hlc).execute(&mut **tx).await?;
    Ok(())
}

/// A follow-up's fields, locked for the rest of the push (none when it is new).
pub async fn follow_up_for_merge(tx: Tx<'_, '_>, org: Uuid, follow_up: Uuid) -> ApiResult<Fields> {
    let row: Option<(Value, Value)> =
        sqlx::query_as("SELECT fields, clocks FROM follow_ups WHERE org_id = $1 AND follow_up_id = $2 FOR UPDATE")
            .bind(org)
            .bind(follow_up)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(fields, clocks)| Fields::from_row(fields, clocks)).unwrap_or_default())
}

/// Writes a follow-up's merged fields, and the ones the closed-loop figures read as columns;
/// `at` is when the change was made (a new follow-up was opened then).
pub async fn save_follow_up(
    tx: Tx<'_, '_>,
    org: Uuid,
    follow_up: Uuid,
    store: Uuid,
    customer: Option<Uuid>,
    merged: Fields,
    at: chrono::DateTime<chrono::Utc>,
) -> ApiResult<()> {
    fn field<T: serde::de::DeserializeOwned>(fields: &Map<String, Value>, name: &str) -> Option<T> {
        fields.get(name).and_then(|v| serde_json::from_value(v.clone()).ok())
    }
    let f = &merged.fields;
    let status: String = field(f, "status").unwrap_or_else(|| "open".to_owned());
    let feeling_after = field::<touchpoint_protocol::Feeling>(f, "feeling_after").map(|x| i16::from(x.score()));
    sqlx::query(
        "INSERT INTO follow_ups (org_id, follow_up_id, store_id, customer_id, fields, clocks,
                                 interaction_id, status, due_at, closed_at, feeling_after, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (org_id, follow_up_id) DO UPDATE SET
             fields = excluded.fields, clocks = excluded.clocks, interaction_id = excluded.interaction_id,
             status = excluded.status, due_at = excluded.due_at, closed_at = excluded.closed_at,
             feeling_after = excluded.feeling_after,
             created_at = least(follow_ups.created_at, excluded.created_at)",
    )
    .bind(org)
    .bind(follow_up)
    .bind(store)
    .bind(customer)
    .bind(Value::Object(f.clone()))
    .bind(Value::Object(merged.clocks))
    .bind(field::<Uuid>(f, "interaction_id"))
    .bind(status)
    .bind(field::<chrono::DateTime<chrono::Utc>>(f, "due_at"))
    .bind(field::<chrono::DateTime<chrono::Utc>>(f, "closed_at"))
    .bind(feeling_after)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Remembers a review (whose work, which store) for the acknowledgement rule; once.
pub async fn record_review(
    tx: Tx<'_, '_>,
    org: Uuid,
    review: Uuid,
    reviewed_staff: Uuid,
    store: Uuid,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO reviews (org_id, review_id, reviewed_staff, store_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(org)
    .bind(review)
    .bind(reviewed_staff)
    .bind(store)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks a review read by the person reviewed (the first time counts).
pub async fn acknowledge_review(tx: Tx<'_, '_>, org: Uuid, review: Uuid) -> ApiResult<()> {
    sqlx::query(
        "UPDATE reviews SET acknowledged_at = coalesce(acknowledged_at, now()) WHERE org_id = $1 AND review_id = $2",
    )
    .bind(org)
    .bind(review)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Keeps the conflicts of one merge, so a supervisor can see both sides.
pub async fn record_conflicts(
    tx: Tx<'_, '_>,
    org: Uuid,
    entity: &str,
    id: Uuid,
    seq: i64,
    conflicts: Vec<Conflict>,
) -> ApiResult<()> {
    for c in conflicts {
        sqlx::query(
            "INSERT INTO conflicts (org_id, conflict_id, entity, entity_id, field, kept_value, kept_hlc, lost_value,
                                    lost_hlc, server_seq, kept_staff, lost_staff)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(org)
        .bind(Uuid::now_v7())
        .bind(entity)
        .bind(id)
        .bind(&c.field)
        .bind(&c.kept_value)
        .bind(&c.kept_hlc)
        .bind(&c.lost_value)
        .bind(&c.lost_hlc)
        .bind(seq)
        .bind(c.kept_staff)
        .bind(c.lost_staff)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Puts the customer in the store's scope so the store's devices pull their history.
pub async fn add_scope(tx: Tx<'_, '_>, org: Uuid, store: Uuid, customer: Uuid, seq: i64) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO customer_scope (org_id, store_id, customer_id, since_seq) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(org)
    .bind(store)
    .bind(customer)
    .bind(seq)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every store holding one of two merged records holds the other from `seq` on.
pub async fn share_scope(tx: Tx<'_, '_>, org: Uuid, a: Uuid, b: Uuid, seq: i64) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO customer_scope (org_id, store_id, customer_id, since_seq)
         SELECT s.org_id, s.store_id, CASE WHEN s.customer_id = $2 THEN $3 ELSE $2 END, $4
         FROM customer_scope s WHERE s.org_id = $1 AND s.customer_id IN ($2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(org)
    .bind(a)
    .bind(b)
    .bind(seq)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes a customer's personal data from the server, including from the change log so a
/// device bootstrapping later never sees it; an anonymous stub stays so counts stay right.
pub async fn erase(tx: Tx<'_, '_>, org: Uuid, customer: Uuid) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO customers (org_id, customer_id, fields, erased_at) VALUES ($1, $2, '{}', now())
         ON CONFLICT (org_id, customer_id) DO UPDATE SET fields = '{}', clocks = '{}',
             erased_at = coalesce(customers.erased_at, now())",
    )
    .bind(org)
    .bind(customer)
    .execute(&mut **tx)
    .await?;
    // The free text of their conversations, feedback, follow-ups and reviews may name them
    // too: dropped where it is optional, replaced where the record needs words.
    sqlx::query(
        "UPDATE change_log SET op = jsonb_set(op::jsonb, '{body}', (op::jsonb->'body') - 'summary' - 'verbatim' - 'resolution' - 'change_note' - 'detail' - 'occasion'
                 || CASE WHEN op::jsonb->'body' ? 'promise' THEN jsonb_build_object('promise', $3::text) ELSE '{}'::jsonb END
                 || CASE WHEN op::jsonb->'body' ? 'comment' THEN jsonb_build_object('comment', $3::text) ELSE '{}'::jsonb END)::json
         WHERE org_id = $1 AND customer_id = $2 AND entity <> 'customer_patch'",
    )
    .bind(org)
    .bind(customer)
    .bind(touchpoint_protocol::ERASED_TEXT)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "DELETE FROM conflicts WHERE org_id = $1 AND entity = 'follow_up'
             AND entity_id IN (SELECT follow_up_id FROM follow_ups WHERE org_id = $1 AND customer_id = $2)",
    )
    .bind(org)
    .bind(customer)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE follow_ups SET fields = (fields - 'resolution' - 'occasion')
                 || CASE WHEN fields ? 'promise' THEN jsonb_build_object('promise', $3::text) ELSE '{}'::jsonb END
         WHERE org_id = $1 AND customer_id = $2",
    )
    .bind(org)
    .bind(customer)
    .bind(touchpoint_protocol::ERASED_TEXT)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM conflicts WHERE org_id = $1 AND entity = 'customer' AND entity_id = $2")
        .bind(org)
        .bind(customer)
        .execute(&mut **tx)
        .await?;
    // Keep each patch's place in history but none of its personal fields.
    sqlx::query(
        "UPDATE change_log SET op = jsonb_set(op::jsonb, '{body}', jsonb_build_object('type', 'customer_patch', 'customer_id', customer_id))::json
         WHERE org_id = $1 AND customer_id = $2 AND entity = 'customer_patch'",
    )
    .bind(org)
    .bind(customer)
    .execute(&mut **tx)
    .await?;
    // A merge naming them (as either record) keeps its place but not the values it chose.
    sqlx::query(
        "UPDATE change_log SET op = jsonb_set(op::jsonb, '{body,fields}',
                 jsonb_build_object('customer_id', op::jsonb->'body'->'survivor_id'))::json
         WHERE org_id = $1 AND entity = 'customers_merged'
           AND (customer_id = $2 OR op::jsonb->'body'->>'merged_id' = $2::text)",
    )
    .bind(org)
    .bind(customer)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
