//! The resource library, people's plans and engagement counts.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{DbResult, Text};
use crate::domain::pagination::PageRequest;
use crate::domain::resources::{
    Engagement, EventDetails, Kind, PlanStatus, Resource, ResourceInput,
};
use crate::domain::teq::Aspect;

#[derive(FromRow)]
struct ResourceRow {
    id: Uuid,
    title: String,
    kind: Text<Kind>,
    url: String,
    description: String,
    minutes: i32,
    #[sqlx(try_from = "Vec<String>")]
    aspects: Aspects,
    max_aspect_percent: Option<i16>,
    max_total: Option<i16>,
    departments: Vec<String>,
    offices: Vec<String>,
    review_by: Option<NaiveDate>,
    archived: bool,
    event_starts_at: Option<DateTime<Utc>>,
    event_time_zone: Option<Text<Tz>>,
    event_place: Option<String>,
}

/// A resource's aspects as stored (slugs), sorted and without repeats; an unknown slug fails.
struct Aspects(Vec<Aspect>);

impl TryFrom<Vec<String>> for Aspects {
    type Error = strum::ParseError;

    fn try_from(slugs: Vec<String>) -> Result<Self, Self::Error> {
        let mut aspects = slugs
            .iter()
            .map(|slug| slug.parse::<Aspect>())
            .collect::<Result<Vec<_>, _>>()?;
        aspects.sort();
        aspects.dedup();
        Ok(Aspects(aspects))
    }
}

impl From<ResourceRow> for Resource {
    fn from(row: ResourceRow) -> Self {
        let event = match (row.event_starts_at, row.event_time_zone, row.event_place) {
            (Some(starts_at), Some(zone), Some(place)) => Some(EventDetails {
                starts_at,
                time_zone: zone.0,
                place,
            }),
            _ => None,
        };
        Resource {
            id: row.id,
            title: row.title,
            kind: row.kind.0,
            url: row.url,
            description: row.description,
            minutes: row.minutes,
            aspects: row.aspects.0,
            max_aspect_percent: row.max_aspect_percent,
            max_total: row.max_total,
            departments: row.departments,
            offices: row.offices,
            review_by: row.review_by,
            archived: row.archived,
            event,
        }
    }
}

const COLUMNS: &str = "r.id, r.title, r.kind, r.url, r.description, r.minutes, r.aspects, \
    r.max_aspect_percent, r.max_total, r.departments, r.offices, r.review_by, r.archived, \
    r.event_starts_at, r.event_time_zone, r.event_place";

fn aspect_slugs(aspects: &[Aspect]) -> Vec<String> {
    aspects.iter().map(|a| a.slug().to_string()).collect()
}

/// Creates a resource with the given id (import keeps ids so a file round-trips).
#[instrument(skip_all)]
pub async fn insert(db: impl PgExecutor<'_>, id: Uuid, input: &ResourceInput) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO resources (id, title, kind, url, description, minutes, aspects, \
         max_aspect_percent, max_total, departments, offices, review_by, event_starts_at, \
         event_time_zone, event_place) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(id)
    .bind(&input.title)
    .bind(input.kind.slug())
    .bind(&input.url)
    .bind(&input.description)
    .bind(input.minutes)
    .bind(aspect_slugs(&input.aspects))
    .bind(input.max_aspect_percent)
    .bind(input.max_total)
    .bind(&input.departments)
    .bind(&input.offices)
    .bind(input.review_by)
    .bind(input.event.as_ref().map(|e| e.starts_at))
    .bind(input.event.as_ref().map(|e| e.time_zone.name()))
    .bind(input.event.as_ref().map(|e| e.place.clone()))
    .execute(db)
    .await?;
    Ok(())
}

/// Updates a resource; false when there is no such resource.
#[instrument(skip_all)]
pub async fn update(db: impl PgExecutor<'_>, id: Uuid, input: &ResourceInput) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE resources SET title = $2, kind = $3, url = $4, description = $5, minutes = $6, \
         aspects = $7, max_aspect_percent = $8, max_total = $9, departments = $10, offices = $11, \
         review_by = $12, event_starts_at = $13, event_time_zone = $14, event_place = $15, \
         updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(&input.title)
    .bind(input.kind.slug())
    .bind(&input.url)
    .bind(&input.description)
    .bind(input.minutes)
    .bind(aspect_slugs(&input.aspects))
    .bind(input.max_aspect_percent)
    .bind(input.max_total)
    .bind(&input.departments)
    .bind(&input.offices)
    .bind(input.review_by)
    .bind(input.event.as_ref().map(|e| e.starts_at))
    .bind(input.event.as_ref().map(|e| e.time_zone.name()))
    .bind(input.event.as_ref().map(|e| e.place.clone()))
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

#[instrument(skip_all)]
pub async fn set_archived(db: impl PgExecutor<'_>, id: Uuid, archived: bool) -> DbResult<bool> {
    let result =
        sqlx::query("UPDATE resources SET archived = $2, updated_at = now() WHERE id = $1")
            .bind(id)
            .bind(archived)
            .execute(db)
            .await?;
    Ok(result.rows_affected() == 1)
}

#[instrument(skip_all)]
pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Resource>> {
    let row: Option<ResourceRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM resources r WHERE r.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Resource::from))
}

#[instrument(skip_all)]
pub async fn exists(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM resources WHERE id = $1)")
            .bind(id)
            .fetch_one(db)
            .await?,
    )
}

/// Filters for the HR list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub search: String,
    pub kind: Option<Kind>,
    pub aspect: Option<Aspect>,
    /// "active", "archived", "review" (needs review) or anything else for all.
    pub status: String,
}

/// One page of the library, newest first.
#[instrument(skip_all)]
pub async fn list(
    db: impl PgExecutor<'_> + Copy,
    filter: &ListFilter,
    today: NaiveDate,
    page: PageRequest,
) -> DbResult<(Vec<Resource>, i64)> {
    let pattern = format!(
        "%{}%",
        filter
            .search
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let status = match filter.status.as_str() {
        "active" => "NOT r.archived",
        "archived" => "r.archived",
        "review" => "NOT r.archived AND r.review_by < $4",
        _ => "TRUE",
    };
    let condition = format!(
        "({status}) AND ($1 = '%%' OR lower(r.title) LIKE $1 OR lower(r.description) LIKE $1) \
         AND ($2::text IS NULL OR r.kind = $2) AND ($3::text IS NULL OR $3 = ANY (r.aspects)) \
         AND $4::date IS NOT NULL"
    );
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM resources r WHERE {condition}"
    ))
    .bind(&pattern)
    .bind(filter.kind.map(Kind::slug))
    .bind(filter.aspect.map(Aspect::slug))
    .bind(today)
    .fetch_one(db)
    .await?;
    let rows: Vec<ResourceRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM resources r WHERE {condition} \
         ORDER BY r.created_at DESC, r.id LIMIT $5 OFFSET $6"
    ))
    .bind(&pattern)
    .bind(filter.kind.map(Kind::slug))
    .bind(filter.aspect.map(Aspect::slug))
    .bind(today)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Resource::from).collect(), total))
}

/// A batch of resources in id order after `after` (for exporting without loading everything).
#[instrument(skip_all)]
pub async fn batch_after(
    db: impl PgExecutor<'_>,
    after: Uuid,
    limit: i64,
) -> DbResult<Vec<Resource>> {
    let rows: Vec<ResourceRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM resources r WHERE r.id > $1 ORDER BY r.id LIMIT $2"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Resource::from).collect())
}

/// Ranking within an aspect: targeted resources (`focus`, a generated column) are the most
/// specific match, so they come first; then resources focused on fewer aspects, then the newest.
const ORDER: &str = "r.focus DESC, r.aspect_count, r.created_at DESC, r.id";

/// What the recommendation query needs to know about the person.
pub struct CandidateQuery<'a> {
    pub person_id: Uuid,
    /// Aspects weakest first; empty for someone without a quiz result.
    pub aspects: &'a [Aspect],
    /// The person's percentage per aspect, in `Aspect::ALL` order (None without a result).
    pub percents: Option<[i16; 4]>,
    pub total: Option<i16>,
    pub department: &'a str,
    pub office: &'a str,
    pub now: DateTime<Utc>,
    pub per_aspect: i64,
}

/// Recommendation candidates for one person: active, reviewed, upcoming resources matching
/// their targeting and not finished or dismissed, at most `per_aspect` for each aspect in
/// weakest-first order. A partial index per aspect keeps this fast on a large library; the
/// domain ranking makes the final choice.
#[instrument(skip_all)]
pub async fn candidates(
    db: impl PgExecutor<'_>,
    q: &CandidateQuery<'_>,
) -> DbResult<Vec<Resource>> {
    let percents = q.percents.unwrap_or([-1; 4]);
    let eligible = "NOT r.archived \
        AND (r.review_by IS NULL OR r.review_by >= ($1::timestamptz AT TIME ZONE 'UTC')::date) \
        AND (r.event_starts_at IS NULL OR r.event_starts_at > $1) \
        AND (cardinality(r.departments) = 0 OR lower($2) = ANY (SELECT lower(d) FROM unnest(r.departments) d)) \
        AND (cardinality(r.offices) = 0 OR lower($3) = ANY (SELECT lower(o) FROM unnest(r.offices) o)) \
        AND (r.max_total IS NULL OR $4::smallint <= r.max_total) \
        AND (r.max_aspect_percent IS NULL \
             OR ('emotional-contagion' = ANY (r.aspects) AND $5 BETWEEN 0 AND r.max_aspect_percent) \
             OR ('emotion-comprehension' = ANY (r.aspects) AND $6 BETWEEN 0 AND r.max_aspect_percent) \
             OR ('sympathetic-arousal' = ANY (r.aspects) AND $7 BETWEEN 0 AND r.max_aspect_percent) \
             OR ('conspecific-altruism' = ANY (r.aspects) AND $8 BETWEEN 0 AND r.max_aspect_percent)) \
        AND NOT EXISTS (SELECT 1 FROM plan_items p WHERE p.person_id = $9 \
                        AND p.resource_id = r.id AND p.status IN ('done', 'dismissed'))";
    let slugs: Vec<&str> = if q.aspects.is_empty() {
        Aspect::ALL.iter().map(|a| a.slug()).collect()
    } else {
        q.aspects.iter().map(|a| a.slug()).collect()
    };
    // One bucket per aspect, in weakest-first order. Each names its aspect literally so that
    // PostgreSQL uses that aspect's partial index (migrations/0006), which already returns
    // resources in ranking order; duplicates across buckets are removed after.
    let buckets: Vec<String> = slugs
        .iter()
        .enumerate()
        .filter(|(_, slug)| Aspect::from_slug(slug).is_some())
        .map(|(i, slug)| {
            format!(
                "(SELECT {bucket}::int8 AS bucket, {COLUMNS}, r.focus, r.aspect_count, r.created_at \
                 FROM resources r WHERE NOT r.archived AND r.aspects @> ARRAY['{slug}'] \
                 AND {eligible} ORDER BY {ORDER} LIMIT $10)",
                bucket = i + 1,
            )
        })
        .collect();
    let rows: Vec<(i64, ResourceRow)> = {
        #[derive(FromRow)]
        struct Ranked {
            bucket: i64,
            #[sqlx(flatten)]
            row: ResourceRow,
        }
        let ranked: Vec<Ranked> = sqlx::query_as(&format!(
            "SELECT * FROM ({}) candidates ORDER BY bucket, focus DESC, aspect_count, created_at DESC, id",
            buckets.join(" UNION ALL ")
        ))
        .bind(q.now)
        .bind(q.department)
        .bind(q.office)
        .bind(q.total)
        .bind(percents[0])
        .bind(percents[1])
        .bind(percents[2])
        .bind(percents[3])
        .bind(q.person_id)
        .bind(q.per_aspect)
        .fetch_all(db)
        .await?;
        ranked.into_iter().map(|r| (r.bucket, r.row)).collect()
    };
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter(|(_, row)| seen.insert(row.id))
        .map(|(_, row)| Resource::from(row))
        .collect())
}

/// Notes that these resources were recommended to the person (once per person).
#[instrument(skip_all)]
pub async fn record_impressions(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    ids: &[Uuid],
) -> DbResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO resource_impressions (resource_id, person_id) \
         SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING",
    )
    .bind(ids)
    .bind(person_id)
    .execute(db)
    .await?;
    Ok(())
}

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
         WHERE p.person_id = $1 AND p.status <> 'dismissed' \
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

/// Engagement for a page of resources, in one query.
#[instrument(skip_all)]
pub async fn engagement(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> DbResult<HashMap<Uuid, Engagement>> {
    let rows: Vec<(Uuid, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT r.id, \
           (SELECT count(*) FROM resource_impressions i WHERE i.resource_id = r.id), \
           count(p.*) FILTER (WHERE p.status = 'saved'), \
           count(p.*) FILTER (WHERE p.status = 'done'), \
           count(p.*) FILTER (WHERE p.helpful IS NOT NULL), \
           count(p.*) FILTER (WHERE p.helpful) \
         FROM unnest($1::uuid[]) AS r(id) LEFT JOIN plan_items p ON p.resource_id = r.id \
         GROUP BY r.id",
    )
    .bind(ids)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, recommended, saved, completed, rated, helpful)| {
            (
                id,
                Engagement {
                    recommended,
                    saved,
                    completed,
                    rated,
                    helpful,
                },
            )
        })
        .collect())
}

/// Inserts or updates a resource by id (CSV import). Returns true when it was new.
#[instrument(skip_all)]
pub async fn upsert(
    conn: &mut PgConnection,
    id: Uuid,
    input: &ResourceInput,
    archived: bool,
) -> DbResult<bool> {
    let existed = exists(&mut *conn, id).await?;
    if existed {
        update(&mut *conn, id, input).await?;
    } else {
        insert(&mut *conn, id, input).await?;
    }
    set_archived(&mut *conn, id, archived).await?;
    Ok(!existed)
}
