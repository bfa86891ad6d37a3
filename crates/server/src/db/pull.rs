//! The pull: the change log read in sequence order, within what a device reads.

use sqlx::PgPool;
use uuid::Uuid;

/// The organisation's epoch and the next sequence number it will give (read before the rows:
/// every sequence below it is committed).
pub async fn epoch_and_next_seq(pool: &PgPool, org: Uuid) -> Result<(Uuid, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT o.epoch, c.next_seq FROM organisations o JOIN org_counters c USING (org_id) WHERE o.org_id = $1",
    )
    .bind(org)
    .fetch_one(pool)
    .await
}

/// Up to `limit` changes after `since` that a device reading `reads` (or, with `reads_org`,
/// everything) receives: sequence, entity and the op as stored text.
pub async fn changes_after(
    pool: &PgPool,
    org: Uuid,
    since: i64,
    reads: &[Uuid],
    limit: i64,
    reads_org: bool,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT server_seq, entity, op::text FROM change_log
         WHERE org_id = $1 AND server_seq > $2
           AND ($5
                OR (customer_id IS NULL AND (store_id IS NULL OR store_id = ANY($3)))
                OR customer_id IN (SELECT customer_id FROM customer_scope WHERE org_id = $1 AND store_id = ANY($3)))
         ORDER BY server_seq
         LIMIT $4",
    )
    .bind(org)
    .bind(since)
    .bind(reads)
    .bind(limit)
    .bind(reads_org)
    .fetch_all(pool)
    .await
}

/// The earlier history (at or below `since`) of customers who came into the scope of `reads`
/// after `since` and up to `until`: sequence and the op as stored text.
pub async fn history_brought_into_scope(
    pool: &PgPool,
    org: Uuid,
    reads: &[Uuid],
    since: i64,
    until: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT DISTINCT c.server_seq, c.op::text FROM customer_scope s
         JOIN change_log c ON c.org_id = s.org_id AND c.customer_id = s.customer_id
         WHERE s.org_id = $1 AND s.store_id = ANY($2) AND s.since_seq > $3 AND s.since_seq <= $4
           AND c.server_seq <= $3
         ORDER BY c.server_seq",
    )
    .bind(org)
    .bind(reads)
    .bind(since)
    .bind(until)
    .fetch_all(pool)
    .await
}
