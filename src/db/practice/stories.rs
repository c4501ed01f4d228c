//! Colleagues' role stories: submitted, waiting for HR, published or declined.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use crate::db::{DbResult, Text};
use crate::domain::practice::{RoleStory, StoryInput, StoryStatus};

#[derive(FromRow)]
struct StoryRow {
    id: Uuid,
    person_id: Uuid,
    author: String,
    title: String,
    body: String,
    named: bool,
    status: Text<StoryStatus>,
    decline_reason: String,
    submitted_at: DateTime<Utc>,
    exercise_id: Option<Uuid>,
}

impl From<StoryRow> for RoleStory {
    fn from(row: StoryRow) -> Self {
        RoleStory {
            id: row.id,
            person_id: row.person_id,
            author: row.author,
            title: row.title,
            body: row.body,
            named: row.named,
            status: row.status.0,
            decline_reason: row.decline_reason,
            submitted_at: row.submitted_at,
            exercise_id: row.exercise_id,
        }
    }
}

const SELECT: &str = "SELECT s.id, s.person_id, \
    p.display_name || CASE WHEN p.department <> '' THEN ', ' || p.department ELSE '' END AS author, \
    s.title, s.body, s.named, s.status, s.decline_reason, s.submitted_at, \
    e.resource_id AS exercise_id \
    FROM practice_role_stories s JOIN people p ON p.id = s.person_id \
    LEFT JOIN practice_exercises e ON e.story_id = s.id";

#[instrument(skip_all)]
pub async fn insert_story(
    db: impl PgExecutor<'_>,
    person: Uuid,
    input: &StoryInput,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO practice_role_stories (id, person_id, title, body, named) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(person)
    .bind(&input.title)
    .bind(&input.body)
    .bind(input.named)
    .execute(db)
    .await?;
    Ok(id)
}

/// A person's own stories, newest first (at most 50).
#[instrument(skip_all)]
pub async fn stories_of(db: impl PgExecutor<'_>, person: Uuid) -> DbResult<Vec<RoleStory>> {
    let rows: Vec<StoryRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE s.person_id = $1 ORDER BY s.submitted_at DESC LIMIT 50"
    ))
    .bind(person)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(RoleStory::from).collect())
}

/// Stories waiting for HR, oldest first (at most `limit`).
#[instrument(skip_all)]
pub async fn waiting_stories(db: impl PgExecutor<'_>, limit: i64) -> DbResult<Vec<RoleStory>> {
    let rows: Vec<StoryRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE s.status = 'submitted' ORDER BY s.submitted_at, s.id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(RoleStory::from).collect())
}

#[instrument(skip_all)]
pub async fn find_story(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<RoleStory>> {
    let row: Option<StoryRow> = sqlx::query_as(&format!("{SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(RoleStory::from))
}

/// Records HR's decision on a waiting story; false when it was no longer waiting (decided
/// meanwhile), so a decision is made once.
#[instrument(skip_all)]
pub async fn decide_story(
    db: impl PgExecutor<'_>,
    id: Uuid,
    status: StoryStatus,
    reason: &str,
) -> DbResult<bool> {
    Ok(sqlx::query(
        "UPDATE practice_role_stories SET status = $2, decline_reason = $3, decided_at = now() \
         WHERE id = $1 AND status = 'submitted'",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(reason)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}
