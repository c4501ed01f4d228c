//! The outbox, people's mail opt-outs, password reset requests and signing keys.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::types::ipnetwork::IpNetwork;
use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{DbResult, Text};
use crate::domain::mail::MailKind;

/// A message to put in the outbox.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub kind: MailKind,
    pub person_id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// An iCalendar file and its METHOD (`REQUEST` or `CANCEL`).
    pub calendar: Option<(String, &'static str)>,
    /// Whether HR must never see its body (always true today: bodies are never shown).
    pub private: bool,
}

/// A message as the workers send it.
#[derive(Debug, Clone, FromRow)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub kind: Text<MailKind>,
    pub person_id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub calendar: Option<String>,
    pub calendar_method: Option<String>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
}

#[instrument(skip_all)]
pub async fn enqueue(db: impl PgExecutor<'_>, message: &NewMessage) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    let (calendar, method) = match &message.calendar {
        Some((ics, method)) => (Some(ics.as_str()), Some(*method)),
        None => (None, None),
    };
    sqlx::query(
        "INSERT INTO outbox (id, kind, person_id, to_address, subject, text_body, html_body, \
         calendar, calendar_method, private) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(message.kind.as_str())
    .bind(message.person_id)
    .bind(&message.to_address)
    .bind(&message.subject)
    .bind(&message.text_body)
    .bind(&message.html_body)
    .bind(calendar)
    .bind(method)
    .bind(message.private)
    .execute(db)
    .await?;
    Ok(id)
}

/// Claims up to `limit` due messages for `lease`, in one statement: rows another worker is
/// claiming are skipped (`SKIP LOCKED`), and a claimed row is due again only when its lease
/// ends, so a worker that dies mid-batch leaves its messages to the next worker after the
/// lease. No transaction stays open while talking to the SMTP server.
#[instrument(skip_all)]
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: i64,
) -> DbResult<Vec<OutboxMessage>> {
    Ok(sqlx::query_as(
        "UPDATE outbox o SET next_attempt_at = $2 FROM ( \
             SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) due \
         WHERE o.id = due.id \
         RETURNING o.id, o.kind, o.person_id, o.to_address, o.subject, o.text_body, \
                   o.html_body, o.calendar, o.calendar_method, o.attempts, o.created_at",
    )
    .bind(now)
    .bind(now + lease)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// Records a delivery. The words are not kept once sent: nobody reads them again, and links
/// that carry a token (invitations, password resets) must not outlive their use.
pub async fn mark_sent(db: impl PgExecutor<'_>, id: Uuid, now: DateTime<Utc>) -> DbResult<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $2, attempts = attempts + 1, \
         last_error = NULL, text_body = '', html_body = '', calendar = NULL, \
         calendar_method = NULL WHERE id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Records a failed delivery: try again at `retry_at`, or mark failed when `None`.
pub async fn mark_failed_attempt(
    db: impl PgExecutor<'_>,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, \
         status = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'queued' END, \
         next_attempt_at = coalesce($3, next_attempt_at) WHERE id = $1",
    )
    .bind(id)
    .bind(error.chars().take(1000).collect::<String>())
    .bind(retry_at)
    .execute(db)
    .await?;
    Ok(())
}

/// How many messages wait, were sent since a moment, and failed: each through its own
/// partial index, so the page never counts the whole (growing) outbox.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutboxCounts {
    pub queued: i64,
    /// Sent since the `since` given to [`counts`].
    pub sent: i64,
    pub failed: i64,
}

pub async fn counts(db: impl PgExecutor<'_>, since: DateTime<Utc>) -> DbResult<OutboxCounts> {
    let (queued, sent, failed): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM outbox WHERE status = 'queued'), \
                (SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= $1), \
                (SELECT count(*) FROM outbox WHERE status = 'failed')",
    )
    .bind(since)
    .fetch_one(db)
    .await?;
    Ok(OutboxCounts {
        queued,
        sent,
        failed,
    })
}

/// A failed message as HR sees it: never its body.
#[derive(Debug, Clone, FromRow)]
pub struct FailedMessage {
    pub id: Uuid,
    pub kind: Text<MailKind>,
    pub to_address: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn failed(db: impl PgExecutor<'_>, limit: i64) -> DbResult<Vec<FailedMessage>> {
    Ok(sqlx::query_as(
        "SELECT id, kind, to_address, attempts, last_error, created_at FROM outbox \
         WHERE status = 'failed' ORDER BY created_at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// Puts a failed message back in the queue for another round of tries. False if it isn't
/// failed (already retried, or sent).
pub async fn retry(db: impl PgExecutor<'_>, id: Uuid, now: DateTime<Utc>) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = $2 \
         WHERE id = $1 AND status = 'failed'",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The choices a person made: (kind, wanted). Kinds without a row follow their default.
pub async fn preferences(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
) -> DbResult<Vec<(MailKind, bool)>> {
    let rows: Vec<(Text<MailKind>, bool)> =
        sqlx::query_as("SELECT kind, wanted FROM mail_preferences WHERE person_id = $1")
            .bind(person_id)
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, wanted)| (kind.0, wanted))
        .collect())
}

/// The person's choice for one kind, if they made one.
pub async fn preference(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    kind: MailKind,
) -> DbResult<Option<bool>> {
    Ok(
        sqlx::query_scalar(
            "SELECT wanted FROM mail_preferences WHERE person_id = $1 AND kind = $2",
        )
        .bind(person_id)
        .bind(kind.as_str())
        .fetch_optional(db)
        .await?,
    )
}

/// Records whether a person wants one kind of message.
pub async fn set_preference(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    kind: MailKind,
    wanted: bool,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO mail_preferences (person_id, kind, wanted) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id, kind) DO UPDATE SET wanted = $3, updated_at = now()",
    )
    .bind(person_id)
    .bind(kind.as_str())
    .bind(wanted)
    .execute(db)
    .await?;
    Ok(())
}

/// Recent "forgot your password?" requests that went ahead: for this email from this
/// address, for this email, and from this address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetRequests {
    pub pair: i64,
    pub email: i64,
    pub address: i64,
}

/// Counts the requests since `since`, and records this one when `allow` says it may go ahead.
/// Requests for one email are decided one at a time (an advisory lock held to the end of the
/// transaction), so a burst can't slip past the limits.
pub async fn reset_request(
    conn: &mut sqlx::PgConnection,
    email: &str,
    ip: Option<IpAddr>,
    since: DateTime<Utc>,
    allow: impl FnOnce(ResetRequests) -> bool,
) -> DbResult<bool> {
    let ip = ip.map(IpNetwork::from);
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('password_reset:' || $1))")
        .bind(email)
        .execute(&mut *conn)
        .await?;
    let (pair, for_email, address): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM password_reset_requests \
                  WHERE email = $1 AND ip IS NOT DISTINCT FROM $2 AND at > $3), \
                (SELECT count(*) FROM password_reset_requests WHERE email = $1 AND at > $3), \
                (SELECT count(*) FROM password_reset_requests \
                  WHERE $2::inet IS NOT NULL AND ip = $2 AND at > $3)",
    )
    .bind(email)
    .bind(ip)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    let counts = ResetRequests {
        pair,
        email: for_email,
        address,
    };
    if !allow(counts) {
        return Ok(false);
    }
    sqlx::query("INSERT INTO password_reset_requests (email, ip) VALUES ($1, $2)")
        .bind(email)
        .bind(ip)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

pub async fn delete_old_reset_requests(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
) -> DbResult<u64> {
    Ok(
        sqlx::query("DELETE FROM password_reset_requests WHERE at < $1")
            .bind(before)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// The installation's key for signing links of a purpose (made by the migration).
pub async fn signing_key(db: impl PgExecutor<'_>, purpose: &str) -> DbResult<Vec<u8>> {
    Ok(
        sqlx::query_scalar("SELECT key FROM signing_keys WHERE purpose = $1")
            .bind(purpose)
            .fetch_one(db)
            .await?,
    )
}

/// Claims the weekly digest of the week starting `week`; false when it went out already.
pub async fn claim_digest_week(db: impl PgExecutor<'_>, week: chrono::NaiveDate) -> DbResult<bool> {
    Ok(
        sqlx::query("INSERT INTO digest_weeks (week_start) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(week)
            .execute(db)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Whether this week's digest went out already.
pub async fn digest_week_sent(db: impl PgExecutor<'_>, week: chrono::NaiveDate) -> DbResult<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM digest_weeks WHERE week_start = $1)")
            .bind(week)
            .fetch_one(db)
            .await?,
    )
}

/// Active people who asked for a kind of message that is off by default (the digest).
pub async fn subscribers(db: impl PgExecutor<'_>, kind: MailKind) -> DbResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT m.person_id FROM mail_preferences m JOIN people p ON p.id = m.person_id \
         WHERE m.kind = $1 AND m.wanted AND p.active ORDER BY m.person_id",
    )
    .bind(kind.as_str())
    .fetch_all(db)
    .await?)
}

/// Deletes sent and failed messages older than `before` (retention).
pub async fn delete_old_messages(db: impl PgExecutor<'_>, before: DateTime<Utc>) -> DbResult<u64> {
    Ok(sqlx::query(
        "DELETE FROM outbox WHERE (status = 'sent' AND sent_at < $1) \
         OR (status = 'failed' AND created_at < $1)",
    )
    .bind(before)
    .execute(db)
    .await?
    .rows_affected())
}
