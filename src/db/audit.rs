//! The audit log: appended to in the same transaction as each administrative action, read by
//! HR with filters and keyset pagination. The table refuses updates and deletes (a trigger).

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::types::ipnetwork::IpNetwork;
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::DbResult;
use crate::domain::audit::Action;

/// One entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub actor: Uuid,
    pub ip: Option<IpAddr>,
    pub action: Action,
    pub record_kind: &'static str,
    pub record_id: Option<String>,
    /// The person the action concerns, when it concerns one.
    pub person: Option<Uuid>,
    pub details: &'a str,
}

#[instrument(skip_all)]
pub async fn append(tx: &mut PgConnection, entry: &NewEntry<'_>) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor, ip, action, record_kind, record_id, person, details) \
         VALUES ($1, $2, $3, $4, $5, $6, left($7, 2000))",
    )
    .bind(entry.actor)
    .bind(entry.ip.map(IpNetwork::from))
    .bind(entry.action.as_str())
    .bind(entry.record_kind)
    .bind(&entry.record_id)
    .bind(entry.person)
    .bind(entry.details)
    .execute(tx)
    .await?;
    Ok(())
}

/// Appends one entry per person (an import), in one statement.
#[instrument(skip_all)]
pub async fn append_for_people(
    tx: &mut PgConnection,
    actor: Uuid,
    ip: Option<IpAddr>,
    action: Action,
    people: &[Uuid],
    details: &str,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor, ip, action, record_kind, record_id, person, details) \
         SELECT $1, $2, $3, 'person', p::text, p, $5 FROM unnest($4::uuid[]) AS p",
    )
    .bind(actor)
    .bind(ip.map(IpNetwork::from))
    .bind(action.as_str())
    .bind(people)
    .bind(details)
    .execute(tx)
    .await?;
    Ok(())
}

/// What HR filters the log by (all optional).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub action: Option<Action>,
    /// Entries by or about the person with this email.
    pub person_email: Option<String>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub until: Option<DateTime<Utc>>,
}

/// One entry as HR reads it, with names as they are now (the ids if the person is gone).
#[derive(Debug, Clone, FromRow)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub actor_email: Option<String>,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<String>,
    pub person_name: Option<String>,
    pub person_email: Option<String>,
    pub ip: Option<IpNetwork>,
    pub details: String,
}

/// Entries matching the filter, newest first, older than `before` (an entry id), at most
/// `limit`.
#[instrument(skip_all)]
pub async fn list(
    db: impl PgExecutor<'_>,
    filter: &Filter,
    before: Option<i64>,
    limit: i64,
) -> DbResult<Vec<Entry>> {
    let rows = sqlx::query_as::<_, Entry>(
        "WITH who AS (SELECT id FROM people WHERE email = $2)
         SELECT a.id, a.at, actor.display_name AS actor_name, actor.email AS actor_email,
                a.action, a.record_kind, a.record_id,
                subject.display_name AS person_name, subject.email AS person_email,
                a.ip, a.details
         FROM audit_log a
         LEFT JOIN people actor ON actor.id = a.actor
         LEFT JOIN people subject ON subject.id = a.person
         WHERE ($1::text IS NULL OR a.action = $1)
           AND ($2::text IS NULL OR a.actor IN (SELECT id FROM who)
                OR a.person IN (SELECT id FROM who))
           AND ($3::timestamptz IS NULL OR a.at >= $3)
           AND ($4::timestamptz IS NULL OR a.at < $4)
           AND ($5::bigint IS NULL OR a.id < $5)
         ORDER BY a.id DESC
         LIMIT $6",
    )
    .bind(filter.action.map(Action::as_str))
    .bind(&filter.person_email)
    .bind(filter.from)
    .bind(filter.until)
    .bind(before)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows)
}
