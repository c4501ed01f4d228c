//! Single-use links: the first HR admin's setup page and invitations to choose a password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::{ClientIp, start_session};
use crate::app::people as use_case;
use crate::db;
use crate::db::tokens::Purpose;
use crate::domain::FieldErrors;
use crate::domain::people::{NewPerson, Person, PersonForm, Roles, parse_time_zone};
use crate::domain::time::zone_names;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, field_problem};
use crate::web::forms::check_new_password;

#[derive(Template, WebTemplate)]
#[template(path = "auth/setup.html")]
pub struct FirstAdminPage {
    pub chrome: Chrome,
    pub token: String,
    pub form: PersonForm,
    pub errors: FieldErrors,
    pub time_zones: Vec<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct FirstAdminForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

pub async fn first_admin_page(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(token): Path<String>,
) -> AppResult<FirstAdminPage> {
    use_case::link_holder(&state.pool, &token, Purpose::FirstAdmin, Utc::now()).await?;
    Ok(FirstAdminPage {
        chrome,
        token,
        form: PersonForm {
            time_zone: "UTC".into(),
            ..PersonForm::default()
        },
        errors: FieldErrors::new(),
        time_zones: zone_names().collect(),
    })
}

pub async fn first_admin(
    State(state): State<AppState>,
    session: Session,
    chrome: Chrome,
    Path(token): Path<String>,
    Form(input): Form<FirstAdminForm>,
) -> AppResult<Response> {
    use_case::link_holder(&state.pool, &token, Purpose::FirstAdmin, Utc::now()).await?;
    let form = PersonForm {
        email: input.email,
        display_name: input.display_name,
        department: String::new(),
        office: String::new(),
        time_zone: input.time_zone,
    };
    let roles = Roles {
        organizer: true,
        hr_admin: true,
    };
    let (person, mut errors) = match NewPerson::parse(&form, roles) {
        Ok(person) => (Some(person), FieldErrors::new()),
        Err(errors) => (None, errors),
    };
    check_new_password(
        &mut errors,
        &input.password,
        &input.password_confirmation,
        &[&form.email, &form.display_name],
    );
    let page = |errors| FirstAdminPage {
        chrome: chrome.clone(),
        token: token.clone(),
        form: form.clone(),
        errors,
        time_zones: zone_names().collect(),
    };
    let Some(person) = person.filter(|_| errors.is_empty()) else {
        return Ok(Invalid(page(errors)).into_response());
    };
    let created =
        use_case::create_first_admin(&state.pool, &token, &person, input.password, Utc::now())
            .await;
    let id = match created {
        Ok(id) => id,
        Err(err) => {
            let mut errors = FieldErrors::new();
            field_problem(err, &mut errors)?;
            return Ok(Invalid(page(errors)).into_response());
        }
    };

    start_session(&session, id, 0).await?;
    flash(
        &session,
        "success",
        format!(
            "Welcome to Attune, {}. You're the first HR admin: start by adding your colleagues under People.",
            person.display_name.as_str()
        ),
    )
    .await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/invitation.html")]
pub struct InvitationPage {
    pub chrome: Chrome,
    pub token: String,
    pub person: Person,
    pub errors: FieldErrors,
    /// With "SSO only" (and for anyone but an HR admin): the button's text, shown instead of
    /// the password form.
    pub sso_label: Option<String>,
    /// The time zone as typed (at first, the one HR gave).
    pub time_zone: String,
    pub time_zones: Vec<&'static str>,
    /// HR left the zone at UTC: a script may fill in the browser's zone.
    pub zone_from_browser: bool,
}

impl InvitationPage {
    fn new(chrome: Chrome, token: String, person: Person, sso_label: Option<String>) -> Self {
        InvitationPage {
            chrome,
            token,
            errors: FieldErrors::new(),
            sso_label,
            time_zone: person.time_zone.name().to_string(),
            time_zones: zone_names().collect(),
            zone_from_browser: person.time_zone == chrono_tz::Tz::UTC,
            person,
        }
    }
}

/// The identity provider's button text when this person signs in with it only.
async fn sso_label_for(state: &AppState, person: &Person) -> AppResult<Option<String>> {
    Ok(match &state.sso {
        Some(sso) if !person.is_hr_admin() && state.sso_only().await? => {
            Some(sso.label().to_string())
        }
        _ => None,
    })
}

#[derive(Debug, Deserialize)]
pub struct InvitationForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
    #[serde(default)]
    time_zone: String,
}

pub async fn invitation_page(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(token): Path<String>,
) -> AppResult<InvitationPage> {
    let person = use_case::invited_person(&state.pool, &token, Utc::now()).await?;
    let sso_label = sso_label_for(&state, &person).await?;
    Ok(InvitationPage::new(chrome, token, person, sso_label))
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    chrome: Chrome,
    Path(token): Path<String>,
    Form(input): Form<InvitationForm>,
) -> AppResult<Response> {
    let person = use_case::invited_person(&state.pool, &token, Utc::now()).await?;
    let mut errors = FieldErrors::new();
    check_new_password(
        &mut errors,
        &input.password,
        &input.password_confirmation,
        &[&person.email, &person.display_name],
    );
    // Left empty (or not sent), the zone HR gave stays.
    let zone = match input.time_zone.trim() {
        "" => None,
        typed => parse_time_zone(typed)
            .map_err(|problem| errors.add("time_zone", problem))
            .ok(),
    };
    if !errors.is_empty() {
        let sso_label = sso_label_for(&state, &person).await?;
        let page = InvitationPage {
            errors,
            time_zone: input.time_zone,
            zone_from_browser: false,
            ..InvitationPage::new(chrome, token, person, sso_label)
        };
        return Ok(Invalid(page).into_response());
    }

    let epoch = use_case::accept_invitation(
        &state.pool,
        &token,
        person.id,
        input.password,
        ip,
        Utc::now(),
    )
    .await?;
    if let Some(zone) = zone.filter(|zone| *zone != person.time_zone) {
        db::people::set_time_zone(&state.pool, person.id, zone.name()).await?;
    }
    start_session(&session, person.id, epoch).await?;
    flash(
        &session,
        "success",
        format!(
            "Welcome to Attune, {}. Your password is set and you're signed in.",
            person.first_name()
        ),
    )
    .await?;
    Ok(Redirect::to("/").into_response())
}
