//! Recognition figures for HR's Insights, worked out by the scheduler with the other figures:
//! published recognitions per behaviour by quarter, and per pair of departments over the last
//! 90 days, as of the start of the week. Counts of recognitions only; nothing here returns a
//! row about one person.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;

use super::DbResult;
use crate::domain::insights::RecognitionPair;

/// How far back the pairs of departments look.
pub const PAIRS_DAYS: i32 = 90;

/// Works both out again from `since` (the first quarter shown) up to `as_of` (the start of the
/// week), replacing what was stored.
#[instrument(skip_all)]
pub async fn refresh(
    conn: &mut PgConnection,
    since: NaiveDate,
    as_of: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query("DELETE FROM insight_behaviours")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO insight_behaviours (quarter, behaviour, recognitions) \
         SELECT date_trunc('quarter', r.created_at AT TIME ZONE 'UTC')::date, b.label, count(*) \
         FROM recognitions r \
         JOIN recognition_behaviour_links l ON l.recognition_id = r.id \
         JOIN recognition_behaviours b ON b.id = l.behaviour_id \
         WHERE r.status = 'published' AND r.created_at >= $1 AND r.created_at < $2 \
         GROUP BY 1, 2",
    )
    .bind(since.and_hms_opt(0, 0, 0).map(|at| at.and_utc()))
    .bind(as_of)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM insight_recognition_pairs")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO insight_recognition_pairs (from_department, to_department, recognitions) \
         SELECT coalesce(nullif(nominator_department, ''), 'No department'), \
                coalesce(nullif(recipient_department, ''), 'No department'), count(*) \
         FROM recognitions \
         WHERE status = 'published' AND created_at >= $1 - make_interval(days => $2) \
           AND created_at < $1 \
         GROUP BY 1, 2",
    )
    .bind(as_of)
    .bind(PAIRS_DAYS)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every stored (quarter, behaviour, recognitions), most recognised behaviours first.
#[instrument(skip_all)]
pub async fn behaviours(db: impl PgExecutor<'_>) -> DbResult<Vec<(NaiveDate, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT quarter, behaviour, recognitions FROM insight_behaviours \
         ORDER BY sum(recognitions) OVER (PARTITION BY behaviour) DESC, behaviour, quarter",
    )
    .fetch_all(db)
    .await?)
}

/// Every stored pair of departments.
#[instrument(skip_all)]
pub async fn pairs(db: impl PgExecutor<'_>) -> DbResult<Vec<RecognitionPair>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT from_department, to_department, recognitions FROM insight_recognition_pairs",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(from, to, recognitions)| RecognitionPair {
            from,
            to,
            recognitions,
        })
        .collect())
}
