//! "This resonated with me" notes, left after an event for its storytellers.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use tracing::instrument;
use uuid::Uuid;

use crate::db::DbResult;
use crate::domain::events::ReceivedNote;

/// Leaves a note for a story; false when this person already left one.
#[instrument(skip_all)]
pub async fn insert_note(
    db: impl PgExecutor<'_>,
    pitch_id: Uuid,
    author_id: Uuid,
    body: &str,
) -> DbResult<bool> {
    let result = sqlx::query(
        "INSERT INTO event_resonance_notes (id, pitch_id, author_id, body) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (pitch_id, author_id) DO NOTHING",
    )
    .bind(Uuid::new_v4())
    .bind(pitch_id)
    .bind(author_id)
    .bind(body)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The stories of an event this person has already left a note for.
#[instrument(skip_all)]
pub async fn noted_stories(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    author_id: Uuid,
) -> DbResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT n.pitch_id FROM event_resonance_notes n \
         JOIN event_pitches s ON s.id = n.pitch_id \
         WHERE n.author_id = $2 AND s.event_id = $1",
    )
    .bind(event_id)
    .bind(author_id)
    .fetch_all(db)
    .await?)
}

/// Notes left for a storyteller about their story at an event. Nobody else reads these.
#[instrument(skip_all)]
pub async fn notes_for_storyteller(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    storyteller_id: Uuid,
) -> DbResult<Vec<ReceivedNote>> {
    let rows: Vec<(String, String, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT s.title, a.display_name, n.body, n.created_at FROM event_resonance_notes n \
         JOIN event_pitches s ON s.id = n.pitch_id JOIN people a ON a.id = n.author_id \
         WHERE s.event_id = $1 AND s.person_id = $2 ORDER BY n.created_at LIMIT 500",
    )
    .bind(event_id)
    .bind(storyteller_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(story_title, author, body, written_at)| ReceivedNote {
            story_title,
            author,
            body,
            written_at,
        })
        .collect())
}
