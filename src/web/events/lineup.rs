//! The lineup (organizers): moving stories and showing or hiding the lineup.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::event_path;
use crate::app::events as app;
use crate::domain::events::Move;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::flash;
use crate::web::extract::{PathId, PathIds};
use crate::web::guards::Organizer;

fn lineup_path(id: uuid::Uuid) -> String {
    format!("{}#lineup-manage", event_path(id))
}

#[derive(Debug, Deserialize)]
pub struct MoveFields {
    #[serde(default)]
    direction: String,
}

pub async fn move_story(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    PathIds(id, pitch_id): PathIds,
    Form(fields): Form<MoveFields>,
) -> AppResult<Response> {
    let direction = Move::parse(&fields.direction);
    app::move_story(&state.pool, id, pitch_id, direction, Utc::now()).await?;
    Ok(Redirect::to(&lineup_path(id)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct LineupFields {
    #[serde(default)]
    visible: String,
}

pub async fn lineup_visibility(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    session: Session,
    PathId(id): PathId,
    Form(fields): Form<LineupFields>,
) -> AppResult<Response> {
    let visible = fields.visible == "yes";
    app::set_lineup_visibility(&state.pool, &state.config, id, visible).await?;
    let message = if visible {
        "The lineup is published: everyone can see it on the event page."
    } else {
        "The lineup is hidden again: only organizers can see it."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&lineup_path(id)).into_response())
}
