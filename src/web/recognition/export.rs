//! HR's export: every nomination of a date range as a CSV file.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::fairness::{RangeQuery, read_range};
use super::{csv_response, export_error};
use crate::db::recognition as store;
use crate::domain::FieldErrors;
use crate::domain::recognition as rules;
use crate::domain::time;
use crate::error::AppResult;
use crate::web::AppState;
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
/// recognitions are listed without their text.
pub async fn export_csv(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Query(query): Query<RangeQuery>,
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
    let found = store::in_range(&state.pool, range).await?;
    let bytes = rules::to_hr_csv(found).map_err(export_error)?;
    Ok(csv_response(
        bytes,
        &format!("recognitions-{}-to-{}.csv", range.from, range.to),
    ))
}
