//! The health check's statement.

use sqlx::PgPool;

/// Runs `SELECT 1`: whether the database answers at all.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}
