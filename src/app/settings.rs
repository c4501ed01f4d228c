//! Saving HR's settings, on the audit record.

use sqlx::PgPool;

use super::audit::{self, Actor, Subject};
use crate::db;
use crate::db::settings::ProgramSettings;
use crate::domain::audit::Action;
use crate::domain::sso::SsoSettings;
use crate::error::AppResult;

/// Saves the program settings; the record says what they were and what they became.
pub async fn save(pool: &PgPool, actor: Actor, settings: ProgramSettings) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let before = db::settings::get(&mut *tx).await?;
    db::settings::update(&mut *tx, settings).await?;
    if before.anonymity_threshold != settings.anonymity_threshold {
        // What the Insights figures may show was decided for the old threshold: the scheduler
        // decides again at its next turn, and the page shows no quiz figures until then.
        db::insights::mark_stale(&mut *tx).await?;
    }
    if before != settings {
        let details = format!(
            "retake interval {} → {} days; approval needed {} → {}; weekly limit {} → {}; \
             spotlight per department {} → {}; anonymity threshold {} → {}",
            before.retake_interval_days,
            settings.retake_interval_days,
            yes_no(before.recognition_requires_approval),
            yes_no(settings.recognition_requires_approval),
            before.recognition_weekly_limit,
            settings.recognition_weekly_limit,
            before.spotlight_per_department,
            settings.spotlight_per_department,
            before.anonymity_threshold,
            settings.anonymity_threshold,
        );
        let subject = Subject::kind("settings");
        audit::record(&mut tx, actor, Action::SettingsChanged, subject, &details).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Saves the identity provider settings.
pub async fn save_sso(pool: &PgPool, actor: Actor, settings: &SsoSettings) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    db::settings::update_sso(&mut *tx, settings).await?;
    let subject = Subject::kind("sso_settings");
    let details = "sign in with your identity provider";
    audit::record(&mut tx, actor, Action::SettingsChanged, subject, details).await?;
    tx.commit().await?;
    Ok(())
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}
