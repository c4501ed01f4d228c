//! Program-wide settings HR can change (one row).

use sqlx::PgExecutor;
use tracing::instrument;

use super::DbResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramSettings {
    pub retake_interval_days: i32,
}

#[instrument(skip_all)]
pub async fn get(db: impl PgExecutor<'_>) -> DbResult<ProgramSettings> {
    let retake_interval_days: i32 =
        sqlx::query_scalar("SELECT retake_interval_days FROM program_settings")
            .fetch_one(db)
            .await?;
    Ok(ProgramSettings {
        retake_interval_days,
    })
}

#[instrument(skip_all)]
pub async fn update(db: impl PgExecutor<'_>, settings: ProgramSettings) -> DbResult<()> {
    sqlx::query("UPDATE program_settings SET retake_interval_days = $1, updated_at = now()")
        .bind(settings.retake_interval_days)
        .execute(db)
        .await?;
    Ok(())
}
