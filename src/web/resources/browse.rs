//! The library for everyone: every published resource, searchable and filtered by aspect and
//! kind, a page at a time, each with the reader's own plan status and buttons.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use chrono::Utc;
use serde::Deserialize;

use crate::db;
use crate::db::resources::ListFilter;
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::resources::{Kind, PlanStatus, Resource};
use crate::domain::teq::Aspect;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::CurrentUser;

const PER_PAGE: u32 = 12;

#[derive(Debug, Deserialize)]
pub struct BrowseQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    aspect: String,
    page: Option<String>,
}

pub struct BrowseItem {
    pub resource: Resource,
    /// The reader's plan status for it, if any.
    pub status: Option<PlanStatus>,
}

impl BrowseItem {
    pub fn is(&self, status: &str) -> bool {
        self.status.is_some_and(|s| s.as_str() == status)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "resources/library.html")]
pub struct BrowsePage {
    pub chrome: Chrome,
    pub items: Vec<BrowseItem>,
    pub q: String,
    pub kind: String,
    pub aspect: String,
    pub kinds: [Kind; 6],
    pub aspects: [Aspect; 4],
    pub page: Page,
    pub filter_query: String,
    /// Where the plan buttons come back to: this very page.
    pub return_to: String,
}

pub async fn browse(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<BrowseQuery>,
) -> AppResult<BrowsePage> {
    let filter = ListFilter {
        search: query.q.chars().take(100).collect(),
        kind: Kind::from_slug(&query.kind),
        aspect: Aspect::from_slug(&query.aspect),
        status: "browsable".into(),
    };
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let today = Utc::now().date_naive();
    let (resources, total) = db::resources::list(&state.pool, &filter, today, request).await?;
    let ids: Vec<_> = resources.iter().map(|r| r.id).collect();
    let statuses = db::resources::plan_statuses(&state.pool, person.id, &ids).await?;
    let filter_query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &filter.search)
        .append_pair("kind", &query.kind)
        .append_pair("aspect", &query.aspect)
        .finish();
    let page = request.of(total);
    let return_to = format!("/library?{filter_query}&page={}", page.number);
    Ok(BrowsePage {
        chrome: chrome.at("plan"),
        items: resources
            .into_iter()
            .map(|resource| BrowseItem {
                status: statuses.get(&resource.id).copied(),
                resource,
            })
            .collect(),
        q: filter.search,
        kind: query.kind,
        aspect: query.aspect,
        kinds: Kind::ALL,
        aspects: Aspect::ALL,
        page,
        filter_query,
        return_to,
    })
}
