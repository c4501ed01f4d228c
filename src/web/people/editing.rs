//! Adding one person, their page, editing details and roles, deactivating and reactivating,
//! and a new invitation link for someone who hasn't joined yet.

use crate::web::privacy::{Freshness, confirm_first};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::people as use_case;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::people::{self as rules, NewPerson, Person, PersonForm, Roles};
use crate::domain::time::{utc_date_time, zone_names};
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::{Chrome, Flash, flash};
use crate::web::extract::{Invalid, PathId, field_problem};
use crate::web::forms::ticked;
use crate::web::guards::HrAdmin;

#[derive(Template, WebTemplate)]
#[template(path = "people/new.html")]
pub struct NewPage {
    pub chrome: Chrome,
    pub form: PersonForm,
    pub roles: Roles,
    pub errors: FieldErrors,
    pub time_zones: Vec<&'static str>,
}

impl NewPage {
    fn new(chrome: Chrome, form: PersonForm, roles: Roles, errors: FieldErrors) -> Self {
        NewPage {
            chrome: chrome.at("people"),
            form,
            roles,
            errors,
            time_zones: zone_names().collect(),
        }
    }
}

pub async fn new_page(HrAdmin(_): HrAdmin, chrome: Chrome) -> NewPage {
    let form = PersonForm {
        time_zone: "UTC".into(),
        ..PersonForm::default()
    };
    NewPage::new(chrome, form, Roles::default(), FieldErrors::new())
}

/// The person form as posted.
#[derive(Debug, Deserialize)]
pub struct PersonInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    time_zone: String,
    organizer: Option<String>,
    hr_admin: Option<String>,
}

impl PersonInput {
    fn split(self) -> (PersonForm, Roles) {
        let roles = Roles {
            organizer: ticked(&self.organizer),
            hr_admin: ticked(&self.hr_admin),
        };
        let form = PersonForm {
            email: self.email,
            display_name: self.display_name,
            department: self.department,
            office: self.office,
            time_zone: self.time_zone,
        };
        (form, roles)
    }
}

pub async fn create(
    State(state): State<AppState>,
    HrActor(viewer, actor): HrActor,
    Freshness { recent }: Freshness,
    chrome: Chrome,
    Form(input): Form<PersonInput>,
) -> AppResult<Response> {
    let (form, roles) = input.split();
    // Giving someone a role is sensitive, from their first day too.
    if roles != Roles::default() && !recent {
        return Ok(confirm_first("/admin/people/new"));
    }
    let added = match NewPerson::parse(&form, roles) {
        Ok(person) => {
            match use_case::add(&state.pool, &state.config, actor, &person, Utc::now()).await {
                Ok(added) => Ok((person, added)),
                Err(err) => {
                    let mut errors = FieldErrors::new();
                    field_problem(err, &mut errors)?;
                    Err(errors)
                }
            }
        }
        Err(errors) => Err(errors),
    };
    let (person, invited) = match added {
        Ok(added) => added,
        Err(errors) => {
            return Ok(Invalid(NewPage::new(chrome, form, roles, errors)).into_response());
        }
    };
    // The link is shown in this response only: tokens are never stored anywhere readable.
    let created = use_case::find(&state.pool, invited.id).await?;
    let chrome = chrome.at("people");
    let name = person.display_name.as_str();
    let text = if invited.emailed {
        format!(
            "{name} has been added and an invitation email is on its way to {}. The link is also below if you'd rather send it yourself.",
            person.email
        )
    } else {
        format!(
            "{name} has been added. Send them the invitation link below so they can choose a password."
        )
    };
    with_fresh_link(&state, chrome, created, &viewer, invited.link, text).await
}

/// The person's page with a link just made (shown this once) and what happened: 201.
async fn with_fresh_link(
    state: &AppState,
    mut chrome: Chrome,
    person: Person,
    viewer: &Person,
    link: String,
    text: String,
) -> AppResult<Response> {
    chrome.flashes.push(Flash {
        kind: "success".into(),
        text,
    });
    let page = ShowPage {
        fresh_link: Some(link),
        ..ShowPage::load(state, chrome, person, viewer).await?
    };
    Ok((StatusCode::CREATED, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "people/show.html")]
pub struct ShowPage {
    pub chrome: Chrome,
    pub person: Person,
    pub form: PersonForm,
    pub roles: Roles,
    pub errors: FieldErrors,
    pub time_zones: Vec<&'static str>,
    pub is_self: bool,
    /// A freshly created invitation link, shown once.
    pub fresh_link: Option<String>,
    /// When the current invitation expires, if one is pending.
    pub invitation_expires: Option<String>,
    /// Whether Attune can send email (invitations and password resets by email).
    pub can_email: bool,
}

impl ShowPage {
    async fn load(
        state: &AppState,
        chrome: Chrome,
        person: Person,
        viewer: &Person,
    ) -> AppResult<ShowPage> {
        let invitation_expires = db::tokens::pending_invitation(&state.pool, person.id, Utc::now())
            .await?
            .map(utc_date_time);
        Ok(ShowPage {
            chrome: chrome.at("people"),
            form: PersonForm {
                email: person.email.clone(),
                display_name: person.display_name.clone(),
                department: person.department.clone(),
                office: person.office.clone(),
                time_zone: person.time_zone.name().to_string(),
            },
            roles: person.roles,
            errors: FieldErrors::new(),
            time_zones: zone_names().collect(),
            is_self: person.id == viewer.id,
            fresh_link: None,
            invitation_expires,
            can_email: state.config.mail.is_some(),
            person,
        })
    }
}

pub async fn show(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<ShowPage> {
    let person = use_case::find(&state.pool, id).await?;
    ShowPage::load(&state, chrome, person, &viewer).await
}

pub async fn update(
    State(state): State<AppState>,
    HrActor(viewer, actor): HrActor,
    Freshness { recent }: Freshness,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(input): Form<PersonInput>,
) -> AppResult<Response> {
    let person = use_case::find(&state.pool, id).await?;
    let (form, roles) = input.split();
    // Changing roles is sensitive: it needs a recent sign-in or the password again.
    if roles != person.roles && !recent {
        return Ok(confirm_first(&format!("/admin/people/{}", person.id)));
    }
    let parsed = NewPerson::parse(&form, roles);
    let mut errors = parsed.clone().err().unwrap_or_default();
    if let Err(message) = rules::may_set_roles(&viewer, &person, roles) {
        errors.add("roles", message);
    }
    if let Some(changes) = parsed.as_ref().ok().filter(|_| errors.is_empty()) {
        match use_case::update(&state.pool, &state.config, actor, &person, changes).await {
            Ok(_) => {
                flash(&session, "success", "The changes have been saved.").await?;
                return Ok(Redirect::to(&format!("/admin/people/{}", person.id)).into_response());
            }
            Err(err) => field_problem(err, &mut errors)?,
        }
    }
    let page = ShowPage {
        form,
        roles,
        errors,
        ..ShowPage::load(&state, chrome, person, &viewer).await?
    };
    Ok(Invalid(page).into_response())
}

pub async fn deactivate(
    State(state): State<AppState>,
    HrActor(viewer, actor): HrActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    let person = use_case::find(&state.pool, id).await?;
    use_case::deactivate(&state.pool, actor, &viewer, &person).await?;
    let message = format!(
        "{} has been deactivated and signed out everywhere. Their history is kept; you can reactivate them at any time.",
        person.display_name
    );
    back_to_person(&session, &person, message).await
}

/// Back to the person's page with a message about what just happened.
async fn back_to_person(
    session: &Session,
    person: &Person,
    message: String,
) -> AppResult<Redirect> {
    flash(session, "success", message).await?;
    Ok(Redirect::to(&format!("/admin/people/{}", person.id)))
}

pub async fn reactivate(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    let person = use_case::find(&state.pool, id).await?;
    use_case::reactivate(&state.pool, actor, &person).await?;
    let message = format!("{} is active again and can sign in.", person.display_name);
    back_to_person(&session, &person, message).await
}

pub async fn reinvite(
    State(state): State<AppState>,
    HrActor(viewer, actor): HrActor,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<Response> {
    let person = use_case::find(&state.pool, id).await?;
    let invited =
        use_case::reinvite(&state.pool, &state.config, actor, &person, Utc::now()).await?;
    let chrome = chrome.at("people");
    let text = if invited.emailed {
        format!(
            "A new invitation email is on its way to {}. Any older link for this person no longer works.",
            person.email
        )
    } else {
        "A new invitation link has been created. Any older link for this person no longer works."
            .to_string()
    };
    with_fresh_link(&state, chrome, person, &viewer, invited.link, text).await
}

/// HR sends an active person a link to choose a new password; the link goes only to them.
pub async fn send_password_reset(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    let person = use_case::find(&state.pool, id).await?;
    if state.config.mail.is_none() {
        return Err(AppError::Conflict(use_case::MAIL_NOT_CONFIGURED.into()));
    }
    if !person.active {
        return Err(AppError::Conflict(
            "Reactivate this person before sending them a password reset email.".into(),
        ));
    }
    let (pool, config, now) = (&state.pool, &state.config, Utc::now());
    crate::app::auth::send_password_reset(pool, config, &person, Some(actor), now).await?;
    let message = format!(
        "A password reset email is on its way to {}. The link in it works once, for an hour.",
        person.email
    );
    back_to_person(&session, &person, message).await
}
