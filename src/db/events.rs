//! Story nights: events, RSVPs and the waitlist, pitches and the lineup, resonance notes and
//! private calendar feeds.
//!
//! Anything that changes who is going runs in a transaction that first locks the event row
//! (`lock`), so RSVPs to one event are decided one at a time.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{DbResult, Text};
use crate::domain::events::{
    Attendee, Decision, Event, EventInput, EventStatus, Notice, NoticeKind, Pitch, PitchInput,
    PitchStatus, ReceivedNote, Rsvp, RsvpStatus,
};
use crate::domain::pagination::PageRequest;

#[derive(FromRow)]
struct EventRow {
    id: Uuid,
    title: String,
    theme: String,
    description: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    time_zone: Text<Tz>,
    office: String,
    room: String,
    video_url: String,
    capacity: Option<i32>,
    storyteller_slots: i32,
    minutes_per_story: i32,
    pitch_deadline: DateTime<Utc>,
    status: Text<EventStatus>,
    published: bool,
    lineup_published: bool,
    sequence: i32,
    going_count: i32,
    waitlisted: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<EventRow> for Event {
    fn from(row: EventRow) -> Self {
        Event {
            id: row.id,
            title: row.title,
            theme: row.theme,
            description: row.description,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            time_zone: row.time_zone.0,
            office: row.office,
            room: row.room,
            video_url: row.video_url,
            capacity: row.capacity,
            storyteller_slots: row.storyteller_slots,
            minutes_per_story: row.minutes_per_story,
            pitch_deadline: row.pitch_deadline,
            status: row.status.0,
            published: row.published,
            lineup_published: row.lineup_published,
            sequence: row.sequence,
            going: row.going_count,
            waitlisted: i32::try_from(row.waitlisted).unwrap_or(i32::MAX),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

const COLUMNS: &str = "e.id, e.title, e.theme, e.description, e.starts_at, e.ends_at, \
    e.time_zone, e.office, e.room, e.video_url, e.capacity, e.storyteller_slots, \
    e.minutes_per_story, e.pitch_deadline, e.status, e.published_at IS NOT NULL AS published, \
    e.lineup_published, e.sequence, e.going_count, \
    (SELECT count(*) FROM event_rsvps w WHERE w.event_id = e.id AND w.status = 'waitlisted') \
    AS waitlisted, e.created_at, e.updated_at";

/// Stores a new event; a published one is visible to everyone at once.
#[instrument(skip_all)]
pub async fn insert(
    db: impl PgExecutor<'_>,
    input: &EventInput,
    status: EventStatus,
    created_by: Uuid,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO events (id, title, theme, description, starts_at, ends_at, time_zone, \
         office, room, video_url, capacity, storyteller_slots, minutes_per_story, \
         pitch_deadline, status, published_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         CASE WHEN $15 = 'published' THEN now() END, $16)",
    )
    .bind(id)
    .bind(&input.title)
    .bind(&input.theme)
    .bind(&input.description)
    .bind(input.starts_at)
    .bind(input.ends_at)
    .bind(input.time_zone.name())
    .bind(&input.office)
    .bind(&input.room)
    .bind(&input.video_url)
    .bind(input.capacity)
    .bind(input.storyteller_slots)
    .bind(input.minutes_per_story)
    .bind(input.pitch_deadline)
    .bind(status.as_str())
    .bind(created_by)
    .execute(db)
    .await?;
    Ok(id)
}

/// Saves changes to an event and bumps its calendar SEQUENCE.
#[instrument(skip_all)]
pub async fn update(db: impl PgExecutor<'_>, id: Uuid, input: &EventInput) -> DbResult<()> {
    sqlx::query(
        "UPDATE events SET title = $2, theme = $3, description = $4, starts_at = $5, \
         ends_at = $6, time_zone = $7, office = $8, room = $9, video_url = $10, capacity = $11, \
         storyteller_slots = $12, minutes_per_story = $13, pitch_deadline = $14, \
         sequence = sequence + 1, updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(&input.title)
    .bind(&input.theme)
    .bind(&input.description)
    .bind(input.starts_at)
    .bind(input.ends_at)
    .bind(input.time_zone.name())
    .bind(&input.office)
    .bind(&input.room)
    .bind(&input.video_url)
    .bind(input.capacity)
    .bind(input.storyteller_slots)
    .bind(input.minutes_per_story)
    .bind(input.pitch_deadline)
    .execute(db)
    .await?;
    Ok(())
}

#[instrument(skip_all)]
pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Event>> {
    let row: Option<EventRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM events e WHERE e.id = $1"))
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(Event::from))
}

/// Locks the event row until the transaction ends and returns the event as it is now.
/// Every change to who is going, and to the lineup, takes this lock first.
#[instrument(skip_all)]
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> DbResult<Option<Event>> {
    let locked: Option<i32> = sqlx::query_scalar("SELECT 1 FROM events WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    if locked.is_none() {
        return Ok(None);
    }
    find(&mut *conn, id).await
}

/// Publishes a draft (the first publication is remembered for visibility).
#[instrument(skip_all)]
pub async fn publish(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<()> {
    sqlx::query(
        "UPDATE events SET status = 'published', published_at = coalesce(published_at, now()), \
         updated_at = now() WHERE id = $1 AND status = 'draft'",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Cancels an event and leaves a notice for everyone who had RSVPed.
#[instrument(skip_all)]
pub async fn cancel(conn: &mut PgConnection, id: Uuid) -> DbResult<()> {
    sqlx::query(
        "UPDATE events SET status = 'cancelled', cancelled_at = now(), sequence = sequence + 1, \
         updated_at = now() WHERE id = $1 AND status <> 'cancelled'",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE event_rsvps SET notice = 'event_cancelled', updated_at = now() WHERE event_id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[instrument(skip_all)]
pub async fn set_lineup_published(
    db: impl PgExecutor<'_>,
    id: Uuid,
    published: bool,
) -> DbResult<()> {
    sqlx::query("UPDATE events SET lineup_published = $2 WHERE id = $1")
        .bind(id)
        .bind(published)
        .execute(db)
        .await?;
    Ok(())
}

/// Which events a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Not over yet, soonest first.
    Upcoming,
    /// Over, most recent first.
    Past,
}

/// An event in a list, with the viewer's own RSVP.
#[derive(Debug, Clone)]
pub struct Listed {
    pub event: Event,
    pub mine: Option<RsvpStatus>,
}

/// One page of events. Drafts are listed only when `with_drafts` (for organizers).
///
/// Both queries are planned afresh for the actual `now` and office (`persistent(false)`:
/// no cached generic plan). Only then can PostgreSQL see that "ends after now" is a few
/// rows of `events_ends_idx` (or `events_office_ends_idx`) to sort by start; a generic plan,
/// blind to `now`, walks `events_starts_idx` from the first event ever, past ones included.
#[instrument(skip_all)]
pub async fn list(
    db: impl PgExecutor<'_> + Copy,
    period: Period,
    office: &str,
    with_drafts: bool,
    viewer: Uuid,
    now: DateTime<Utc>,
    page: PageRequest,
) -> DbResult<(Vec<Listed>, i64)> {
    let (when, order) = match period {
        Period::Upcoming => ("e.ends_at > $1", "e.starts_at, e.id"),
        Period::Past => ("e.ends_at <= $1", "e.ends_at DESC, e.id"),
    };
    let filter =
        format!("{when} AND ($2 = '' OR e.office = $2) AND ($3 OR e.published_at IS NOT NULL)");
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM events e WHERE {filter}"))
        .persistent(false)
        .bind(now)
        .bind(office)
        .bind(with_drafts)
        .fetch_one(db)
        .await?;
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        event: EventRow,
        mine: Option<Text<RsvpStatus>>,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, mine.status AS mine FROM events e \
         LEFT JOIN event_rsvps mine ON mine.event_id = e.id AND mine.person_id = $4 \
         WHERE {filter} ORDER BY {order} LIMIT $5 OFFSET $6"
    ))
    .persistent(false)
    .bind(now)
    .bind(office)
    .bind(with_drafts)
    .bind(viewer)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    Ok((
        rows.into_iter()
            .map(|row| Listed {
                event: Event::from(row.event),
                mine: row.mine.map(|mine| mine.0),
            })
            .collect(),
        total,
    ))
}

/// Office names to filter by or choose from: those of events and of active people, the
/// first 100 in order.
///
/// Each side is a loose index scan: start at the smallest office, then repeatedly ask the
/// index for the next one after it (`events_office_ends_idx`, `people_active_office_idx`,
/// index-only). That is one probe per distinct office, at most 100 each, however many events
/// and people there are, instead of reading both tables to find a handful of names.
#[instrument(skip_all)]
pub async fn offices(db: impl PgExecutor<'_>) -> DbResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "WITH RECURSIVE \
         event_offices (office, n) AS ( \
             SELECT min(office), 1 FROM events WHERE office <> '' \
             UNION ALL \
             SELECT (SELECT min(e.office) FROM events e \
                     WHERE e.office <> '' AND e.office > o.office), o.n + 1 \
             FROM event_offices o WHERE o.office IS NOT NULL AND o.n < 100), \
         people_offices (office, n) AS ( \
             SELECT min(office), 1 FROM people WHERE active AND office <> '' \
             UNION ALL \
             SELECT (SELECT min(p.office) FROM people p \
                     WHERE p.active AND p.office <> '' AND p.office > o.office), o.n + 1 \
             FROM people_offices o WHERE o.office IS NOT NULL AND o.n < 100) \
         SELECT office FROM event_offices WHERE office IS NOT NULL \
         UNION SELECT office FROM people_offices WHERE office IS NOT NULL \
         ORDER BY office LIMIT 100",
    )
    .fetch_all(db)
    .await?)
}

/// The next events a person is going to or waiting for (for the home page).
#[instrument(skip_all)]
pub async fn upcoming_for(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    now: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<Listed>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        event: EventRow,
        mine: Text<RsvpStatus>,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, r.status AS mine FROM event_rsvps r JOIN events e ON e.id = r.event_id \
         WHERE r.person_id = $1 AND e.ends_at > $2 AND e.status = 'published' \
         ORDER BY e.starts_at LIMIT $3"
    ))
    .bind(person_id)
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Listed {
            event: Event::from(row.event),
            mine: Some(row.mine.0),
        })
        .collect())
}

// --- RSVPs ---------------------------------------------------------------------------

/// A person's RSVP to an event, with their place on the waitlist.
#[instrument(skip_all)]
pub async fn find_rsvp(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    person_id: Uuid,
) -> DbResult<Option<Rsvp>> {
    let row: Option<(Text<RsvpStatus>, bool, Option<i64>)> = sqlx::query_as(
        "SELECT r.status, r.attended, CASE WHEN r.status = 'waitlisted' THEN \
         (SELECT count(*) FROM event_rsvps w WHERE w.event_id = r.event_id \
          AND w.status = 'waitlisted' AND w.id <= r.id) END \
         FROM event_rsvps r WHERE r.event_id = $1 AND r.person_id = $2",
    )
    .bind(event_id)
    .bind(person_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(status, attended, position)| Rsvp {
        status: status.0,
        position,
        attended,
    }))
}

/// Adds an RSVP; false when the person already has one for this event.
#[instrument(skip_all)]
pub async fn insert_rsvp(
    conn: &mut PgConnection,
    event_id: Uuid,
    person_id: Uuid,
    status: RsvpStatus,
) -> DbResult<bool> {
    let result = sqlx::query(
        "INSERT INTO event_rsvps (event_id, person_id, status) VALUES ($1, $2, $3) \
         ON CONFLICT (event_id, person_id) DO NOTHING",
    )
    .bind(event_id)
    .bind(person_id)
    .bind(status.as_str())
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Removes a person's RSVP; returns what it was.
#[instrument(skip_all)]
pub async fn delete_rsvp(
    conn: &mut PgConnection,
    event_id: Uuid,
    person_id: Uuid,
) -> DbResult<Option<RsvpStatus>> {
    let status: Option<Text<RsvpStatus>> = sqlx::query_scalar(
        "DELETE FROM event_rsvps WHERE event_id = $1 AND person_id = $2 RETURNING status",
    )
    .bind(event_id)
    .bind(person_id)
    .fetch_optional(conn)
    .await?;
    Ok(status.map(|status| status.0))
}

/// Moves the first `count` people on the waitlist to going, leaving each a notice.
#[instrument(skip_all)]
pub async fn promote(conn: &mut PgConnection, event_id: Uuid, count: i32) -> DbResult<u64> {
    if count <= 0 {
        return Ok(0);
    }
    let result = sqlx::query(
        "UPDATE event_rsvps SET status = 'going', notice = 'promoted', updated_at = now() \
         WHERE id IN (SELECT id FROM event_rsvps WHERE event_id = $1 AND status = 'waitlisted' \
                      ORDER BY id LIMIT $2)",
    )
    .bind(event_id)
    .bind(i64::from(count))
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// Everyone on an event's list: going first, then the waitlist in order.
#[instrument(skip_all)]
pub async fn attendees(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    limit: i64,
) -> DbResult<Vec<Attendee>> {
    let rows: Vec<(Uuid, String, String, Text<RsvpStatus>, i64, bool)> = sqlx::query_as(
        "SELECT r.person_id, p.display_name, p.office, r.status, \
         row_number() OVER (PARTITION BY r.status ORDER BY r.id), r.attended \
         FROM event_rsvps r JOIN people p ON p.id = r.person_id \
         WHERE r.event_id = $1 ORDER BY r.status = 'waitlisted', r.id LIMIT $2",
    )
    .bind(event_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(person_id, name, office, Text(status), number, attended)| Attendee {
                person_id,
                name,
                office,
                status,
                position: (status == RsvpStatus::Waitlisted).then_some(number),
                attended,
            },
        )
        .collect())
}

/// Records who came: exactly the given people among those going.
#[instrument(skip_all)]
pub async fn set_attendance(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    attended: &[Uuid],
) -> DbResult<()> {
    sqlx::query(
        "UPDATE event_rsvps SET attended = (person_id = ANY($2)), updated_at = now() \
         WHERE event_id = $1 AND status = 'going'",
    )
    .bind(event_id)
    .bind(attended)
    .execute(db)
    .await?;
    Ok(())
}

/// The notices waiting for a person, cleared as they are read.
#[instrument(skip_all)]
pub async fn take_notices(db: impl PgExecutor<'_>, person_id: Uuid) -> DbResult<Vec<Notice>> {
    let rows: Vec<(Uuid, String, Text<NoticeKind>)> = sqlx::query_as(
        "WITH waiting AS (SELECT id, notice FROM event_rsvps \
                          WHERE person_id = $1 AND notice IS NOT NULL FOR UPDATE), \
              cleared AS (UPDATE event_rsvps r SET notice = NULL FROM waiting \
                          WHERE r.id = waiting.id RETURNING r.event_id, waiting.notice) \
         SELECT c.event_id, e.title, c.notice FROM cleared c JOIN events e ON e.id = c.event_id \
         ORDER BY e.starts_at",
    )
    .bind(person_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(event_id, title, kind)| Notice {
            event_id,
            title,
            kind: kind.0,
        })
        .collect())
}

// --- Pitches and the lineup -------------------------------------------------------------

#[derive(FromRow)]
struct PitchRow {
    id: Uuid,
    event_id: Uuid,
    person_id: Uuid,
    storyteller: String,
    title: String,
    summary: String,
    minutes: i32,
    content_note: String,
    recording_consent: bool,
    status: Text<PitchStatus>,
    organizer_message: String,
    lineup_position: Option<i32>,
}

impl From<PitchRow> for Pitch {
    fn from(row: PitchRow) -> Self {
        Pitch {
            id: row.id,
            event_id: row.event_id,
            person_id: row.person_id,
            storyteller: row.storyteller,
            title: row.title,
            summary: row.summary,
            minutes: row.minutes,
            content_note: row.content_note,
            recording_consent: row.recording_consent,
            status: row.status.0,
            organizer_message: row.organizer_message,
            lineup_position: row.lineup_position,
        }
    }
}

const PITCH_COLUMNS: &str = "s.id, s.event_id, s.person_id, p.display_name AS storyteller, \
    s.title, s.summary, s.minutes, s.content_note, s.recording_consent, s.status, \
    s.organizer_message, s.lineup_position";

#[instrument(skip_all)]
pub async fn find_pitch(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    pitch_id: Uuid,
) -> DbResult<Option<Pitch>> {
    let row: Option<PitchRow> = sqlx::query_as(&format!(
        "SELECT {PITCH_COLUMNS} FROM event_pitches s JOIN people p ON p.id = s.person_id \
         WHERE s.id = $1 AND s.event_id = $2"
    ))
    .bind(pitch_id)
    .bind(event_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Pitch::from))
}

/// A person's own pitch for an event, if they made one.
#[instrument(skip_all)]
pub async fn own_pitch(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    person_id: Uuid,
) -> DbResult<Option<Pitch>> {
    let row: Option<PitchRow> = sqlx::query_as(&format!(
        "SELECT {PITCH_COLUMNS} FROM event_pitches s JOIN people p ON p.id = s.person_id \
         WHERE s.event_id = $1 AND s.person_id = $2"
    ))
    .bind(event_id)
    .bind(person_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Pitch::from))
}

/// Adds a person's pitch, or updates it if they already pitched for this event.
#[instrument(skip_all)]
pub async fn save_pitch(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    person_id: Uuid,
    input: &PitchInput,
) -> DbResult<Uuid> {
    Ok(sqlx::query_scalar(
        "INSERT INTO event_pitches (id, event_id, person_id, title, summary, minutes, \
         content_note, recording_consent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (event_id, person_id) DO UPDATE SET title = EXCLUDED.title, \
         summary = EXCLUDED.summary, minutes = EXCLUDED.minutes, \
         content_note = EXCLUDED.content_note, recording_consent = EXCLUDED.recording_consent, \
         updated_at = now() RETURNING id",
    )
    .bind(Uuid::new_v4())
    .bind(event_id)
    .bind(person_id)
    .bind(&input.title)
    .bind(&input.summary)
    .bind(input.minutes)
    .bind(&input.content_note)
    .bind(input.recording_consent)
    .fetch_one(db)
    .await?)
}

/// Withdraws (deletes) a person's pitch; true when there was one. The lineup closes up.
#[instrument(skip_all)]
pub async fn delete_pitch(
    conn: &mut PgConnection,
    event_id: Uuid,
    person_id: Uuid,
) -> DbResult<bool> {
    let result = sqlx::query("DELETE FROM event_pitches WHERE event_id = $1 AND person_id = $2")
        .bind(event_id)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    compact_lineup(conn, event_id).await?;
    Ok(result.rows_affected() == 1)
}

/// Every pitch for an event: the lineup in order, then those waiting, then those declined.
#[instrument(skip_all)]
pub async fn pitches(db: impl PgExecutor<'_>, event_id: Uuid, limit: i64) -> DbResult<Vec<Pitch>> {
    let rows: Vec<PitchRow> = sqlx::query_as(&format!(
        "SELECT {PITCH_COLUMNS} FROM event_pitches s JOIN people p ON p.id = s.person_id \
         WHERE s.event_id = $1 \
         ORDER BY CASE s.status WHEN 'accepted' THEN 0 WHEN 'submitted' THEN 1 ELSE 2 END, \
         s.lineup_position, s.created_at LIMIT $2"
    ))
    .bind(event_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Pitch::from).collect())
}

/// The accepted stories in lineup order.
#[instrument(skip_all)]
pub async fn lineup(db: impl PgExecutor<'_>, event_id: Uuid) -> DbResult<Vec<Pitch>> {
    let rows: Vec<PitchRow> = sqlx::query_as(&format!(
        "SELECT {PITCH_COLUMNS} FROM event_pitches s JOIN people p ON p.id = s.person_id \
         WHERE s.event_id = $1 AND s.status = 'accepted' ORDER BY s.lineup_position"
    ))
    .bind(event_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Pitch::from).collect())
}

#[instrument(skip_all)]
pub async fn accepted_count(db: impl PgExecutor<'_>, event_id: Uuid) -> DbResult<i32> {
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM event_pitches WHERE event_id = $1 AND status = 'accepted'",
    )
    .bind(event_id)
    .fetch_one(db)
    .await?;
    Ok(i32::try_from(count).unwrap_or(i32::MAX))
}

/// Records an organizer's decision. An accepted story joins the end of the lineup; a
/// declined one leaves it and the places close up.
#[instrument(skip_all)]
pub async fn decide(
    conn: &mut PgConnection,
    event_id: Uuid,
    pitch_id: Uuid,
    decision: Decision,
    message: &str,
) -> DbResult<()> {
    match decision {
        Decision::Accept => {
            sqlx::query(
                "UPDATE event_pitches SET status = 'accepted', organizer_message = $3, \
                 decided_at = now(), updated_at = now(), lineup_position = coalesce( \
                   lineup_position, \
                   (SELECT coalesce(max(lineup_position), 0) + 1 FROM event_pitches \
                    WHERE event_id = $2 AND status = 'accepted')) \
                 WHERE id = $1 AND event_id = $2",
            )
            .bind(pitch_id)
            .bind(event_id)
            .bind(message)
            .execute(&mut *conn)
            .await?;
        }
        Decision::Decline => {
            sqlx::query(
                "UPDATE event_pitches SET status = 'declined', organizer_message = $3, \
                 lineup_position = NULL, decided_at = now(), updated_at = now() \
                 WHERE id = $1 AND event_id = $2",
            )
            .bind(pitch_id)
            .bind(event_id)
            .bind(message)
            .execute(&mut *conn)
            .await?;
            compact_lineup(conn, event_id).await?;
        }
    }
    Ok(())
}

/// Renumbers the lineup 1, 2, 3... in its current order.
async fn compact_lineup(conn: &mut PgConnection, event_id: Uuid) -> DbResult<()> {
    sqlx::query(
        "UPDATE event_pitches s SET lineup_position = n.place FROM \
         (SELECT id, row_number() OVER (ORDER BY lineup_position) AS place FROM event_pitches \
          WHERE event_id = $1 AND status = 'accepted') n \
         WHERE s.id = n.id AND s.lineup_position <> n.place",
    )
    .bind(event_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Swaps two places in the lineup.
#[instrument(skip_all)]
pub async fn swap_places(db: impl PgExecutor<'_>, event_id: Uuid, a: i32, b: i32) -> DbResult<()> {
    sqlx::query(
        "UPDATE event_pitches SET lineup_position = CASE lineup_position WHEN $2 THEN $3 ELSE $2 END, \
         updated_at = now() WHERE event_id = $1 AND status = 'accepted' \
         AND lineup_position IN ($2, $3)",
    )
    .bind(event_id)
    .bind(a)
    .bind(b)
    .execute(db)
    .await?;
    Ok(())
}

// --- Resonance notes ---------------------------------------------------------------------

/// Leaves a note for a story; false when this person already left one.
#[instrument(skip_all)]
pub async fn insert_note(
    db: impl PgExecutor<'_>,
    pitch_id: Uuid,
    author_id: Uuid,
    body: &str,
) -> DbResult<bool> {
    let result = sqlx::query(
        "INSERT INTO event_resonance_notes (id, pitch_id, author_id, body) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (pitch_id, author_id) DO NOTHING",
    )
    .bind(Uuid::new_v4())
    .bind(pitch_id)
    .bind(author_id)
    .bind(body)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The stories of an event this person has already left a note for.
#[instrument(skip_all)]
pub async fn noted_stories(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    author_id: Uuid,
) -> DbResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT n.pitch_id FROM event_resonance_notes n \
         JOIN event_pitches s ON s.id = n.pitch_id \
         WHERE n.author_id = $2 AND s.event_id = $1",
    )
    .bind(event_id)
    .bind(author_id)
    .fetch_all(db)
    .await?)
}

/// Notes left for a storyteller about their story at an event. Nobody else reads these.
#[instrument(skip_all)]
pub async fn notes_for_storyteller(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    storyteller_id: Uuid,
) -> DbResult<Vec<ReceivedNote>> {
    let rows: Vec<(String, String, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT s.title, a.display_name, n.body, n.created_at FROM event_resonance_notes n \
         JOIN event_pitches s ON s.id = n.pitch_id JOIN people a ON a.id = n.author_id \
         WHERE s.event_id = $1 AND s.person_id = $2 ORDER BY n.created_at LIMIT 500",
    )
    .bind(event_id)
    .bind(storyteller_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(story_title, author, body, written_at)| ReceivedNote {
            story_title,
            author,
            body,
            written_at,
        })
        .collect())
}

// --- Calendar feeds ------------------------------------------------------------------------

/// Creates or replaces a person's feed token (only its digest is stored).
#[instrument(skip_all)]
pub async fn set_feed(db: impl PgExecutor<'_>, person_id: Uuid, digest: &[u8]) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO event_calendar_feeds (person_id, token_digest) VALUES ($1, $2) \
         ON CONFLICT (person_id) DO UPDATE SET token_digest = EXCLUDED.token_digest, \
         created_at = now()",
    )
    .bind(person_id)
    .bind(digest)
    .execute(db)
    .await?;
    Ok(())
}

#[instrument(skip_all)]
pub async fn revoke_feed(db: impl PgExecutor<'_>, person_id: Uuid) -> DbResult<bool> {
    let result = sqlx::query("DELETE FROM event_calendar_feeds WHERE person_id = $1")
        .bind(person_id)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// When the person's current feed link was made, if they have one.
#[instrument(skip_all)]
pub async fn feed_created(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
) -> DbResult<Option<DateTime<Utc>>> {
    Ok(
        sqlx::query_scalar("SELECT created_at FROM event_calendar_feeds WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(db)
            .await?,
    )
}

/// Whose feed a token opens (active people only).
#[instrument(skip_all)]
pub async fn feed_owner(db: impl PgExecutor<'_>, digest: &[u8]) -> DbResult<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT f.person_id FROM event_calendar_feeds f JOIN people p ON p.id = f.person_id \
         WHERE f.token_digest = $1 AND p.active",
    )
    .bind(digest)
    .fetch_optional(db)
    .await?)
}

/// The published (or since cancelled) events a person is going to, ending after `since`.
#[instrument(skip_all)]
pub async fn feed_events(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    since: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<Event>> {
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM event_rsvps r JOIN events e ON e.id = r.event_id \
         WHERE r.person_id = $1 AND r.status = 'going' AND e.published_at IS NOT NULL \
         AND e.ends_at > $2 ORDER BY e.starts_at LIMIT $3"
    ))
    .bind(person_id)
    .bind(since)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Event::from).collect())
}
