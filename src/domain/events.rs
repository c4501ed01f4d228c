//! Story nights: what an event is, who may RSVP or pitch and when, the waitlist, the lineup,
//! and the iCalendar files people add to their calendars.
//!
//! Plain rules only: callers pass `now`, and the database enforces the same rules again.

use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component, EventLike, EventStatus as IcalStatus};
use uuid::Uuid;

use super::FieldErrors;
use super::people::{Person, parse_time_zone};

/// Longest title of an event or a story.
pub const TITLE_MAX: usize = 120;
pub const THEME_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 5000;
pub const PLACE_MAX: usize = 100;
pub const VIDEO_URL_MAX: usize = 500;
pub const CAPACITY_MAX: i32 = 100_000;
pub const SLOTS_MAX: i32 = 50;
pub const MINUTES_MAX: i32 = 120;
pub const SUMMARY_MAX: usize = 1000;
pub const CONTENT_NOTE_MAX: usize = 200;
pub const MESSAGE_MAX: usize = 1000;
pub const NOTE_MAX: usize = 1000;
/// The years an event's times may fall in.
pub const EVENT_YEARS: RangeInclusive<i32> = 2000..=2100;

/// Organizers run story nights; HR admins may too.
pub fn can_organize(person: &Person) -> bool {
    person.is_organizer() || person.is_hr_admin()
}

/// Where an event is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    /// Being prepared: organizers only.
    Draft,
    Published,
    /// Called off: still visible, never open for RSVPs.
    Cancelled,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Draft => "draft",
            EventStatus::Published => "published",
            EventStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "draft" => Some(EventStatus::Draft),
            "published" => Some(EventStatus::Published),
            "cancelled" => Some(EventStatus::Cancelled),
            _ => None,
        }
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

/// Someone's RSVP to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsvpStatus {
    Going,
    Waitlisted,
}

impl RsvpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RsvpStatus::Going => "going",
            RsvpStatus::Waitlisted => "waitlisted",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "going" => Some(RsvpStatus::Going),
            "waitlisted" => Some(RsvpStatus::Waitlisted),
            _ => None,
        }
    }
}

/// A person's own RSVP, with their place in line when waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rsvp {
    pub status: RsvpStatus,
    /// 1 for the first person on the waitlist.
    pub position: Option<i64>,
    pub attended: bool,
}

impl Rsvp {
    pub fn is_going(&self) -> bool {
        self.status == RsvpStatus::Going
    }
}

/// Where a new RSVP goes: a seat while any remain, otherwise the waitlist.
pub fn place_for(capacity: Option<i32>, going: i32) -> RsvpStatus {
    match capacity {
        Some(capacity) if going >= capacity => RsvpStatus::Waitlisted,
        _ => RsvpStatus::Going,
    }
}

/// How many people to move up from the waitlist now that seats may have freed up.
pub fn promotions(capacity: Option<i32>, going: i32, waitlisted: i32) -> i32 {
    let free = match capacity {
        None => waitlisted,
        Some(capacity) => (capacity - going).max(0),
    };
    free.min(waitlisted).max(0)
}

/// A message waiting for a person's next visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// They were moved up from the waitlist and are now going.
    Promoted,
    /// An event they had RSVPed to was cancelled.
    EventCancelled,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Promoted => "promoted",
            NoticeKind::EventCancelled => "event_cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "promoted" => Some(NoticeKind::Promoted),
            "event_cancelled" => Some(NoticeKind::EventCancelled),
            _ => None,
        }
    }
}

/// Someone on an event's list, for organizers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub person_id: Uuid,
    pub name: String,
    pub office: String,
    pub status: RsvpStatus,
    /// Place on the waitlist (1 = next in line); `None` for people going.
    pub position: Option<i64>,
    pub attended: bool,
}

/// Something that changed for a person while they were away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub event_id: Uuid,
    pub title: String,
    pub kind: NoticeKind,
}

impl Notice {
    pub fn text(&self) -> String {
        match self.kind {
            NoticeKind::Promoted => format!(
                "Good news: a seat opened up at \u{201c}{}\u{201d} and you've moved up from the waitlist. You're going.",
                self.title
            ),
            NoticeKind::EventCancelled => format!(
                "\u{201c}{}\u{201d} has been cancelled by its organizers. We're sorry. If you subscribe to your Attune calendar feed, it now shows there as cancelled.",
                self.title
            ),
        }
    }
}

/// A "this resonated with me" note, as its storyteller reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedNote {
    pub story_title: String,
    pub author: String,
    pub body: String,
    pub written_at: DateTime<Utc>,
}

// --- Text fields -----------------------------------------------------------------------

/// A one-line text: whitespace collapsed, no control characters, at most `max` characters.
fn one_line(raw: &str, max: usize, what: &str) -> Result<String, String> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > max {
        return Err(format!("{what} can be at most {max} characters."));
    }
    if text.chars().any(char::is_control) {
        return Err(format!("{what} cannot contain control characters."));
    }
    Ok(text)
}

/// A longer text with line breaks kept: trimmed, Windows line ends normalised.
fn paragraphs(raw: &str, max: usize, what: &str) -> Result<String, String> {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    if text.chars().count() > max {
        return Err(format!(
            "{what} can be at most {max} characters (it has {}).",
            text.chars().count()
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!("{what} cannot contain control characters."));
    }
    Ok(text.to_string())
}

/// The office a list is filtered by, as typed in the query: whitespace tidied like a stored
/// office name. Anything no office could be called (too long, control characters such as
/// NUL, which PostgreSQL can't compare) means no filter.
pub fn office_filter(raw: &str) -> String {
    one_line(raw, PLACE_MAX, "An office").unwrap_or_default()
}

/// A whole number typed in a form, within a range.
fn whole_number(raw: &str, min: i32, max: i32, what: &str) -> Result<i32, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(format!("Enter {what}."));
    }
    match raw.parse::<i64>() {
        Ok(n) if n < i64::from(min) => {
            Err(format!("{} can't be less than {min}.", capitalise(what)))
        }
        Ok(n) if n > i64::from(max) => Err(format!("{} can be at most {max}.", capitalise(what))),
        Ok(n) => Ok(n as i32),
        Err(_) => Err(format!("Enter {what} as a whole number, like 3.")),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A link people can follow: http or https only, at most `VIDEO_URL_MAX` characters as
/// stored. The length is checked after normalising, because that percent-encodes: one "é"
/// typed becomes the six characters "%C3%A9".
fn video_link(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    // The parser would quietly drop or percent-encode these; say so instead.
    if raw.chars().any(char::is_control) {
        return Err("A video link cannot contain control characters.".into());
    }
    let url = match url::Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => url,
        _ => return Err("Enter the full video link, starting with https://".into()),
    };
    let stored = url.to_string();
    let length = stored.chars().count();
    if length > VIDEO_URL_MAX {
        return Err(if length > raw.chars().count() {
            format!(
                "A video link can be at most {VIDEO_URL_MAX} characters. This one is {length} once its accents, spaces and other special characters are encoded for the web. Use a shorter link."
            )
        } else {
            format!("A video link can be at most {VIDEO_URL_MAX} characters (it has {length}).")
        });
    }
    Ok(stored)
}

// --- Times -----------------------------------------------------------------------------

/// Reads a date and time as typed in a `datetime-local` field, in the given zone.
pub fn parse_local(raw: &str, zone: Tz, what: &str) -> Result<DateTime<Utc>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(format!("Enter {what}."));
    }
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok())
        .ok_or_else(|| format!("Enter {what} as a date and time, for example 2026-05-14T19:00."))?;
    // Far-off years are typos, and beyond what PostgreSQL (from 4713 BC) or chrono (around
    // year 262,000, even before changing zones) can hold.
    if !EVENT_YEARS.contains(&naive.year()) {
        return Err(format!(
            "Enter {what} between the years {} and {}.",
            EVENT_YEARS.start(),
            EVENT_YEARS.end()
        ));
    }
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(at) => Ok(at.with_timezone(&Utc)),
        // When clocks go back an hour, the earlier of the two moments.
        LocalResult::Ambiguous(earlier, _) => Ok(earlier.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{} doesn't exist in {}: the clocks change then. Choose a time an hour later.",
            naive.format("%H:%M on %-d %B %Y"),
            zone.name()
        )),
    }
}

/// A moment as a `datetime-local` field shows it, in the given zone.
pub fn local_input(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string()
}

/// "Thursday 14 May 2026, 19:00–21:00 Europe/London" (dates repeated when it runs overnight).
pub fn describe_span(starts: DateTime<Utc>, ends: DateTime<Utc>, zone: Tz) -> String {
    let start = starts.with_timezone(&zone);
    let end = ends.with_timezone(&zone);
    if start.date_naive() == end.date_naive() {
        format!(
            "{}, {}–{} {}",
            start.format("%A %-d %B %Y"),
            start.format("%H:%M"),
            end.format("%H:%M"),
            zone.name()
        )
    } else {
        format!(
            "{} {} – {} {} {}",
            start.format("%A %-d %B %Y"),
            start.format("%H:%M"),
            end.format("%A %-d %B %Y"),
            end.format("%H:%M"),
            zone.name()
        )
    }
}

/// "Thursday 14 May 2026 at 19:00 Europe/London".
pub fn describe_moment(at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{} at {} {}",
        local.format("%A %-d %B %Y"),
        local.format("%H:%M"),
        zone.name()
    )
}

/// When an event happens, for a viewer: in their own zone, and in the event's zone when
/// that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    pub local: String,
    pub event_zone: Option<String>,
}

pub fn when(event: &Event, viewer_zone: Tz) -> When {
    let local = describe_span(event.starts_at, event.ends_at, viewer_zone);
    let event_zone = (viewer_zone != event.time_zone)
        .then(|| describe_span(event.starts_at, event.ends_at, event.time_zone));
    When { local, event_zone }
}

// --- Creating and editing an event -------------------------------------------------------

/// The event form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventForm {
    pub title: String,
    pub theme: String,
    pub description: String,
    pub starts_at: String,
    pub ends_at: String,
    pub time_zone: String,
    pub office: String,
    pub room: String,
    pub video_url: String,
    pub capacity: String,
    pub storyteller_slots: String,
    pub minutes_per_story: String,
    pub pitch_deadline: String,
}

impl EventForm {
    /// The form for an existing event, times in the event's own zone.
    pub fn from_event(event: &Event) -> Self {
        let zone = event.time_zone;
        EventForm {
            title: event.title.clone(),
            theme: event.theme.clone(),
            description: event.description.clone(),
            starts_at: local_input(event.starts_at, zone),
            ends_at: local_input(event.ends_at, zone),
            time_zone: zone.name().to_string(),
            office: event.office.clone(),
            room: event.room.clone(),
            video_url: event.video_url.clone(),
            capacity: event.capacity.map(|c| c.to_string()).unwrap_or_default(),
            storyteller_slots: event.storyteller_slots.to_string(),
            minutes_per_story: event.minutes_per_story.to_string(),
            pitch_deadline: local_input(event.pitch_deadline, zone),
        }
    }

    /// A blank form with sensible starting values for a new event.
    pub fn blank(time_zone: &str, office: &str) -> Self {
        EventForm {
            time_zone: time_zone.to_string(),
            office: office.to_string(),
            storyteller_slots: "5".into(),
            minutes_per_story: "8".into(),
            ..EventForm::default()
        }
    }
}

/// A valid event, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInput {
    pub title: String,
    pub theme: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: Tz,
    pub office: String,
    pub room: String,
    pub video_url: String,
    pub capacity: Option<i32>,
    pub storyteller_slots: i32,
    pub minutes_per_story: i32,
    pub pitch_deadline: DateTime<Utc>,
}

impl EventInput {
    /// The same event again, as a new draft.
    pub fn copy_of(event: &Event) -> Self {
        EventInput {
            title: event.title.clone(),
            theme: event.theme.clone(),
            description: event.description.clone(),
            starts_at: event.starts_at,
            ends_at: event.ends_at,
            time_zone: event.time_zone,
            office: event.office.clone(),
            room: event.room.clone(),
            video_url: event.video_url.clone(),
            capacity: event.capacity,
            storyteller_slots: event.storyteller_slots,
            minutes_per_story: event.minutes_per_story,
            pitch_deadline: event.pitch_deadline,
        }
    }
}

/// What an event being edited has already promised, so it cannot shrink below it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Commitments {
    pub going: i32,
    pub accepted: i32,
}

/// Validates the event form, reporting each problem against its field.
pub fn parse_event(form: &EventForm, commitments: Commitments) -> Result<EventInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = match one_line(&form.title, TITLE_MAX, "A title") {
        Ok(t) if t.is_empty() => {
            errors.add("title", "Enter a title.");
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            errors.add("title", e);
            None
        }
    };
    let theme = one_line(&form.theme, THEME_MAX, "A theme")
        .map_err(|e| errors.add("theme", e))
        .ok();
    let description = paragraphs(&form.description, DESCRIPTION_MAX, "The description")
        .map_err(|e| errors.add("description", e))
        .ok();
    // Times are read in the chosen zone, so a bad zone is reported first and times wait.
    let zone = match parse_time_zone(&form.time_zone) {
        Ok(zone) => Some(zone),
        Err(e) => {
            errors.add("time_zone", e);
            None
        }
    };
    let mut time = |field: &'static str, raw: &str, what: &str| {
        zone.and_then(|zone| {
            parse_local(raw, zone, what)
                .map_err(|e| errors.add(field, e))
                .ok()
        })
    };
    let starts_at = time("starts_at", &form.starts_at, "the start date and time");
    let ends_at = time("ends_at", &form.ends_at, "the end date and time");
    let pitch_deadline = time("pitch_deadline", &form.pitch_deadline, "the pitch deadline");
    if let (Some(starts), Some(ends)) = (starts_at, ends_at)
        && ends <= starts
    {
        errors.add("ends_at", "The end must be after the start.");
    }
    if let (Some(starts), Some(deadline)) = (starts_at, pitch_deadline)
        && deadline >= starts
    {
        errors.add(
            "pitch_deadline",
            "The pitch deadline must be before the start, so there's time to plan the lineup.",
        );
    }

    let office = one_line(&form.office, PLACE_MAX, "An office")
        .map_err(|e| errors.add("office", e))
        .ok();
    let room = one_line(&form.room, PLACE_MAX, "A room")
        .map_err(|e| errors.add("room", e))
        .ok();
    let video_url = video_link(&form.video_url)
        .map_err(|e| errors.add("video_url", e))
        .ok();
    if let (Some(office), Some(room), Some(video)) = (&office, &room, &video_url)
        && office.is_empty()
        && room.is_empty()
        && video.is_empty()
    {
        errors.add(
            "office",
            "Give an office, a room or a video link, so people know where to go.",
        );
    }

    let capacity = if form.capacity.trim().is_empty() {
        Some(None)
    } else {
        match whole_number(&form.capacity, 0, CAPACITY_MAX, "the number of seats") {
            Ok(c) if c < commitments.going => {
                errors.add(
                    "capacity",
                    format!(
                        "{} people are already going, so there must be at least {} seats.",
                        commitments.going, commitments.going
                    ),
                );
                None
            }
            Ok(c) => Some(Some(c)),
            Err(e) => {
                errors.add("capacity", e);
                None
            }
        }
    };
    let storyteller_slots = match whole_number(
        &form.storyteller_slots,
        0,
        SLOTS_MAX,
        "the number of storyteller slots",
    ) {
        Ok(s) if s < commitments.accepted => {
            errors.add(
                "storyteller_slots",
                format!(
                    "{} stories are already in the lineup, so there must be at least {} slots. Decline a story first to make fewer.",
                    commitments.accepted, commitments.accepted
                ),
            );
            None
        }
        Ok(s) => Some(s),
        Err(e) => {
            errors.add("storyteller_slots", e);
            None
        }
    };
    let minutes_per_story = whole_number(
        &form.minutes_per_story,
        1,
        MINUTES_MAX,
        "the minutes per story",
    )
    .map_err(|e| errors.add("minutes_per_story", e))
    .ok();

    match (
        title,
        theme,
        description,
        zone,
        starts_at,
        ends_at,
        pitch_deadline,
        office,
        room,
        video_url,
        capacity,
        storyteller_slots,
        minutes_per_story,
    ) {
        (
            Some(title),
            Some(theme),
            Some(description),
            Some(time_zone),
            Some(starts_at),
            Some(ends_at),
            Some(pitch_deadline),
            Some(office),
            Some(room),
            Some(video_url),
            Some(capacity),
            Some(storyteller_slots),
            Some(minutes_per_story),
        ) if errors.is_empty() => Ok(EventInput {
            title,
            theme,
            description,
            starts_at,
            ends_at,
            time_zone,
            office,
            room,
            video_url,
            capacity,
            storyteller_slots,
            minutes_per_story,
            pitch_deadline,
        }),
        _ => Err(errors),
    }
}

/// A published event must start in the future.
pub fn check_publishable(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if starts_at <= now {
        errors.add(
            "starts_at",
            "The start is in the past. Choose a future date and time to publish.",
        );
    }
    errors.into_result(|| ())
}

// --- Pitches and the lineup -----------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PitchStatus {
    Submitted,
    Accepted,
    Declined,
}

impl PitchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PitchStatus::Submitted => "submitted",
            PitchStatus::Accepted => "accepted",
            PitchStatus::Declined => "declined",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "submitted" => Some(PitchStatus::Submitted),
            "accepted" => Some(PitchStatus::Accepted),
            "declined" => Some(PitchStatus::Declined),
            _ => None,
        }
    }

    /// For people: "Waiting for a decision", "Accepted", "Not this time".
    pub fn label(self) -> &'static str {
        match self {
            PitchStatus::Submitted => "Waiting for a decision",
            PitchStatus::Accepted => "Accepted",
            PitchStatus::Declined => "Not this time",
        }
    }
}

/// A story pitched for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pitch {
    pub id: Uuid,
    pub event_id: Uuid,
    pub person_id: Uuid,
    pub storyteller: String,
    pub title: String,
    pub summary: String,
    pub minutes: i32,
    pub content_note: String,
    pub recording_consent: bool,
    pub status: PitchStatus,
    pub organizer_message: String,
    pub lineup_position: Option<i32>,
}

/// The pitch form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PitchForm {
    pub title: String,
    pub summary: String,
    pub minutes: String,
    pub content_note: String,
    pub recording_consent: bool,
}

impl PitchForm {
    pub fn from_pitch(pitch: &Pitch) -> Self {
        PitchForm {
            title: pitch.title.clone(),
            summary: pitch.summary.clone(),
            minutes: pitch.minutes.to_string(),
            content_note: pitch.content_note.clone(),
            recording_consent: pitch.recording_consent,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PitchInput {
    pub title: String,
    pub summary: String,
    pub minutes: i32,
    pub content_note: String,
    pub recording_consent: bool,
}

/// Validates a pitch; a story can be no longer than the event's minutes per story.
pub fn parse_pitch(form: &PitchForm, minutes_per_story: i32) -> Result<PitchInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = match one_line(&form.title, TITLE_MAX, "A title") {
        Ok(t) if t.is_empty() => {
            errors.add("title", "Give your story a title.");
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            errors.add("title", e);
            None
        }
    };
    let summary = match paragraphs(&form.summary, SUMMARY_MAX, "The summary") {
        Ok(s) if s.is_empty() => {
            errors.add(
                "summary",
                "Tell the organizers in a few sentences what your story is about.",
            );
            None
        }
        Ok(s) => Some(s),
        Err(e) => {
            errors.add("summary", e);
            None
        }
    };
    let minutes = match whole_number(&form.minutes, 1, MINUTES_MAX, "the minutes you need") {
        Ok(m) if m > minutes_per_story => {
            errors.add(
                "minutes",
                format!(
                    "Each story has at most {minutes_per_story} minutes. Shorten it to fit the slot."
                ),
            );
            None
        }
        Ok(m) => Some(m),
        Err(e) => {
            errors.add("minutes", e);
            None
        }
    };
    let content_note = one_line(&form.content_note, CONTENT_NOTE_MAX, "A content note")
        .map_err(|e| errors.add("content_note", e))
        .ok();
    match (title, summary, minutes, content_note) {
        (Some(title), Some(summary), Some(minutes), Some(content_note)) if errors.is_empty() => {
            Ok(PitchInput {
                title,
                summary,
                minutes,
                content_note,
                recording_consent: form.recording_consent,
            })
        }
        _ => Err(errors),
    }
}

/// An organizer's answer to a pitch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Decline,
}

/// Reads a decision and its optional message to the pitcher.
pub fn parse_decision(decision: &str, message: &str) -> Result<(Decision, String), String> {
    let message = paragraphs(message, MESSAGE_MAX, "The message")?;
    match decision {
        "accept" => Ok((Decision::Accept, message)),
        "decline" => Ok((Decision::Decline, message)),
        _ => Err("Choose whether to accept or decline the story.".into()),
    }
}

/// No more stories accepted than there are slots.
pub fn may_accept(accepted: i32, slots: i32) -> Result<(), String> {
    if accepted >= slots {
        Err(format!(
            "The lineup is full: all {slots} storyteller slots are taken. Decline or move a story out first, or add slots to the event."
        ))
    } else {
        Ok(())
    }
}

/// Which way a story moves in the lineup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Earlier,
    Later,
}

impl Move {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "earlier" | "up" => Some(Move::Earlier),
            "later" | "down" => Some(Move::Later),
            _ => None,
        }
    }

    /// The place to swap with, if there is one within `1..=count`.
    pub fn target(self, position: i32, count: i32) -> Option<i32> {
        let target = match self {
            Move::Earlier => position - 1,
            Move::Later => position + 1,
        };
        (1..=count).contains(&target).then_some(target)
    }
}

// --- After the event -------------------------------------------------------------------

/// Validates a "this resonated with me" note.
pub fn parse_note(body: &str) -> Result<String, String> {
    let body = paragraphs(body, NOTE_MAX, "A note")?;
    if body.is_empty() {
        return Err("Write a few words for the storyteller.".into());
    }
    Ok(body)
}

/// Notes can be left by people who were going, for someone else's story, once it's over.
pub fn may_leave_note(
    event: &Event,
    now: DateTime<Utc>,
    rsvp: Option<Rsvp>,
    own_story: bool,
) -> Result<(), &'static str> {
    if event.is_cancelled() || event.is_draft() {
        return Err("This story night didn't take place.");
    }
    if !event.is_over(now) {
        return Err("Notes can be left once the story night is over.");
    }
    if own_story {
        return Err("This is your own story.");
    }
    match rsvp {
        Some(rsvp) if rsvp.is_going() => Ok(()),
        _ => Err("Only people who came to this story night can leave notes."),
    }
}

// --- Calendars -------------------------------------------------------------------------

/// One event as a calendar entry.
#[derive(Debug, Clone)]
pub struct CalendarEntry<'a> {
    pub event: &'a Event,
    /// The event page, absolute.
    pub url: String,
    /// Whether the video link goes in (only for people going, and organizers).
    pub with_video: bool,
}

/// A stable identifier for an event across every calendar file.
pub fn calendar_uid(event_id: Uuid) -> String {
    format!("{event_id}@attune")
}

/// An RFC 5545 calendar with the given events; times in UTC, cancellations marked.
pub fn calendar(name: &str, entries: &[CalendarEntry<'_>]) -> String {
    let mut calendar = Calendar::new();
    calendar
        .append_property(icalendar::Property::new(
            "PRODID",
            "-//Attune//Story nights//EN",
        ))
        .append_property(icalendar::Property::new("METHOD", "PUBLISH"))
        .name(name);
    for entry in entries {
        let event = entry.event;
        let mut description = Vec::new();
        if !event.theme.is_empty() {
            description.push(format!("Theme: {}", event.theme));
        }
        if !event.description.is_empty() {
            description.push(event.description.clone());
        }
        description.push(format!(
            "Times set in {}: {}.",
            event.time_zone.name(),
            describe_span(event.starts_at, event.ends_at, event.time_zone)
        ));
        if entry.with_video && !event.video_url.is_empty() {
            description.push(format!("Video link: {}", event.video_url));
        }
        description.push(format!("Details and RSVP: {}", entry.url));
        let mut item = icalendar::Event::new();
        item.uid(&calendar_uid(event.id))
            .summary(&event.title)
            .description(&description.join("\n\n"))
            .starts(event.starts_at)
            .ends(event.ends_at)
            .sequence(u32::try_from(event.sequence).unwrap_or(0))
            .url(&entry.url)
            .created(event.created_at)
            .last_modified(event.updated_at)
            .status(if event.is_cancelled() {
                IcalStatus::Cancelled
            } else {
                IcalStatus::Confirmed
            });
        let place = event.place();
        if !place.is_empty() {
            item.location(&place);
        }
        calendar.push(item.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::domain::people::Roles;

    fn at(raw: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(raw)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn form() -> EventForm {
        EventForm {
            title: "  Turning   points ".into(),
            theme: "Beginnings".into(),
            description: "Five stories.\r\nBring a friend.".into(),
            starts_at: "2026-07-02T19:00".into(),
            ends_at: "2026-07-02T21:00".into(),
            time_zone: "Europe/London".into(),
            office: "London".into(),
            room: "Atrium".into(),
            video_url: "".into(),
            capacity: "40".into(),
            storyteller_slots: "5".into(),
            minutes_per_story: "8".into(),
            pitch_deadline: "2026-06-25T17:00".into(),
        }
    }

    fn event() -> Event {
        Event {
            id: Uuid::nil(),
            title: "Turning points".into(),
            theme: String::new(),
            description: String::new(),
            starts_at: at("2026-07-02T18:00:00Z"),
            ends_at: at("2026-07-02T20:00:00Z"),
            time_zone: Tz::Europe__London,
            office: "London".into(),
            room: String::new(),
            video_url: "https://video.example/abc".into(),
            capacity: Some(2),
            storyteller_slots: 3,
            minutes_per_story: 8,
            pitch_deadline: at("2026-06-25T16:00:00Z"),
            status: EventStatus::Published,
            published: true,
            lineup_published: false,
            sequence: 2,
            going: 1,
            waitlisted: 0,
            created_at: at("2026-05-01T10:00:00Z"),
            updated_at: at("2026-05-02T10:00:00Z"),
        }
    }

    fn person(organizer: bool, hr_admin: bool) -> Person {
        Person {
            id: Uuid::from_u128(7),
            email: "ada@example.com".into(),
            display_name: "Ada Lovelace".into(),
            department: "Engineering".into(),
            office: "London".into(),
            time_zone: chrono_tz::Europe::London,
            roles: Roles {
                organizer,
                hr_admin,
            },
            active: true,
            has_password: true,
            session_epoch: 0,
        }
    }

    #[test]
    fn organizers_and_hr_admins_organize_and_only_they_see_drafts() {
        let employee = person(false, false);
        let organizer = person(true, false);
        let hr_admin = person(false, true);
        assert!(!can_organize(&employee));
        assert!(can_organize(&organizer));
        assert!(can_organize(&hr_admin));

        let mut draft = event();
        draft.status = EventStatus::Draft;
        draft.published = false;
        assert!(
            !draft.visible_to(&employee),
            "a draft doesn't exist for employees"
        );
        assert!(draft.visible_to(&organizer));
        assert!(draft.visible_to(&hr_admin));
        assert!(event().visible_to(&employee));
        // Once published, cancelling keeps it visible as cancelled.
        let cancelled = Event {
            status: EventStatus::Cancelled,
            ..event()
        };
        assert!(cancelled.visible_to(&employee));
        // Cancelled before it was ever published: still a draft to everyone else.
        let never_published = Event {
            published: false,
            ..cancelled
        };
        assert!(!never_published.visible_to(&employee));
    }

    #[test]
    fn seats_are_described_in_words() {
        let with = |capacity: Option<i32>, going: i32, waitlisted: i32| Event {
            capacity,
            going,
            waitlisted,
            ..event()
        };
        assert_eq!(
            with(None, 300, 0).seats_text(),
            "Open to everyone, no seat limit"
        );
        assert_eq!(with(Some(40), 28, 0).seats_text(), "12 of 40 seats left");
        assert_eq!(with(Some(1), 0, 0).seats_text(), "1 of 1 seat left");
        assert_eq!(
            with(Some(10), 10, 0).seats_text(),
            "Full · new replies join the waitlist"
        );
        assert_eq!(
            with(Some(10), 10, 3).seats_text(),
            "Full · 3 on the waitlist"
        );
        assert_eq!(
            with(Some(0), 0, 0).seats_text(),
            "Full · new replies join the waitlist"
        );
    }

    #[test]
    fn a_good_form_is_read_in_its_own_time_zone() {
        let input = parse_event(&form(), Commitments::default()).unwrap();
        assert_eq!(input.title, "Turning points");
        assert_eq!(input.description, "Five stories.\nBring a friend.");
        // 19:00 in London in July is 18:00 UTC (British Summer Time).
        assert_eq!(input.starts_at, at("2026-07-02T18:00:00Z"));
        assert_eq!(input.capacity, Some(40));
        let unlimited = EventForm {
            capacity: " ".into(),
            ..form()
        };
        assert_eq!(
            parse_event(&unlimited, Commitments::default())
                .unwrap()
                .capacity,
            None
        );
    }

    #[test]
    fn every_bad_field_is_reported_next_to_it() {
        let bad = EventForm {
            title: " ".into(),
            ends_at: "2026-07-02T18:00".into(),
            capacity: "-1".into(),
            storyteller_slots: "many".into(),
            minutes_per_story: "0".into(),
            pitch_deadline: "2026-07-03T09:00".into(),
            video_url: "javascript:alert(1)".into(),
            ..form()
        };
        let errors = parse_event(&bad, Commitments::default()).unwrap_err();
        for field in [
            "title",
            "ends_at",
            "capacity",
            "storyteller_slots",
            "minutes_per_story",
            "pitch_deadline",
            "video_url",
        ] {
            assert!(errors.get(field).is_some(), "{field} should have an error");
        }
        assert_eq!(
            errors.get("ends_at"),
            Some("The end must be after the start.")
        );
    }

    #[test]
    fn a_video_link_is_measured_as_it_will_be_stored() {
        let link = |raw: String| {
            parse_event(
                &EventForm {
                    video_url: raw,
                    ..form()
                },
                Commitments::default(),
            )
        };
        // 492 characters typed, 2,842 once percent-encoded: refused, not a database error.
        let accented = format!("https://video.example/{}", "é".repeat(470));
        assert!(accented.chars().count() <= VIDEO_URL_MAX);
        let errors = link(accented).unwrap_err();
        let message = errors.get("video_url").unwrap();
        assert!(message.contains("at most 500 characters"), "{message}");
        assert!(message.contains("encoded"), "{message}");
        // Right at the limit once encoded is fine, and stored encoded.
        let prefix = "https://video.example/";
        let fits = format!(
            "{prefix}{}{}",
            "é".repeat(79),
            "a".repeat(500 - prefix.len() - 79 * 6)
        );
        let stored = link(fits).unwrap().video_url;
        assert_eq!(stored.chars().count(), VIDEO_URL_MAX);
        assert!(stored.contains("%C3%A9"));
        let plain = format!("{prefix}{}", "a".repeat(500));
        assert!(
            link(plain)
                .unwrap_err()
                .get("video_url")
                .unwrap()
                .contains("(it has 522)")
        );
    }

    #[test]
    fn a_place_is_needed_and_a_bad_zone_is_named() {
        let nowhere = EventForm {
            office: "".into(),
            room: "".into(),
            ..form()
        };
        let errors = parse_event(&nowhere, Commitments::default()).unwrap_err();
        assert!(errors.get("office").unwrap().contains("video link"));
        let online = EventForm {
            video_url: "https://meet.example/story".into(),
            ..nowhere
        };
        assert!(parse_event(&online, Commitments::default()).is_ok());
        let zone = EventForm {
            time_zone: "Mars/Olympus".into(),
            ..form()
        };
        let errors = parse_event(&zone, Commitments::default()).unwrap_err();
        assert!(errors.get("time_zone").is_some());
        assert!(errors.get("starts_at").is_none(), "times wait for a zone");
    }

    #[test]
    fn an_edit_cannot_shrink_below_what_was_promised() {
        let promised = Commitments {
            going: 41,
            accepted: 6,
        };
        let errors = parse_event(&form(), promised).unwrap_err();
        assert!(errors.get("capacity").unwrap().contains("41 people"));
        assert!(
            errors
                .get("storyteller_slots")
                .unwrap()
                .contains("6 stories")
        );
    }

    #[test]
    fn times_in_a_clock_change_gap_are_refused_and_overlaps_take_the_first() {
        let gap = parse_local("2026-03-29T01:30", Tz::Europe__London, "the start");
        assert!(gap.unwrap_err().contains("clocks change"));
        let overlap = parse_local("2026-10-25T01:30", Tz::Europe__London, "the start").unwrap();
        assert_eq!(overlap, at("2026-10-25T00:30:00Z"));
        assert!(parse_local("next tuesday", Tz::UTC, "the start").is_err());
        assert_eq!(
            local_input(at("2026-07-02T18:00:00Z"), Tz::America__Toronto),
            "2026-07-02T14:00"
        );
    }

    #[test]
    fn event_times_stay_within_sensible_years() {
        for raw in [
            "1999-12-31T23:59",
            "2101-01-01T00:00",
            "-5000-07-02T19:00",
            "0001-01-01T00:00",
            "+200000-07-02T19:00",
            "+262142-12-31T23:59",
        ] {
            for zone in [Tz::America__Toronto, Tz::Asia__Tokyo, Tz::UTC] {
                let problem = parse_local(raw, zone, "the start").unwrap_err();
                assert_eq!(
                    problem, "Enter the start between the years 2000 and 2100.",
                    "{raw} in {zone}"
                );
            }
        }
        assert!(parse_local("2000-01-01T00:00", Tz::Asia__Tokyo, "the start").is_ok());
        assert!(parse_local("2100-12-31T23:59", Tz::America__Toronto, "the start").is_ok());
        let far = EventForm {
            starts_at: "-5000-07-02T19:00".into(),
            ..form()
        };
        let errors = parse_event(&far, Commitments::default()).unwrap_err();
        assert!(errors.get("starts_at").unwrap().contains("2000 and 2100"));
    }

    #[test]
    fn nul_and_other_control_characters_are_refused_in_every_text() {
        let nul = "Before\0after".to_string();
        for field in [
            "title",
            "theme",
            "description",
            "office",
            "room",
            "video_url",
        ] {
            let mut bad = form();
            let slot = match field {
                "title" => &mut bad.title,
                "theme" => &mut bad.theme,
                "description" => &mut bad.description,
                "office" => &mut bad.office,
                "room" => &mut bad.room,
                _ => &mut bad.video_url,
            };
            *slot = if field == "video_url" {
                "https://video.example/a\0b".into()
            } else {
                nul.clone()
            };
            let errors = parse_event(&bad, Commitments::default()).unwrap_err();
            assert!(
                errors.get(field).unwrap().contains("control characters"),
                "{field}"
            );
        }
        let pitch = PitchForm {
            title: nul.clone(),
            summary: nul.clone(),
            minutes: "5".into(),
            content_note: nul.clone(),
            recording_consent: false,
        };
        let errors = parse_pitch(&pitch, 8).unwrap_err();
        for field in ["title", "summary", "content_note"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert!(parse_decision("accept", &nul).is_err());
        assert!(parse_note(&nul).is_err());
    }

    #[test]
    fn an_office_filter_no_office_could_match_is_no_filter() {
        assert_eq!(office_filter("  New   York "), "New York");
        assert_eq!(office_filter(""), "");
        assert_eq!(office_filter("Lon\0don"), "");
        assert_eq!(office_filter(&"x".repeat(PLACE_MAX + 1)), "");
        assert_eq!(office_filter(&"x".repeat(PLACE_MAX)), "x".repeat(PLACE_MAX));
    }

    #[test]
    fn publishing_needs_a_future_start() {
        let now = at("2026-07-01T00:00:00Z");
        assert!(check_publishable(at("2026-07-02T18:00:00Z"), now).is_ok());
        assert!(
            check_publishable(now - Duration::minutes(1), now)
                .unwrap_err()
                .get("starts_at")
                .is_some()
        );
    }

    #[test]
    fn seats_then_waitlist_and_promotions_fill_free_seats() {
        assert_eq!(place_for(Some(2), 1), RsvpStatus::Going);
        assert_eq!(place_for(Some(2), 2), RsvpStatus::Waitlisted);
        assert_eq!(place_for(Some(0), 0), RsvpStatus::Waitlisted);
        assert_eq!(place_for(None, 10_000), RsvpStatus::Going);
        assert_eq!(promotions(Some(10), 9, 5), 1);
        assert_eq!(promotions(Some(10), 10, 5), 0);
        assert_eq!(promotions(Some(20), 10, 5), 5);
        assert_eq!(promotions(None, 10, 5), 5);
        assert_eq!(promotions(Some(5), 8, 3), 0);
    }

    #[test]
    fn rsvps_close_when_cancelled_or_started() {
        let mut e = event();
        let before = at("2026-07-01T00:00:00Z");
        assert!(e.may_rsvp(before).is_ok());
        assert!(e.may_rsvp(e.starts_at).is_err());
        assert!(e.may_cancel_rsvp(e.starts_at).is_ok());
        assert!(e.may_cancel_rsvp(e.ends_at).is_err());
        e.status = EventStatus::Cancelled;
        assert!(e.may_rsvp(before).is_err());
        e.status = EventStatus::Draft;
        assert!(e.may_rsvp(before).is_err());
        assert_eq!(event().seats_left(), Some(1));
    }

    #[test]
    fn pitches_close_at_the_deadline_and_must_fit_the_slot() {
        let e = event();
        assert!(e.may_pitch(e.pitch_deadline - Duration::seconds(1)).is_ok());
        assert!(e.may_pitch(e.pitch_deadline).is_err());
        let form = PitchForm {
            title: "The night the lights went out".into(),
            summary: "A power cut, a stranger, a kindness.".into(),
            minutes: "9".into(),
            content_note: "".into(),
            recording_consent: true,
        };
        let errors = parse_pitch(&form, 8).unwrap_err();
        assert!(errors.get("minutes").unwrap().contains("at most 8 minutes"));
        let fits = PitchForm {
            minutes: "8".into(),
            ..form
        };
        assert_eq!(parse_pitch(&fits, 8).unwrap().minutes, 8);
        let empty = parse_pitch(&PitchForm::default(), 8).unwrap_err();
        for field in ["title", "summary", "minutes"] {
            assert!(empty.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn the_lineup_holds_no_more_than_the_slots() {
        assert!(may_accept(2, 3).is_ok());
        assert!(may_accept(3, 3).is_err());
        assert!(may_accept(0, 0).is_err());
        assert_eq!(Move::Earlier.target(1, 3), None);
        assert_eq!(Move::Earlier.target(2, 3), Some(1));
        assert_eq!(Move::Later.target(3, 3), None);
        assert!(parse_decision("maybe", "").is_err());
        assert_eq!(
            parse_decision("decline", " Next time! ").unwrap(),
            (Decision::Decline, "Next time!".to_string())
        );
    }

    #[test]
    fn notes_are_for_people_who_came_after_the_event() {
        let e = event();
        let going = Some(Rsvp {
            status: RsvpStatus::Going,
            position: None,
            attended: false,
        });
        let waiting = Some(Rsvp {
            status: RsvpStatus::Waitlisted,
            position: Some(1),
            attended: false,
        });
        assert!(may_leave_note(&e, e.ends_at, going, false).is_ok());
        assert!(may_leave_note(&e, e.starts_at, going, false).is_err());
        assert!(may_leave_note(&e, e.ends_at, waiting, false).is_err());
        assert!(may_leave_note(&e, e.ends_at, None, false).is_err());
        assert!(may_leave_note(&e, e.ends_at, going, true).is_err());
        assert!(parse_note("   ").is_err());
    }

    #[test]
    fn times_are_described_in_the_viewer_zone_with_the_event_zone_named() {
        let e = event();
        let seen = when(&e, Tz::America__Toronto);
        assert_eq!(
            seen.local,
            "Thursday 2 July 2026, 14:00–16:00 America/Toronto"
        );
        assert_eq!(
            seen.event_zone.as_deref(),
            Some("Thursday 2 July 2026, 19:00–21:00 Europe/London")
        );
        assert_eq!(when(&e, Tz::Europe__London).event_zone, None);
        let late = describe_span(e.starts_at, e.ends_at, Tz::Asia__Singapore);
        let overnight = describe_span(e.starts_at, e.ends_at, Tz::Asia__Kolkata);
        assert_eq!(
            overnight,
            "Thursday 2 July 2026 23:30 – Friday 3 July 2026 01:30 Asia/Kolkata"
        );
        assert_eq!(late, "Friday 3 July 2026, 02:00–04:00 Asia/Singapore");
    }

    #[test]
    fn the_calendar_has_a_stable_uid_utc_times_and_the_status() {
        let mut e = event();
        let entry = CalendarEntry {
            event: &e,
            url: "https://attune.example/events/x".into(),
            with_video: false,
        };
        let ics = calendar("Story nights", &[entry]);
        assert!(ics.contains("UID:00000000-0000-0000-0000-000000000000@attune"));
        assert!(ics.contains("DTSTART:20260702T180000Z"));
        assert!(ics.contains("DTEND:20260702T200000Z"));
        assert!(ics.contains("SEQUENCE:2"));
        assert!(ics.contains("STATUS:CONFIRMED"));
        assert!(!ics.contains("video.example"), "no video link unless going");
        e.status = EventStatus::Cancelled;
        let entry = CalendarEntry {
            event: &e,
            url: "https://attune.example/events/x".into(),
            with_video: true,
        };
        let ics = calendar("Story nights", &[entry]);
        assert!(ics.contains("STATUS:CANCELLED"));
        assert!(ics.contains("video.example"));
    }
}
