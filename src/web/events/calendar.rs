//! Calendars: one event as an .ics file, and the private feed (its page, a new link,
//! turning it off, and the feed itself).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;

use super::event_path;
use crate::app::events as app;
use crate::db;
use crate::domain::events::{CalendarEntry, Event, calendar};
use crate::domain::people::Person;
use crate::domain::time::{iso_date, local_date};
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use crate::web::chrome::{Chrome, Flash, flash};
use crate::web::extract::PathId;
use crate::web::files::attachment;
use crate::web::guards::CurrentUser;

fn calendar_response(filename: &str, body: String) -> Response {
    attachment("text/calendar; charset=utf-8", filename, body)
}

fn entry<'a>(state: &AppState, event: &'a Event, with_video: bool) -> CalendarEntry<'a> {
    CalendarEntry {
        event,
        url: state.config.url_for(&event_path(event.id)),
        with_video,
    }
}

pub async fn ics(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let event = app::visible_event(&state.pool, &person, id).await?;
    let going = db::events::find_rsvp(&state.pool, event.id, person.id)
        .await?
        .is_some_and(|r| r.is_going());
    let with_video = event.video_link_for(&person, going);
    let body = calendar(&event.title, &[entry(&state, &event, with_video)]);
    let day = event.starts_at.with_timezone(&event.time_zone).date_naive();
    let filename = format!("story-night-{}.ics", iso_date(day));
    Ok(calendar_response(&filename, body))
}

#[derive(Template, WebTemplate)]
#[template(path = "events/feed.html")]
pub struct FeedPage {
    pub chrome: Chrome,
    pub created_on: Option<String>,
    pub fresh_url: Option<String>,
}

/// When the person's feed link was made, in their words.
async fn created_on(state: &AppState, person: &Person) -> AppResult<Option<String>> {
    Ok(db::events::feed_created(&state.pool, person.id)
        .await?
        .map(|at| local_date(at, person.time_zone)))
}

pub async fn feed_page(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<FeedPage> {
    Ok(FeedPage {
        chrome: chrome.at("events"),
        created_on: created_on(&state, &person).await?,
        fresh_url: None,
    })
}

pub async fn new_feed(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<Response> {
    let (token, replaced) = app::new_feed_token(&state.pool, person.id).await?;
    // The link is shown in this response only; the server keeps nothing but its digest.
    let url = state.config.url_for(&format!("/calendar/{token}.ics"));
    let message = if replaced {
        "Here is your new feed link. The old one has stopped working: update any calendar that used it."
    } else {
        "Here is your private feed link. Add it to your calendar app as a subscription."
    };
    let mut chrome = chrome.at("events");
    chrome.flashes.push(Flash {
        kind: "success".into(),
        text: message.into(),
    });
    let page = FeedPage {
        chrome,
        created_on: created_on(&state, &person).await?,
        fresh_url: Some(url),
    };
    Ok((StatusCode::CREATED, page).into_response())
}

pub async fn revoke_feed(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
) -> AppResult<Response> {
    let message = if app::revoke_feed_token(&state.pool, person.id).await? {
        "Your calendar feed is turned off. Calendars subscribed to it will stop updating."
    } else {
        "You didn't have a calendar feed, so there was nothing to turn off."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to("/events/calendar-feed").into_response())
}

/// The private feed: no session, the long random token in the path is the key.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let events = app::feed_events(&state.pool, token, Utc::now()).await?;
    // The feed holds only events the person is going to, so the video link goes in.
    let entries: Vec<CalendarEntry<'_>> = events
        .iter()
        .map(|event| entry(&state, event, true))
        .collect();
    let body = calendar("Attune story nights", &entries);
    Ok(calendar_response("attune-story-nights.ics", body))
}
