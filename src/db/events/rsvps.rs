//! RSVPs and the waitlist (always under the event's row lock when who is going changes),
//! attendance.

use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use crate::db::{DbResult, Text};
use crate::domain::events::{Attendee, Rsvp, RsvpStatus};

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

/// Moves the first `count` people on the waitlist to going; returns who moved up.
#[instrument(skip_all)]
pub async fn promote(conn: &mut PgConnection, event_id: Uuid, count: i32) -> DbResult<Vec<Uuid>> {
    if count <= 0 {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_scalar(
        "UPDATE event_rsvps SET status = 'going', updated_at = now() \
         WHERE id IN (SELECT id FROM event_rsvps WHERE event_id = $1 AND status = 'waitlisted' \
                      ORDER BY id LIMIT $2) RETURNING person_id",
    )
    .bind(event_id)
    .bind(i64::from(count))
    .fetch_all(conn)
    .await?)
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

/// The people with one of these replies to an event (going, waitlisted), in order.
pub async fn people_replied(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    statuses: &[RsvpStatus],
) -> DbResult<Vec<Uuid>> {
    let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    Ok(sqlx::query_scalar(
        "SELECT person_id FROM event_rsvps WHERE event_id = $1 AND status = ANY($2) ORDER BY id",
    )
    .bind(event_id)
    .bind(&statuses)
    .fetch_all(db)
    .await?)
}
