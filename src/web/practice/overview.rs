//! The practice page: this month's kindness challenge, perspective exercises, and the
//! person's own months.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;
use uuid::Uuid;

use crate::app::practice as use_case;
use crate::db;
use crate::domain::practice::{Challenge, Exercise, month_of};
use crate::domain::time;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::guards::CurrentUser;

/// Exercises listed on the page (the library lists them all).
const EXERCISES_SHOWN: i64 = 12;

pub struct ExerciseItem {
    pub exercise: Exercise,
    pub reflected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "practice/index.html")]
pub struct OverviewPage {
    pub chrome: Chrome,
    pub challenge: Option<Challenge>,
    pub accepted: bool,
    pub exercises: Vec<ExerciseItem>,
    pub months: Vec<(Challenge, i64)>,
    pub can_publish: bool,
}

pub async fn overview(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<OverviewPage> {
    let month = month_of(time::today_in(person.time_zone, Utc::now()));
    let challenge = db::practice::challenge(&state.pool, month).await?;
    let accepted = db::practice::has_accepted(&state.pool, person.id, month).await?;
    let exercises = db::practice::current_exercises(&state.pool, EXERCISES_SHOWN).await?;
    let ids: Vec<Uuid> = exercises.iter().map(|e| e.id).collect();
    let reflected = db::practice::reflected_on(&state.pool, person.id, &ids).await?;
    let months = db::practice::my_months(&state.pool, person.id).await?;
    let can_publish = chrome.is_organizer();
    Ok(OverviewPage {
        chrome: chrome.at("practice"),
        challenge,
        accepted,
        exercises: exercises
            .into_iter()
            .map(|exercise| ExerciseItem {
                reflected: reflected.contains(&exercise.id),
                exercise,
            })
            .collect(),
        months,
        can_publish,
    })
}

/// Accepts this month's challenge (404 when HR scheduled none).
pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
) -> AppResult<Response> {
    let today = time::today_in(person.time_zone, Utc::now());
    let new = use_case::accept_challenge(&state.pool, &person, today).await?;
    let message = if new {
        "You've accepted this month's challenge. Log what happens in your journal: only you can read it."
    } else {
        "You had already accepted this month's challenge."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to("/practice").into_response())
}
