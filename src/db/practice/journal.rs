//! The private journal: every query names its owner.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use crate::db::DbResult;
use crate::domain::pagination::Keyset;
use crate::domain::practice::{JournalEntry, JournalInput};

#[derive(FromRow)]
struct EntryRow {
    id: Uuid,
    happened_on: NaiveDate,
    what: String,
    noticed: String,
    created_at: DateTime<Utc>,
}

impl From<EntryRow> for JournalEntry {
    fn from(row: EntryRow) -> Self {
        JournalEntry {
            id: row.id,
            happened_on: row.happened_on,
            what: row.what,
            noticed: row.noticed,
            created_at: row.created_at,
        }
    }
}

#[instrument(skip_all)]
pub async fn insert_entry(
    db: impl PgExecutor<'_>,
    person: Uuid,
    input: &JournalInput,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO practice_journal (id, person_id, happened_on, what, noticed) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(person)
    .bind(input.happened_on)
    .bind(&input.what)
    .bind(&input.noticed)
    .execute(db)
    .await?;
    Ok(id)
}

/// One page of the person's journal in the keyset's order (up to `limit` rows: ask for one
/// more than a page to know whether there are more).
#[instrument(skip_all)]
pub async fn entries(
    db: impl PgExecutor<'_>,
    person: Uuid,
    keyset: Keyset,
    limit: i64,
) -> DbResult<Vec<JournalEntry>> {
    let (sql, cursor) = match keyset {
        Keyset::Newest => (
            "SELECT id, happened_on, what, noticed, created_at FROM practice_journal \
             WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            None,
        ),
        Keyset::Older(c) => (
            "SELECT id, happened_on, what, noticed, created_at FROM practice_journal \
             WHERE person_id = $1 AND (created_at, id) < ($3, $4) \
             ORDER BY created_at DESC, id DESC LIMIT $2",
            Some(c),
        ),
        Keyset::Newer(c) => (
            "SELECT id, happened_on, what, noticed, created_at FROM practice_journal \
             WHERE person_id = $1 AND (created_at, id) > ($3, $4) \
             ORDER BY created_at, id LIMIT $2",
            Some(c),
        ),
    };
    let mut query = sqlx::query_as::<_, EntryRow>(sql).bind(person).bind(limit);
    if let Some(c) = cursor {
        query = query.bind(c.at).bind(c.id);
    }
    Ok(query
        .fetch_all(db)
        .await?
        .into_iter()
        .map(JournalEntry::from)
        .collect())
}

/// One of the person's entries; `None` for anyone else's (so it is a 404 to them).
#[instrument(skip_all)]
pub async fn find_entry(
    db: impl PgExecutor<'_>,
    person: Uuid,
    id: Uuid,
) -> DbResult<Option<JournalEntry>> {
    let row: Option<EntryRow> = sqlx::query_as(
        "SELECT id, happened_on, what, noticed, created_at FROM practice_journal \
         WHERE id = $1 AND person_id = $2",
    )
    .bind(id)
    .bind(person)
    .fetch_optional(db)
    .await?;
    Ok(row.map(JournalEntry::from))
}

/// Deletes one of the person's entries; false when they have no such entry.
#[instrument(skip_all)]
pub async fn delete_entry(db: impl PgExecutor<'_>, person: Uuid, id: Uuid) -> DbResult<bool> {
    Ok(
        sqlx::query("DELETE FROM practice_journal WHERE id = $1 AND person_id = $2")
            .bind(id)
            .bind(person)
            .execute(db)
            .await?
            .rows_affected()
            == 1,
    )
}
