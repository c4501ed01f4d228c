//! The participation funnel by quarter (`insight_funnel`): worked out with the other Insights
//! figures by the scheduler; the page reads these few rows.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;

use super::{DbResult, Text};
use crate::domain::funnel::Stage;

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
    Ok(())
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
