//! HR admins manage people: list, add, import from CSV, edit, change roles, deactivate.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::chrome::{Chrome, Flash, flash};
use super::files::read_csv_upload;
use super::forms::ticked;
use super::guards::HrAdmin;
use super::{AppState, path_id};
use crate::db::people::StatusFilter;
use crate::db::tokens::Purpose;
use crate::db::{self, DbError};
use crate::domain::FieldErrors;
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::people::{
    self as people_domain, NewPerson, Person, PersonForm, RejectedRow, Roles,
};
use crate::domain::time::{utc_date_time, zone_names};
use crate::error::{AppError, AppResult};
use crate::secrets;

const PER_PAGE: u32 = 25;
/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// Creates a new invitation link for a person (replacing older ones) inside a transaction.
async fn issue_invitation(
    conn: &mut sqlx::PgConnection,
    state: &AppState,
    person_id: Uuid,
) -> AppResult<String> {
    let token = secrets::new_token();
    let expires = Utc::now() + Duration::days(INVITATION_DAYS);
    db::tokens::issue(
        conn,
        &secrets::token_digest(&token),
        Purpose::Invitation,
        Some(person_id),
        expires,
    )
    .await?;
    Ok(state.config.url_for(&format!("/invite/{token}")))
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub people: Vec<Person>,
    pub q: String,
    pub status: String,
    pub page: Page,
    /// The query string (without page) for pagination links.
    pub filter_query: String,
}

pub async fn list(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    Query(query): Query<ListQuery>,
) -> AppResult<ListPage> {
    let status = match query.status.as_str() {
        "active" => StatusFilter::Active,
        "invited" => StatusFilter::Invited,
        "inactive" => StatusFilter::Inactive,
        _ => StatusFilter::All,
    };
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let q = query.q.chars().take(100).collect::<String>();
    let (people, total) = db::people::list(&state.pool, &q, status, request).await?;
    let filter_query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q)
        .append_pair("status", &query.status)
        .finish();
    Ok(ListPage {
        chrome: chrome.at("people"),
        people,
        q,
        status: query.status,
        page: request.of(total),
        filter_query,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "people/new.html")]
pub struct NewPage {
    pub chrome: Chrome,
    pub form: PersonForm,
    pub roles: Roles,
    pub errors: FieldErrors,
    pub time_zones: Vec<&'static str>,
}

pub async fn new_page(HrAdmin(_): HrAdmin, chrome: Chrome) -> NewPage {
    NewPage {
        chrome: chrome.at("people"),
        form: PersonForm {
            time_zone: "UTC".into(),
            ..PersonForm::default()
        },
        roles: Roles::default(),
        errors: FieldErrors::new(),
        time_zones: zone_names().collect(),
    }
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
        (
            PersonForm {
                email: self.email,
                display_name: self.display_name,
                department: self.department,
                office: self.office,
                time_zone: self.time_zone,
            },
            roles,
        )
    }
}

const EMAIL_TAKEN: &str = "Someone with this email is already in Attune.";

pub async fn create(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Form(input): Form<PersonInput>,
) -> AppResult<Response> {
    let (form, roles) = input.split();
    let invalid = |errors| {
        let page = NewPage {
            chrome: chrome.clone().at("people"),
            form: form.clone(),
            roles,
            errors,
            time_zones: zone_names().collect(),
        };
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    };
    let person = match NewPerson::parse(&form, roles) {
        Ok(person) => person,
        Err(errors) => return Ok(invalid(errors)),
    };
    let mut tx = state.pool.begin().await?;
    let id = match db::people::insert(&mut *tx, &person, None).await {
        Ok(id) => id,
        Err(DbError::Conflict(_)) => {
            let mut errors = FieldErrors::new();
            errors.add("email", EMAIL_TAKEN);
            return Ok(invalid(errors));
        }
        Err(err) => return Err(err.into()),
    };
    let url = issue_invitation(&mut tx, &state, id).await?;
    tx.commit().await?;

    // The link is shown in this response only: tokens are never stored anywhere readable.
    let created = find_person(&state, &id.to_string()).await?;
    let mut chrome = chrome.at("people");
    chrome.flashes.push(Flash {
        kind: "success".into(),
        text: format!(
            "{} has been added. Send them the invitation link below so they can choose a password.",
            person.display_name.as_str()
        ),
    });
    let page = ShowPage {
        fresh_link: Some(url),
        ..ShowPage::load(&state, chrome, created, &viewer).await?
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
            .map(|at: DateTime<Utc>| utc_date_time(at));
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
            person,
        })
    }
}

async fn find_person(state: &AppState, id: &str) -> AppResult<Person> {
    let id = path_id(id)?;
    db::people::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Path(id): Path<String>,
) -> AppResult<ShowPage> {
    let person = find_person(&state, &id).await?;
    ShowPage::load(&state, chrome, person, &viewer).await
}

pub async fn update(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    session: Session,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(input): Form<PersonInput>,
) -> AppResult<Response> {
    let person = find_person(&state, &id).await?;
    let (form, roles) = input.split();
    let mut errors = match NewPerson::parse(&form, roles) {
        Ok(_) => FieldErrors::new(),
        Err(errors) => errors,
    };
    if person.id == viewer.id && !roles.hr_admin {
        errors.add(
            "roles",
            "You can't remove your own HR admin role. Ask another HR admin to do it.",
        );
    }
    let updated = match NewPerson::parse(&form, roles) {
        Ok(parsed) if errors.is_empty() => {
            match db::people::update(&state.pool, person.id, &parsed).await {
                Ok(_) => true,
                Err(DbError::Conflict(_)) => {
                    errors.add("email", EMAIL_TAKEN);
                    false
                }
                Err(err) => return Err(err.into()),
            }
        }
        _ => false,
    };
    if !updated {
        let page = ShowPage {
            form,
            roles,
            errors,
            ..ShowPage::load(&state, chrome, person, &viewer).await?
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    flash(&session, "success", "The changes have been saved.").await?;
    Ok(Redirect::to(&format!("/admin/people/{}", person.id)).into_response())
}

pub async fn deactivate(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let person = find_person(&state, &id).await?;
    if person.id == viewer.id {
        return Err(AppError::Conflict(
            "You can't deactivate your own account. Ask another HR admin to do it.".into(),
        ));
    }
    db::people::set_active(&state.pool, person.id, false).await?;
    flash(
        &session,
        "success",
        format!(
            "{} has been deactivated and signed out everywhere. Their history is kept; you can reactivate them at any time.",
            person.display_name
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/people/{}", person.id)).into_response())
}

pub async fn reactivate(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let person = find_person(&state, &id).await?;
    db::people::set_active(&state.pool, person.id, true).await?;
    flash(
        &session,
        "success",
        format!("{} is active again and can sign in.", person.display_name),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/people/{}", person.id)).into_response())
}

pub async fn reinvite(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let person = find_person(&state, &id).await?;
    if !person.active {
        return Err(AppError::Conflict(
            "Reactivate this person before sending them a new link.".into(),
        ));
    }
    // A link sets a password and signs in: for someone who already has a password it would let
    // whoever follows it into their private results. Only people who haven't joined get one.
    if person.has_password {
        return Err(AppError::Conflict(format!(
            "{} has already set a password, so no invitation link can be made for them.",
            person.display_name
        )));
    }
    let mut tx = state.pool.begin().await?;
    let url = issue_invitation(&mut tx, &state, person.id).await?;
    tx.commit().await?;
    let mut chrome = chrome.at("people");
    chrome.flashes.push(Flash {
        kind: "success".into(),
        text: "A new invitation link has been created. Any older link for this person no longer works.".into(),
    });
    let page = ShowPage {
        fresh_link: Some(url),
        ..ShowPage::load(&state, chrome, person, &viewer).await?
    };
    Ok((StatusCode::CREATED, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "people/import.html")]
pub struct ImportPage {
    pub chrome: Chrome,
    pub problem: Option<String>,
}

pub async fn import_page(HrAdmin(_): HrAdmin, chrome: Chrome) -> ImportPage {
    ImportPage {
        chrome: chrome.at("people"),
        problem: None,
    }
}

/// Someone imported, with their invitation link.
pub struct Imported {
    pub line: u64,
    pub name: String,
    pub email: String,
    pub link: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/import_result.html")]
pub struct ImportResultPage {
    pub chrome: Chrome,
    pub imported: Vec<Imported>,
    pub rejected: Vec<RejectedRow>,
    pub invitation_days: i64,
}

pub async fn import(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let chrome = chrome.at("people");
    let refuse = |chrome: Chrome, problem: &str| {
        let page = ImportPage {
            chrome,
            problem: Some(problem.to_string()),
        };
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    };
    let text = match read_csv_upload(&mut multipart).await {
        Ok(text) => text,
        Err(problem) => return Ok(refuse(chrome, problem)),
    };
    let plan = match people_domain::plan_import(&text) {
        Ok(plan) => plan,
        Err(problem) => return Ok(refuse(chrome, &problem)),
    };

    let mut rejected = plan.rejected;
    let mut imported = Vec::new();
    let mut tx = state.pool.begin().await?;
    for (line, person) in plan.accepted {
        match db::people::insert_if_new(&mut *tx, &person).await? {
            Some(id) => {
                let link = issue_invitation(&mut tx, &state, id).await?;
                imported.push(Imported {
                    line,
                    name: person.display_name.as_str().to_string(),
                    email: person.email.as_str().to_string(),
                    link,
                });
            }
            None => rejected.push(RejectedRow {
                line,
                reason: format!("{} is already in Attune.", person.email),
            }),
        }
    }
    tx.commit().await?;
    rejected.sort_by_key(|row| row.line);

    let status = if imported.is_empty() && !rejected.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ImportResultPage {
        chrome,
        imported,
        rejected,
        invitation_days: INVITATION_DAYS,
    };
    Ok((status, page).into_response())
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/admin/people", list)
        .get("/admin/people/new", new_page)
        .post("/admin/people", create)
        .get("/admin/people/import", import_page)
        .post("/admin/people/import", import)
        .get("/admin/people/{id}", show)
        .post("/admin/people/{id}", update)
        .post("/admin/people/{id}/deactivate", deactivate)
        .post("/admin/people/{id}/reactivate", reactivate)
        .post("/admin/people/{id}/invitation", reinvite)
}
