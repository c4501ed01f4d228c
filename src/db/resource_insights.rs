//! Resource figures for HR's Insights, worked out by the scheduler with the other figures: how
//! many different people saved, completed and found helpful a resource of each aspect and of
//! each kind. Counts of people only, as of the start of the week.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::DbResult;
use crate::domain::insights::{moved_on_by_key, next_count};
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
/// finished) and finished before it, rated helpful once finished. Each count moves on from the
/// one stored only as [`count_moves_on`](crate::domain::insights::count_moves_on) allows, a
/// label no longer counted included.
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
    let moved = moved_on(published, candidate, threshold);
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
    let engagement = |(id, saved, completed, rated, helpful): Row| {
        let counts = Engagement {
            saved,
            completed,
            rated,
            helpful,
            threshold,
        };
        (id, counts)
    };
    let none = Engagement {
        threshold,
        ..Engagement::default()
    };
    let next = moved_on_by_key(
        shown.into_iter().map(engagement),
        candidate.into_iter().map(engagement),
        none,
        |before, now| before.moved_on(now, threshold),
    );
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

/// Each label's counts as they may be shown now (see [`moved_on_by_key`]).
fn moved_on(
    published: Vec<ResourceFigures>,
    candidate: Vec<ResourceFigures>,
    threshold: i64,
) -> Vec<ResourceFigures> {
    let keyed = |rows: Vec<ResourceFigures>| {
        rows.into_iter()
            .map(|r| ((r.grouping, r.label), [r.saved, r.completed, r.helpful]))
    };
    moved_on_by_key(keyed(published), keyed(candidate), [0; 3], |before, now| {
        std::array::from_fn(|i| next_count(before[i], now[i], threshold))
    })
    .into_iter()
    .map(
        |((grouping, label), [saved, completed, helpful])| ResourceFigures {
            grouping,
            label,
            saved,
            completed,
            helpful,
        },
    )
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
