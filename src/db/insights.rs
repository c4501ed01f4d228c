//! Aggregates over everyone's latest quiz result, for the anonymous program figures.
//! Nothing here returns a row about one person.
//!
//! The scheduler works the figures out (`refresh`) and stores them per week; HR's page reads
//! the stored rows (`latest_snapshot`), a handful however large the company is.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
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

impl GroupBy {
    pub const ALL: [GroupBy; 3] = [GroupBy::Everyone, GroupBy::Department, GroupBy::Office];

    /// As stored in `insight_groups.grouping`.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Everyone => "everyone",
            GroupBy::Department => "department",
            GroupBy::Office => "office",
        }
    }
}

/// Figures per group from each person's latest attempt taken before `as_of`, grouped by the
/// department or office they had when they took it; largest groups first. Only results
/// given after [`GROUP_TENURE_DAYS`](crate::domain::quiz::GROUP_TENURE_DAYS) in both groups
/// count, in every figure alike (a person's earlier result stands in for a newer one given too
/// soon): a result counted overall but not in its group could be worked out as the difference.
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
             FROM quiz_attempts
             WHERE taken_at < $1 AND settled_in_department AND settled_in_office
             ORDER BY person_id, taken_at DESC
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
pub async fn participation(db: impl PgExecutor<'_>, now: DateTime<Utc>) -> DbResult<Participation> {
    let (active_people, took_quiz, attempts_last_30_days, plan_items_done): (i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT (SELECT count(*) FROM people WHERE active),
                    (SELECT count(DISTINCT a.person_id) FROM quiz_attempts a
                       JOIN people p ON p.id = a.person_id AND p.active),
                    (SELECT count(*) FROM quiz_attempts WHERE taken_at > $1 - interval '30 days'),
                    (SELECT count(*) FROM plan_items WHERE status = 'done')",
        )
        .bind(now)
        .fetch_one(db)
        .await?;
    Ok(Participation {
        active_people,
        took_quiz,
        attempts_last_30_days,
        plan_items_done,
    })
}

/// Claims the refresh of `week`'s figures unless they were refreshed at or after
/// `stale_before`. The claim holds the week's row locked until the transaction ends, so
/// replicas refreshing at once do it once.
#[instrument(skip_all)]
pub async fn claim_refresh(
    conn: &mut PgConnection,
    week: NaiveDate,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> DbResult<bool> {
    let claimed: Option<NaiveDate> = sqlx::query_scalar(
        "INSERT INTO insight_refreshes AS r (week, refreshed_at, active_people, took_quiz, \
                                             attempts_30d, plan_items_done) \
         VALUES ($1, $2, 0, 0, 0, 0) \
         ON CONFLICT (week) DO UPDATE SET refreshed_at = excluded.refreshed_at, stale = false \
         WHERE r.refreshed_at < $3 OR r.stale RETURNING week",
    )
    .bind(week)
    .bind(now)
    .bind(stale_before)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(claimed.is_some())
}

/// Stores a claimed week's figures, replacing what it had.
#[instrument(skip_all)]
pub async fn store_refresh(
    conn: &mut PgConnection,
    week: NaiveDate,
    participation: Participation,
    groups: &[(GroupBy, GroupFigures)],
) -> DbResult<()> {
    sqlx::query(
        "UPDATE insight_refreshes SET active_people = $2, took_quiz = $3, attempts_30d = $4, \
         plan_items_done = $5 WHERE week = $1",
    )
    .bind(week)
    .bind(participation.active_people)
    .bind(participation.took_quiz)
    .bind(participation.attempts_last_30_days)
    .bind(participation.plan_items_done)
    .execute(&mut *conn)
    .await?;
    // Only the newest week is kept: earlier weeks may still hold results people deleted since.
    sqlx::query("DELETE FROM insight_refreshes WHERE week <> $1")
        .bind(week)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM insight_groups WHERE week = $1")
        .bind(week)
        .execute(&mut *conn)
        .await?;
    let grouping: Vec<&str> = groups.iter().map(|(by, _)| by.as_str()).collect();
    let label: Vec<&str> = groups.iter().map(|(_, g)| g.label.as_str()).collect();
    let people: Vec<i64> = groups.iter().map(|(_, g)| g.people).collect();
    let mean: Vec<f64> = groups.iter().map(|(_, g)| g.mean_total).collect();
    let aspect = |i: usize| {
        groups
            .iter()
            .map(|(_, g)| g.aspect_means[i])
            .collect::<Vec<f64>>()
    };
    sqlx::query(
        "INSERT INTO insight_groups (week, grouping, label, people, mean_total, ec, comp, sym, alt) \
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int8[], $5::float8[], \
                                  $6::float8[], $7::float8[], $8::float8[], $9::float8[])",
    )
    .bind(week)
    .bind(grouping)
    .bind(label)
    .bind(people)
    .bind(mean)
    .bind(aspect(0))
    .bind(aspect(1))
    .bind(aspect(2))
    .bind(aspect(3))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The newest stored figures: when, the participation counts, and the groups of each kind
/// (largest first).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub week: Option<NaiveDate>,
    pub refreshed_at: Option<DateTime<Utc>>,
    pub participation: Participation,
    pub everyone: Option<GroupFigures>,
    pub departments: Vec<GroupFigures>,
    pub offices: Vec<GroupFigures>,
}

/// The newest stored week's figures, in one query.
#[instrument(skip_all)]
pub async fn latest_snapshot(db: impl PgExecutor<'_>) -> DbResult<Snapshot> {
    #[derive(FromRow)]
    struct Row {
        week: NaiveDate,
        refreshed_at: DateTime<Utc>,
        active_people: i64,
        took_quiz: i64,
        attempts_30d: i64,
        plan_items_done: i64,
        grouping: Option<String>,
        label: Option<String>,
        people: Option<i64>,
        mean_total: Option<f64>,
        ec: Option<f64>,
        comp: Option<f64>,
        sym: Option<f64>,
        alt: Option<f64>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.week, r.refreshed_at, r.active_people, r.took_quiz, r.attempts_30d, \
                r.plan_items_done, g.grouping, g.label, g.people, g.mean_total, g.ec, g.comp, \
                g.sym, g.alt \
         FROM (SELECT * FROM insight_refreshes ORDER BY week DESC LIMIT 1) r \
         LEFT JOIN insight_groups g ON g.week = r.week \
         ORDER BY g.people DESC, g.label",
    )
    .fetch_all(db)
    .await?;
    let mut snapshot = Snapshot::default();
    for row in rows {
        snapshot.week = Some(row.week);
        snapshot.refreshed_at = Some(row.refreshed_at);
        snapshot.participation = Participation {
            active_people: row.active_people,
            took_quiz: row.took_quiz,
            attempts_last_30_days: row.attempts_30d,
            plan_items_done: row.plan_items_done,
        };
        let (Some(grouping), Some(label), Some(people), Some(mean_total)) =
            (row.grouping, row.label, row.people, row.mean_total)
        else {
            continue;
        };
        let figures = GroupFigures {
            label,
            people,
            mean_total,
            aspect_means: [
                row.ec.unwrap_or_default(),
                row.comp.unwrap_or_default(),
                row.sym.unwrap_or_default(),
                row.alt.unwrap_or_default(),
            ],
        };
        match grouping.as_str() {
            "everyone" => snapshot.everyone = Some(figures),
            "department" => snapshot.departments.push(figures),
            _ => snapshot.offices.push(figures),
        }
    }
    Ok(snapshot)
}
