//! Your data: confirming it's you before a sensitive action (here), downloading your data
//! (`data.rs`), deleting your account or HR erasing a leaver's (`erase.rs`), and HR's privacy
//! and retention settings (`settings.rs`).
//!
//! Sensitive actions (role changes, exports of personal data, erasure) name [`RecentAuth`] in
//! their signature: when the person last signed in or confirmed more than ten minutes ago, it
//! answers with a 303 to `/account/confirm?next=<the page they were on>` and the action is
//! not performed. After they confirm (their password again, or a fresh sign-in with the
//! identity provider), they are back on that page and can do it.

mod data;
mod erase;
mod settings;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::AppState;
use super::auth::{Authenticated, ClientIp, confirm_session, safe_next};
use super::chrome::Chrome;
use super::extract::Invalid;
use super::guards::CurrentUser;
use super::routes::Routes;
use crate::app::auth::{self as sign_in, Origin, SignIn};
use crate::domain::FieldErrors;
use crate::domain::people::Person;
use crate::domain::privacy::needs_confirmation;
use crate::domain::sso;
use crate::error::AppResult;

/// This area's pages and forms.
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/account/confirm", confirm_page)
        .post("/account/confirm", confirm)
        .get("/account/data", data::page)
        .post("/account/data", data::download)
        .get("/account/delete", erase::delete_page)
        .post("/account/delete", erase::delete_account)
        .get("/admin/people/{id}/erase", erase::erase_page)
        .post("/admin/people/{id}/erase", erase::erase_person)
        .get("/admin/privacy", settings::show)
        .post("/admin/privacy", settings::save)
}

/// Whether the signed-in person authenticated within the last ten minutes (never fails).
pub struct Freshness {
    pub recent: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Freshness {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let at = parts.extensions.get::<Authenticated>().map_or(0, |a| a.0);
        Ok(Freshness {
            recent: !needs_confirmation(at, Utc::now().timestamp()),
        })
    }
}

/// A signed-in person who authenticated within the last ten minutes; anyone else signed in is
/// sent to confirm it's them first (303 to the confirmation page), anyone not signed in to
/// sign in. Name it after the role guard in a sensitive action's signature.
pub struct RecentAuth;

impl FromRequestParts<AppState> for RecentAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        CurrentUser::from_request_parts(parts, state).await?;
        let Ok(Freshness { recent }) = Freshness::from_request_parts(parts, state).await;
        if recent {
            Ok(RecentAuth)
        } else {
            Err(confirm_first(&return_to(parts)))
        }
    }
}

/// Where to come back after confirming: this page for a GET; for a form, the page it was
/// sent from (the Referer's path), or the account page.
fn return_to(parts: &Parts) -> String {
    let here = if parts.method == Method::GET {
        parts.uri.path_and_query().map(|pq| pq.as_str().to_string())
    } else {
        parts
            .headers
            .get(header::REFERER)
            .and_then(|value| value.to_str().ok())
            .and_then(|referer| url::Url::parse(referer).ok())
            .map(|url| match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_string(),
            })
    };
    safe_next(here.as_deref().unwrap_or("/account")).to_string()
}

/// The answer to a sensitive action that needs confirming first: a 303 to the confirmation
/// page, coming back to `next`.
pub fn confirm_first(next: &str) -> Response {
    let next: String = url::form_urlencoded::byte_serialize(safe_next(next).as_bytes()).collect();
    let mut response = Redirect::to(&format!("/account/confirm?next={next}")).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The ways a person can confirm it's them.
#[derive(Debug, Clone)]
pub struct ConfirmOptions {
    /// Their password (they have one, and password sign-in is open to them).
    pub password: bool,
    /// The identity provider's button text, when one is configured.
    pub sso: Option<String>,
}

impl ConfirmOptions {
    pub async fn for_person(state: &AppState, person: &Person) -> AppResult<ConfirmOptions> {
        let sso_only = state.sso_only().await?;
        Ok(ConfirmOptions {
            password: person.has_password && sso::password_allowed(sso_only, person.is_hr_admin()),
            sso: state.sso.as_ref().map(|sso| sso.label().to_string()),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/confirm.html")]
pub struct ConfirmPage {
    pub chrome: Chrome,
    pub person: Person,
    pub next: String,
    pub options: ConfirmOptions,
    pub problem: Option<String>,
    pub errors: FieldErrors,
}

#[derive(Debug, Deserialize)]
pub struct ConfirmQuery {
    #[serde(default)]
    next: String,
}

pub async fn confirm_page(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<ConfirmQuery>,
) -> AppResult<Response> {
    let options = ConfirmOptions::for_person(&state, &person).await?;
    let mut response = ConfirmPage {
        chrome: chrome.at("account"),
        person: (*person).clone(),
        next: safe_next(&query.next).to_string(),
        options,
        problem: None,
        errors: FieldErrors::new(),
    }
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// How checking a person's password again ended.
pub enum PasswordCheck {
    Confirmed,
    /// Shown next to the password field (422) or above the form (429).
    Refused(StatusCode, String),
}

/// Checks the signed-in person's password, throttled and recorded like a sign-in.
pub async fn check_password(
    state: &AppState,
    person: &Person,
    ip: Option<std::net::IpAddr>,
    jar: &CookieJar,
    password: String,
) -> AppResult<PasswordCheck> {
    if password.is_empty() {
        return Ok(PasswordCheck::Refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your password.".into(),
        ));
    }
    let device = jar
        .get("attune_device")
        .map(|cookie| cookie.value().to_string())
        .filter(|token| !token.is_empty() && token.len() <= 64)
        .unwrap_or_else(crate::secrets::new_token);
    let from = Origin {
        ip,
        device: &device,
    };
    let sso_only = state.sso_only().await?;
    let answer = sign_in::sign_in(
        &state.pool,
        &person.email,
        password,
        sso_only,
        from,
        Utc::now(),
    )
    .await?;
    Ok(match answer {
        SignIn::Welcome(found) if found.id == person.id => PasswordCheck::Confirmed,
        SignIn::Wait { minutes } => PasswordCheck::Refused(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many wrong passwords. Please wait {minutes} minutes and try again."),
        ),
        _ => PasswordCheck::Refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That isn't your password. Check it and try again.".into(),
        ),
    })
}

pub async fn confirm(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    session: Session,
    chrome: Chrome,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let next = safe_next(&form.next).to_string();
    let options = ConfirmOptions::for_person(&state, &person).await?;
    let refused = if options.password {
        match check_password(&state, &person, ip, &jar, form.password).await? {
            PasswordCheck::Confirmed => {
                confirm_session(&session).await?;
                return Ok(Redirect::to(&next).into_response());
            }
            PasswordCheck::Refused(status, message) => (status, message),
        }
    } else {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Sign in again with your company account to confirm it's you.".to_string(),
        )
    };
    let (status, message) = refused;
    let mut errors = FieldErrors::new();
    let mut problem = None;
    if status == StatusCode::UNPROCESSABLE_ENTITY && options.password {
        errors.add("password", message);
    } else {
        problem = Some(message);
    }
    let page = ConfirmPage {
        chrome: chrome.at("account"),
        person: (*person).clone(),
        next,
        options,
        problem,
        errors,
    };
    Ok(if status == StatusCode::UNPROCESSABLE_ENTITY {
        Invalid(page).into_response()
    } else {
        (status, page).into_response()
    })
}
