//! One attempt: its private results (with recommendations), and deleting it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Redirect;
use tower_sessions::Session;

use super::own_attempt;
use crate::db;
use crate::domain::quiz::Attempt;
use crate::domain::teq;
use crate::domain::time::local_date;
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use crate::web::charts::{self, BarChart};
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::PathId;
use crate::web::guards::CurrentUser;
use crate::web::resources::{RecommendationView, recommendations};

/// An aspect with its explanation, for the results page.
pub struct AspectView {
    pub name: &'static str,
    /// The questionnaire's own term, shown as a secondary line.
    pub term: &'static str,
    pub slug: &'static str,
    pub summary: &'static str,
    pub practice: &'static str,
    pub mean: String,
    pub percent: u8,
}

#[derive(Template, WebTemplate)]
#[template(path = "quiz/results.html")]
pub struct ResultsPage {
    pub chrome: Chrome,
    pub attempt: Attempt,
    pub taken_on: String,
    pub reading: &'static str,
    pub chart: BarChart,
    pub aspects: Vec<AspectView>,
    pub change: Option<String>,
    pub weakest: &'static str,
    /// Recommendations from the person's latest result.
    pub recommendations: Vec<RecommendationView>,
    pub is_latest: bool,
    pub return_to: String,
}

pub async fn results(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<ResultsPage> {
    let attempt = own_attempt(&state, &person, id).await?;
    let previous = db::quiz::previous(&state.pool, person.id, attempt.taken_at).await?;
    let aspects = attempt
        .aspects
        .iter()
        .map(|score| AspectView {
            name: score.aspect.name(),
            term: score.aspect.questionnaire_term(),
            slug: score.aspect.slug(),
            summary: score.aspect.summary(),
            practice: score.aspect.practice(),
            mean: format!("{:.1}", score.mean),
            percent: score.percent,
        })
        .collect();
    let weakest = attempt.weakest_first()[0].aspect.name();
    let latest = db::quiz::latest(&state.pool, person.id).await?;
    let recommendations = recommendations(&state.pool, &person, latest.as_ref()).await?;
    Ok(ResultsPage {
        recommendations,
        is_latest: latest.is_some_and(|l| l.id == attempt.id),
        return_to: format!("/quiz/attempts/{}", attempt.id),
        chrome: chrome.at("quiz"),
        taken_on: local_date(attempt.taken_at, person.time_zone),
        reading: teq::describe_total(attempt.total),
        chart: charts::aspect_bars(&attempt.aspects),
        aspects,
        change: previous.map(|p| attempt.change_since(&p).describe()),
        weakest,
        attempt,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "quiz/delete.html")]
pub struct DeletePage {
    pub chrome: Chrome,
    pub attempt: Attempt,
    pub taken_on: String,
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<DeletePage> {
    let attempt = own_attempt(&state, &person, id).await?;
    Ok(DeletePage {
        chrome: chrome.at("quiz"),
        taken_on: local_date(attempt.taken_at, person.time_zone),
        attempt,
    })
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    if !db::quiz::delete_own(&state.pool, person.id, id).await? {
        return Err(AppError::NotFound);
    }
    flash(
        &session,
        "success",
        "That attempt has been deleted. It no longer counts anywhere, including in any group figures.",
    )
    .await?;
    Ok(Redirect::to("/quiz/history"))
}
