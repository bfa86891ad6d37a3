//! `POST /v1/sync/push`: a batch of ops applied in one transaction. Everything that can be
//! looked up or written for the whole batch at once is (the ledger, roles, customers of
//! corrections, erased customers, and the rows of the change log, events, ledger and scope),
//! so a push costs a handful of round trips, not several per op. Mutable records merge one
//! by one, in order.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::Json;
use chrono::Utc;
use serde_json::Value;
use sqlx::{Postgres, Transaction};
use touchpoint_protocol::{
    ErrorCode, Op, OpBody, OpResult, OpStatus, PushRequest, PushResponse, RejectCode, Role, MAX_PUSH_OPS,
};
use uuid::Uuid;

use crate::apply;
use crate::error::{ApiResult, Failure};
use crate::extract::{Body, Protocol};
use crate::tokens::DeviceAuth;
use crate::AppState;

/// How far ahead of the server's clock a change's stamp may be. A desk whose clock is
/// further ahead would win every concurrent edit for that long; its changes are refused
/// with a reason a person can act on (fix the clock), not silently reordered.
pub const MAX_CLOCK_AHEAD: chrono::Duration = chrono::Duration::hours(24);

/// Why an op is refused for good, or `None` to apply it.
fn refuse(op: &Op, auth: &DeviceAuth, now: chrono::DateTime<Utc>) -> Option<(RejectCode, String)> {
    if op.device_id != auth.device_id || op.store_id != auth.store_id {
        return Some((
            RejectCode::WrongDevice,
            "This change names another device or store than the one sending it.".into(),
        ));
    }
    if op.body.is_catalogue() {
        return Some((RejectCode::Forbidden, "Stores, staff and touch points are changed on the server only.".into()));
    }
    if let Some(store) = op.body.routed_store() {
        if !auth.reads_org && !auth.reads.contains(&store) {
            return Some((RejectCode::Forbidden, "This desk cannot review another store's conversations.".into()));
        }
    }
    // The stamp was parsed (canonical form only) with the op; what is left is its time.
    if op.hlc.wall_ms > (now + MAX_CLOCK_AHEAD).timestamp_millis() {
        return Some((
            RejectCode::Invalid,
            "This desk's clock is more than a day ahead of the server's. Set the correct date and time.".into(),
        ));
    }
    touchpoint_protocol::rules::problem(&op.body).map(|p| (RejectCode::Invalid, p))
}

/// Pauses a push after it applied this many ops, before it commits (tests kill the server
/// there, or hold the organisation's counter while another push waits). Only in builds with
/// the `test-faults` feature, which release builds never have.
#[cfg(feature = "test-faults")]
#[derive(Debug, Default)]
pub struct Faults {
    pub pause_after_ops: std::sync::Mutex<Option<(usize, std::time::Duration)>>,
    /// True while a push sits in that pause.
    pub paused: std::sync::atomic::AtomicBool,
}

#[cfg(feature = "test-faults")]
impl Faults {
    /// Called after each op a push applied (`applied` so far): sits in the pause when asked to.
    async fn after_op(&self, applied: usize) {
        let pause = *self.pause_after_ops.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((after, wait)) = pause {
            if applied == after {
                self.paused.store(true, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(wait).await;
                self.paused.store(false, std::sync::atomic::Ordering::SeqCst);
            }
        }
    }
}

/// Rows written in bulk at the end of the push (or before an erasure, which must see them),
/// in one statement: the change log (which is also the ledger of applied ops), the refused
/// ops, and the scope.
#[derive(Default)]
struct Rows {
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
}

impl Rows {
    fn rejected(&mut self, op: Uuid, status: &OpStatus) {
        self.rejected_op.push(op);
        self.rejected_result.push(serde_json::to_string(status).unwrap_or_else(|_| "null".into()));
    }

    /// Puts the customer in the store's scope (once per batch; the first sequence counts).
    fn scope(&mut self, store: Uuid, customer: Uuid, seq: i64) {
        if self.scope_seen.insert((store, customer)) {
            self.scope_store.push(store);
            self.scope_customer.push(customer);
            self.scope_seq.push(seq);
        }
    }

    fn change(&mut self, op: &Op, seq: i64, customer: Option<Uuid>) -> ApiResult<()> {
        self.log_seq.push(seq);
        self.log_op_id.push(op.op_id);
        self.log_entity.push(op.body.kind());
        self.log_entity_id.push(op.body.entity_id());
        self.log_customer.push(customer);
        self.log_store.push(op.body.routed_store().unwrap_or(op.store_id));
        self.log_op.push(serde_json::to_string(op).map_err(|e| Failure::bad_request(e.to_string()))?);
        self.log_hlc.push(op.hlc.to_string());
        Ok(())
    }

    async fn flush(&mut self, tx: &mut Transaction<'_, Postgres>, org: Uuid, device: Uuid) -> ApiResult<()> {
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
        Ok(())
    }
}

/// What the batch needs to know from the database, each in one query.
struct Lookups {
    /// Ops answered before, with the answer they got.
    seen: HashMap<Uuid, OpResult>,
    /// Roles of the authors of supervisor-only ops.
    /// Role and home store of the people named by ops that need a supervisor.
    roles: HashMap<Uuid, (String, Option<Uuid>)>,
    /// Whose work each acknowledged review reviewed.
    reviewed: HashMap<Uuid, Uuid>,
    /// Customer of each follow-up a patch without one points at.
    follow_up_customer: HashMap<Uuid, Option<Uuid>>,
    /// The customers the batch names that the server already holds, and whether the device
    /// may write to them (they are in a store it reads).
    customers: HashMap<Uuid, Known>,
    erased: HashSet<Uuid>,
}

#[derive(Debug, Clone, Copy)]
struct Known {
    in_scope: bool,
}

async fn look_up(tx: &mut Transaction<'_, Postgres>, auth: &DeviceAuth, ops: &[Op]) -> ApiResult<Lookups> {
    let org = auth.org_id;
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
    let authors: Vec<Uuid> = ops.iter().filter(|o| o.body.needs_supervisor()).map(|o| o.staff_id).collect();
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
    .bind(auth.reads_org)
    .bind(&auth.reads)
    .fetch_all(&mut **tx)
    .await?;
    Ok(Lookups {
        seen,
        roles: roles.into_iter().map(|(id, role, home)| (id, (role, home))).collect(),
        reviewed: reviewed.into_iter().collect(),
        follow_up_customer: follow_up_customer.into_iter().collect(),
        customers: held.iter().map(|(id, _, in_scope)| (*id, Known { in_scope: *in_scope })).collect(),
        erased: held.iter().filter(|(_, erased, _)| *erased).map(|(id, _, _)| *id).collect(),
    })
}

/// Reviews, deletions, restores and erasures: the person named must be a supervisor or an
/// admin the device could have signed in (one of the stores it reads, or an organisation-wide
/// person), and the device itself a supervisor's or an administrator's — a frontline desk cannot
/// send them, whoever it says is signed in.
fn supervisor_refusal(
    roles: &HashMap<Uuid, (String, Option<Uuid>)>,
    auth: &DeviceAuth,
    op: &Op,
) -> Option<(RejectCode, String)> {
    let what = if matches!(op.body, OpBody::ReviewRecorded(_)) {
        "review someone's work"
    } else {
        "delete, restore or erase a customer"
    };
    let Some((role, home)) = roles.get(&op.staff_id) else {
        return Some((RejectCode::Forbidden, "The server does not know the staff member who made this change.".into()));
    };
    if !matches!(role.as_str(), "supervisor" | "admin") {
        return Some((RejectCode::Forbidden, format!("Only a supervisor or an admin can {what}.")));
    }
    if let Some(home) = home {
        if !auth.reads_org && !auth.reads.contains(home) {
            return Some((
                RejectCode::Forbidden,
                "This staff member works at a store this device does not serve.".into(),
            ));
        }
    }
    if auth.role == Role::Frontline {
        return Some((
            RejectCode::Forbidden,
            format!("This is a frontline desk: only a supervisor's or an administrator's device can {what}."),
        ));
    }
    None
}

#[utoipa::path(post, path = "/v1/sync/push", request_body = PushRequest,
    responses((status = 200, body = PushResponse), (status = "4XX", body = touchpoint_protocol::ApiError)),
    security(("device" = [])))]
pub async fn push(
    State(st): State<AppState>,
    _version: Protocol,
    auth: DeviceAuth,
    Body(req): Body<PushRequest>,
) -> ApiResult<Json<PushResponse>> {
    if req.ops.len() > MAX_PUSH_OPS {
        return Err(Failure::new(
            ErrorCode::PayloadTooLarge,
            format!("Send at most {MAX_PUSH_OPS} changes at a time."),
        ));
    }
    let now = Utc::now();
    let org = auth.org_id;
    let mut tx = st.pool.begin().await?;
    // Taking the organisation's counter row serialises writers: sequence order is commit order.
    // (It is taken first, so two pushes of the same op cannot both miss the ledger.)
    let mut next: i64 = sqlx::query_scalar(
        "UPDATE org_counters SET next_seq = next_seq + $2 WHERE org_id = $1 RETURNING next_seq - $2",
    )
    .bind(org)
    .bind(req.ops.len() as i64)
    .fetch_one(&mut *tx)
    .await?;
    let mut known = look_up(&mut tx, &auth, &req.ops).await?;

    let mut rows = Rows::default();
    let mut results: Vec<OpResult> = Vec::with_capacity(req.ops.len());
    let mut in_batch: HashMap<Uuid, Option<i64>> = HashMap::new();
    for op in &req.ops {
        if let Some(answer) = known.seen.get(&op.op_id) {
            results.push(answer.clone());
            continue;
        }
        if let Some(seq) = in_batch.get(&op.op_id) {
            results.push(OpResult { op_id: op.op_id, status: OpStatus::Duplicate, server_seq: *seq });
            continue;
        }
        let customer = match &op.body {
            OpBody::FollowUpPatch(f) if f.customer_id.is_none() => {
                known.follow_up_customer.get(&f.follow_up_id).copied().flatten()
            }
            body => body.customer_id(),
        };
        let mut refusal = refuse(op, &auth, now);
        if refusal.is_none() && op.body.needs_supervisor() {
            refusal = supervisor_refusal(&known.roles, &auth, op);
        }
        // A device writes only to customers of the stores it reads (or new ones): another
        // store's customer is brought into its store first, by opening them from the
        // organisation's search (adoption), never by writing to them.
        if refusal.is_none() && customer.and_then(|c| known.customers.get(&c)).is_some_and(|k| !k.in_scope) {
            refusal = Some((
                RejectCode::Forbidden,
                "This customer belongs to another store. Open them from the search first, then make the change.".into(),
            ));
        }
        match &op.body {
            OpBody::ReviewRecorded(r) if refusal.is_none() => {
                if let Some(why) = touchpoint_protocol::rules::own_work_review(op.staff_id, r.reviewed_staff_id) {
                    refusal = Some((RejectCode::Forbidden, why.into()));
                }
                known.reviewed.insert(r.review_id, r.reviewed_staff_id);
            }
            OpBody::ReviewAcknowledged(a) if refusal.is_none() => {
                refusal = match known.reviewed.get(&a.review_id) {
                    Some(staff) if *staff == op.staff_id => None,
                    Some(_) => Some((
                        RejectCode::Forbidden,
                        "Only the person whose work was reviewed can acknowledge it.".into(),
                    )),
                    None => Some((RejectCode::UnknownReference, "The server does not know this review.".into())),
                };
            }
            _ => {}
        }
        let result = match refusal {
            Some((code, message)) => {
                OpResult { op_id: op.op_id, status: OpStatus::Rejected { code, message }, server_seq: None }
            }
            None => {
                let seq = next;
                next += 1;
                if let OpBody::FollowUpPatch(f) = &op.body {
                    if f.customer_id.is_some() {
                        known.follow_up_customer.insert(f.follow_up_id, f.customer_id);
                    }
                }
                let op =
                    if customer.is_some_and(|c| known.erased.contains(&c)) { apply::scrub(op) } else { op.clone() };
                if let Some(c) = customer {
                    rows.scope(op.store_id, c, seq);
                    known.customers.insert(c, Known { in_scope: true });
                }
                match &op.body {
                    OpBody::InteractionLogged(_) | OpBody::FeedbackRecorded(_) | OpBody::InteractionAmended(_) => {}
                    OpBody::CustomerErased(c) => {
                        // The erasure scrubs what is already stored, this batch's rows included.
                        rows.flush(&mut tx, org, auth.device_id).await?;
                        apply::apply(&mut tx, org, &op, seq, req.known_seq).await?;
                        known.erased.insert(c.customer_id);
                    }
                    OpBody::CustomerPatch(p) => {
                        apply::apply(&mut tx, org, &op, seq, req.known_seq).await?;
                        if let Some(home) = p.home_store_id {
                            rows.scope(home, p.customer_id, seq);
                        }
                    }
                    _ => apply::apply(&mut tx, org, &op, seq, req.known_seq).await?,
                }
                rows.change(&op, seq, customer)?;
                OpResult { op_id: op.op_id, status: OpStatus::Applied, server_seq: Some(seq) }
            }
        };
        in_batch.insert(op.op_id, result.server_seq);
        if matches!(result.status, OpStatus::Rejected { .. }) {
            rows.rejected(op.op_id, &result.status);
        }
        results.push(result);
        #[cfg(feature = "test-faults")]
        st.faults.after_op(results.len()).await;
    }
    rows.flush(&mut tx, org, auth.device_id).await?;
    tx.commit().await?;
    Ok(Json(PushResponse { results, server_time: now }))
}
