//! Importing people from a CSV: each new person gets an invitation link, shown once.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::app::people::{self as use_case, Imported};
use crate::domain::people::{INVITATION_DAYS, RejectedRow, plan_import};
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, ListForm};
use crate::web::files::read_csv_upload;
use crate::web::guards::HrAdmin;

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

#[derive(Template, WebTemplate)]
#[template(path = "people/import_result.html")]
pub struct ImportResultPage {
    pub chrome: Chrome,
    pub imported: Vec<Imported>,
    pub rejected: Vec<RejectedRow>,
    pub invitation_days: i64,
    /// Whether Attune can email the invitations.
    pub can_email: bool,
}

pub async fn import(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    chrome: Chrome,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let chrome = chrome.at("people");
    let plan = match read_csv_upload(&mut multipart).await {
        // Parsing and validating up to 20,000 rows is CPU work: not on an async worker.
        Ok(text) => tokio::task::spawn_blocking(move || plan_import(&text))
            .await
            .map_err(|err| anyhow::anyhow!("reading a people CSV: {err}"))?,
        Err(problem) => Err(problem.to_string()),
    };
    let plan = match plan {
        Ok(plan) => plan,
        Err(problem) => {
            let page = ImportPage {
                chrome,
                problem: Some(problem),
            };
            return Ok(Invalid(page).into_response());
        }
    };
    let (imported, rejected) =
        use_case::import(&state.pool, &state.config, actor, plan, Utc::now()).await?;
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
        can_email: state.config.mail.is_some(),
    };
    Ok((status, page).into_response())
}

#[derive(Debug, Deserialize)]
pub struct SendForm {
    #[serde(default)]
    person: Vec<String>,
}

/// "Send invitations to the N new people": a new link for each, by email.
pub async fn send_invitations(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    ListForm(form): ListForm<SendForm>,
) -> AppResult<Redirect> {
    let ids: Vec<Uuid> = form
        .person
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    let sent =
        use_case::send_invitations(&state.pool, &state.config, actor, &ids, Utc::now()).await?;
    let message = match sent {
        0 => {
            "Everyone from that import has joined already, so no invitations were sent.".to_string()
        }
        1 => "An invitation email is on its way to 1 person.".to_string(),
        n => format!("Invitation emails are on their way to {n} people."),
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to("/admin/people?status=invited"))
}
