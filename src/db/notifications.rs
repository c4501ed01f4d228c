//! In-app notifications.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{DbResult, Text};
use crate::domain::mail::MailKind;

/// A notification as its person sees it.
#[derive(Debug, Clone, FromRow)]
pub struct Notification {
    pub id: Uuid,
    pub kind: Text<MailKind>,
    pub text: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[instrument(skip_all)]
pub async fn insert(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    kind: MailKind,
    text: &str,
    link: &str,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO notifications (id, person_id, kind, text, link) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(person_id)
    .bind(kind.as_str())
    .bind(text)
    .bind(link)
    .execute(db)
    .await?;
    Ok(id)
}

/// A page of a person's notifications, newest first, older than `before` (a keyset: the
/// `created_at` and id of the last one shown).
#[instrument(skip_all)]
pub async fn list(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> DbResult<Vec<Notification>> {
    let (at, id) = before.unzip();
    Ok(sqlx::query_as(
        "SELECT id, kind, text, link, created_at, read_at FROM notifications \
         WHERE person_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3)) \
         ORDER BY created_at DESC, id DESC LIMIT $4",
    )
    .bind(person_id)
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// Marks one of the person's notifications read; returns its link, or `None` if it isn't
/// theirs.
pub async fn mark_read(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> DbResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "UPDATE notifications SET read_at = coalesce(read_at, $3) \
         WHERE id = $1 AND person_id = $2 RETURNING link",
    )
    .bind(id)
    .bind(person_id)
    .bind(now)
    .fetch_optional(db)
    .await?)
}

pub async fn mark_all_read(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    Ok(sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE person_id = $1 AND read_at IS NULL",
    )
    .bind(person_id)
    .bind(now)
    .execute(db)
    .await?
    .rows_affected())
}

/// Deletes read notifications older than `before` (retention).
pub async fn delete_old_read(db: impl PgExecutor<'_>, before: DateTime<Utc>) -> DbResult<u64> {
    Ok(
        sqlx::query("DELETE FROM notifications WHERE read_at IS NOT NULL AND created_at < $1")
            .bind(before)
            .execute(db)
            .await?
            .rows_affected(),
    )
}
