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
        hlc: "1795000000000-000000-00000000000000000000000000000002".parse().expect("a stamp"),
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
        customer_id: None,
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

/// Serialises `value`, checks it against `expected`, and reads it back unchanged.
fn pinned<T>(value: &T, expected: serde_json::Value)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(value).expect("serialises");
    assert_eq!(json, expected);
    let back: T = serde_json::from_value(json).expect("deserialises");
    assert_eq!(&back, value);
}

#[test]
fn tombstones_and_catalogue_ops_have_a_fixed_shape() {
    pinned(
        &OpBody::CustomerDeleted(CustomerRef { customer_id: id(5) }),
        json!({"type": "customer_deleted", "customer_id": "00000000-0000-0000-0000-000000000005"}),
    );
    pinned(
        &OpBody::CustomerErased(CustomerRef { customer_id: id(5) }),
        json!({"type": "customer_erased", "customer_id": "00000000-0000-0000-0000-000000000005"}),
    );
    pinned(
        &OpBody::StaffUpsert(StaffRecord {
            staff_id: id(4),
            name: "Maria Lopes".into(),
            role: Role::Frontline,
            home_store_id: Some(id(3)),
            pin_hash: None,
            active: true,
            pin_online: false,
        }),
        json!({
            "type": "staff_upsert",
            "staff_id": "00000000-0000-0000-0000-000000000004",
            "name": "Maria Lopes",
            "role": "frontline",
            "home_store_id": "00000000-0000-0000-0000-000000000003",
            "pin_hash": null,
            "active": true
        }),
    );
    // A supervisor as a till receives them: a PIN, checked with the server.
    pinned(
        &OpBody::StaffUpsert(StaffRecord {
            staff_id: id(4),
            name: "Priya Shah".into(),
            role: Role::Supervisor,
            home_store_id: Some(id(3)),
            pin_hash: None,
            active: true,
            pin_online: true,
        }),
        json!({
            "type": "staff_upsert",
            "staff_id": "00000000-0000-0000-0000-000000000004",
            "name": "Priya Shah",
            "role": "supervisor",
            "home_store_id": "00000000-0000-0000-0000-000000000003",
            "pin_hash": null,
            "active": true,
            "pin_online": true
        }),
    );
    pinned(
        &OpBody::TouchPointUpsert(TouchPointRecord {
            touch_point_id: id(7),
            name: "Returns desk".into(),
            default_channel: ContactChannel::InPerson,
            sort_order: 2,
            active: true,
        }),
        json!({
            "type": "touch_point_upsert",
            "touch_point_id": "00000000-0000-0000-0000-000000000007",
            "name": "Returns desk",
            "default_channel": "in_person",
            "sort_order": 2,
            "active": true
        }),
    );
}

#[test]
fn push_answers_say_per_op_what_happened() {
    pinned(
        &PushResponse {
            results: vec![
                OpResult { op_id: id(1), status: OpStatus::Applied, server_seq: Some(41) },
                OpResult { op_id: id(2), status: OpStatus::Duplicate, server_seq: Some(12) },
                OpResult {
                    op_id: id(3),
                    status: OpStatus::Rejected { code: RejectCode::WrongDevice, message: "Not yours.".into() },
                    server_seq: None,
                },
            ],
            server_time: Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).single().expect("valid time"),
        },
        json!({
            "results": [
                {"op_id": "00000000-0000-0000-0000-000000000001", "status": "applied", "server_seq": 41},
                {"op_id": "00000000-0000-0000-0000-000000000002", "status": "duplicate", "server_seq": 12},
                {"op_id": "00000000-0000-0000-0000-000000000003", "status": "rejected", "code": "wrong_device",
                 "message": "Not yours.", "server_seq": null}
            ],
            "server_time": "2026-11-24T10:00:00Z"
        }),
    );
    // A push from a client that does not send its cursor is still read.
    let req: PushRequest = serde_json::from_value(json!({"ops": []})).expect("reads");
    assert_eq!(req.known_seq, 0);
}

#[test]
fn a_pull_page_carries_its_cursor_epoch_and_the_servers_clock() {
    let page = PullResponse {
        changes: vec![Change { seq: 7, op: envelope(OpBody::CustomerDeleted(CustomerRef { customer_id: id(5) })) }],
        next_since: 7,
        has_more: false,
        server_epoch: id(99),
        min_retained_seq: 1,
        head_seq: 9,
        server_time: Some(Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).single().expect("valid time")),
    };
    let json = serde_json::to_value(&page).expect("serialises");
    assert_eq!(json["next_since"], 7);
    assert_eq!(json["has_more"], false);
    assert_eq!(json["server_epoch"], "00000000-0000-0000-0000-000000000063");
    assert_eq!(json["min_retained_seq"], 1);
    assert_eq!(json["head_seq"], 9);
    assert_eq!(json["server_time"], "2026-11-24T10:00:00Z");
    assert_eq!(json["changes"][0]["seq"], 7);
    assert_eq!(json["changes"][0]["op"]["body"]["type"], "customer_deleted");
    let back: PullResponse = serde_json::from_value(json).expect("deserialises");
    assert_eq!(back, page);
    // An older server that sends neither head nor clock is still understood.
    let old: PullResponse = serde_json::from_value(json!({
        "changes": [], "next_since": 0, "has_more": false,
        "server_epoch": "00000000-0000-0000-0000-000000000063", "min_retained_seq": 1
    }))
    .expect("reads an older page");
    assert_eq!((old.head_seq, old.server_time), (0, None));
}

#[test]
fn enrollment_tokens_and_errors_have_a_fixed_shape() {
    pinned(
        &EnrollRequest { code: "ABCD-2345".into(), device_id: id(2), device_name: "Returns desk PC".into() },
        json!({"code": "ABCD-2345", "device_id": "00000000-0000-0000-0000-000000000002", "device_name": "Returns desk PC"}),
    );
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 10, 15, 0).single().expect("valid time");
    pinned(
        &EnrollResponse {
            device_id: id(2),
            org_id: id(8),
            store_id: id(3),
            refresh_token: "r".into(),
            access_token: "a".into(),
            access_expires_at: at,
            device_role: Role::Supervisor,
        },
        json!({
            "device_id": "00000000-0000-0000-0000-000000000002",
            "org_id": "00000000-0000-0000-0000-000000000008",
            "store_id": "00000000-0000-0000-0000-000000000003",
            "refresh_token": "r",
            "access_token": "a",
            "access_expires_at": "2026-11-24T10:15:00Z",
            "device_role": "supervisor"
        }),
    );
    // A server from before device roles says nothing: the desk takes itself for a till.
    let old: EnrollResponse = serde_json::from_value(json!({
        "device_id": "00000000-0000-0000-0000-000000000002",
        "org_id": "00000000-0000-0000-0000-000000000008",
        "store_id": "00000000-0000-0000-0000-000000000003",
        "refresh_token": "r",
        "access_token": "a",
        "access_expires_at": "2026-11-24T10:15:00Z"
    }))
    .expect("an older server's answer");
    assert_eq!(old.device_role, Role::Frontline);
    pinned(
        &ApiError { code: ErrorCode::ResyncRequired, message: "Start again.".into() },
        json!({"code": "resync_required", "message": "Start again."}),
    );
    for (code, name) in [
        (ErrorCode::BadRequest, "bad_request"),
        (ErrorCode::PayloadTooLarge, "payload_too_large"),
        (ErrorCode::Unauthorized, "unauthorized"),
        (ErrorCode::Forbidden, "forbidden"),
        (ErrorCode::NotFound, "not_found"),
        (ErrorCode::UnsupportedProtocol, "unsupported_protocol"),
        (ErrorCode::Unavailable, "unavailable"),
        (ErrorCode::Internal, "internal"),
    ] {
        assert_eq!(serde_json::to_value(code).expect("serialises"), json!(name));
    }
    assert_eq!(PROTOCOL_HEADER, "x-touchpoint-protocol");
}

#[test]
fn server_search_and_adopt_have_a_fixed_shape() {
    pinned(
        &SearchResponse {
            customers: vec![RemoteCustomer {
                customer_id: id(5),
                name: "Ana Souza".into(),
                phones: vec!["+351912345678".into()],
                emails: vec![],
                loyalty_id: None,
                home_store_id: Some(id(3)),
                last_seen_at: None,
            }],
        },
        json!({"customers": [{
            "customer_id": "00000000-0000-0000-0000-000000000005",
            "name": "Ana Souza",
            "phones": ["+351912345678"],
            "emails": [],
            "loyalty_id": null,
            "home_store_id": "00000000-0000-0000-0000-000000000003",
            "last_seen_at": null
        }]}),
    );
    pinned(&AdoptRequest { customer_id: id(5) }, json!({"customer_id": "00000000-0000-0000-0000-000000000005"}));
}

#[test]
fn conflicts_have_a_fixed_shape() {
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).single().expect("time");
    pinned(
        &RecentConflictsResponse {
            conflicts: vec![CustomerConflict {
                customer_id: id(5),
                conflict: FieldConflict {
                    field: "name".into(),
                    kept_value: "\"Ana S. Lima\"".into(),
                    kept_hlc: "000001900000000000:0001:a".into(),
                    kept_staff_id: Some(id(7)),
                    lost_value: "\"Ana Souza Lima\"".into(),
                    lost_hlc: "000001900000000000:0000:b".into(),
                    lost_staff_id: None,
                    recorded_at: at,
                },
            }],
        },
        json!({"conflicts": [{
            "customer_id": "00000000-0000-0000-0000-000000000005",
            "conflict": {
                "field": "name",
                "kept_value": "\"Ana S. Lima\"",
                "kept_hlc": "000001900000000000:0001:a",
                "kept_staff_id": "00000000-0000-0000-0000-000000000007",
                "lost_value": "\"Ana Souza Lima\"",
                "lost_hlc": "000001900000000000:0000:b",
                "lost_staff_id": null,
                "recorded_at": "2026-11-20T10:00:00Z"
            }
        }]}),
    );
}
