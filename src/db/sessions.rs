//! Sessions in PostgreSQL, as a `tower_sessions::SessionStore`: the session's data as JSON,
//! and the signed-in person's id in a column of its own, so that every signed-in page reads
//! the session, the person and their unread count in one query ([`viewer`]). Sessions live
//! in the database, never in a replica's memory.

use std::collections::HashMap;
use std::sync::LazyLock;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{FromRow, PgExecutor, PgPool, Row};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tracing::instrument;
use uuid::Uuid;

use super::DbResult;
use super::people::{COLUMNS, PersonRow, UNREAD_CAP};
use crate::domain::people::Person;

/// The key under which the web layer keeps who signed in; its `person_id` is copied into the
/// `person_id` column on every save.
pub const AUTH_KEY: &str = "auth";

#[derive(Clone, Debug)]
pub struct PgSessionStore {
    pool: PgPool,
}

impl PgSessionStore {
    pub fn new(pool: PgPool) -> Self {
        PgSessionStore { pool }
    }

    /// Deletes expired sessions (housekeeping; safe on every replica at once).
    #[instrument(skip_all)]
    pub async fn delete_expired(&self) -> DbResult<u64> {
        Ok(
            sqlx::query("DELETE FROM sessions WHERE expiry_date < now()")
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}

impl PgSessionStore {
    /// Inserts the record, or on an existing id does `on_conflict`; whether a row was written.
    async fn write(&self, record: &Record, on_conflict: &str) -> session_store::Result<bool> {
        let written = sqlx::query(&format!(
            "INSERT INTO sessions (id, person_id, data, expiry_date) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) {on_conflict}"
        ))
        .bind(record.id.to_string())
        .bind(person_of(record))
        .bind(Json(&record.data))
        .bind(to_chrono(record.expiry_date))
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(written.rows_affected() == 1)
    }
}

fn person_of(record: &Record) -> Option<Uuid> {
    record
        .data
        .get(AUTH_KEY)?
        .get("person_id")?
        .as_str()?
        .parse()
        .ok()
}

fn to_chrono(at: OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond())
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn to_time(at: DateTime<Utc>) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(at.timestamp())
        .map(|t| {
            t.replace_nanosecond(at.timestamp_subsec_nanos())
                .unwrap_or(t)
        })
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn failed(err: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A new id until one is free (a collision of 128 random bits is theoretical).
        while !self.write(record, "DO NOTHING").await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.write(
            record,
            "DO UPDATE SET person_id = excluded.person_id, data = excluded.data, \
             expiry_date = excluded.expiry_date",
        )
        .await?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(Json<HashMap<String, serde_json::Value>>, DateTime<Utc>)> =
            sqlx::query_as(
                "SELECT data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > now()",
            )
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)?;
        Ok(row.map(|(data, expiry)| Record {
            id: *id,
            data: data.0,
            expiry_date: to_time(expiry),
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(failed)?;
        Ok(())
    }
}

/// A live session as a page needs it: its data, and the signed-in person (with their unread
/// notifications, up to [`UNREAD_CAP`]) when someone signed in.
#[derive(Debug)]
pub struct SessionView {
    pub data: HashMap<String, serde_json::Value>,
    pub person: Option<(Person, i64)>,
}

/// The person columns, qualified (sessions has an `id` too).
static PERSON_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    COLUMNS
        .split(',')
        .map(|column| format!("people.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
});

/// The session with this id (unexpired), its person and their unread count: one query for
/// the chrome of every signed-in page.
#[instrument(skip_all)]
pub async fn viewer(db: impl PgExecutor<'_>, id: &Id) -> DbResult<Option<SessionView>> {
    let columns = &*PERSON_COLUMNS;
    let row = sqlx::query(&format!(
        "SELECT s.data, s.person_id, {columns}, (SELECT count(*) FROM (SELECT 1 FROM notifications n \
         WHERE n.person_id = people.id AND n.read_at IS NULL LIMIT {UNREAD_CAP}) capped) AS unread \
         FROM sessions s LEFT JOIN people ON people.id = s.person_id \
         WHERE s.id = $1 AND s.expiry_date > now()"
    ))
    .bind(id.to_string())
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let data: Json<HashMap<String, serde_json::Value>> = row.try_get("data")?;
    let person_id: Option<Uuid> = row.try_get("person_id")?;
    let person = match person_id {
        Some(_) if row.try_get::<Option<Uuid>, _>("id")?.is_some() => {
            let unread: i64 = row.try_get("unread")?;
            Some((Person::from(PersonRow::from_row(&row)?), unread))
        }
        _ => None,
    };
    Ok(Some(SessionView {
        data: data.0,
        person,
    }))
}
