//! The library for HR admins: the filtered list, adding, editing, archiving and restoring.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::app::audit::Actor;
use crate::db;
use crate::db::resources::ListFilter;
use crate::domain::FieldErrors;
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::resources::{
    Engagement, Kind, Resource, ResourceForm, ResourceInput, is_example_link,
};
use crate::domain::teq::Aspect;
use crate::domain::time::zone_names;
use crate::error::{AppResult, OrNotFound};
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, ListForm, PathId};
use crate::web::guards::HrAdmin;

const PER_PAGE: u32 = 20;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    aspect: String,
    #[serde(default)]
    status: String,
    page: Option<String>,
}

pub struct LibraryRow {
    pub resource: Resource,
    pub needs_review: bool,
    pub engagement: Engagement,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/resources/list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub rows: Vec<LibraryRow>,
    pub q: String,
    pub kind: String,
    pub aspect: String,
    pub status: String,
    pub kinds: [Kind; 6],
    pub aspects: [Aspect; 4],
    pub page: Page,
    pub filter_query: String,
}

pub async fn list(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    Query(query): Query<ListQuery>,
) -> AppResult<ListPage> {
    let today = Utc::now().date_naive();
    let filter = ListFilter {
        search: query.q.chars().take(100).collect(),
        kind: Kind::from_slug(&query.kind),
        aspect: Aspect::from_slug(&query.aspect),
        status: query.status.clone(),
    };
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let (resources, total) = db::resources::list(&state.pool, &filter, today, request).await?;
    let ids: Vec<Uuid> = resources.iter().map(|r| r.id).collect();
    let engagement = db::resources::engagement(&state.pool, &ids).await?;
    let threshold = db::settings::get(&state.pool).await?.threshold();
    let filter_query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &filter.search)
        .append_pair("kind", &query.kind)
        .append_pair("aspect", &query.aspect)
        .append_pair("status", &query.status)
        .finish();
    Ok(ListPage {
        chrome: chrome.at("resources"),
        rows: resources
            .into_iter()
            .map(|resource| LibraryRow {
                needs_review: resource.needs_review(today),
                engagement: Engagement {
                    threshold,
                    ..engagement.get(&resource.id).copied().unwrap_or_default()
                },
                resource,
            })
            .collect(),
        q: filter.search,
        kind: query.kind,
        aspect: query.aspect,
        status: query.status,
        kinds: Kind::ALL,
        aspects: Aspect::ALL,
        page: request.of(total),
        filter_query,
    })
}

/// The resource form as posted (aspects are repeated checkboxes); a field not sent is empty.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResourceFields {
    title: String,
    kind: String,
    url: String,
    description: String,
    minutes: String,
    aspects: Vec<String>,
    max_aspect_percent: String,
    max_total: String,
    departments: String,
    offices: String,
    review_by: String,
    event_starts_at: String,
    event_time_zone: String,
    event_place: String,
    /// "1" when HR saves a draft and publishes it in one go.
    publish: String,
}

impl From<ResourceFields> for ResourceForm {
    fn from(f: ResourceFields) -> Self {
        ResourceForm {
            title: f.title,
            kind: f.kind,
            url: f.url,
            description: f.description,
            minutes: f.minutes,
            aspects: f.aspects,
            max_aspect_percent: f.max_aspect_percent,
            max_total: f.max_total,
            departments: f.departments,
            offices: f.offices,
            review_by: f.review_by,
            event_starts_at: f.event_starts_at,
            event_time_zone: f.event_time_zone,
            event_place: f.event_place,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/resources/edit.html")]
pub struct EditPage {
    pub chrome: Chrome,
    /// None when adding a new resource.
    pub resource: Option<Resource>,
    pub form: ResourceForm,
    pub errors: FieldErrors,
    pub kinds: [Kind; 6],
    pub aspects: [Aspect; 4],
    pub time_zones: Vec<&'static str>,
    pub engagement: Engagement,
    pub needs_review: bool,
}

impl EditPage {
    fn new(chrome: Chrome, resource: Option<Resource>, form: ResourceForm) -> Self {
        let needs_review = resource
            .as_ref()
            .is_some_and(|r| r.needs_review(Utc::now().date_naive()));
        EditPage {
            chrome: chrome.at("resources"),
            resource,
            form,
            errors: FieldErrors::new(),
            kinds: Kind::ALL,
            aspects: Aspect::ALL,
            time_zones: zone_names().collect(),
            engagement: Engagement::default(),
            needs_review,
        }
    }

    /// The form shown again with its problems.
    fn invalid(
        chrome: Chrome,
        resource: Option<Resource>,
        form: ResourceForm,
        errors: FieldErrors,
    ) -> Invalid<Self> {
        Invalid(EditPage {
            errors,
            ..EditPage::new(chrome, resource, form)
        })
    }
}

pub async fn new_page(HrAdmin(_): HrAdmin, chrome: Chrome) -> EditPage {
    let form = ResourceForm {
        kind: "article".into(),
        minutes: "10".into(),
        event_time_zone: "UTC".into(),
        ..ResourceForm::default()
    };
    EditPage::new(chrome, None, form)
}

pub async fn create(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    chrome: Chrome,
    ListForm(fields): ListForm<ResourceFields>,
) -> AppResult<Response> {
    let form = ResourceForm::from(fields);
    let input = match ResourceInput::parse(&form) {
        Ok(input) => input,
        Err(errors) => return Ok(EditPage::invalid(chrome, None, form, errors).into_response()),
    };
    let id = crate::app::resources::add(&state.pool, actor, &input).await?;
    let message = format!("\u{201c}{}\u{201d} is in the library.", input.title);
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&format!("/admin/resources/{id}")).into_response())
}

pub async fn edit(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<EditPage> {
    let resource = db::resources::find(&state.pool, id).await?.or_404()?;
    let engagement = db::resources::engagement(&state.pool, &[resource.id])
        .await?
        .remove(&resource.id)
        .unwrap_or_default();
    let engagement = Engagement {
        threshold: db::settings::get(&state.pool).await?.threshold(),
        ..engagement
    };
    let form = ResourceForm::from_resource(&resource);
    Ok(EditPage {
        engagement,
        ..EditPage::new(chrome, Some(resource), form)
    })
}

pub async fn update(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    ListForm(fields): ListForm<ResourceFields>,
) -> AppResult<Response> {
    let resource = db::resources::find(&state.pool, id).await?.or_404()?;
    let publish = resource.draft && fields.publish == "1";
    let form = ResourceForm::from(fields);
    let input = match ResourceInput::parse(&form) {
        Ok(input) if publish && is_example_link(&input.url) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "url",
                "Replace this example link with your own page before publishing.",
            );
            return Ok(EditPage::invalid(chrome, Some(resource), form, errors).into_response());
        }
        Ok(input) => input,
        Err(errors) => {
            return Ok(EditPage::invalid(chrome, Some(resource), form, errors).into_response());
        }
    };
    crate::app::resources::edit(&state.pool, actor, resource.id, &input, publish).await?;
    let message = if publish {
        format!(
            "\u{201c}{}\u{201d} is published: Attune now recommends it.",
            input.title
        )
    } else {
        "The changes have been saved.".to_string()
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&format!("/admin/resources/{}", resource.id)).into_response())
}

async fn set_archived(
    state: &AppState,
    actor: Actor,
    session: &Session,
    id: Uuid,
    archived: bool,
) -> AppResult<Redirect> {
    let resource = db::resources::find(&state.pool, id).await?.or_404()?;
    let (pool, title) = (&state.pool, &resource.title);
    crate::app::resources::set_archived(pool, actor, resource.id, title, archived).await?;
    let message = if archived {
        format!(
            "\u{201c}{}\u{201d} is archived: it is no longer recommended, and plans that include it keep it.",
            resource.title
        )
    } else {
        format!("\u{201c}{}\u{201d} is back in the library.", resource.title)
    };
    flash(session, "success", message).await?;
    Ok(Redirect::to(&format!("/admin/resources/{}", resource.id)))
}

pub async fn archive(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    set_archived(&state, actor, &session, id, true).await
}

pub async fn restore(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    set_archived(&state, actor, &session, id, false).await
}
