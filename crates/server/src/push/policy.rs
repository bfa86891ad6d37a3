//! What a push decides about each op, apart from storage: whether it was answered before,
//! whether the device and the person named may send it, and whether it is well formed. Pure
//! functions over [`Facts`] (what the batch's rows say, read once by `db::push::look_up`), so
//! every rule is tested here without a database.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use touchpoint_protocol::{Op, OpBody, OpResult, OpStatus, RejectCode, Role};
use uuid::Uuid;

use crate::tokens::DeviceAuth;

/// How far ahead of the server's clock a change's stamp may be. A desk whose clock is
/// further ahead would win every concurrent edit for that long; its changes are refused
/// with a reason a person can act on (fix the clock), not silently reordered.
pub const MAX_CLOCK_AHEAD: chrono::Duration = chrono::Duration::hours(24);

/// The device sending the push, as far as the rules care.
#[derive(Debug, Clone)]
pub struct Sender {
    pub device_id: Uuid,
    /// The store it writes as.
    pub store_id: Uuid,
    /// Every store whose customers it reads.
    pub reads: Vec<Uuid>,
    /// It reads the whole organisation.
    pub reads_org: bool,
    pub role: Role,
}

impl Sender {
    pub fn of(auth: &DeviceAuth) -> Self {
        Sender {
            device_id: auth.device_id,
            store_id: auth.store_id,
            reads: auth.reads.clone(),
            reads_org: auth.reads_org,
            role: auth.role,
        }
    }

    fn reads_store(&self, store: &Uuid) -> bool {
        self.reads_org || self.reads.contains(store)
    }
}

/// A customer the server already holds, and whether the device may write to them (they are
/// in a store it reads).
#[derive(Debug, Clone, Copy)]
pub struct Known {
    pub in_scope: bool,
}

/// What the batch needs to know from the database (read once, then kept current as the
/// batch's own ops are accepted).
#[derive(Debug, Default)]
pub struct Facts {
    /// Ops answered before, with the answer they got.
    pub seen: HashMap<Uuid, OpResult>,
    /// Role and home store of the people named by ops that need a supervisor, and of the
    /// people named to keep in touch with a customer (active staff only).
    pub roles: HashMap<Uuid, (String, Option<Uuid>)>,
    /// Whose work each acknowledged review reviewed.
    pub reviewed: HashMap<Uuid, Uuid>,
    /// Customer of each follow-up a patch without one points at.
    pub follow_up_customer: HashMap<Uuid, Option<Uuid>>,
    /// The customers the batch names that the server already holds.
    pub customers: HashMap<Uuid, Known>,
    pub erased: HashSet<Uuid>,
    /// Ops answered earlier in this batch, with their sequence if they were applied.
    pub in_batch: HashMap<Uuid, Option<i64>>,
}

/// The decision about one op.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Answered before (in an earlier push or earlier in this batch): the same answer again.
    Answered(OpResult),
    /// Refused for good, with a reason a person can act on.
    Refused(RejectCode, String),
    /// To be applied; about this customer (if any), whose personal details are dropped first
    /// when they were erased.
    Accepted { customer: Option<Uuid>, scrub: bool },
}

impl Facts {
    /// The customer an op is about: its own field, or for a follow-up patch that does not
    /// name one, the follow-up's.
    pub fn customer_of(&self, op: &Op) -> Option<Uuid> {
        match &op.body {
            OpBody::FollowUpPatch(f) if f.customer_id.is_none() => {
                self.follow_up_customer.get(&f.follow_up_id).copied().flatten()
            }
            body => body.customer_id(),
        }
    }

    /// Keeps the facts current after `op` was applied at `seq`, so later ops of the batch see it.
    pub fn accepted(&mut self, op: &Op, customer: Option<Uuid>) {
        if let OpBody::FollowUpPatch(f) = &op.body {
            if f.customer_id.is_some() {
                self.follow_up_customer.insert(f.follow_up_id, f.customer_id);
            }
        }
        for c in customer.into_iter().chain(op.body.other_customer_id()) {
            self.customers.insert(c, Known { in_scope: true });
        }
        if let OpBody::CustomerErased(c) = &op.body {
            self.erased.insert(c.customer_id);
        }
    }

    /// Remembers the answer an op got in this batch (a repeat later in it is a duplicate).
    pub fn answered(&mut self, op_id: Uuid, seq: Option<i64>) {
        self.in_batch.insert(op_id, seq);
    }
}

/// Authorises one op of the batch: answered before, refused (and why), or accepted.
pub fn authorise(op: &Op, sender: &Sender, facts: &mut Facts, now: DateTime<Utc>) -> Verdict {
    if let Some(answer) = facts.seen.get(&op.op_id) {
        return Verdict::Answered(answer.clone());
    }
    if let Some(seq) = facts.in_batch.get(&op.op_id) {
        return Verdict::Answered(OpResult { op_id: op.op_id, status: OpStatus::Duplicate, server_seq: *seq });
    }
    let customer = facts.customer_of(op);
    let mut refusal = refuse(op, sender, now);
    if refusal.is_none() && op.body.needs_supervisor() {
        refusal = supervisor_refusal(&facts.roles, sender, op);
    }
    // A device writes only to customers of the stores it reads (or new ones): another
    // store's customer is brought into its store first, by opening them from the
    // organisation's search (adoption), never by writing to them.
    let other = op.body.other_customer_id();
    let out_of_scope = |c: Option<Uuid>| c.and_then(|c| facts.customers.get(&c)).is_some_and(|k| !k.in_scope);
    if refusal.is_none() && (out_of_scope(customer) || out_of_scope(other)) {
        refusal = Some((
            RejectCode::Forbidden,
            "This customer belongs to another store. Open them from the search first, then make the change.".into(),
        ));
    }
    if refusal.is_none() {
        refusal = review_refusal(op, facts);
    }
    if refusal.is_none() {
        refusal = keeper_refusal(&facts.roles, sender, op);
    }
    match refusal {
        Some((code, message)) => Verdict::Refused(code, message),
        None => {
            let erased = |c: Option<Uuid>| c.is_some_and(|c| facts.erased.contains(&c));
            Verdict::Accepted { customer, scrub: erased(customer) || erased(other) }
        }
    }
}

/// Why an op is refused for good whatever the database holds, or `None`.
fn refuse(op: &Op, sender: &Sender, now: DateTime<Utc>) -> Option<(RejectCode, String)> {
    if op.device_id != sender.device_id || op.store_id != sender.store_id {
        return Some((
            RejectCode::WrongDevice,
            "This change names another device or store than the one sending it.".into(),
        ));
    }
    if op.body.is_catalogue() {
        return Some((RejectCode::Forbidden, "Stores, staff and touch points are changed on the server only.".into()));
    }
    if let Some(store) = op.body.routed_store() {
        if !sender.reads_store(&store) {
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

/// Reviews, deletions, restores and erasures: the person named must be a supervisor or an
/// admin the device could have signed in (one of the stores it reads, or an organisation-wide
/// person), and the device itself a supervisor's or an administrator's — a frontline desk cannot
/// send them, whoever it says is signed in.
fn supervisor_refusal(
    roles: &HashMap<Uuid, (String, Option<Uuid>)>,
    sender: &Sender,
    op: &Op,
) -> Option<(RejectCode, String)> {
    let what = match op.body {
        OpBody::ReviewRecorded(_) => "review someone's work",
        OpBody::CustomersMerged(_) | OpBody::MergeUndone(_) => "merge customers or undo a merge",
        _ => "delete, restore or erase a customer",
    };
    let Some((role, home)) = roles.get(&op.staff_id) else {
        return Some((RejectCode::Forbidden, "The server does not know the staff member who made this change.".into()));
    };
    if !matches!(role.as_str(), "supervisor" | "admin") {
        return Some((RejectCode::Forbidden, format!("Only a supervisor or an admin can {what}.")));
    }
    if let Some(home) = home {
        if !sender.reads_store(home) {
            return Some((
                RejectCode::Forbidden,
                "This staff member works at a store this device does not serve.".into(),
            ));
        }
    }
    if sender.role == Role::Frontline {
        return Some((
            RejectCode::Forbidden,
            format!("This is a frontline desk: only a supervisor's or an administrator's device can {what}."),
        ));
    }
    None
}

/// The person named to keep in touch with a customer must be someone the server knows, still
/// working, at a store the device serves (or organisation-wide): a till cannot hand a
/// customer's reminders to a stranger or to another store's staff.
fn keeper_refusal(
    roles: &HashMap<Uuid, (String, Option<Uuid>)>,
    sender: &Sender,
    op: &Op,
) -> Option<(RejectCode, String)> {
    let keeper = keeper_named(&op.body)?;
    match roles.get(&keeper) {
        None => Some((
            RejectCode::UnknownReference,
            "The server does not know the staff member named to keep in touch, or they have left.".into(),
        )),
        Some((_, Some(home))) if !sender.reads_store(home) => Some((
            RejectCode::Forbidden,
            "The staff member named to keep in touch works at a store this device does not serve.".into(),
        )),
        Some(_) => None,
    }
}

/// The staff member a customer patch names to keep in touch, if it names one.
pub fn keeper_named(body: &OpBody) -> Option<Uuid> {
    match body {
        OpBody::CustomerPatch(p) => p.keep_in_touch.as_ref().and_then(|k| k.keeper_staff_id),
        _ => None,
    }
}

/// Nobody reviews their own conversation; only the person reviewed acknowledges a review.
/// A recorded review is remembered so an acknowledgement later in the batch finds it.
fn review_refusal(op: &Op, facts: &mut Facts) -> Option<(RejectCode, String)> {
    match &op.body {
        OpBody::ReviewRecorded(r) => {
            let why = touchpoint_protocol::rules::own_work_review(op.staff_id, r.reviewed_staff_id);
            facts.reviewed.insert(r.review_id, r.reviewed_staff_id);
            why.map(|why| (RejectCode::Forbidden, why.into()))
        }
        OpBody::ReviewAcknowledged(a) => match facts.reviewed.get(&a.review_id) {
            Some(staff) if *staff == op.staff_id => None,
            Some(_) => {
                Some((RejectCode::Forbidden, "Only the person whose work was reviewed can acknowledge it.".into()))
            }
            None => Some((RejectCode::UnknownReference, "The server does not know this review.".into())),
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use touchpoint_protocol::{
        CustomerPatch, CustomerRef, FollowUpPatch, Hlc, ReviewAck, ReviewKind, ReviewRecord, StoreRecord,
    };

    use super::*;

    fn id() -> Uuid {
        Uuid::now_v7()
    }

    fn till(role: Role) -> Sender {
        let store = id();
        Sender { device_id: id(), store_id: store, reads: vec![store], reads_org: false, role }
    }

    fn op(sender: &Sender, staff: Uuid, body: OpBody) -> Op {
        let now = Utc::now().timestamp_millis();
        Op {
            op_id: id(),
            device_id: sender.device_id,
            store_id: sender.store_id,
            staff_id: staff,
            hlc: Hlc { wall_ms: now, counter: 0, node: sender.device_id },
            body,
        }
    }

    fn patch(customer: Uuid) -> OpBody {
        OpBody::CustomerPatch(CustomerPatch { customer_id: customer, name: Some("Ana".into()), ..Default::default() })
    }

    fn review(store: Uuid, reviewed: Uuid) -> ReviewRecord {
        ReviewRecord {
            review_id: id(),
            interaction_id: id(),
            customer_id: None,
            store_id: store,
            reviewed_staff_id: reviewed,
            kind: ReviewKind::Praise,
            comment: "Calm and clear.".into(),
            scores: Vec::new(),
        }
    }

    fn refused(v: Verdict) -> (RejectCode, String) {
        match v {
            Verdict::Refused(code, why) => (code, why),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn an_op_answered_before_gets_the_same_answer_and_a_repeat_in_the_batch_is_a_duplicate() {
        let s = till(Role::Frontline);
        let first = op(&s, id(), patch(id()));
        let mut facts = Facts::default();
        let before = OpResult { op_id: first.op_id, status: OpStatus::Duplicate, server_seq: Some(7) };
        facts.seen.insert(first.op_id, before.clone());
        assert_eq!(authorise(&first, &s, &mut facts, Utc::now()), Verdict::Answered(before));

        let second = op(&s, id(), patch(id()));
        assert!(matches!(authorise(&second, &s, &mut facts, Utc::now()), Verdict::Accepted { .. }));
        facts.answered(second.op_id, Some(8));
        assert_eq!(
            authorise(&second, &s, &mut facts, Utc::now()),
            Verdict::Answered(OpResult { op_id: second.op_id, status: OpStatus::Duplicate, server_seq: Some(8) })
        );
    }

    #[test]
    fn an_op_naming_another_device_or_store_is_refused_as_wrong_device() {
        let s = till(Role::Supervisor);
        let mut other = op(&s, id(), patch(id()));
        other.device_id = id();
        assert_eq!(refused(authorise(&other, &s, &mut Facts::default(), Utc::now())).0, RejectCode::WrongDevice);
        let mut elsewhere = op(&s, id(), patch(id()));
        elsewhere.store_id = id();
        assert_eq!(refused(authorise(&elsewhere, &s, &mut Facts::default(), Utc::now())).0, RejectCode::WrongDevice);
    }

    #[test]
    fn a_desk_cannot_send_catalogue_changes() {
        let s = till(Role::Admin);
        let store =
            op(&s, id(), OpBody::StoreUpsert(StoreRecord { store_id: id(), name: "Porto".into(), timezone: None }));
        let (code, why) = refused(authorise(&store, &s, &mut Facts::default(), Utc::now()));
        assert_eq!(code, RejectCode::Forbidden);
        assert!(why.contains("on the server only"), "{why}");
    }

    #[test]
    fn a_stamp_more_than_a_day_ahead_of_the_server_is_refused_with_what_to_fix() {
        let s = till(Role::Frontline);
        let now = Utc::now();
        let mut ahead = op(&s, id(), patch(id()));
        ahead.hlc.wall_ms = (now + MAX_CLOCK_AHEAD + chrono::Duration::minutes(1)).timestamp_millis();
        let (code, why) = refused(authorise(&ahead, &s, &mut Facts::default(), now));
        assert_eq!(code, RejectCode::Invalid);
        assert!(why.contains("clock"), "{why}");
        let mut within = op(&s, id(), patch(id()));
        within.hlc.wall_ms = (now + MAX_CLOCK_AHEAD - chrono::Duration::minutes(1)).timestamp_millis();
        assert!(matches!(authorise(&within, &s, &mut Facts::default(), now), Verdict::Accepted { .. }));
    }

    #[test]
    fn a_malformed_op_is_refused_by_the_shared_text_rules() {
        let s = till(Role::Frontline);
        let body = OpBody::CustomerPatch(CustomerPatch {
            customer_id: id(),
            name: Some("a\u{0}b".into()),
            ..Default::default()
        });
        assert_eq!(
            refused(authorise(&op(&s, id(), body), &s, &mut Facts::default(), Utc::now())).0,
            RejectCode::Invalid
        );
    }

    #[test]
    fn erasing_needs_a_known_supervisor_of_a_served_store_on_a_supervisor_desk() {
        let erase = |s: &Sender, staff| op(s, staff, OpBody::CustomerErased(CustomerRef { customer_id: id() }));
        let desk = till(Role::Supervisor);
        let boss = id();

        let unknown = refused(authorise(&erase(&desk, boss), &desk, &mut Facts::default(), Utc::now()));
        assert!(unknown.1.contains("does not know the staff member"), "{}", unknown.1);

        let mut facts = Facts::default();
        facts.roles.insert(boss, ("frontline".into(), Some(desk.store_id)));
        let frontline = refused(authorise(&erase(&desk, boss), &desk, &mut facts, Utc::now()));
        assert!(frontline.1.contains("Only a supervisor or an admin"), "{}", frontline.1);

        facts.roles.insert(boss, ("supervisor".into(), Some(id())));
        let elsewhere = refused(authorise(&erase(&desk, boss), &desk, &mut facts, Utc::now()));
        assert!(elsewhere.1.contains("store this device does not serve"), "{}", elsewhere.1);

        facts.roles.insert(boss, ("supervisor".into(), Some(desk.store_id)));
        assert!(matches!(authorise(&erase(&desk, boss), &desk, &mut facts, Utc::now()), Verdict::Accepted { .. }));

        let till = Sender { role: Role::Frontline, ..desk.clone() };
        let from_till = refused(authorise(&erase(&till, boss), &till, &mut facts, Utc::now()));
        assert!(from_till.1.contains("This is a frontline desk"), "{}", from_till.1);
    }

    #[test]
    fn another_stores_customer_is_refused_until_adopted_and_a_new_customer_is_accepted() {
        let s = till(Role::Frontline);
        let theirs = id();
        let mut facts = Facts::default();
        facts.customers.insert(theirs, Known { in_scope: false });
        let (code, why) = refused(authorise(&op(&s, id(), patch(theirs)), &s, &mut facts, Utc::now()));
        assert_eq!(code, RejectCode::Forbidden);
        assert!(why.contains("another store"), "{why}");
        let new = id();
        assert_eq!(
            authorise(&op(&s, id(), patch(new)), &s, &mut facts, Utc::now()),
            Verdict::Accepted { customer: Some(new), scrub: false }
        );
    }

    #[test]
    fn a_keeper_must_be_known_still_working_and_at_a_store_the_desk_serves() {
        let s = till(Role::Frontline);
        let keeper = id();
        let keep = |keeper: Option<Uuid>| {
            OpBody::CustomerPatch(CustomerPatch {
                customer_id: id(),
                keep_in_touch: Some(touchpoint_protocol::KeepInTouch {
                    keeper_staff_id: keeper,
                    every_days: if keeper.is_some() { 90 } else { 0 },
                    remind_dates: false,
                }),
                ..Default::default()
            })
        };
        let mut facts = Facts::default();
        let (code, why) = refused(authorise(&op(&s, id(), keep(Some(keeper))), &s, &mut facts, Utc::now()));
        assert_eq!(code, RejectCode::UnknownReference);
        assert!(why.contains("does not know the staff member named to keep in touch"), "{why}");

        facts.roles.insert(keeper, ("frontline".into(), Some(id())));
        let (code, why) = refused(authorise(&op(&s, id(), keep(Some(keeper))), &s, &mut facts, Utc::now()));
        assert_eq!(code, RejectCode::Forbidden);
        assert!(why.contains("store this device does not serve"), "{why}");

        facts.roles.insert(keeper, ("frontline".into(), Some(s.store_id)));
        assert!(matches!(
            authorise(&op(&s, id(), keep(Some(keeper))), &s, &mut facts, Utc::now()),
            Verdict::Accepted { .. }
        ));
        facts.roles.insert(keeper, ("admin".into(), None));
        assert!(matches!(
            authorise(&op(&s, id(), keep(Some(keeper))), &s, &mut facts, Utc::now()),
            Verdict::Accepted { .. }
        ));
        let stop = keep(None);
        assert!(matches!(
            authorise(&op(&s, id(), stop), &s, &mut Facts::default(), Utc::now()),
            Verdict::Accepted { .. }
        ));
    }

    #[test]
    fn a_follow_up_patch_without_a_customer_is_judged_by_its_follow_ups_customer() {
        let s = till(Role::Frontline);
        let (follow_up, theirs) = (id(), id());
        let mut facts = Facts::default();
        facts.follow_up_customer.insert(follow_up, Some(theirs));
        facts.customers.insert(theirs, Known { in_scope: false });
        let body = OpBody::FollowUpPatch(FollowUpPatch { follow_up_id: follow_up, ..Default::default() });
        assert_eq!(refused(authorise(&op(&s, id(), body), &s, &mut facts, Utc::now())).0, RejectCode::Forbidden);
    }

    #[test]
    fn an_erased_customers_later_op_is_accepted_scrubbed() {
        let s = till(Role::Frontline);
        let ana = id();
        let mut facts = Facts::default();
        facts.customers.insert(ana, Known { in_scope: true });
        facts.erased.insert(ana);
        assert_eq!(
            authorise(&op(&s, id(), patch(ana)), &s, &mut facts, Utc::now()),
            Verdict::Accepted { customer: Some(ana), scrub: true }
        );
    }

    #[test]
    fn nobody_reviews_their_own_conversation_and_only_the_reviewed_acknowledges() {
        let s = till(Role::Supervisor);
        let (boss, clerk) = (id(), id());
        let mut facts = Facts::default();
        facts.roles.insert(boss, ("supervisor".into(), Some(s.store_id)));
        let own = refused(authorise(
            &op(&s, boss, OpBody::ReviewRecorded(review(s.store_id, boss))),
            &s,
            &mut facts,
            Utc::now(),
        ));
        assert!(own.1.contains("your own conversation"), "{}", own.1);

        let theirs = review(s.store_id, clerk);
        let recorded = op(&s, boss, OpBody::ReviewRecorded(theirs.clone()));
        assert!(matches!(authorise(&recorded, &s, &mut facts, Utc::now()), Verdict::Accepted { .. }));
        let ack = |staff| {
            op(
                &s,
                staff,
                OpBody::ReviewAcknowledged(ReviewAck {
                    review_id: theirs.review_id,
                    customer_id: None,
                    store_id: s.store_id,
                }),
            )
        };
        let (code, why) = refused(authorise(&ack(boss), &s, &mut facts, Utc::now()));
        assert_eq!(code, RejectCode::Forbidden);
        assert!(why.contains("Only the person whose work was reviewed"), "{why}");
        assert!(matches!(authorise(&ack(clerk), &s, &mut facts, Utc::now()), Verdict::Accepted { .. }));

        let unknown = op(
            &s,
            clerk,
            OpBody::ReviewAcknowledged(ReviewAck { review_id: id(), customer_id: None, store_id: s.store_id }),
        );
        assert_eq!(refused(authorise(&unknown, &s, &mut facts, Utc::now())).0, RejectCode::UnknownReference);
    }

    #[test]
    fn a_desk_cannot_review_a_store_it_does_not_read() {
        let s = till(Role::Supervisor);
        let boss = id();
        let mut facts = Facts::default();
        facts.roles.insert(boss, ("supervisor".into(), Some(s.store_id)));
        let body = OpBody::ReviewRecorded(review(id(), id()));
        let (_, why) = refused(authorise(&op(&s, boss, body), &s, &mut facts, Utc::now()));
        assert!(why.contains("another store's conversations"), "{why}");
    }

    #[test]
    fn what_the_batch_accepts_is_known_to_the_ops_after_it() {
        let s = till(Role::Frontline);
        let (follow_up, ana) = (id(), id());
        let mut facts = Facts::default();
        let with_customer = op(
            &s,
            id(),
            OpBody::FollowUpPatch(FollowUpPatch {
                follow_up_id: follow_up,
                customer_id: Some(ana),
                ..Default::default()
            }),
        );
        facts.accepted(&with_customer, Some(ana));
        let later =
            op(&s, id(), OpBody::FollowUpPatch(FollowUpPatch { follow_up_id: follow_up, ..Default::default() }));
        assert_eq!(facts.customer_of(&later), Some(ana));
        assert!(facts.customers.get(&ana).is_some_and(|k| k.in_scope));
        facts.accepted(&op(&s, id(), OpBody::CustomerErased(CustomerRef { customer_id: ana })), Some(ana));
        assert!(matches!(authorise(&later, &s, &mut facts, Utc::now()), Verdict::Accepted { scrub: true, .. }));
    }
}
