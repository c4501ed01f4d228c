//! Pitching a story (the pitch page, saving, withdrawing) and organizers' decisions.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::show::{InlineError, ShowPage};
use super::{conflict, event_path};
use crate::app::events as app;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::events::{Decision, Event, Pitch, PitchForm, describe_moment, parse_pitch};
use crate::domain::people::Person;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, PathId, PathIds};
use crate::web::forms::ticked;
use crate::web::guards::{CurrentUser, Organizer};

#[derive(Debug, Deserialize)]
pub struct PitchFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    content_note: String,
    recording_consent: Option<String>,
}

impl PitchFields {
    fn into_form(self) -> PitchForm {
        PitchForm {
            title: self.title,
            summary: self.summary,
            minutes: self.minutes,
            content_note: self.content_note,
            recording_consent: ticked(&self.recording_consent),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "events/pitch.html")]
pub struct PitchPage {
    pub chrome: Chrome,
    pub event: Event,
    pub deadline: String,
    pub form: PitchForm,
    pub existing: Option<Pitch>,
    pub closed: Option<&'static str>,
    pub errors: FieldErrors,
}

impl PitchPage {
    fn new(chrome: Chrome, person: &Person, event: Event, form: PitchForm) -> Self {
        PitchPage {
            chrome: chrome.at("events"),
            deadline: describe_moment(event.pitch_deadline, person.time_zone),
            form,
            existing: None,
            closed: None,
            errors: FieldErrors::new(),
            event,
        }
    }
}

pub async fn pitch_page(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<PitchPage> {
    let event = app::visible_event(&state.pool, &person, id).await?;
    let existing = db::events::own_pitch(&state.pool, event.id, person.id).await?;
    let form = existing
        .as_ref()
        .map(PitchForm::from_pitch)
        .unwrap_or_default();
    let closed = event.may_pitch(Utc::now()).err();
    Ok(PitchPage {
        existing,
        closed,
        ..PitchPage::new(chrome, &person, event, form)
    })
}

pub async fn save_pitch(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(fields): Form<PitchFields>,
) -> AppResult<Response> {
    let event = app::visible_event(&state.pool, &person, id).await?;
    event.may_pitch(Utc::now()).map_err(conflict)?;
    let form = fields.into_form();
    let had = db::events::own_pitch(&state.pool, event.id, person.id).await?;
    let input = match parse_pitch(&form, event.minutes_per_story) {
        Ok(input) => input,
        Err(errors) => {
            let page = PitchPage {
                existing: had,
                errors,
                ..PitchPage::new(chrome, &person, event, form)
            };
            return Ok(Invalid(page).into_response());
        }
    };
    db::events::save_pitch(&state.pool, event.id, person.id, &input).await?;
    let message = if had.is_some() {
        "Your pitch is updated."
    } else {
        "Thank you for pitching your story. The organizers will let you know here once they've decided."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&event_path(event.id)).into_response())
}

pub async fn withdraw_pitch(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    let message = if app::withdraw_pitch(&state.pool, &person, id, Utc::now()).await? {
        "Your pitch is withdrawn. You can pitch again until the deadline."
    } else {
        "You hadn't pitched a story for this story night."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&event_path(id)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct DecisionFields {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    message: String,
}

pub async fn decide(
    State(state): State<AppState>,
    Organizer(person): Organizer,
    session: Session,
    chrome: Chrome,
    PathIds(id, pitch_id): PathIds,
    Form(fields): Form<DecisionFields>,
) -> AppResult<Response> {
    let typed = (fields.decision.as_str(), fields.message.as_str());
    let (pitch, decision, seat_note) =
        match app::decide(&state.pool, &state.config, id, pitch_id, typed, Utc::now()).await? {
            Ok(decided) => decided,
            Err((event, problem)) => {
                let mut page = ShowPage::load(&state.pool, chrome, &person, event).await?;
                page.decision_error = Some(InlineError {
                    pitch_id,
                    message: problem,
                    value: fields.message,
                });
                return Ok(Invalid(page).into_response());
            }
        };
    let text = match decision {
        Decision::Accept => format!(
            "\u{201c}{}\u{201d} by {} is in the lineup. {} will see it, with your message, on the event page.",
            pitch.title, pitch.storyteller, pitch.storyteller
        ),
        Decision::Decline => format!(
            "You declined \u{201c}{}\u{201d}. {} will see it, with your message, on the event page.",
            pitch.title, pitch.storyteller
        ),
    };
    match seat_note {
        Some(note) => flash(&session, "info", format!("{text} {note}")).await?,
        None => flash(&session, "success", text).await?,
    }
    Ok(Redirect::to(&format!("{}#pitches", event_path(id))).into_response())
}
