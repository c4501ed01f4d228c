//! A person's notifications: what happened that concerns them, newest first. Reading the page
//! changes nothing; marking read is a POST.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Redirect;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::AppState;
use super::chrome::Chrome;
use super::extract::PathId;
use super::guards::CurrentUser;
use super::routes::Routes;
use crate::app::notifications as use_case;
use crate::domain::time::local_date_time;
use crate::error::AppResult;

/// This area's pages and forms.
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/notifications", list)
        .post("/notifications/read", mark_all_read)
        .post("/notifications/{id}/open", open)
}

/// A notification as the page shows it.
pub struct NotificationView {
    pub id: Uuid,
    pub text: String,
    pub has_link: bool,
    pub when: String,
    pub unread: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub chrome: Chrome,
    pub notifications: Vec<NotificationView>,
    /// The query for the next (older) page, if there is one.
    pub older: Option<String>,
    pub first_page: bool,
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// `<created_at in microseconds>.<id>` of the last notification of the previous page.
    older: Option<String>,
}

fn read_keyset(raw: &str) -> Option<(DateTime<Utc>, Uuid)> {
    let (micros, id) = raw.split_once('.')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
    Some((at, id.parse().ok()?))
}

pub async fn list(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> AppResult<NotificationsPage> {
    let before = query.older.as_deref().and_then(read_keyset);
    let (found, more) = use_case::page(&state.pool, &person, before).await?;
    let older = found
        .last()
        .filter(|_| more)
        .map(|last| format!("older={}.{}", last.created_at.timestamp_micros(), last.id));
    let notifications = found
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            has_link: !n.link.is_empty(),
            when: local_date_time(n.created_at, person.time_zone),
            unread: n.read_at.is_none(),
            text: n.text,
        })
        .collect();
    Ok(NotificationsPage {
        chrome: chrome.at("notifications"),
        notifications,
        older,
        first_page: before.is_none(),
    })
}

/// Opens a notification: marks it read and goes where it leads.
pub async fn open(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    let link = use_case::open(&state.pool, &person, id, Utc::now()).await?;
    let to = if link.is_empty() {
        "/notifications"
    } else {
        &link
    };
    Ok(Redirect::to(to))
}

pub async fn mark_all_read(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
) -> AppResult<Redirect> {
    use_case::mark_all_read(&state.pool, &person, Utc::now()).await?;
    Ok(Redirect::to("/notifications"))
}
