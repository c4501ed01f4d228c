//! Spotlight rounds: claiming a week, its candidates and invitations, and the history.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::fairness::{Unrecognised, UnrecognisedRow};
use crate::db::DbResult;
use crate::domain::recognition::Candidate;

/// Whether this week's round has been run.
#[instrument(skip_all)]
pub async fn spotlight_round_exists(db: impl PgExecutor<'_>, week: NaiveDate) -> DbResult<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM spotlight_rounds WHERE week_start = $1)")
            .bind(week)
            .fetch_one(db)
            .await?,
    )
}

/// Claims the week's round. Returns false when another request (or replica) already has it;
/// a concurrent claim waits for the first transaction and then finds the round taken.
#[instrument(skip_all)]
pub async fn claim_spotlight_round(
    conn: &mut PgConnection,
    week: NaiveDate,
    per_department: i32,
) -> DbResult<bool> {
    let claimed = sqlx::query(
        "INSERT INTO spotlight_rounds (week_start, per_department) VALUES ($1, $2) \
         ON CONFLICT (week_start) DO NOTHING",
    )
    .bind(week)
    .bind(per_department)
    .execute(&mut *conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Everyone who can be invited (active and signed up), by department, with the week they
/// were last invited. Read once a week, when the round is run.
#[instrument(skip_all)]
pub async fn spotlight_candidates(conn: &mut PgConnection) -> DbResult<Vec<(String, Candidate)>> {
    let rows: Vec<(String, Uuid, Option<NaiveDate>, i64)> = sqlx::query_as(
        "SELECT p.department, p.id, s.last_invited, coalesce(s.invitations, 0) \
         FROM people p LEFT JOIN LATERAL (SELECT max(week_start) AS last_invited, \
                                                 count(*) AS invitations \
                                          FROM spotlight_invitations WHERE person_id = p.id) s ON true \
         WHERE p.active AND p.password_hash IS NOT NULL ORDER BY p.department",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(department, id, last_invited, invitations)| {
            (
                department,
                Candidate {
                    id,
                    last_invited,
                    invitations,
                },
            )
        })
        .collect())
}

#[instrument(skip_all)]
pub async fn insert_spotlight_invitations(
    conn: &mut PgConnection,
    week: NaiveDate,
    invited: &[(String, Uuid)],
) -> DbResult<()> {
    let (departments, people): (Vec<String>, Vec<Uuid>) = invited.iter().cloned().unzip();
    sqlx::query(
        "INSERT INTO spotlight_invitations (week_start, department, person_id) \
         SELECT $1, d, p FROM unnest($2::text[], $3::uuid[]) AS t(d, p) \
         ON CONFLICT DO NOTHING",
    )
    .bind(week)
    .bind(departments)
    .bind(people)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the person is a spotlight nominator this week.
#[instrument(skip_all)]
pub async fn is_spotlight_nominator(
    db: impl PgExecutor<'_>,
    person: Uuid,
    week: NaiveDate,
) -> DbResult<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM spotlight_invitations WHERE person_id = $1 AND week_start = $2)",
    )
    .bind(person)
    .bind(week)
    .fetch_one(db)
    .await?)
}

/// Colleagues in a department recognised least recently (never first), for the spotlight
/// prompt.
#[instrument(skip_all)]
pub async fn least_recently_recognised(
    db: impl PgExecutor<'_>,
    department: &str,
    exclude: Uuid,
    limit: i64,
) -> DbResult<Vec<Unrecognised>> {
    let rows: Vec<UnrecognisedRow> = sqlx::query_as(
        "SELECT p.id, p.display_name, p.department, p.office, p.last_recognised_at AS last \
         FROM people p WHERE p.active AND p.department = $1 AND p.id <> $2 \
         ORDER BY p.last_recognised_at NULLS FIRST, lower(p.display_name), p.id LIMIT $3",
    )
    .bind(department)
    .bind(exclude)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Unrecognised::from).collect())
}

/// A past or current spotlight invitation, for HR's overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpotlightInvitation {
    pub week_start: NaiveDate,
    pub department: String,
    pub name: String,
}

/// Invitations of the rounds since `since`, newest week first.
#[instrument(skip_all)]
pub async fn spotlight_history(
    db: impl PgExecutor<'_>,
    since: NaiveDate,
) -> DbResult<Vec<SpotlightInvitation>> {
    let rows: Vec<(NaiveDate, String, String)> = sqlx::query_as(
        "SELECT s.week_start, s.department, p.display_name FROM spotlight_invitations s \
         JOIN people p ON p.id = s.person_id WHERE s.week_start >= $1 \
         ORDER BY s.week_start DESC, s.department = '', s.department, lower(p.display_name)",
    )
    .bind(since)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(week_start, department, name)| SpotlightInvitation {
            week_start,
            department,
            name,
        })
        .collect())
}
