//! Program settings for HR admins.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::AppState;
use super::auth::HrAdmin;
use super::chrome::{Chrome, flash};
use crate::db;
use crate::db::settings::ProgramSettings;
use crate::domain::FieldErrors;
use crate::error::AppResult;

#[derive(Template, WebTemplate)]
#[template(path = "admin/settings.html")]
pub struct SettingsPage {
    pub chrome: Chrome,
    pub retake_interval_days: String,
    pub errors: FieldErrors,
}

pub async fn show(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<SettingsPage> {
    let settings = db::settings::get(&state.pool).await?;
    Ok(SettingsPage {
        chrome: chrome.at("settings"),
        retake_interval_days: settings.retake_interval_days.to_string(),
        errors: FieldErrors::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    retake_interval_days: String,
}

/// Reads the retake interval: whole days from 0 to 365.
fn parse_interval(raw: &str) -> Result<i32, String> {
    match raw.trim().parse::<i32>() {
        Ok(days) if (0..=365).contains(&days) => Ok(days),
        _ => Err("Enter a whole number of days from 0 to 365.".into()),
    }
}

pub async fn update(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    chrome: Chrome,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    match parse_interval(&form.retake_interval_days) {
        Ok(days) => {
            db::settings::update(
                &state.pool,
                ProgramSettings {
                    retake_interval_days: days,
                },
            )
            .await?;
            flash(&session, "success", "Settings saved.").await?;
            Ok(Redirect::to("/admin/settings").into_response())
        }
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.add("retake_interval_days", message);
            let page = SettingsPage {
                chrome: chrome.at("settings"),
                retake_interval_days: form.retake_interval_days,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
