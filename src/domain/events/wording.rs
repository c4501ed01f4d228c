//! When an event happens, in words, for a viewer in their own zone.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::event::Event;
use crate::domain::time::{clock, weekday_date};

/// "Thursday 14 May 2026, 19:00–21:00 Europe/London" (dates repeated when it runs overnight).
pub fn describe_span(starts: DateTime<Utc>, ends: DateTime<Utc>, zone: Tz) -> String {
    let start = starts.with_timezone(&zone);
    let end = ends.with_timezone(&zone);
    if start.date_naive() == end.date_naive() {
        format!(
            "{}, {}–{} {}",
            weekday_date(start.date_naive()),
            clock(start.naive_local()),
            clock(end.naive_local()),
            zone.name()
        )
    } else {
        format!(
            "{} {} – {} {} {}",
            weekday_date(start.date_naive()),
            clock(start.naive_local()),
            weekday_date(end.date_naive()),
            clock(end.naive_local()),
            zone.name()
        )
    }
}

/// "Thursday 14 May 2026 at 19:00 Europe/London".
pub fn describe_moment(at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{} at {} {}",
        weekday_date(local.date_naive()),
        clock(local.naive_local()),
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
