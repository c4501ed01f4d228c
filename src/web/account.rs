//! A person's own account: details, time zone, which emails they get, and password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::AppState;
use super::auth::start_session;
use super::chrome::{Chrome, flash};
use super::extract::{Invalid, ListForm};
use super::forms::check_new_password;
use super::guards::CurrentUser;
use crate::app::mail;
use crate::app::people as use_case;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::mail::MailKind;
use crate::domain::people::{Person, parse_time_zone};
use crate::domain::time::zone_names;
use crate::error::AppResult;
use crate::secrets;

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub chrome: Chrome,
    pub person: Person,
    pub time_zone: String,
    pub time_zones: Vec<&'static str>,
    pub errors: FieldErrors,
    /// Each kind of email the person may turn off, and whether they get it.
    pub mail: Vec<(MailKind, bool)>,
    pub can_email: bool,
}

impl AccountPage {
    async fn load(state: &AppState, chrome: Chrome, person: &Person) -> AppResult<Self> {
        Ok(AccountPage {
            chrome: chrome.at("account"),
            person: person.clone(),
            time_zone: person.time_zone.name().to_string(),
            time_zones: zone_names().collect(),
            errors: FieldErrors::new(),
            mail: mail::preferences(&state.pool, person).await?,
            can_email: state.config.mail.is_some(),
        })
    }
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<AccountPage> {
    AccountPage::load(&state, chrome, &person).await
}

#[derive(Debug, Deserialize)]
pub struct MailForm {
    #[serde(default)]
    kind: Vec<String>,
}

/// Which kinds of email the person gets (ticked boxes; the rest are off).
pub async fn change_mail(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    ListForm(form): ListForm<MailForm>,
) -> AppResult<Redirect> {
    let wanted: Vec<MailKind> = form.kind.iter().filter_map(|k| k.parse().ok()).collect();
    mail::set_preferences(&state.pool, &person, &wanted).await?;
    flash(&session, "success", "Your email choices are saved.").await?;
    Ok(Redirect::to("/account#notifications"))
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let stored = db::people::password_hash(&state.pool, person.id).await?;
    if !secrets::verify_password(form.current_password, stored).await? {
        errors.add(
            "current_password",
            "That isn't your current password. Check it and try again.",
        );
    }
    check_new_password(
        &mut errors,
        &form.password,
        &form.password_confirmation,
        &[&person.email, &person.display_name],
    );
    if !errors.is_empty() {
        let page = AccountPage {
            errors,
            ..AccountPage::load(&state, chrome, &person).await?
        };
        return Ok(Invalid(page).into_response());
    }
    let epoch = use_case::set_password(&state.pool, person.id, form.password).await?;
    // Every other session ended with the new epoch; this one carries on.
    start_session(&session, person.id, epoch).await?;
    flash(
        &session,
        "success",
        "Your password has been changed. Any other devices signed in to your account have been signed out.",
    )
    .await?;
    Ok(Redirect::to("/account").into_response())
}

#[derive(Debug, Deserialize)]
pub struct TimeZoneForm {
    #[serde(default)]
    time_zone: String,
}

pub async fn change_time_zone(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    Form(form): Form<TimeZoneForm>,
) -> AppResult<Response> {
    match parse_time_zone(&form.time_zone) {
        Ok(zone) => {
            db::people::set_time_zone(&state.pool, person.id, zone.name()).await?;
            flash(
                &session,
                "success",
                format!("Times are now shown in {}.", zone.name()),
            )
            .await?;
            Ok(Redirect::to("/account").into_response())
        }
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.add("time_zone", message);
            let page = AccountPage {
                time_zone: form.time_zone,
                errors,
                ..AccountPage::load(&state, chrome, &person).await?
            };
            Ok(Invalid(page).into_response())
        }
    }
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/account", show)
        .post("/account/password", change_password)
        .post("/account/time-zone", change_time_zone)
        .post("/account/notifications", change_mail)
}
