//! HR's figures, the fairness view and the exports.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{RecognitionRow, SELECT};
use crate::db::DbResult;
use crate::domain::pagination::{Cursor, PageRequest};
use crate::domain::recognition::{DateRange, PersonRef, Recognition};

/// Up to `limit` nominations made in a date range after `after` (by when they were made,
/// oldest first), for the export, which reads the range a batch at a time. The range is at
/// most a year (checked by `DateRange::parse`). Private recognitions come with their text:
/// HR's export must go through `hr_csv_rows`, which leaves it out.
#[instrument(skip_all)]
pub async fn in_range(
    db: impl PgExecutor<'_>,
    range: DateRange,
    after: Option<Cursor>,
    limit: i64,
) -> DbResult<Vec<Recognition>> {
    let (start, end) = range.instants();
    let rows: Vec<RecognitionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.created_at >= $2 AND r.created_at < $3 \
         AND ($4::timestamptz IS NULL OR (r.created_at, r.id) > ($4, $5)) \
         ORDER BY r.created_at, r.id LIMIT $6"
    ))
    .bind(Uuid::nil())
    .bind(start)
    .bind(end)
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Recognition::from).collect())
}

/// Every published recognition a person received, oldest first (their own export).
#[instrument(skip_all)]
pub async fn all_received(db: impl PgExecutor<'_>, person: Uuid) -> DbResult<Vec<Recognition>> {
    let rows: Vec<RecognitionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.recipient_id = $2 AND r.status = 'published' ORDER BY r.created_at, r.id"
    ))
    .bind(person)
    .bind(person)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Recognition::from).collect())
}

/// Recognition figures for one department or office.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct GroupFigures {
    pub name: String,
    /// Active people there now.
    pub people: i64,
    pub given: i64,
    pub received: i64,
    /// Received from someone in another department.
    pub cross_team: i64,
}

/// How recognitions are grouped in the fairness view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Department,
    Office,
}

/// Published recognitions given and received per department or office in a date range, from
/// the daily tallies (kept by a trigger, see migration 0014): at most a year of days × groups
/// are read, however many recognitions there are. Group sizes are active people now.
#[instrument(skip_all)]
pub async fn figures(
    db: impl PgExecutor<'_>,
    grouping: Grouping,
    range: DateRange,
) -> DbResult<Vec<GroupFigures>> {
    let grouping = match grouping {
        Grouping::Department => "department",
        Grouping::Office => "office",
    };
    Ok(sqlx::query_as(
        "WITH sizes AS (SELECT name, people::int8 AS people FROM group_sizes \
                        WHERE grouping = $1 AND people > 0), \
              tallies AS (SELECT name, sum(given)::int8 AS given, sum(received)::int8 AS received, \
                          sum(cross_team)::int8 AS cross_team FROM recognition_tallies \
                          WHERE grouping = $1 AND day BETWEEN $2 AND $3 GROUP BY name \
                          HAVING sum(given) <> 0 OR sum(received) <> 0) \
         SELECT name, coalesce(people, 0) AS people, coalesce(given, 0) AS given, \
                coalesce(received, 0) AS received, coalesce(cross_team, 0) AS cross_team \
         FROM sizes FULL JOIN tallies USING (name) \
         ORDER BY name = '', name",
    )
    .bind(grouping)
    .bind(range.from)
    .bind(range.to)
    .fetch_all(db)
    .await?)
}

#[derive(FromRow)]
pub(super) struct UnrecognisedRow {
    id: Uuid,
    display_name: String,
    department: String,
    office: String,
    last: Option<DateTime<Utc>>,
}

impl From<UnrecognisedRow> for Unrecognised {
    fn from(row: UnrecognisedRow) -> Self {
        Unrecognised {
            person: PersonRef {
                id: row.id,
                name: row.display_name,
                department: row.department,
                office: row.office,
            },
            last: row.last,
        }
    }
}

/// Someone not recognised lately, with when they last were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrecognised {
    pub person: PersonRef,
    pub last: Option<DateTime<Utc>>,
}

/// How far the "not recognised lately" list is counted: past this, it says "more than".
pub const UNRECOGNISED_COUNT_CAP: i64 = 1_000;

/// One page of active people with no published recognition received since `since`, those
/// recognised longest ago (or never) first, and how many there are (up to
/// [`UNRECOGNISED_COUNT_CAP`] + 1).
#[instrument(skip_all)]
pub async fn unrecognised(
    db: impl PgExecutor<'_> + Copy,
    since: DateTime<Utc>,
    department: Option<&str>,
    page: PageRequest,
) -> DbResult<(Vec<Unrecognised>, i64)> {
    // `last_recognised_at` is kept by a trigger on recognitions (migration 0014) and indexed
    // in this order, so a page reads only its own rows.
    let from = "FROM people p WHERE p.active \
                AND (p.last_recognised_at IS NULL OR p.last_recognised_at < $1) \
                AND ($2::text IS NULL OR p.department = $2)";
    // Counted up to a cap: in a large company most of the list may qualify, and counting
    // every one of them would read a growing share of `people` on each view.
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM (SELECT 1 {from} LIMIT {}) capped",
        UNRECOGNISED_COUNT_CAP + 1
    ))
    .bind(since)
    .bind(department)
    .fetch_one(db)
    .await?;
    let rows: Vec<UnrecognisedRow> = sqlx::query_as(&format!(
        "SELECT p.id, p.display_name, p.department, p.office, p.last_recognised_at AS last {from} \
         ORDER BY p.last_recognised_at NULLS FIRST, lower(p.display_name), p.id LIMIT $3 OFFSET $4"
    ))
    .bind(since)
    .bind(department)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Unrecognised::from).collect(), total))
}
