//! Which merges of customer records hold: the one rule a desk (SQLite) and the server
//! (PostgreSQL) both follow, so a customer's history shows on the same record on both.

use std::collections::HashMap;

use uuid::Uuid;

/// One merge as the rule reads it: the merged record, its survivor, and whether it was undone.
/// A list of them is in stamp order (the merge's HLC, then its id).
pub type MergeLink = (Uuid, Uuid, bool);

/// Which merges hold, from the merges alone: in stamp order, a merge holds unless it was
/// undone, names an erased record, merges a record an earlier holding merge already merged, or
/// would make a loop. Returns whether each holds and, per merged record, its survivor (one
/// step: [`root_of`] follows a chain to its end).
pub fn holding(merges: &[MergeLink], erased: &dyn Fn(Uuid) -> bool) -> (Vec<bool>, HashMap<Uuid, Uuid>) {
    let mut parent: HashMap<Uuid, Uuid> = HashMap::new();
    let mut holds = Vec::with_capacity(merges.len());
    for &(merged, survivor, undone) in merges {
        let ok = !undone
            && !erased(merged)
            && !erased(survivor)
            && !parent.contains_key(&merged)
            && root_of(&parent, survivor) != merged;
        if ok {
            parent.insert(merged, survivor);
        }
        holds.push(ok);
    }
    (holds, parent)
}

/// The record `id`'s history shows on: the end of its chain of holding merges (itself when it
/// stands alone).
pub fn root_of(parent: &HashMap<Uuid, Uuid>, id: Uuid) -> Uuid {
    let mut r = id;
    while let Some(p) = parent.get(&r) {
        r = *p;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> [Uuid; 3] {
        [Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7()]
    }

    #[test]
    fn of_two_desks_merging_each_record_into_the_other_the_earlier_merge_holds() {
        let [a, b, _] = ids();
        let (holds, parent) = holding(&[(a, b, false), (b, a, false)], &|_| false);
        assert_eq!(holds, [true, false], "the later one would close a loop");
        assert_eq!(parent.get(&a), Some(&b));
    }

    #[test]
    fn a_record_merged_into_two_survivors_goes_to_the_earlier() {
        let [a, b, c] = ids();
        let (holds, parent) = holding(&[(a, b, false), (a, c, false)], &|_| false);
        assert_eq!(holds, [true, false]);
        assert_eq!(root_of(&parent, a), b);
    }

    #[test]
    fn an_undone_merge_frees_the_record_for_a_later_one_and_a_chain_ends_at_its_last_survivor() {
        let [a, b, c] = ids();
        let (holds, parent) = holding(&[(a, b, true), (a, c, false)], &|_| false);
        assert_eq!(holds, [false, true]);
        assert_eq!(root_of(&parent, a), c);
        let (holds, parent) = holding(&[(a, b, false), (b, c, false)], &|_| false);
        assert_eq!(holds, [true, true]);
        assert_eq!((root_of(&parent, a), root_of(&parent, b)), (c, c));
        let (holds, _) = holding(&[(a, b, false), (b, c, false), (c, a, false)], &|_| false);
        assert_eq!(holds, [true, true, false], "C into A would loop through B");
    }

    #[test]
    fn a_merge_naming_an_erased_record_does_not_hold() {
        let [a, b, c] = ids();
        let (holds, _) = holding(&[(a, b, false), (c, b, false)], &|id| id == a);
        assert_eq!(holds, [false, true]);
    }
}
