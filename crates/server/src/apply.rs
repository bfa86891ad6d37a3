//! Applying one accepted op to the server's state, inside the push transaction: mutable
//! records merge field by field (last writer wins by HLC, conflicts kept), a delete beats a
//! concurrent edit, events are stored once. The merge is pure ([`merge`]); reading and writing
//! the records is `db::records`.

use serde_json::{Map, Value};
use sqlx::{Postgres, Transaction};
use touchpoint_protocol::{Op, OpBody};
use uuid::Uuid;

use crate::db::records::{self, Conflict, Fields};
use crate::error::ApiResult;

/// Merges `patch` (field → value) stamped `hlc` into `fields`/`clocks`. A write that loses to
/// a later stamp, or that wins over a value its author had not seen (written after their
/// `known_seq`), is a conflict when the values differ.
fn merge(
    record: &mut Fields,
    patch: Map<String, Value>,
    hlc: &str,
    staff: Uuid,
    seq: i64,
    known_seq: i64,
) -> Vec<Conflict> {
    let Fields { fields, clocks } = record;
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
            f.occasion = None;
        }
        OpBody::ReviewRecorded(r) => r.comment = touchpoint_protocol::ERASED_TEXT.into(),
        OpBody::CustomersMerged(m) => {
            m.fields = touchpoint_protocol::CustomerPatch { customer_id: m.survivor_id, ..Default::default() }
        }
        _ => {}
    }
    op
}

/// Applies an accepted device op that changes a mutable record (customers, follow-ups,
/// tombstones, erasure) at `seq`; events, the change log, the ledger and scope rows are
/// written in bulk by the push's batch.
pub async fn apply(tx: &mut Transaction<'_, Postgres>, org: Uuid, op: &Op, seq: i64, known_seq: i64) -> ApiResult<()> {
    let hlc = op.hlc.to_string();
    match &op.body {
        OpBody::CustomerPatch(p) => {
            let Some(mut record) = records::customer_for_merge(tx, org, p.customer_id).await? else {
                return Ok(()); // an erased customer keeps only the anonymous stub
            };
            let conflicts = merge(&mut record, patch_fields(p, "customer_id"), &hlc, op.staff_id, seq, known_seq);
            records::save_customer(tx, org, p.customer_id, record, p.home_store_id).await?;
            if let Some(home) = p.home_store_id {
                records::add_scope(tx, org, home, p.customer_id, seq).await?;
            }
            records::record_conflicts(tx, org, "customer", p.customer_id, seq, conflicts).await
        }
        OpBody::CustomerDeleted(c) => records::tombstone(tx, org, c.customer_id, false, &hlc).await,
        OpBody::CustomerRestored(c) => records::tombstone(tx, org, c.customer_id, true, &hlc).await,
        OpBody::CustomerErased(c) => records::erase(tx, org, c.customer_id).await,
        OpBody::FollowUpPatch(f) => {
            let mut record = records::follow_up_for_merge(tx, org, f.follow_up_id).await?;
            if f.only_if_new && !record.fields.is_empty() {
                return Ok(()); // a reminder another desk raised first changes nothing
            }
            // Why it was snoozed or handed over is history (in the change log), not a field;
            // `only_if_new` says how to apply the patch, it is not one either.
            let mut changed = patch_fields(f, "follow_up_id");
            changed.remove("change_note");
            changed.remove("only_if_new");
            let conflicts = merge(&mut record, changed, &hlc, op.staff_id, seq, known_seq);
            let at = chrono::DateTime::from_timestamp_millis(op.hlc.wall_ms).unwrap_or_else(chrono::Utc::now);
            records::save_follow_up(tx, org, f.follow_up_id, op.store_id, f.customer_id, record, at).await?;
            records::record_conflicts(tx, org, "follow_up", f.follow_up_id, seq, conflicts).await
        }
        OpBody::ReviewRecorded(r) => {
            records::record_review(tx, org, r.review_id, r.reviewed_staff_id, r.store_id).await
        }
        OpBody::ReviewAcknowledged(a) => records::acknowledge_review(tx, org, a.review_id).await,
        // The stores that hold either record now hold both, so every desk that shows the
        // survivor receives the merged record's history (and the merge itself).
        OpBody::CustomersMerged(m) => records::share_scope(tx, org, m.merged_id, m.survivor_id, seq).await,
        // Merges and their undoes live in the change log; each desk works out which hold.
        OpBody::MergeUndone(_) | OpBody::NotSamePerson(_) => Ok(()),
        // Events (and audit entries) live in the change log, written in bulk by the push.
        OpBody::InteractionLogged(_)
        | OpBody::FeedbackRecorded(_)
        | OpBody::InteractionAmended(_)
        | OpBody::AuditRecorded(_) => Ok(()),
        // Catalogue ops never come from devices (refused before this point).
        OpBody::StoreUpsert(_)
        | OpBody::StaffUpsert(_)
        | OpBody::TouchPointUpsert(_)
        | OpBody::ReviewCriterionUpsert(_)
        | OpBody::ReasonUpsert(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    const EARLY: &str = "1700000000000-000000-00000000000000000000000000000001";
    const LATE: &str = "1700000000001-000000-00000000000000000000000000000002";

    #[test]
    fn a_first_write_sets_the_field_with_its_clock_and_no_conflict() {
        let mut record = Fields::default();
        let staff = Uuid::now_v7();
        let conflicts = merge(&mut record, fields(&[("name", json!("Ana"))]), EARLY, staff, 5, 0);
        assert!(conflicts.is_empty());
        assert_eq!(record.fields["name"], json!("Ana"));
        assert_eq!(record.clocks["name"], json!({ "hlc": EARLY, "seq": 5, "staff": staff }));
    }

    #[test]
    fn an_older_stamp_loses_and_is_kept_as_a_conflict_when_the_values_differ() {
        let mut record = Fields::default();
        let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
        merge(&mut record, fields(&[("name", json!("Ana Costa"))]), LATE, first, 5, 0);
        let conflicts = merge(&mut record, fields(&[("name", json!("Ana C."))]), EARLY, second, 6, 5);
        assert_eq!(record.fields["name"], json!("Ana Costa"), "the later stamp stays");
        assert_eq!(conflicts.len(), 1);
        let c = &conflicts[0];
        assert_eq!((c.kept_value.clone(), c.lost_value.clone()), (json!("Ana Costa"), json!("Ana C.")));
        assert_eq!((c.kept_staff, c.lost_staff), (Some(first), Some(second)));

        let same = merge(&mut record, fields(&[("name", json!("Ana Costa"))]), EARLY, second, 7, 5);
        assert!(same.is_empty(), "losing with the same value is no conflict");
    }

    #[test]
    fn a_newer_write_over_a_value_its_author_had_not_seen_wins_and_is_a_conflict() {
        let mut record = Fields::default();
        let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
        merge(&mut record, fields(&[("phone", json!("+351 912 000 001"))]), EARLY, first, 9, 0);
        // The second author had pulled up to 8: they never saw the write at 9.
        let conflicts = merge(&mut record, fields(&[("phone", json!("+351 912 000 002"))]), LATE, second, 10, 8);
        assert_eq!(record.fields["phone"], json!("+351 912 000 002"));
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].lost_value, json!("+351 912 000 001"));
        assert_eq!(conflicts[0].kept_staff, Some(second));

        // Having seen it (known_seq 10), the next newer write is an ordinary edit.
        let seen = merge(
            &mut record,
            fields(&[("phone", json!("+351 912 000 003"))]),
            "1700000000002-000000-00000000000000000000000000000003",
            first,
            11,
            10,
        );
        assert!(seen.is_empty());
    }

    #[test]
    fn fields_merge_independently() {
        let mut record = Fields::default();
        let staff = Uuid::now_v7();
        merge(&mut record, fields(&[("name", json!("Ana")), ("email", json!("a@x.pt"))]), LATE, staff, 1, 0);
        let conflicts =
            merge(&mut record, fields(&[("tags", json!(["vip"])), ("name", json!("Ana B"))]), EARLY, staff, 2, 1);
        assert_eq!(record.fields["tags"], json!(["vip"]), "an untouched field takes the older write");
        assert_eq!(record.fields["name"], json!("Ana"));
        assert_eq!(conflicts.len(), 1);
    }
}
