//! HR's behaviours list: adding, renaming, reordering, retiring and reinstating.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::app::recognition as use_case;
use crate::db::recognition as store;
use crate::domain::FieldErrors;
use crate::domain::recognition::{self as rules, Behaviour};
use crate::error::{AppResult, OrNotFound};
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, PathId, field_problem};
use crate::web::guards::HrAdmin;

const LIST: &str = "/admin/recognition/behaviours";

#[derive(Template, WebTemplate)]
#[template(path = "recognition/behaviours.html")]
pub struct BehavioursPage {
    pub chrome: Chrome,
    pub behaviours: Vec<Behaviour>,
    pub label: String,
    pub errors: FieldErrors,
}

async fn behaviours_page(
    state: &AppState,
    chrome: Chrome,
    label: String,
    errors: FieldErrors,
) -> AppResult<BehavioursPage> {
    Ok(BehavioursPage {
        chrome: chrome.at("recognition"),
        behaviours: store::behaviours(&state.pool).await?,
        label,
        errors,
    })
}

pub async fn behaviours(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<BehavioursPage> {
    behaviours_page(&state, chrome, String::new(), FieldErrors::new()).await
}

#[derive(Debug, Deserialize)]
pub struct BehaviourForm {
    #[serde(default)]
    label: String,
}

pub async fn add_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    chrome: Chrome,
    Form(form): Form<BehaviourForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    match rules::parse_behaviour_label(&form.label) {
        Ok(label) => match use_case::add_behaviour(&state.pool, &label).await {
            Ok(()) => {
                let message = format!("\u{201c}{label}\u{201d} is on the list.");
                flash(&session, "success", message).await?;
                return Ok(Redirect::to(LIST).into_response());
            }
            Err(err) => field_problem(err, &mut errors)?,
        },
        Err(message) => errors.add("label", message),
    }
    let page = behaviours_page(&state, chrome, form.label, errors).await?;
    Ok(Invalid(page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/behaviour_edit.html")]
pub struct BehaviourEditPage {
    pub chrome: Chrome,
    pub behaviour: Behaviour,
    pub label: String,
    pub errors: FieldErrors,
}

pub async fn edit_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<BehaviourEditPage> {
    let behaviour = store::find_behaviour(&state.pool, id).await?.or_404()?;
    Ok(BehaviourEditPage {
        chrome: chrome.at("recognition"),
        label: behaviour.label.clone(),
        behaviour,
        errors: FieldErrors::new(),
    })
}

pub async fn update_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(form): Form<BehaviourForm>,
) -> AppResult<Response> {
    let behaviour = store::find_behaviour(&state.pool, id).await?.or_404()?;
    let mut errors = FieldErrors::new();
    match rules::parse_behaviour_label(&form.label) {
        Ok(label) => match use_case::rename_behaviour(&state.pool, behaviour.id, &label).await {
            Ok(()) => {
                flash(&session, "success", "The behaviour has been renamed.").await?;
                return Ok(Redirect::to(LIST).into_response());
            }
            Err(err) => field_problem(err, &mut errors)?,
        },
        Err(message) => errors.add("label", message),
    }
    Ok(Invalid(BehaviourEditPage {
        chrome: chrome.at("recognition"),
        behaviour,
        label: form.label,
        errors,
    })
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    direction: String,
}

pub async fn move_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    PathId(id): PathId,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let behaviour = store::find_behaviour(&state.pool, id).await?.or_404()?;
    let up = match form.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => {
            let mut errors = FieldErrors::new();
            errors.add(
                "label",
                "Use the Move up or Move down buttons to reorder the list.",
            );
            let page = behaviours_page(&state, chrome, String::new(), errors).await?;
            return Ok(Invalid(page).into_response());
        }
    };
    use_case::move_behaviour(&state.pool, behaviour.id, up).await?;
    Ok(Redirect::to(&format!("{LIST}#behaviour-{}", behaviour.id)).into_response())
}

async fn set_retired(
    state: &AppState,
    session: &Session,
    id: Uuid,
    retired: bool,
) -> AppResult<Redirect> {
    let behaviour = store::find_behaviour(&state.pool, id).await?.or_404()?;
    use_case::set_behaviour_retired(&state.pool, behaviour.id, retired).await?;
    let message = if retired {
        format!(
            "\u{201c}{}\u{201d} is retired: it can't be chosen any more, and past recognitions keep it.",
            behaviour.label
        )
    } else {
        format!("\u{201c}{}\u{201d} can be chosen again.", behaviour.label)
    };
    flash(session, "success", message).await?;
    Ok(Redirect::to(LIST))
}

pub async fn retire_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    set_retired(&state, &session, id, true).await
}

pub async fn reinstate_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    set_retired(&state, &session, id, false).await
}
