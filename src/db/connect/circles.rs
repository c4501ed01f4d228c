//! Peer learning circles: programmes, their sessions and sign-ups, circles and members, and
//! what members write (reviews and notes, read only through a member's own circle).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::pairs::Mate;
use crate::db::{DbResult, Text};
use crate::domain::connect::{NewProgramme, Programme, Review, Session, SignUp};

const PROGRAMME_COLUMNS: &str = "id, theme, description, circle_size, cross_functional, \
    signup_opens_on, signup_closes_on, time_zone, formed_at, signed_up, placed, circles, left_early";

#[derive(FromRow)]
struct ProgrammeRow {
    id: Uuid,
    theme: String,
    description: String,
    circle_size: i16,
    cross_functional: bool,
    signup_opens_on: NaiveDate,
    signup_closes_on: NaiveDate,
    time_zone: Text<chrono_tz::Tz>,
    formed_at: Option<DateTime<Utc>>,
    signed_up: i32,
    placed: i32,
    circles: i32,
    left_early: i32,
}

impl From<ProgrammeRow> for Programme {
    fn from(r: ProgrammeRow) -> Self {
        Programme {
            id: r.id,
            theme: r.theme,
            description: r.description,
            circle_size: r.circle_size,
            cross_functional: r.cross_functional,
            signup_opens_on: r.signup_opens_on,
            signup_closes_on: r.signup_closes_on,
            time_zone: r.time_zone.0,
            formed_at: r.formed_at,
            signed_up: r.signed_up,
            placed: r.placed,
            circles: r.circles,
            left_early: r.left_early,
        }
    }
}

#[instrument(skip_all)]
pub async fn insert_programme(
    conn: &mut PgConnection,
    programme: &NewProgramme,
    creator: Uuid,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO circle_programmes (id, theme, description, circle_size, cross_functional, \
             signup_opens_on, signup_closes_on, time_zone, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(&programme.theme)
    .bind(&programme.description)
    .bind(programme.circle_size)
    .bind(programme.cross_functional)
    .bind(programme.signup_opens_on)
    .bind(programme.signup_closes_on)
    .bind(programme.time_zone.name())
    .bind(creator)
    .execute(&mut *conn)
    .await?;
    let numbers: Vec<i16> = (1..=programme.sessions.len())
        .map(|n| i16::try_from(n).unwrap_or(i16::MAX))
        .collect();
    let ids: Vec<Uuid> = programme.sessions.iter().map(|_| Uuid::new_v4()).collect();
    sqlx::query(
        "INSERT INTO circle_sessions (id, programme_id, number, starts_at, minutes) \
         SELECT i, $1, n, s, $5 FROM unnest($2::uuid[], $3::int2[], $4::timestamptz[]) AS t(i, n, s)",
    )
    .bind(id)
    .bind(&ids)
    .bind(&numbers)
    .bind(&programme.sessions)
    .bind(programme.minutes)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

#[instrument(skip_all)]
pub async fn programme(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Programme>> {
    let row: Option<ProgrammeRow> = sqlx::query_as(&format!(
        "SELECT {PROGRAMME_COLUMNS} FROM circle_programmes WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Programme::from))
}

/// Locks a programme for a change of its sign-ups or circles.
#[instrument(skip_all)]
pub async fn lock_programme(conn: &mut PgConnection, id: Uuid) -> DbResult<Option<Programme>> {
    let row: Option<ProgrammeRow> = sqlx::query_as(&format!(
        "SELECT {PROGRAMME_COLUMNS} FROM circle_programmes WHERE id = $1 FOR UPDATE"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(Programme::from))
}

/// Programmes whose sign-ups closed on or after `since`, soonest closing last, at most `limit`.
#[instrument(skip_all)]
pub async fn recent_programmes(
    db: impl PgExecutor<'_>,
    since: NaiveDate,
    limit: i64,
) -> DbResult<Vec<Programme>> {
    let rows: Vec<ProgrammeRow> = sqlx::query_as(&format!(
        "SELECT {PROGRAMME_COLUMNS} FROM circle_programmes WHERE signup_closes_on >= $1 \
         ORDER BY signup_closes_on DESC, id LIMIT $2"
    ))
    .bind(since)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Programme::from).collect())
}

#[instrument(skip_all)]
pub async fn sessions(db: impl PgExecutor<'_>, programme: Uuid) -> DbResult<Vec<Session>> {
    let rows: Vec<(Uuid, i16, DateTime<Utc>, i16)> = sqlx::query_as(
        "SELECT id, number, starts_at, minutes FROM circle_sessions WHERE programme_id = $1 \
         ORDER BY number",
    )
    .bind(programme)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, number, starts_at, minutes)| Session {
            id,
            number,
            starts_at,
            minutes,
        })
        .collect())
}

#[instrument(skip_all)]
pub async fn is_signed_up(
    db: impl PgExecutor<'_>,
    programme: Uuid,
    person: Uuid,
) -> DbResult<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM circle_signups WHERE programme_id = $1 AND person_id = $2)",
    )
    .bind(programme)
    .bind(person)
    .fetch_one(db)
    .await?)
}

/// Signs up (once); keeps the programme's count. Returns whether this was new.
#[instrument(skip_all)]
pub async fn sign_up(conn: &mut PgConnection, programme: Uuid, person: Uuid) -> DbResult<bool> {
    let added = sqlx::query(
        "INSERT INTO circle_signups (programme_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(programme)
    .bind(person)
    .execute(&mut *conn)
    .await?;
    if added.rows_affected() == 1 {
        sqlx::query("UPDATE circle_programmes SET signed_up = signed_up + 1 WHERE id = $1")
            .bind(programme)
            .execute(&mut *conn)
            .await?;
    }
    Ok(added.rows_affected() == 1)
}

#[instrument(skip_all)]
pub async fn withdraw(conn: &mut PgConnection, programme: Uuid, person: Uuid) -> DbResult<bool> {
    let removed =
        sqlx::query("DELETE FROM circle_signups WHERE programme_id = $1 AND person_id = $2")
            .bind(programme)
            .bind(person)
            .execute(&mut *conn)
            .await?;
    if removed.rows_affected() == 1 {
        sqlx::query("UPDATE circle_programmes SET signed_up = signed_up - 1 WHERE id = $1")
            .bind(programme)
            .execute(&mut *conn)
            .await?;
    }
    Ok(removed.rows_affected() == 1)
}

/// The sign-ups of active people, with their time zone, for forming circles.
#[instrument(skip_all)]
pub async fn signups(
    conn: &mut PgConnection,
    programme: Uuid,
) -> DbResult<Vec<(SignUp, chrono_tz::Tz)>> {
    let rows: Vec<(Uuid, String, Text<chrono_tz::Tz>)> = sqlx::query_as(
        "SELECT p.id, p.department, p.time_zone FROM circle_signups s \
         JOIN people p ON p.id = s.person_id WHERE s.programme_id = $1 AND p.active",
    )
    .bind(programme)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, department, zone)| {
            (
                SignUp {
                    id,
                    department,
                    utc_offset_minutes: 0,
                },
                zone.0,
            )
        })
        .collect())
}

/// Writes the circles formed and the programme's counts; returns the circles' ids.
#[instrument(skip_all)]
pub async fn insert_circles(
    conn: &mut PgConnection,
    programme: Uuid,
    circles: &[Vec<Uuid>],
    now: DateTime<Utc>,
) -> DbResult<Vec<Uuid>> {
    let mut ids = Vec::with_capacity(circles.len());
    for (n, members) in circles.iter().enumerate() {
        let id = Uuid::new_v4();
        sqlx::query("INSERT INTO circles (id, programme_id, number) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(programme)
            .bind(i16::try_from(n + 1).unwrap_or(i16::MAX))
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO circle_members (circle_id, programme_id, person_id) \
             SELECT $1, $2, p FROM unnest($3::uuid[]) AS t(p)",
        )
        .bind(id)
        .bind(programme)
        .bind(members)
        .execute(&mut *conn)
        .await?;
        ids.push(id);
    }
    let placed: usize = circles.iter().map(Vec::len).sum();
    sqlx::query(
        "UPDATE circle_programmes SET formed_at = $2, placed = $3, circles = $4 WHERE id = $1",
    )
    .bind(programme)
    .bind(now)
    .bind(i32::try_from(placed).unwrap_or(i32::MAX))
    .bind(i32::try_from(circles.len()).unwrap_or(i32::MAX))
    .execute(&mut *conn)
    .await?;
    Ok(ids)
}

/// A circle as its members (or the programme's organizers) see its heading.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CircleHead {
    pub id: Uuid,
    pub programme_id: Uuid,
    pub number: i16,
    pub theme: String,
    pub merged_at: Option<DateTime<Utc>>,
}

/// The person's circle in a programme, if any.
#[instrument(skip_all)]
pub async fn my_circle_in(
    db: impl PgExecutor<'_>,
    programme: Uuid,
    person: Uuid,
) -> DbResult<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT circle_id FROM circle_members WHERE programme_id = $1 AND person_id = $2 \
         AND left_at IS NULL",
    )
    .bind(programme)
    .bind(person)
    .fetch_optional(db)
    .await?)
}

/// The circles the person is in now.
#[instrument(skip_all)]
pub async fn my_circles(db: impl PgExecutor<'_>, person: Uuid) -> DbResult<Vec<CircleHead>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.programme_id, c.number, p.theme, c.merged_at FROM circle_members m \
         JOIN circles c ON c.id = m.circle_id JOIN circle_programmes p ON p.id = c.programme_id \
         WHERE m.person_id = $1 AND m.left_at IS NULL ORDER BY p.signup_closes_on DESC LIMIT 20",
    )
    .bind(person)
    .fetch_all(db)
    .await?)
}

/// A circle, only if `person` is a member now.
#[instrument(skip_all)]
pub async fn for_member(
    db: impl PgExecutor<'_>,
    circle: Uuid,
    person: Uuid,
) -> DbResult<Option<CircleHead>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.programme_id, c.number, p.theme, c.merged_at FROM circle_members m \
         JOIN circles c ON c.id = m.circle_id JOIN circle_programmes p ON p.id = c.programme_id \
         WHERE m.circle_id = $1 AND m.person_id = $2 AND m.left_at IS NULL",
    )
    .bind(circle)
    .bind(person)
    .fetch_optional(db)
    .await?)
}

/// A circle by id (for its programme's organizers, who see its members but never its notes).
#[instrument(skip_all)]
pub async fn head(db: impl PgExecutor<'_>, circle: Uuid) -> DbResult<Option<CircleHead>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.programme_id, c.number, p.theme, c.merged_at FROM circles c \
         JOIN circle_programmes p ON p.id = c.programme_id WHERE c.id = $1",
    )
    .bind(circle)
    .fetch_optional(db)
    .await?)
}

/// The circle's current members.
#[instrument(skip_all)]
pub async fn members(db: impl PgExecutor<'_>, circle: Uuid) -> DbResult<Vec<Mate>> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.display_name, p.email, p.department, p.office, p.time_zone \
         FROM circle_members m JOIN people p ON p.id = m.person_id \
         WHERE m.circle_id = $1 AND m.left_at IS NULL ORDER BY lower(p.display_name)",
    )
    .bind(circle)
    .fetch_all(db)
    .await?)
}

/// A circle of a programme with its current members' names.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CircleListed {
    pub id: Uuid,
    pub number: i16,
    pub merged_at: Option<DateTime<Utc>>,
    pub names: Vec<String>,
}

/// A programme's circles with their current members' names (for its organizers).
#[instrument(skip_all)]
pub async fn circles_of(db: impl PgExecutor<'_>, programme: Uuid) -> DbResult<Vec<CircleListed>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.number, c.merged_at, \
             coalesce(array_agg(p.display_name ORDER BY lower(p.display_name)) \
                      FILTER (WHERE p.id IS NOT NULL), '{}') AS names \
         FROM circles c LEFT JOIN circle_members m ON m.circle_id = c.id AND m.left_at IS NULL \
         LEFT JOIN people p ON p.id = m.person_id \
         WHERE c.programme_id = $1 GROUP BY c.id ORDER BY c.number",
    )
    .bind(programme)
    .fetch_all(db)
    .await?)
}

/// A stored review of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReview {
    pub session_id: Uuid,
    pub review: Review,
    pub written_by: String,
    pub updated_at: DateTime<Utc>,
}

#[instrument(skip_all)]
pub async fn reviews(db: impl PgExecutor<'_>, circle: Uuid) -> DbResult<Vec<StoredReview>> {
    type ReviewRow = (Uuid, String, String, String, Option<String>, DateTime<Utc>);
    let rows: Vec<ReviewRow> = sqlx::query_as(
        "SELECT r.session_id, r.what_happened, r.roles_learned, r.will_try, p.display_name, \
             r.updated_at FROM circle_reviews r LEFT JOIN people p ON p.id = r.written_by \
         WHERE r.circle_id = $1",
    )
    .bind(circle)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(session_id, what_happened, roles_learned, will_try, by, updated_at)| StoredReview {
                session_id,
                review: Review {
                    what_happened,
                    roles_learned,
                    will_try,
                },
                written_by: by.unwrap_or_else(|| "a former member".into()),
                updated_at,
            },
        )
        .collect())
}

#[instrument(skip_all)]
pub async fn save_review(
    db: impl PgExecutor<'_>,
    circle: Uuid,
    session: Uuid,
    review: &Review,
    writer: Uuid,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO circle_reviews (circle_id, session_id, what_happened, roles_learned, \
             will_try, written_by) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (circle_id, session_id) DO UPDATE SET what_happened = EXCLUDED.what_happened, \
             roles_learned = EXCLUDED.roles_learned, will_try = EXCLUDED.will_try, \
             written_by = EXCLUDED.written_by, updated_at = now()",
    )
    .bind(circle)
    .bind(session)
    .bind(&review.what_happened)
    .bind(&review.roles_learned)
    .bind(&review.will_try)
    .bind(writer)
    .execute(db)
    .await?;
    Ok(())
}

/// A note in a circle.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Note {
    pub id: Uuid,
    pub author: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// The circle's latest notes, newest first.
#[instrument(skip_all)]
pub async fn notes(db: impl PgExecutor<'_>, circle: Uuid, limit: i64) -> DbResult<Vec<Note>> {
    Ok(sqlx::query_as(
        "SELECT n.id, p.display_name AS author, n.body, n.created_at FROM circle_notes n \
         LEFT JOIN people p ON p.id = n.author_id WHERE n.circle_id = $1 \
         ORDER BY n.created_at DESC, n.id LIMIT $2",
    )
    .bind(circle)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

#[instrument(skip_all)]
pub async fn add_note(
    db: impl PgExecutor<'_>,
    circle: Uuid,
    author: Uuid,
    body: &str,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO circle_notes (id, circle_id, author_id, body) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(circle)
    .bind(author)
    .bind(body)
    .execute(db)
    .await?;
    Ok(id)
}

/// Leaves a circle; keeps the programme's count of people who left. False when not a member.
#[instrument(skip_all)]
pub async fn leave(
    conn: &mut PgConnection,
    circle: Uuid,
    person: Uuid,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let programme: Option<Uuid> = sqlx::query_scalar(
        "UPDATE circle_members SET left_at = $3 WHERE circle_id = $1 AND person_id = $2 \
         AND left_at IS NULL RETURNING programme_id",
    )
    .bind(circle)
    .bind(person)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(programme) = programme {
        sqlx::query("UPDATE circle_programmes SET left_early = left_early + 1 WHERE id = $1")
            .bind(programme)
            .execute(&mut *conn)
            .await?;
    }
    Ok(programme.is_some())
}

/// Moves members into other circles of the same programme and marks the circle merged.
#[instrument(skip_all)]
pub async fn merge(
    conn: &mut PgConnection,
    circle: Uuid,
    moves: &[(Uuid, Uuid)],
    now: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query("UPDATE circle_members SET left_at = $2 WHERE circle_id = $1 AND left_at IS NULL")
        .bind(circle)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let (people, into): (Vec<Uuid>, Vec<Uuid>) = moves.iter().copied().unzip();
    sqlx::query(
        "INSERT INTO circle_members (circle_id, programme_id, person_id, joined_at) \
         SELECT t.c, c.programme_id, t.p, $3 FROM unnest($1::uuid[], $2::uuid[]) AS t(p, c) \
         JOIN circles c ON c.id = t.c \
         ON CONFLICT (circle_id, person_id) DO UPDATE SET left_at = NULL, joined_at = $3",
    )
    .bind(&people)
    .bind(&into)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE circles SET merged_at = $2 WHERE id = $1")
        .bind(circle)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sessions with a review written, per programme (for HR's aggregates).
#[instrument(skip_all)]
pub async fn reviewed_sessions(
    db: impl PgExecutor<'_>,
    programmes: &[Uuid],
) -> DbResult<Vec<(Uuid, i64)>> {
    Ok(sqlx::query_as(
        "SELECT c.programme_id, count(*) FROM circle_reviews r JOIN circles c ON c.id = r.circle_id \
         WHERE c.programme_id = ANY($1) GROUP BY c.programme_id",
    )
    .bind(programmes)
    .fetch_all(db)
    .await?)
}
