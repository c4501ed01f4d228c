//! The participation funnel by quarter (`insight_funnel`): worked out with the other Insights
//! figures by the scheduler; the page reads these few rows.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;

use super::{DbResult, Text};
use crate::domain::funnel::{FunnelCell, FunnelGroup, Stage};

/// Works the funnel out again for the quarters from `since`, counting steps taken before
/// `until` (the start of the week, as the quiz figures: a count that moves within the week
/// would say when someone took a step): how many different people did
/// each step in each quarter.
#[instrument(skip_all)]
pub async fn refresh(
    conn: &mut PgConnection,
    since: NaiveDate,
    until: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query("DELETE FROM insight_funnel")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO insight_funnel (quarter, stage, people) \
         SELECT date_trunc('quarter', at)::date, stage, count(DISTINCT person_id) FROM ( \
             SELECT taken_at AS at, 'quiz' AS stage, person_id FROM quiz_attempts \
             WHERE taken_at >= $1 AND taken_at < $2 \
             UNION ALL \
             SELECT saved_at, 'resource', person_id FROM plan_items \
             WHERE status IN ('saved', 'done') AND saved_at >= $1 AND saved_at < $2 \
             UNION ALL \
             SELECT e.starts_at, 'story_night', r.person_id FROM event_rsvps r \
             JOIN events e ON e.id = r.event_id WHERE r.attended AND e.starts_at >= $1 \
             AND e.starts_at < $2 \
             UNION ALL \
             SELECT created_at, 'recognised', nominator_id FROM recognitions \
             WHERE status = 'published' AND created_at >= $1 AND created_at < $2 \
         ) steps GROUP BY 1, 2",
    )
    .bind(since.and_hms_opt(0, 0, 0).map(|at| at.and_utc()))
    .bind(until)
    .execute(&mut *conn)
    .await?;
    refresh_groups(conn, since, until).await
}

/// The funnel by department and by office: each person who took a step in a quarter counts
/// once, in the groups they were in when they first took it that quarter (a quiz result's own,
/// the others from `group_history`), and as new to a group while they had been in it under
/// four weeks.
async fn refresh_groups(
    conn: &mut PgConnection,
    since: NaiveDate,
    until: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query("DELETE FROM insight_funnel_cells")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO insight_funnel_cells (quarter, stage, department, office, people)
         WITH steps AS (
             SELECT taken_at AS at, 'quiz' AS stage, person_id,
                    CASE WHEN settled_in_department THEN department END AS department,
                    CASE WHEN settled_in_office THEN office END AS office
             FROM quiz_attempts WHERE taken_at >= $1 AND taken_at < $3
             UNION ALL
             SELECT s.at, s.stage, s.person_id,
                    CASE WHEN h.department_since <= s.at - make_interval(days => $2)
                         THEN h.department END,
                    CASE WHEN h.office_since <= s.at - make_interval(days => $2)
                         THEN h.office END
             FROM (
                 SELECT saved_at AS at, 'resource' AS stage, person_id FROM plan_items
                 WHERE status IN ('saved', 'done') AND saved_at >= $1 AND saved_at < $3
                 UNION ALL
                 SELECT e.starts_at, 'story_night', r.person_id FROM event_rsvps r
                 JOIN events e ON e.id = r.event_id WHERE r.attended AND e.starts_at >= $1
                       AND e.starts_at < $3
                 UNION ALL
                 SELECT created_at, 'recognised', nominator_id FROM recognitions
                 WHERE status = 'published' AND created_at >= $1 AND created_at < $3
             ) s
             LEFT JOIN group_history h ON h.person_id = s.person_id AND h.valid_from <= s.at
                  AND (h.valid_until IS NULL OR s.at < h.valid_until)
         ),
         firsts AS (
             SELECT DISTINCT ON (date_trunc('quarter', at), stage, person_id)
                    date_trunc('quarter', at)::date AS quarter, stage, department, office
             FROM steps ORDER BY date_trunc('quarter', at), stage, person_id, at
         )
         SELECT quarter, stage, department, office, count(*) FROM firsts GROUP BY 1, 2, 3, 4",
    )
    .bind(since.and_hms_opt(0, 0, 0).map(|at| at.and_utc()))
    .bind(crate::domain::quiz::GROUP_TENURE_DAYS as i32)
    .bind(until)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The stored cells of the quarters from `from` to `to` (inclusive).
#[instrument(skip_all)]
pub async fn read_cells(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> DbResult<Vec<(NaiveDate, FunnelCell)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        quarter: NaiveDate,
        stage: Text<Stage>,
        department: Option<String>,
        office: Option<String>,
        people: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT quarter, stage, department, office, people FROM insight_funnel_cells \
         WHERE quarter BETWEEN $1 AND $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    let group = |stored: Option<String>, none: &str| match stored {
        None => FunnelGroup::Newcomers,
        Some(label) if label.is_empty() => FunnelGroup::Named(none.into()),
        Some(label) => FunnelGroup::Named(label),
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.quarter,
                FunnelCell {
                    stage: row.stage.0,
                    department: group(row.department, "No department"),
                    office: group(row.office, "No office"),
                    people: row.people,
                },
            )
        })
        .collect())
}

/// Every stored (quarter, stage, people).
#[instrument(skip_all)]
pub async fn read(db: impl PgExecutor<'_>) -> DbResult<Vec<(NaiveDate, Stage, i64)>> {
    let rows: Vec<(NaiveDate, Text<Stage>, i64)> =
        sqlx::query_as("SELECT quarter, stage, people FROM insight_funnel ORDER BY quarter")
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(|(q, s, n)| (q, s.0, n)).collect())
}
