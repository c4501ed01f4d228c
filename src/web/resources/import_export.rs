//! The library as a CSV file: export everything, import a file as exported.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use uuid::Uuid;

use crate::app;
use crate::app::audit::Subject;
use crate::db;
use crate::domain::audit::Action;
use crate::domain::csv_safe;
use crate::domain::people::RejectedRow;
use crate::domain::resources::{self as rules, CSV_COLUMNS};
use crate::domain::time::iso_date;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::Chrome;
use crate::web::extract::Invalid;
use crate::web::files::{attachment, read_csv_upload};
use crate::web::guards::HrAdmin;

/// The whole library as CSV, every cell spreadsheet-safe, streamed 500 resources at a time
/// (never the whole library in memory). A POST, on the audit record.
pub async fn export(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
) -> AppResult<Response> {
    app::audit::record_alone(
        &state.pool,
        actor,
        Action::LibraryExported,
        Subject::kind("resources"),
        "",
    )
    .await?;
    let pool = state.pool.clone();
    let batches =
        futures_util::stream::try_unfold(Some(None), move |next: Option<Option<Uuid>>| {
            let pool = pool.clone();
            async move {
                let Some(after) = next else {
                    return Ok(None);
                };
                let mut writer = csv::Writer::from_writer(Vec::new());
                if after.is_none() {
                    writer.write_record(CSV_COLUMNS)?;
                }
                let batch = db::resources::batch_after(&pool, after.unwrap_or_else(Uuid::nil), 500)
                    .await
                    .inspect_err(
                        |err| tracing::warn!(error = %err, "the library export stopped"),
                    )?;
                for resource in &batch {
                    let record = rules::to_csv_record(resource);
                    writer.write_record(record.iter().map(|v| csv_safe::cell(v).into_owned()))?;
                }
                let bytes = writer.into_inner().map_err(|err| err.into_error())?;
                let next = (batch.len() == 500).then(|| batch.last().map(|r| r.id));
                Ok::<_, ExportFailed>(Some((bytes, next)))
            }
        });
    let filename = format!("attune-library-{}.csv", iso_date(Utc::now().date_naive()));
    Ok(attachment(
        "text/csv; charset=utf-8",
        &filename,
        axum::body::Body::from_stream(batches),
    ))
}

/// Why a streamed export stopped part way (the download is then cut short, not completed).
type ExportFailed = Box<dyn std::error::Error + Send + Sync>;

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
