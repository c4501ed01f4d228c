//! The list of story nights: upcoming or past, by office, a page at a time.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use chrono::Utc;
use serde::Deserialize;

use super::{EventCard, card};
use crate::db;
use crate::db::events::Period;
use crate::domain::events::{can_organize, office_filter};
use crate::domain::pagination::{Page, PageRequest};
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::CurrentUser;

const PER_PAGE: u32 = 12;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    when: String,
    #[serde(default)]
    office: String,
    page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "events/list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub past: bool,
    pub cards: Vec<EventCard>,
    pub offices: Vec<String>,
    pub office: String,
    /// `office=...` for the tab links.
    pub office_query: String,
    pub page: Page,
    pub filter_query: String,
    pub time_zone: String,
}

fn query_string(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

pub async fn list(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<ListQuery>,
) -> AppResult<ListPage> {
    let now = Utc::now();
    let past = query.when == "past";
    let office = office_filter(&query.office);
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let period = if past { Period::Past } else { Period::Upcoming };
    let organizer = can_organize(&person);
    let (listed, total) = db::events::list(
        &state.pool,
        period,
        &office,
        organizer,
        person.id,
        now,
        request,
    )
    .await?;
    let zone = person.time_zone;
    Ok(ListPage {
        chrome: chrome.at("events"),
        past,
        cards: listed.into_iter().map(|l| card(l, zone, now)).collect(),
        offices: db::events::offices(&state.pool).await?,
        office_query: query_string(&[("office", &office)]),
        filter_query: query_string(&[
            ("when", if past { "past" } else { "" }),
            ("office", &office),
        ]),
        office,
        page: request.of(total),
        time_zone: zone.name().to_string(),
    })
}
