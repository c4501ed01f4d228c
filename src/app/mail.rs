//! Use cases for email: putting a message in the outbox, in the caller's transaction, for a
//! person who hasn't turned that kind of message off; and people's choices about what they get.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::config::AppConfig;
use crate::db;
use crate::db::mail::NewMessage;
use crate::domain::mail::MailKind;
use crate::domain::people::Person;
use crate::error::AppResult;
use crate::mail::compose::{self, Content};

/// Whom a message goes to.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub id: Uuid,
    pub email: &'a str,
}

impl<'a> From<&'a Person> for Recipient<'a> {
    fn from(person: &'a Person) -> Self {
        Recipient {
            id: person.id,
            email: &person.email,
        }
    }
}

/// Puts a message for `person` in the outbox, unless they turned this kind off. Runs in the
/// caller's transaction, so the message exists exactly when the change that causes it does.
/// Returns whether it was queued.
pub async fn queue(
    conn: &mut PgConnection,
    config: &AppConfig,
    to: Recipient<'_>,
    kind: MailKind,
    content: &Content,
    calendar: Option<(String, &'static str)>,
) -> AppResult<bool> {
    let unsubscribe = if kind.can_opt_out() {
        let wanted = db::mail::preference(&mut *conn, to.id, kind).await?;
        if !wanted.unwrap_or(kind.on_by_default()) {
            return Ok(false);
        }
        let key = db::mail::signing_key(&mut *conn, "unsubscribe").await?;
        Some(compose::unsubscribe_link(config, &key, to.id, kind))
    } else {
        None
    };
    let (text_body, html_body) = compose::render(config, kind, content, unsubscribe.as_deref());
    let message = NewMessage {
        kind,
        person_id: to.id,
        to_address: to.email.to_string(),
        subject: content.subject.clone(),
        text_body,
        html_body,
        calendar,
        private: true,
    };
    db::mail::enqueue(&mut *conn, &message).await?;
    Ok(true)
}

/// Each kind a person may turn off, and whether they get it.
pub async fn preferences(pool: &PgPool, person: &Person) -> AppResult<Vec<(MailKind, bool)>> {
    let chosen = db::mail::preferences(pool, person.id).await?;
    Ok(MailKind::optional()
        .map(|kind| {
            let choice = chosen.iter().find(|(k, _)| *k == kind).map(|(_, w)| *w);
            (kind, choice.unwrap_or(kind.on_by_default()))
        })
        .collect())
}

/// Saves which kinds a person gets: every kind they may turn off that isn't in `wanted` is off.
pub async fn set_preferences(pool: &PgPool, person: &Person, wanted: &[MailKind]) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    for kind in MailKind::optional() {
        db::mail::set_preference(&mut *tx, person.id, kind, wanted.contains(&kind)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Turns one kind off from a signed unsubscribe link (no sign-in needed); `None` when the
/// link isn't valid.
pub async fn unsubscribe(pool: &PgPool, token: &str) -> AppResult<Option<MailKind>> {
    let key = db::mail::signing_key(pool, "unsubscribe").await?;
    let Some((person_id, kind)) = compose::read_unsubscribe(&key, token) else {
        return Ok(None);
    };
    if db::people::find(pool, person_id).await?.is_none() {
        return Ok(None);
    }
    db::mail::set_preference(pool, person_id, kind, false).await?;
    Ok(Some(kind))
}

/// Reads an unsubscribe link without acting on it (the page that asks to confirm).
pub async fn read_unsubscribe(pool: &PgPool, token: &str) -> AppResult<Option<MailKind>> {
    let key = db::mail::signing_key(pool, "unsubscribe").await?;
    Ok(compose::read_unsubscribe(&key, token).map(|(_, kind)| kind))
}
