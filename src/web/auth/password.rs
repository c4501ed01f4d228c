//! "Forgot your password?": asking for a link by email, and choosing a new password with it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::{ClientIp, start_session};
use crate::app::auth::{self as use_case, ResetRequest};
use crate::domain::FieldErrors;
use crate::domain::people::{Email, Person};
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::Invalid;
use crate::web::forms::check_new_password;

#[derive(Template, WebTemplate)]
#[template(path = "auth/forgot.html")]
pub struct ForgotPage {
    pub chrome: Chrome,
    pub email: String,
    pub sent: bool,
    pub problem: Option<String>,
    pub errors: FieldErrors,
}

pub async fn forgot_page(chrome: Chrome) -> ForgotPage {
    ForgotPage {
        chrome: chrome.at("signin"),
        email: String::new(),
        sent: false,
        problem: None,
        errors: FieldErrors::new(),
    }
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// Always the same answer whether or not an account has this email.
pub async fn forgot(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    chrome: Chrome,
    Form(form): Form<ForgotForm>,
) -> AppResult<Response> {
    let mut page = ForgotPage {
        email: form.email.trim().to_string(),
        ..forgot_page(chrome).await
    };
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(message) => {
            page.errors.add("email", message);
            return Ok(Invalid(page).into_response());
        }
    };
    let request = use_case::request_password_reset(
        &state.pool,
        &state.config,
        email.as_str(),
        ip,
        Utc::now(),
    )
    .await?;
    match request {
        ResetRequest::Accepted => {
            page.sent = true;
            Ok(page.into_response())
        }
        ResetRequest::Wait { minutes } => {
            page.problem = Some(format!(
                "Several links were asked for already. For your security, please wait up to \
                 {minutes} minutes and try again, or use the newest email you received."
            ));
            let mut response = (StatusCode::TOO_MANY_REQUESTS, page).into_response();
            if let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/reset.html")]
pub struct ResetPage {
    pub chrome: Chrome,
    pub token: String,
    pub person: Person,
    pub errors: FieldErrors,
}

pub async fn reset_page(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(token): Path<String>,
) -> AppResult<ResetPage> {
    let person = use_case::reset_holder(&state.pool, &token, Utc::now()).await?;
    Ok(ResetPage {
        chrome: chrome.at("signin"),
        token,
        person,
        errors: FieldErrors::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

pub async fn reset(
    State(state): State<AppState>,
    session: Session,
    chrome: Chrome,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
    let now = Utc::now();
    let person = use_case::reset_holder(&state.pool, &token, now).await?;
    let mut errors = FieldErrors::new();
    let personal = [person.email.as_str(), person.display_name.as_str()];
    check_new_password(
        &mut errors,
        &form.password,
        &form.password_confirmation,
        &personal,
    );
    if !errors.is_empty() {
        let page = ResetPage {
            chrome: chrome.at("signin"),
            token,
            person,
            errors,
        };
        return Ok(Invalid(page).into_response());
    }
    let epoch =
        use_case::reset_password(&state.pool, &token, person.id, form.password, now).await?;
    start_session(&session, person.id, epoch).await?;
    let message = "Your new password is set and you're signed in. Any other devices signed in \
                   to your account have been signed out.";
    flash(&session, "success", message).await?;
    Ok(Redirect::to("/").into_response())
}
