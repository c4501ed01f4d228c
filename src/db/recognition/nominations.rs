//! Storing a nomination, the checks it needs, and the colleague search.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{like_escape, person_ref};
use crate::db::DbResult;
use crate::domain::people::Person;
use crate::domain::recognition::{Nomination, PersonRef, Status};

/// When the nominator's nominations since `since` were made (for the weekly limit).
#[instrument(skip_all)]
pub async fn nomination_times(
    db: impl PgExecutor<'_>,
    nominator: Uuid,
    since: DateTime<Utc>,
) -> DbResult<Vec<DateTime<Utc>>> {
    Ok(sqlx::query_scalar(
        "SELECT created_at FROM recognitions WHERE nominator_id = $1 AND created_at > $2",
    )
    .bind(nominator)
    .bind(since)
    .fetch_all(db)
    .await?)
}

/// Labels of the given behaviours already used by this nominator for this recipient since
/// `since` (the 24-hour rule).
#[instrument(skip_all)]
pub async fn repeated_behaviours(
    db: impl PgExecutor<'_>,
    nominator: Uuid,
    recipient: Uuid,
    behaviour_ids: &[Uuid],
    since: DateTime<Utc>,
) -> DbResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT b.label FROM recognition_behaviours b WHERE b.id = ANY($4) AND EXISTS ( \
           SELECT 1 FROM recognition_behaviour_links l WHERE l.behaviour_id = b.id \
           AND l.nominator_id = $1 AND l.recipient_id = $2 AND l.created_at > $3) \
         ORDER BY b.position",
    )
    .bind(nominator)
    .bind(recipient)
    .bind(since)
    .bind(behaviour_ids)
    .fetch_all(db)
    .await?)
}

/// The recognition a nomination form created before, if it was sent twice.
#[instrument(skip_all)]
pub async fn find_by_submission_key(
    db: impl PgExecutor<'_>,
    nominator: Uuid,
    key: Uuid,
) -> DbResult<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM recognitions WHERE nominator_id = $1 AND submission_key = $2",
    )
    .bind(nominator)
    .bind(key)
    .fetch_optional(db)
    .await?)
}

/// Stores a nomination with its behaviours. The 24-hour exclusion constraint turns a repeat
/// that slipped past the checks into a `Conflict`.
#[instrument(skip_all)]
pub async fn insert(
    conn: &mut PgConnection,
    nominator: &Person,
    recipient: &Person,
    nomination: &Nomination,
    status: Status,
    submission_key: Uuid,
    now: DateTime<Utc>,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO recognitions (id, nominator_id, recipient_id, story, happened_on, \
         visibility, status, nominator_department, nominator_office, recipient_department, \
         recipient_office, submission_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id)
    .bind(nominator.id)
    .bind(recipient.id)
    .bind(&nomination.story)
    .bind(nomination.happened_on)
    .bind(nomination.visibility.as_str())
    .bind(status.as_str())
    .bind(&nominator.department)
    .bind(&nominator.office)
    .bind(&recipient.department)
    .bind(&recipient.office)
    .bind(submission_key)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO recognition_behaviour_links \
         (recognition_id, behaviour_id, nominator_id, recipient_id, created_at, window_ends_at) \
         SELECT $1, behaviour_id, $2, $3, $4, $4 + interval '24 hours' \
         FROM unnest($5::uuid[]) AS behaviour_id",
    )
    .bind(id)
    .bind(nominator.id)
    .bind(recipient.id)
    .bind(now)
    .bind(&nomination.behaviour_ids)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Active colleagues whose name contains the query, for choosing whom to recognise.
#[instrument(skip_all)]
pub async fn search_colleagues(
    db: impl PgExecutor<'_>,
    query: &str,
    exclude: Uuid,
    limit: i64,
) -> DbResult<Vec<PersonRef>> {
    let pattern = format!("%{}%", like_escape(&query.trim().to_lowercase()));
    let rows: Vec<(Uuid, String, String, String)> = sqlx::query_as(
        "SELECT id, display_name, department, office FROM people \
         WHERE active AND id <> $2 AND lower(display_name) LIKE $1 \
         ORDER BY lower(display_name), id LIMIT $3",
    )
    .bind(pattern)
    .bind(exclude)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(person_ref).collect())
}
