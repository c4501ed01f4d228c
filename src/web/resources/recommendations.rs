//! Recommended resources as the home, plan and results pages show them.

use sqlx::PgPool;

use crate::app::resources::{Recommended, recommend_for};
use crate::domain::people::Person;
use crate::domain::quiz::Attempt;
use crate::domain::resources::Resource;
use crate::domain::time::weekday_date_time;
use crate::error::AppResult;

/// A recommended resource with its reason and where it stands in the person's plan.
pub struct RecommendationView {
    pub resource: Resource,
    pub reason: String,
    pub saved: bool,
    pub event_when: Option<String>,
}

/// The person's recommendations (see [`recommend_for`]), worded for the page.
pub async fn recommendations(
    pool: &PgPool,
    person: &Person,
    latest: Option<&Attempt>,
) -> AppResult<Vec<RecommendationView>> {
    Ok(recommend_for(pool, person, latest)
        .await?
        .into_iter()
        .map(|rec| view(rec, person))
        .collect())
}

fn view(rec: Recommended, person: &Person) -> RecommendationView {
    let zone = person.time_zone;
    RecommendationView {
        event_when: rec.resource.event.as_ref().map(|event| {
            format!(
                "{} ({})",
                weekday_date_time(event.starts_at, zone),
                zone.name()
            )
        }),
        saved: rec.saved,
        reason: rec.reason,
        resource: rec.resource,
    }
}
