//! HR's view of the spotlight rotation: who was invited, week by week.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::{Duration, NaiveDate, Utc};

use crate::db::{self, recognition as store, recognition::SpotlightInvitation};
use crate::domain::recognition::week_start;
use crate::domain::time;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::HrAdmin;

/// Weeks of spotlight history HR sees.
const SPOTLIGHT_WEEKS: i64 = 8;

pub struct SpotlightWeek {
    pub week: String,
    pub current: bool,
    pub departments: Vec<(String, Vec<String>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/spotlight.html")]
pub struct SpotlightPage {
    pub chrome: Chrome,
    pub per_department: i32,
    pub weeks: Vec<SpotlightWeek>,
}

fn group_weeks(rows: Vec<SpotlightInvitation>, current: NaiveDate) -> Vec<SpotlightWeek> {
    let mut weeks: Vec<SpotlightWeek> = Vec::new();
    for row in rows {
        let label = format!("Week of {}", time::long_date(row.week_start));
        if weeks.last().map(|w| w.week != label).unwrap_or(true) {
            weeks.push(SpotlightWeek {
                week: label,
                current: row.week_start == current,
                departments: Vec::new(),
            });
        }
        let Some(week) = weeks.last_mut() else {
            continue;
        };
        let department = if row.department.is_empty() {
            "No department".to_string()
        } else {
            row.department
        };
        match week.departments.last_mut() {
            Some((name, people)) if *name == department => people.push(row.name),
            _ => week.departments.push((department, vec![row.name])),
        }
    }
    weeks
}

pub async fn spotlight(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<SpotlightPage> {
    // The scheduler draws each week's round; this page only reads.
    let week = week_start(Utc::now().date_naive());
    let settings = db::settings::get(&state.pool).await?;
    let since = week - Duration::weeks(SPOTLIGHT_WEEKS - 1);
    let rows = store::spotlight_history(&state.pool, since).await?;
    Ok(SpotlightPage {
        chrome: chrome.at("recognition"),
        per_department: settings.spotlight_per_department,
        weeks: group_weeks(rows, week),
    })
}
