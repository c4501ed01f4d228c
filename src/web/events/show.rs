//! The event page: details, the viewer's RSVP and pitch, the lineup, notes after the event,
//! and for organizers the people going, the waitlist and every pitch.

use std::borrow::Borrow;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use crate::app::events as app;
use crate::db;
use crate::domain::events::{
    Attendee, Event, Pitch, PitchStatus, ReceivedNote, Rsvp, RsvpStatus, When, can_organize,
    describe_moment, may_leave_note, when,
};
use crate::domain::people::Person;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::Chrome;
use crate::web::extract::PathId;
use crate::web::guards::CurrentUser;

/// Most people listed on an organizer's event page, and most pitches.
const LIST_LIMIT: i64 = 1000;

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
    pub rsvp: Option<Rsvp>,
    /// Why RSVPs are closed, if they are.
    pub rsvp_closed: Option<&'static str>,
    pub can_cancel_rsvp: bool,
    pub show_video: bool,
    pub show_lineup: bool,
    pub lineup: Vec<Pitch>,
    pub own_pitch: Option<Pitch>,
    pub pitch_closed: Option<&'static str>,
    pub note_targets: Vec<NoteTarget>,
    pub received_notes: Vec<ReceivedNote>,
    pub is_over: bool,
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
    /// For an accepted storyteller, where they stand: a seat, a place on the waitlist, or
    /// neither (accepting a story doesn't take a seat from the audience).
    pub fn storyteller_seat(&self, person_id: impl Borrow<Uuid>) -> String {
        let id = person_id.borrow();
        if self.going.iter().any(|a| a.person_id == *id) {
            "Has a seat".into()
        } else if let Some(waiting) = self.waitlist.iter().find(|a| a.person_id == *id) {
            format!(
                "No seat yet: number {} on the waitlist",
                waiting.position.unwrap_or(1)
            )
        } else {
            "No seat yet: hasn't said they're coming".into()
        }
    }

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

    /// The page for `person`, with what they may see of `event`.
    pub(super) async fn load(
        pool: &PgPool,
        chrome: Chrome,
        person: &Person,
        event: Event,
    ) -> AppResult<ShowPage> {
        let now = Utc::now();
        let zone = person.time_zone;
        let rsvp = db::events::find_rsvp(pool, event.id, person.id).await?;
        let going_now = rsvp.is_some_and(|r| r.is_going());
        let show_lineup = event.lineup_visible_to(person);
        let lineup = if show_lineup || event.is_over(now) {
            db::events::lineup(pool, event.id).await?
        } else {
            Vec::new()
        };
        let own_pitch = db::events::own_pitch(pool, event.id, person.id).await?;
        let note_targets = if may_leave_note(&event, now, rsvp, false).is_ok() {
            note_targets(pool, &event, person, &lineup).await?
        } else {
            Vec::new()
        };
        let received_notes = match &own_pitch {
            Some(pitch) if pitch.status == PitchStatus::Accepted => {
                db::events::notes_for_storyteller(pool, event.id, person.id).await?
            }
            _ => Vec::new(),
        };
        let (going, waitlist, pitches) = if can_organize(person) {
            organizer_lists(pool, event.id).await?
        } else {
            (Vec::new(), Vec::new(), Vec::new())
        };
        Ok(ShowPage {
            chrome: chrome.at("events"),
            when: when(&event, zone),
            deadline: describe_moment(event.pitch_deadline, zone),
            seats: event.seats_text(),
            place: event.place(),
            rsvp,
            rsvp_closed: event.may_rsvp(now).err(),
            can_cancel_rsvp: event.may_cancel_rsvp(now).is_ok(),
            show_video: event.video_link_for(person, going_now),
            show_lineup: show_lineup && !lineup.is_empty(),
            lineup,
            own_pitch,
            pitch_closed: event.may_pitch(now).err(),
            note_targets,
            received_notes,
            is_over: event.is_over(now),
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

/// The stories of the lineup someone else told, and whether the viewer thanked them yet.
async fn note_targets(
    pool: &PgPool,
    event: &Event,
    person: &Person,
    lineup: &[Pitch],
) -> AppResult<Vec<NoteTarget>> {
    let noted = db::events::noted_stories(pool, event.id, person.id).await?;
    Ok(lineup
        .iter()
        .filter(|p| p.person_id != person.id)
        .map(|p| NoteTarget {
            done: noted.contains(&p.id),
            pitch: p.clone(),
        })
        .collect())
}

/// For organizers: the people going, the waitlist in order, and every pitch.
async fn organizer_lists(
    pool: &PgPool,
    event_id: Uuid,
) -> AppResult<(Vec<Attendee>, Vec<Attendee>, Vec<Pitch>)> {
    let (going, waitlist): (Vec<_>, Vec<_>) = db::events::attendees(pool, event_id, LIST_LIMIT)
        .await?
        .into_iter()
        .partition(|a| a.status == RsvpStatus::Going);
    let pitches = db::events::pitches(pool, event_id, LIST_LIMIT).await?;
    Ok((going, waitlist, pitches))
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<ShowPage> {
    let event = app::visible_event(&state.pool, &person, id).await?;
    ShowPage::load(&state.pool, chrome, &person, event).await
}
