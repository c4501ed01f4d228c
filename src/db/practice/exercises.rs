//! Exercises (a resource plus its prompts and text alternative), private reflections and
//! the anonymous takeaway board.

use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::aspects;
use crate::db::{DbResult, Text};
use crate::domain::practice::{Exercise, ExerciseInput, Format, Reflections};

#[derive(FromRow)]
struct ExerciseRow {
    id: Uuid,
    title: String,
    description: String,
    minutes: i32,
    aspects: Vec<String>,
    format: Text<Format>,
    media_url: Option<String>,
    text_alternative: String,
    prompts: Vec<String>,
    told_by: Option<String>,
    from_story: bool,
    archived: bool,
}

impl TryFrom<ExerciseRow> for Exercise {
    type Error = sqlx::Error;

    fn try_from(row: ExerciseRow) -> Result<Self, Self::Error> {
        Ok(Exercise {
            id: row.id,
            title: row.title,
            description: row.description,
            minutes: row.minutes,
            aspects: aspects(&row.aspects)?,
            format: row.format.0,
            media_url: row.media_url,
            text_alternative: row.text_alternative,
            prompts: row.prompts,
            told_by: row.told_by,
            from_story: row.from_story,
            archived: row.archived,
        })
    }
}

const SELECT: &str = "SELECT r.id, r.title, r.description, r.minutes, r.aspects, e.format, \
    e.media_url, e.text_alternative, e.prompts, \
    CASE WHEN s.named THEN p.display_name || CASE WHEN p.department <> '' \
         THEN ', ' || p.department ELSE '' END END AS told_by, \
    e.story_id IS NOT NULL AS from_story, r.archived \
    FROM practice_exercises e JOIN resources r ON r.id = e.resource_id \
    LEFT JOIN practice_role_stories s ON s.id = e.story_id \
    LEFT JOIN people p ON p.id = s.person_id";

/// Adds an exercise's own details to its resource (inserted first, in the same transaction).
#[instrument(skip_all)]
pub async fn insert_exercise(
    db: impl PgExecutor<'_>,
    id: Uuid,
    input: &ExerciseInput,
    story: Option<Uuid>,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO practice_exercises (resource_id, format, media_url, text_alternative, \
         prompts, story_id) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(input.format.slug())
    .bind(&input.media_url)
    .bind(&input.text_alternative)
    .bind(&input.prompts)
    .bind(story)
    .execute(db)
    .await?;
    Ok(())
}

/// An exercise anyone may open (published in the library, archived ones included so a plan's
/// link keeps working).
#[instrument(skip_all)]
pub async fn find_exercise(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Exercise>> {
    let row: Option<ExerciseRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE e.resource_id = $1 AND NOT r.draft"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Exercise::try_from).transpose()?)
}

/// The newest exercises still in the library, at most `limit`.
#[instrument(skip_all)]
pub async fn current_exercises(db: impl PgExecutor<'_>, limit: i64) -> DbResult<Vec<Exercise>> {
    let rows: Vec<ExerciseRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE NOT r.archived AND NOT r.draft ORDER BY e.published_at DESC, r.id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(Exercise::try_from)
        .collect::<Result<_, _>>()?)
}

/// Which of these exercises the person has written reflections for.
#[instrument(skip_all)]
pub async fn reflected_on(
    db: impl PgExecutor<'_>,
    person: Uuid,
    exercises: &[Uuid],
) -> DbResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT exercise_id FROM practice_reflections \
         WHERE person_id = $1 AND exercise_id = ANY($2)",
    )
    .bind(person)
    .bind(exercises)
    .fetch_all(db)
    .await?)
}

/// The person's own reflections on an exercise, one per prompt (empty where none).
#[instrument(skip_all)]
pub async fn reflections(
    db: impl PgExecutor<'_>,
    person: Uuid,
    exercise: Uuid,
    prompts: usize,
) -> DbResult<Reflections> {
    let rows: Vec<(i16, String)> = sqlx::query_as(
        "SELECT prompt, body FROM practice_reflections WHERE person_id = $1 AND exercise_id = $2",
    )
    .bind(person)
    .bind(exercise)
    .fetch_all(db)
    .await?;
    let mut out = vec![String::new(); prompts];
    for (prompt, body) in rows {
        if let Some(slot) = usize::try_from(prompt - 1)
            .ok()
            .and_then(|i| out.get_mut(i))
        {
            *slot = body;
        }
    }
    Ok(Reflections(out))
}

/// Saves the person's reflections: written ones replace what was there, emptied ones go.
#[instrument(skip_all)]
pub async fn save_reflections(
    db: &mut sqlx::PgConnection,
    person: Uuid,
    exercise: Uuid,
    reflections: &Reflections,
) -> DbResult<()> {
    for (i, body) in reflections.0.iter().enumerate() {
        let prompt = i16::try_from(i + 1).unwrap_or(i16::MAX);
        if body.is_empty() {
            sqlx::query(
                "DELETE FROM practice_reflections \
                 WHERE person_id = $1 AND exercise_id = $2 AND prompt = $3",
            )
            .bind(person)
            .bind(exercise)
            .bind(prompt)
            .execute(&mut *db)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO practice_reflections (person_id, exercise_id, prompt, body) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (person_id, exercise_id, prompt) \
                 DO UPDATE SET body = EXCLUDED.body, written_at = now()",
            )
            .bind(person)
            .bind(exercise)
            .bind(prompt)
            .bind(body)
            .execute(&mut *db)
            .await?;
        }
    }
    Ok(())
}

/// Whether the person has added their takeaway to this exercise's board.
#[instrument(skip_all)]
pub async fn gave_takeaway(
    db: impl PgExecutor<'_>,
    exercise: Uuid,
    person: Uuid,
) -> DbResult<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM practice_takeaway_givers \
         WHERE exercise_id = $1 AND person_id = $2)",
    )
    .bind(exercise)
    .bind(person)
    .fetch_one(db)
    .await?)
}

/// Adds a takeaway, once per person: the roll records that they gave one, the board holds
/// the words with a random id and nothing else. False when they already had.
#[instrument(skip_all)]
pub async fn add_takeaway(
    db: &mut sqlx::PgConnection,
    exercise: Uuid,
    person: Uuid,
    body: &str,
) -> DbResult<bool> {
    let first = sqlx::query(
        "INSERT INTO practice_takeaway_givers (exercise_id, person_id) VALUES ($1, $2) \
         ON CONFLICT DO NOTHING",
    )
    .bind(exercise)
    .bind(person)
    .execute(&mut *db)
    .await?
    .rows_affected()
        == 1;
    if first {
        sqlx::query("INSERT INTO practice_takeaways (id, exercise_id, body) VALUES ($1, $2, $3)")
            .bind(Uuid::new_v4())
            .bind(exercise)
            .bind(body)
            .execute(&mut *db)
            .await?;
    }
    Ok(first)
}

/// How many takeaways an exercise has (counted up to `cap`).
#[instrument(skip_all)]
pub async fn takeaway_count(db: impl PgExecutor<'_>, exercise: Uuid, cap: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM practice_takeaways WHERE exercise_id = $1 LIMIT $2) t",
    )
    .bind(exercise)
    .bind(cap)
    .fetch_one(db)
    .await?)
}

/// Up to `limit` takeaways in random order.
#[instrument(skip_all)]
pub async fn takeaways(
    db: impl PgExecutor<'_>,
    exercise: Uuid,
    limit: i64,
) -> DbResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT body FROM practice_takeaways WHERE exercise_id = $1 ORDER BY random() LIMIT $2",
    )
    .bind(exercise)
    .bind(limit)
    .fetch_all(db)
    .await?)
}
