//! HR's program figures, worked out in the background: the scheduler refreshes them (each
//! replica tries; the database lets one do it), and the Insights page only reads what was
//! stored. Every figure is worked out as of the start of the week. Quiz figures, taking part
//! and the counts of what people do privately (taking the quiz, their plans) move on only when
//! HR may see them beside the last ones shown ([`quiz_disclosure::protect_week`],
//! [`crate::domain::funnel::stage_moves_on`], [`crate::domain::insights::count_moves_on`]).
//! The counts are worked out once a week, at its first refresh; refreshing every
//! [`REFRESH_EVERY`] keeps the quiz figures and the funnel up with what changes within a week
//! (an attempt deleted, an account erased, a new threshold).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::PgPool;

use crate::db::{self, insights::GroupBy};
use crate::domain::insights::{GroupFigures, figures_as_of, next_count};
use crate::domain::quiz_disclosure;
use crate::error::AppResult;

/// How old the stored figures may get before the scheduler works them out again.
pub const REFRESH_EVERY: Duration = Duration::hours(1);

/// The points in time the quiz figures are shown at besides this week: the starts of the last
/// four quarters, those before `as_of` (three when `as_of` is itself a quarter's first day).
pub fn quiz_points(as_of: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    crate::domain::funnel::last_quarters(as_of.date_naive(), 4)
        .into_iter()
        .filter_map(|q| q.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
        .filter(|at| *at < as_of)
        .collect()
}

/// This week's quiz figures and what of them may be shown (the quarter points stored too), or
/// the published figures to keep showing because this week's can't be shown beside them.
async fn quiz_figures(
    tx: &mut sqlx::PgConnection,
    as_of: DateTime<Utc>,
    threshold: i64,
) -> AppResult<Result<QuizWeek, db::insights::PublishedQuiz>> {
    let week = as_of.date_naive();
    let quarters = quiz_points(as_of);
    let published = db::insights::published_quiz(&mut *tx).await?;
    // Figures that showed nothing leave nothing to compare with.
    let (shown, known) = match published.filter(|p| p.shown && p.week <= week) {
        None => {
            let cells = db::quiz_over_time::cells(&mut *tx, &quarters, as_of).await?;
            let shown = quiz_disclosure::protect(&cells, quarters.len(), threshold);
            (shown, Vec::new())
        }
        Some(published) => {
            // The quarter points shown before keep the figures they were shown with.
            let known: Vec<db::quiz_over_time::StoredPoint> =
                db::quiz_over_time::of_week(&mut *tx, published.week)
                    .await?
                    .into_iter()
                    .filter(|(at, _, shown)| {
                        *shown && quarters.iter().any(|q| q.date_naive() == *at)
                    })
                    .collect();
            let since = midnight(published.week);
            let mut points = quarters.clone();
            points.push(since);
            points.sort();
            points.dedup();
            let at = points.iter().position(|p| *p == since).unwrap_or_default();
            let known_at: Vec<usize> = (0..points.len())
                .filter(|i| known.iter().any(|(d, _, _)| *d == points[*i].date_naive()))
                .collect();
            let cells = db::quiz_over_time::cells(&mut *tx, &points, as_of).await?;
            let Some(mut shown) = quiz_disclosure::protect_week(
                &cells,
                points.len(),
                at,
                &known_at,
                published.removed,
                threshold,
            ) else {
                return Ok(Err(published));
            };
            if !quarters.contains(&since) {
                shown.points.remove(at);
            }
            (shown, known)
        }
    };
    let mut groups = Vec::new();
    for by in GroupBy::ALL {
        for figures in db::insights::latest_results(&mut *tx, by, as_of).await? {
            groups.push((by, figures));
        }
    }
    let spread = db::insights::quiz_spread(&mut *tx, as_of).await?;
    // Everyone's latest results at the start of each of the last four quarters.
    let points: Vec<(NaiveDate, GroupFigures)> = db::quiz_over_time::points(&mut *tx, &quarters)
        .await?
        .into_iter()
        .map(
            |(at, figures)| match known.iter().find(|(d, _, _)| *d == at) {
                Some((_, shown_then, _)) => (at, shown_then.clone()),
                None => (at, figures),
            },
        )
        .collect();
    db::quiz_over_time::store(tx, week, &points, &shown.points).await?;
    Ok(Ok((groups, spread, shown)))
}

/// A week's quiz figures: per group, how the latest totals are spread, and what may be shown.
type QuizWeek = (
    Vec<(GroupBy, GroupFigures)>,
    db::insights::QuizSpread,
    quiz_disclosure::QuizShown,
);

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// Works this week's figures out again if they are older than `max_age` (or missing), in one
/// transaction. Returns whether this call did it.
pub async fn refresh(pool: &PgPool, now: DateTime<Utc>, max_age: Duration) -> AppResult<bool> {
    let as_of = figures_as_of(now);
    let week = as_of.date_naive();
    let mut tx = pool.begin().await?;
    let Some(counted) = db::insights::claim_refresh(&mut tx, week, now, now - max_age).await?
    else {
        return Ok(false);
    };
    let threshold = db::settings::get(&mut *tx).await?.threshold();
    // The participation funnel of the last four quarters.
    let quarters = crate::domain::funnel::last_quarters(now.date_naive(), 4);
    let first = quarters.first().copied();
    if let Some(first) = first {
        db::funnel::refresh(&mut tx, first, as_of, threshold).await?;
    }
    let counts = if counted {
        None
    } else {
        Some(week_counts(&mut tx, week, as_of, first, threshold).await?)
    };
    let quiz = quiz_figures(&mut tx, as_of, threshold).await?;
    let quiz = quiz
        .as_ref()
        .map(|(groups, spread, shown)| db::insights::QuizFigures {
            groups,
            spread,
            shown,
            threshold,
        })
        .map_err(|published| *published);
    let counts = counts
        .as_ref()
        .map(|(participation, story_nights)| db::insights::WeekCounts {
            participation: *participation,
            story_nights,
        });
    db::insights::store_refresh(&mut tx, week, counts, quiz).await?;
    tx.commit().await?;
    Ok(true)
}

/// The counts worked out once a week, as of its start: participation (the counts of what
/// people do privately move on only by enough people at once), recognition, resources and
/// challenge participation (stored as they go), and story nights (returned to be stored with
/// the week).
async fn week_counts(
    tx: &mut sqlx::PgConnection,
    week: NaiveDate,
    as_of: DateTime<Utc>,
    first_quarter: Option<NaiveDate>,
    threshold: i64,
) -> AppResult<(
    db::insights::Participation,
    Vec<crate::domain::insights::StoryNightFigures>,
)> {
    let shown = db::insights::shown_participation(&mut *tx, week).await?;
    let counted = db::insights::participation(&mut *tx, as_of).await?;
    let participation = db::insights::Participation {
        active_people: counted.active_people,
        took_quiz: next_count(shown.took_quiz, counted.took_quiz, threshold),
        completed_resource: next_count(
            shown.completed_resource,
            counted.completed_resource,
            threshold,
        ),
    };
    if let Some(first) = first_quarter {
        db::recognition_insights::refresh(&mut *tx, first, as_of).await?;
    }
    db::resource_insights::refresh(&mut *tx, as_of, threshold).await?;
    db::resource_insights::refresh_engagement(&mut *tx, as_of, threshold).await?;
    crate::app::practice::refresh_participation(&mut *tx, as_of, threshold).await?;
    let story_nights = db::insights::story_nights(&mut *tx, as_of).await?;
    Ok((participation, story_nights))
}
