//! Applying one accepted op to the server's state, inside the push transaction: mutable
//! records merge field by field (last writer wins by HLC, conflicts kept), a delete beats a
//! concurrent edit, events are stored once.

use serde_json::{Map, Value};
use sqlx::{Postgres, Transaction};
use touchpoint_protocol::{Op, OpBody};
use uuid::Uuid;

use crate::error::ApiResult;

/// A same-field edit that lost, kept so a supervisor can see both sides.
struct Conflict {
    field: String,
    kept_value: Value,
    kept_hlc: String,
    kept_staff: Option<Uuid>,
    lost_value: Value,
    lost_hlc: String,
    lost_staff: Option<Uuid>,
}

/// Merges `patch` (field → value) stamped `hlc` into `fields`/`clocks`. A write that loses to
/// a later stamp, or that wins over a value its author had not seen (written after their
/// `known_seq`), is a conflict when the values differ.
fn merge(
    fields: &mut Map<String, Value>,
    clocks: &mut Map<String, Value>,
    patch: Map<String, Value>,
    hlc: &str,
    staff: Uuid,
    seq: i64,
    known_seq: i64,
) -> Vec<Conflict> {
    let mut conflicts = Vec::new();
    for (field, value) in patch {
        let current_hlc = clocks.get(&field).and_then(|c| c.get("hlc")).and_then(Value::as_str).map(str::to_owned);
        let current_seq = clocks.get(&field).and_then(|c| c.get("seq")).and_then(Value::as_i64).unwrap_or(0);
        let current_staff = clocks
            .get(&field)
            .and_then(|c| c.get("staff"))
            .and_then(Value::as_str)
            .and_then(|s| Uuid::try_parse(s).ok());
        let current_value = fields.get(&field).cloned().unwrap_or(Value::Null);
        match current_hlc {
            Some(cur) if !touchpoint_protocol::rules::newer_wins(Some(&cur), hlc) => {
                if current_value != value {
                    conflicts.push(Conflict {
                        field,
                        kept_value: current_value,
                        kept_hlc: cur,
                        kept_staff: current_staff,
                        lost_value: value,
                        lost_hlc: hlc.to_owned(),
                        lost_staff: Some(staff),
                    });
                }
            }
            current => {
                if let Some(cur) = current {
                    if current_seq > known_seq && current_value != value {
                        conflicts.push(Conflict {
                            field: field.clone(),
                            kept_value: value.clone(),
                            kept_hlc: hlc.to_owned(),
                            kept_staff: Some(staff),
                            lost_value: current_value,
                            lost_hlc: cur,
                            lost_staff: current_staff,
                        });
                    }
                }
                fields.insert(field.clone(), value);
                clocks.insert(field, serde_json::json!({ "hlc": hlc, "seq": seq, "staff": staff }));
            }
        }
    }
    conflicts
}

fn patch_fields<T: serde::Serialize>(patch: &T, id_field: &str) -> Map<String, Value> {
    match serde_json::to_value(patch) {
        Ok(Value::Object(mut m)) => {
            m.remove(id_field);
            m
        }
        _ => Map::new(),
    }
}

async fn record_conflicts(
    tx: &mut Transaction<'_, Postgres>,
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
pub async fn add_scope(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    store: Uuid,
    customer: Uuid,
    seq: i64,
) -> ApiResult<()> {
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

/// An op about a customer who was erased keeps its place (counts stay right) but loses every
/// personal detail before it is stored: a desk that was offline may still send what it had.
pub fn scrub(op: &Op) -> Op {
    let mut op = op.clone();
    match &mut op.body {
        OpBody::CustomerPatch(p) => {
            *p = touchpoint_protocol::CustomerPatch { customer_id: p.customer_id, ..Default::default() }
        }
        OpBody::InteractionLogged(i) => i.summary = None,
        OpBody::FeedbackRecorded(f) => f.verbatim = None,
        OpBody::InteractionAmended(a) => a.changes.summary = None,
        OpBody::AuditRecorded(a) => a.detail = None,
        OpBody::FollowUpPatch(f) => {
            if f.promise.is_some() {
                f.promise = Some(touchpoint_protocol::ERASED_TEXT.into());
            }
            f.resolution = None;
            f.change_note = None;
        }
        OpBody::ReviewRecorded(r) => r.comment = touchpoint_protocol::ERASED_TEXT.into(),
        _ => {}
    }
    op
}

/// Applies an accepted device op that changes a mutable record (customers, follow-ups,
/// tombstones, erasure) at `seq`; events, the change log, the ledger and scope rows are
/// written in bulk by the push's batch.
pub async fn apply(tx: &mut Transaction<'_, Postgres>, org: Uuid, op: &Op, seq: i64, known_seq: i64) -> ApiResult<()> {
    match &op.body {
        OpBody::CustomerPatch(p) => {
            let row: Option<(Value, Value, Option<chrono::DateTime<chrono::Utc>>)> = sqlx::query_as(
                "SELECT fields, clocks, erased_at FROM customers WHERE org_id = $1 AND customer_id = $2 FOR UPDATE",
            )
            .bind(org)
            .bind(p.customer_id)
            .fetch_optional(&mut **tx)
            .await?;
            let (fields, clocks, erased) = row.unwrap_or((Value::Object(Map::new()), Value::Object(Map::new()), None));
            if erased.is_some() {
                return Ok(()); // an erased customer keeps only the anonymous stub
            }
            let mut fields = fields.as_object().cloned().unwrap_or_default();
            let mut clocks = clocks.as_object().cloned().unwrap_or_default();
            let conflicts = merge(
                &mut fields,
                &mut clocks,
                patch_fields(p, "customer_id"),
                &op.hlc.to_string(),
                op.staff_id,
                seq,
                known_seq,
            );
            sqlx::query(
                "INSERT INTO customers (org_id, customer_id, fields, clocks, home_store_id) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (org_id, customer_id) DO UPDATE SET fields = excluded.fields, clocks = excluded.clocks,
                     home_store_id = coalesce(customers.home_store_id, excluded.home_store_id)",
            )
            .bind(org)
            .bind(p.customer_id)
            .bind(Value::Object(fields))
            .bind(Value::Object(clocks))
            .bind(p.home_store_id)
            .execute(&mut **tx)
            .await?;
            if let Some(home) = p.home_store_id {
                add_scope(tx, org, home, p.customer_id, seq).await?;
            }
            record_conflicts(tx, org, "customer", p.customer_id, seq, conflicts).await
        }
        OpBody::CustomerDeleted(c) | OpBody::CustomerRestored(c) => {
            let sql = if matches!(op.body, OpBody::CustomerDeleted(_)) {
                "INSERT INTO customers (org_id, customer_id, deleted_hlc) VALUES ($1, $2, $3)
                 ON CONFLICT (org_id, customer_id) DO UPDATE
                 SET deleted_hlc = greatest(customers.deleted_hlc, excluded.deleted_hlc)"
            } else {
                "INSERT INTO customers (org_id, customer_id, restored_hlc) VALUES ($1, $2, $3)
                 ON CONFLICT (org_id, customer_id) DO UPDATE
                 SET restored_hlc = greatest(customers.restored_hlc, excluded.restored_hlc)"
            };
            sqlx::query(sql).bind(org).bind(c.customer_id).bind(op.hlc.to_string()).execute(&mut **tx).await?;
            Ok(())
        }
        OpBody::CustomerErased(c) => erase(tx, org, c.customer_id).await,
        OpBody::FollowUpPatch(f) => {
            let row: Option<(Value, Value)> = sqlx::query_as(
                "SELECT fields, clocks FROM follow_ups WHERE org_id = $1 AND follow_up_id = $2 FOR UPDATE",
            )
            .bind(org)
            .bind(f.follow_up_id)
            .fetch_optional(&mut **tx)
            .await?;
            let (fields, clocks) = row.unwrap_or((Value::Object(Map::new()), Value::Object(Map::new())));
            let mut fields = fields.as_object().cloned().unwrap_or_default();
            let mut clocks = clocks.as_object().cloned().unwrap_or_default();
            // Why it was snoozed or handed over is history (in the change log), not a field.
            let mut changed = patch_fields(f, "follow_up_id");
            changed.remove("change_note");
            let conflicts = merge(&mut fields, &mut clocks, changed, &op.hlc.to_string(), op.staff_id, seq, known_seq);
            sqlx::query(
                "INSERT INTO follow_ups (org_id, follow_up_id, store_id, customer_id, fields, clocks) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (org_id, follow_up_id) DO UPDATE SET fields = excluded.fields, clocks = excluded.clocks",
            )
            .bind(org)
            .bind(f.follow_up_id)
            .bind(op.store_id)
            .bind(f.customer_id)
            .bind(Value::Object(fields))
            .bind(Value::Object(clocks))
            .execute(&mut **tx)
            .await?;
            record_conflicts(tx, org, "follow_up", f.follow_up_id, seq, conflicts).await
        }
        OpBody::ReviewRecorded(r) => {
            sqlx::query(
                "INSERT INTO reviews (org_id, review_id, reviewed_staff, store_id) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
            )
            .bind(org)
            .bind(r.review_id)
            .bind(r.reviewed_staff_id)
            .bind(r.store_id)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        OpBody::ReviewAcknowledged(a) => {
            sqlx::query(
                "UPDATE reviews SET acknowledged_at = coalesce(acknowledged_at, now()) WHERE org_id = $1 AND review_id = $2",
            )
            .bind(org)
            .bind(a.review_id)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        // Events (and audit entries) live in the change log, written in bulk by the push.
        OpBody::InteractionLogged(_)
        | OpBody::FeedbackRecorded(_)
        | OpBody::InteractionAmended(_)
        | OpBody::AuditRecorded(_) => Ok(()),
        // Catalogue ops never come from devices (refused before this point).
        OpBody::StoreUpsert(_)
        | OpBody::StaffUpsert(_)
        | OpBody::TouchPointUpsert(_)
        | OpBody::ReviewCriterionUpsert(_) => Ok(()),
    }
}

/// Removes a customer's personal data from the server, including from the change log so a
/// device bootstrapping later never sees it; an anonymous stub stays so counts stay right.
pub async fn erase(tx: &mut Transaction<'_, Postgres>, org: Uuid, customer: Uuid) -> ApiResult<()> {
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
        "UPDATE change_log SET op = jsonb_set(op::jsonb, '{body}', (op::jsonb->'body') - 'summary' - 'verbatim' - 'resolution' - 'change_note' - 'detail'
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
        "UPDATE follow_ups SET fields = (fields - 'resolution')
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
    Ok(())
}
