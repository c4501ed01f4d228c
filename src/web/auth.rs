//! Signing in and out: the sign-in form, throttling, sessions and the viewer middleware.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::chrome::{Chrome, Viewer, flash};
use super::guards::CurrentUserOpt;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::sign_in::{self, Throttle};
use crate::error::AppResult;
use crate::secrets;

const AUTH_KEY: &str = "auth";

/// What a session remembers about who signed in.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct AuthRecord {
    person_id: Uuid,
    epoch: i32,
    signed_in_at: i64,
}

/// Middleware: resolves the signed-in person once per request. A session is ended when the
/// person was deactivated, changed their password elsewhere, or signed in too long ago.
pub async fn resolve_viewer(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let viewer = match load_viewer(&state, &session).await {
        Ok(viewer) => viewer,
        Err(err) => return err.into_response(),
    };
    request.extensions_mut().insert(viewer.clone());
    let mut response = next.run(request).await;
    response.extensions_mut().insert(viewer);
    response
}

async fn load_viewer(state: &AppState, session: &Session) -> AppResult<Viewer> {
    let Some(record) = session.get::<AuthRecord>(AUTH_KEY).await? else {
        return Ok(Viewer(None));
    };
    let person = db::people::find(&state.pool, record.person_id).await?;
    let age = Utc::now().timestamp() - record.signed_in_at;
    match person {
        Some(person)
            if person.active
                && person.session_epoch == record.epoch
                && age < state.config.session_absolute.num_seconds() =>
        {
            Ok(Viewer(Some(Arc::new(person))))
        }
        _ => {
            session.flush().await?;
            Ok(Viewer(None))
        }
    }
}

/// Starts a fresh session for a person (a new session id, so a planted id is useless).
pub async fn start_session(session: &Session, person_id: Uuid, epoch: i32) -> AppResult<()> {
    session.cycle_id().await?;
    session
        .insert(
            AUTH_KEY,
            AuthRecord {
                person_id,
                epoch,
                signed_in_at: Utc::now().timestamp(),
            },
        )
        .await?;
    Ok(())
}

/// The client's address, for throttling.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_proxy {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            if forwarded.is_some() {
                return Ok(ClientIp(forwarded));
            }
        }
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

/// Only same-site paths are followed after sign-in (no open redirects).
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if ok { next } else { "/" }
}

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
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(None, errors)).into_response());
    }

    let now = Utc::now();
    let failures = db::sign_in::recent_failures(&state.pool, &email, ip, now).await?;
    if let Throttle::Wait { minutes } = sign_in::decide(failures, now) {
        let unit = if minutes == 1 { "minute" } else { "minutes" };
        let problem = format!(
            "Too many unsuccessful sign-in attempts. For your security, please wait {minutes} {unit} and try again."
        );
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            page(Some(problem), FieldErrors::new()),
        )
            .into_response();
        if let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(response);
    }

    let found = db::people::find_for_sign_in(&state.pool, &email).await?;
    let (person, hash) = match found {
        Some((person, hash)) if person.active => (Some(person), hash),
        _ => (None, None),
    };
    let matches = secrets::verify_password(form.password.clone(), hash).await?;
    db::sign_in::record(&state.pool, &email, ip, matches, now).await?;
    match person {
        Some(person) if matches => {
            start_session(&session, person.id, person.session_epoch).await?;
            Ok(Redirect::to(&next).into_response())
        }
        _ => Ok((
            StatusCode::UNAUTHORIZED,
            page(Some(WRONG_CREDENTIALS.into()), FieldErrors::new()),
        )
            .into_response()),
    }
}

pub async fn logout(session: Session) -> AppResult<Redirect> {
    session.flush().await?;
    flash(&session, "info", "You've signed out. See you soon.").await?;
    Ok(Redirect::to("/login"))
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/login", login_page)
        .post("/login", login)
        .post("/logout", logout)
}
