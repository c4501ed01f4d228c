//! The resource library, people's plans and engagement counts.
//!
//! - this file: resources as stored (reading, writing, the HR list, CSV batches);
//! - `candidates.rs`: recommendation candidates;
//! - `plans.rs`: people's plans and engagement counts.

mod candidates;
mod plans;

pub use candidates::{CandidateQuery, candidates};
pub use plans::{
    PlanEntry, dismissed, engagement, plan, plan_statuses, rate, remove_from_plan, set_plan_status,
};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{FromRow, PgConnection, PgExecutor, Postgres};
use tracing::instrument;
use uuid::Uuid;

use super::{DbResult, Text};
use crate::domain::pagination::PageRequest;
use crate::domain::resources::{EventDetails, Kind, Resource, ResourceInput};
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
    draft: bool,
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
            draft: row.draft,
            event,
        }
    }
}

const COLUMNS: &str = "r.id, r.title, r.kind, r.url, r.description, r.minutes, r.aspects, \
    r.max_aspect_percent, r.max_total, r.departments, r.offices, r.review_by, r.archived, \
    r.draft, r.event_starts_at, r.event_time_zone, r.event_place";

fn aspect_slugs(aspects: &[Aspect]) -> Vec<String> {
    aspects.iter().map(|a| a.slug().to_string()).collect()
}

/// Binds the id and every field of `input` as `$1` … `$15`, in the column order of
/// [`insert`] and [`update`].
fn bind_resource<'q>(
    query: Query<'q, Postgres, PgArguments>,
    id: Uuid,
    input: &'q ResourceInput,
) -> Query<'q, Postgres, PgArguments> {
    let event = input.event.as_ref();
    query
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
        .bind(event.map(|e| e.starts_at))
        .bind(event.map(|e| e.time_zone.name()))
        .bind(event.map(|e| e.place.as_str()))
}

/// Creates a resource with the given id (import keeps ids so a file round-trips).
#[instrument(skip_all)]
pub async fn insert(db: impl PgExecutor<'_>, id: Uuid, input: &ResourceInput) -> DbResult<()> {
    let query = sqlx::query(
        "INSERT INTO resources (id, title, kind, url, description, minutes, aspects, \
         max_aspect_percent, max_total, departments, offices, review_by, event_starts_at, \
         event_time_zone, event_place) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    );
    bind_resource(query, id, input).execute(db).await?;
    Ok(())
}

/// Updates a resource; false when there is no such resource.
#[instrument(skip_all)]
pub async fn update(db: impl PgExecutor<'_>, id: Uuid, input: &ResourceInput) -> DbResult<bool> {
    let query = sqlx::query(
        "UPDATE resources SET title = $2, kind = $3, url = $4, description = $5, minutes = $6, \
         aspects = $7, max_aspect_percent = $8, max_total = $9, departments = $10, offices = $11, \
         review_by = $12, event_starts_at = $13, event_time_zone = $14, event_place = $15, \
         updated_at = now() WHERE id = $1",
    );
    let result = bind_resource(query, id, input).execute(db).await?;
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

/// Publishes a draft: from now on it is shown and recommended like any other resource.
#[instrument(skip_all)]
pub async fn publish(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<bool> {
    let result =
        sqlx::query("UPDATE resources SET draft = false, updated_at = now() WHERE id = $1")
            .bind(id)
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
    /// "active", "draft", "archived", "review" (needs review), "browsable" (what everyone may
    /// browse: published, reviewed, not a past event) or anything else for all.
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
        "active" => "NOT r.archived AND NOT r.draft",
        "draft" => "r.draft AND NOT r.archived",
        "archived" => "r.archived",
        "review" => "NOT r.archived AND r.review_by < $4",
        "browsable" => {
            "NOT r.archived AND NOT r.draft AND (r.review_by IS NULL OR r.review_by >= $4) \
             AND (r.event_starts_at IS NULL OR r.event_starts_at >= $4::date + 1)"
        }
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
