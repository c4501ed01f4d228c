//! Program settings for HR admins.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::AppState;
use super::audit::HrActor;
use super::chrome::{Chrome, flash};
use super::extract::Invalid;
use super::guards::HrAdmin;
use crate::db;
use crate::db::settings::ProgramSettings;
use crate::domain::FieldErrors;
use crate::domain::sso::{SsoSettings, SsoSettingsForm};
use crate::domain::{quiz, recognition};
use crate::error::AppResult;

#[derive(Template, WebTemplate)]
#[template(path = "admin/settings.html")]
pub struct SettingsPage {
    pub chrome: Chrome,
    pub retake_interval_days: String,
    /// "immediately" or "approval".
    pub recognition_publishing: String,
    pub recognition_weekly_limit: String,
    pub spotlight_per_department: String,
    pub anonymity_threshold: String,
    pub errors: FieldErrors,
    pub sso: SsoSection,
}

/// The "Sign in with your identity provider" section, as stored or as typed.
pub struct SsoSection {
    /// The provider's button text, when one is configured.
    pub label: Option<String>,
    pub redirect_url: String,
    pub form: SsoSettingsForm,
    pub errors: FieldErrors,
}

impl SsoSection {
    fn new(state: &AppState, form: SsoSettingsForm, errors: FieldErrors) -> SsoSection {
        SsoSection {
            label: state.sso.as_ref().map(|sso| sso.label().to_string()),
            redirect_url: state.config.oidc_redirect_url(),
            form,
            errors,
        }
    }

    fn stored(state: &AppState, settings: &SsoSettings) -> SsoSection {
        let form = SsoSettingsForm {
            admission: settings.admission.as_str().into(),
            domains: settings.domains.join(", "),
            department_claim: settings.department_claim.clone(),
            office_claim: settings.office_claim.clone(),
            time_zone_claim: settings.time_zone_claim.clone(),
            sso_only: settings.sso_only,
        };
        Self::new(state, form, FieldErrors::new())
    }
}

fn publishing_value(requires_approval: bool) -> String {
    if requires_approval {
        "approval"
    } else {
        "immediately"
    }
    .into()
}

pub async fn show(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<SettingsPage> {
    let settings = db::settings::get(&state.pool).await?;
    let sso = db::settings::get_sso(&state.pool).await?;
    Ok(SettingsPage {
        sso: SsoSection::stored(&state, &sso),
        chrome: chrome.at("settings"),
        retake_interval_days: settings.retake_interval_days.to_string(),
        recognition_publishing: publishing_value(settings.recognition_requires_approval),
        recognition_weekly_limit: settings.recognition_weekly_limit.to_string(),
        spotlight_per_department: settings.spotlight_per_department.to_string(),
        anonymity_threshold: settings.anonymity_threshold.to_string(),
        errors: FieldErrors::new(),
    })
}

/// The settings form as posted. A field that is not sent keeps its stored value.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    retake_interval_days: String,
    recognition_publishing: Option<String>,
    recognition_weekly_limit: Option<String>,
    spotlight_per_department: Option<String>,
    anonymity_threshold: Option<String>,
}

/// Reads every setting, keeping the stored value of any field not sent.
fn parse_settings(
    form: &SettingsForm,
    current: ProgramSettings,
) -> Result<ProgramSettings, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut settings = current;
    match quiz::parse_retake_interval(&form.retake_interval_days) {
        Ok(days) => settings.retake_interval_days = days,
        Err(message) => errors.add("retake_interval_days", message),
    }
    if let Some(raw) = &form.recognition_publishing {
        match recognition::parse_publishing(raw) {
            Ok(approval) => settings.recognition_requires_approval = approval,
            Err(message) => errors.add("recognition_publishing", message),
        }
    }
    if let Some(raw) = &form.recognition_weekly_limit {
        match recognition::parse_weekly_limit(raw) {
            Ok(limit) => settings.recognition_weekly_limit = limit,
            Err(message) => errors.add("recognition_weekly_limit", message),
        }
    }
    if let Some(raw) = &form.spotlight_per_department {
        match recognition::parse_spotlight_count(raw) {
            Ok(count) => settings.spotlight_per_department = count,
            Err(message) => errors.add("spotlight_per_department", message),
        }
    }
    if let Some(raw) = &form.anonymity_threshold {
        match crate::domain::insights::parse_threshold(raw) {
            Ok(threshold) => settings.anonymity_threshold = threshold,
            Err(message) => errors.add("anonymity_threshold", message),
        }
    }
    errors.into_result(|| settings)
}

pub async fn update(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    chrome: Chrome,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let current = db::settings::get(&state.pool).await?;
    match parse_settings(&form, current) {
        Ok(settings) => {
            crate::app::settings::save(&state.pool, actor, settings).await?;
            flash(&session, "success", "Settings saved.").await?;
            Ok(Redirect::to("/admin/settings").into_response())
        }
        Err(errors) => {
            let sso = db::settings::get_sso(&state.pool).await?;
            let page = SettingsPage {
                sso: SsoSection::stored(&state, &sso),
                chrome: chrome.at("settings"),
                retake_interval_days: form.retake_interval_days,
                recognition_publishing: form
                    .recognition_publishing
                    .unwrap_or_else(|| publishing_value(current.recognition_requires_approval)),
                recognition_weekly_limit: form
                    .recognition_weekly_limit
                    .unwrap_or_else(|| current.recognition_weekly_limit.to_string()),
                spotlight_per_department: form
                    .spotlight_per_department
                    .unwrap_or_else(|| current.spotlight_per_department.to_string()),
                anonymity_threshold: form
                    .anonymity_threshold
                    .unwrap_or_else(|| current.anonymity_threshold.to_string()),
                errors,
            };
            Ok(Invalid(page).into_response())
        }
    }
}

/// The identity provider settings as posted.
#[derive(Debug, Deserialize)]
pub struct SsoForm {
    #[serde(default)]
    sso_admission: String,
    #[serde(default)]
    sso_domains: String,
    #[serde(default)]
    sso_department_claim: String,
    #[serde(default)]
    sso_office_claim: String,
    #[serde(default)]
    sso_time_zone_claim: String,
    #[serde(default)]
    sso_only: Option<String>,
}

pub async fn update_sso(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    chrome: Chrome,
    Form(input): Form<SsoForm>,
) -> AppResult<Response> {
    let form = SsoSettingsForm {
        admission: input.sso_admission,
        domains: input.sso_domains,
        department_claim: input.sso_department_claim,
        office_claim: input.sso_office_claim,
        time_zone_claim: input.sso_time_zone_claim,
        sso_only: input.sso_only.is_some(),
    };
    match SsoSettings::parse(&form) {
        Ok(settings) => {
            crate::app::settings::save_sso(&state.pool, actor, &settings).await?;
            flash(&session, "success", "Sign-in settings saved.").await?;
            Ok(Redirect::to("/admin/settings").into_response())
        }
        Err(errors) => {
            let current = db::settings::get(&state.pool).await?;
            let page = SettingsPage {
                chrome: chrome.at("settings"),
                retake_interval_days: current.retake_interval_days.to_string(),
                recognition_publishing: publishing_value(current.recognition_requires_approval),
                recognition_weekly_limit: current.recognition_weekly_limit.to_string(),
                spotlight_per_department: current.spotlight_per_department.to_string(),
                anonymity_threshold: current.anonymity_threshold.to_string(),
                errors: FieldErrors::new(),
                sso: SsoSection::new(&state, form, errors),
            };
            Ok(Invalid(page).into_response())
        }
    }
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/admin/settings", show)
        .post("/admin/settings", update)
        .post("/admin/settings/sso", update_sso)
}
