//! Saying you're coming, and taking it back (the waitlist moves up on its own).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;

use super::event_path;
use crate::app::events::{self as app, Replied};
use crate::domain::events::RsvpStatus;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::flash;
use crate::web::extract::PathId;
use crate::web::guards::CurrentUser;

/// What the person is told after replying.
fn replied_message(replied: &Replied) -> String {
    let title = &replied.event.title;
    match (replied.existing, replied.rsvp) {
        (Some(_), _) => {
            "You had already replied to this story night; nothing has changed.".to_string()
        }
        (None, Some(r)) if r.is_going() => {
            format!("You're going to \u{201c}{title}\u{201d}. Add it to your calendar below.")
        }
        (None, Some(r)) => format!(
            "\u{201c}{title}\u{201d} is full, so you're on the waitlist at number {}. If a seat opens up you'll move up automatically, and we'll tell you here.",
            r.position.unwrap_or(1)
        ),
        (None, None) => "Your reply couldn't be saved. Please try again.".to_string(),
    }
}

pub async fn rsvp(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    let replied = app::rsvp(&state.pool, &state.config, &person, id, Utc::now()).await?;
    flash(&session, "success", replied_message(&replied)).await?;
    Ok(Redirect::to(&event_path(id)).into_response())
}

pub async fn cancel_rsvp(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    let was = app::cancel_rsvp(&state.pool, &state.config, &person, id, Utc::now()).await?;
    let message = match was {
        Some(RsvpStatus::Going) => {
            "You're no longer going. Thanks for letting us know: your seat has gone to the next person waiting."
        }
        Some(RsvpStatus::Waitlisted) => "You've left the waitlist.",
        None => "You hadn't replied to this story night, so there was nothing to cancel.",
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&event_path(id)).into_response())
}
