//! Program-wide settings HR can change (one row).

use sqlx::{FromRow, PgExecutor};
use tracing::instrument;

use super::DbResult;
use crate::domain::sso::{Admission, SsoSettings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct ProgramSettings {
    pub retake_interval_days: i32,
    /// Hold each nomination for HR approval instead of publishing it at once.
    pub recognition_requires_approval: bool,
    /// Nominations one person may make in any 7 days.
    pub recognition_weekly_limit: i32,
    /// Spotlight nominators invited per department each week (0: none).
    pub spotlight_per_department: i32,
    /// The fewest people any figure shown to HR may be about (at least 3).
    pub anonymity_threshold: i32,
}

impl ProgramSettings {
    /// The anonymity threshold as the figures use it.
    pub fn threshold(&self) -> i64 {
        i64::from(self.anonymity_threshold)
    }
}

#[instrument(skip_all)]
pub async fn get(db: impl PgExecutor<'_>) -> DbResult<ProgramSettings> {
    Ok(sqlx::query_as(
        "SELECT retake_interval_days, recognition_requires_approval, recognition_weekly_limit, \
         spotlight_per_department, anonymity_threshold FROM program_settings",
    )
    .fetch_one(db)
    .await?)
}

#[instrument(skip_all)]
pub async fn update(db: impl PgExecutor<'_>, settings: ProgramSettings) -> DbResult<()> {
    sqlx::query(
        "UPDATE program_settings SET retake_interval_days = $1, \
         recognition_requires_approval = $2, recognition_weekly_limit = $3, \
         spotlight_per_department = $4, anonymity_threshold = $5, updated_at = now()",
    )
    .bind(settings.retake_interval_days)
    .bind(settings.recognition_requires_approval)
    .bind(settings.recognition_weekly_limit)
    .bind(settings.spotlight_per_department)
    .bind(settings.anonymity_threshold)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct SsoRow {
    sso_admission: super::Text<Admission>,
    sso_domains: Vec<String>,
    sso_department_claim: String,
    sso_office_claim: String,
    sso_time_zone_claim: String,
    sso_only: bool,
}

/// HR's choices for signing in with the identity provider.
#[instrument(skip_all)]
pub async fn get_sso(db: impl PgExecutor<'_>) -> DbResult<SsoSettings> {
    let row: SsoRow = sqlx::query_as(
        "SELECT sso_admission, sso_domains, sso_department_claim, sso_office_claim, \
         sso_time_zone_claim, sso_only FROM program_settings",
    )
    .fetch_one(db)
    .await?;
    Ok(SsoSettings {
        admission: row.sso_admission.0,
        domains: row.sso_domains,
        department_claim: row.sso_department_claim,
        office_claim: row.sso_office_claim,
        time_zone_claim: row.sso_time_zone_claim,
        sso_only: row.sso_only,
    })
}

#[instrument(skip_all)]
pub async fn update_sso(db: impl PgExecutor<'_>, settings: &SsoSettings) -> DbResult<()> {
    sqlx::query(
        "UPDATE program_settings SET sso_admission = $1, sso_domains = $2, \
         sso_department_claim = $3, sso_office_claim = $4, sso_time_zone_claim = $5, \
         sso_only = $6, updated_at = now()",
    )
    .bind(settings.admission.as_str())
    .bind(&settings.domains)
    .bind(&settings.department_claim)
    .bind(&settings.office_claim)
    .bind(&settings.time_zone_claim)
    .bind(settings.sso_only)
    .execute(db)
    .await?;
    Ok(())
}
