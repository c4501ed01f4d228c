//! Calendar files for a conversation (a proposed half hour the pair can move) and for a
//! circle's sessions, in the same style as story nights' (one PRODID, UTC times, stable UIDs).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component, EventLike};
use uuid::Uuid;

use super::{Mode, Session};

/// How a calendar file is sent: `PUBLISH` for a download, `REQUEST` attached to an email
/// (RFC 5546), as story nights do.
fn empty_calendar(name: &str, method: &str) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(icalendar::Property::new("VERSION", "2.0"))
        .append_property(icalendar::Property::new("PRODID", "-//Attune//Connect//EN"))
        .append_property(icalendar::Property::new("CALSCALE", "GREGORIAN"))
        .append_property(icalendar::Property::new("METHOD", method))
        .name(name);
    calendar
}

/// A proposed time for a conversation: the round week's Wednesday (or, for a round drawn
/// later in the week, the next weekday at least a day after `not_before`), an hour into the
/// working hours (9:00 to 17:00) the members share, or 12:00 in the first member's zone when
/// they share none. A placeholder: the pair moves it to suit them.
pub fn proposed_time(
    week_start: NaiveDate,
    zones: &[Tz],
    not_before: DateTime<Utc>,
) -> DateTime<Utc> {
    let earliest = not_before + Duration::days(1);
    (2..30)
        .map(|d| week_start + Duration::days(d))
        .filter(|day| day.weekday().num_days_from_monday() < 5)
        .map(|day| slot_on(day, zones))
        .find(|at| *at >= earliest)
        .unwrap_or_else(|| slot_on(week_start + Duration::days(2), zones))
}

fn slot_on(day: NaiveDate, zones: &[Tz]) -> DateTime<Utc> {
    let at = |zone: Tz, hour: u32| {
        zone.from_local_datetime(
            &day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()),
        )
        .earliest()
        .map(|t| t.with_timezone(&Utc))
    };
    let starts: Vec<DateTime<Utc>> = zones.iter().filter_map(|z| at(*z, 9)).collect();
    let ends: Vec<DateTime<Utc>> = zones.iter().filter_map(|z| at(*z, 17)).collect();
    if let (Some(start), Some(end)) = (starts.iter().max(), ends.iter().min())
        && *end - *start >= Duration::minutes(30)
    {
        // the first half hour after 10:00 in the latest morning, if the overlap allows
        let later = *start + Duration::hours(1);
        return if *end - later >= Duration::minutes(30) {
            later
        } else {
            *start
        };
    }
    let zone = zones.first().copied().unwrap_or(Tz::UTC);
    at(zone, 12).unwrap_or_else(|| day.and_time(NaiveTime::MIN).and_utc())
}

/// The conversation's calendar file.
pub fn conversation_calendar(
    group: Uuid,
    starts_at: DateTime<Utc>,
    mode: Mode,
    with: &[String],
    prompts: &[&str],
    url: &str,
    method: &str,
) -> String {
    let mut calendar = empty_calendar("Attune conversation", method);
    let mut description = vec![format!(
        "A 30-minute conversation {}, proposed by Attune: move it to a time that suits you both.",
        mode.label()
    )];
    description.push(format!(
        "Some questions to start with:\n- {}",
        prompts.join("\n- ")
    ));
    description.push(format!("Mark it as happened, or skip it: {url}"));
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("pair-{group}@attune"))
        .summary(&format!("Conversation with {}", with.join(" and ")))
        .description(&description.join("\n\n"))
        .starts(starts_at)
        .ends(starts_at + Duration::minutes(30))
        .url(url);
    calendar.push(event.done());
    calendar.done().to_string()
}

/// A circle's sessions as one calendar file.
pub fn circle_calendar(
    circle: Uuid,
    theme: &str,
    sessions: &[Session],
    url: &str,
    method: &str,
) -> String {
    let mut calendar = empty_calendar(&format!("Attune circle: {theme}"), method);
    let total = sessions.len();
    for session in sessions {
        let mut event = icalendar::Event::new();
        event
            .uid(&format!("circle-{circle}-{}@attune", session.number))
            .summary(&format!(
                "Learning circle: {theme} (session {} of {total})",
                session.number
            ))
            .description(&format!(
                "Your peer learning circle. Afterwards, write the session's review together: {url}"
            ))
            .starts(session.starts_at)
            .ends(session.ends_at())
            .url(url);
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proposal_falls_in_shared_working_hours() {
        let monday = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        // London (UTC+1 in June) and Toronto (UTC-4): shared hours 13:00 to 16:00 UTC.
        let drawn = "2026-06-01T00:05:00Z".parse().unwrap();
        let at = proposed_time(monday, &[Tz::Europe__London, Tz::America__Toronto], drawn);
        assert_eq!(at.to_rfc3339(), "2026-06-03T14:00:00+00:00");
        // Toronto and Singapore share none: noon in the first one's zone.
        let at = proposed_time(monday, &[Tz::America__Toronto, Tz::Asia__Singapore], drawn);
        assert_eq!(at.to_rfc3339(), "2026-06-03T16:00:00+00:00");
        // A round drawn on Thursday proposes the next weekday but one: Monday.
        let thursday = "2026-06-04T10:00:00Z".parse().unwrap();
        let at = proposed_time(monday, &[Tz::Europe__London], thursday);
        assert_eq!(at.to_rfc3339(), "2026-06-08T09:00:00+00:00");
    }

    #[test]
    fn calendar_files_have_one_prodid_and_stable_uids() {
        let group = Uuid::from_u128(7);
        let at = "2026-06-03T14:00:00Z".parse().unwrap();
        let ics = conversation_calendar(
            group,
            at,
            Mode::Video,
            &["Ana Alvarez".into()],
            &["How are you, really?"],
            "https://attune.example/connect",
            "PUBLISH",
        );
        assert_eq!(ics.matches("PRODID").count(), 1);
        assert!(ics.contains(&format!("UID:pair-{group}@attune")));
        assert!(ics.contains("Conversation with Ana Alvarez"));
    }
}
