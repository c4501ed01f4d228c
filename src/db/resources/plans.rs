//! People's plans: saved, finished, dismissed and rated resources, and engagement counts.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{COLUMNS, ResourceRow};
use crate::db::{DbResult, Text};
use crate::domain::resources::{Engagement, PlanStatus, Resource};

/// The person's plan entries for some resources.
#[instrument(skip_all)]
pub async fn plan_statuses(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    ids: &[Uuid],
) -> DbResult<HashMap<Uuid, PlanStatus>> {
    let rows: Vec<(Uuid, Text<PlanStatus>)> = sqlx::query_as(
        "SELECT resource_id, status FROM plan_items WHERE person_id = $1 AND resource_id = ANY ($2)",
    )
    .bind(person_id)
    .bind(ids)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, status)| (id, status.0))
        .collect())
}

/// What a person said was "not for me" (so they can take it back), newest plan entries first.
#[instrument(skip_all)]
pub async fn dismissed(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    limit: i64,
) -> DbResult<Vec<Resource>> {
    let rows: Vec<ResourceRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM plan_items p JOIN resources r ON r.id = p.resource_id \
         WHERE p.person_id = $1 AND p.status = 'dismissed' AND NOT r.draft AND NOT r.archived \
         ORDER BY p.saved_at DESC LIMIT $2"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Resource::from).collect())
}

/// Saves, marks done (with today's date) or dismisses a resource in a person's plan.
#[instrument(skip_all)]
pub async fn set_plan_status(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    resource_id: Uuid,
    status: PlanStatus,
    today: NaiveDate,
) -> DbResult<()> {
    let done_on = (status == PlanStatus::Done).then_some(today);
    sqlx::query(
        "INSERT INTO plan_items (person_id, resource_id, status, done_on) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (person_id, resource_id) DO UPDATE SET status = EXCLUDED.status, \
         done_on = EXCLUDED.done_on, helpful = CASE WHEN EXCLUDED.status = 'done' \
         THEN plan_items.helpful END",
    )
    .bind(person_id)
    .bind(resource_id)
    .bind(status.as_str())
    .bind(done_on)
    .execute(db)
    .await?;
    Ok(())
}

/// Removes a resource from a person's plan.
#[instrument(skip_all)]
pub async fn remove_from_plan(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    resource_id: Uuid,
) -> DbResult<()> {
    sqlx::query("DELETE FROM plan_items WHERE person_id = $1 AND resource_id = $2")
        .bind(person_id)
        .bind(resource_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Rates a finished item; false when the item is not marked done.
#[instrument(skip_all)]
pub async fn rate(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    resource_id: Uuid,
    helpful: bool,
) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE plan_items SET helpful = $3 WHERE person_id = $1 AND resource_id = $2 AND status = 'done'",
    )
    .bind(person_id)
    .bind(resource_id)
    .bind(helpful)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// An entry of a person's plan with its resource.
#[derive(Debug, Clone)]
pub struct PlanEntry {
    pub resource: Resource,
    pub status: PlanStatus,
    pub done_on: Option<NaiveDate>,
    pub helpful: Option<bool>,
}

/// The person's saved and finished items (dismissed ones are not shown), newest first.
#[instrument(skip_all)]
pub async fn plan(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    limit: i64,
) -> DbResult<Vec<PlanEntry>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        resource: ResourceRow,
        status: Text<PlanStatus>,
        done_on: Option<NaiveDate>,
        helpful: Option<bool>,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, p.status, p.done_on, p.helpful FROM plan_items p \
         JOIN resources r ON r.id = p.resource_id \
         WHERE p.person_id = $1 AND p.status <> 'dismissed' AND NOT r.draft \
         ORDER BY p.status = 'done', p.done_on DESC NULLS FIRST, p.saved_at DESC LIMIT $2"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| PlanEntry {
            resource: Resource::from(row.resource),
            status: row.status.0,
            done_on: row.done_on,
            helpful: row.helpful,
        })
        .collect())
}

/// Engagement for a page of resources as HR may see it, in one query: the counts the
/// scheduler last let move on ([`crate::db::resource_insights::refresh_engagement`]).
#[instrument(skip_all)]
pub async fn engagement(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> DbResult<HashMap<Uuid, Engagement>> {
    let rows: Vec<(Uuid, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT resource_id, saved, completed, rated, helpful FROM resource_engagement \
         WHERE resource_id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, saved, completed, rated, helpful)| {
            (
                id,
                Engagement {
                    saved,
                    completed,
                    rated,
                    helpful,
                    ..Engagement::default()
                },
            )
        })
        .collect())
}
