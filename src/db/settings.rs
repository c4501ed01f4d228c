//! Program-wide settings HR can change (one row).

use sqlx::{FromRow, PgExecutor};
use tracing::instrument;

use super::DbResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct ProgramSettings {
    pub retake_interval_days: i32,
    /// Hold each nomination for HR approval instead of publishing it at once.
    pub recognition_requires_approval: bool,
    /// Nominations one person may make in any 7 days.
    pub recognition_weekly_limit: i32,
    /// Spotlight nominators invited per department each week (0: none).
    pub spotlight_per_department: i32,
}

#[instrument(skip_all)]
pub async fn get(db: impl PgExecutor<'_>) -> DbResult<ProgramSettings> {
    Ok(sqlx::query_as(
        "SELECT retake_interval_days, recognition_requires_approval, recognition_weekly_limit, \
         spotlight_per_department FROM program_settings",
    )
    .fetch_one(db)
    .await?)
}

#[instrument(skip_all)]
pub async fn update(db: impl PgExecutor<'_>, settings: ProgramSettings) -> DbResult<()> {
    sqlx::query(
        "UPDATE program_settings SET retake_interval_days = $1, \
         recognition_requires_approval = $2, recognition_weekly_limit = $3, \
         spotlight_per_department = $4, updated_at = now()",
    )
    .bind(settings.retake_interval_days)
    .bind(settings.recognition_requires_approval)
    .bind(settings.recognition_weekly_limit)
    .bind(settings.spotlight_per_department)
    .execute(db)
    .await?;
    Ok(())
}
