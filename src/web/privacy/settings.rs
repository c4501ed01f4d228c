//! HR's privacy settings: what erasure does with the recognitions a person gave, and how long
//! personal data is kept.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::app::privacy as use_case;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::privacy::{
    DEACTIVATED_DAYS, NOTIFICATIONS_DAYS, PrivacySettings, PrivacySettingsForm, SENT_MAIL_DAYS,
    SIGN_IN_DAYS,
};
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::Invalid;
use crate::web::guards::HrAdmin;

#[derive(Template, WebTemplate)]
#[template(path = "privacy/settings.html")]
pub struct SettingsPage {
    pub chrome: Chrome,
    pub form: PrivacySettingsForm,
    pub errors: FieldErrors,
}

impl SettingsPage {
    /// A setting's hint: its bounds and what it covers.
    pub fn hint(&self, field: &str) -> String {
        let ((min, max), what) = match field {
            "sign_in_days" => (
                SIGN_IN_DAYS,
                "Successful sign-ins, which also let a known browser keep working when someone guesses at the account. Failed attempts are kept for a day.",
            ),
            "notifications_days" => (NOTIFICATIONS_DAYS, "Notifications in Attune, read or not."),
            "sent_mail_days" => (SENT_MAIL_DAYS, "Sent and failed messages in the outbox."),
            _ => (
                DEACTIVATED_DAYS,
                "After this long, a deactivated account is erased, exactly as when HR erases it by hand.",
            ),
        };
        format!("From {min} to {max} days. {what}")
    }
}

pub async fn show(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<SettingsPage> {
    let settings = db::privacy::settings(&state.pool).await?;
    Ok(SettingsPage {
        chrome: chrome.at("settings"),
        form: PrivacySettingsForm::from_settings(&settings),
        errors: FieldErrors::new(),
    })
}

pub async fn save(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    chrome: Chrome,
    Form(form): Form<PrivacySettingsForm>,
) -> AppResult<Response> {
    match PrivacySettings::parse(&form) {
        Ok(settings) => {
            use_case::save_settings(&state.pool, actor, &settings).await?;
            flash(&session, "success", "Your privacy settings are saved.").await?;
            Ok(Redirect::to("/admin/privacy").into_response())
        }
        Err(errors) => Ok(Invalid(SettingsPage {
            chrome: chrome.at("settings"),
            form,
            errors,
        })
        .into_response()),
    }
}
