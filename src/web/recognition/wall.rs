//! The wall: every recognition on it, newest first, filtered by behaviour, department or
//! office.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{PER_PAGE, PostView, posts, query_string};
use crate::app::recognition::ensure_spotlight_round;
use crate::db::recognition::{self as store, WallFilter};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::recognition::Behaviour;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::CurrentUser;

#[derive(Debug, Deserialize)]
pub struct WallQuery {
    #[serde(default)]
    behaviour: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    office: String,
    page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/wall.html")]
pub struct WallPage {
    pub chrome: Chrome,
    pub posts: Vec<PostView>,
    pub behaviours: Vec<Behaviour>,
    pub departments: Vec<String>,
    pub offices: Vec<String>,
    pub behaviour: String,
    pub department: String,
    pub office: String,
    pub filtered: bool,
    pub page: Page,
    pub filter_query: String,
    /// Where appreciate buttons come back to.
    pub back: String,
}

pub async fn wall(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<WallQuery>,
) -> AppResult<WallPage> {
    ensure_spotlight_round(&state.pool, &state.config, Utc::now()).await?;
    let behaviours = store::behaviours(&state.pool).await?;
    let (departments, offices) = store::wall_places(&state.pool).await?;
    // Only filters that name something on the wall count; anything else shows everything.
    let filter = WallFilter {
        behaviour: Uuid::parse_str(query.behaviour.trim())
            .ok()
            .filter(|id| behaviours.iter().any(|b| b.id == *id)),
        department: departments
            .iter()
            .find(|d| **d == query.department)
            .cloned(),
        office: offices.iter().find(|o| **o == query.office).cloned(),
    };
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let (found, total) = store::wall(&state.pool, person.id, &filter, request).await?;
    let behaviour = filter.behaviour.map(|b| b.to_string()).unwrap_or_default();
    let department = filter.department.clone().unwrap_or_default();
    let office = filter.office.clone().unwrap_or_default();
    let filter_query = query_string(&[
        ("behaviour", &behaviour),
        ("department", &department),
        ("office", &office),
    ]);
    let back = match (filter_query.is_empty(), request.page) {
        (true, 1) => "/recognition".to_string(),
        (true, page) => format!("/recognition?page={page}"),
        (false, page) => format!("/recognition?{filter_query}&page={page}"),
    };
    Ok(WallPage {
        chrome: chrome.at("recognition"),
        posts: posts(found, &person),
        filtered: filter != WallFilter::default(),
        behaviours,
        departments,
        offices,
        behaviour,
        department,
        office,
        page: request.of(total),
        filter_query,
        back,
    })
}
