//! Demo data only: states a sample company reaches over months, set directly.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use tracing::instrument;
use uuid::Uuid;

use crate::db::DbResult;

/// Marks a recognition seen by its recipient when it was made, if it was made before `before`.
#[instrument(skip_all)]
pub async fn mark_seen_if_older(
    db: impl PgExecutor<'_>,
    id: Uuid,
    before: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE recognitions SET recipient_seen_at = created_at WHERE id = $1 AND created_at < $2",
    )
    .bind(id)
    .bind(before)
    .execute(db)
    .await?;
    Ok(())
}

/// Records that HR declined a recognition an hour after it was made.
#[instrument(skip_all)]
pub async fn mark_declined(
    db: impl PgExecutor<'_>,
    id: Uuid,
    reviewer: Uuid,
    reason: &str,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE recognitions SET status = 'rejected', reviewed_by = $2, \
         reviewed_at = created_at + interval '1 hour', rejection_reason = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(reviewer)
    .bind(reason)
    .execute(db)
    .await?;
    Ok(())
}

/// The recipient took a recognition off the wall.
#[instrument(skip_all)]
pub async fn mark_hidden_by_recipient(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<()> {
    sqlx::query("UPDATE recognitions SET hidden_by_recipient = true WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
