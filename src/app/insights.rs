//! HR's program figures, worked out in the background: the scheduler refreshes them (each
//! replica tries; the database lets one do it), and the Insights page only reads what was
//! stored. Quiz figures are frozen at the start of each week, participation counts are at
//! most [`REFRESH_EVERY`] old.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use crate::db::{self, insights::GroupBy};
use crate::domain::insights::figures_as_of;
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

/// Works this week's figures out again if they are older than `max_age` (or missing), in one
/// transaction. Returns whether this call did it.
pub async fn refresh(pool: &PgPool, now: DateTime<Utc>, max_age: Duration) -> AppResult<bool> {
    let as_of = figures_as_of(now);
    let week = as_of.date_naive();
    let mut tx = pool.begin().await?;
    if !db::insights::claim_refresh(&mut tx, week, now, now - max_age).await? {
        return Ok(false);
    }
    let participation = db::insights::participation(&mut *tx, now).await?;
    // The participation funnel of the last four quarters.
    let quarters = crate::domain::funnel::last_quarters(now.date_naive(), 4);
    if let Some(first) = quarters.first() {
        db::funnel::refresh(&mut tx, *first, as_of).await?;
        db::recognition_insights::refresh(&mut tx, *first, now).await?;
    }
    db::resource_insights::refresh(&mut tx).await?;
    let mut groups = Vec::new();
    for by in GroupBy::ALL {
        for figures in db::insights::latest_results(&mut *tx, by, as_of).await? {
            groups.push((by, figures));
        }
    }
    let spread = db::insights::quiz_spread(&mut *tx, as_of).await?;
    // Everyone's latest results at the start of each of the last four quarters.
    let points = quiz_points(as_of);
    let quiz_points = db::quiz_over_time::points(&mut *tx, &points).await?;
    // What of the quiz figures may be shown together, for the threshold in force now.
    let cells = db::quiz_over_time::cells(&mut *tx, &points, as_of).await?;
    let threshold = db::settings::get(&mut *tx).await?.threshold();
    let shown = crate::domain::quiz_disclosure::protect(&cells, points.len(), threshold);
    db::quiz_over_time::store(&mut tx, week, &quiz_points, &shown.points).await?;
    let story_nights = db::insights::story_nights(&mut *tx, now).await?;
    let figures = db::insights::WeekFigures {
        participation,
        groups: &groups,
        spread: &spread,
        story_nights: &story_nights,
        shown: &shown,
        threshold,
    };
    db::insights::store_refresh(&mut tx, week, figures).await?;
    tx.commit().await?;
    Ok(true)
}
