//! The organisation's one order: every change the server stores takes its place here.

use sqlx::PgConnection;
use uuid::Uuid;

/// Takes `count` sequence numbers of the organisation, returning the first. The counter row
/// stays locked until the transaction ends, so sequence order is commit order (and, taken
/// first in a push, two pushes of the same op cannot both miss the ledger).
pub async fn take(conn: &mut PgConnection, org: Uuid, count: usize) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("UPDATE org_counters SET next_seq = next_seq + $2 WHERE org_id = $1 RETURNING next_seq - $2")
        .bind(org)
        .bind(count as i64)
        .fetch_one(conn)
        .await
}
