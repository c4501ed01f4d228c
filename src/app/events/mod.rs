//! Use cases for story nights: planning and changing events, RSVPs and the waitlist, pitch
//! decisions and the lineup, attendance, notes and private calendar feeds.
//!
//! Whatever changes who is going, or the lineup, runs in one transaction that first locks the
//! event row (`db::events::lock`), so RSVPs to one event are decided one at a time however many
//! people click at once; the `going_count` trigger and its CHECK back this up in the database.

mod tell;

pub use tell::{REMINDER_BEFORE, send_due_reminders};

use crate::app::audit::{self, Actor, Subject};
use crate::domain::audit::Action;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::config::AppConfig;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::events::{
    self as rules, Commitments, Decision, Event, EventForm, EventInput, EventStatus, Move, Pitch,
    PitchStatus, Rsvp, RsvpStatus,
};
use crate::domain::people::Person;
use crate::error::{AppError, AppResult, OrNotFound};
use crate::secrets;

fn conflict(message: impl Into<String>) -> AppError {
    AppError::Conflict(message.into())
}

/// An event the person may see, or 404 (drafts don't exist for people who can't organize).
pub async fn visible_event(pool: &PgPool, person: &Person, id: Uuid) -> AppResult<Event> {
    db::events::find(pool, id)
        .await?
        .filter(|event| event.visible_to(person))
        .or_404()
}

/// Locks an event the person may see, or 404.
async fn lock_visible(conn: &mut PgConnection, person: &Person, id: Uuid) -> AppResult<Event> {
    db::events::lock(conn, id)
        .await?
        .filter(|event| event.visible_to(person))
        .or_404()
}

/// Moves people up from the waitlist into any free seats (before the event starts). Call it
/// with the event row locked.
pub async fn fill_free_seats(
    conn: &mut PgConnection,
    config: &AppConfig,
    event_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let Some(event) = db::events::find(&mut *conn, event_id).await? else {
        return Ok(0);
    };
    if event.status != EventStatus::Published || event.has_started(now) {
        return Ok(0);
    }
    let count = rules::promotions(event.capacity, event.going, event.waitlisted);
    let promoted = db::events::promote(conn, event_id, count).await?;
    tell::promoted(conn, config, &event, &promoted).await?;
    Ok(promoted.len() as u64)
}

// --- Planning and changing events ----------------------------------------------------------

/// Stores a new event from its form, as a draft or published at once. `Ok(Err(..))` holds
/// what to say next to each field.
pub async fn create(
    pool: &PgPool,
    organizer: Actor,
    form: &EventForm,
    publishing: bool,
    now: DateTime<Utc>,
) -> AppResult<Result<Uuid, FieldErrors>> {
    let checked = rules::parse_event(form, Commitments::default()).and_then(|input| {
        rules::check_start(None, input.starts_at, publishing, now)?;
        Ok(input)
    });
    let input = match checked {
        Ok(input) => input,
        Err(errors) => return Ok(Err(errors)),
    };
    let status = if publishing {
        EventStatus::Published
    } else {
        EventStatus::Draft
    };
    let mut tx = pool.begin().await?;
    let id = db::events::insert(&mut *tx, &input, status, organizer.id).await?;
    if publishing {
        let subject = Subject::of("event", id);
        audit::record(
            &mut tx,
            organizer,
            Action::EventPublished,
            subject,
            &input.title,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(id))
}

/// What saving an event's changes did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Updated {
    /// The draft was published with these changes.
    pub published: bool,
    /// People moved up from the waitlist into new seats.
    pub promoted: u64,
}

/// A form that can't be saved: the event as it is, and what to say next to each field.
pub type Refused = (Event, FieldErrors);

/// Saves changes to an event (and publishes a draft when asked). It can't shrink below the
/// people going or the stories accepted; more seats let people in from the waitlist.
pub async fn update(
    pool: &PgPool,
    config: &AppConfig,
    actor: Actor,
    id: Uuid,
    form: &EventForm,
    publishing: bool,
    now: DateTime<Utc>,
) -> AppResult<Result<Updated, Refused>> {
    let mut tx = pool.begin().await?;
    let event = db::events::lock(&mut tx, id).await?.or_404()?;
    event.may_edit().map_err(conflict)?;
    let commitments = Commitments {
        going: event.going,
        accepted: db::events::accepted_count(&mut *tx, id).await?,
    };
    let checked = rules::parse_event(form, commitments).and_then(|input| {
        rules::check_start(Some(&event), input.starts_at, publishing, now)?;
        Ok(input)
    });
    let input = match checked {
        Ok(input) => input,
        Err(errors) => return Ok(Err((event, errors))),
    };
    db::events::update(&mut *tx, id, &input).await?;
    let published = publishing && event.is_draft();
    if published {
        db::events::publish(&mut *tx, id).await?;
        let subject = Subject::of("event", id);
        audit::record(
            &mut tx,
            actor,
            Action::EventPublished,
            subject,
            &input.title,
        )
        .await?;
    }
    if !event.is_draft() && rules::changes_for_guests(&event, &input) {
        let changed = db::events::find(&mut *tx, id).await?.or_404()?;
        tell::changed(&mut tx, config, &changed).await?;
    }
    let promoted = fill_free_seats(&mut tx, config, id, now).await?;
    tx.commit().await?;
    Ok(Ok(Updated {
        published,
        promoted,
    }))
}

/// Publishes a draft whose start is still in the future.
pub async fn publish(
    pool: &PgPool,
    actor: Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Result<(), Refused>> {
    let mut tx = pool.begin().await?;
    let event = db::events::lock(&mut tx, id).await?.or_404()?;
    event.may_publish().map_err(conflict)?;
    if let Err(errors) = rules::check_publishable(event.starts_at, now) {
        return Ok(Err((event, errors)));
    }
    db::events::publish(&mut *tx, id).await?;
    let subject = Subject::of("event", id);
    audit::record(
        &mut tx,
        actor,
        Action::EventPublished,
        subject,
        &event.title,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Cancels an event and tells everyone who had replied (in the app and by email, with a
/// calendar cancellation); returns the event as it was just before.
pub async fn cancel(pool: &PgPool, config: &AppConfig, id: Uuid) -> AppResult<Event> {
    let mut tx = pool.begin().await?;
    let event = db::events::lock(&mut tx, id).await?.or_404()?;
    event.may_edit().map_err(conflict)?;
    let replied = [RsvpStatus::Going, RsvpStatus::Waitlisted];
    let people = db::events::people_replied(&mut *tx, id, &replied).await?;
    db::events::cancel(&mut tx, id).await?;
    let cancelled = db::events::find(&mut *tx, id).await?.or_404()?;
    tell::cancelled(&mut tx, config, &cancelled, &people).await?;
    tx.commit().await?;
    Ok(event)
}

/// A new draft copied from an event the organizer can see, without RSVPs or pitches.
pub async fn duplicate(pool: &PgPool, organizer: &Person, id: Uuid) -> AppResult<Uuid> {
    let event = visible_event(pool, organizer, id).await?;
    let copy = EventInput::copy_of(&event);
    Ok(db::events::insert(pool, &copy, EventStatus::Draft, organizer.id).await?)
}

// --- RSVPs ---------------------------------------------------------------------------------

/// What an RSVP came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Replied {
    pub event: Event,
    /// The reply the person already had (then nothing changed).
    pub existing: Option<Rsvp>,
    /// Their reply now.
    pub rsvp: Option<Rsvp>,
}

/// Says a person is coming: a seat while any remain, otherwise the waitlist. The row lock
/// makes "is there a seat?" and "take it" one step.
pub async fn rsvp(
    pool: &PgPool,
    config: &AppConfig,
    person: &Person,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Replied> {
    let mut tx = pool.begin().await?;
    let event = lock_visible(&mut tx, person, id).await?;
    event.may_rsvp(now).map_err(conflict)?;
    let existing = db::events::find_rsvp(&mut *tx, id, person.id).await?;
    if existing.is_none() {
        let place = rules::place_for(event.capacity, event.going);
        db::events::insert_rsvp(&mut tx, id, person.id, place).await?;
    }
    let rsvp = db::events::find_rsvp(&mut *tx, id, person.id).await?;
    if let (None, Some(reply)) = (&existing, &rsvp) {
        tell::confirmed(
            &mut tx,
            config,
            &event,
            person,
            reply.status,
            reply.position,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Replied {
        event,
        existing,
        rsvp,
    })
}

/// Takes back a person's RSVP; a freed seat goes to the first person waiting. Returns what
/// the reply was.
pub async fn cancel_rsvp(
    pool: &PgPool,
    config: &AppConfig,
    person: &Person,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<RsvpStatus>> {
    let mut tx = pool.begin().await?;
    let event = lock_visible(&mut tx, person, id).await?;
    event.may_cancel_rsvp(now).map_err(conflict)?;
    let was = db::events::delete_rsvp(&mut tx, id, person.id).await?;
    if was == Some(RsvpStatus::Going) {
        fill_free_seats(&mut tx, config, id, now).await?;
    }
    tx.commit().await?;
    Ok(was)
}

// --- Pitches and the lineup ------------------------------------------------------------------

/// Withdraws a person's pitch while pitches are open; false when they had none.
pub async fn withdraw_pitch(
    pool: &PgPool,
    person: &Person,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let mut tx = pool.begin().await?;
    let event = lock_visible(&mut tx, person, id).await?;
    event.may_pitch(now).map_err(conflict)?;
    let withdrawn = db::events::delete_pitch(&mut tx, id, person.id).await?;
    tx.commit().await?;
    Ok(withdrawn)
}

/// A decision that could not be read: the event, and what to say next to the pitch.
pub type Unread = (Event, String);

/// Records an organizer's decision on a pitch, as typed (`decision`, `message`). The lineup
/// never holds more stories than slots. Returns the pitch as it was, the decision and, for an
/// accepted story whose teller has no seat, what the organizer should know.
pub async fn decide(
    pool: &PgPool,
    config: &AppConfig,
    id: Uuid,
    pitch_id: Uuid,
    (decision, message): (&str, &str),
    now: DateTime<Utc>,
) -> AppResult<Result<(Pitch, Decision, Option<String>), Unread>> {
    let mut tx = pool.begin().await?;
    let event = db::events::lock(&mut tx, id).await?.or_404()?;
    let pitch = db::events::find_pitch(&mut *tx, id, pitch_id)
        .await?
        .or_404()?;
    event.may_change_lineup(now).map_err(conflict)?;
    let (decision, message) = match rules::parse_decision(decision, message) {
        Ok(parsed) => parsed,
        Err(problem) => return Ok(Err((event, problem))),
    };
    if decision == Decision::Accept && pitch.status != PitchStatus::Accepted {
        let accepted = db::events::accepted_count(&mut *tx, id).await?;
        rules::may_accept(accepted, event.storyteller_slots).map_err(AppError::Conflict)?;
    }
    db::events::decide(&mut tx, id, pitch_id, decision, &message).await?;
    tell::pitch_decided(&mut tx, config, &event, &pitch, decision, &message).await?;
    let seat_note = if decision == Decision::Accept {
        let seat = db::events::find_rsvp(&mut *tx, id, pitch.person_id).await?;
        rules::storyteller_seat_note(&pitch.storyteller, seat.as_ref(), event.is_full())
    } else {
        None
    };
    tx.commit().await?;
    Ok(Ok((pitch, decision, seat_note)))
}

/// Moves a story in the lineup one place earlier or later (nothing past either end).
pub async fn move_story(
    pool: &PgPool,
    id: Uuid,
    pitch_id: Uuid,
    direction: Option<Move>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let event = db::events::lock(&mut tx, id).await?.or_404()?;
    let pitch = db::events::find_pitch(&mut *tx, id, pitch_id)
        .await?
        .or_404()?;
    event.may_change_lineup(now).map_err(conflict)?;
    let position = pitch
        .lineup_position
        .ok_or_else(|| conflict("Only stories in the lineup can be moved."))?;
    let count = db::events::accepted_count(&mut *tx, id).await?;
    if let Some(target) = direction.and_then(|m| m.target(position, count)) {
        db::events::swap_places(&mut *tx, id, position, target).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Shows or hides the lineup to everyone.
/// Shows or hides the lineup; the first time it is shown (only then), its storytellers are
/// told.
pub async fn set_lineup_visibility(
    pool: &PgPool,
    config: &AppConfig,
    id: Uuid,
    visible: bool,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let event = db::events::lock(&mut tx, id).await?.or_404()?;
    db::events::set_lineup_published(&mut *tx, event.id, visible).await?;
    if visible && db::events::announce_lineup(&mut *tx, id).await? {
        let storytellers: Vec<Uuid> = db::events::lineup(&mut *tx, id)
            .await?
            .iter()
            .map(|pitch| pitch.person_id)
            .collect();
        tell::lineup_published(&mut tx, config, &event, &storytellers).await?;
    }
    tx.commit().await?;
    Ok(())
}

// --- After the event ---------------------------------------------------------------------------

/// Records who came, among the people going (from the start of the event).
pub async fn mark_attendance(
    pool: &PgPool,
    id: Uuid,
    attended: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let event = db::events::find(pool, id).await?.or_404()?;
    event.may_mark_attendance(now).map_err(conflict)?;
    db::events::set_attendance(pool, id, attended).await?;
    Ok(())
}

/// Leaves a note for a storyteller, from someone who came, once the event is over. Returns
/// the story and whether the note is new (false: they had already left one); a note that
/// can't be read comes back with the event and what to say.
pub async fn leave_note(
    pool: &PgPool,
    person: &Person,
    (id, pitch_id): (Uuid, Uuid),
    body: &str,
    now: DateTime<Utc>,
) -> AppResult<Result<(Pitch, bool), Unread>> {
    let event = visible_event(pool, person, id).await?;
    let pitch = db::events::find_pitch(pool, event.id, pitch_id)
        .await?
        .filter(|p| p.status == PitchStatus::Accepted)
        .or_404()?;
    let rsvp = db::events::find_rsvp(pool, event.id, person.id).await?;
    rules::may_leave_note(&event, now, rsvp, pitch.person_id == person.id).map_err(conflict)?;
    let body = match rules::parse_note(body) {
        Ok(body) => body,
        Err(problem) => return Ok(Err((event, problem))),
    };
    let new = db::events::insert_note(pool, pitch.id, person.id, &body).await?;
    Ok(Ok((pitch, new)))
}

// --- Calendar feeds -----------------------------------------------------------------------------

/// A new private feed token for the person, replacing any old one; the server keeps only its
/// digest. Returns the token (to show once) and whether an old one stopped working.
pub async fn new_feed_token(pool: &PgPool, person_id: Uuid) -> AppResult<(String, bool)> {
    let token = secrets::new_token();
    let replaced = db::events::feed_created(pool, person_id).await?.is_some();
    db::events::set_feed(pool, person_id, &secrets::token_digest(&token)).await?;
    Ok((token, replaced))
}

/// Turns the person's feed off; false when they had none.
pub async fn revoke_feed_token(pool: &PgPool, person_id: Uuid) -> AppResult<bool> {
    Ok(db::events::revoke_feed(pool, person_id).await?)
}

/// The events a feed token opens, or 404 for a token nobody holds.
pub async fn feed_events(pool: &PgPool, token: &str, now: DateTime<Utc>) -> AppResult<Vec<Event>> {
    if token.is_empty() || token.len() > 100 {
        return Err(AppError::NotFound);
    }
    let person_id = db::events::feed_owner(pool, &secrets::token_digest(token))
        .await?
        .or_404()?;
    Ok(db::events::feed_events(pool, person_id, rules::feed_since(now), rules::FEED_LIMIT).await?)
}
