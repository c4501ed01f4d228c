//! Your data: HR's privacy settings, the retention job's deletions (here), what a person's
//! data export reads (`export.rs`) and what erasing an account changes (`erasure.rs`).

pub mod erasure;
pub mod export;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{DbResult, Text};
use crate::domain::privacy::{GivenRecognitions, PrivacySettings, Retention};

#[derive(FromRow)]
struct SettingsRow {
    erasure_given_recognitions: Text<GivenRecognitions>,
    retention_sign_in_days: i32,
    retention_notifications_days: i32,
    retention_sent_mail_days: i32,
    retention_deactivated_days: i32,
}

/// HR's privacy settings.
#[instrument(skip_all)]
pub async fn settings(db: impl PgExecutor<'_>) -> DbResult<PrivacySettings> {
    let row: SettingsRow = sqlx::query_as(
        "SELECT erasure_given_recognitions, retention_sign_in_days, \
         retention_notifications_days, retention_sent_mail_days, retention_deactivated_days \
         FROM program_settings",
    )
    .fetch_one(db)
    .await?;
    Ok(PrivacySettings {
        given_recognitions: row.erasure_given_recognitions.0,
        retention: Retention {
            sign_in_days: row.retention_sign_in_days,
            notifications_days: row.retention_notifications_days,
            sent_mail_days: row.retention_sent_mail_days,
            deactivated_days: row.retention_deactivated_days,
        },
    })
}

#[instrument(skip_all)]
pub async fn save_settings(db: impl PgExecutor<'_>, settings: &PrivacySettings) -> DbResult<()> {
    let r = settings.retention;
    sqlx::query(
        "UPDATE program_settings SET erasure_given_recognitions = $1, \
         retention_sign_in_days = $2, retention_notifications_days = $3, \
         retention_sent_mail_days = $4, retention_deactivated_days = $5, updated_at = now()",
    )
    .bind(settings.given_recognitions.as_str())
    .bind(r.sign_in_days)
    .bind(r.notifications_days)
    .bind(r.sent_mail_days)
    .bind(r.deactivated_days)
    .execute(db)
    .await?;
    Ok(())
}

/// Claims the retention run of `day` for this transaction; false when another run (on this
/// replica or another) already has it.
#[instrument(skip_all)]
pub async fn claim_run(conn: &mut PgConnection, day: NaiveDate) -> DbResult<bool> {
    let claimed =
        sqlx::query("INSERT INTO retention_runs (day) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(day)
            .execute(conn)
            .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Writes what the day's run did.
#[instrument(skip_all)]
pub async fn finish_run(conn: &mut PgConnection, day: NaiveDate, summary: &str) -> DbResult<()> {
    sqlx::query("UPDATE retention_runs SET summary = $2 WHERE day = $1")
        .bind(day)
        .bind(summary)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes successful sign-in attempts older than `days` and failed ones older than a day.
#[instrument(skip_all)]
pub async fn delete_old_sign_ins(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    days: i32,
) -> DbResult<u64> {
    Ok(sqlx::query(
        "DELETE FROM sign_in_attempts WHERE at < $1 - make_interval(days => $2) \
         OR (succeeded IS NOT TRUE AND at < $1 - interval '1 day')",
    )
    .bind(now)
    .bind(days)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Deletes notifications, read or not, made before `before`.
#[instrument(skip_all)]
pub async fn delete_old_notifications(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> DbResult<u64> {
    Ok(
        sqlx::query("DELETE FROM notifications WHERE created_at < $1")
            .bind(before)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Deactivated accounts deactivated before `before`, oldest first, at most `limit`.
#[instrument(skip_all)]
pub async fn deactivated_before(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM people WHERE NOT active AND coalesce(deactivated_at, updated_at) < $1 \
         ORDER BY deactivated_at NULLS FIRST, id LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// Puts something Attune did by itself (no person acting) on the audit record.
#[instrument(skip_all)]
pub async fn append_system_entry(
    conn: &mut PgConnection,
    action: &str,
    record_kind: &str,
    details: &str,
) -> DbResult<()> {
    sqlx::query("INSERT INTO audit_log (action, record_kind, details) VALUES ($1, $2, $3)")
        .bind(action)
        .bind(record_kind)
        .bind(details)
        .execute(conn)
        .await?;
    Ok(())
}
