//! iCalendar files: one event, or a person's private feed.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus as IcalStatus};
use uuid::Uuid;

use super::event::Event;
use super::wording::describe_span;

/// How far back the private calendar feed reaches, in days.
pub const FEED_DAYS_BACK: i64 = 90;
/// Most events in the private calendar feed.
pub const FEED_LIMIT: i64 = 300;

/// The oldest end of an event the private feed still shows.
pub fn feed_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - chrono::Duration::days(FEED_DAYS_BACK)
}

/// One event as a calendar entry.
#[derive(Debug, Clone)]
pub struct CalendarEntry<'a> {
    pub event: &'a Event,
    /// The event page, absolute.
    pub url: String,
    /// Whether the video link goes in (only for people going, and organizers).
    pub with_video: bool,
}

/// A feed's address as a subscribe link (`webcal://`), which calendar apps open as "subscribe"
/// rather than download; the same address otherwise.
pub fn webcal_url(feed_url: &str) -> String {
    let rest = feed_url
        .strip_prefix("https://")
        .or_else(|| feed_url.strip_prefix("http://"))
        .unwrap_or(feed_url);
    format!("webcal://{rest}")
}

/// A stable identifier for an event across every calendar file.
pub fn calendar_uid(event_id: Uuid) -> String {
    format!("{event_id}@attune")
}

/// An RFC 5545 calendar with the given events; times in UTC, cancellations marked.
pub fn calendar(name: &str, entries: &[CalendarEntry<'_>]) -> String {
    calendar_with_method(name, entries, "PUBLISH")
}

/// A calendar sent by email (RFC 5546): `REQUEST` adds or updates the event in the reader's
/// calendar (the same UID, a higher SEQUENCE after each change), `CANCEL` removes it.
pub fn calendar_with_method(name: &str, entries: &[CalendarEntry<'_>], method: &str) -> String {
    // `Calendar::new()` would add a PRODID of its own: RFC 5545 allows one.
    let mut calendar = Calendar::empty();
    calendar
        .append_property(icalendar::Property::new("VERSION", "2.0"))
        .append_property(icalendar::Property::new(
            "PRODID",
            "-//Attune//Story nights//EN",
        ))
        .append_property(icalendar::Property::new("CALSCALE", "GREGORIAN"))
        .append_property(icalendar::Property::new("METHOD", method))
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
mod webcal_tests {
    #[test]
    fn a_feed_becomes_a_subscribe_link() {
        assert_eq!(
            super::webcal_url("https://attune.example.com/calendar/abc.ics"),
            "webcal://attune.example.com/calendar/abc.ics"
        );
        assert_eq!(
            super::webcal_url("http://127.0.0.1:3000/calendar/abc.ics"),
            "webcal://127.0.0.1:3000/calendar/abc.ics"
        );
    }
}
