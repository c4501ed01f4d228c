//! The wall: every recognition on it, newest first, filtered by behaviour, department or
//! office.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;
use uuid::Uuid;

use super::{PER_PAGE, PostView, posts, query_string};
use crate::db::recognition::{self as store, WallFilter};
use crate::domain::pagination::{Cursor, Keyset, KeysetPage};
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
    before: Option<String>,
    after: Option<String>,
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
    pub page: KeysetPage,
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
    let keyset = Keyset::parse(query.before.as_deref(), query.after.as_deref());
    let found = store::wall(&state.pool, person.id, &filter, keyset, PER_PAGE.into()).await?;
    let (found, page) = keyset.page(found, PER_PAGE as usize, |post| {
        Cursor::new(post.created_at, post.id)
    });
    let behaviour = filter.behaviour.map(|b| b.to_string()).unwrap_or_default();
    let department = filter.department.clone().unwrap_or_default();
    let office = filter.office.clone().unwrap_or_default();
    let filter_query = query_string(&[
        ("behaviour", &behaviour),
        ("department", &department),
        ("office", &office),
    ]);
    // Appreciating a post comes back to the same stretch of the wall.
    let position = match keyset {
        Keyset::Newest => String::new(),
        Keyset::Older(cursor) => format!("before={}", cursor.encode()),
        Keyset::Newer(cursor) => format!("after={}", cursor.encode()),
    };
    let back = match [filter_query.as_str(), position.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("&")
    {
        query if query.is_empty() => "/recognition".to_string(),
        query => format!("/recognition?{query}"),
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
        page,
        filter_query,
        back,
    })
}
