//! Events themselves: storing, finding, locking, publishing, cancelling and listing them.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use crate::db::{DbResult, Text};
use crate::domain::events::{Event, EventInput, EventStatus, RsvpStatus};
use crate::domain::pagination::PageRequest;

#[derive(FromRow)]
pub(super) struct EventRow {
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

pub(super) const COLUMNS: &str = "e.id, e.title, e.theme, e.description, e.starts_at, e.ends_at, \
    e.time_zone, e.office, e.room, e.video_url, e.capacity, e.storyteller_slots, \
    e.minutes_per_story, e.pitch_deadline, e.status, e.published_at IS NOT NULL AS published, \
    e.lineup_published, e.sequence, e.going_count, \
    (SELECT count(*) FROM event_rsvps w WHERE w.event_id = e.id AND w.status = 'waitlisted') \
    AS waitlisted, e.created_at, e.updated_at";

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds an event's fields as `$2` to `$14`, in the order both `insert` and `update` name them.
fn bind_input<'q>(query: PgQuery<'q>, input: &'q EventInput) -> PgQuery<'q> {
    query
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
}

/// Stores a new event; a published one is visible to everyone at once.
#[instrument(skip_all)]
pub async fn insert(
    db: impl PgExecutor<'_>,
    input: &EventInput,
    status: EventStatus,
    created_by: Uuid,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    let query = sqlx::query(
        "INSERT INTO events (id, title, theme, description, starts_at, ends_at, time_zone, \
         office, room, video_url, capacity, storyteller_slots, minutes_per_story, \
         pitch_deadline, status, published_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         CASE WHEN $15 = 'published' THEN now() END, $16)",
    )
    .bind(id);
    bind_input(query, input)
        .bind(status.as_str())
        .bind(created_by)
        .execute(db)
        .await?;
    Ok(id)
}

/// Saves changes to an event and bumps its calendar SEQUENCE.
#[instrument(skip_all)]
pub async fn update(db: impl PgExecutor<'_>, id: Uuid, input: &EventInput) -> DbResult<()> {
    let query = sqlx::query(
        "UPDATE events SET title = $2, theme = $3, description = $4, starts_at = $5, \
         ends_at = $6, time_zone = $7, office = $8, room = $9, video_url = $10, capacity = $11, \
         storyteller_slots = $12, minutes_per_story = $13, pitch_deadline = $14, \
         reminder_sent_at = CASE WHEN starts_at IS DISTINCT FROM $5 THEN NULL \
                                 ELSE reminder_sent_at END, \
         sequence = sequence + 1, updated_at = now() WHERE id = $1",
    )
    .bind(id);
    bind_input(query, input).execute(db).await?;
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

/// Cancels an event (its calendar SEQUENCE goes up).
#[instrument(skip_all)]
pub async fn cancel(conn: &mut PgConnection, id: Uuid) -> DbResult<()> {
    sqlx::query(
        "UPDATE events SET status = 'cancelled', cancelled_at = now(), sequence = sequence + 1, \
         updated_at = now() WHERE id = $1 AND status <> 'cancelled'",
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

/// Records that the lineup's storytellers were told; false when they were told before.
pub async fn announce_lineup(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<bool> {
    Ok(sqlx::query(
        "UPDATE events SET lineup_announced_at = now() WHERE id = $1 AND lineup_announced_at IS NULL",
    )
    .bind(id)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
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
    // Upcoming evenings are few (those ending after now) but sorted by start, which no index
    // can give for "ends after now": read them through `events_ends_idx` first, then sort
    // that handful, so past evenings (which grow every week) are never walked. Past ones are
    // read in `events_ends_idx` order directly. The viewer's RSVP is a probe of the
    // (event, person) key.
    let source = match period {
        Period::Upcoming => format!("(SELECT * FROM events e WHERE {filter} OFFSET 0) e"),
        Period::Past => format!("events e WHERE {filter}"),
    };
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, (SELECT mine.status FROM event_rsvps mine \
                            WHERE mine.event_id = e.id AND mine.person_id = $4) AS mine \
         FROM {source} ORDER BY {order} LIMIT $5 OFFSET $6"
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

/// Published events starting between `from` and `until` whose reminder hasn't gone out.
pub async fn reminders_due(
    db: impl PgExecutor<'_>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DbResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM events WHERE status = 'published' AND reminder_sent_at IS NULL \
         AND starts_at > $1 AND starts_at <= $2 ORDER BY starts_at LIMIT 100",
    )
    .bind(from)
    .bind(until)
    .fetch_all(db)
    .await?)
}

/// Claims an event's reminder; false when another instance claimed it first.
pub async fn claim_reminder(
    db: impl PgExecutor<'_>,
    id: Uuid,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    Ok(sqlx::query(
        "UPDATE events SET reminder_sent_at = $2 WHERE id = $1 AND reminder_sent_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// The next published story nights that haven't started (for the weekly digest).
#[instrument(skip_all)]
pub async fn next_published(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<Event>> {
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM events e WHERE e.status = 'published' AND e.starts_at > $1 \
         ORDER BY e.starts_at LIMIT $2"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Event::from).collect())
}
