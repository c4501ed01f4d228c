//! The library as a CSV file: export everything, import a file as exported.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use uuid::Uuid;

use crate::app;
use crate::db;
use crate::domain::csv_safe;
use crate::domain::people::RejectedRow;
use crate::domain::resources::{self as rules, CSV_COLUMNS};
use crate::domain::time::iso_date;
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::Chrome;
use crate::web::extract::Invalid;
use crate::web::files::{attachment, read_csv_upload};
use crate::web::guards::HrAdmin;

/// The whole library as CSV, read in batches, every cell spreadsheet-safe.
pub async fn export(State(state): State<AppState>, HrAdmin(_): HrAdmin) -> AppResult<Response> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write_err =
        |e: csv::Error| AppError::Internal(anyhow::Error::new(e).context("writing CSV"));
    writer.write_record(CSV_COLUMNS).map_err(write_err)?;
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
    let filename = format!("attune-library-{}.csv", iso_date(Utc::now().date_naive()));
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
    HrActor(_, actor): HrActor,
    chrome: Chrome,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let chrome = chrome.at("resources");
    let refuse = |chrome: Chrome, problem: &str| {
        Invalid(ImportPage {
            chrome,
            problem: Some(problem.to_string()),
            result: None,
        })
        .into_response()
    };
    let text = match read_csv_upload(&mut multipart).await {
        Ok(text) => text,
        Err(problem) => return Ok(refuse(chrome, problem)),
    };
    let (rows, rejected) = match rules::plan_csv_import(&text, csv_safe::uncell) {
        Ok(plan) => plan,
        Err(problem) => return Ok(refuse(chrome, &problem)),
    };
    let counts = app::resources::import(&state.pool, actor, &rows).await?;
    let page = ImportPage {
        chrome,
        problem: None,
        result: Some(ImportResult {
            created: counts.created,
            updated: counts.updated,
            rejected,
        }),
    };
    // Nothing imported and something refused: the file as a whole was not accepted.
    if rows.is_empty() && page.result.as_ref().is_some_and(|r| !r.rejected.is_empty()) {
        Ok(Invalid(page).into_response())
    } else {
        Ok(page.into_response())
    }
}
