//! Private calendar feeds: a token digest per person, and the events the feed shows.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use tracing::instrument;
use uuid::Uuid;

use super::event::{COLUMNS, EventRow};
use crate::db::DbResult;
use crate::domain::events::Event;

/// Creates or replaces a person's feed token (only its digest is stored).
#[instrument(skip_all)]
pub async fn set_feed(db: impl PgExecutor<'_>, person_id: Uuid, digest: &[u8]) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO event_calendar_feeds (person_id, token_digest) VALUES ($1, $2) \
         ON CONFLICT (person_id) DO UPDATE SET token_digest = EXCLUDED.token_digest, \
         created_at = now()",
    )
    .bind(person_id)
    .bind(digest)
    .execute(db)
    .await?;
    Ok(())
}

#[instrument(skip_all)]
pub async fn revoke_feed(db: impl PgExecutor<'_>, person_id: Uuid) -> DbResult<bool> {
    let result = sqlx::query("DELETE FROM event_calendar_feeds WHERE person_id = $1")
        .bind(person_id)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// When the person's current feed link was made, if they have one.
#[instrument(skip_all)]
pub async fn feed_created(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
) -> DbResult<Option<DateTime<Utc>>> {
    Ok(
        sqlx::query_scalar("SELECT created_at FROM event_calendar_feeds WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(db)
            .await?,
    )
}

/// Whose feed a token opens (active people only).
#[instrument(skip_all)]
pub async fn feed_owner(db: impl PgExecutor<'_>, digest: &[u8]) -> DbResult<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT f.person_id FROM event_calendar_feeds f JOIN people p ON p.id = f.person_id \
         WHERE f.token_digest = $1 AND p.active",
    )
    .bind(digest)
    .fetch_optional(db)
    .await?)
}

/// The published (or since cancelled) events a person is going to, ending after `since`.
#[instrument(skip_all)]
pub async fn feed_events(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    since: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<Event>> {
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM event_rsvps r JOIN events e ON e.id = r.event_id \
         WHERE r.person_id = $1 AND r.status = 'going' AND e.published_at IS NOT NULL \
         AND e.ends_at > $2 ORDER BY e.starts_at LIMIT $3"
    ))
    .bind(person_id)
    .bind(since)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Event::from).collect())
}
