//! Importing people from a CSV: each new person gets an invitation link, shown once.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use crate::app::people::{self as use_case, Imported};
use crate::domain::people::{INVITATION_DAYS, RejectedRow, plan_import};
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::Chrome;
use crate::web::extract::Invalid;
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
}

pub async fn import(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let chrome = chrome.at("people");
    let plan = match read_csv_upload(&mut multipart).await {
        Ok(text) => plan_import(&text),
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
        use_case::import(&state.pool, &state.config, plan, Utc::now()).await?;
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
