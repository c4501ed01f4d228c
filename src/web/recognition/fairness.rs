//! HR's fairness view: recognition by department and office over a date range, and who
//! hasn't been recognised lately.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::{PER_PAGE, query_string};
use crate::db::recognition::{self as store, GroupFigures, Grouping, Unrecognised};
use crate::domain::FieldErrors;
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::recognition::{DateRange, UNRECOGNISED_DAYS};
use crate::domain::time;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::Chrome;
use crate::web::extract::Invalid;
use crate::web::guards::HrAdmin;

#[derive(Debug, Deserialize)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

/// Reads a date range from the query, defaulting to the last 90 days when none is given.
pub(super) fn read_range(
    query: &RangeQuery,
    today: NaiveDate,
) -> (String, String, Result<DateRange, FieldErrors>) {
    let fallback = DateRange::last_days(today, UNRECOGNISED_DAYS);
    let given = |value: &Option<String>, default: NaiveDate| {
        value
            .clone()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| time::iso_date(default))
    };
    let from = given(&query.from, fallback.from);
    let to = given(&query.to, fallback.to);
    let parsed = DateRange::parse(&from, &to);
    (from, to, parsed)
}

pub struct UnrecognisedView {
    pub id: Uuid,
    pub name: String,
    pub department: String,
    pub office: String,
    pub last: String,
}

impl UnrecognisedView {
    fn new(row: Unrecognised, zone: chrono_tz::Tz) -> Self {
        UnrecognisedView {
            id: row.person.id,
            name: row.person.name,
            department: row.person.department,
            office: row.person.office,
            last: row
                .last
                .map(|at| time::local_date(at, zone))
                .unwrap_or_else(|| "Never".into()),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/fairness.html")]
pub struct FairnessPage {
    pub chrome: Chrome,
    pub from: String,
    pub to: String,
    pub errors: FieldErrors,
    pub range_text: String,
    pub departments: Vec<GroupFigures>,
    pub offices: Vec<GroupFigures>,
    pub unrecognised: Vec<UnrecognisedView>,
    pub unrecognised_days: i64,
    /// The list is counted up to this many ("more than" past it).
    pub count_cap: i64,
    pub page: Page,
    pub filter_query: String,
}

pub async fn fairness(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Query(query): Query<RangeQuery>,
) -> AppResult<Response> {
    let now = Utc::now();
    let today = time::today_in(viewer.time_zone, now);
    let (from, to, parsed) = read_range(&query, today);
    let (range, errors) = match parsed {
        Ok(range) => (range, FieldErrors::new()),
        Err(errors) => (DateRange::last_days(today, UNRECOGNISED_DAYS), errors),
    };
    let departments = store::figures(&state.pool, Grouping::Department, range).await?;
    let offices = store::figures(&state.pool, Grouping::Office, range).await?;
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let since = now - Duration::days(UNRECOGNISED_DAYS);
    let (rows, total) = store::unrecognised(&state.pool, since, None, request).await?;
    let page = FairnessPage {
        chrome: chrome.at("recognition"),
        filter_query: query_string(&[("from", &from), ("to", &to)]),
        range_text: format!(
            "{} to {}",
            time::long_date(range.from),
            time::long_date(range.to)
        ),
        from,
        to,
        errors,
        departments,
        offices,
        unrecognised: rows
            .into_iter()
            .map(|row| UnrecognisedView::new(row, viewer.time_zone))
            .collect(),
        unrecognised_days: UNRECOGNISED_DAYS,
        count_cap: store::UNRECOGNISED_COUNT_CAP,
        page: request.of_at_most(total, store::UNRECOGNISED_COUNT_CAP),
    };
    if page.errors.is_empty() {
        Ok(page.into_response())
    } else {
        Ok(Invalid(page).into_response())
    }
}
