//! The home page: what a person can do next, by role.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::AppState;
use super::chrome::Chrome;
use super::events::{self, HomeStoryNights};
use super::guards::CurrentUser;
use super::recognition::{self, HomePanel};
use super::resources::{RecommendationView, recommendations};
use crate::db;
use crate::db::people::PeopleSummary;
use crate::domain::people::Person;
use crate::error::AppResult;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub person: Person,
    /// Figures about people, for HR admins only.
    pub people: Option<PeopleSummary>,
    pub recognition: HomePanel,
    /// Story nights news and the person's next ones.
    pub story_nights: HomeStoryNights,
    /// The person's conversation this round, if any.
    pub connect: super::connect::HomeConnect,
    pub has_attempt: bool,
    pub recommendations: Vec<RecommendationView>,
    pub return_to: &'static str,
    /// Pulse rounds open for the person.
    pub pulses: Vec<super::pulse::HomePulse>,
}

pub async fn home(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<HomePage> {
    let people = if person.is_hr_admin() {
        Some(db::people::summary(&state.pool).await?)
    } else {
        None
    };
    let recognition = recognition::home_panel(&state, &person).await?;
    let latest = db::quiz::latest(&state.pool, person.id).await?;
    let recommendations = recommendations(&state.pool, &person, latest.as_ref()).await?;
    Ok(HomePage {
        chrome: chrome.at("home"),
        recognition,
        story_nights: events::home_summary(&state, &person).await?,
        connect: super::connect::home_summary(&state, &person).await?,
        person: (*person).clone(),
        people,
        has_attempt: latest.is_some(),
        recommendations,
        return_to: "/",
        pulses: super::pulse::home_pulses(&state, &person).await?,
    })
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new().get("/", home)
}
