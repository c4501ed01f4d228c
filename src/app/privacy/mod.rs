//! Your data: downloading everything Attune holds about you (`export.rs`), erasing an account
//! (`erasure.rs`), and keeping personal data only as long as HR's retention settings say
//! (here: the settings and the daily retention run).

pub mod erasure;
pub mod export;

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use super::audit::{self, Actor, Subject};
use crate::config::AppConfig;
use crate::db;
use crate::domain::audit::Action;
use crate::domain::privacy::{PrivacySettings, RetentionRun};
use crate::error::AppResult;

pub use erasure::{Erasure, Requested, erase};

/// Accounts erased by one retention run at most (the next day's run takes the rest).
const ERASURES_PER_RUN: i64 = 200;

/// Saves HR's privacy settings; the record says what they were and what they became.
pub async fn save_settings(
    pool: &PgPool,
    actor: Actor,
    settings: &PrivacySettings,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let before = db::privacy::settings(&mut *tx).await?;
    db::privacy::save_settings(&mut *tx, settings).await?;
    if before != *settings {
        let (b, a) = (before.retention, settings.retention);
        let details = format!(
            "recognitions given by an erased person {} → {}; sign-in history {} → {} days; \
             notifications {} → {} days; sent email {} → {} days; deactivated accounts {} → {} days",
            before.given_recognitions.as_str(),
            settings.given_recognitions.as_str(),
            b.sign_in_days,
            a.sign_in_days,
            b.notifications_days,
            a.notifications_days,
            b.sent_mail_days,
            a.sent_mail_days,
            b.deactivated_days,
            a.deactivated_days,
        );
        let subject = Subject::kind("privacy_settings");
        audit::record(&mut tx, actor, Action::SettingsChanged, subject, &details).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The day's retention run, once across every replica: deletes sign-in attempts,
/// notifications and sent email older than HR's settings, and erases accounts deactivated
/// longer than that (each with the erasure use case). None when today's run was already done.
pub async fn run_retention(
    pool: &PgPool,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<Option<RetentionRun>> {
    let day = now.date_naive();
    let mut tx = pool.begin().await?;
    if !db::privacy::claim_run(&mut tx, day).await? {
        return Ok(None);
    }
    let retention = db::privacy::settings(&mut *tx).await?.retention;
    let mut run = RetentionRun {
        sign_in_attempts: db::privacy::delete_old_sign_ins(&mut tx, now, retention.sign_in_days)
            .await?,
        notifications: db::privacy::delete_old_notifications(
            &mut tx,
            now - Duration::days(retention.notifications_days.into()),
        )
        .await?,
        sent_mail: db::mail::delete_old_messages(
            &mut *tx,
            now - Duration::days(retention.sent_mail_days.into()),
        )
        .await?,
        erased_accounts: 0,
    };
    let cutoff = now - Duration::days(retention.deactivated_days.into());
    let due = db::privacy::deactivated_before(&mut *tx, cutoff, ERASURES_PER_RUN).await?;
    // The claim and the deletions commit together; each erasure is its own transaction, so
    // one that fails is tried again by the next day's run.
    tx.commit().await?;
    for id in due {
        let why = Requested::Retention {
            days: retention.deactivated_days,
        };
        match erase(pool, config, why, id, now).await {
            Ok(_) => run.erased_accounts += 1,
            Err(err) => tracing::warn!(error = %err, "erasing a deactivated account failed"),
        }
    }
    let mut tx = pool.begin().await?;
    let summary = run.in_words();
    db::privacy::finish_run(&mut tx, day, &summary).await?;
    db::privacy::append_system_entry(
        &mut tx,
        Action::RetentionRun.as_str(),
        "retention",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(run))
}
