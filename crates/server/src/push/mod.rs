//! `POST /v1/sync/push`: a batch of ops applied in one transaction, as a pipeline:
//! **authorise** each op ([`policy`], pure and unit-tested), **allocate** its place in the
//! organisation's order, **apply** it to the mutable records ([`crate::apply`]), and **write**
//! the batch's rows in bulk ([`crate::db::push`]). Everything that can be looked up or written
//! for the whole batch at once is, so a push costs a handful of round trips, not several per op.

pub mod policy;

use axum::extract::State;
use axum::Json;
use chrono::Utc;
use touchpoint_protocol::{ErrorCode, OpBody, OpResult, OpStatus, PushRequest, PushResponse, MAX_PUSH_OPS};

use crate::apply;
use crate::db;
use crate::error::{ApiResult, Failure};
use crate::extract::{Body, Protocol};
use crate::tokens::DeviceAuth;
use crate::AppState;
pub use policy::MAX_CLOCK_AHEAD;
use policy::{Sender, Verdict};

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
    let sender = Sender::of(&auth);
    let mut tx = st.pool.begin().await?;
    // Allocate: the batch's places in the organisation's order, taken first.
    let mut next = db::sequence::take(&mut tx, org, req.ops.len()).await?;
    let mut facts = db::push::look_up(&mut tx, org, &sender, &req.ops).await?;

    let mut rows = db::push::Rows::default();
    let mut results: Vec<OpResult> = Vec::with_capacity(req.ops.len());
    for op in &req.ops {
        let result = match policy::authorise(op, &sender, &mut facts, now) {
            Verdict::Answered(answer) => {
                results.push(answer);
                continue;
            }
            Verdict::Refused(code, message) => {
                let status = OpStatus::Rejected { code, message };
                rows.rejected(op.op_id, &status);
                OpResult { op_id: op.op_id, status, server_seq: None }
            }
            Verdict::Accepted { customer, scrub } => {
                let seq = next;
                next += 1;
                facts.accepted(op, customer);
                let op = if scrub { apply::scrub(op) } else { op.clone() };
                for c in customer.into_iter().chain(op.body.other_customer_id()) {
                    rows.scope(op.store_id, c, seq);
                }
                match &op.body {
                    OpBody::InteractionLogged(_) | OpBody::FeedbackRecorded(_) | OpBody::InteractionAmended(_) => {}
                    OpBody::CustomerErased(_) => {
                        // The erasure scrubs what is already stored, this batch's rows included.
                        rows.write(&mut tx, org, auth.device_id).await?;
                        apply::apply(&mut tx, org, &op, seq, req.known_seq).await?;
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
        facts.answered(op.op_id, result.server_seq);
        results.push(result);
        #[cfg(feature = "test-faults")]
        st.faults.after_op(results.len()).await;
    }
    rows.write(&mut tx, org, auth.device_id).await?;
    tx.commit().await?;
    Ok(Json(PushResponse { results, server_time: now }))
}
