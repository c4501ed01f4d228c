//! Use cases for telling people things: a notification in the app and, where the person's
//! choices allow, an email, both written in the caller's transaction.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::mail;
use crate::config::AppConfig;
use crate::db;
use crate::db::notifications::Notification;
use crate::domain::mail::MailKind;
use crate::domain::people::Person;
use crate::error::{AppResult, OrNotFound};
use crate::mail::compose::Content;

/// An email to send along with a notification: its words and an optional calendar file
/// (iCalendar text and its METHOD).
pub struct Email<'a> {
    pub content: &'a Content,
    pub calendar: Option<(String, &'static str)>,
}

/// Tells `person` something: a notification (with a link inside Attune) and, unless they
/// turned this kind of email off, an email.
pub async fn notify(
    conn: &mut PgConnection,
    config: &AppConfig,
    person: &Person,
    kind: MailKind,
    text: &str,
    link: &str,
    email: Option<Email<'_>>,
) -> AppResult<()> {
    db::notifications::insert(&mut *conn, person.id, kind, text, link).await?;
    if let Some(email) = email {
        mail::queue(
            conn,
            config,
            person.into(),
            kind,
            email.content,
            email.calendar,
        )
        .await?;
    }
    Ok(())
}

/// Notifications shown on one page.
pub const PAGE: i64 = 20;

/// A page of a person's notifications, newest first, and whether older ones exist.
pub async fn page(
    pool: &PgPool,
    person: &Person,
    before: Option<(DateTime<Utc>, Uuid)>,
) -> AppResult<(Vec<Notification>, bool)> {
    let mut found = db::notifications::list(pool, person.id, before, PAGE + 1).await?;
    let more = found.len() as i64 > PAGE;
    found.truncate(PAGE as usize);
    Ok((found, more))
}

/// Marks one of the person's notifications read and returns where it leads; another
/// person's is not found.
pub async fn open(
    pool: &PgPool,
    person: &Person,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<String> {
    db::notifications::mark_read(pool, person.id, id, now)
        .await?
        .or_404()
}

pub async fn mark_all_read(pool: &PgPool, person: &Person, now: DateTime<Utc>) -> AppResult<u64> {
    Ok(db::notifications::mark_all_read(pool, person.id, now).await?)
}
