//! The participation funnel by quarter (`insight_funnel`): worked out with the other Insights
//! figures by the scheduler; the page reads these few rows.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;

use super::{DbResult, Text};
use crate::domain::funnel::{FunnelCell, FunnelGroup, Stage, stage_moves_on};

/// Works the funnel out again for the quarters from `since`, counting steps taken before
/// `until` (the start of the week, as the quiz figures: a count that moves within the week
/// would say when someone took a step): how many different people did each step in each
/// quarter, by the department and office they were in when they first took it that quarter.
/// A quarter's counts for a step move on only when HR may see them beside the last ones shown
/// ([`stage_moves_on`]); the funnel's totals are the shown cells added up.
#[instrument(skip_all)]
pub async fn refresh(
    conn: &mut PgConnection,
    since: NaiveDate,
    until: DateTime<Utc>,
    threshold: i64,
) -> DbResult<()> {
    sqlx::query(
        "CREATE TEMPORARY TABLE funnel_candidate (LIKE insight_funnel_cells) ON COMMIT DROP",
    )
    .execute(&mut *conn)
    .await?;
    work_out_cells(conn, since, until).await?;
    sqlx::query("DELETE FROM insight_funnel_cells WHERE quarter < $1")
        .bind(since)
        .execute(&mut *conn)
        .await?;
    let published = read_cells_from(&mut *conn, "insight_funnel_cells", since).await?;
    let candidate = read_cells_from(&mut *conn, "funnel_candidate", since).await?;
    let mut quarters: Vec<NaiveDate> = candidate.iter().map(|(q, _)| *q).collect();
    quarters.extend(published.iter().map(|(q, _)| *q));
    quarters.sort();
    quarters.dedup();
    for quarter in quarters {
        let of = |cells: &[(NaiveDate, FunnelCell)]| -> Vec<FunnelCell> {
            cells
                .iter()
                .filter(|(q, _)| *q == quarter)
                .map(|(_, c)| c.clone())
                .collect()
        };
        let (before, now) = (of(&published), of(&candidate));
        for stage in Stage::ALL {
            if !stage_moves_on(&before, &now, stage, threshold) {
                continue;
            }
            let stage: &'static str = stage.into();
            sqlx::query("DELETE FROM insight_funnel_cells WHERE quarter = $1 AND stage = $2")
                .bind(quarter)
                .bind(stage)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO insight_funnel_cells \
                 SELECT * FROM funnel_candidate WHERE quarter = $1 AND stage = $2",
            )
            .bind(quarter)
            .bind(stage)
            .execute(&mut *conn)
            .await?;
        }
    }
    sqlx::query("DELETE FROM insight_funnel")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO insight_funnel (quarter, stage, people) \
         SELECT quarter, stage, sum(people) FROM insight_funnel_cells GROUP BY 1, 2",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Each person who took a step in a quarter counts once, in the groups they were in when they
/// first took it that quarter (a quiz result's own, the others from `group_history`), and as
/// new to a group while they had been in it under four weeks: into `funnel_candidate`.
async fn work_out_cells(
    conn: &mut PgConnection,
    since: NaiveDate,
    until: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO funnel_candidate (quarter, stage, department, office, people)
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
    let rows: Vec<CellRow> = sqlx::query_as(
        "SELECT quarter, stage, department, office, people FROM insight_funnel_cells \
         WHERE quarter BETWEEN $1 AND $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(CellRow::into_cell).collect())
}

/// The cells of `table` (the shown ones, or the ones just worked out) from quarter `from` on.
async fn read_cells_from(
    db: impl PgExecutor<'_>,
    table: &'static str,
    from: NaiveDate,
) -> DbResult<Vec<(NaiveDate, FunnelCell)>> {
    let rows: Vec<CellRow> = sqlx::query_as(&format!(
        "SELECT quarter, stage, department, office, people FROM {table} WHERE quarter >= $1"
    ))
    .bind(from)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(CellRow::into_cell).collect())
}

#[derive(sqlx::FromRow)]
struct CellRow {
    quarter: NaiveDate,
    stage: Text<Stage>,
    department: Option<String>,
    office: Option<String>,
    people: i64,
}

impl CellRow {
    fn into_cell(self) -> (NaiveDate, FunnelCell) {
        let group = |stored: Option<String>, none: &str| match stored {
            None => FunnelGroup::Newcomers,
            Some(label) if label.is_empty() => FunnelGroup::Named(none.into()),
            Some(label) => FunnelGroup::Named(label),
        };
        (
            self.quarter,
            FunnelCell {
                stage: self.stage.0,
                department: group(self.department, "No department"),
                office: group(self.office, "No office"),
                people: self.people,
            },
        )
    }
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
