//! What pulled changes touched, named for the views that show it: the customers whose pages
//! changed and the kinds of record. The app passes it to the UI with every sync event, so a
//! view refreshes only when what it shows changed (no polling, no refreshing everything).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::{Op, OpBody};
use uuid::Uuid;

/// A kind of record other desks change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Profiles, deletions, restores, erasures.
    Customers,
    /// Conversations, their feedback and amendments.
    Interactions,
    FollowUps,
    /// Reviews, acknowledgements and the review scorecard.
    Reviews,
    Audit,
    /// Stores, staff and touch points.
    Catalogue,
}

impl ChangeKind {
    pub fn of(body: &OpBody) -> ChangeKind {
        match body {
            OpBody::CustomerPatch(_)
            | OpBody::CustomerDeleted(_)
            | OpBody::CustomerRestored(_)
            | OpBody::CustomerErased(_)
            | OpBody::CustomersMerged(_)
            | OpBody::MergeUndone(_)
            | OpBody::NotSamePerson(_) => ChangeKind::Customers,
            OpBody::InteractionLogged(_) | OpBody::FeedbackRecorded(_) | OpBody::InteractionAmended(_) => {
                ChangeKind::Interactions
            }
            OpBody::FollowUpPatch(_) => ChangeKind::FollowUps,
            OpBody::ReviewRecorded(_) | OpBody::ReviewAcknowledged(_) | OpBody::ReviewCriterionUpsert(_) => {
                ChangeKind::Reviews
            }
            OpBody::AuditRecorded(_) => ChangeKind::Audit,
            OpBody::StoreUpsert(_) | OpBody::StaffUpsert(_) | OpBody::TouchPointUpsert(_) | OpBody::ReasonUpsert(_) => {
                ChangeKind::Catalogue
            }
        }
    }
}

/// What changed on this desk from elsewhere, for views to refresh only that.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Changed {
    /// Customers whose page may show something new, each once, in order.
    pub customers: Vec<Uuid>,
    /// The kinds of record that changed, each once.
    pub kinds: Vec<ChangeKind>,
    /// Everything may have changed (the first download finished, or it started again).
    pub everything: bool,
}

impl Changed {
    /// What a set of ops touched.
    pub fn of<'a>(ops: impl IntoIterator<Item = &'a Op>) -> Changed {
        let mut customers = BTreeSet::new();
        let mut kinds = BTreeSet::new();
        for op in ops {
            kinds.insert(ChangeKind::of(&op.body));
            customers.extend(op.body.customer_id());
            customers.extend(op.body.other_customer_id());
            // A merge or its undo moves conversations and follow-ups from one record to another.
            if matches!(op.body, OpBody::CustomersMerged(_) | OpBody::MergeUndone(_)) {
                kinds.extend([ChangeKind::Interactions, ChangeKind::FollowUps, ChangeKind::Audit]);
            }
        }
        Changed { customers: customers.into_iter().collect(), kinds: kinds.into_iter().collect(), everything: false }
    }

    pub fn everything() -> Changed {
        Changed { everything: true, ..Changed::default() }
    }

    pub fn is_empty(&self) -> bool {
        !self.everything && self.customers.is_empty() && self.kinds.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use touchpoint_protocol::{CustomerPatch, CustomerRef, FollowUpPatch, Hlc, StoreRecord};

    use super::*;

    fn op(body: OpBody) -> Op {
        let id = Uuid::now_v7();
        Op { op_id: id, device_id: id, store_id: id, staff_id: id, hlc: Hlc::server(1), body }
    }

    #[test]
    fn changes_name_each_customer_and_kind_once() {
        let (ana, rui) = (Uuid::now_v7(), Uuid::now_v7());
        let ops = [
            op(OpBody::CustomerPatch(CustomerPatch { customer_id: ana, ..Default::default() })),
            op(OpBody::CustomerDeleted(CustomerRef { customer_id: rui })),
            op(OpBody::CustomerPatch(CustomerPatch { customer_id: ana, ..Default::default() })),
            op(OpBody::FollowUpPatch(FollowUpPatch { follow_up_id: Uuid::now_v7(), ..Default::default() })),
            op(OpBody::StoreUpsert(StoreRecord { store_id: Uuid::now_v7(), name: "Porto".into(), timezone: None })),
        ];
        let changed = Changed::of(&ops);
        let mut expected = vec![ana, rui];
        expected.sort();
        assert_eq!(changed.customers, expected);
        assert_eq!(changed.kinds, [ChangeKind::Customers, ChangeKind::FollowUps, ChangeKind::Catalogue]);
        assert!(!changed.everything && !changed.is_empty());
    }

    #[test]
    fn nothing_pulled_is_an_empty_change_and_a_first_download_is_everything() {
        assert!(Changed::of(&[]).is_empty());
        assert!(!Changed::everything().is_empty());
    }
}
