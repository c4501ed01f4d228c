//! Single-use links: the first HR admin's setup page and invitations to choose a password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::AppState;
use super::auth::start_session;
use super::chrome::{Chrome, flash};
use super::forms::check_new_password;
use crate::db::tokens::Purpose;
use crate::db::{self, DbError};
use crate::domain::FieldErrors;
use crate::domain::people::{NewPerson, Person, PersonForm, Roles};
use crate::domain::time::zone_names;
use crate::error::{AppError, AppResult};
use crate::secrets;

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

async fn require_valid(
    state: &AppState,
    token: &str,
    purpose: Purpose,
) -> AppResult<Option<uuid::Uuid>> {
    let digest = secrets::token_digest(token);
    db::tokens::find_valid(&state.pool, &digest, purpose, Utc::now())
        .await?
        .ok_or(AppError::InvalidLink)
}

pub async fn first_admin_page(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(token): Path<String>,
) -> AppResult<FirstAdminPage> {
    require_valid(&state, &token, Purpose::FirstAdmin).await?;
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
    require_valid(&state, &token, Purpose::FirstAdmin).await?;
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
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(errors)).into_response());
    };

    let hash = secrets::hash_password(input.password).await?;
    let mut tx = state.pool.begin().await?;
    if !db::tokens::consume(
        &mut *tx,
        &secrets::token_digest(&token),
        Purpose::FirstAdmin,
        Utc::now(),
    )
    .await?
    {
        return Err(AppError::InvalidLink);
    }
    let id = match db::people::insert(&mut *tx, &person, Some(&hash)).await {
        Ok(id) => id,
        Err(DbError::Conflict(_)) => {
            let mut errors = FieldErrors::new();
            errors.add("email", "Someone with this email is already in Attune.");
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(errors)).into_response());
        }
        Err(err) => return Err(err.into()),
    };
    tx.commit().await?;

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
}

#[derive(Debug, Deserialize)]
pub struct InvitationForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

async fn invited_person(state: &AppState, token: &str) -> AppResult<Person> {
    let person_id = require_valid(state, token, Purpose::Invitation)
        .await?
        .ok_or(AppError::InvalidLink)?;
    match db::people::find(&state.pool, person_id).await? {
        Some(person) if person.active => Ok(person),
        _ => Err(AppError::InvalidLink),
    }
}

pub async fn invitation_page(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(token): Path<String>,
) -> AppResult<InvitationPage> {
    let person = invited_person(&state, &token).await?;
    Ok(InvitationPage {
        chrome,
        token,
        person,
        errors: FieldErrors::new(),
    })
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    session: Session,
    chrome: Chrome,
    Path(token): Path<String>,
    Form(input): Form<InvitationForm>,
) -> AppResult<Response> {
    let person = invited_person(&state, &token).await?;
    let mut errors = FieldErrors::new();
    check_new_password(
        &mut errors,
        &input.password,
        &input.password_confirmation,
        &[&person.email, &person.display_name],
    );
    if !errors.is_empty() {
        let page = InvitationPage {
            chrome,
            token,
            person,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }

    let hash = secrets::hash_password(input.password).await?;
    let mut tx = state.pool.begin().await?;
    if !db::tokens::consume(
        &mut *tx,
        &secrets::token_digest(&token),
        Purpose::Invitation,
        Utc::now(),
    )
    .await?
    {
        return Err(AppError::InvalidLink);
    }
    let epoch = db::people::set_password(&mut *tx, person.id, &hash).await?;
    tx.commit().await?;

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

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/setup/{token}", first_admin_page)
        .post("/setup/{token}", first_admin)
        .get("/invite/{token}", invitation_page)
        .post("/invite/{token}", accept_invitation)
}
