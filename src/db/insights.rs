//! Aggregates over everyone's latest quiz result, for the anonymous program figures.
//! Nothing here returns a row about one person.
//!
//! The scheduler works the figures out (`refresh`) and stores them per week; HR's page reads
//! the stored rows (`latest_snapshot`), a handful however large the company is.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;

use super::DbResult;
use crate::domain::insights::{GroupFigures, StoryNightFigures};
use crate::domain::quiz_disclosure::QuizShown;
use crate::domain::spread::{BIN_WIDTH, Change, FINE_BINS};

/// A group's figures as selected (`label`, `people`, `mean_total` and the aspects as `ec`,
/// `comp`, `sym`, `alt`).
#[derive(FromRow)]
pub(super) struct GroupRow {
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

/// How the latest results are spread and how much retakers moved: counts of people per fine
/// bin of the total ([`FINE_BINS`] of them, lowest first) and the average change from each
/// person's first result to their latest. The same results count as in [`latest_results`]:
/// taken before `as_of`, settled in both groups.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuizSpread {
    pub counts: Vec<i64>,
    pub change: Change,
}

#[instrument(skip_all)]
pub async fn quiz_spread(db: impl PgExecutor<'_>, as_of: DateTime<Utc>) -> DbResult<QuizSpread> {
    #[derive(FromRow)]
    struct Row {
        spread: Vec<i64>,
        retakers: i64,
        total: f64,
        ec: f64,
        comp: f64,
        sym: f64,
        alt: f64,
    }
    let row: Row = sqlx::query_as(
        "WITH settled AS (
             SELECT person_id, taken_at, total, emotional_contagion AS ec,
                    emotion_comprehension AS comp, sympathetic_arousal AS sym,
                    conspecific_altruism AS alt
             FROM quiz_attempts
             WHERE taken_at < $1 AND settled_in_department AND settled_in_office
         ),
         latest AS (SELECT DISTINCT ON (person_id) * FROM settled ORDER BY person_id, taken_at DESC),
         first AS (SELECT DISTINCT ON (person_id) * FROM settled ORDER BY person_id, taken_at),
         bins AS (SELECT least(total / $2, $3) AS bin, count(*) AS people FROM latest GROUP BY 1),
         change AS (
             SELECT count(*) AS retakers,
                    coalesce(avg(l.total - f.total)::float8, 0) AS total,
                    coalesce(avg(l.ec - f.ec)::float8, 0) AS ec,
                    coalesce(avg(l.comp - f.comp)::float8, 0) AS comp,
                    coalesce(avg(l.sym - f.sym)::float8, 0) AS sym,
                    coalesce(avg(l.alt - f.alt)::float8, 0) AS alt
             FROM latest l JOIN first f USING (person_id)
             WHERE l.taken_at > f.taken_at
         )
         SELECT (SELECT array_agg(coalesce(b.people, 0) ORDER BY i)
                 FROM generate_series(0, $3) i LEFT JOIN bins b ON b.bin = i) AS spread,
                change.*
         FROM change",
    )
    .bind(as_of)
    .bind(i32::from(BIN_WIDTH))
    .bind(FINE_BINS as i32 - 1)
    .fetch_one(db)
    .await?;
    Ok(QuizSpread {
        counts: row.spread,
        change: Change {
            people: row.retakers,
            total: row.total,
            aspects: [row.ec, row.comp, row.sym, row.alt],
        },
    })
}

#[derive(FromRow)]
struct StoryNightRow {
    office: String,
    nights: i64,
    people: i64,
    seats: i64,
    seats_recorded: i64,
    attended: i64,
    full_nights: i64,
    left_waiting: i64,
    pitches: i64,
}

impl From<StoryNightRow> for StoryNightFigures {
    fn from(row: StoryNightRow) -> Self {
        StoryNightFigures {
            office: row.office,
            nights: row.nights,
            people: row.people,
            seats: row.seats,
            seats_recorded: row.seats_recorded,
            attended: row.attended,
            full_nights: row.full_nights,
            left_waiting: row.left_waiting,
            pitches: row.pitches,
        }
    }
}

/// Story nights by office (events with none are "Online") among those published and ended in
/// the year before `as_of` (the start of the week): most nights first.
#[instrument(skip_all)]
pub async fn story_nights(
    db: impl PgExecutor<'_>,
    as_of: DateTime<Utc>,
) -> DbResult<Vec<StoryNightFigures>> {
    let rows: Vec<StoryNightRow> = sqlx::query_as(
        "WITH ended AS (
             SELECT id, coalesce(nullif(office, ''), 'Online') AS office FROM events
             WHERE status = 'published' AND ends_at < $1 AND ends_at >= $1 - interval '365 days'
         ),
         per_night AS (
             SELECT e.office, e.id,
                    count(r.id) FILTER (WHERE r.status = 'going') AS seats,
                    count(r.id) FILTER (WHERE r.attended) AS attended,
                    count(r.id) FILTER (WHERE r.status = 'waitlisted') AS waiting,
                    (SELECT count(*) FROM event_pitches p WHERE p.event_id = e.id) AS pitches
             FROM ended e LEFT JOIN event_rsvps r ON r.event_id = e.id
             GROUP BY e.office, e.id
         ),
         people AS (
             SELECT e.office, count(DISTINCT r.person_id) AS people
             FROM ended e JOIN event_rsvps r ON r.event_id = e.id AND r.status = 'going'
             GROUP BY e.office
         )
         SELECT n.office, count(*) AS nights, coalesce(max(p.people), 0)::int8 AS people,
                sum(n.seats)::int8 AS seats,
                coalesce(sum(n.seats) FILTER (WHERE n.attended > 0), 0)::int8 AS seats_recorded,
                sum(n.attended)::int8 AS attended,
                count(*) FILTER (WHERE n.waiting > 0) AS full_nights,
                sum(n.waiting)::int8 AS left_waiting,
                sum(n.pitches)::int8 AS pitches
         FROM per_night n LEFT JOIN people p ON p.office = n.office
         GROUP BY n.office ORDER BY count(*) DESC, n.office",
    )
    .bind(as_of)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(StoryNightFigures::from).collect())
}

/// The story night figures of the newest stored week.
#[instrument(skip_all)]
pub async fn latest_story_nights(db: impl PgExecutor<'_>) -> DbResult<Vec<StoryNightFigures>> {
    let rows: Vec<StoryNightRow> = sqlx::query_as(
        "SELECT office, nights, people, seats, seats_recorded, attended, full_nights, \
                left_waiting, pitches \
         FROM insight_story_nights \
         WHERE week = (SELECT max(week) FROM insight_refreshes) \
         ORDER BY nights DESC, office",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(StoryNightFigures::from).collect())
}

/// Participation counts, in people: everyone active now, and those of them who had taken the
/// quiz and completed a resource before the start of the week.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Participation {
    pub active_people: i64,
    pub took_quiz: i64,
    pub completed_resource: i64,
}

/// The participation counts as of `as_of` (the start of the week).
#[instrument(skip_all)]
pub async fn participation(
    db: impl PgExecutor<'_>,
    as_of: DateTime<Utc>,
) -> DbResult<Participation> {
    let (active_people, took_quiz, completed_resource): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM people WHERE active),
                (SELECT count(DISTINCT a.person_id) FROM quiz_attempts a
                   JOIN people p ON p.id = a.person_id AND p.active
                 WHERE a.taken_at < $1),
                (SELECT count(DISTINCT i.person_id) FROM plan_items i
                   JOIN people p ON p.id = i.person_id AND p.active
                 WHERE i.status = 'done' AND i.done_on < ($1 AT TIME ZONE 'UTC')::date)",
    )
    .bind(as_of)
    .fetch_one(db)
    .await?;
    Ok(Participation {
        active_people,
        took_quiz,
        completed_resource,
    })
}

/// The participation counts shown now: the claimed week's (a new week's row starts with the
/// last week's, see [`claim_refresh`]).
#[instrument(skip_all)]
pub async fn shown_participation(
    db: impl PgExecutor<'_>,
    week: NaiveDate,
) -> DbResult<Participation> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT active_people, took_quiz, completed_resource FROM insight_refreshes \
         WHERE week = $1",
    )
    .bind(week)
    .fetch_optional(db)
    .await?;
    Ok(row
        .map(
            |(active_people, took_quiz, completed_resource)| Participation {
                active_people,
                took_quiz,
                completed_resource,
            },
        )
        .unwrap_or_default())
}

/// Claims the refresh of `week`'s figures unless they were refreshed at or after
/// `stale_before`, and says whether the week's counts were worked out already (they are once a
/// week; `None`: not claimed). Refreshes take turns (a lock held until the transaction ends; a
/// replica that finds it taken leaves the refresh to the other), and the claim holds the week's
/// row locked too. A new week's row starts with the participation counts shown last, which
/// the week's own move on from.
#[instrument(skip_all)]
pub async fn claim_refresh(
    conn: &mut PgConnection,
    week: NaiveDate,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> DbResult<Option<bool>> {
    let ours: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
        .bind(REFRESH_LOCK)
        .fetch_one(&mut *conn)
        .await?;
    if !ours {
        return Ok(None);
    }
    let counted: Option<bool> = sqlx::query_scalar(
        "INSERT INTO insight_refreshes AS r (week, refreshed_at, active_people, took_quiz, \
                                             completed_resource) \
         SELECT $1, $2, coalesce(max(active_people), 0), coalesce(max(took_quiz), 0), \
                coalesce(max(completed_resource), 0) \
         FROM (SELECT * FROM insight_refreshes WHERE week < $1 ORDER BY week DESC LIMIT 1) last \
         ON CONFLICT (week) DO UPDATE SET refreshed_at = excluded.refreshed_at, stale = false \
         WHERE r.refreshed_at < $3 OR r.stale RETURNING counted",
    )
    .bind(week)
    .bind(now)
    .bind(stale_before)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(counted)
}

/// The advisory lock key refreshes take turns with (any fixed number unique to Attune).
const REFRESH_LOCK: i64 = 0x4174_7475_6e65_0001;

/// The quiz figures HR last saw: the week they were worked out for, whether they showed
/// anything, and whether an attempt left the figures since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedQuiz {
    pub week: NaiveDate,
    pub shown: bool,
    pub removed: bool,
}

/// The quiz figures shown now, if any were worked out.
#[instrument(skip_all)]
pub async fn published_quiz(db: impl PgExecutor<'_>) -> DbResult<Option<PublishedQuiz>> {
    let row: Option<(NaiveDate, bool, bool)> = sqlx::query_as(
        "SELECT r.quiz_week, \
                EXISTS (SELECT 1 FROM insight_groups g WHERE g.week = r.quiz_week \
                        AND g.grouping = 'everyone' AND g.shown), \
                r.quiz_removed \
         FROM insight_refreshes r WHERE r.quiz_week IS NOT NULL ORDER BY r.week DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(week, shown, removed)| PublishedQuiz {
        week,
        shown,
        removed,
    }))
}

/// A week's counts as the scheduler worked them out.
pub struct WeekCounts<'a> {
    pub participation: Participation,
    pub story_nights: &'a [StoryNightFigures],
}

/// A week's quiz figures, and what of them may be shown (decided for `threshold`).
pub struct QuizFigures<'a> {
    pub groups: &'a [(GroupBy, GroupFigures)],
    pub spread: &'a QuizSpread,
    pub shown: &'a QuizShown,
    pub threshold: i64,
}

/// Stores a claimed week's counts, worked out once a week (see [`claim_refresh`]), when
/// `counts` has them, and which week's quiz figures it shows: `quiz` when they were worked out
/// for this week (see [`store_quiz`]), else the published ones stay up. Keeps only this week's
/// row and the one whose quiz figures it shows.
#[instrument(skip_all)]
pub async fn store_refresh(
    conn: &mut PgConnection,
    week: NaiveDate,
    counts: Option<WeekCounts<'_>>,
    quiz: Result<QuizFigures<'_>, PublishedQuiz>,
) -> DbResult<()> {
    if let Some(counts) = counts {
        store_counts(conn, week, counts).await?;
    }
    match quiz {
        Ok(figures) => store_quiz(conn, week, figures).await?,
        Err(published) => {
            sqlx::query(
                "UPDATE insight_refreshes SET quiz_week = $2, quiz_removed = $3 WHERE week = $1",
            )
            .bind(week)
            .bind(published.week)
            .bind(published.removed)
            .execute(&mut *conn)
            .await?;
        }
    }
    // Earlier weeks go (they may still hold results people deleted since), but for the one
    // whose quiz figures are still shown.
    sqlx::query(
        "DELETE FROM insight_refreshes WHERE week <> $1 \
         AND week IS DISTINCT FROM (SELECT quiz_week FROM insight_refreshes WHERE week = $1)",
    )
    .bind(week)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Stores a week's counts and marks them worked out.
async fn store_counts(
    conn: &mut PgConnection,
    week: NaiveDate,
    counts: WeekCounts<'_>,
) -> DbResult<()> {
    let WeekCounts {
        participation,
        story_nights,
    } = counts;
    sqlx::query(
        "UPDATE insight_refreshes SET active_people = $2, took_quiz = $3, \
         completed_resource = $4, counted = true WHERE week = $1",
    )
    .bind(week)
    .bind(participation.active_people)
    .bind(participation.took_quiz)
    .bind(participation.completed_resource)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM insight_story_nights WHERE week = $1")
        .bind(week)
        .execute(&mut *conn)
        .await?;
    let column =
        |f: fn(&StoryNightFigures) -> i64| story_nights.iter().map(f).collect::<Vec<i64>>();
    sqlx::query(
        "INSERT INTO insight_story_nights (week, office, nights, people, seats, seats_recorded, \
                                           attended, full_nights, left_waiting, pitches) \
         SELECT $1, * FROM unnest($2::text[], $3::int8[], $4::int8[], $5::int8[], $6::int8[], \
                                  $7::int8[], $8::int8[], $9::int8[], $10::int8[])",
    )
    .bind(week)
    .bind(
        story_nights
            .iter()
            .map(|o| o.office.as_str())
            .collect::<Vec<&str>>(),
    )
    .bind(column(|o| o.nights))
    .bind(column(|o| o.people))
    .bind(column(|o| o.seats))
    .bind(column(|o| o.seats_recorded))
    .bind(column(|o| o.attended))
    .bind(column(|o| o.full_nights))
    .bind(column(|o| o.left_waiting))
    .bind(column(|o| o.pitches))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Stores a claimed week's quiz figures as the ones shown from now on.
async fn store_quiz(
    conn: &mut PgConnection,
    week: NaiveDate,
    figures: QuizFigures<'_>,
) -> DbResult<()> {
    let QuizFigures {
        groups,
        spread,
        shown,
        threshold,
    } = figures;
    let change = spread.change;
    sqlx::query(
        "UPDATE insight_refreshes SET spread = $2, retakers = $3, change_total = $4, \
         change_ec = $5, change_comp = $6, change_sym = $7, change_alt = $8, \
         audit_threshold = $9, change_shown = $10, quiz_week = week, quiz_removed = false \
         WHERE week = $1",
    )
    .bind(week)
    .bind(&spread.counts)
    .bind(change.people)
    .bind(change.total)
    .bind(change.aspects[0])
    .bind(change.aspects[1])
    .bind(change.aspects[2])
    .bind(change.aspects[3])
    .bind(i32::try_from(threshold).unwrap_or(i32::MAX))
    .bind(shown.change)
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
    let group_shown: Vec<bool> = groups
        .iter()
        .map(|(by, g)| {
            shown.latest
                && match by {
                    GroupBy::Everyone => true,
                    GroupBy::Department => !shown.hidden_departments.contains(&g.label),
                    GroupBy::Office => !shown.hidden_offices.contains(&g.label),
                }
        })
        .collect();
    let aspect = |i: usize| {
        groups
            .iter()
            .map(|(_, g)| g.aspect_means[i])
            .collect::<Vec<f64>>()
    };
    sqlx::query(
        "INSERT INTO insight_groups (week, grouping, label, people, mean_total, ec, comp, sym, \
                                     alt, shown) \
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int8[], $5::float8[], \
                                  $6::float8[], $7::float8[], $8::float8[], $9::float8[], \
                                  $10::bool[])",
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
    .bind(group_shown)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The newest stored figures: when, the participation counts, and the groups of each kind
/// (largest first).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub week: Option<NaiveDate>,
    /// The week the quiz figures shown were worked out for: this one, or an earlier one while
    /// this week's are held back (see [`crate::domain::quiz_disclosure::protect_week`]).
    pub quiz_week: Option<NaiveDate>,
    pub refreshed_at: Option<DateTime<Utc>>,
    pub participation: Participation,
    /// How the latest results are spread, and retakers' change (unprotected: the page merges
    /// and hides under the threshold).
    pub spread: QuizSpread,
    /// The anonymity threshold the scheduler decided what may be shown for, and whether
    /// retakers' change may (see [`crate::domain::quiz_disclosure`]).
    pub audit_threshold: i64,
    pub change_shown: bool,
    /// Each group's figures and whether they may be shown.
    pub everyone: Option<(GroupFigures, bool)>,
    pub departments: Vec<(GroupFigures, bool)>,
    pub offices: Vec<(GroupFigures, bool)>,
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
        completed_resource: i64,
        quiz_week: Option<NaiveDate>,
        spread: Vec<i64>,
        retakers: i64,
        change_total: f64,
        change_ec: f64,
        change_comp: f64,
        change_sym: f64,
        change_alt: f64,
        audit_threshold: i32,
        change_shown: bool,
        grouping: Option<String>,
        label: Option<String>,
        people: Option<i64>,
        mean_total: Option<f64>,
        ec: Option<f64>,
        comp: Option<f64>,
        sym: Option<f64>,
        alt: Option<f64>,
        shown: Option<bool>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.week, r.refreshed_at, r.active_people, r.took_quiz, r.completed_resource, \
                q.week AS quiz_week, coalesce(q.spread, '{}') AS spread, \
                coalesce(q.retakers, 0) AS retakers, \
                coalesce(q.change_total, 0) AS change_total, \
                coalesce(q.change_ec, 0) AS change_ec, coalesce(q.change_comp, 0) AS change_comp, \
                coalesce(q.change_sym, 0) AS change_sym, coalesce(q.change_alt, 0) AS change_alt, \
                coalesce(q.audit_threshold, 0) AS audit_threshold, \
                coalesce(q.change_shown, false) AS change_shown, \
                g.grouping, g.label, g.people, g.mean_total, g.ec, g.comp, g.sym, g.alt, g.shown \
         FROM (SELECT * FROM insight_refreshes ORDER BY week DESC LIMIT 1) r \
         LEFT JOIN insight_refreshes q ON q.week = r.quiz_week \
         LEFT JOIN insight_groups g ON g.week = q.week \
         ORDER BY g.people DESC, g.label",
    )
    .fetch_all(db)
    .await?;
    let mut snapshot = Snapshot::default();
    for row in rows {
        snapshot.week = Some(row.week);
        snapshot.quiz_week = row.quiz_week;
        snapshot.audit_threshold = i64::from(row.audit_threshold);
        snapshot.change_shown = row.change_shown;
        snapshot.refreshed_at = Some(row.refreshed_at);
        snapshot.participation = Participation {
            active_people: row.active_people,
            took_quiz: row.took_quiz,
            completed_resource: row.completed_resource,
        };
        snapshot.spread = QuizSpread {
            counts: row.spread,
            change: Change {
                people: row.retakers,
                total: row.change_total,
                aspects: [
                    row.change_ec,
                    row.change_comp,
                    row.change_sym,
                    row.change_alt,
                ],
            },
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
        let shown = row.shown.unwrap_or(false);
        match grouping.as_str() {
            "everyone" => snapshot.everyone = Some((figures, shown)),
            "department" => snapshot.departments.push((figures, shown)),
            _ => snapshot.offices.push((figures, shown)),
        }
    }
    Ok(snapshot)
}

/// Marks the stored figures to be worked out again at the scheduler's next turn.
#[instrument(skip_all)]
pub async fn mark_stale(db: impl PgExecutor<'_>) -> DbResult<()> {
    sqlx::query("UPDATE insight_refreshes SET stale = true")
        .execute(db)
        .await?;
    Ok(())
}
