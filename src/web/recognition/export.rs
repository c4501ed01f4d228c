//! HR's export: every nomination of a date range as a CSV file.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::csv_response;
use super::fairness::{RangeQuery, read_range};
use crate::app::audit::Subject;
use crate::db::recognition as store;
use crate::domain::FieldErrors;
use crate::domain::audit::Action;
use crate::domain::pagination::Cursor;
use crate::domain::recognition as rules;
use crate::domain::time;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::Chrome;
use crate::web::extract::Invalid;
use crate::web::guards::HrAdmin;

#[derive(Template, WebTemplate)]
#[template(path = "recognition/export.html")]
pub struct ExportPage {
    pub chrome: Chrome,
    pub from: String,
    pub to: String,
    pub errors: FieldErrors,
}

pub async fn export_page(
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Query(query): Query<RangeQuery>,
) -> ExportPage {
    let (from, to, _) = read_range(&query, time::today_in(viewer.time_zone, Utc::now()));
    ExportPage {
        chrome: chrome.at("recognition"),
        from,
        to,
        errors: FieldErrors::new(),
    }
}

/// Every nomination made in the range (all states), as a formula-safe CSV file. Private
/// recognitions are listed without their text. It holds people's names and words, so it is a
/// POST, asks to confirm in a stale session, and goes on the audit record with its range.
pub async fn export_csv(
    State(state): State<AppState>,
    HrActor(viewer, actor): HrActor,
    _: crate::web::privacy::RecentAuth,
    chrome: Chrome,
    axum::Form(query): axum::Form<RangeQuery>,
) -> AppResult<Response> {
    let (from, to, parsed) = read_range(&query, time::today_in(viewer.time_zone, Utc::now()));
    let range = match parsed {
        Ok(range) => range,
        Err(errors) => {
            let page = ExportPage {
                chrome: chrome.at("recognition"),
                from,
                to,
                errors,
            };
            return Ok(Invalid(page).into_response());
        }
    };
    let details = format!("{} to {}", range.from, range.to);
    crate::app::audit::record_alone(
        &state.pool,
        actor,
        Action::RecognitionsExported,
        Subject::kind("recognitions"),
        &details,
    )
    .await?;
    // Streamed a batch at a time: a year of a large company's recognitions never sits in
    // memory whole.
    let pool = state.pool.clone();
    let batches = futures_util::stream::try_unfold(Some(None), move |next| {
        let pool = pool.clone();
        async move {
            let Some(after) = next else {
                return Ok(None);
            };
            let batch = store::in_range(&pool, range, after, EXPORT_BATCH)
                .await
                .inspect_err(
                    |err| tracing::warn!(error = %err, "the recognitions export stopped"),
                )?;
            let last = batch.last().map(|r| Cursor::new(r.created_at, r.id));
            let full = batch.len() as i64 == EXPORT_BATCH;
            let bytes = rules::hr_csv_rows(batch, after.is_none())
                .map_err(|err| std::io::Error::other(err.to_string()))?;
            Ok::<_, ExportFailed>(Some((bytes, full.then_some(last))))
        }
    });
    Ok(csv_response(
        Body::from_stream(batches),
        &format!("recognitions-{}-to-{}.csv", range.from, range.to),
    ))
}

/// Rows read per query while streaming the export.
const EXPORT_BATCH: i64 = 1_000;

/// Why a streamed export stopped part way (the download is then cut short, not completed).
type ExportFailed = Box<dyn std::error::Error + Send + Sync>;
