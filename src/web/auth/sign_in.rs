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
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::app::auth::{self as use_case, Origin, SignIn};
use crate::domain::FieldErrors;
use crate::error::AppResult;
use crate::sso::Button;
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
    pub options: SignInOptions,
}

/// The identity provider's button on the sign-in page.
#[derive(Debug, Clone)]
pub struct SsoButton {
    pub label: String,
    /// False when the provider can't be reached: the button is shown disabled.
    pub ready: bool,
}

/// Which ways to sign in the page offers.
#[derive(Debug, Clone)]
pub struct SignInOptions {
    pub sso: Option<SsoButton>,
    /// Password sign-in is for HR admins only.
    pub sso_only: bool,
    /// Whether the password form is shown (with "SSO only", after following the HR link).
    pub show_password: bool,
}

async fn sign_in_options(state: &AppState, asked_for_password: bool) -> AppResult<SignInOptions> {
    let sso = match &state.sso {
        Some(sso) => Some(match sso.button().await {
            Button::Ready(label) => SsoButton { label, ready: true },
            Button::Unreachable(label) => SsoButton {
                label,
                ready: false,
            },
        }),
        None => None,
    };
    let sso_only = state.sso_only().await?;
    Ok(SignInOptions {
        sso,
        sso_only,
        show_password: !sso_only || asked_for_password,
    })
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
    /// `password`: show the password form even with "SSO only" (HR admins' way in).
    #[serde(default)]
    with: Option<String>,
}

pub async fn login_page(
    State(state): State<AppState>,
    CurrentUserOpt(viewer): CurrentUserOpt,
    chrome: Chrome,
    Query(query): Query<LoginQuery>,
) -> AppResult<Response> {
    let next = safe_next(query.next.as_deref().unwrap_or("/")).to_string();
    if viewer.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let options = sign_in_options(&state, query.with.as_deref() == Some("password")).await?;
    Ok(LoginPage {
        chrome: chrome.at("signin"),
        email: String::new(),
        next,
        problem: None,
        errors: FieldErrors::new(),
        options,
    }
    .into_response())
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

/// The cookie that makes a browser a known device for the accounts it signed in to (OWASP's
/// "device cookie"): a random token, of which the database keeps only a digest.
const DEVICE_COOKIE: &str = "attune_device";

/// The browser's device token, or a fresh one to give it if this sign-in succeeds.
fn device_token(jar: &CookieJar) -> String {
    jar.get(DEVICE_COOKIE)
        .map(|cookie| cookie.value())
        .filter(|token| !token.is_empty() && token.len() <= 64)
        .map_or_else(crate::secrets::new_token, str::to_string)
}

fn device_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((DEVICE_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(180))
        .build()
}

const WRONG_CREDENTIALS: &str =
    "That email and password don't match an account. Check them and try again.";

fn throttled(minutes: i64) -> String {
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!(
        "Too many unsuccessful sign-in attempts. For your security, please wait {minutes} {unit} \
         and try again, or reset your password by email with \"Forgot your password?\"."
    )
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    session: Session,
    chrome: Chrome,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_lowercase();
    let next = safe_next(&form.next).to_string();
    let options = sign_in_options(&state, true).await?;
    let sso_only = options.sso_only;
    let page = |problem: Option<String>, errors: FieldErrors| LoginPage {
        chrome: chrome.clone().at("signin"),
        email: form.email.trim().to_string(),
        next: next.clone(),
        problem,
        errors,
        options: options.clone(),
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

    let device = device_token(&jar);
    let from = Origin {
        ip,
        device: &device,
    };
    let password = form.password.clone();
    match use_case::sign_in(&state.pool, &email, password, sso_only, from, Utc::now()).await? {
        SignIn::Welcome(person) => {
            start_session(&session, person.id, person.session_epoch).await?;
            let jar = jar.add(device_cookie(device, state.config.is_https()));
            Ok((jar, Redirect::to(&next)).into_response())
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

/// Signs out of Attune, and out of the identity provider too when the person signed in there
/// and it offers an `end_session_endpoint` (it sends them back to the sign-in page).
pub async fn logout(State(state): State<AppState>, session: Session) -> AppResult<Redirect> {
    let id_token: Option<String> = session.get(super::sso::ID_TOKEN_KEY).await?;
    session.flush().await?;
    flash(&session, "info", "You've signed out. See you soon.").await?;
    if let (Some(sso), Some(id_token)) = (&state.sso, id_token)
        && let Some(url) = sso.sign_out_url(Some(&id_token)).await
    {
        return Ok(Redirect::to(url.as_str()));
    }
    Ok(Redirect::to("/login"))
}
