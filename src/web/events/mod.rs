//! Story nights: organizers plan events; everyone RSVPs (seats, then a waitlist), pitches
//! stories, adds events to their calendar and, afterwards, thanks storytellers privately.
//!
//! One file per group of pages: the list, planning and editing, the event page, RSVPs,
//! pitches, the lineup, after the event, calendars. The rules live in
//! `crate::domain::events`, the transactions in `crate::app::events`.

mod afterwards;
mod calendar;
mod editing;
mod lineup;
mod list;
mod pitches;
mod rsvp;
mod show;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::AppState;
use crate::db;
use crate::db::events::Listed;
use crate::domain::events::{Event, RsvpStatus, When, when};
use crate::domain::people::Person;
use crate::error::{AppError, AppResult};

fn event_path(id: Uuid) -> String {
    format!("/events/{id}")
}

/// "person" or "people", after a count.
fn people(count: i64) -> &'static str {
    if count == 1 { "person" } else { "people" }
}

/// A rule of the event refused the request: 409 with its sentence.
fn conflict(message: &str) -> AppError {
    AppError::Conflict(message.to_string())
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
        when: when(&event, zone),
        place: event.place(),
        seats: event.seats_text(),
        mine: listed.mine,
        is_over: event.is_over(now),
        event,
    }
}

// --- The home page ----------------------------------------------------------------------------

/// What the home page shows about story nights for a person.
pub struct HomeStoryNights {
    pub upcoming: Vec<EventCard>,
}

/// The person's next story nights.
pub async fn home_summary(state: &AppState, person: &Person) -> AppResult<HomeStoryNights> {
    let now = Utc::now();
    let zone = person.time_zone;
    let upcoming = db::events::upcoming_for(&state.pool, person.id, now, 3)
        .await?
        .into_iter()
        .map(|l| card(l, zone, now))
        .collect();
    Ok(HomeStoryNights { upcoming })
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/events", list::list)
        .get("/events/new", editing::new_page)
        .post("/events", editing::create)
        .get("/events/calendar-feed", calendar::feed_page)
        .post("/events/calendar-feed", calendar::new_feed)
        .post("/events/calendar-feed/revoke", calendar::revoke_feed)
        .get("/events/{id}", show::show)
        .post("/events/{id}", editing::update)
        .get("/events/{id}/edit", editing::edit_page)
        .post("/events/{id}/publish", editing::publish)
        .get("/events/{id}/cancel", editing::confirm_cancel)
        .post("/events/{id}/cancel", editing::cancel)
        .post("/events/{id}/duplicate", editing::duplicate)
        .post("/events/{id}/rsvp", rsvp::rsvp)
        .post("/events/{id}/rsvp/cancel", rsvp::cancel_rsvp)
        .get("/events/{id}/calendar.ics", calendar::ics)
        .get("/events/{id}/pitch", pitches::pitch_page)
        .post("/events/{id}/pitch", pitches::save_pitch)
        .post("/events/{id}/pitch/withdraw", pitches::withdraw_pitch)
        .post("/events/{id}/pitches/{pitch_id}/decision", pitches::decide)
        .post("/events/{id}/pitches/{pitch_id}/move", lineup::move_story)
        .post(
            "/events/{id}/pitches/{pitch_id}/note",
            afterwards::leave_note,
        )
        .post("/events/{id}/lineup", lineup::lineup_visibility)
        .post("/events/{id}/attendance", afterwards::attendance)
        .get("/calendar/{file}", calendar::feed)
}
