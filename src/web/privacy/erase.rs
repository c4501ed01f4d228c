//! "Delete my account" (the person, with their password or a fresh sign-in with the identity
//! provider) and HR erasing a leaver's account from their page: both see what will happen
//! first, and both run the one erasure use case.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::{ConfirmOptions, Freshness, PasswordCheck, RecentAuth, check_password, confirm_first};
use crate::app::privacy::{self as use_case, Requested};
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::people::Person;
use crate::domain::privacy::GivenRecognitions;
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::auth::ClientIp;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, PathId};
use crate::web::guards::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "privacy/delete.html")]
pub struct DeletePage {
    pub chrome: Chrome,
    pub person: Person,
    pub given: GivenRecognitions,
    pub options: ConfirmOptions,
    /// Without a password: whether their last sign-in with the provider is recent enough.
    pub recent: bool,
    pub problem: Option<String>,
    pub errors: FieldErrors,
}

pub async fn delete_page(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    Freshness { recent }: Freshness,
    chrome: Chrome,
) -> AppResult<DeletePage> {
    Ok(DeletePage {
        chrome: chrome.at("account"),
        given: db::privacy::settings(&state.pool).await?.given_recognitions,
        options: ConfirmOptions::for_person(&state, &person).await?,
        person: (*person).clone(),
        recent,
        problem: None,
        errors: FieldErrors::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    password: String,
}

/// Erases the signed-in person's account once they re-entered their password (or, without
/// one, signed in with the provider in the last ten minutes), and signs them out.
#[allow(clippy::too_many_arguments)]
pub async fn delete_account(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    Freshness { recent }: Freshness,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    session: Session,
    chrome: Chrome,
    Form(form): Form<DeleteForm>,
) -> AppResult<Response> {
    let options = ConfirmOptions::for_person(&state, &person).await?;
    let given = db::privacy::settings(&state.pool).await?.given_recognitions;
    let page = |status: StatusCode, message: String| {
        let mut errors = FieldErrors::new();
        let mut problem = None;
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            errors.add("password", message);
        } else {
            problem = Some(message);
        }
        let page = DeletePage {
            chrome: chrome.clone().at("account"),
            person: (*person).clone(),
            given,
            options: options.clone(),
            recent,
            problem,
            errors,
        };
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            Invalid(page).into_response()
        } else {
            (status, page).into_response()
        }
    };
    if options.password {
        if let PasswordCheck::Refused(status, message) =
            check_password(&state, &person, ip, &jar, form.password).await?
        {
            return Ok(page(status, message));
        }
    } else if !recent {
        return Ok(confirm_first("/account/delete"));
    }
    match use_case::erase(
        &state.pool,
        &state.config,
        Requested::ByThemselves,
        person.id,
        Utc::now(),
    )
    .await
    {
        Ok(_) => {}
        Err(AppError::Conflict(message)) => return Ok(page(StatusCode::CONFLICT, message)),
        Err(err) => return Err(err),
    }
    session.flush().await?;
    flash(
        &session,
        "info",
        "Your account has been deleted, with your quiz answers, plan, notes and replies. Thank you for taking part.",
    )
    .await?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/erase.html")]
pub struct ErasePage {
    pub chrome: Chrome,
    pub person: Person,
    pub given: GivenRecognitions,
    pub errors: FieldErrors,
}

async fn person_to_erase(state: &AppState, viewer: &Person, id: uuid::Uuid) -> AppResult<Person> {
    let person = crate::app::people::find(&state.pool, id).await?;
    if person.id == viewer.id {
        return Err(AppError::Conflict(
            "To delete your own account, use Delete my account on your Account page.".into(),
        ));
    }
    Ok(person)
}

pub async fn erase_page(
    State(state): State<AppState>,
    HrActor(viewer, _): HrActor,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<ErasePage> {
    let person = person_to_erase(&state, &viewer, id).await?;
    Ok(ErasePage {
        chrome: chrome.at("people"),
        given: db::privacy::settings(&state.pool).await?.given_recognitions,
        person,
        errors: FieldErrors::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    understood: String,
}

/// HR erases a leaver's account, after ticking that they understand it can't be undone. The
/// message afterwards doesn't name them (nothing does any more).
pub async fn erase_person(
    State(state): State<AppState>,
    HrActor(viewer, actor): HrActor,
    _: RecentAuth,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(form): Form<EraseForm>,
) -> AppResult<Response> {
    let person = person_to_erase(&state, &viewer, id).await?;
    if form.understood != "yes" {
        let mut errors = FieldErrors::new();
        errors.add(
            "understood",
            "Tick the box to confirm you understand this can't be undone.",
        );
        let page = ErasePage {
            chrome: chrome.at("people"),
            given: db::privacy::settings(&state.pool).await?.given_recognitions,
            person,
            errors,
        };
        return Ok(Invalid(page).into_response());
    }
    let erased = use_case::erase(
        &state.pool,
        &state.config,
        Requested::ByHr(actor),
        person.id,
        Utc::now(),
    )
    .await?;
    let reference = erased.reference.to_string();
    flash(
        &session,
        "success",
        format!(
            "The account has been erased. The audit record calls it erased person #{}.",
            &reference[..8]
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/people").into_response())
}
