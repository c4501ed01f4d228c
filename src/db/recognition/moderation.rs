//! HR's queues: approving or rejecting nominations, reviewing reported posts.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{Listing, read_listing};
use crate::db::DbResult;
use crate::domain::pagination::PageRequest;
use crate::domain::recognition::Recognition;

/// One page of nominations waiting for approval, oldest first.
#[instrument(skip_all)]
pub async fn pending(
    db: impl PgExecutor<'_> + Copy,
    viewer: Uuid,
    page: PageRequest,
) -> DbResult<(Vec<Recognition>, i64)> {
    queue(db, viewer, "r.status = 'pending'", page).await
}

/// One page of reported posts waiting for review, oldest first.
#[instrument(skip_all)]
pub async fn reported(
    db: impl PgExecutor<'_> + Copy,
    viewer: Uuid,
    page: PageRequest,
) -> DbResult<(Vec<Recognition>, i64)> {
    queue(db, viewer, "r.under_review", page).await
}

async fn queue(
    db: impl PgExecutor<'_> + Copy,
    viewer: Uuid,
    condition: &str,
    page: PageRequest,
) -> DbResult<(Vec<Recognition>, i64)> {
    let listing = Listing {
        viewer,
        subject: viewer,
        condition,
        order: "r.created_at, r.id",
        limit: page.limit(),
        offset: page.offset(),
    };
    read_listing(db, listing).await
}

/// How many nominations wait for approval and how many posts for review.
#[instrument(skip_all)]
pub async fn moderation_counts(db: impl PgExecutor<'_>) -> DbResult<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT count(*) FROM recognitions WHERE status = 'pending'), \
                (SELECT count(*) FROM recognitions WHERE under_review)",
    )
    .fetch_one(db)
    .await?)
}

/// A report of a post, for HR's review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub recognition_id: Uuid,
    pub reporter: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// The open reports of the given posts (one query for a page of posts).
#[instrument(skip_all)]
pub async fn open_reports(db: impl PgExecutor<'_>, recognitions: &[Uuid]) -> DbResult<Vec<Report>> {
    let rows: Vec<(Uuid, String, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT rr.recognition_id, p.display_name, rr.reason, rr.created_at \
         FROM recognition_reports rr JOIN people p ON p.id = rr.reporter_id \
         WHERE rr.recognition_id = ANY($1) AND rr.resolved_at IS NULL ORDER BY rr.created_at",
    )
    .bind(recognitions)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(recognition_id, reporter, reason, created_at)| Report {
            recognition_id,
            reporter,
            reason,
            created_at,
        })
        .collect())
}

/// Publishes a pending nomination. Returns false when it isn't pending (any more).
#[instrument(skip_all)]
pub async fn approve(
    db: impl PgExecutor<'_>,
    id: Uuid,
    reviewer: Uuid,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE recognitions SET status = 'published', reviewed_by = $2, reviewed_at = $3 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(reviewer)
    .bind(now)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Declines a pending nomination with a reason for the nominator.
#[instrument(skip_all)]
pub async fn reject(
    db: impl PgExecutor<'_>,
    id: Uuid,
    reviewer: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE recognitions SET status = 'rejected', rejection_reason = $4, reviewed_by = $2, \
         reviewed_at = $3 WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(reviewer)
    .bind(now)
    .bind(reason)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Ends the review of a reported post: back on the wall (`keep`) or removed for good.
/// Returns false when it was not under review.
#[instrument(skip_all)]
pub async fn resolve_review(
    conn: &mut PgConnection,
    id: Uuid,
    reviewer: Uuid,
    keep: bool,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE recognitions SET under_review = false, reviewed_by = $2, reviewed_at = $3, \
         status = CASE WHEN $4 THEN status ELSE 'removed' END \
         WHERE id = $1 AND under_review",
    )
    .bind(id)
    .bind(reviewer)
    .bind(now)
    .bind(keep)
    .execute(&mut *conn)
    .await?;
    if result.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE recognition_reports SET resolved_at = $2 WHERE recognition_id = $1 AND resolved_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}
