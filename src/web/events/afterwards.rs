//! After the event: organizers mark who came; people who came thank storytellers privately.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::show::{InlineError, ShowPage};
use super::{event_path, people};
use crate::app::events as app;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, ListForm, PathId, PathIds};
use crate::web::guards::{CurrentUser, Organizer};

/// The attendance form: one `attended` box per person going.
#[derive(Debug, Deserialize)]
pub struct AttendanceFields {
    #[serde(default)]
    attended: Vec<String>,
}

pub async fn attendance(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    session: Session,
    PathId(id): PathId,
    ListForm(fields): ListForm<AttendanceFields>,
) -> AppResult<Response> {
    let attended: Vec<Uuid> = fields
        .attended
        .iter()
        .filter_map(|value| Uuid::parse_str(value).ok())
        .collect();
    app::mark_attendance(&state.pool, id, &attended, Utc::now()).await?;
    let count = attended.len();
    flash(
        &session,
        "success",
        format!(
            "Attendance saved: {count} {} marked as there.",
            people(count as i64)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{}#attendees", event_path(id))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct NoteFields {
    #[serde(default)]
    body: String,
}

pub async fn leave_note(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    PathIds(id, pitch_id): PathIds,
    Form(fields): Form<NoteFields>,
) -> AppResult<Response> {
    let left = app::leave_note(
        &state.pool,
        &person,
        (id, pitch_id),
        &fields.body,
        Utc::now(),
    );
    let (pitch, new) = match left.await? {
        Ok(left) => left,
        Err((event, problem)) => {
            let mut page = ShowPage::load(&state.pool, chrome, &person, event).await?;
            page.note_error = Some(InlineError {
                pitch_id,
                message: problem,
                value: fields.body,
            });
            return Ok(Invalid(page).into_response());
        }
    };
    let message = if new {
        format!(
            "Your note is on its way to {}. Only they will read it.",
            pitch.storyteller
        )
    } else {
        format!(
            "You've already left {} a note for this story.",
            pitch.storyteller
        )
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&format!("{}#notes", event_path(id))).into_response())
}
