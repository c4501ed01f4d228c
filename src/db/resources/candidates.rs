//! Recommendation candidates: the SQL side of the eligibility rule (see
//! `domain::resources::eligible`; `tests/api/resources.rs` checks they agree), and the
//! impressions that count what was recommended.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{COLUMNS, ResourceRow};
use crate::db::DbResult;
use crate::domain::resources::Resource;
use crate::domain::teq::Aspect;

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

/// Recommendation candidates for one person: active (published, not archived), reviewed, upcoming resources matching
/// their targeting and not finished or dismissed, at most `per_aspect` for each aspect in
/// weakest-first order. A partial index per aspect keeps this fast on a large library; the
/// domain ranking makes the final choice.
#[instrument(skip_all)]
pub async fn candidates(
    db: impl PgExecutor<'_>,
    q: &CandidateQuery<'_>,
) -> DbResult<Vec<Resource>> {
    let percents = q.percents.unwrap_or([-1; 4]);
    let eligible = "NOT r.archived AND NOT r.draft \
        AND (r.review_by IS NULL OR r.review_by >= ($1::timestamptz AT TIME ZONE 'UTC')::date) \
        AND (r.event_starts_at IS NULL OR r.event_starts_at > $1) \
        AND (cardinality(r.department_keys) = 0 OR hashtext(lower($2)) = ANY (r.department_keys)) \
        AND (cardinality(r.office_keys) = 0 OR hashtext(lower($3)) = ANY (r.office_keys)) \
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
    // PostgreSQL uses that aspect's partial index (migrations/0006, covering since 0028),
    // which returns resources in ranking order and holds every column the eligibility rule
    // reads: a bucket filters index entries without visiting the table (an index-only scan;
    // departments and offices as hash keys of their names, checked again by name on the
    // chosen rows), and only the few chosen are read in full. The limit is written into the
    // text (a constant of the code, not input) so that PostgreSQL plans the statement once
    // and reuses the plan; with a parameter there it planned every execution afresh, which
    // cost more than running it.
    let per_aspect = q.per_aspect.clamp(1, 100);
    let buckets: Vec<String> = slugs
        .iter()
        .enumerate()
        .filter(|(_, slug)| Aspect::from_slug(slug).is_some())
        .map(|(i, slug)| {
            format!(
                "(SELECT {bucket}::int8 AS bucket, r.id, r.focus, r.aspect_count, r.created_at \
                 FROM resources r WHERE NOT r.archived AND r.aspects @> ARRAY['{slug}'] \
                 AND {eligible} ORDER BY {ORDER} LIMIT {per_aspect})",
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
            "SELECT c.bucket, {COLUMNS} FROM ({}) c JOIN resources r ON r.id = c.id \
             WHERE (cardinality(r.departments) = 0 \
                    OR lower($2) = ANY (SELECT lower(d) FROM unnest(r.departments) d)) \
               AND (cardinality(r.offices) = 0 \
                    OR lower($3) = ANY (SELECT lower(o) FROM unnest(r.offices) o)) \
             ORDER BY c.bucket, c.focus DESC, c.aspect_count, c.created_at DESC, c.id",
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
