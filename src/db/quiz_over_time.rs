//! Everyone's latest quiz results at the start of each recent quarter (`insight_quiz_points`),
//! and the counts the scheduler needs to decide what of the quiz figures may be shown together
//! ([`crate::domain::quiz_disclosure::protect`]): worked out with the other Insights figures.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;

use super::DbResult;
use super::insights::GroupRow;
use crate::domain::insights::GroupFigures;
use crate::domain::quiz_disclosure::{Cell, History};

/// Counted results: taken before `as_of` by someone settled in both their groups, the same
/// results as every other quiz figure (see `db::insights::latest_results`).
const SETTLED: &str = "settled_in_department AND settled_in_office";

/// Everyone's latest counted result before each of `points` (all before `as_of`), oldest
/// first; a point no one had a result before has 0 people.
#[instrument(skip_all)]
pub async fn points(
    db: impl PgExecutor<'_>,
    points: &[DateTime<Utc>],
) -> DbResult<Vec<(NaiveDate, GroupFigures)>> {
    #[derive(FromRow)]
    struct Row {
        at: DateTime<Utc>,
        #[sqlx(flatten)]
        figures: GroupRow,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT t.at, 'Everyone' AS label, count(l.total) AS people, coalesce(avg(l.total)::float8, 0) AS mean_total,
                coalesce(avg(l.ec), 0) AS ec, coalesce(avg(l.comp), 0) AS comp,
                coalesce(avg(l.sym), 0) AS sym, coalesce(avg(l.alt), 0) AS alt
         FROM unnest($1::timestamptz[]) AS t(at)
         LEFT JOIN LATERAL (
             SELECT DISTINCT ON (person_id) total, emotional_contagion AS ec,
                    emotion_comprehension AS comp, sympathetic_arousal AS sym,
                    conspecific_altruism AS alt
             FROM quiz_attempts WHERE taken_at < t.at AND {SETTLED}
             ORDER BY person_id, taken_at DESC
         ) l ON true
         GROUP BY t.at ORDER BY t.at"
    ))
    .bind(points)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.at.date_naive(), GroupFigures::from(r.figures)))
        .collect())
}

/// How many people share each history (the periods that `points` cut time into: period 0
/// before the first point, period `i` from point `i − 1` on, the last up to `as_of`) and the
/// department and office of their latest counted result.
#[instrument(skip_all)]
pub async fn cells(
    db: impl PgExecutor<'_>,
    points: &[DateTime<Utc>],
    as_of: DateTime<Utc>,
) -> DbResult<Vec<Cell>> {
    let rows: Vec<(i16, bool, String, String, i64)> = sqlx::query_as(&format!(
        "WITH settled AS (
             SELECT person_id, taken_at, department, office FROM quiz_attempts
             WHERE taken_at < $2 AND {SETTLED}
         ),
         per_period AS (
             SELECT person_id, width_bucket(taken_at, $1::timestamptz[]) AS period,
                    count(*) AS results
             FROM settled GROUP BY 1, 2
         ),
         histories AS (
             SELECT person_id, bit_or(1 << period)::int2 AS periods,
                    (array_agg(results ORDER BY period))[1] = 1 AS first_alone
             FROM per_period GROUP BY person_id
         ),
         latest AS (
             SELECT DISTINCT ON (person_id) person_id, department, office FROM settled
             ORDER BY person_id, taken_at DESC
         )
         SELECT h.periods, h.first_alone,
                coalesce(nullif(l.department, ''), 'No department'),
                coalesce(nullif(l.office, ''), 'No office'), count(*)
         FROM histories h JOIN latest l USING (person_id)
         GROUP BY 1, 2, 3, 4"
    ))
    .bind(points)
    .bind(as_of)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(periods, first_alone, department, office, people)| Cell {
            history: History {
                periods: periods as u8,
                first_alone,
            },
            department,
            office,
            people,
        })
        .collect())
}

/// Stores a claimed week's points and whether each may be shown (the week's row in
/// `insight_refreshes` exists).
#[instrument(skip_all)]
pub async fn store(
    conn: &mut PgConnection,
    week: NaiveDate,
    points: &[(NaiveDate, GroupFigures)],
    shown: &[bool],
) -> DbResult<()> {
    sqlx::query("DELETE FROM insight_quiz_points WHERE week = $1")
        .bind(week)
        .execute(&mut *conn)
        .await?;
    let aspect = |i: usize| {
        points
            .iter()
            .map(|(_, g)| g.aspect_means[i])
            .collect::<Vec<f64>>()
    };
    sqlx::query(
        "INSERT INTO insight_quiz_points (week, as_of, people, mean_total, ec, comp, sym, alt, \
                                          shown) \
         SELECT $1, * FROM unnest($2::date[], $3::int8[], $4::float8[], $5::float8[], \
                                  $6::float8[], $7::float8[], $8::float8[], $9::bool[])",
    )
    .bind(week)
    .bind(points.iter().map(|(at, _)| *at).collect::<Vec<NaiveDate>>())
    .bind(points.iter().map(|(_, g)| g.people).collect::<Vec<i64>>())
    .bind(
        points
            .iter()
            .map(|(_, g)| g.mean_total)
            .collect::<Vec<f64>>(),
    )
    .bind(aspect(0))
    .bind(aspect(1))
    .bind(aspect(2))
    .bind(aspect(3))
    .bind(
        (0..points.len())
            .map(|i| shown.get(i).copied().unwrap_or(false))
            .collect::<Vec<bool>>(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A point in time as stored: when, everyone's figures then, and whether they may be shown.
pub type StoredPoint = (NaiveDate, GroupFigures, bool);

/// The points shown now (those of the week whose quiz figures are shown), oldest first.
#[instrument(skip_all)]
pub async fn latest(db: impl PgExecutor<'_>) -> DbResult<Vec<StoredPoint>> {
    stored(db, None).await
}

/// The points stored with `week`'s quiz figures, oldest first.
#[instrument(skip_all)]
pub async fn of_week(db: impl PgExecutor<'_>, week: NaiveDate) -> DbResult<Vec<StoredPoint>> {
    stored(db, Some(week)).await
}

async fn stored(db: impl PgExecutor<'_>, week: Option<NaiveDate>) -> DbResult<Vec<StoredPoint>> {
    #[derive(FromRow)]
    struct Row {
        as_of: NaiveDate,
        #[sqlx(flatten)]
        figures: GroupRow,
        shown: bool,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT as_of, 'Everyone' AS label, people, mean_total, ec, comp, sym, alt, shown \
         FROM insight_quiz_points \
         WHERE week = coalesce($1, (SELECT quiz_week FROM insight_refreshes \
                                    ORDER BY week DESC LIMIT 1)) \
         ORDER BY as_of",
    )
    .bind(week)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.as_of, GroupFigures::from(r.figures), r.shown))
        .collect())
}
