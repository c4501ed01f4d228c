//! Telling people about story nights: a notification in the app and, unless they turned that
//! kind off, an email, with a calendar file where it helps (the same UID as the download, so
//! calendars update the entry rather than add another). Runs inside the caller's transaction.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::app::notifications::{Email, notify};
use crate::config::AppConfig;
use crate::db;
use crate::domain::events::{
    CalendarEntry, Decision, Event, Notice, NoticeKind, Pitch, RsvpStatus, calendar_with_method,
    describe_span,
};
use crate::domain::mail::MailKind;
use crate::domain::people::Person;
use crate::error::AppResult;
use crate::mail::compose::Content;

/// How long before a story night its reminder goes out.
pub const REMINDER_BEFORE: Duration = Duration::hours(24);

fn event_path(event: &Event) -> String {
    format!("/events/{}", event.id)
}

/// The event's calendar file for one person, with a METHOD (`REQUEST` or `CANCEL`).
fn calendar_for(
    config: &AppConfig,
    event: &Event,
    person: &Person,
    going: bool,
    method: &'static str,
) -> (String, &'static str) {
    let entry = CalendarEntry {
        event,
        url: config.url_for(&event_path(event)),
        with_video: event.video_link_for(person, going),
    };
    (calendar_with_method(&event.title, &[entry], method), method)
}

/// When and where, in the reader's own time zone.
fn details(event: &Event, person: &Person) -> Vec<(String, String)> {
    let mut details = vec![(
        "When".to_string(),
        format!(
            "{} ({})",
            describe_span(event.starts_at, event.ends_at, person.time_zone),
            person.time_zone.name()
        ),
    )];
    let place = event.place();
    if !place.is_empty() {
        details.push(("Where".into(), place));
    }
    details
}

fn story_night(
    config: &AppConfig,
    event: &Event,
    person: &Person,
    subject: String,
    paragraphs: Vec<String>,
) -> Content {
    Content {
        subject,
        greeting: format!("Hello {},", person.first_name()),
        paragraphs,
        action: Some((
            "See the story night".into(),
            config.url_for(&event_path(event)),
        )),
        details: details(event, person),
    }
}

async fn people(conn: &mut PgConnection, ids: &[Uuid]) -> AppResult<Vec<Person>> {
    Ok(db::people::find_many(&mut *conn, ids).await?)
}

/// People who moved up from the waitlist: they're going now.
pub(super) async fn promoted(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
    ids: &[Uuid],
) -> AppResult<()> {
    let notice = Notice {
        event_id: event.id,
        title: event.title.clone(),
        kind: NoticeKind::Promoted,
    };
    for person in people(conn, ids).await? {
        let content = story_night(
            config,
            event,
            &person,
            format!("A seat opened up: you're going to {}", event.title),
            vec![
                notice.text(),
                "The calendar file attached adds it to your calendar.".into(),
            ],
        );
        let email = Email {
            content: &content,
            calendar: Some(calendar_for(config, event, &person, true, "REQUEST")),
        };
        let kind = MailKind::WaitlistPromoted;
        notify(
            conn,
            config,
            &person,
            kind,
            &notice.text(),
            &event_path(event),
            Some(email),
        )
        .await?;
    }
    Ok(())
}

/// An RSVP just made: an email confirming it (with the calendar file when going). No
/// notification: the person has just seen the answer on the page.
pub(super) async fn confirmed(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
    person: &Person,
    status: RsvpStatus,
    position: Option<i64>,
) -> AppResult<()> {
    let (subject, paragraph, calendar) = match status {
        RsvpStatus::Going => (
            format!("You're going to {}", event.title),
            "Your seat is saved. The calendar file attached adds it to your calendar; if your plans change, cancel your RSVP so someone on the waitlist can come.".to_string(),
            Some(calendar_for(config, event, person, true, "REQUEST")),
        ),
        RsvpStatus::Waitlisted => (
            format!("You're on the waitlist for {}", event.title),
            format!(
                "Every seat is taken, so you're number {} on the waitlist. If a seat opens up you move up at once, and we'll email you.",
                position.unwrap_or(1)
            ),
            None,
        ),
    };
    let content = story_night(config, event, person, subject, vec![paragraph]);
    crate::app::mail::queue(
        conn,
        config,
        person.into(),
        MailKind::RsvpConfirmed,
        &content,
        calendar,
    )
    .await?;
    Ok(())
}

/// An event people are going to changed: their calendars get the new version.
pub(super) async fn changed(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
) -> AppResult<()> {
    let going = db::events::people_replied(&mut *conn, event.id, &[RsvpStatus::Going]).await?;
    let text = format!(
        "\u{201c}{}\u{201d} changed: check the time and place.",
        event.title
    );
    for person in people(conn, &going).await? {
        let content = story_night(
            config,
            event,
            &person,
            format!("{} has changed", event.title),
            vec!["The organizers changed this story night. Here is how it stands now; the calendar file attached updates your calendar.".into()],
        );
        let email = Email {
            content: &content,
            calendar: Some(calendar_for(config, event, &person, true, "REQUEST")),
        };
        notify(
            conn,
            config,
            &person,
            MailKind::EventChanged,
            &text,
            &event_path(event),
            Some(email),
        )
        .await?;
    }
    Ok(())
}

/// An event was cancelled: everyone who replied is told, and calendars drop it.
pub(super) async fn cancelled(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
    ids: &[Uuid],
) -> AppResult<()> {
    let notice = Notice {
        event_id: event.id,
        title: event.title.clone(),
        kind: NoticeKind::EventCancelled,
    };
    for person in people(conn, ids).await? {
        let content = story_night(
            config,
            event,
            &person,
            format!("Cancelled: {}", event.title),
            vec![notice.text()],
        );
        let email = Email {
            content: &content,
            calendar: Some(calendar_for(config, event, &person, false, "CANCEL")),
        };
        notify(
            conn,
            config,
            &person,
            MailKind::EventCancelled,
            &notice.text(),
            &event_path(event),
            Some(email),
        )
        .await?;
    }
    Ok(())
}

/// An organizer accepted or declined a pitch, perhaps with a message.
pub(super) async fn pitch_decided(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
    pitch: &Pitch,
    decision: Decision,
    message: &str,
) -> AppResult<()> {
    let Some(person) = db::people::find(&mut *conn, pitch.person_id).await? else {
        return Ok(());
    };
    let (text, subject) = match decision {
        Decision::Accept => (
            format!(
                "Your story \u{201c}{}\u{201d} was accepted for {}.",
                pitch.title, event.title
            ),
            format!("Your story is in: {}", event.title),
        ),
        Decision::Decline => (
            format!(
                "Your story \u{201c}{}\u{201d} wasn't chosen for {} this time.",
                pitch.title, event.title
            ),
            format!("About your pitch for {}", event.title),
        ),
    };
    let mut content = story_night(config, event, &person, subject, vec![text.clone()]);
    if !message.is_empty() {
        content
            .details
            .push(("From the organizers".into(), message.to_string()));
    }
    let email = Email {
        content: &content,
        calendar: None,
    };
    let link = format!("/events/{}/pitch", event.id);
    notify(
        conn,
        config,
        &person,
        MailKind::PitchDecided,
        &text,
        &link,
        Some(email),
    )
    .await
}

/// The lineup was published: its storytellers are told.
pub(super) async fn lineup_published(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
    storytellers: &[Uuid],
) -> AppResult<()> {
    let text = format!(
        "The lineup for \u{201c}{}\u{201d} is out, and you're in it.",
        event.title
    );
    for person in people(conn, storytellers).await? {
        let content = story_night(
            config,
            event,
            &person,
            format!("The lineup for {} is out", event.title),
            vec![
                text.clone(),
                "See where your story sits in the evening on the event page.".into(),
            ],
        );
        let email = Email {
            content: &content,
            calendar: None,
        };
        notify(
            conn,
            config,
            &person,
            MailKind::LineupPublished,
            &text,
            &event_path(event),
            Some(email),
        )
        .await?;
    }
    Ok(())
}

/// Sends the day-before reminders that are due: each event's reminder is claimed with a
/// conditional update in the same transaction as its messages, so it goes out once however
/// many instances run this. Returns how many events were reminded.
pub async fn send_due_reminders(
    pool: &PgPool,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let due = db::events::reminders_due(pool, now, now + REMINDER_BEFORE).await?;
    let mut sent = 0;
    for event_id in due {
        let mut tx = pool.begin().await?;
        if !db::events::claim_reminder(&mut *tx, event_id, now).await? {
            continue;
        }
        let Some(event) = db::events::find(&mut *tx, event_id).await? else {
            continue;
        };
        let going = db::events::people_replied(&mut *tx, event_id, &[RsvpStatus::Going]).await?;
        for person in people(&mut tx, &going).await? {
            let content = story_night(
                config,
                &event,
                &person,
                format!("Tomorrow: {}", event.title),
                vec!["A reminder that you're going to this story night. If you can't come after all, cancel your RSVP so someone on the waitlist can have your seat.".into()],
            );
            crate::app::mail::queue(
                &mut tx,
                config,
                (&person).into(),
                MailKind::EventReminder,
                &content,
                None,
            )
            .await?;
        }
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}
