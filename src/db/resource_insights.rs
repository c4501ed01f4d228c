//! Resource figures for HR's Insights, worked out by the scheduler with the other figures: how
//! many different people saved, completed and found helpful a resource of each aspect and of
//! each kind. Counts of people only.

use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;

use super::DbResult;

/// People who saved (done included), completed and rated helpful resources of one aspect or
/// kind (`label` is its slug).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ResourceFigures {
    pub grouping: String,
    pub label: String,
    pub saved: i64,
    pub completed: i64,
    pub helpful: i64,
}

/// Works the figures out again, replacing what was stored.
#[instrument(skip_all)]
pub async fn refresh(conn: &mut PgConnection) -> DbResult<()> {
    sqlx::query("DELETE FROM insight_resources")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO insight_resources (grouping, label, saved, completed, helpful) \
         SELECT grouping, label, \
                count(DISTINCT person_id) FILTER (WHERE status IN ('saved', 'done')), \
                count(DISTINCT person_id) FILTER (WHERE status = 'done'), \
                count(DISTINCT person_id) FILTER (WHERE helpful) \
         FROM ( \
             SELECT 'aspect' AS grouping, aspect AS label, p.person_id, p.status, p.helpful \
             FROM plan_items p JOIN resources r ON r.id = p.resource_id, \
                  unnest(r.aspects) AS aspect \
             UNION ALL \
             SELECT 'kind', r.kind, p.person_id, p.status, p.helpful \
             FROM plan_items p JOIN resources r ON r.id = p.resource_id \
         ) items GROUP BY grouping, label",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every stored row.
#[instrument(skip_all)]
pub async fn read(db: impl PgExecutor<'_>) -> DbResult<Vec<ResourceFigures>> {
    Ok(
        sqlx::query_as("SELECT grouping, label, saved, completed, helpful FROM insight_resources")
            .fetch_all(db)
            .await?,
    )
}
