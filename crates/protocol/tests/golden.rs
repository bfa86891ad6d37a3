//! Pins the JSON form of the wire types: a change here breaks clients already in the field,
//! so it must fail loudly and be made on purpose (with a protocol version bump if it is not
//! purely additive).

use chrono::{TimeZone, Utc};
use serde_json::json;
use touchpoint_protocol::*;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn envelope(body: OpBody) -> Op {
    Op {
        op_id: id(1),
        device_id: id(2),
        store_id: id(3),
        staff_id: id(4),
        hlc: "1795000000000-000000-00000000000000000000000000000002".into(),
        body,
    }
}

fn round_trips(op: &Op, expected: serde_json::Value) {
    let json = serde_json::to_value(op).expect("serialises");
    assert_eq!(json, expected);
    let back: Op = serde_json::from_value(json).expect("deserialises");
    assert_eq!(&back, op);
}

#[test]
fn customer_patch_sends_only_the_fields_that_were_set() {
    let op = envelope(OpBody::CustomerPatch(CustomerPatch {
        customer_id: id(5),
        name: Some("Ana Souza".into()),
        phones: Some(vec!["+351912345678".into()]),
        consent: Some(Consent { marketing_email: true, ..Consent::default() }),
        ..CustomerPatch::default()
    }));
    round_trips(
        &op,
        json!({
            "op_id": "00000000-0000-0000-0000-000000000001",
            "device_id": "00000000-0000-0000-0000-000000000002",
            "store_id": "00000000-0000-0000-0000-000000000003",
            "staff_id": "00000000-0000-0000-0000-000000000004",
            "hlc": "1795000000000-000000-00000000000000000000000000000002",
            "body": {
                "type": "customer_patch",
                "customer_id": "00000000-0000-0000-0000-000000000005",
                "name": "Ana Souza",
                "phones": ["+351912345678"],
                "consent": {"marketing_email": true, "marketing_sms": false, "feedback_requests": false}
            }
        }),
    );
}

#[test]
fn interaction_and_feedback_have_a_fixed_shape() {
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 42, 0).single().expect("valid time");
    round_trips(
        &envelope(OpBody::InteractionLogged(InteractionRecord {
            interaction_id: id(6),
            customer_id: None,
            touch_point_id: id(7),
            channel: ContactChannel::InPerson,
            reason: Some("Refund".into()),
            outcome: Outcome::FollowUpNeeded,
            duration_secs: Some(360),
            summary: None,
            occurred_at: at,
        })),
        json!({
            "op_id": "00000000-0000-0000-0000-000000000001",
            "device_id": "00000000-0000-0000-0000-000000000002",
            "store_id": "00000000-0000-0000-0000-000000000003",
            "staff_id": "00000000-0000-0000-0000-000000000004",
            "hlc": "1795000000000-000000-00000000000000000000000000000002",
            "body": {
                "type": "interaction_logged",
                "interaction_id": "00000000-0000-0000-0000-000000000006",
                "customer_id": null,
                "touch_point_id": "00000000-0000-0000-0000-000000000007",
                "channel": "in_person",
                "reason": "Refund",
                "outcome": "follow_up_needed",
                "duration_secs": 360,
                "summary": null,
                "occurred_at": "2026-11-23T10:42:00Z"
            }
        }),
    );
    round_trips(
        &envelope(OpBody::FeedbackRecorded(FeedbackRecord {
            feedback_id: id(8),
            interaction_id: Some(id(6)),
            customer_id: Some(id(5)),
            feeling: Some(Feeling::VeryUnhappy),
            csat: Some(2),
            nps: None,
            ces: None,
            verbatim: Some("Took too long".into()),
            occurred_at: at,
        })),
        json!({
            "op_id": "00000000-0000-0000-0000-000000000001",
            "device_id": "00000000-0000-0000-0000-000000000002",
            "store_id": "00000000-0000-0000-0000-000000000003",
            "staff_id": "00000000-0000-0000-0000-000000000004",
            "hlc": "1795000000000-000000-00000000000000000000000000000002",
            "body": {
                "type": "feedback_recorded",
                "feedback_id": "00000000-0000-0000-0000-000000000008",
                "interaction_id": "00000000-0000-0000-0000-000000000006",
                "customer_id": "00000000-0000-0000-0000-000000000005",
                "feeling": "very_unhappy",
                "csat": 2,
                "nps": null,
                "ces": null,
                "verbatim": "Took too long",
                "occurred_at": "2026-11-23T10:42:00Z"
            }
        }),
    );
}

#[test]
fn unknown_op_type_is_refused_rather_than_guessed() {
    let err = serde_json::from_value::<OpBody>(json!({"type": "customer_teleported"}));
    assert!(err.is_err());
}

#[test]
fn amendment_and_follow_up_patch_have_a_fixed_shape() {
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).single().expect("valid time");
    let amend = serde_json::to_value(OpBody::InteractionAmended(AmendmentRecord {
        amendment_id: id(9),
        interaction_id: id(6),
        changes: InteractionChanges { outcome: Some(Outcome::Resolved), ..InteractionChanges::default() },
        note: Some("Refund approved".into()),
    }))
    .expect("serialises");
    assert_eq!(
        amend,
        json!({
            "type": "interaction_amended",
            "amendment_id": "00000000-0000-0000-0000-000000000009",
            "interaction_id": "00000000-0000-0000-0000-000000000006",
            "changes": {"outcome": "resolved"},
            "note": "Refund approved"
        })
    );
    let close = serde_json::to_value(OpBody::FollowUpPatch(FollowUpPatch {
        follow_up_id: id(10),
        status: Some(FollowUpStatus::CouldNotReach),
        resolution: Some("Voicemail".into()),
        closed_at: Some(at),
        ..FollowUpPatch::default()
    }))
    .expect("serialises");
    assert_eq!(
        close,
        json!({
            "type": "follow_up_patch",
            "follow_up_id": "00000000-0000-0000-0000-00000000000a",
            "status": "could_not_reach",
            "resolution": "Voicemail",
            "closed_at": "2026-11-24T10:00:00Z"
        })
    );
    let back: OpBody = serde_json::from_value(close).expect("deserialises");
    assert!(matches!(back, OpBody::FollowUpPatch(p) if p.status == Some(FollowUpStatus::CouldNotReach)));
}
