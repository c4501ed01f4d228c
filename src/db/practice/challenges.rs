//! Monthly challenges, who accepted them, the participation HR sees and the nudges' claims.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{aspects, slugs};
use crate::db::DbResult;
use crate::domain::practice::{Challenge, ChallengeInput, Nudge, ParticipationCell};

#[derive(FromRow)]
struct ChallengeRow {
    month: NaiveDate,
    title: String,
    ideas: String,
    why: String,
    aspects: Vec<String>,
}

impl TryFrom<ChallengeRow> for Challenge {
    type Error = sqlx::Error;

    fn try_from(row: ChallengeRow) -> Result<Self, Self::Error> {
        Ok(Challenge {
            month: row.month,
            title: row.title,
            ideas: row.ideas,
            why: row.why,
            aspects: aspects(&row.aspects)?,
        })
    }
}

fn challenges(rows: Vec<ChallengeRow>) -> DbResult<Vec<Challenge>> {
    Ok(rows
        .into_iter()
        .map(Challenge::try_from)
        .collect::<Result<_, _>>()?)
}

#[instrument(skip_all)]
pub async fn challenge(db: impl PgExecutor<'_>, month: NaiveDate) -> DbResult<Option<Challenge>> {
    let row: Option<ChallengeRow> = sqlx::query_as(
        "SELECT month, title, ideas, why, aspects FROM practice_challenges WHERE month = $1",
    )
    .bind(month)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Challenge::try_from).transpose()?)
}

/// Challenges scheduled for the months from `from` up to (not including) `until`.
#[instrument(skip_all)]
pub async fn challenges_between(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
    until: NaiveDate,
) -> DbResult<Vec<Challenge>> {
    let rows: Vec<ChallengeRow> = sqlx::query_as(
        "SELECT month, title, ideas, why, aspects FROM practice_challenges \
         WHERE month >= $1 AND month < $2 ORDER BY month",
    )
    .bind(from)
    .bind(until)
    .fetch_all(db)
    .await?;
    challenges(rows)
}

/// Schedules a month's challenge, replacing what that month had. With `keep`, a month that
/// already has one is left as it is (the starter calendar never overwrites HR's choice);
/// returns whether it was written.
#[instrument(skip_all)]
pub async fn schedule_challenge(
    db: impl PgExecutor<'_>,
    input: &ChallengeInput,
    keep: bool,
) -> DbResult<bool> {
    let sql = if keep {
        "INSERT INTO practice_challenges (month, title, ideas, why, aspects) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (month) DO NOTHING"
    } else {
        "INSERT INTO practice_challenges (month, title, ideas, why, aspects) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (month) DO UPDATE SET title = EXCLUDED.title, \
         ideas = EXCLUDED.ideas, why = EXCLUDED.why, aspects = EXCLUDED.aspects, updated_at = now()"
    };
    Ok(sqlx::query(sql)
        .bind(input.month)
        .bind(&input.title)
        .bind(&input.ideas)
        .bind(&input.why)
        .bind(slugs(&input.aspects))
        .execute(db)
        .await?
        .rows_affected()
        == 1)
}

/// Accepts a month's challenge, recording the person's department and office as they are
/// now; false when they had already accepted it.
#[instrument(skip_all)]
pub async fn accept(db: impl PgExecutor<'_>, person: Uuid, month: NaiveDate) -> DbResult<bool> {
    Ok(sqlx::query(
        "INSERT INTO practice_acceptances (person_id, month, department, office) \
         SELECT id, $2, department, office FROM people WHERE id = $1 \
         ON CONFLICT (person_id, month) DO NOTHING",
    )
    .bind(person)
    .bind(month)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

#[instrument(skip_all)]
pub async fn has_accepted(
    db: impl PgExecutor<'_>,
    person: Uuid,
    month: NaiveDate,
) -> DbResult<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM practice_acceptances WHERE person_id = $1 AND month = $2)",
    )
    .bind(person)
    .bind(month)
    .fetch_one(db)
    .await?)
}

/// A person's own months: each challenge they accepted, newest first, with how many journal
/// entries they wrote about days in that month (at most 24 months).
#[instrument(skip_all)]
pub async fn my_months(db: impl PgExecutor<'_>, person: Uuid) -> DbResult<Vec<(Challenge, i64)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        challenge: ChallengeRow,
        entries: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.month, c.title, c.ideas, c.why, c.aspects, \
         (SELECT count(*) FROM practice_journal j WHERE j.person_id = a.person_id \
          AND j.happened_on >= c.month AND j.happened_on < c.month + interval '1 month') AS entries \
         FROM practice_acceptances a JOIN practice_challenges c ON c.month = a.month \
         WHERE a.person_id = $1 ORDER BY c.month DESC LIMIT 24",
    )
    .bind(person)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|row| Ok((Challenge::try_from(row.challenge)?, row.entries)))
        .collect()
}

/// How many people accepted each month's challenge from `from` on, before `as_of`, per
/// department and office they were in then.
#[instrument(skip_all)]
pub async fn acceptance_cells(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
    as_of: DateTime<Utc>,
) -> DbResult<Vec<ParticipationCell>> {
    Ok(sqlx::query_as(
        "SELECT month, department, office, count(*) FROM practice_acceptances \
         WHERE month >= $1 AND accepted_at < $2 GROUP BY 1, 2, 3",
    )
    .bind(from)
    .bind(as_of)
    .fetch_all(db)
    .await?)
}

/// The participation HR sees, from `from` on (a few rows per month).
#[instrument(skip_all)]
pub async fn shown_participation(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
) -> DbResult<Vec<ParticipationCell>> {
    Ok(sqlx::query_as(
        "SELECT month, department, office, people FROM practice_participation_shown \
         WHERE month >= $1",
    )
    .bind(from)
    .fetch_all(db)
    .await?)
}

/// Replaces the participation shown for `month` with `cells` (those of other months are left
/// out), and forgets months before `from`.
#[instrument(skip_all)]
pub async fn show_participation(
    conn: &mut PgConnection,
    month: NaiveDate,
    cells: &[ParticipationCell],
    from: NaiveDate,
) -> DbResult<()> {
    sqlx::query("DELETE FROM practice_participation_shown WHERE month = $1 OR month < $2")
        .bind(month)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    let cells: Vec<&ParticipationCell> = cells.iter().filter(|c| c.0 == month).collect();
    sqlx::query(
        "INSERT INTO practice_participation_shown (month, department, office, people) \
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int8[])",
    )
    .bind(month)
    .bind(cells.iter().map(|c| c.1.as_str()).collect::<Vec<&str>>())
    .bind(cells.iter().map(|c| c.2.as_str()).collect::<Vec<&str>>())
    .bind(cells.iter().map(|c| c.3).collect::<Vec<i64>>())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Active people who accepted `month`'s challenge, except those who accepted `unless` too.
#[instrument(skip_all)]
pub async fn participants(
    db: impl PgExecutor<'_>,
    month: NaiveDate,
    unless: Option<NaiveDate>,
) -> DbResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT a.person_id FROM practice_acceptances a JOIN people p ON p.id = a.person_id \
         WHERE a.month = $1 AND p.active AND NOT EXISTS (SELECT 1 FROM practice_acceptances b \
           WHERE b.person_id = a.person_id AND b.month = $2) ORDER BY a.person_id",
    )
    .bind(month)
    .bind(unless)
    .fetch_all(db)
    .await?)
}

#[instrument(skip_all)]
pub async fn nudge_sent(db: impl PgExecutor<'_>, month: NaiveDate, nudge: Nudge) -> DbResult<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM practice_nudges WHERE month = $1 AND moment = $2)",
    )
    .bind(month)
    .bind(nudge.as_str())
    .fetch_one(db)
    .await?)
}

/// Claims a month's nudge; false when another instance already did.
#[instrument(skip_all)]
pub async fn claim_nudge(
    db: impl PgExecutor<'_>,
    month: NaiveDate,
    nudge: Nudge,
) -> DbResult<bool> {
    Ok(sqlx::query(
        "INSERT INTO practice_nudges (month, moment) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(month)
    .bind(nudge.as_str())
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}
