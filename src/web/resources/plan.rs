//! My plan: saved and finished resources with recommendations, and the buttons that change it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::Redirect;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::recommendations::{RecommendationView, recommendations};
use crate::app;
use crate::db;
use crate::db::resources::PlanEntry;
use crate::domain::resources::{PlanAction, PlanStatus, Resource};
use crate::domain::time::long_date;
use crate::error::{AppError, AppResult, OrNotFound};
use crate::web::AppState;
use crate::web::auth::safe_next;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::PathId;
use crate::web::guards::CurrentUser;

pub struct PlanView {
    pub resource: Resource,
    pub done: bool,
    pub done_on: String,
    pub helpful: Option<bool>,
}

impl From<PlanEntry> for PlanView {
    fn from(entry: PlanEntry) -> Self {
        PlanView {
            done: entry.status == PlanStatus::Done,
            done_on: entry.done_on.map(long_date).unwrap_or_default(),
            helpful: entry.helpful,
            resource: entry.resource,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "resources/plan.html")]
pub struct PlanPage {
    pub chrome: Chrome,
    pub recommendations: Vec<RecommendationView>,
    pub has_attempt: bool,
    pub saved: Vec<PlanView>,
    pub done: Vec<PlanView>,
    /// What the person said was "not for me", to take back.
    pub dismissed: Vec<Resource>,
    pub return_to: &'static str,
}

pub async fn plan(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<PlanPage> {
    let latest = db::quiz::latest(&state.pool, person.id).await?;
    let recommendations = recommendations(&state.pool, &person, latest.as_ref()).await?;
    let entries = db::resources::plan(&state.pool, person.id, 200).await?;
    let dismissed = db::resources::dismissed(&state.pool, person.id, 200).await?;
    let (done, saved): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|e| e.status == PlanStatus::Done);
    Ok(PlanPage {
        chrome: chrome.at("plan"),
        recommendations,
        has_attempt: latest.is_some(),
        saved: saved.into_iter().map(PlanView::from).collect(),
        done: done.into_iter().map(PlanView::from).collect(),
        dismissed,
        return_to: "/plan",
    })
}

#[derive(Debug, Deserialize)]
pub struct PlanActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    return_to: String,
}

pub async fn update_plan(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
    Form(form): Form<PlanActionForm>,
) -> AppResult<Redirect> {
    let Some(action) = PlanAction::parse(&form.action) else {
        // Only a resource that exists has actions: for anything else this is still a 404.
        db::resources::find(&state.pool, id).await?.or_404()?;
        return Err(AppError::Conflict("That action isn't available.".into()));
    };
    let today = Utc::now().date_naive();
    let resource = app::resources::update_plan(&state.pool, person.id, id, action, today).await?;
    flash(&session, "success", done_message(action, &resource.title)).await?;
    Ok(Redirect::to(safe_next(&form.return_to)))
}

/// What the person is told after changing their plan.
fn done_message(action: PlanAction, title: &str) -> String {
    match action {
        PlanAction::Set(PlanStatus::Saved) => {
            format!("\u{201c}{title}\u{201d} is saved to your plan.")
        }
        PlanAction::Set(PlanStatus::Done) => format!(
            "Well done. \u{201c}{title}\u{201d} is marked as done. Was it helpful? You can say so in your plan."
        ),
        PlanAction::Set(PlanStatus::Dismissed) => {
            format!("Got it: \u{201c}{title}\u{201d} won't be suggested again.")
        }
        PlanAction::Remove => format!(
            "\u{201c}{title}\u{201d} is no longer in your plan, and may be suggested to you again."
        ),
        PlanAction::Rate { .. } => {
            "Thanks for the rating. It helps HR keep the library useful.".to_string()
        }
    }
}
