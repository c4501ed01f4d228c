//! The participation funnel by quarter (`insight_funnel`): worked out with the other Insights
//! figures by the scheduler; the page reads these few rows.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;

use super::insights::GroupBy;
use super::{DbResult, Text};
use crate::domain::funnel::{FunnelGroup, Stage};

/// Works the funnel out again for the quarters from `since`: how many different people did
/// each step in each quarter.
#[instrument(skip_all)]
pub async fn refresh(conn: &mut PgConnection, since: NaiveDate) -> DbResult<()> {
    sqlx::query("DELETE FROM insight_funnel")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO insight_funnel (quarter, stage, people) \
         SELECT date_trunc('quarter', at)::date, stage, count(DISTINCT person_id) FROM ( \
             SELECT taken_at AS at, 'quiz' AS stage, person_id FROM quiz_attempts \
             WHERE taken_at >= $1 \
             UNION ALL \
             SELECT saved_at, 'resource', person_id FROM plan_items \
             WHERE status IN ('saved', 'done') AND saved_at >= $1 \
             UNION ALL \
             SELECT e.starts_at, 'story_night', r.person_id FROM event_rsvps r \
             JOIN events e ON e.id = r.event_id WHERE r.attended AND e.starts_at >= $1 \
             UNION ALL \
             SELECT created_at, 'recognised', nominator_id FROM recognitions \
             WHERE status = 'published' AND created_at >= $1 \
         ) steps GROUP BY 1, 2",
    )
    .bind(since.and_hms_opt(0, 0, 0).map(|at| at.and_utc()))
    .execute(&mut *conn)
    .await?;
    refresh_groups(conn, since).await
}

/// The funnel by department and by office: each step counts in the groups the person was in
/// when they took it (the quiz result's own, the others from `group_history`), and among a
/// group's newcomers while they had been in it under four weeks.
async fn refresh_groups(conn: &mut PgConnection, since: NaiveDate) -> DbResult<()> {
    sqlx::query("DELETE FROM insight_funnel_groups")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO insight_funnel_groups (quarter, stage, grouping, label, newcomers, people)
         WITH steps AS (
             SELECT taken_at AS at, 'quiz' AS stage, person_id,
                    CASE WHEN settled_in_department THEN department END AS department,
                    CASE WHEN settled_in_office THEN office END AS office
             FROM quiz_attempts WHERE taken_at >= $1
             UNION ALL
             SELECT s.at, s.stage, s.person_id,
                    CASE WHEN h.department_since <= s.at - make_interval(days => $2)
                         THEN h.department END,
                    CASE WHEN h.office_since <= s.at - make_interval(days => $2)
                         THEN h.office END
             FROM (
                 SELECT saved_at AS at, 'resource' AS stage, person_id FROM plan_items
                 WHERE status IN ('saved', 'done') AND saved_at >= $1
                 UNION ALL
                 SELECT e.starts_at, 'story_night', r.person_id FROM event_rsvps r
                 JOIN events e ON e.id = r.event_id WHERE r.attended AND e.starts_at >= $1
                 UNION ALL
                 SELECT created_at, 'recognised', nominator_id FROM recognitions
                 WHERE status = 'published' AND created_at >= $1
             ) s
             LEFT JOIN group_history h ON h.person_id = s.person_id AND h.valid_from <= s.at
                  AND (h.valid_until IS NULL OR s.at < h.valid_until)
         ),
         placed AS (
             SELECT date_trunc('quarter', at)::date AS quarter, stage, person_id,
                    'department' AS grouping, department AS label FROM steps
             UNION ALL
             SELECT date_trunc('quarter', at)::date, stage, person_id, 'office', office FROM steps
         )
         SELECT quarter, stage, grouping,
                CASE WHEN label IS NULL THEN ''
                     WHEN label = '' AND grouping = 'department' THEN 'No department'
                     WHEN label = '' THEN 'No office'
                     ELSE label END,
                label IS NULL, count(DISTINCT person_id)
         FROM placed GROUP BY 1, 2, 3, 4, 5",
    )
    .bind(since.and_hms_opt(0, 0, 0).map(|at| at.and_utc()))
    .bind(crate::domain::quiz::GROUP_TENURE_DAYS as i32)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A group's count of people who took a step in a quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupStep {
    pub quarter: NaiveDate,
    pub stage: Stage,
    pub grouping: GroupBy,
    pub group: FunnelGroup,
    pub people: i64,
}

/// Every stored count by group.
#[instrument(skip_all)]
pub async fn read_groups(db: impl PgExecutor<'_>) -> DbResult<Vec<GroupStep>> {
    let rows: Vec<(NaiveDate, Text<Stage>, String, String, bool, i64)> = sqlx::query_as(
        "SELECT quarter, stage, grouping, label, newcomers, people FROM insight_funnel_groups \
         ORDER BY quarter, grouping, newcomers, label",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(quarter, stage, grouping, label, newcomers, people)| GroupStep {
                quarter,
                stage: stage.0,
                grouping: if grouping == "office" {
                    GroupBy::Office
                } else {
                    GroupBy::Department
                },
                group: if newcomers {
                    FunnelGroup::Newcomers
                } else {
                    FunnelGroup::Named(label)
                },
                people,
            },
        )
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
