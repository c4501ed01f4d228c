//! The event itself: where it is in its life, who sees it, and what it allows when.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::domain::people::Person;

/// Organizers run story nights; HR admins may too.
pub fn can_organize(person: &Person) -> bool {
    person.is_organizer() || person.is_hr_admin()
}

/// Where an event is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum EventStatus {
    /// Being prepared: organizers only.
    Draft,
    Published,
    /// Called off: still visible, never open for RSVPs.
    Cancelled,
}

impl EventStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A story night as stored, with its current numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: Uuid,
    pub title: String,
    pub theme: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: Tz,
    pub office: String,
    pub room: String,
    pub video_url: String,
    /// `None` means unlimited seats.
    pub capacity: Option<i32>,
    pub storyteller_slots: i32,
    pub minutes_per_story: i32,
    pub pitch_deadline: DateTime<Utc>,
    pub status: EventStatus,
    /// Whether it was ever published: then everyone can see it, even once cancelled.
    pub published: bool,
    pub lineup_published: bool,
    /// iCalendar SEQUENCE, bumped by every change.
    pub sequence: i32,
    pub going: i32,
    pub waitlisted: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Event {
    pub fn is_draft(&self) -> bool {
        self.status == EventStatus::Draft
    }

    pub fn is_cancelled(&self) -> bool {
        self.status == EventStatus::Cancelled
    }

    pub fn has_started(&self, now: DateTime<Utc>) -> bool {
        now >= self.starts_at
    }

    pub fn is_over(&self, now: DateTime<Utc>) -> bool {
        now >= self.ends_at
    }

    /// Drafts (never published) are for organizers only; to anyone else they don't exist.
    /// Once published, an event stays visible to everyone, even when cancelled.
    pub fn visible_to(&self, person: &Person) -> bool {
        self.published || can_organize(person)
    }

    /// The lineup is for organizers until they publish it, and for nobody else once the
    /// event is cancelled.
    pub fn lineup_visible_to(&self, person: &Person) -> bool {
        can_organize(person) || (self.lineup_published && !self.is_cancelled())
    }

    /// The video link is for people going and for organizers (on the page and in calendar
    /// files alike), and only when there is one.
    pub fn video_link_for(&self, person: &Person, going: bool) -> bool {
        (going || can_organize(person)) && !self.video_url.is_empty()
    }

    /// Seats still free; `None` when seats are unlimited.
    pub fn seats_left(&self) -> Option<i32> {
        self.capacity.map(|c| (c - self.going).max(0))
    }

    /// "12 of 40 seats left", "Full · 3 on the waitlist", "Open to everyone, no seat limit".
    pub fn seats_text(&self) -> String {
        match self.seats_left() {
            None => "Open to everyone, no seat limit".to_string(),
            Some(0) if self.waitlisted > 0 => {
                format!("Full · {} on the waitlist", self.waitlisted)
            }
            Some(0) => "Full · new replies join the waitlist".to_string(),
            Some(left) => {
                let capacity = self.capacity.unwrap_or(0);
                let seats = if capacity == 1 { "seat" } else { "seats" };
                format!("{left} of {capacity} {seats} left")
            }
        }
    }

    pub fn is_full(&self) -> bool {
        self.seats_left() == Some(0)
    }

    /// Whether people can still say they are coming.
    pub fn may_rsvp(&self, now: DateTime<Utc>) -> Result<(), &'static str> {
        match self.status {
            EventStatus::Draft => Err("This story night isn't open yet: it is still a draft."),
            EventStatus::Cancelled => Err("This story night has been cancelled."),
            EventStatus::Published if self.is_over(now) => Err("This story night is over."),
            EventStatus::Published if self.has_started(now) => {
                Err("This story night has already started, so RSVPs are closed.")
            }
            EventStatus::Published => Ok(()),
        }
    }

    /// Whether people can cancel their RSVP (any time until the event is over).
    pub fn may_cancel_rsvp(&self, now: DateTime<Utc>) -> Result<(), &'static str> {
        if self.is_over(now) {
            Err("This story night is over, so there's nothing to cancel.")
        } else {
            Ok(())
        }
    }

    /// Whether stories can be pitched, edited or withdrawn.
    pub fn may_pitch(&self, now: DateTime<Utc>) -> Result<(), &'static str> {
        match self.status {
            EventStatus::Draft => Err("This story night isn't open yet: it is still a draft."),
            EventStatus::Cancelled => Err("This story night has been cancelled."),
            EventStatus::Published if now >= self.pitch_deadline => {
                Err("The deadline for pitches has passed.")
            }
            EventStatus::Published if self.storyteller_slots == 0 => {
                Err("This story night has no storyteller slots.")
            }
            EventStatus::Published => Ok(()),
        }
    }

    /// Whether the lineup can change: until the event starts, unless cancelled.
    pub fn may_change_lineup(&self, now: DateTime<Utc>) -> Result<(), &'static str> {
        if self.is_cancelled() {
            Err("This story night has been cancelled.")
        } else if self.has_started(now) {
            Err("This story night has started, so the lineup is settled.")
        } else {
            Ok(())
        }
    }

    /// Whether a draft can be published (only drafts can).
    pub fn may_publish(&self) -> Result<(), &'static str> {
        match self.status {
            EventStatus::Draft => Ok(()),
            EventStatus::Cancelled => Err(
                "This story night has been cancelled, so it can't be published. Duplicate it to plan a new one.",
            ),
            EventStatus::Published => Err("This story night is already published."),
        }
    }

    /// Whether organizers can change the event itself.
    pub fn may_edit(&self) -> Result<(), &'static str> {
        if self.is_cancelled() {
            Err(
                "This story night has been cancelled, so it can't be changed. Duplicate it to plan a new one.",
            )
        } else {
            Ok(())
        }
    }

    /// Whether attendance can be recorded (from the start, for events that happened).
    pub fn may_mark_attendance(&self, now: DateTime<Utc>) -> Result<(), &'static str> {
        if self.is_cancelled() {
            Err("This story night was cancelled.")
        } else if self.is_draft() {
            Err("This story night was never published.")
        } else if !self.has_started(now) {
            Err("Attendance can be marked once the story night has started.")
        } else {
            Ok(())
        }
    }

    /// Where it happens, in words ("Room 4 · London", "Online", or both).
    pub fn place(&self) -> String {
        let mut parts: Vec<&str> = [self.room.as_str(), self.office.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        if !self.video_url.is_empty() {
            parts.push("Online");
        }
        parts.join(" · ")
    }
}

/// Whether saving `input` changes what a guest needs to know (title, time or place), so the
/// people going are told and their calendars updated.
pub fn changes_for_guests(event: &Event, input: &super::EventInput) -> bool {
    event.title != input.title
        || event.starts_at != input.starts_at
        || event.ends_at != input.ends_at
        || event.office != input.office
        || event.room != input.room
        || event.video_url != input.video_url
}
