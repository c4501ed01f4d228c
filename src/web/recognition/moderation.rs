//! HR's moderation: the overview, nominations waiting for approval, rejecting one with a
//! reason, reported posts, and keeping or removing them.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::{PER_PAGE, PageQuery, PostView};
use crate::app::recognition as use_case;
use crate::db;
use crate::db::recognition::{self as store, Report};
use crate::domain::FieldErrors;
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::people::Person;
use crate::domain::recognition::{self as rules, REJECTION_MAX, Recognition};
use crate::domain::time;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, PathId};
use crate::web::guards::HrAdmin;

#[derive(Template, WebTemplate)]
#[template(path = "recognition/admin.html")]
pub struct AdminPage {
    pub chrome: Chrome,
    pub pending: i64,
    pub reported: i64,
    pub requires_approval: bool,
    pub weekly_limit: i32,
    pub spotlight_per_department: i32,
}

pub async fn admin(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<AdminPage> {
    let (pending, reported) = store::moderation_counts(&state.pool).await?;
    let settings = db::settings::get(&state.pool).await?;
    Ok(AdminPage {
        chrome: chrome.at("recognition"),
        pending,
        reported,
        requires_approval: settings.recognition_requires_approval,
        weekly_limit: settings.recognition_weekly_limit,
        spotlight_per_department: settings.spotlight_per_department,
    })
}

/// A post in an HR queue, with when it was made and any reports.
pub struct QueueItem {
    pub post: PostView,
    pub nominated_at: String,
    pub reports: Vec<ReportView>,
}

pub struct ReportView {
    pub reporter: String,
    pub reason: String,
    pub at: String,
}

impl QueueItem {
    fn new(r: Recognition, reports: &[Report], viewer: &Person) -> Self {
        let zone = viewer.time_zone;
        let reports = reports
            .iter()
            .filter(|report| report.recognition_id == r.id)
            .map(|report| ReportView {
                reporter: report.reporter.clone(),
                reason: report.reason.clone(),
                at: time::local_date_time(report.created_at, zone),
            })
            .collect();
        QueueItem {
            nominated_at: time::local_date_time(r.created_at, zone),
            post: PostView::new(r, viewer),
            reports,
        }
    }
}

fn queue_items(found: Vec<Recognition>, reports: &[Report], viewer: &Person) -> Vec<QueueItem> {
    found
        .into_iter()
        .map(|r| QueueItem::new(r, reports, viewer))
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/approvals.html")]
pub struct ApprovalsPage {
    pub chrome: Chrome,
    pub items: Vec<QueueItem>,
    pub requires_approval: bool,
    pub page: Page,
    pub filter_query: String,
}

pub async fn approvals(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> AppResult<ApprovalsPage> {
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let (found, total) = store::pending(&state.pool, viewer.id, request).await?;
    let settings = db::settings::get(&state.pool).await?;
    Ok(ApprovalsPage {
        chrome: chrome.at("recognition"),
        items: queue_items(found, &[], &viewer),
        requires_approval: settings.recognition_requires_approval,
        page: request.of(total),
        filter_query: String::new(),
    })
}

pub async fn approve(
    State(state): State<AppState>,
    HrActor(viewer, actor): HrActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    let recognition = use_case::find_pending(&state.pool, viewer.id, id).await?;
    use_case::approve(&state.pool, &state.config, &recognition, actor, Utc::now()).await?;
    let message = format!(
        "Published. {} can see the recognition from {} now.",
        recognition.recipient.name, recognition.nominator.name
    );
    flash(&session, "success", message).await?;
    Ok(Redirect::to("/admin/recognition/approvals"))
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/reject.html")]
pub struct RejectPage {
    pub chrome: Chrome,
    pub item: QueueItem,
    pub reason: String,
    pub errors: FieldErrors,
}

pub async fn reject_page(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<RejectPage> {
    let recognition = use_case::find_pending(&state.pool, viewer.id, id).await?;
    Ok(RejectPage {
        chrome: chrome.at("recognition"),
        item: QueueItem::new(recognition, &[], &viewer),
        reason: String::new(),
        errors: FieldErrors::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    reason: String,
}

pub async fn reject(
    State(state): State<AppState>,
    HrActor(viewer, actor): HrActor,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(form): Form<RejectForm>,
) -> AppResult<Response> {
    let recognition = use_case::find_pending(&state.pool, viewer.id, id).await?;
    let reason = match rules::parse_reason(
        &form.reason,
        REJECTION_MAX,
        "Give the nominator a reason: they will read it, so be kind and specific.",
    ) {
        Ok(reason) => reason,
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.add("reason", message);
            return Ok(Invalid(RejectPage {
                chrome: chrome.at("recognition"),
                item: QueueItem::new(recognition, &[], &viewer),
                reason: form.reason,
                errors,
            })
            .into_response());
        }
    };
    let (pool, config) = (&state.pool, &state.config);
    use_case::reject(pool, config, &recognition, actor, &reason, Utc::now()).await?;
    let message = format!(
        "Not published. {} will see your reason with their nomination.",
        recognition.nominator.name
    );
    flash(&session, "success", message).await?;
    Ok(Redirect::to("/admin/recognition/approvals").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/reports.html")]
pub struct ReportsPage {
    pub chrome: Chrome,
    pub items: Vec<QueueItem>,
    pub page: Page,
    pub filter_query: String,
}

pub async fn reports(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> AppResult<ReportsPage> {
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let (found, total) = store::reported(&state.pool, viewer.id, request).await?;
    let ids: Vec<Uuid> = found.iter().map(|r| r.id).collect();
    let open = store::open_reports(&state.pool, &ids).await?;
    Ok(ReportsPage {
        chrome: chrome.at("recognition"),
        items: queue_items(found, &open, &viewer),
        page: request.of(total),
        filter_query: String::new(),
    })
}

pub async fn keep(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    use_case::review_report(&state.pool, actor, id, true, Utc::now()).await?;
    flash(&session, "success", "The post is back on the wall.").await?;
    Ok(Redirect::to("/admin/recognition/reports"))
}

pub async fn remove(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    let recognition = use_case::review_report(&state.pool, actor, id, false, Utc::now()).await?;
    let message = format!(
        "The post is removed from the wall. {} still sees it marked \u{201c}Removed by HR\u{201d}.",
        recognition.nominator.name
    );
    flash(&session, "success", message).await?;
    Ok(Redirect::to("/admin/recognition/reports"))
}
