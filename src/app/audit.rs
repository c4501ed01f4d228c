//! Putting administrative actions on record: each use case that HR (or an organizer) runs
//! appends to the audit log in its own transaction, so an action and its record commit or
//! roll back together.

use std::net::IpAddr;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::db;
use crate::db::audit::NewEntry;
use crate::domain::audit::Action;
use crate::error::AppResult;

/// Who is acting, and from where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: Uuid,
    pub ip: Option<IpAddr>,
}

/// The record an action was about.
#[derive(Debug, Clone)]
pub struct Subject {
    pub kind: &'static str,
    pub id: Option<String>,
    /// The person it concerns, when it concerns one.
    pub person: Option<Uuid>,
}

impl Subject {
    pub fn person(id: Uuid) -> Subject {
        Subject {
            kind: "person",
            id: Some(id.to_string()),
            person: Some(id),
        }
    }

    pub fn of(kind: &'static str, id: impl ToString) -> Subject {
        Subject {
            kind,
            id: Some(id.to_string()),
            person: None,
        }
    }

    pub fn kind(kind: &'static str) -> Subject {
        Subject {
            kind,
            id: None,
            person: None,
        }
    }

    /// Names the person it concerns too (a recognition's recipient...).
    pub fn about(mut self, person: Uuid) -> Subject {
        self.person = Some(person);
        self
    }
}

/// Appends one entry, in the caller's transaction.
pub async fn record(
    tx: &mut PgConnection,
    actor: Actor,
    action: Action,
    subject: Subject,
    details: &str,
) -> AppResult<()> {
    let entry = NewEntry {
        actor: actor.id,
        ip: actor.ip,
        action,
        record_kind: subject.kind,
        record_id: subject.id,
        person: subject.person,
        details,
    };
    db::audit::append(tx, &entry).await?;
    Ok(())
}

/// Appends one entry in a transaction of its own, for an action that changes nothing else
/// (an export: it is on record before the file starts to go out).
pub async fn record_alone(
    pool: &sqlx::PgPool,
    actor: Actor,
    action: Action,
    subject: Subject,
    details: &str,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    record(&mut tx, actor, action, subject, details).await?;
    tx.commit().await?;
    Ok(())
}

/// Appends one entry per person (an import), in the caller's transaction.
pub async fn record_for_people(
    tx: &mut PgConnection,
    actor: Actor,
    action: Action,
    people: &[Uuid],
    details: &str,
) -> AppResult<()> {
    db::audit::append_for_people(tx, actor.id, actor.ip, action, people, details).await?;
    Ok(())
}
