//! The resource library (HR) and each person's recommendations and plan.

use std::collections::HashSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::auth::safe_next;
use super::chrome::{Chrome, flash};
use super::files::{attachment, read_csv_upload};
use super::guards::{CurrentUser, HrAdmin};
use super::{AppState, path_id};
use crate::db;
use crate::db::resources::{CandidateQuery, ListFilter, PlanEntry};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::people::{Person, RejectedRow};
use crate::domain::quiz::Attempt;
use crate::domain::resources::{
    self as rules, Engagement, Kind, PlanStatus, Profile, Resource, ResourceForm, ResourceInput,
};
use crate::domain::teq::{Aspect, Score};
use crate::domain::time::zone_names;
use crate::domain::{FieldErrors, csv_safe};
use crate::error::{AppError, AppResult};

const PER_PAGE: u32 = 20;
/// Candidates read per aspect: enough for ranking and kind diversity, never the whole library.
const CANDIDATES_PER_ASPECT: i64 = 12;

// ---------------------------------------------------------------------------------------------
// Recommendations

/// A recommended resource with its reason and where it stands in the person's plan.
pub struct RecommendationView {
    pub resource: Resource,
    pub reason: String,
    pub saved: bool,
    pub event_when: Option<String>,
}

/// Recommendations for a person from their latest quiz result (or a starter selection).
pub async fn recommend_for(
    state: &AppState,
    person: &Person,
    latest: Option<&Attempt>,
) -> AppResult<Vec<RecommendationView>> {
    let now = Utc::now();
    let order: Vec<Aspect> = latest
        .map(|attempt| {
            Score {
                total: attempt.total,
                aspects: attempt.aspects,
            }
            .weakest_first()
            .iter()
            .map(|a| a.aspect)
            .collect()
        })
        .unwrap_or_default();
    let percents = latest.map(|a| a.aspects.map(|s| i16::from(s.percent)));
    let candidates = db::resources::candidates(
        &state.pool,
        &CandidateQuery {
            person_id: person.id,
            aspects: &order,
            percents,
            total: latest.map(|a| i16::from(a.total)),
            department: &person.department,
            office: &person.office,
            now,
            per_aspect: CANDIDATES_PER_ASPECT,
        },
    )
    .await?;
    let ids: Vec<Uuid> = candidates.iter().map(|r| r.id).collect();
    let statuses = db::resources::plan_statuses(&state.pool, person.id, &ids).await?;
    let excluded: HashSet<Uuid> = statuses
        .iter()
        .filter(|(_, s)| matches!(s, PlanStatus::Done | PlanStatus::Dismissed))
        .map(|(id, _)| *id)
        .collect();
    let profile = Profile {
        total: latest.map(|a| a.total),
        aspects: latest.map(|a| a.aspects),
        department: &person.department,
        office: &person.office,
    };
    let chosen = rules::recommend(&candidates, &profile, &excluded, now);
    let chosen_ids: Vec<Uuid> = chosen.iter().map(|r| r.resource_id).collect();
    db::resources::record_impressions(&state.pool, person.id, &chosen_ids).await?;
    Ok(chosen
        .into_iter()
        .filter_map(|rec| {
            let resource = candidates.iter().find(|r| r.id == rec.resource_id)?.clone();
            Some(RecommendationView {
                saved: statuses.get(&resource.id) == Some(&PlanStatus::Saved),
                event_when: event_when(&resource, person),
                reason: rec.reason,
                resource,
            })
        })
        .collect())
}

fn event_when(resource: &Resource, person: &Person) -> Option<String> {
    let event = resource.event.as_ref()?;
    let zone = person.time_zone;
    Some(format!(
        "{} ({})",
        event
            .starts_at
            .with_timezone(&zone)
            .format("%A %-d %B %Y, %H:%M"),
        zone.name()
    ))
}

// ---------------------------------------------------------------------------------------------
// My plan

pub struct PlanView {
    pub resource: Resource,
    pub done: bool,
    pub done_on: String,
    pub helpful: Option<bool>,
}

#[derive(Template, WebTemplate)]
#[template(path = "resources/plan.html")]
pub struct PlanPage {
    pub chrome: Chrome,
    pub recommendations: Vec<RecommendationView>,
    pub has_attempt: bool,
    pub saved: Vec<PlanView>,
    pub done: Vec<PlanView>,
    pub return_to: &'static str,
}

pub async fn plan(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<PlanPage> {
    let latest = db::quiz::latest(&state.pool, person.id).await?;
    let recommendations = recommend_for(&state, &person, latest.as_ref()).await?;
    let entries = db::resources::plan(&state.pool, person.id, 200).await?;
    let view = |entry: PlanEntry| PlanView {
        done: entry.status == PlanStatus::Done,
        done_on: entry
            .done_on
            .map(|d| d.format("%-d %B %Y").to_string())
            .unwrap_or_default(),
        helpful: entry.helpful,
        resource: entry.resource,
    };
    let (done, saved): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|e| e.status == PlanStatus::Done);
    Ok(PlanPage {
        chrome: chrome.at("plan"),
        recommendations,
        has_attempt: latest.is_some(),
        saved: saved.into_iter().map(view).collect(),
        done: done.into_iter().map(view).collect(),
        return_to: "/plan",
    })
}

#[derive(Debug, Deserialize)]
pub struct PlanAction {
    #[serde(default)]
    action: String,
    #[serde(default)]
    return_to: String,
}

pub async fn update_plan(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<PlanAction>,
) -> AppResult<Response> {
    let id = path_id(&id)?;
    let resource = db::resources::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = Utc::now().date_naive();
    let message = match form.action.as_str() {
        "save" => {
            db::resources::set_plan_status(&state.pool, person.id, id, PlanStatus::Saved, today)
                .await?;
            format!("\u{201c}{}\u{201d} is saved to your plan.", resource.title)
        }
        "done" => {
            db::resources::set_plan_status(&state.pool, person.id, id, PlanStatus::Done, today)
                .await?;
            format!(
                "Well done. \u{201c}{}\u{201d} is marked as done. Was it helpful? You can say so in your plan.",
                resource.title
            )
        }
        "dismiss" => {
            db::resources::set_plan_status(
                &state.pool,
                person.id,
                id,
                PlanStatus::Dismissed,
                today,
            )
            .await?;
            format!(
                "Got it: \u{201c}{}\u{201d} won't be suggested again.",
                resource.title
            )
        }
        "remove" => {
            db::resources::remove_from_plan(&state.pool, person.id, id).await?;
            format!(
                "\u{201c}{}\u{201d} is no longer in your plan.",
                resource.title
            )
        }
        "helpful" | "not_helpful" => {
            if !db::resources::rate(&state.pool, person.id, id, form.action == "helpful").await? {
                return Err(AppError::Conflict(
                    "Mark it as done before rating it.".into(),
                ));
            }
            "Thanks for the rating. It helps HR keep the library useful.".to_string()
        }
        _ => return Err(AppError::Conflict("That action isn't available.".into())),
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(safe_next(&form.return_to)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The library, for HR admins

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
                engagement: engagement.get(&resource.id).copied().unwrap_or_default(),
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

/// The resource form as posted: aspects come as repeated checkboxes.
fn form_from_fields(fields: &[(String, String)]) -> ResourceForm {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    ResourceForm {
        title: get("title"),
        kind: get("kind"),
        url: get("url"),
        description: get("description"),
        minutes: get("minutes"),
        aspects: fields
            .iter()
            .filter(|(k, _)| k == "aspects")
            .map(|(_, v)| v.clone())
            .collect(),
        max_aspect_percent: get("max_aspect_percent"),
        max_total: get("max_total"),
        departments: get("departments"),
        offices: get("offices"),
        review_by: get("review_by"),
        event_starts_at: get("event_starts_at"),
        event_time_zone: get("event_time_zone"),
        event_place: get("event_place"),
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
    HrAdmin(_): HrAdmin,
    session: Session,
    chrome: Chrome,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = form_from_fields(&fields);
    match ResourceInput::parse(&form) {
        Ok(input) => {
            let id = Uuid::new_v4();
            db::resources::insert(&state.pool, id, &input).await?;
            flash(
                &session,
                "success",
                format!("\u{201c}{}\u{201d} is in the library.", input.title),
            )
            .await?;
            Ok(Redirect::to(&format!("/admin/resources/{id}")).into_response())
        }
        Err(errors) => {
            let page = EditPage {
                errors,
                ..EditPage::new(chrome, None, form)
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn find_resource(state: &AppState, id: &str) -> AppResult<Resource> {
    let id = path_id(id)?;
    db::resources::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    Path(id): Path<String>,
) -> AppResult<EditPage> {
    let resource = find_resource(&state, &id).await?;
    let engagement = db::resources::engagement(&state.pool, &[resource.id])
        .await?
        .remove(&resource.id)
        .unwrap_or_default();
    let form = ResourceForm::from_resource(&resource);
    Ok(EditPage {
        engagement,
        ..EditPage::new(chrome, Some(resource), form)
    })
}

pub async fn update(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let resource = find_resource(&state, &id).await?;
    let form = form_from_fields(&fields);
    match ResourceInput::parse(&form) {
        Ok(input) => {
            db::resources::update(&state.pool, resource.id, &input).await?;
            flash(&session, "success", "The changes have been saved.").await?;
            Ok(Redirect::to(&format!("/admin/resources/{}", resource.id)).into_response())
        }
        Err(errors) => {
            let page = EditPage {
                errors,
                ..EditPage::new(chrome, Some(resource), form)
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn set_archived(
    state: &AppState,
    session: &Session,
    id: &str,
    archived: bool,
) -> AppResult<Response> {
    let resource = find_resource(state, id).await?;
    db::resources::set_archived(&state.pool, resource.id, archived).await?;
    let message = if archived {
        format!(
            "\u{201c}{}\u{201d} is archived: it is no longer recommended, and plans that include it keep it.",
            resource.title
        )
    } else {
        format!("\u{201c}{}\u{201d} is back in the library.", resource.title)
    };
    flash(session, "success", message).await?;
    Ok(Redirect::to(&format!("/admin/resources/{}", resource.id)).into_response())
}

pub async fn archive(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    set_archived(&state, &session, &id, true).await
}

pub async fn restore(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    set_archived(&state, &session, &id, false).await
}

/// The whole library as CSV, read in batches, every cell spreadsheet-safe.
pub async fn export(State(state): State<AppState>, HrAdmin(_): HrAdmin) -> AppResult<Response> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write_err =
        |e: csv::Error| AppError::Internal(anyhow::Error::new(e).context("writing CSV"));
    writer.write_record(rules::CSV_COLUMNS).map_err(write_err)?;
    let mut after = Uuid::nil();
    loop {
        let batch = db::resources::batch_after(&state.pool, after, 500).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for resource in &batch {
            let record = rules::to_csv_record(resource);
            writer
                .write_record(record.iter().map(|v| csv_safe::cell(v).into_owned()))
                .map_err(write_err)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("finishing CSV: {e}")))?;
    let filename = format!("attune-library-{}.csv", Utc::now().format("%Y-%m-%d"));
    Ok(attachment("text/csv; charset=utf-8", &filename, bytes))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/resources/import.html")]
pub struct ImportPage {
    pub chrome: Chrome,
    pub problem: Option<String>,
    pub result: Option<ImportResult>,
}

pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
    pub rejected: Vec<RejectedRow>,
}

pub async fn import_page(HrAdmin(_): HrAdmin, chrome: Chrome) -> ImportPage {
    ImportPage {
        chrome: chrome.at("resources"),
        problem: None,
        result: None,
    }
}

pub async fn import(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let chrome = chrome.at("resources");
    let refuse = |chrome: Chrome, problem: &str| {
        let page = ImportPage {
            chrome,
            problem: Some(problem.to_string()),
            result: None,
        };
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    };
    let text = match read_csv_upload(&mut multipart).await {
        Ok(text) => text,
        Err(problem) => return Ok(refuse(chrome, problem)),
    };
    let (rows, rejected) = match rules::plan_csv_import(&text, csv_safe::uncell) {
        Ok(plan) => plan,
        Err(problem) => return Ok(refuse(chrome, &problem)),
    };
    let mut created = 0;
    let mut updated = 0;
    let mut tx = state.pool.begin().await?;
    for row in &rows {
        let id = row.id.unwrap_or_else(Uuid::new_v4);
        if db::resources::upsert(&mut tx, id, &row.input, row.archived).await? {
            created += 1;
        } else {
            updated += 1;
        }
    }
    tx.commit().await?;
    let status = if rows.is_empty() && !rejected.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ImportPage {
        chrome,
        problem: None,
        result: Some(ImportResult {
            created,
            updated,
            rejected,
        }),
    };
    Ok((status, page).into_response())
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/plan", plan)
        .post("/plan/{id}", update_plan)
        .get("/admin/resources", list)
        .get("/admin/resources/new", new_page)
        .post("/admin/resources", create)
        .get("/admin/resources/export.csv", export)
        .get("/admin/resources/import", import_page)
        .post("/admin/resources/import", import)
        .get("/admin/resources/{id}", edit)
        .post("/admin/resources/{id}", update)
        .post("/admin/resources/{id}/archive", archive)
        .post("/admin/resources/{id}/restore", restore)
}
