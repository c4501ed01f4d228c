//! HR admins manage people: the list (here), adding and editing one person (`editing.rs`) and
//! importing many from a CSV (`import.rs`).

mod editing;
mod import;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::AppState;
use super::chrome::Chrome;
use super::guards::HrAdmin;
use super::routes::Routes;
use crate::db;
use crate::db::people::StatusFilter;
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::people::Person;
use crate::error::AppResult;

const PER_PAGE: u32 = 25;

/// This area's pages and forms.
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/admin/people", list)
        .get("/admin/people/new", editing::new_page)
        .post("/admin/people", editing::create)
        .get("/admin/people/import", import::import_page)
        .post("/admin/people/import", import::import)
        .get("/admin/people/{id}", editing::show)
        .post("/admin/people/{id}", editing::update)
        .post("/admin/people/{id}/deactivate", editing::deactivate)
        .post("/admin/people/{id}/reactivate", editing::reactivate)
        .post("/admin/people/{id}/invitation", editing::reinvite)
        .post(
            "/admin/people/{id}/password-reset",
            editing::send_password_reset,
        )
        .post("/admin/people/import/invitations", import::send_invitations)
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub people: Vec<Person>,
    pub q: String,
    pub status: String,
    pub page: Page,
    /// The query string (without page) for pagination links.
    pub filter_query: String,
}

pub async fn list(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    Query(query): Query<ListQuery>,
) -> AppResult<ListPage> {
    let status = match query.status.as_str() {
        "active" => StatusFilter::Active,
        "invited" => StatusFilter::Invited,
        "inactive" => StatusFilter::Inactive,
        _ => StatusFilter::All,
    };
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let q = query.q.chars().take(100).collect::<String>();
    let (people, total) = db::people::list(&state.pool, &q, status, request).await?;
    let filter_query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q)
        .append_pair("status", &query.status)
        .finish();
    Ok(ListPage {
        chrome: chrome.at("people"),
        people,
        q,
        status: query.status,
        page: request.of(total),
        filter_query,
    })
}
