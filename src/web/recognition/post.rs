//! One recognition: showing it, appreciating it, reporting it, and the recipient taking it
//! off the wall or putting it back.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::PostView;
use crate::app::recognition as use_case;
use crate::db::recognition as store;
use crate::domain::FieldErrors;
use crate::domain::people::Person;
use crate::domain::recognition::{self as rules, REPORT_MAX, Recognition};
use crate::error::{AppError, AppResult, OrNotFound};
use crate::web::AppState;
use crate::web::auth::safe_next;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, PathId};
use crate::web::guards::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "recognition/show.html")]
pub struct ShowPage {
    pub chrome: Chrome,
    pub post: PostView,
    pub back: String,
}

/// The recognition, when this person may open it (otherwise 404, as if there were none).
async fn visible(state: &AppState, person: &Person, id: Uuid) -> AppResult<Recognition> {
    store::find(&state.pool, person.id, id)
        .await?
        .filter(|r| r.visible_to(person.id, person.is_hr_admin()))
        .or_404()
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<ShowPage> {
    let recognition = visible(&state, &person, id).await?;
    Ok(ShowPage {
        chrome: chrome.at("recognition"),
        back: format!("/recognition/{}", recognition.id),
        post: PostView::new(recognition, &person),
    })
}

#[derive(Debug, Deserialize)]
pub struct AppreciateForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    back: String,
}

/// Redirects back to the page the button was on, at the post.
fn back_to(back: &str, id: Uuid) -> Redirect {
    let back = safe_next(back);
    let back = if back == "/" { "/recognition" } else { back };
    Redirect::to(&format!("{back}#post-{id}"))
}

pub async fn appreciate(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    PathId(id): PathId,
    Form(form): Form<AppreciateForm>,
) -> AppResult<Redirect> {
    let recognition = visible(&state, &person, id).await?;
    if !recognition.on_wall() {
        return Err(AppError::Conflict(
            "Only recognitions on the wall can be appreciated.".into(),
        ));
    }
    let add = form.action != "remove";
    store::set_appreciation(&state.pool, recognition.id, person.id, add).await?;
    Ok(back_to(&form.back, recognition.id))
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/report.html")]
pub struct ReportPage {
    pub chrome: Chrome,
    pub post: PostView,
    pub reason: String,
    pub errors: FieldErrors,
    pub back: String,
}

impl ReportPage {
    fn new(chrome: Chrome, recognition: Recognition, person: &Person, reason: String) -> Self {
        ReportPage {
            chrome: chrome.at("recognition"),
            back: format!("/recognition/{}", recognition.id),
            post: PostView::new(recognition, person),
            reason,
            errors: FieldErrors::new(),
        }
    }
}

/// A post the person may report (see `rules::may_report`), or a 409 saying why not.
async fn reportable(state: &AppState, person: &Person, id: Uuid) -> AppResult<Recognition> {
    let recognition = visible(state, person, id).await?;
    let previous = store::previous_report(&state.pool, recognition.id, person.id).await?;
    rules::may_report(recognition.on_wall(), previous)
        .map_err(|refusal| AppError::Conflict(refusal.message().into()))?;
    Ok(recognition)
}

pub async fn report_page(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<ReportPage> {
    let recognition = reportable(&state, &person, id).await?;
    Ok(ReportPage::new(chrome, recognition, &person, String::new()))
}

#[derive(Debug, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    reason: String,
}

pub async fn report(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(form): Form<ReportForm>,
) -> AppResult<Response> {
    let recognition = reportable(&state, &person, id).await?;
    let reason = match rules::parse_reason(
        &form.reason,
        REPORT_MAX,
        "Tell HR briefly what's wrong with this post, so they can review it quickly.",
    ) {
        Ok(reason) => reason,
        Err(message) => {
            let mut page = ReportPage::new(chrome, recognition, &person, form.reason);
            page.errors.add("reason", message);
            return Ok(Invalid(page).into_response());
        }
    };
    use_case::report(&state.pool, recognition.id, person.id, &reason).await?;
    flash(
        &session,
        "success",
        "Thank you for telling us. The post is off the wall until an HR admin has reviewed it.",
    )
    .await?;
    Ok(Redirect::to("/recognition").into_response())
}

#[derive(Debug, Deserialize)]
pub struct VisibilityForm {
    #[serde(default)]
    on_wall: String,
    #[serde(default)]
    back: String,
}

/// The recipient takes a public recognition off the wall, or puts it back.
pub async fn set_visibility(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
    Form(form): Form<VisibilityForm>,
) -> AppResult<Response> {
    let recognition = visible(&state, &person, id).await?;
    if recognition.recipient.id != person.id {
        return Err(AppError::Forbidden);
    }
    if !recognition.recipient_can_toggle() {
        return Err(AppError::Conflict(
            "Only a published recognition meant for the wall can be shown on it or hidden.".into(),
        ));
    }
    let show = form.on_wall == "yes";
    store::set_hidden_by_recipient(&state.pool, recognition.id, person.id, !show).await?;
    let message = if show {
        "It's back on the wall."
    } else {
        "It's off the wall. It stays here for you, and the person who wrote it can still see it."
    };
    flash(&session, "success", message).await?;
    let back = if form.back.is_empty() {
        "/recognition/mine"
    } else {
        &form.back
    };
    Ok(back_to(back, recognition.id).into_response())
}
