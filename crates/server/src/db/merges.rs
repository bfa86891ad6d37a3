//! Merged customers: the merges by record and which record each merged one's history shows on
//! (`customer_survivors`), so the organisation's figures count a customer once, on the record
//! the desks show. Which merges hold is [`touchpoint_protocol::merges::holding`], the desks'
//! own rule; this module reads its inputs and stores its answer.

use std::collections::HashSet;

use sqlx::{PgConnection, PgPool};
use touchpoint_protocol::merges::{holding, root_of};
use uuid::Uuid;

/// A merge or its undo, as a push records it (before [`settle`] of its records).
pub struct MergeChange {
    pub merge_id: Uuid,
    pub merged_id: Uuid,
    pub survivor_id: Uuid,
    /// The merge's stamp (an undo's stands in until its merge arrives).
    pub hlc: String,
    pub undone: bool,
}

/// Records merges and undoes. An undo that arrives before its merge keeps the merge undone
/// when it comes; a repeated merge changes nothing.
pub async fn record(conn: &mut PgConnection, org: Uuid, changes: &[MergeChange]) -> Result<(), sqlx::Error> {
    for c in changes {
        sqlx::query(
            "INSERT INTO customer_merges (org_id, merge_id, merged_id, survivor_id, hlc, undone)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (org_id, merge_id) DO UPDATE SET
                 undone = customer_merges.undone OR EXCLUDED.undone,
                 hlc = CASE WHEN EXCLUDED.undone THEN customer_merges.hlc ELSE EXCLUDED.hlc END",
        )
        .bind(org)
        .bind(c.merge_id)
        .bind(c.merged_id)
        .bind(c.survivor_id)
        .bind(&c.hlc)
        .bind(c.undone)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// `seeds` and every record linked to them by a merge, held or undone.
pub async fn linked(conn: &mut PgConnection, org: Uuid, seeds: &[Uuid]) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "WITH RECURSIVE linked(id) AS (
             SELECT unnest($2::uuid[])
             UNION
             SELECT CASE WHEN m.merged_id = l.id THEN m.survivor_id ELSE m.merged_id END
             FROM linked l JOIN customer_merges m ON m.org_id = $1 AND (m.merged_id = l.id OR m.survivor_id = l.id)
         )
         SELECT id FROM linked",
    )
    .bind(org)
    .bind(seeds)
    .fetch_all(conn)
    .await
}

/// Brings the survivors of every record linked to `seeds` by a merge in step with the merges
/// (after a merge, an undo or an erasure among them). Idempotent.
pub async fn settle(conn: &mut PgConnection, org: Uuid, seeds: &[Uuid]) -> Result<(), sqlx::Error> {
    if seeds.is_empty() {
        return Ok(());
    }
    let members = linked(&mut *conn, org, seeds).await?;
    // Every merge of the component merges one of its members; in stamp order, as on a desk.
    let merges: Vec<(Uuid, Uuid, bool)> = sqlx::query_as(
        "SELECT merged_id, survivor_id, undone FROM customer_merges
         WHERE org_id = $1 AND merged_id = ANY($2) ORDER BY hlc, merge_id",
    )
    .bind(org)
    .bind(&members)
    .fetch_all(&mut *conn)
    .await?;
    let erased: HashSet<Uuid> = sqlx::query_scalar::<_, Uuid>(
        "SELECT customer_id FROM customers WHERE org_id = $1 AND customer_id = ANY($2) AND erased_at IS NOT NULL",
    )
    .bind(org)
    .bind(&members)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let (_, parent) = holding(&merges, &|id| erased.contains(&id));
    let (merged, survivors): (Vec<Uuid>, Vec<Uuid>) = members
        .iter()
        .filter_map(|&id| {
            let root = root_of(&parent, id);
            (root != id).then_some((id, root))
        })
        .unzip();
    sqlx::query("DELETE FROM customer_survivors WHERE org_id = $1 AND customer_id = ANY($2)")
        .bind(org)
        .bind(&members)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO customer_survivors (org_id, customer_id, survivor_id)
         SELECT $1, * FROM UNNEST($2::uuid[], $3::uuid[])",
    )
    .bind(org)
    .bind(&merged)
    .bind(&survivors)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Works out the survivors of the organisations that had merges before the server kept them
/// (migration 0021), one organisation per transaction; nothing to do after the first start.
pub async fn settle_unsettled(pool: &PgPool) -> Result<(), sqlx::Error> {
    let orgs: Vec<Uuid> = sqlx::query_scalar("SELECT org_id FROM customer_merges_unsettled").fetch_all(pool).await?;
    for org in orgs {
        let mut tx = pool.begin().await?;
        let merged: Vec<Uuid> = sqlx::query_scalar("SELECT DISTINCT merged_id FROM customer_merges WHERE org_id = $1")
            .bind(org)
            .fetch_all(&mut *tx)
            .await?;
        settle(&mut tx, org, &merged).await?;
        sqlx::query("DELETE FROM customer_merges_unsettled WHERE org_id = $1").bind(org).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Of `ids`, those merged into another, each with the record their history shows on.
pub async fn survivors_of(pool: &PgPool, org: Uuid, ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT customer_id, survivor_id FROM customer_survivors WHERE org_id = $1 AND customer_id = ANY($2)",
    )
    .bind(org)
    .bind(ids)
    .fetch_all(pool)
    .await
}
