//! Pitches and the lineup: saving and withdrawing pitches, decisions, lineup order.

use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use crate::db::{DbResult, Text};
use crate::domain::events::{Decision, Pitch, PitchInput, PitchStatus};

#[derive(FromRow)]
struct PitchRow {
    id: Uuid,
    event_id: Uuid,
    person_id: Uuid,
    storyteller: String,
    title: String,
    summary: String,
    minutes: i32,
    content_note: String,
    recording_consent: bool,
    status: Text<PitchStatus>,
    organizer_message: String,
    lineup_position: Option<i32>,
}

impl From<PitchRow> for Pitch {
    fn from(row: PitchRow) -> Self {
        Pitch {
            id: row.id,
            event_id: row.event_id,
            person_id: row.person_id,
            storyteller: row.storyteller,
            title: row.title,
            summary: row.summary,
            minutes: row.minutes,
            content_note: row.content_note,
            recording_consent: row.recording_consent,
            status: row.status.0,
            organizer_message: row.organizer_message,
            lineup_position: row.lineup_position,
        }
    }
}

const PITCH_COLUMNS: &str = "s.id, s.event_id, s.person_id, p.display_name AS storyteller, \
    s.title, s.summary, s.minutes, s.content_note, s.recording_consent, s.status, \
    s.organizer_message, s.lineup_position";

/// The one pitch of an event matching `which` (`s.id` or `s.person_id`), if any.
async fn one_pitch(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    which: &str,
    id: Uuid,
) -> DbResult<Option<Pitch>> {
    let row: Option<PitchRow> = sqlx::query_as(&format!(
        "SELECT {PITCH_COLUMNS} FROM event_pitches s JOIN people p ON p.id = s.person_id \
         WHERE s.event_id = $1 AND {which} = $2"
    ))
    .bind(event_id)
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Pitch::from))
}

#[instrument(skip_all)]
pub async fn find_pitch(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    pitch_id: Uuid,
) -> DbResult<Option<Pitch>> {
    one_pitch(db, event_id, "s.id", pitch_id).await
}

/// A person's own pitch for an event, if they made one.
#[instrument(skip_all)]
pub async fn own_pitch(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    person_id: Uuid,
) -> DbResult<Option<Pitch>> {
    one_pitch(db, event_id, "s.person_id", person_id).await
}

/// Adds a person's pitch, or updates it if they already pitched for this event.
#[instrument(skip_all)]
pub async fn save_pitch(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    person_id: Uuid,
    input: &PitchInput,
) -> DbResult<Uuid> {
    Ok(sqlx::query_scalar(
        "INSERT INTO event_pitches (id, event_id, person_id, title, summary, minutes, \
         content_note, recording_consent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (event_id, person_id) DO UPDATE SET title = EXCLUDED.title, \
         summary = EXCLUDED.summary, minutes = EXCLUDED.minutes, \
         content_note = EXCLUDED.content_note, recording_consent = EXCLUDED.recording_consent, \
         updated_at = now() RETURNING id",
    )
    .bind(Uuid::new_v4())
    .bind(event_id)
    .bind(person_id)
    .bind(&input.title)
    .bind(&input.summary)
    .bind(input.minutes)
    .bind(&input.content_note)
    .bind(input.recording_consent)
    .fetch_one(db)
    .await?)
}

/// Withdraws (deletes) a person's pitch; true when there was one. The lineup closes up.
#[instrument(skip_all)]
pub async fn delete_pitch(
    conn: &mut PgConnection,
    event_id: Uuid,
    person_id: Uuid,
) -> DbResult<bool> {
    let result = sqlx::query("DELETE FROM event_pitches WHERE event_id = $1 AND person_id = $2")
        .bind(event_id)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    compact_lineup(conn, event_id).await?;
    Ok(result.rows_affected() == 1)
}

/// Every pitch for an event: the lineup in order, then those waiting, then those declined.
#[instrument(skip_all)]
pub async fn pitches(db: impl PgExecutor<'_>, event_id: Uuid, limit: i64) -> DbResult<Vec<Pitch>> {
    let rows: Vec<PitchRow> = sqlx::query_as(&format!(
        "SELECT {PITCH_COLUMNS} FROM event_pitches s JOIN people p ON p.id = s.person_id \
         WHERE s.event_id = $1 \
         ORDER BY CASE s.status WHEN 'accepted' THEN 0 WHEN 'submitted' THEN 1 ELSE 2 END, \
         s.lineup_position, s.created_at LIMIT $2"
    ))
    .bind(event_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Pitch::from).collect())
}

/// The accepted stories in lineup order.
#[instrument(skip_all)]
pub async fn lineup(db: impl PgExecutor<'_>, event_id: Uuid) -> DbResult<Vec<Pitch>> {
    let rows: Vec<PitchRow> = sqlx::query_as(&format!(
        "SELECT {PITCH_COLUMNS} FROM event_pitches s JOIN people p ON p.id = s.person_id \
         WHERE s.event_id = $1 AND s.status = 'accepted' ORDER BY s.lineup_position"
    ))
    .bind(event_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Pitch::from).collect())
}

#[instrument(skip_all)]
pub async fn accepted_count(db: impl PgExecutor<'_>, event_id: Uuid) -> DbResult<i32> {
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM event_pitches WHERE event_id = $1 AND status = 'accepted'",
    )
    .bind(event_id)
    .fetch_one(db)
    .await?;
    Ok(i32::try_from(count).unwrap_or(i32::MAX))
}

/// Records an organizer's decision. An accepted story joins the end of the lineup; a
/// declined one leaves it and the places close up.
#[instrument(skip_all)]
pub async fn decide(
    conn: &mut PgConnection,
    event_id: Uuid,
    pitch_id: Uuid,
    decision: Decision,
    message: &str,
) -> DbResult<()> {
    match decision {
        Decision::Accept => {
            sqlx::query(
                "UPDATE event_pitches SET status = 'accepted', organizer_message = $3, \
                 decided_at = now(), updated_at = now(), lineup_position = coalesce( \
                   lineup_position, \
                   (SELECT coalesce(max(lineup_position), 0) + 1 FROM event_pitches \
                    WHERE event_id = $2 AND status = 'accepted')) \
                 WHERE id = $1 AND event_id = $2",
            )
            .bind(pitch_id)
            .bind(event_id)
            .bind(message)
            .execute(&mut *conn)
            .await?;
        }
        Decision::Decline => {
            sqlx::query(
                "UPDATE event_pitches SET status = 'declined', organizer_message = $3, \
                 lineup_position = NULL, decided_at = now(), updated_at = now() \
                 WHERE id = $1 AND event_id = $2",
            )
            .bind(pitch_id)
            .bind(event_id)
            .bind(message)
            .execute(&mut *conn)
            .await?;
            compact_lineup(conn, event_id).await?;
        }
    }
    Ok(())
}

/// Renumbers the lineup 1, 2, 3... in its current order.
async fn compact_lineup(conn: &mut PgConnection, event_id: Uuid) -> DbResult<()> {
    sqlx::query(
        "UPDATE event_pitches s SET lineup_position = n.place FROM \
         (SELECT id, row_number() OVER (ORDER BY lineup_position) AS place FROM event_pitches \
          WHERE event_id = $1 AND status = 'accepted') n \
         WHERE s.id = n.id AND s.lineup_position <> n.place",
    )
    .bind(event_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Swaps two places in the lineup.
#[instrument(skip_all)]
pub async fn swap_places(db: impl PgExecutor<'_>, event_id: Uuid, a: i32, b: i32) -> DbResult<()> {
    sqlx::query(
        "UPDATE event_pitches SET lineup_position = CASE lineup_position WHEN $2 THEN $3 ELSE $2 END, \
         updated_at = now() WHERE event_id = $1 AND status = 'accepted' \
         AND lineup_position IN ($2, $3)",
    )
    .bind(event_id)
    .bind(a)
    .bind(b)
    .execute(db)
    .await?;
    Ok(())
}
