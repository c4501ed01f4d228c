//! The sign-in form (with throttling) and signing out.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::{ClientIp, safe_next, start_session};
use crate::app::auth::{self as use_case, SignIn};
use crate::domain::FieldErrors;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::Invalid;
use crate::web::guards::CurrentUserOpt;

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub chrome: Chrome,
    pub email: String,
    pub next: String,
    pub problem: Option<String>,
    pub errors: FieldErrors,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
}

pub async fn login_page(
    CurrentUserOpt(viewer): CurrentUserOpt,
    chrome: Chrome,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref().unwrap_or("/")).to_string();
    if viewer.is_some() {
        return Redirect::to(&next).into_response();
    }
    LoginPage {
        chrome: chrome.at("signin"),
        email: String::new(),
        next,
        problem: None,
        errors: FieldErrors::new(),
    }
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

const WRONG_CREDENTIALS: &str =
    "That email and password don't match an account. Check them and try again.";

fn throttled(minutes: i64) -> String {
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!(
        "Too many unsuccessful sign-in attempts. For your security, please wait {minutes} {unit} and try again."
    )
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    chrome: Chrome,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_lowercase();
    let next = safe_next(&form.next).to_string();
    let page = |problem: Option<String>, errors: FieldErrors| LoginPage {
        chrome: chrome.clone().at("signin"),
        email: form.email.trim().to_string(),
        next: next.clone(),
        problem,
        errors,
    };

    let mut errors = FieldErrors::new();
    if email.is_empty() || email.chars().any(char::is_control) || email.len() > 254 {
        errors.add("email", "Enter your work email address.");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password.");
    }
    if !errors.is_empty() {
        return Ok(Invalid(page(None, errors)).into_response());
    }

    match use_case::sign_in(&state.pool, &email, form.password.clone(), ip, Utc::now()).await? {
        SignIn::Welcome(person) => {
            start_session(&session, person.id, person.session_epoch).await?;
            Ok(Redirect::to(&next).into_response())
        }
        SignIn::Wait { minutes } => {
            let problem = throttled(minutes);
            let page = page(Some(problem), FieldErrors::new());
            let mut response = (StatusCode::TOO_MANY_REQUESTS, page).into_response();
            if let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        SignIn::WrongCredentials => {
            let page = page(Some(WRONG_CREDENTIALS.into()), FieldErrors::new());
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

pub async fn logout(session: Session) -> AppResult<Redirect> {
    session.flush().await?;
    flash(&session, "info", "You've signed out. See you soon.").await?;
    Ok(Redirect::to("/login"))
}
