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
        db::funnel::refresh(&mut tx, *first).await?;
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
    let story_nights = db::insights::story_nights(&mut *tx, now).await?;
    db::insights::store_refresh(
        &mut tx,
        week,
        participation,
        &groups,
        &spread,
        &story_nights,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
