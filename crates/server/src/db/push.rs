//! What a push reads and writes in bulk: the organisation's sequence counter, the facts the
//! batch's rules need (one query each), and the rows it adds (change log, which is also the
//! ledger of applied ops, refused ops and the stores' customer scope) in one statement.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use sqlx::{Postgres, Transaction};
use touchpoint_protocol::{Op, OpBody, OpResult, OpStatus, RejectCode};
use uuid::Uuid;

use crate::error::{ApiResult, Failure};
use crate::push::policy::{keeper_named, Facts, Known, Sender};

/// Reads what the batch's rules need to know, each in one query.
pub async fn look_up(tx: &mut Transaction<'_, Postgres>, org: Uuid, sender: &Sender, ops: &[Op]) -> ApiResult<Facts> {
    let ids: Vec<Uuid> = ops.iter().map(|o| o.op_id).collect();
    let applied: Vec<(Uuid, i64)> =
        sqlx::query_as("SELECT op_id, server_seq FROM change_log WHERE org_id = $1 AND op_id = ANY($2)")
            .bind(org)
            .bind(&ids)
            .fetch_all(&mut **tx)
            .await?;
    let rejected: Vec<(Uuid, Value)> =
        sqlx::query_as("SELECT op_id, result FROM rejected_ops WHERE org_id = $1 AND op_id = ANY($2)")
            .bind(org)
            .bind(&ids)
            .fetch_all(&mut **tx)
            .await?;
    let mut seen: HashMap<Uuid, OpResult> = HashMap::new();
    for (op_id, seq) in applied {
        seen.insert(op_id, OpResult { op_id, status: OpStatus::Duplicate, server_seq: Some(seq) });
    }
    for (op_id, result) in rejected {
        let status = serde_json::from_value::<OpStatus>(result).unwrap_or(OpStatus::Rejected {
            code: RejectCode::Invalid,
            message: "This change was refused before.".into(),
        });
        seen.insert(op_id, OpResult { op_id, status, server_seq: None });
    }
    let authors: Vec<Uuid> = ops
        .iter()
        .filter(|o| o.body.needs_supervisor())
        .map(|o| o.staff_id)
        .chain(ops.iter().filter_map(|o| keeper_named(&o.body)))
        .collect();
    let roles: Vec<(Uuid, String, Option<Uuid>)> = if authors.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(
            "SELECT staff_id, role, home_store_id FROM staff WHERE org_id = $1 AND staff_id = ANY($2) AND active",
        )
        .bind(org)
        .bind(&authors)
        .fetch_all(&mut **tx)
        .await?
    };
    let acked: Vec<Uuid> = ops
        .iter()
        .filter_map(|o| match &o.body {
            OpBody::ReviewAcknowledged(a) => Some(a.review_id),
            _ => None,
        })
        .collect();
    let reviewed: Vec<(Uuid, Uuid)> = if acked.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as("SELECT review_id, reviewed_staff FROM reviews WHERE org_id = $1 AND review_id = ANY($2)")
            .bind(org)
            .bind(&acked)
            .fetch_all(&mut **tx)
            .await?
    };
    let follow_ups: Vec<Uuid> = ops
        .iter()
        .filter_map(|o| match &o.body {
            OpBody::FollowUpPatch(f) if f.customer_id.is_none() => Some(f.follow_up_id),
            _ => None,
        })
        .collect();
    let follow_up_customer: Vec<(Uuid, Option<Uuid>)> = if follow_ups.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as("SELECT follow_up_id, customer_id FROM follow_ups WHERE org_id = $1 AND follow_up_id = ANY($2)")
            .bind(org)
            .bind(&follow_ups)
            .fetch_all(&mut **tx)
            .await?
    };
    let mut customers: Vec<Uuid> = ops.iter().filter_map(|o| o.body.customer_id()).collect();
    customers.extend(ops.iter().filter_map(|o| o.body.other_customer_id()));
    customers.extend(follow_up_customer.iter().filter_map(|(_, c)| *c));
    customers.sort();
    customers.dedup();
    let held: Vec<(Uuid, bool, bool)> = sqlx::query_as(
        "SELECT c.customer_id, c.erased_at IS NOT NULL,
                $3 OR EXISTS (SELECT 1 FROM customer_scope s
                              WHERE s.org_id = c.org_id AND s.store_id = ANY($4) AND s.customer_id = c.customer_id)
         FROM customers c WHERE c.org_id = $1 AND c.customer_id = ANY($2)",
    )
    .bind(org)
    .bind(&customers)
    .bind(sender.reads_org)
    .bind(&sender.reads)
    .fetch_all(&mut **tx)
    .await?;
    Ok(Facts {
        seen,
        roles: roles.into_iter().map(|(id, role, home)| (id, (role, home))).collect(),
        reviewed: reviewed.into_iter().collect(),
        follow_up_customer: follow_up_customer.into_iter().collect(),
        customers: held.iter().map(|(id, _, in_scope)| (*id, Known { in_scope: *in_scope })).collect(),
        erased: held.iter().filter(|(_, erased, _)| *erased).map(|(id, _, _)| *id).collect(),
        in_batch: HashMap::new(),
    })
}

/// Rows written in bulk at the end of the push (or before an erasure, which must see them),
/// in one statement: the change log (which is also the ledger of applied ops), the refused
/// ops, and the scope.
#[derive(Default)]
pub struct Rows {
    log_seq: Vec<i64>,
    log_op_id: Vec<Uuid>,
    log_entity: Vec<&'static str>,
    log_entity_id: Vec<Uuid>,
    log_customer: Vec<Option<Uuid>>,
    log_store: Vec<Uuid>,
    /// The op as JSON text, parsed once by PostgreSQL.
    log_op: Vec<String>,
    log_hlc: Vec<String>,
    rejected_op: Vec<Uuid>,
    rejected_result: Vec<String>,
    scope_seen: HashSet<(Uuid, Uuid)>,
    scope_store: Vec<Uuid>,
    scope_customer: Vec<Uuid>,
    scope_seq: Vec<i64>,
    insight: super::insight::InsightRows,
    webhooks: crate::webhooks::Queued,
    merges: Vec<super::merges::MergeChange>,
    /// Customers whose survivors may have changed (merged, unmerged, erased).
    settle: Vec<Uuid>,
}

impl Rows {
    /// A refused op, with the answer it got (a repeat gets the same answer).
    pub fn rejected(&mut self, op: Uuid, status: &OpStatus) {
        self.rejected_op.push(op);
        self.rejected_result.push(serde_json::to_string(status).unwrap_or_else(|_| "null".into()));
    }

    /// Puts the customer in the store's scope (once per batch; the first sequence counts).
    pub fn scope(&mut self, store: Uuid, customer: Uuid, seq: i64) {
        if self.scope_seen.insert((store, customer)) {
            self.scope_store.push(store);
            self.scope_customer.push(customer);
            self.scope_seq.push(seq);
        }
    }

    /// An applied op's row of the change log.
    pub fn change(&mut self, op: &Op, seq: i64, customer: Option<Uuid>) -> ApiResult<()> {
        self.log_seq.push(seq);
        self.log_op_id.push(op.op_id);
        self.log_entity.push(op.body.kind());
        self.log_entity_id.push(op.body.entity_id());
        self.log_customer.push(customer);
        self.log_store.push(op.body.routed_store().unwrap_or(op.store_id));
        self.log_op.push(serde_json::to_string(op).map_err(|e| Failure::bad_request(e.to_string()))?);
        self.log_hlc.push(op.hlc.to_string());
        self.insight.add(op);
        self.webhooks.add(op);
        match &op.body {
            OpBody::CustomersMerged(m) => self.merge(m.merge_id, m.merged_id, m.survivor_id, op.hlc.to_string(), false),
            OpBody::MergeUndone(u) => self.merge(u.merge_id, u.merged_id, u.survivor_id, op.hlc.to_string(), true),
            OpBody::CustomerErased(c) => self.settle.push(c.customer_id),
            _ => {}
        }
        Ok(())
    }

    fn merge(&mut self, merge_id: Uuid, merged_id: Uuid, survivor_id: Uuid, hlc: String, undone: bool) {
        self.merges.push(super::merges::MergeChange { merge_id, merged_id, survivor_id, hlc, undone });
        self.settle.extend([merged_id, survivor_id]);
    }

    /// Writes the rows gathered so far and starts again empty.
    pub async fn write(&mut self, tx: &mut Transaction<'_, Postgres>, org: Uuid, device: Uuid) -> ApiResult<()> {
        let rows = std::mem::take(self);
        if rows.log_seq.is_empty() && rows.rejected_op.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "WITH logged AS (
                 INSERT INTO change_log (org_id, server_seq, op_id, entity, entity_id, customer_id, store_id, op, hlc)
                 SELECT $1, * FROM UNNEST($2::bigint[], $3::uuid[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[],
                                          $8::json[], $9::text[])
             ), scoped AS (
                 INSERT INTO customer_scope (org_id, store_id, customer_id, since_seq)
                 SELECT $1, * FROM UNNEST($10::uuid[], $11::uuid[], $12::bigint[]) ON CONFLICT DO NOTHING
             )
             INSERT INTO rejected_ops (org_id, op_id, device_id, result)
             SELECT $1, op, $13, result FROM UNNEST($14::uuid[], $15::jsonb[]) AS t(op, result)",
        )
        .bind(org)
        .bind(&rows.log_seq)
        .bind(&rows.log_op_id)
        .bind(&rows.log_entity)
        .bind(&rows.log_entity_id)
        .bind(&rows.log_customer)
        .bind(&rows.log_store)
        .bind(&rows.log_op)
        .bind(&rows.log_hlc)
        .bind(&rows.scope_store)
        .bind(&rows.scope_customer)
        .bind(&rows.scope_seq)
        .bind(device)
        .bind(&rows.rejected_op)
        .bind(&rows.rejected_result)
        .execute(&mut **tx)
        .await?;
        super::merges::record(tx, org, &rows.merges).await?;
        super::merges::settle(tx, org, &rows.settle).await?;
        crate::webhooks::enqueue(tx, org, rows.webhooks).await?;
        super::insight::write(tx, org, rows.insight).await
    }
}
