//! Aggregates over everyone's latest quiz result, for the anonymous program figures.
//! Nothing here returns a row about one person.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use tracing::instrument;

use super::DbResult;
use crate::domain::insights::GroupFigures;

#[derive(FromRow)]
struct GroupRow {
    label: String,
    people: i64,
    mean_total: f64,
    ec: f64,
    comp: f64,
    sym: f64,
    alt: f64,
}

impl From<GroupRow> for GroupFigures {
    fn from(row: GroupRow) -> Self {
        GroupFigures {
            label: row.label,
            people: row.people,
            mean_total: row.mean_total,
            aspect_means: [row.ec, row.comp, row.sym, row.alt],
        }
    }
}

/// How people's latest results are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Everyone,
    Department,
    Office,
}

/// Figures per group from each person's latest attempt taken before `as_of`, grouped by the
/// department or office they had when they took it; largest groups first.
#[instrument(skip_all)]
pub async fn latest_results(
    db: impl PgExecutor<'_>,
    by: GroupBy,
    as_of: DateTime<Utc>,
) -> DbResult<Vec<GroupFigures>> {
    let label = match by {
        GroupBy::Everyone => "'Everyone'",
        GroupBy::Department => "coalesce(nullif(department, ''), 'No department')",
        GroupBy::Office => "coalesce(nullif(office, ''), 'No office')",
    };
    let rows: Vec<GroupRow> = sqlx::query_as(&format!(
        "WITH latest AS (
             SELECT DISTINCT ON (person_id) person_id, total, emotional_contagion,
                    emotion_comprehension, sympathetic_arousal, conspecific_altruism,
                    department, office
             FROM quiz_attempts WHERE taken_at < $1 ORDER BY person_id, taken_at DESC
         )
         SELECT {label} AS label, count(*) AS people, avg(total)::float8 AS mean_total,
                avg(emotional_contagion) AS ec, avg(emotion_comprehension) AS comp,
                avg(sympathetic_arousal) AS sym, avg(conspecific_altruism) AS alt
         FROM latest GROUP BY 1 ORDER BY count(*) DESC, 1"
    ))
    .bind(as_of)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(GroupFigures::from).collect())
}

/// Participation counts (people, not results).
#[derive(Debug, Clone, Copy, Default)]
pub struct Participation {
    pub active_people: i64,
    pub took_quiz: i64,
    pub attempts_last_30_days: i64,
    pub plan_items_done: i64,
}

#[instrument(skip_all)]
pub async fn participation(db: impl PgExecutor<'_>) -> DbResult<Participation> {
    let (active_people, took_quiz, attempts_last_30_days, plan_items_done): (i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT (SELECT count(*) FROM people WHERE active),
                    (SELECT count(DISTINCT a.person_id) FROM quiz_attempts a
                       JOIN people p ON p.id = a.person_id AND p.active),
                    (SELECT count(*) FROM quiz_attempts WHERE taken_at > now() - interval '30 days'),
                    (SELECT count(*) FROM plan_items WHERE status = 'done')",
        )
        .fetch_one(db)
        .await?;
    Ok(Participation {
        active_people,
        took_quiz,
        attempts_last_30_days,
        plan_items_done,
    })
}
