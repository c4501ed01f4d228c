//! Signing in with the identity provider: the button starts the flow, the provider sends the
//! person back to the callback, and every way that can fail is a page with a way back.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::{safe_next, start_session};
use crate::app::sso::{self as use_case, SsoSignIn};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::sso::{Flow, SsoError};
use crate::web::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::CurrentUserOpt;

/// The sign-in under way, in the server-side session.
const FLOW_KEY: &str = "sso_flow";
/// The ID token of an SSO sign-in, sent back to the provider at sign-out.
pub(super) const ID_TOKEN_KEY: &str = "sso_id_token";

/// A sign-in through the provider that didn't end with the person signed in.
#[derive(Template, WebTemplate)]
#[template(path = "auth/sso_problem.html")]
pub struct ProblemPage {
    pub chrome: Chrome,
    pub title: &'static str,
    pub message: &'static str,
    pub label: String,
}

fn problem(
    chrome: Chrome,
    status: StatusCode,
    title: &'static str,
    message: &'static str,
    label: &str,
) -> Response {
    let page = ProblemPage {
        chrome: chrome.at("signin"),
        title,
        message,
        label: label.to_string(),
    };
    (status, page).into_response()
}

fn failure(chrome: Chrome, err: &SsoError, label: &str) -> Response {
    tracing::warn!(error = %err, "sign-in with the identity provider failed");
    let status = match err {
        SsoError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        SsoError::Provider { error, .. } if error == "access_denied" => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    problem(chrome, status, "You're not signed in", err.message(), label)
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    next: String,
}

/// The sign-in button: remembers the flow in the session and sends the person to the provider.
pub async fn start(
    State(state): State<AppState>,
    CurrentUserOpt(viewer): CurrentUserOpt,
    session: Session,
    chrome: Chrome,
    Form(form): Form<StartForm>,
) -> AppResult<Response> {
    let sso = state.sso.as_ref().ok_or(AppError::NotFound)?;
    let next = safe_next(&form.next).to_string();
    // Someone already signed in is confirming it's them: the provider asks them again.
    let reauthenticate = viewer.is_some();
    match sso
        .begin_with(next, Utc::now().timestamp(), reauthenticate)
        .await
    {
        Ok((url, flow)) => {
            session.insert(FLOW_KEY, flow).await?;
            Ok(Redirect::to(url.as_str()).into_response())
        }
        Err(err) => Ok(failure(chrome, &err, sso.label())),
    }
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Where the provider sends the person back: the flow is used up whatever happens.
pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    chrome: Chrome,
    Query(query): Query<CallbackQuery>,
) -> AppResult<Response> {
    let sso = state.sso.as_ref().ok_or(AppError::NotFound)?;
    let flow: Option<Flow> = session.remove(FLOW_KEY).await?;
    if let Some(error) = query.error {
        let err = SsoError::Provider {
            error: error.chars().take(100).collect(),
            description: query
                .error_description
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect(),
        };
        return Ok(failure(chrome, &err, sso.label()));
    }
    let next = flow
        .as_ref()
        .map(|f| f.next.clone())
        .unwrap_or_else(|| "/".into());
    let settings = db::settings::get_sso(&state.pool).await?;
    let finished = sso
        .finish(
            flow,
            query.state.as_deref().unwrap_or(""),
            query.code.as_deref().unwrap_or(""),
            &settings,
            Utc::now().timestamp(),
        )
        .await;
    let (identity, id_token) = match finished {
        Ok(done) => done,
        Err(err) => return Ok(failure(chrome, &err, sso.label())),
    };
    match use_case::sign_in(&state.pool, &identity).await? {
        SsoSignIn::Welcome(person) => {
            start_session(&session, person.id, person.session_epoch).await?;
            session.insert(ID_TOKEN_KEY, id_token).await?;
            tracing::info!(person = %person.id, "signed in with the identity provider");
            Ok(Redirect::to(safe_next(&next)).into_response())
        }
        SsoSignIn::Refused(refusal) => {
            tracing::warn!(?refusal, subject = %identity.subject, "sign-in with the identity provider refused");
            Ok(problem(
                chrome,
                StatusCode::FORBIDDEN,
                "You can't sign in to Attune yet",
                refusal.message(),
                sso.label(),
            ))
        }
    }
}
