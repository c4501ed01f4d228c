//! Resource figures for HR's Insights, worked out by the scheduler with the other figures: how
//! many different people saved, completed and found helpful a resource of each aspect and of
//! each kind. Counts of people only, as of the start of the week.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::DbResult;
use crate::domain::insights::next_count;
use crate::domain::resources::Engagement;

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

/// Works the figures out again as of `as_of` (the start of the week): resources saved (or
/// finished) and finished before it, rated helpful once finished. Each count moves on from the one stored
/// only as [`count_moves_on`](crate::domain::insights::count_moves_on) allows, a label no
/// longer counted included.
#[instrument(skip_all)]
pub async fn refresh(
    conn: &mut PgConnection,
    as_of: DateTime<Utc>,
    threshold: i64,
) -> DbResult<()> {
    let candidate: Vec<ResourceFigures> = sqlx::query_as(
        "SELECT grouping, label, \
                count(DISTINCT person_id) FILTER (WHERE status IN ('saved', 'done')) AS saved, \
                count(DISTINCT person_id) FILTER (WHERE finished) AS completed, \
                count(DISTINCT person_id) FILTER (WHERE finished AND helpful) AS helpful \
         FROM ( \
             SELECT 'aspect' AS grouping, aspect AS label, p.person_id, p.status, p.helpful, \
                    p.status = 'done' AND p.done_on < $2 AS finished \
             FROM plan_items p JOIN resources r ON r.id = p.resource_id, \
                  unnest(r.aspects) AS aspect \
             WHERE p.saved_at < $1 OR (p.status = 'done' AND p.done_on < $2) \
             UNION ALL \
             SELECT 'kind', r.kind, p.person_id, p.status, p.helpful, \
                    p.status = 'done' AND p.done_on < $2 \
             FROM plan_items p JOIN resources r ON r.id = p.resource_id \
             WHERE p.saved_at < $1 OR (p.status = 'done' AND p.done_on < $2) \
         ) items GROUP BY grouping, label",
    )
    .bind(as_of)
    .bind(as_of.date_naive())
    .fetch_all(&mut *conn)
    .await?;
    let published = read(&mut *conn).await?;
    let moved = moved_on(&published, &candidate, threshold);
    sqlx::query("DELETE FROM insight_resources")
        .execute(&mut *conn)
        .await?;
    let column = |f: fn(&ResourceFigures) -> &str| moved.iter().map(f).collect::<Vec<&str>>();
    let count = |f: fn(&ResourceFigures) -> i64| moved.iter().map(f).collect::<Vec<i64>>();
    sqlx::query(
        "INSERT INTO insight_resources (grouping, label, saved, completed, helpful) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::int8[])",
    )
    .bind(column(|r| &r.grouping))
    .bind(column(|r| &r.label))
    .bind(count(|r| r.saved))
    .bind(count(|r| r.completed))
    .bind(count(|r| r.helpful))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Works each resource's engagement out again as of `as_of` (the start of the week) and lets
/// each count move on only as [`Engagement::moved_on`] allows. Resources no one has engaged
/// with have no row.
#[instrument(skip_all)]
pub async fn refresh_engagement(
    conn: &mut PgConnection,
    as_of: DateTime<Utc>,
    threshold: i64,
) -> DbResult<()> {
    type Row = (Uuid, i64, i64, i64, i64);
    let candidate: Vec<Row> = sqlx::query_as(
        "SELECT resource_id, \
                count(*) FILTER (WHERE status = 'saved' OR (status = 'done' AND done_on >= $2)), \
                count(*) FILTER (WHERE status = 'done' AND done_on < $2), \
                count(*) FILTER (WHERE status = 'done' AND done_on < $2 AND helpful IS NOT NULL), \
                count(*) FILTER (WHERE status = 'done' AND done_on < $2 AND helpful) \
         FROM plan_items \
         WHERE status <> 'dismissed' AND (saved_at < $1 OR (status = 'done' AND done_on < $2)) \
         GROUP BY resource_id",
    )
    .bind(as_of)
    .bind(as_of.date_naive())
    .fetch_all(&mut *conn)
    .await?;
    let shown: Vec<Row> = sqlx::query_as(
        "SELECT resource_id, saved, completed, rated, helpful FROM resource_engagement",
    )
    .fetch_all(&mut *conn)
    .await?;
    let engagement = |(_, saved, completed, rated, helpful): Row| Engagement {
        saved,
        completed,
        rated,
        helpful,
        threshold,
    };
    let mut now: HashMap<Uuid, Engagement> = candidate
        .into_iter()
        .map(|row| (row.0, engagement(row)))
        .collect();
    let mut next: Vec<(Uuid, Engagement)> = Vec::new();
    for row in shown {
        let id = row.0;
        let candidate = now.remove(&id).unwrap_or(Engagement {
            threshold,
            ..Engagement::default()
        });
        next.push((id, engagement(row).moved_on(candidate, threshold)));
    }
    for (id, candidate) in now {
        let none = Engagement {
            threshold,
            ..Engagement::default()
        };
        next.push((id, none.moved_on(candidate, threshold)));
    }
    next.retain(|(_, e)| e.saved + e.completed + e.rated > 0);
    sqlx::query("DELETE FROM resource_engagement")
        .execute(&mut *conn)
        .await?;
    let column = |f: fn(&Engagement) -> i64| next.iter().map(|(_, e)| f(e)).collect::<Vec<i64>>();
    sqlx::query(
        "INSERT INTO resource_engagement (resource_id, saved, completed, rated, helpful) \
         SELECT u.* FROM unnest($1::uuid[], $2::int8[], $3::int8[], $4::int8[], $5::int8[]) \
              AS u (id, saved, completed, rated, helpful) \
         WHERE EXISTS (SELECT 1 FROM resources r WHERE r.id = u.id)",
    )
    .bind(next.iter().map(|(id, _)| *id).collect::<Vec<Uuid>>())
    .bind(column(|e| e.saved))
    .bind(column(|e| e.completed))
    .bind(column(|e| e.rated))
    .bind(column(|e| e.helpful))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Each label's counts as they may be shown now: the candidate's where it may move on, the
/// published one's otherwise (a label in only one of them counts nothing in the other).
fn moved_on(
    published: &[ResourceFigures],
    candidate: &[ResourceFigures],
    threshold: i64,
) -> Vec<ResourceFigures> {
    let key = |r: &ResourceFigures| (r.grouping.clone(), r.label.clone());
    let mut labels: Vec<(String, String)> = published.iter().chain(candidate).map(key).collect();
    labels.sort();
    labels.dedup();
    labels
        .into_iter()
        .map(|(grouping, label)| {
            let find = |rows: &[ResourceFigures]| {
                rows.iter()
                    .find(|r| r.grouping == grouping && r.label == label)
                    .map_or((0, 0, 0), |r| (r.saved, r.completed, r.helpful))
            };
            let (before, now) = (find(published), find(candidate));
            let pick = |before: i64, now: i64| next_count(before, now, threshold);
            ResourceFigures {
                grouping,
                label,
                saved: pick(before.0, now.0),
                completed: pick(before.1, now.1),
                helpful: pick(before.2, now.2),
            }
        })
        .filter(|r| r.saved + r.completed + r.helpful > 0)
        .collect()
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
