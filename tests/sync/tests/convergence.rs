//! Property: any number of desks making random changes (new customers, edits of the same and
//! of different fields, visits, deletes, merges of two records and their undoes) while random
//! desks are cut off from the network, with clocks drifting apart, all end in the same state as
//! each other and as the server once the network is back and everyone has synced: the same
//! records, the same merges holding, every visit on the same record and the same values shown;
//! and each record's own values (beneath what merges chose) are the server's.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use proptest::prelude::*;
use touchpoint_core::customers::merge::{MergeField, MergeRequest};
use touchpoint_core::customers::CustomerEdit;
use touchpoint_sync_tests::{TestDesk, TestServer};
use uuid::Uuid;

const DESKS: usize = 3;
const SLOTS: usize = 4;

#[derive(Debug, Clone)]
enum Action {
    Create {
        desk: usize,
        slot: usize,
    },
    Rename {
        desk: usize,
        slot: usize,
        name: usize,
    },
    Note {
        desk: usize,
        slot: usize,
        note: usize,
    },
    Loyalty {
        desk: usize,
        slot: usize,
        value: usize,
    },
    Tags {
        desk: usize,
        slot: usize,
        tags: Vec<usize>,
    },
    Visit {
        desk: usize,
        slot: usize,
    },
    /// Desk 0 is the supervisor's; only it deletes.
    Delete {
        slot: usize,
    },
    /// Desks 0 and 1 are supervisors' desks: they merge (taking the merged record's name or
    /// not) and undo the newest merge into a record.
    Merge {
        desk: usize,
        survivor: usize,
        merged: usize,
        take_name: bool,
    },
    Unmerge {
        desk: usize,
        slot: usize,
    },
    Sync {
        desk: usize,
    },
    Cut {
        desk: usize,
        offline: bool,
    },
    Drift {
        desk: usize,
        seconds: i64,
    },
}

const NAMES: [&str; 3] = ["Ana Souza", "Ana S. Lima", "Ana Lima"];
const NOTES: [&str; 3] = ["Prefers mornings", "Allergic to latex", "Call before delivery"];
const TAGS: [&str; 3] = ["vip", "wholesale", "staff"];

fn action() -> impl Strategy<Value = Action> {
    let desk = 0..DESKS;
    let slot = 0..SLOTS;
    prop_oneof![
        3 => (desk.clone(), slot.clone()).prop_map(|(desk, slot)| Action::Create { desk, slot }),
        1 => (desk.clone(), slot.clone(), 0..3usize).prop_map(|(desk, slot, name)| Action::Rename { desk, slot, name }),
        1 => (desk.clone(), slot.clone(), 0..3usize).prop_map(|(desk, slot, note)| Action::Note { desk, slot, note }),
        1 => (desk.clone(), slot.clone(), 0..3usize).prop_map(|(desk, slot, value)| Action::Loyalty { desk, slot, value }),
        1 => (desk.clone(), slot.clone(), proptest::collection::vec(0..3usize, 0..3))
            .prop_map(|(desk, slot, tags)| Action::Tags { desk, slot, tags }),
        1 => (desk.clone(), slot.clone()).prop_map(|(desk, slot)| Action::Visit { desk, slot }),
        1 => slot.clone().prop_map(|slot| Action::Delete { slot }),
        // Never a record into itself (refused before it is an op).
        3 => (0..2usize, slot.clone(), 1..SLOTS, any::<bool>()).prop_map(|(desk, survivor, other, take_name)| {
            Action::Merge { desk, survivor, merged: (survivor + other) % SLOTS, take_name }
        }),
        2 => (0..2usize, slot.clone()).prop_map(|(desk, slot)| Action::Unmerge { desk, slot }),
        1 => desk.clone().prop_map(|desk| Action::Sync { desk }),
        1 => desk.clone().prop_map(|desk| Action::Sync { desk }),
        1 => (desk.clone(), any::<bool>()).prop_map(|(desk, offline)| Action::Cut { desk, offline }),
        1 => (desk, -7200i64..7200).prop_map(|(desk, seconds)| Action::Drift { desk, seconds }),
    ]
}

/// A desk's view of everything, in a form that can be compared across desks and the server.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CustomerState {
    name: String,
    note: String,
    loyalty: String,
    tags: Vec<String>,
    deleted: bool,
}

type State = (BTreeMap<Uuid, CustomerState>, Vec<Uuid>);

/// What a desk shows beyond each record's own values: every record's shown values and where it
/// redirects, which merges hold, and the record each visit shows on.
type Shown =
    (Vec<(String, String, String, String, Option<String>)>, Vec<(String, bool)>, Vec<(String, Option<String>)>);

fn rows<T>(
    d: &touchpoint_core::Desk,
    sql: &str,
    f: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> touchpoint_core::Result<Vec<T>> {
    let mut stmt = d.connection().prepare(sql)?;
    let out = stmt.query_map([], |r| f(r))?.collect::<Result<Vec<T>, _>>()?;
    Ok(out)
}

/// Each record's own values: beneath a merge's chosen value, the one the record itself holds.
fn desk_state(desk: &TestDesk) -> State {
    desk.with(|d| {
        let own = |field: &str, column: &str| {
            format!(
                "CASE WHEN EXISTS (SELECT 1 FROM customer_own_fields o WHERE o.customer_id = c.id AND o.field = '{field}')
                      THEN coalesce((SELECT o.value FROM customer_own_fields o WHERE o.customer_id = c.id AND o.field = '{field}'), '')
                      ELSE coalesce({column}, '') END"
            )
        };
        let sql = format!(
            "SELECT c.id, {}, {}, {}, c.tags, c.deleted_at IS NOT NULL FROM customers c",
            own("name", "c.name"),
            own("note", "c.note"),
            own("loyalty_id", "c.loyalty_id")
        );
        let customers = rows(d, &sql, |r| {
            let tags: String = r.get(4)?;
            Ok((
                Uuid::parse_str(&r.get::<_, String>(0)?).expect("uuid"),
                CustomerState {
                    name: r.get(1)?,
                    note: r.get(2)?,
                    loyalty: r.get(3)?,
                    tags: serde_json::from_str(&tags).expect("tags"),
                    deleted: r.get(5)?,
                },
            ))
        })?
        .into_iter()
        .collect::<BTreeMap<_, _>>();
        let visits = rows(d, "SELECT id FROM interactions ORDER BY id", |r| {
            Ok(Uuid::parse_str(&r.get::<_, String>(0)?).expect("uuid"))
        })?;
        Ok((customers, visits))
    })
    .expect("desk state")
}

fn desk_shown(desk: &TestDesk) -> Shown {
    desk.with(|d| {
        Ok((
            rows(
                d,
                "SELECT id, name, coalesce(note, ''), coalesce(loyalty_id, ''), merged_into FROM customers ORDER BY id",
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?,
            rows(d, "SELECT id, effective FROM customer_merges ORDER BY id", |r| Ok((r.get(0)?, r.get(1)?)))?,
            rows(d, "SELECT id, customer_id FROM interactions ORDER BY id", |r| Ok((r.get(0)?, r.get(1)?)))?,
        ))
    })
    .expect("desk shown")
}

async fn server_state(server: &TestServer) -> State {
    let rows: Vec<(Uuid, serde_json::Value, bool)> = sqlx::query_as(
        "SELECT customer_id, fields, deleted_hlc IS NOT NULL AND (restored_hlc IS NULL OR restored_hlc < deleted_hlc)
         FROM customers WHERE org_id = $1",
    )
    .bind(server.org)
    .fetch_all(&server.pool)
    .await
    .expect("server customers");
    let text = |f: &serde_json::Value, k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let customers = rows
        .into_iter()
        .map(|(id, f, deleted)| {
            let tags = f
                .get("tags")
                .and_then(|t| t.as_array())
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            (
                id,
                CustomerState {
                    name: text(&f, "name"),
                    note: text(&f, "note"),
                    loyalty: text(&f, "loyalty_id"),
                    tags,
                    deleted,
                },
            )
        })
        .collect();
    let visits: Vec<Uuid> = sqlx::query_scalar(
        "SELECT entity_id FROM change_log WHERE org_id = $1 AND entity = 'interaction_logged' ORDER BY entity_id::text",
    )
    .bind(server.org)
    .fetch_all(&server.pool)
    .await
    .expect("server visits");
    (customers, visits)
}

async fn run(actions: Vec<Action>) -> Result<(), TestCaseError> {
    let server = TestServer::start().await;
    let mut desks = Vec::new();
    desks.push(TestDesk::enrolled(&server, server.supervisor).await);
    desks.push(TestDesk::enrolled(&server, server.supervisor).await);
    for _ in 2..DESKS {
        desks.push(TestDesk::enrolled(&server, server.frontline).await);
    }
    let mut slots: [Option<Uuid>; SLOTS] = [None; SLOTS];
    // The same walk-ins created on two desks before anyone synced: what merges are for.
    for (slot, id) in slots.iter_mut().enumerate().take(SLOTS / 2 * 2) {
        *id = Some(desks[slot % 2].customer(NAMES[slot / 2]).id);
    }
    for d in &desks {
        d.sync().await;
    }
    let known = |desk: &TestDesk, id: Uuid| desk.with(|d| touchpoint_core::customers::get(d.connection(), id)).is_ok();

    for a in actions {
        match a {
            Action::Create { desk, slot } => {
                if slots[slot].is_none() {
                    slots[slot] = Some(desks[desk].customer(NAMES[slot % NAMES.len()]).id);
                }
            }
            Action::Rename { desk, slot, name } => {
                if let Some(id) = slots[slot].filter(|id| known(&desks[desk], *id)) {
                    desks[desk].edit(CustomerEdit {
                        customer_id: id,
                        name: Some(NAMES[name].into()),
                        ..Default::default()
                    });
                }
            }
            Action::Note { desk, slot, note } => {
                if let Some(id) = slots[slot].filter(|id| known(&desks[desk], *id)) {
                    desks[desk].edit(CustomerEdit {
                        customer_id: id,
                        note: Some(NOTES[note].into()),
                        ..Default::default()
                    });
                }
            }
            Action::Loyalty { desk, slot, value } => {
                if let Some(id) = slots[slot].filter(|id| known(&desks[desk], *id)) {
                    let loyalty = Some(format!("LOY-{value}"));
                    desks[desk].edit(CustomerEdit { customer_id: id, loyalty_id: loyalty, ..Default::default() });
                }
            }
            Action::Tags { desk, slot, tags } => {
                if let Some(id) = slots[slot].filter(|id| known(&desks[desk], *id)) {
                    let tags = Some(tags.iter().map(|t| TAGS[*t].to_owned()).collect());
                    desks[desk].edit(CustomerEdit { customer_id: id, tags, ..Default::default() });
                }
            }
            Action::Visit { desk, slot } => {
                if let Some(id) = slots[slot].filter(|id| known(&desks[desk], *id)) {
                    desks[desk].log_visit(Some(id), "Random visit");
                }
            }
            Action::Delete { slot } => {
                if let Some(id) = slots[slot].filter(|id| known(&desks[0], *id)) {
                    desks[0].with(|d| d.delete_customer(id)).expect("supervisor deletes");
                }
            }
            Action::Merge { desk, survivor, merged, take_name } => {
                if let (Some(s), Some(m)) = (slots[survivor], slots[merged]) {
                    let take_from_merged = if take_name { vec![MergeField::Name] } else { vec![] };
                    // Refused when it would be wrong here (the same record, one already merged,
                    // unknown or erased): that is part of the scenario.
                    let _ = desks[desk]
                        .with(|d| d.merge_customers(&MergeRequest { survivor_id: s, merged_id: m, take_from_merged }));
                }
            }
            Action::Unmerge { desk, slot } => {
                if let Some(id) = slots[slot] {
                    let _ = desks[desk].with(|d| {
                        let page = d.customer_page(id)?;
                        match page.merged.first() {
                            Some(m) => d.undo_merge(m.merge_id).map(|_| ()),
                            None => Ok(()),
                        }
                    });
                }
            }
            Action::Sync { desk } => {
                // Cut off desks fail their round; that is part of the scenario.
                let _ = desks[desk].try_sync().await;
            }
            Action::Cut { desk, offline } => desks[desk].engine.transport().offline.store(offline, Ordering::SeqCst),
            Action::Drift { desk, seconds } => desks[desk].clock.advance(chrono::Duration::seconds(seconds)),
        }
    }

    for d in &desks {
        d.engine.transport().offline.store(false, Ordering::SeqCst);
    }
    for _ in 0..2 {
        for d in &desks {
            d.sync().await;
        }
    }
    let server_view = server_state(&server).await;
    let shown = desk_shown(&desks[0]);
    for (i, d) in desks.iter().enumerate() {
        prop_assert_eq!(&desk_shown(d), &shown, "desk {} shows what desk 0 shows", i);
        prop_assert_eq!(d.pending(), 0, "desk {} sent everything", i);
        let (customers, mut visits) = desk_state(d);
        visits.sort_by_key(|v| v.to_string());
        prop_assert_eq!(&customers, &server_view.0, "desk {} agrees with the server on customers", i);
        prop_assert_eq!(&visits, &server_view.1, "desk {} agrees with the server on visits", i);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn desks_making_random_changes_through_random_partitions_converge_with_the_server(
        actions in proptest::collection::vec(action(), 10..40)
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        rt.block_on(run(actions))?;
    }
}
