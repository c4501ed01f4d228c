//! Story nights: organizers plan events; everyone RSVPs (seats, then a waitlist), pitches
//! stories, adds events to their calendar and, afterwards, thanks storytellers privately.

use std::borrow::Borrow;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use sqlx::PgConnection;
use tower_sessions::Session;
use uuid::Uuid;

use super::chrome::{Chrome, Flash, flash};
use super::files::attachment;
use super::forms::ticked;
use super::guards::{CurrentUser, Organizer};
use super::{AppState, path_id};
use crate::db;
use crate::db::events::{Listed, Period};
use crate::domain::FieldErrors;
use crate::domain::events::{
    self as rules, Attendee, CalendarEntry, Commitments, Event, EventForm, EventInput, EventStatus,
    Move, Notice, Pitch, PitchForm, PitchStatus, ReceivedNote, Rsvp, RsvpStatus, When,
    can_organize,
};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::people::Person;
use crate::domain::time::{local_date, zone_names};
use crate::error::{AppError, AppResult};
use crate::secrets;

const PER_PAGE: u32 = 12;
/// Most people listed on an organizer's event page, and most pitches.
const LIST_LIMIT: i64 = 1000;
/// How far back the private calendar feed reaches.
const FEED_DAYS_BACK: i64 = 90;
const FEED_LIMIT: i64 = 300;

fn zone_of(person: &Person) -> Tz {
    person.time_zone
}

fn conflict(message: &str) -> AppError {
    AppError::Conflict(message.to_string())
}

fn event_path(id: Uuid) -> String {
    format!("/events/{id}")
}

/// An event the person may see, or 404.
async fn visible_event(state: &AppState, person: &Person, id: &str) -> AppResult<Event> {
    db::events::find(&state.pool, path_id(id)?)
        .await?
        .filter(|event| event.visible_to(person))
        .ok_or(AppError::NotFound)
}

/// Locks an event the person may see, or 404.
async fn lock_visible(conn: &mut PgConnection, person: &Person, id: Uuid) -> AppResult<Event> {
    db::events::lock(conn, id)
        .await?
        .filter(|event| event.visible_to(person))
        .ok_or(AppError::NotFound)
}

/// Moves people up from the waitlist into any free seats (before the event starts).
async fn fill_free_seats(
    conn: &mut PgConnection,
    event_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let Some(event) = db::events::find(&mut *conn, event_id).await? else {
        return Ok(0);
    };
    if event.status != EventStatus::Published || event.has_started(now) {
        return Ok(0);
    }
    let count = rules::promotions(event.capacity, event.going, event.waitlisted);
    Ok(db::events::promote(conn, event_id, count).await?)
}

// --- Views shared by pages -------------------------------------------------------------

/// An event as a list shows it.
pub struct EventCard {
    pub event: Event,
    pub when: When,
    pub place: String,
    pub seats: String,
    pub mine: Option<RsvpStatus>,
    pub is_over: bool,
}

impl EventCard {
    pub fn going(&self) -> bool {
        self.mine == Some(RsvpStatus::Going)
    }

    pub fn waiting(&self) -> bool {
        self.mine == Some(RsvpStatus::Waitlisted)
    }
}

fn card(listed: Listed, zone: Tz, now: DateTime<Utc>) -> EventCard {
    let event = listed.event;
    EventCard {
        when: rules::when(&event, zone),
        place: event.place(),
        seats: event.seats_text(),
        mine: listed.mine,
        is_over: event.is_over(now),
        event,
    }
}

// --- The list ---------------------------------------------------------------------------

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
    pub is_organizer: bool,
    pub notices: Vec<Notice>,
    pub time_zone: String,
}

pub async fn list(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<ListQuery>,
) -> AppResult<ListPage> {
    let now = Utc::now();
    let past = query.when == "past";
    let office = rules::office_filter(&query.office);
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let period = if past { Period::Past } else { Period::Upcoming };
    let (listed, total) = db::events::list(
        &state.pool,
        period,
        &office,
        can_organize(&person),
        person.id,
        now,
        request,
    )
    .await?;
    let zone = zone_of(&person);
    let notices = db::events::take_notices(&state.pool, person.id).await?;
    let filter_query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("when", if past { "past" } else { "" })
        .append_pair("office", &office)
        .finish();
    Ok(ListPage {
        chrome: chrome.at("events"),
        past,
        cards: listed.into_iter().map(|l| card(l, zone, now)).collect(),
        offices: db::events::offices(&state.pool).await?,
        office_query: url::form_urlencoded::Serializer::new(String::new())
            .append_pair("office", &office)
            .finish(),
        office,
        page: request.of(total),
        filter_query,
        is_organizer: can_organize(&person),
        notices,
        time_zone: zone.name().to_string(),
    })
}

// --- Creating and editing ----------------------------------------------------------------

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

    fn invalid(self) -> Response {
        (StatusCode::UNPROCESSABLE_ENTITY, self).into_response()
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
    Organizer(person): Organizer,
    session: Session,
    chrome: Chrome,
    Form(fields): Form<EventFields>,
) -> AppResult<Response> {
    let now = Utc::now();
    let (form, publishing) = fields.split();
    let checked = rules::parse_event(&form, Commitments::default()).and_then(|input| {
        if publishing {
            rules::check_publishable(input.starts_at, now)?;
        }
        Ok(input)
    });
    let input = match checked {
        Ok(input) => input,
        Err(errors) => {
            return Ok(FormPage::new(&state, chrome, None, form, errors)
                .await?
                .invalid());
        }
    };
    let status = if publishing {
        EventStatus::Published
    } else {
        EventStatus::Draft
    };
    let id = db::events::insert(&state.pool, &input, status, person.id).await?;
    let message = if publishing {
        "Your story night is published. Everyone can now see it, RSVP and pitch stories."
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
    Path(id): Path<String>,
) -> AppResult<Response> {
    let event = db::events::find(&state.pool, path_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    event.may_edit().map_err(conflict)?;
    let form = EventForm::from_event(&event);
    Ok(
        FormPage::new(&state, chrome, Some(event), form, FieldErrors::new())
            .await?
            .into_response(),
    )
}

pub async fn update(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    session: Session,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(fields): Form<EventFields>,
) -> AppResult<Response> {
    let now = Utc::now();
    let id = path_id(&id)?;
    let (form, publishing) = fields.split();
    let mut tx = state.pool.begin().await?;
    let event = db::events::lock(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    event.may_edit().map_err(conflict)?;
    let commitments = Commitments {
        going: event.going,
        accepted: db::events::accepted_count(&mut *tx, id).await?,
    };
    // A public event must stay in the future when its start moves; a draft may be anything
    // until it is published.
    let must_be_future = publishing || !event.is_draft();
    let checked = rules::parse_event(&form, commitments).and_then(|input| {
        if must_be_future && (publishing || input.starts_at != event.starts_at) {
            rules::check_publishable(input.starts_at, now)?;
        }
        Ok(input)
    });
    let input = match checked {
        Ok(input) => input,
        Err(errors) => {
            drop(tx);
            return Ok(FormPage::new(&state, chrome, Some(event), form, errors)
                .await?
                .invalid());
        }
    };
    db::events::update(&mut *tx, id, &input).await?;
    if publishing && event.is_draft() {
        db::events::publish(&mut *tx, id).await?;
    }
    // More seats (or no limit any more) let people in from the waitlist.
    let promoted = fill_free_seats(&mut tx, id, now).await?;
    tx.commit().await?;
    let mut message = if publishing && event.is_draft() {
        "Your story night is published. Everyone can now see it, RSVP and pitch stories."
            .to_string()
    } else {
        "Your changes are saved. Calendars that subscribed will pick them up.".to_string()
    };
    if promoted > 0 {
        message.push_str(&format!(
            " {promoted} {} moved up from the waitlist.",
            if promoted == 1 { "person" } else { "people" }
        ));
    }
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&event_path(id)).into_response())
}

pub async fn publish(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    session: Session,
    chrome: Chrome,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let now = Utc::now();
    let id = path_id(&id)?;
    let mut tx = state.pool.begin().await?;
    let event = db::events::lock(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !event.is_draft() {
        return Err(conflict(if event.is_cancelled() {
            "This story night has been cancelled, so it can't be published. Duplicate it to plan a new one."
        } else {
            "This story night is already published."
        }));
    }
    if let Err(errors) = rules::check_publishable(event.starts_at, now) {
        drop(tx);
        let form = EventForm::from_event(&event);
        return Ok(FormPage::new(&state, chrome, Some(event), form, errors)
            .await?
            .invalid());
    }
    db::events::publish(&mut *tx, id).await?;
    tx.commit().await?;
    flash(
        &session,
        "success",
        "Your story night is published. Everyone can now see it, RSVP and pitch stories.",
    )
    .await?;
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
    Path(id): Path<String>,
) -> AppResult<CancelPage> {
    let event = visible_event(&state, &person, &id).await?;
    event.may_edit().map_err(conflict)?;
    Ok(CancelPage {
        chrome: chrome.at("events"),
        when: rules::when(&event, zone_of(&person)),
        event,
    })
}

pub async fn cancel(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = path_id(&id)?;
    let mut tx = state.pool.begin().await?;
    let event = db::events::lock(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    event.may_edit().map_err(conflict)?;
    db::events::cancel(&mut tx, id).await?;
    tx.commit().await?;
    let told = event.going + event.waitlisted;
    let message = if told > 0 {
        format!(
            "\u{201c}{}\u{201d} is cancelled. The {told} {} who had RSVPed will be told on their next visit, and calendar feeds now show it as cancelled.",
            event.title,
            if told == 1 { "person" } else { "people" }
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
    Path(id): Path<String>,
) -> AppResult<Response> {
    let event = visible_event(&state, &person, &id).await?;
    let copy = EventInput::copy_of(&event);
    let new_id = db::events::insert(&state.pool, &copy, EventStatus::Draft, person.id).await?;
    flash(
        &session,
        "success",
        "This is a new draft copied from the original, without its RSVPs or pitches. Set the new dates, then publish it.",
    )
    .await?;
    Ok(Redirect::to(&format!("/events/{new_id}/edit")).into_response())
}

// --- The event page ------------------------------------------------------------------------

/// A story the viewer can leave a note for, after the event.
pub struct NoteTarget {
    pub pitch: Pitch,
    pub done: bool,
}

/// A problem with one of the small forms on the event page, tied to a story.
pub struct InlineError {
    pub pitch_id: Uuid,
    pub message: String,
    pub value: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "events/show.html")]
pub struct ShowPage {
    pub chrome: Chrome,
    pub event: Event,
    pub when: When,
    pub deadline: String,
    pub seats: String,
    pub place: String,
    pub is_organizer: bool,
    pub rsvp: Option<Rsvp>,
    /// Why RSVPs are closed, if they are.
    pub rsvp_closed: Option<&'static str>,
    pub can_cancel_rsvp: bool,
    pub show_video: bool,
    pub show_lineup: bool,
    pub lineup: Vec<Pitch>,
    pub own_pitch: Option<Pitch>,
    pub pitch_closed: Option<&'static str>,
    pub notices: Vec<Notice>,
    pub note_targets: Vec<NoteTarget>,
    pub received_notes: Vec<ReceivedNote>,
    pub is_over: bool,
    pub has_started: bool,
    // For organizers:
    pub going: Vec<Attendee>,
    pub waitlist: Vec<Attendee>,
    pub pitches: Vec<Pitch>,
    pub can_change_lineup: bool,
    pub can_mark_attendance: bool,
    pub decision_error: Option<InlineError>,
    pub note_error: Option<InlineError>,
}

impl ShowPage {
    pub fn decision_error_for(&self, pitch_id: impl Borrow<Uuid>) -> Option<&InlineError> {
        let pitch_id = *pitch_id.borrow();
        self.decision_error
            .as_ref()
            .filter(|e| e.pitch_id == pitch_id)
    }

    pub fn note_error_for(&self, pitch_id: impl Borrow<Uuid>) -> Option<&InlineError> {
        let pitch_id = *pitch_id.borrow();
        self.note_error.as_ref().filter(|e| e.pitch_id == pitch_id)
    }

    pub fn is_going(&self) -> bool {
        self.rsvp.is_some_and(|r| r.is_going())
    }

    /// The viewer's place on the waitlist, if they are waiting.
    pub fn waiting_position(&self) -> Option<i64> {
        self.rsvp
            .filter(|r| !r.is_going())
            .map(|r| r.position.unwrap_or(1))
    }

    async fn load(
        state: &AppState,
        chrome: Chrome,
        person: &Person,
        event: Event,
    ) -> AppResult<ShowPage> {
        let now = Utc::now();
        let zone = zone_of(person);
        let is_organizer = can_organize(person);
        let pool = &state.pool;
        let rsvp = db::events::find_rsvp(pool, event.id, person.id).await?;
        let going_now = rsvp.is_some_and(|r| r.is_going());
        let show_lineup = is_organizer || (event.lineup_published && !event.is_cancelled());
        let lineup = if show_lineup || event.is_over(now) {
            db::events::lineup(pool, event.id).await?
        } else {
            Vec::new()
        };
        let own_pitch = db::events::own_pitch(pool, event.id, person.id).await?;
        let note_targets = if rules::may_leave_note(&event, now, rsvp, false).is_ok() {
            let noted = db::events::noted_stories(pool, event.id, person.id).await?;
            lineup
                .iter()
                .filter(|p| p.person_id != person.id)
                .map(|p| NoteTarget {
                    done: noted.contains(&p.id),
                    pitch: p.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let received_notes = match &own_pitch {
            Some(pitch) if pitch.status == PitchStatus::Accepted => {
                db::events::notes_for_storyteller(pool, event.id, person.id).await?
            }
            _ => Vec::new(),
        };
        let (going, waitlist, pitches) = if is_organizer {
            let (going, waitlist): (Vec<_>, Vec<_>) =
                db::events::attendees(pool, event.id, LIST_LIMIT)
                    .await?
                    .into_iter()
                    .partition(|a| a.status == RsvpStatus::Going);
            let pitches = db::events::pitches(pool, event.id, LIST_LIMIT).await?;
            (going, waitlist, pitches)
        } else {
            (Vec::new(), Vec::new(), Vec::new())
        };
        let notices = db::events::take_notices(pool, person.id).await?;
        Ok(ShowPage {
            chrome: chrome.at("events"),
            when: rules::when(&event, zone),
            deadline: rules::describe_moment(event.pitch_deadline, zone),
            seats: event.seats_text(),
            place: event.place(),
            is_organizer,
            rsvp,
            rsvp_closed: event.may_rsvp(now).err(),
            can_cancel_rsvp: event.may_cancel_rsvp(now).is_ok(),
            show_video: (going_now || is_organizer) && !event.video_url.is_empty(),
            show_lineup: show_lineup && !lineup.is_empty(),
            lineup,
            own_pitch,
            pitch_closed: event.may_pitch(now).err(),
            notices,
            note_targets,
            received_notes,
            is_over: event.is_over(now),
            has_started: event.has_started(now),
            going,
            waitlist,
            pitches,
            can_change_lineup: event.may_change_lineup(now).is_ok(),
            can_mark_attendance: event.may_mark_attendance(now).is_ok(),
            decision_error: None,
            note_error: None,
            event,
        })
    }
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Path(id): Path<String>,
) -> AppResult<ShowPage> {
    let event = visible_event(&state, &person, &id).await?;
    ShowPage::load(&state, chrome, &person, event).await
}

// --- RSVPs --------------------------------------------------------------------------------

pub async fn rsvp(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let now = Utc::now();
    let id = path_id(&id)?;
    // One RSVP at a time per event: the row lock makes "is there a seat?" and "take it" one
    // step, however many people click at once.
    let mut tx = state.pool.begin().await?;
    let event = lock_visible(&mut tx, &person, id).await?;
    event.may_rsvp(now).map_err(conflict)?;
    let existing = db::events::find_rsvp(&mut *tx, id, person.id).await?;
    if existing.is_none() {
        let place = rules::place_for(event.capacity, event.going);
        db::events::insert_rsvp(&mut tx, id, person.id, place).await?;
    }
    let rsvp = db::events::find_rsvp(&mut *tx, id, person.id).await?;
    tx.commit().await?;
    let message = match (existing, rsvp) {
        (Some(_), _) => {
            "You had already replied to this story night; nothing has changed.".to_string()
        }
        (None, Some(r)) if r.is_going() => format!(
            "You're going to \u{201c}{}\u{201d}. Add it to your calendar below.",
            event.title
        ),
        (None, Some(r)) => format!(
            "\u{201c}{}\u{201d} is full, so you're on the waitlist at number {}. If a seat opens up you'll move up automatically, and we'll tell you here.",
            event.title,
            r.position.unwrap_or(1)
        ),
        (None, None) => "Your reply couldn't be saved. Please try again.".to_string(),
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&event_path(id)).into_response())
}

pub async fn cancel_rsvp(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let now = Utc::now();
    let id = path_id(&id)?;
    let mut tx = state.pool.begin().await?;
    let event = lock_visible(&mut tx, &person, id).await?;
    event.may_cancel_rsvp(now).map_err(conflict)?;
    let was = db::events::delete_rsvp(&mut tx, id, person.id).await?;
    if was == Some(RsvpStatus::Going) {
        fill_free_seats(&mut tx, id, now).await?;
    }
    tx.commit().await?;
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

// --- Calendars ------------------------------------------------------------------------------

fn calendar_response(filename: &str, body: String) -> Response {
    attachment("text/calendar; charset=utf-8", filename, body)
}

pub async fn ics(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let event = visible_event(&state, &person, &id).await?;
    let going = db::events::find_rsvp(&state.pool, event.id, person.id)
        .await?
        .is_some_and(|r| r.is_going());
    let entry = CalendarEntry {
        event: &event,
        url: state.config.url_for(&event_path(event.id)),
        with_video: going || can_organize(&person),
    };
    let body = rules::calendar(&event.title, &[entry]);
    let filename = format!(
        "story-night-{}.ics",
        event
            .starts_at
            .with_timezone(&event.time_zone)
            .format("%Y-%m-%d")
    );
    Ok(calendar_response(&filename, body))
}

#[derive(Template, WebTemplate)]
#[template(path = "events/feed.html")]
pub struct FeedPage {
    pub chrome: Chrome,
    pub created_on: Option<String>,
    pub fresh_url: Option<String>,
}

pub async fn feed_page(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<FeedPage> {
    let created_on = db::events::feed_created(&state.pool, person.id)
        .await?
        .map(|at| local_date(at, person.time_zone));
    Ok(FeedPage {
        chrome: chrome.at("events"),
        created_on,
        fresh_url: None,
    })
}

pub async fn new_feed(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<Response> {
    let token = secrets::new_token();
    let replaced = db::events::feed_created(&state.pool, person.id)
        .await?
        .is_some();
    db::events::set_feed(&state.pool, person.id, &secrets::token_digest(&token)).await?;
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
    let created_on = db::events::feed_created(&state.pool, person.id)
        .await?
        .map(|at| local_date(at, person.time_zone));
    let page = FeedPage {
        chrome,
        created_on,
        fresh_url: Some(url),
    };
    Ok((StatusCode::CREATED, page).into_response())
}

pub async fn revoke_feed(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
) -> AppResult<Response> {
    let message = if db::events::revoke_feed(&state.pool, person.id).await? {
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
    if token.is_empty() || token.len() > 100 {
        return Err(AppError::NotFound);
    }
    let person_id = db::events::feed_owner(&state.pool, &secrets::token_digest(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let since = Utc::now() - Duration::days(FEED_DAYS_BACK);
    let events = db::events::feed_events(&state.pool, person_id, since, FEED_LIMIT).await?;
    let entries: Vec<CalendarEntry<'_>> = events
        .iter()
        .map(|event| CalendarEntry {
            event,
            url: state.config.url_for(&event_path(event.id)),
            with_video: true,
        })
        .collect();
    let body = rules::calendar("Attune story nights", &entries);
    Ok(calendar_response("attune-story-nights.ics", body))
}

// --- Pitches ------------------------------------------------------------------------------

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

pub async fn pitch_page(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Path(id): Path<String>,
) -> AppResult<PitchPage> {
    let now = Utc::now();
    let event = visible_event(&state, &person, &id).await?;
    let existing = db::events::own_pitch(&state.pool, event.id, person.id).await?;
    Ok(PitchPage {
        chrome: chrome.at("events"),
        deadline: rules::describe_moment(event.pitch_deadline, zone_of(&person)),
        form: existing
            .as_ref()
            .map(PitchForm::from_pitch)
            .unwrap_or_default(),
        closed: event.may_pitch(now).err(),
        errors: FieldErrors::new(),
        existing,
        event,
    })
}

pub async fn save_pitch(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(fields): Form<PitchFields>,
) -> AppResult<Response> {
    let now = Utc::now();
    let event = visible_event(&state, &person, &id).await?;
    event.may_pitch(now).map_err(conflict)?;
    let form = PitchForm {
        title: fields.title,
        summary: fields.summary,
        minutes: fields.minutes,
        content_note: fields.content_note,
        recording_consent: ticked(&fields.recording_consent),
    };
    let input = match rules::parse_pitch(&form, event.minutes_per_story) {
        Ok(input) => input,
        Err(errors) => {
            let existing = db::events::own_pitch(&state.pool, event.id, person.id).await?;
            let page = PitchPage {
                chrome: chrome.at("events"),
                deadline: rules::describe_moment(event.pitch_deadline, zone_of(&person)),
                form,
                existing,
                closed: None,
                errors,
                event,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let had = db::events::own_pitch(&state.pool, event.id, person.id)
        .await?
        .is_some();
    db::events::save_pitch(&state.pool, event.id, person.id, &input).await?;
    let message = if had {
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
    Path(id): Path<String>,
) -> AppResult<Response> {
    let now = Utc::now();
    let id = path_id(&id)?;
    let mut tx = state.pool.begin().await?;
    let event = lock_visible(&mut tx, &person, id).await?;
    event.may_pitch(now).map_err(conflict)?;
    let withdrawn = db::events::delete_pitch(&mut tx, id, person.id).await?;
    tx.commit().await?;
    let message = if withdrawn {
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
    Path((id, pitch_id)): Path<(String, String)>,
    Form(fields): Form<DecisionFields>,
) -> AppResult<Response> {
    let now = Utc::now();
    let (id, pitch_id) = (path_id(&id)?, path_id(&pitch_id)?);
    let mut tx = state.pool.begin().await?;
    let event = db::events::lock(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let pitch = db::events::find_pitch(&mut *tx, id, pitch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    event.may_change_lineup(now).map_err(conflict)?;
    let (decision, message) = match rules::parse_decision(&fields.decision, &fields.message) {
        Ok(parsed) => parsed,
        Err(problem) => {
            drop(tx);
            let mut page = ShowPage::load(&state, chrome, &person, event).await?;
            page.decision_error = Some(InlineError {
                pitch_id,
                message: problem,
                value: fields.message,
            });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if decision == rules::Decision::Accept && pitch.status != PitchStatus::Accepted {
        let accepted = db::events::accepted_count(&mut *tx, id).await?;
        rules::may_accept(accepted, event.storyteller_slots).map_err(AppError::Conflict)?;
    }
    db::events::decide(&mut tx, id, pitch_id, decision, &message).await?;
    tx.commit().await?;
    let text = match decision {
        rules::Decision::Accept => format!(
            "\u{201c}{}\u{201d} by {} is in the lineup. {} will see it, with your message, on the event page.",
            pitch.title, pitch.storyteller, pitch.storyteller
        ),
        rules::Decision::Decline => format!(
            "You declined \u{201c}{}\u{201d}. {} will see it, with your message, on the event page.",
            pitch.title, pitch.storyteller
        ),
    };
    flash(&session, "success", text).await?;
    Ok(Redirect::to(&format!("{}#pitches", event_path(id))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct MoveFields {
    #[serde(default)]
    direction: String,
}

pub async fn move_story(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    Path((id, pitch_id)): Path<(String, String)>,
    Form(fields): Form<MoveFields>,
) -> AppResult<Response> {
    let now = Utc::now();
    let (id, pitch_id) = (path_id(&id)?, path_id(&pitch_id)?);
    let mut tx = state.pool.begin().await?;
    let event = db::events::lock(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let pitch = db::events::find_pitch(&mut *tx, id, pitch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    event.may_change_lineup(now).map_err(conflict)?;
    let position = pitch
        .lineup_position
        .ok_or_else(|| conflict("Only stories in the lineup can be moved."))?;
    let count = db::events::accepted_count(&mut *tx, id).await?;
    let target = Move::parse(&fields.direction).and_then(|m| m.target(position, count));
    if let Some(target) = target {
        db::events::swap_places(&mut *tx, id, position, target).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}#lineup-manage", event_path(id))).into_response())
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
    Path(id): Path<String>,
    Form(fields): Form<LineupFields>,
) -> AppResult<Response> {
    let id = path_id(&id)?;
    let event = db::events::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let visible = fields.visible == "yes";
    db::events::set_lineup_published(&state.pool, event.id, visible).await?;
    let message = if visible {
        "The lineup is published: everyone can see it on the event page."
    } else {
        "The lineup is hidden again: only organizers can see it."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&format!("{}#lineup-manage", event_path(id))).into_response())
}

pub async fn attendance(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    session: Session,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let now = Utc::now();
    let id = path_id(&id)?;
    let event = db::events::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    event.may_mark_attendance(now).map_err(conflict)?;
    let attended: Vec<Uuid> = fields
        .iter()
        .filter(|(name, _)| name == "attended")
        .filter_map(|(_, value)| Uuid::parse_str(value).ok())
        .collect();
    db::events::set_attendance(&state.pool, id, &attended).await?;
    flash(
        &session,
        "success",
        format!(
            "Attendance saved: {} {} marked as there.",
            attended.len(),
            if attended.len() == 1 {
                "person"
            } else {
                "people"
            }
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{}#attendees", event_path(id))).into_response())
}

// --- After the event ------------------------------------------------------------------------

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
    Path((id, pitch_id)): Path<(String, String)>,
    Form(fields): Form<NoteFields>,
) -> AppResult<Response> {
    let now = Utc::now();
    let event = visible_event(&state, &person, &id).await?;
    let pitch = db::events::find_pitch(&state.pool, event.id, path_id(&pitch_id)?)
        .await?
        .filter(|p| p.status == PitchStatus::Accepted)
        .ok_or(AppError::NotFound)?;
    let rsvp = db::events::find_rsvp(&state.pool, event.id, person.id).await?;
    rules::may_leave_note(&event, now, rsvp, pitch.person_id == person.id).map_err(conflict)?;
    let body = match rules::parse_note(&fields.body) {
        Ok(body) => body,
        Err(problem) => {
            let mut page = ShowPage::load(&state, chrome, &person, event).await?;
            page.note_error = Some(InlineError {
                pitch_id: pitch.id,
                message: problem,
                value: fields.body,
            });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let message = if db::events::insert_note(&state.pool, pitch.id, person.id, &body).await? {
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
    Ok(Redirect::to(&format!("{}#notes", event_path(event.id))).into_response())
}

// --- The home page ----------------------------------------------------------------------------

/// What the home page shows about story nights for a person.
pub struct HomeStoryNights {
    pub notices: Vec<Notice>,
    pub upcoming: Vec<EventCard>,
}

/// Notices waiting for the person (cleared as they are shown) and their next story nights.
pub async fn home_summary(state: &AppState, person: &Person) -> AppResult<HomeStoryNights> {
    let now = Utc::now();
    let zone = zone_of(person);
    let notices = db::events::take_notices(&state.pool, person.id).await?;
    let upcoming = db::events::upcoming_for(&state.pool, person.id, now, 3)
        .await?
        .into_iter()
        .map(|l| card(l, zone, now))
        .collect();
    Ok(HomeStoryNights { notices, upcoming })
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/events", list)
        .get("/events/new", new_page)
        .post("/events", create)
        .get("/events/calendar-feed", feed_page)
        .post("/events/calendar-feed", new_feed)
        .post("/events/calendar-feed/revoke", revoke_feed)
        .get("/events/{id}", show)
        .post("/events/{id}", update)
        .get("/events/{id}/edit", edit_page)
        .post("/events/{id}/publish", publish)
        .get("/events/{id}/cancel", confirm_cancel)
        .post("/events/{id}/cancel", cancel)
        .post("/events/{id}/duplicate", duplicate)
        .post("/events/{id}/rsvp", rsvp)
        .post("/events/{id}/rsvp/cancel", cancel_rsvp)
        .get("/events/{id}/calendar.ics", ics)
        .get("/events/{id}/pitch", pitch_page)
        .post("/events/{id}/pitch", save_pitch)
        .post("/events/{id}/pitch/withdraw", withdraw_pitch)
        .post("/events/{id}/pitches/{pitch_id}/decision", decide)
        .post("/events/{id}/pitches/{pitch_id}/move", move_story)
        .post("/events/{id}/pitches/{pitch_id}/note", leave_note)
        .post("/events/{id}/lineup", lineup_visibility)
        .post("/events/{id}/attendance", attendance)
        .get("/calendar/{file}", feed)
}
