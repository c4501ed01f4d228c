//! The event form: reading it (times in the chosen zone) into an event ready to store.

use chrono::{DateTime, Datelike, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::event::Event;
use super::fields::*;
use crate::domain::FieldErrors;
use crate::domain::people::parse_time_zone;
use crate::domain::time::{clock_on_date, datetime_local};

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
            clock_on_date(naive),
            zone.name()
        )),
    }
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
            starts_at: datetime_local(event.starts_at, zone),
            ends_at: datetime_local(event.ends_at, zone),
            time_zone: zone.name().to_string(),
            office: event.office.clone(),
            room: event.room.clone(),
            video_url: event.video_url.clone(),
            capacity: event.capacity.map(|c| c.to_string()).unwrap_or_default(),
            storyteller_slots: event.storyteller_slots.to_string(),
            minutes_per_story: event.minutes_per_story.to_string(),
            pitch_deadline: datetime_local(event.pitch_deadline, zone),
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

/// `value`, unless it is below what was already promised (`problem` says so).
fn at_least(value: i32, promised: i32, problem: impl FnOnce() -> String) -> Result<i32, String> {
    if value < promised {
        Err(problem())
    } else {
        Ok(value)
    }
}

/// Validates the event form, reporting each problem against its field.
pub fn parse_event(form: &EventForm, commitments: Commitments) -> Result<EventInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = noted(
        &mut errors,
        "title",
        required(
            one_line(&form.title, TITLE_MAX, "A title"),
            "Enter a title.",
        ),
    );
    let theme = noted(
        &mut errors,
        "theme",
        one_line(&form.theme, THEME_MAX, "A theme"),
    );
    let description = noted(
        &mut errors,
        "description",
        paragraphs(&form.description, DESCRIPTION_MAX, "The description"),
    );
    // Times are read in the chosen zone, so a bad zone is reported first and times wait.
    let zone = noted(&mut errors, "time_zone", parse_time_zone(&form.time_zone));
    let mut time = |field: &'static str, raw: &str, what: &str| {
        zone.and_then(|zone| noted(&mut errors, field, parse_local(raw, zone, what)))
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

    let office = noted(
        &mut errors,
        "office",
        one_line(&form.office, PLACE_MAX, "An office"),
    );
    let room = noted(
        &mut errors,
        "room",
        one_line(&form.room, PLACE_MAX, "A room"),
    );
    let video_url = noted(&mut errors, "video_url", video_link(&form.video_url));
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
        let going = commitments.going;
        let read =
            whole_number(&form.capacity, 0, CAPACITY_MAX, "the number of seats").and_then(|c| {
                at_least(c, going, || {
                    format!(
                        "{going} people are already going, so there must be at least {going} seats."
                    )
                })
            });
        noted(&mut errors, "capacity", read).map(Some)
    };
    let accepted = commitments.accepted;
    let slots = whole_number(
        &form.storyteller_slots,
        0,
        SLOTS_MAX,
        "the number of storyteller slots",
    )
    .and_then(|s| {
        at_least(s, accepted, || {
            format!(
                "{accepted} stories are already in the lineup, so there must be at least {accepted} slots. Decline a story first to make fewer."
            )
        })
    });
    let storyteller_slots = noted(&mut errors, "storyteller_slots", slots);
    let minutes_per_story = noted(
        &mut errors,
        "minutes_per_story",
        whole_number(
            &form.minutes_per_story,
            1,
            MINUTES_MAX,
            "the minutes per story",
        ),
    );

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

/// A public event stays in the future: publishing (a new event or a draft) needs a future
/// start, and so does moving the start of an event already published. A draft may start
/// any time until it is published. `current` is the event being edited, `None` for a new one.
pub fn check_start(
    current: Option<&Event>,
    starts_at: DateTime<Utc>,
    publishing: bool,
    now: DateTime<Utc>,
) -> Result<(), FieldErrors> {
    let moves_public_start =
        current.is_some_and(|event| !event.is_draft() && event.starts_at != starts_at);
    if publishing || moves_public_start {
        check_publishable(starts_at, now)
    } else {
        Ok(())
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
