//! Telling people about story nights: a notification in the app and, unless they turned that
//! kind off, an email, with a calendar file where it helps (the same UID as the download, so
//! calendars update the entry rather than add another). Runs inside the caller's transaction.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::app::mail::queue;
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
    Ok(db::people::find_active(&mut *conn, ids).await?)
}

/// One message about a story night, for everyone in a list.
struct Message<'a> {
    kind: MailKind,
    /// The notification's words.
    text: String,
    subject: String,
    /// The email's paragraphs, after the notification's words.
    more: &'a [&'a str],
    /// A calendar file with this METHOD, for people going (true) or not.
    calendar: Option<(&'static str, bool)>,
    /// Where the notification leads (the event page unless given).
    link: Option<String>,
    /// Label and value pairs added to the email's details.
    extra: Vec<(String, String)>,
}

/// Tells each person: a notification and, their choice permitting, an email.
async fn tell_each(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
    ids: &[Uuid],
    message: Message<'_>,
) -> AppResult<()> {
    let link = message.link.clone().unwrap_or_else(|| event_path(event));
    for person in people(conn, ids).await? {
        let mut paragraphs = vec![message.text.clone()];
        paragraphs.extend(message.more.iter().map(|p| p.to_string()));
        let mut content = story_night(config, event, &person, message.subject.clone(), paragraphs);
        content.details.extend(message.extra.iter().cloned());
        let calendar = message
            .calendar
            .map(|(method, going)| calendar_for(config, event, &person, going, method));
        let email = Email {
            content: &content,
            calendar,
        };
        notify(
            conn,
            config,
            &person,
            message.kind,
            &message.text,
            &link,
            Some(email),
        )
        .await?;
    }
    Ok(())
}

fn notice(event: &Event, kind: NoticeKind) -> String {
    Notice {
        event_id: event.id,
        title: event.title.clone(),
        kind,
    }
    .text()
}

/// People who moved up from the waitlist: they're going now.
pub(super) async fn promoted(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
    ids: &[Uuid],
) -> AppResult<()> {
    let message = Message {
        kind: MailKind::WaitlistPromoted,
        text: notice(event, NoticeKind::Promoted),
        subject: format!("A seat opened up: you're going to {}", event.title),
        more: &["The calendar file attached adds it to your calendar."],
        calendar: Some(("REQUEST", true)),
        link: None,
        extra: Vec::new(),
    };
    tell_each(conn, config, event, ids, message).await
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
            "Your seat is saved. The calendar file attached adds it to your calendar; if your \
             plans change, cancel your RSVP so someone on the waitlist can come."
                .to_string(),
            Some(calendar_for(config, event, person, true, "REQUEST")),
        ),
        RsvpStatus::Waitlisted => (
            format!("You're on the waitlist for {}", event.title),
            format!(
                "Every seat is taken, so you're number {} on the waitlist. If a seat opens up \
                 you move up at once, and we'll email you.",
                position.unwrap_or(1)
            ),
            None,
        ),
    };
    let content = story_night(config, event, person, subject, vec![paragraph]);
    let kind = MailKind::RsvpConfirmed;
    queue(conn, config, person.into(), kind, &content, calendar).await?;
    Ok(())
}

/// An event people are going to changed: their calendars get the new version.
pub(super) async fn changed(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
) -> AppResult<()> {
    let going = db::events::people_replied(&mut *conn, event.id, &[RsvpStatus::Going]).await?;
    let message = Message {
        kind: MailKind::EventChanged,
        text: format!(
            "\u{201c}{}\u{201d} changed: check the time and place.",
            event.title
        ),
        subject: format!("{} has changed", event.title),
        more: &["Here is how it stands now; the calendar file attached updates your calendar."],
        calendar: Some(("REQUEST", true)),
        link: None,
        extra: Vec::new(),
    };
    tell_each(conn, config, event, &going, message).await
}

/// An event was cancelled: everyone who replied is told, and calendars drop it.
pub(super) async fn cancelled(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
    ids: &[Uuid],
) -> AppResult<()> {
    let message = Message {
        kind: MailKind::EventCancelled,
        text: notice(event, NoticeKind::EventCancelled),
        subject: format!("Cancelled: {}", event.title),
        more: &[],
        calendar: Some(("CANCEL", false)),
        link: None,
        extra: Vec::new(),
    };
    tell_each(conn, config, event, ids, message).await
}

/// An organizer accepted or declined a pitch, perhaps with a message.
pub(super) async fn pitch_decided(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
    pitch: &Pitch,
    decision: Decision,
    note: &str,
) -> AppResult<()> {
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
    let extra = if note.is_empty() {
        Vec::new()
    } else {
        vec![("From the organizers".to_string(), note.to_string())]
    };
    let message = Message {
        kind: MailKind::PitchDecided,
        text,
        subject,
        more: &[],
        calendar: None,
        link: Some(format!("/events/{}/pitch", event.id)),
        extra,
    };
    tell_each(conn, config, event, &[pitch.person_id], message).await
}

/// The lineup was published: its storytellers are told.
pub(super) async fn lineup_published(
    conn: &mut PgConnection,
    config: &AppConfig,
    event: &Event,
    storytellers: &[Uuid],
) -> AppResult<()> {
    let message = Message {
        kind: MailKind::LineupPublished,
        text: format!(
            "The lineup for \u{201c}{}\u{201d} is out, and you're in it.",
            event.title
        ),
        subject: format!("The lineup for {} is out", event.title),
        more: &["See where your story sits in the evening on the event page."],
        calendar: None,
        link: None,
        extra: Vec::new(),
    };
    tell_each(conn, config, event, storytellers, message).await
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
                format!("Coming up: {}", event.title),
                vec!["A reminder that you're going to this story night soon. If you can't come after all, cancel your RSVP so someone on the waitlist can have your seat.".into()],
            );
            queue(
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
