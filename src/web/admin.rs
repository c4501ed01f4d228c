//! The HR admin area's front page: where each administrative task lives.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::AppState;
use super::chrome::Chrome;
use super::guards::HrAdmin;
use crate::db;
use crate::db::people::PeopleSummary;
use crate::error::AppResult;

#[derive(Template, WebTemplate)]
#[template(path = "admin/index.html")]
pub struct AdminPage {
    pub chrome: Chrome,
    pub people: PeopleSummary,
}

pub async fn index(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<AdminPage> {
    Ok(AdminPage {
        chrome: chrome.at("admin"),
        people: db::people::summary(&state.pool).await?,
    })
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new().get("/admin", index)
}
