//! Quiz drafts and attempts. Every query is scoped to one person.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::DbResult;
use crate::domain::quiz::Attempt;
use crate::domain::teq::{Answers, INSTRUMENT_VERSION, ITEM_COUNT, Score};

#[derive(FromRow)]
struct AttemptRow {
    id: Uuid,
    taken_at: DateTime<Utc>,
    instrument_version: i16,
    #[sqlx(try_from = "i16")]
    total: u8,
    emotional_contagion: f64,
    emotion_comprehension: f64,
    sympathetic_arousal: f64,
    conspecific_altruism: f64,
}

impl From<AttemptRow> for Attempt {
    fn from(row: AttemptRow) -> Self {
        Attempt {
            id: row.id,
            taken_at: row.taken_at,
            instrument_version: row.instrument_version,
            total: row.total,
            aspects: Attempt::aspect_scores([
                row.emotional_contagion,
                row.emotion_comprehension,
                row.sympathetic_arousal,
                row.conspecific_altruism,
            ]),
        }
    }
}

const COLUMNS: &str = "id, taken_at, instrument_version, total, emotional_contagion, \
                       emotion_comprehension, sympathetic_arousal, conspecific_altruism";

/// The saved partial answers of a person, if any.
#[instrument(skip_all)]
pub async fn draft(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
) -> DbResult<Option<[Option<i16>; ITEM_COUNT]>> {
    let answers: Option<Vec<Option<i16>>> =
        sqlx::query_scalar("SELECT answers FROM quiz_drafts WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(db)
            .await?;
    Ok(answers.and_then(|values| values.try_into().ok()))
}

#[instrument(skip_all)]
pub async fn save_draft(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    answers: &[Option<i16>; ITEM_COUNT],
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO quiz_drafts (person_id, answers) VALUES ($1, $2) \
         ON CONFLICT (person_id) DO UPDATE SET answers = EXCLUDED.answers, updated_at = now()",
    )
    .bind(person_id)
    .bind(answers.to_vec())
    .execute(db)
    .await?;
    Ok(())
}

#[instrument(skip_all)]
pub async fn delete_draft(db: impl PgExecutor<'_>, person_id: Uuid) -> DbResult<()> {
    sqlx::query("DELETE FROM quiz_drafts WHERE person_id = $1")
        .bind(person_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Stores a scored attempt. A repeated submission key returns the attempt stored the first
/// time instead of adding another.
#[instrument(skip_all)]
pub async fn insert_attempt(
    conn: &mut sqlx::PgConnection,
    person_id: Uuid,
    submission_key: Uuid,
    answers: &Answers,
    score: &Score,
    taken_at: DateTime<Utc>,
) -> DbResult<(Uuid, bool)> {
    let means = score.aspects.map(|a| a.mean);
    let inserted: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO quiz_attempts (id, person_id, instrument_version, answers, total, \
         emotional_contagion, emotion_comprehension, sympathetic_arousal, conspecific_altruism, \
         submission_key, taken_at, department, office, settled_in_department, \
         settled_in_office) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, p.department, p.office, \
                p.department_since <= $11 - make_interval(days => $12), \
                p.office_since <= $11 - make_interval(days => $12) \
         FROM people p WHERE p.id = $2 \
         ON CONFLICT (person_id, submission_key) DO NOTHING RETURNING id",
    )
    .bind(Uuid::new_v4())
    .bind(person_id)
    .bind(INSTRUMENT_VERSION)
    .bind(answers.values().map(i16::from).to_vec())
    .bind(i16::from(score.total))
    .bind(means[0])
    .bind(means[1])
    .bind(means[2])
    .bind(means[3])
    .bind(submission_key)
    .bind(taken_at)
    .bind(crate::domain::quiz::GROUP_TENURE_DAYS as i32)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = inserted {
        return Ok((id, true));
    }
    let existing: Uuid = sqlx::query_scalar(
        "SELECT id FROM quiz_attempts WHERE person_id = $1 AND submission_key = $2",
    )
    .bind(person_id)
    .bind(submission_key)
    .fetch_one(&mut *conn)
    .await?;
    Ok((existing, false))
}

/// One of the person's own attempts; `None` for anyone else's.
#[instrument(skip_all)]
pub async fn find_own(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    attempt_id: Uuid,
) -> DbResult<Option<Attempt>> {
    let row: Option<AttemptRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM quiz_attempts WHERE id = $1 AND person_id = $2"
    ))
    .bind(attempt_id)
    .bind(person_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Attempt::from))
}

/// The attempt just before the given one, for the change since last time.
#[instrument(skip_all)]
pub async fn previous(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    before: DateTime<Utc>,
) -> DbResult<Option<Attempt>> {
    let row: Option<AttemptRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM quiz_attempts WHERE person_id = $1 AND taken_at < $2 \
         ORDER BY taken_at DESC LIMIT 1"
    ))
    .bind(person_id)
    .bind(before)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Attempt::from))
}

/// The person's latest attempt.
#[instrument(skip_all)]
pub async fn latest(db: impl PgExecutor<'_>, person_id: Uuid) -> DbResult<Option<Attempt>> {
    let row: Option<AttemptRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM quiz_attempts WHERE person_id = $1 ORDER BY taken_at DESC LIMIT 1"
    ))
    .bind(person_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Attempt::from))
}

/// The person's attempts, oldest first, at most `limit` of the newest.
#[instrument(skip_all)]
pub async fn history(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    limit: i64,
) -> DbResult<Vec<Attempt>> {
    let rows: Vec<AttemptRow> = sqlx::query_as(&format!(
        "SELECT * FROM (SELECT {COLUMNS} FROM quiz_attempts WHERE person_id = $1 \
         ORDER BY taken_at DESC LIMIT $2) newest ORDER BY taken_at"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Attempt::from).collect())
}

/// Deletes one of the person's own attempts. Returns false when it isn't theirs or is gone.
/// A trigger marks HR's stored figures (`quiz_attempts_removed`, migration 0036): the scheduler
/// leaves the attempt out of the next quiz figures it can show.
#[instrument(skip_all)]
pub async fn delete_own(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    attempt_id: Uuid,
) -> DbResult<bool> {
    let deleted: i64 = sqlx::query_scalar(
        "WITH gone AS (DELETE FROM quiz_attempts WHERE id = $1 AND person_id = $2 RETURNING 1) \
         SELECT count(*) FROM gone",
    )
    .bind(attempt_id)
    .bind(person_id)
    .fetch_one(db)
    .await?;
    Ok(deleted == 1)
}

/// The attempt a given quiz form created, if it was submitted before.
#[instrument(skip_all)]
pub async fn find_by_submission_key(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    submission_key: Uuid,
) -> DbResult<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM quiz_attempts WHERE person_id = $1 AND submission_key = $2",
    )
    .bind(person_id)
    .bind(submission_key)
    .fetch_optional(db)
    .await?)
}
