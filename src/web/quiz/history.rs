//! Progress over time: every attempt with its change, and the line of totals.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use uuid::Uuid;

use crate::db;
use crate::domain::teq::Aspect;
use crate::domain::time::local_date;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::charts::{self, LineChart};
use crate::web::chrome::Chrome;
use crate::web::guards::CurrentUser;

/// At most this many attempts are listed (more than a decade of monthly retakes).
const HISTORY_LIMIT: i64 = 120;

pub struct HistoryRow {
    pub id: Uuid,
    pub date: String,
    pub total: u8,
    pub percents: Vec<u8>,
    pub change: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "quiz/history.html")]
pub struct HistoryPage {
    pub chrome: Chrome,
    pub rows: Vec<HistoryRow>,
    pub chart: Option<LineChart>,
    pub aspect_names: Vec<&'static str>,
}

pub async fn history(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<HistoryPage> {
    let attempts = db::quiz::history(&state.pool, person.id, HISTORY_LIMIT).await?;
    let dated: Vec<(String, f64)> = attempts
        .iter()
        .map(|a| (local_date(a.taken_at, person.time_zone), f64::from(a.total)))
        .collect();
    let mut rows: Vec<HistoryRow> = attempts
        .iter()
        .enumerate()
        .map(|(i, attempt)| HistoryRow {
            id: attempt.id,
            date: dated[i].0.clone(),
            total: attempt.total,
            percents: attempt.aspects.iter().map(|a| a.percent).collect(),
            change: i
                .checked_sub(1)
                .map(|prev| attempt.change_since(&attempts[prev]).describe()),
        })
        .collect();
    rows.reverse();
    Ok(HistoryPage {
        chrome: chrome.at("quiz"),
        chart: charts::totals_line(
            &attempts
                .iter()
                .zip(&dated)
                .map(|(a, (date, total))| (a.taken_at, date.clone(), *total))
                .collect::<Vec<_>>(),
            "Total score",
        ),
        rows,
        aspect_names: Aspect::ALL.iter().map(|a| a.name()).collect(),
    })
}
