use chrono::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::*;
use crate::domain::people::{Person, Roles};

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
        crate::domain::time::datetime_local(at("2026-07-02T18:00:00Z"), Tz::America__Toronto),
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
fn a_public_event_stays_in_the_future_and_only_drafts_publish() {
    let now = at("2026-07-01T00:00:00Z");
    let past = now - Duration::hours(1);
    let future = now + Duration::hours(1);
    let mut e = event();
    // New events: only publishing needs a future start.
    assert!(check_start(None, past, false, now).is_ok());
    assert!(check_start(None, past, true, now).is_err());
    assert!(check_start(None, future, true, now).is_ok());
    // A draft may move anywhere until it is published.
    e.status = EventStatus::Draft;
    e.starts_at = past;
    assert!(check_start(Some(&e), past - Duration::hours(1), false, now).is_ok());
    assert!(check_start(Some(&e), past, true, now).is_err());
    assert!(e.may_publish().is_ok());
    // A published event keeps a past start it already has, but can't move into the past.
    e.status = EventStatus::Published;
    assert!(check_start(Some(&e), past, false, now).is_ok());
    assert!(check_start(Some(&e), past - Duration::hours(1), false, now).is_err());
    assert!(check_start(Some(&e), future, false, now).is_ok());
    assert_eq!(
        e.may_publish(),
        Err("This story night is already published.")
    );
    e.status = EventStatus::Cancelled;
    assert!(e.may_publish().unwrap_err().contains("cancelled"));
}

#[test]
fn the_video_link_and_lineup_are_shown_to_the_right_people() {
    let mut e = event();
    let (someone, organizer) = (person(false, false), person(true, false));
    e.video_url = "https://meet.example.com/x".into();
    assert!(!e.video_link_for(&someone, false));
    assert!(e.video_link_for(&someone, true));
    assert!(e.video_link_for(&organizer, false));
    e.video_url.clear();
    assert!(!e.video_link_for(&organizer, true));
    e.lineup_published = false;
    assert!(!e.lineup_visible_to(&someone));
    assert!(e.lineup_visible_to(&organizer));
    e.lineup_published = true;
    assert!(e.lineup_visible_to(&someone));
    e.status = EventStatus::Cancelled;
    assert!(!e.lineup_visible_to(&someone));
    assert!(e.lineup_visible_to(&organizer));
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
    assert_eq!(
        e.may_rsvp(e.starts_at),
        Err("This story night has already started, so RSVPs are closed.")
    );
    assert_eq!(e.may_rsvp(e.ends_at), Err("This story night is over."));
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

#[test]
fn stored_statuses_read_back_and_unknown_ones_are_refused() {
    use std::str::FromStr;
    for status in [
        EventStatus::Draft,
        EventStatus::Published,
        EventStatus::Cancelled,
    ] {
        assert_eq!(EventStatus::from_str(status.as_str()), Ok(status));
    }
    for status in [RsvpStatus::Going, RsvpStatus::Waitlisted] {
        assert_eq!(RsvpStatus::from_str(status.as_str()), Ok(status));
    }
    for kind in [NoticeKind::Promoted, NoticeKind::EventCancelled] {
        assert_eq!(NoticeKind::from_str(kind.as_str()), Ok(kind));
    }
    for status in [
        PitchStatus::Submitted,
        PitchStatus::Accepted,
        PitchStatus::Declined,
    ] {
        assert_eq!(PitchStatus::from_str(status.as_str()), Ok(status));
    }
    assert_eq!(NoticeKind::EventCancelled.as_str(), "event_cancelled");
    assert!(EventStatus::from_str("archived").is_err());
    assert!(RsvpStatus::from_str("Going").is_err());
}
