//! Planning and changing story nights (organizers): new, create, edit, update, publish,
//! cancel and duplicate.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::{conflict, event_path, people};
use crate::app::events as app;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::events::{Event, EventForm, When, when};
use crate::domain::time::zone_names;
use crate::error::{AppResult, OrNotFound};
use crate::web::AppState;
use crate::web::audit::Acting;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, PathId};
use crate::web::guards::Organizer;

const PUBLISHED: &str =
    "Your story night is published. Everyone can now see it, RSVP and pitch stories.";

/// The event form as posted.
#[derive(Debug, Deserialize)]
pub struct EventFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    video_url: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    storyteller_slots: String,
    #[serde(default)]
    minutes_per_story: String,
    #[serde(default)]
    pitch_deadline: String,
    #[serde(default)]
    action: String,
}

impl EventFields {
    /// The form as typed, and whether the organizer asked to publish.
    fn split(self) -> (EventForm, bool) {
        let publishing = self.action == "publish";
        (
            EventForm {
                title: self.title,
                theme: self.theme,
                description: self.description,
                starts_at: self.starts_at,
                ends_at: self.ends_at,
                time_zone: self.time_zone,
                office: self.office,
                room: self.room,
                video_url: self.video_url,
                capacity: self.capacity,
                storyteller_slots: self.storyteller_slots,
                minutes_per_story: self.minutes_per_story,
                pitch_deadline: self.pitch_deadline,
            },
            publishing,
        )
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "events/form.html")]
pub struct FormPage {
    pub chrome: Chrome,
    /// `None` for a new event.
    pub event: Option<Event>,
    pub form: EventForm,
    pub errors: FieldErrors,
    pub time_zones: Vec<&'static str>,
    pub offices: Vec<String>,
}

impl FormPage {
    async fn new(
        state: &AppState,
        chrome: Chrome,
        event: Option<Event>,
        form: EventForm,
        errors: FieldErrors,
    ) -> AppResult<Self> {
        Ok(FormPage {
            chrome: chrome.at("events"),
            event,
            form,
            errors,
            time_zones: zone_names().collect(),
            offices: db::events::offices(&state.pool).await?,
        })
    }
}

pub async fn new_page(
    State(state): State<AppState>,
    Organizer(person): Organizer,
    chrome: Chrome,
) -> AppResult<FormPage> {
    let form = EventForm::blank(person.time_zone.name(), &person.office);
    FormPage::new(&state, chrome, None, form, FieldErrors::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    Acting(actor): Acting,
    session: Session,
    chrome: Chrome,
    Form(fields): Form<EventFields>,
) -> AppResult<Response> {
    let (form, publishing) = fields.split();
    let id = match app::create(&state.pool, actor, &form, publishing, Utc::now()).await? {
        Ok(id) => id,
        Err(errors) => {
            let page = FormPage::new(&state, chrome, None, form, errors).await?;
            return Ok(Invalid(page).into_response());
        }
    };
    let message = if publishing {
        PUBLISHED
    } else {
        "Saved as a draft. Only organizers can see it until you publish it."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&event_path(id)).into_response())
}

pub async fn edit_page(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<FormPage> {
    let event = db::events::find(&state.pool, id).await?.or_404()?;
    event.may_edit().map_err(conflict)?;
    let form = EventForm::from_event(&event);
    FormPage::new(&state, chrome, Some(event), form, FieldErrors::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    Acting(actor): Acting,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(fields): Form<EventFields>,
) -> AppResult<Response> {
    let (form, publishing) = fields.split();
    let updated = match app::update(
        &state.pool,
        &state.config,
        actor,
        id,
        &form,
        publishing,
        Utc::now(),
    )
    .await?
    {
        Ok(updated) => updated,
        Err((event, errors)) => {
            let page = FormPage::new(&state, chrome, Some(event), form, errors).await?;
            return Ok(Invalid(page).into_response());
        }
    };
    let mut message = if updated.published {
        PUBLISHED.to_string()
    } else {
        "Your changes are saved. Calendars that subscribed will pick them up.".to_string()
    };
    if updated.promoted > 0 {
        let promoted = updated.promoted;
        message.push_str(&format!(
            " {promoted} {} moved up from the waitlist.",
            people(promoted as i64)
        ));
    }
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&event_path(id)).into_response())
}

pub async fn publish(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    Acting(actor): Acting,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<Response> {
    if let Err((event, errors)) = app::publish(&state.pool, actor, id, Utc::now()).await? {
        let form = EventForm::from_event(&event);
        let page = FormPage::new(&state, chrome, Some(event), form, errors).await?;
        return Ok(Invalid(page).into_response());
    }
    flash(&session, "success", PUBLISHED).await?;
    Ok(Redirect::to(&event_path(id)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "events/cancel.html")]
pub struct CancelPage {
    pub chrome: Chrome,
    pub event: Event,
    pub when: When,
}

pub async fn confirm_cancel(
    State(state): State<AppState>,
    Organizer(person): Organizer,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<CancelPage> {
    let event = app::visible_event(&state.pool, &person, id).await?;
    event.may_edit().map_err(conflict)?;
    Ok(CancelPage {
        chrome: chrome.at("events"),
        when: when(&event, person.time_zone),
        event,
    })
}

pub async fn cancel(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    let event = app::cancel(&state.pool, &state.config, id).await?;
    let told = event.going + event.waitlisted;
    let message = if told > 0 {
        format!(
            "\u{201c}{}\u{201d} is cancelled. The {told} {} who had RSVPed will be told on their next visit, and calendar feeds now show it as cancelled.",
            event.title,
            people(told.into())
        )
    } else {
        format!("\u{201c}{}\u{201d} is cancelled.", event.title)
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&event_path(id)).into_response())
}

pub async fn duplicate(
    State(state): State<AppState>,
    Organizer(person): Organizer,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    let new_id = app::duplicate(&state.pool, &person, id).await?;
    flash(
        &session,
        "success",
        "This is a new draft copied from the original, without its RSVPs or pitches. Set the new dates, then publish it.",
    )
    .await?;
    Ok(Redirect::to(&format!("/events/{new_id}/edit")).into_response())
}
