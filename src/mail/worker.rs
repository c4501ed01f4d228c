//! Delivers the outbox. Every running instance runs this worker. Each batch is claimed in one
//! statement with `FOR UPDATE SKIP LOCKED`, which also leases the claimed messages for a few
//! minutes (see [`LEASE`]), so two instances never take the same message; no transaction stays
//! open while talking to the SMTP server; each result is recorded as soon as it is known. A
//! message whose instance dies mid-batch is due again when its lease ends. The guarantee is at
//! least once: a crash after the SMTP server accepted a message but before the result was
//! recorded sends it again, with the same `Message-ID`, so mail systems can tell it is the
//! same message.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::compose;
use crate::config::AppConfig;
use crate::db::mail::OutboxMessage;
use crate::db::{self, DbResult};
use crate::domain::mail::retry_after;

/// Messages claimed per batch.
pub const BATCH: i64 = 50;

/// How long a claimed message is left to its worker before another may take it: far longer
/// than a batch takes (at most a few 30-second timeouts in a row).
pub const LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// SMTP conversations at once (lettre keeps a pool of as many connections): a conversation
/// spends most of its time waiting (lettre writes the end-of-data line on its own, so each
/// message waits for the server's delayed ACK, about 40 ms), so several at once deliver
/// several times faster.
pub const CONCURRENT_SENDS: usize = 16;

/// Sends the messages that are due (up to [`BATCH`]) and records each result; returns how
/// many were claimed. Does nothing while mail isn't configured.
pub async fn deliver_due(pool: &PgPool, config: &AppConfig, now: DateTime<Utc>) -> DbResult<usize> {
    let Some(mail) = &config.mail else {
        return Ok(0);
    };
    let key = db::mail::signing_key(pool, "unsubscribe").await?;
    let due = db::mail::claim_due(pool, now, LEASE, BATCH).await?;
    let claimed = due.len();
    let mut sending = tokio::task::JoinSet::new();
    for message in due {
        let kind = message.kind.0;
        if kind
            .expires_after()
            .is_some_and(|ttl| message.created_at + ttl < now)
        {
            let why = "not sent: it waited longer than this kind of message is useful";
            db::mail::mark_failed_attempt(pool, message.id, why, None).await?;
            continue;
        }
        let unsubscribe = kind
            .can_opt_out()
            .then(|| compose::unsubscribe_link(config, &key, message.person_id, kind));
        while sending.len() >= CONCURRENT_SENDS {
            if let Some(done) = sending.join_next().await {
                record(pool, done).await?;
            }
        }
        let mail = mail.clone();
        sending.spawn(async move {
            let result = mail.send(&message, unsubscribe.as_deref()).await;
            (message, result)
        });
    }
    while let Some(done) = sending.join_next().await {
        record(pool, done).await?;
    }
    Ok(claimed)
}

/// Records how one delivery went: sent, or tried again later with the server's answer kept
/// (failed for good after the last try). A send task that panicked is left to its lease.
async fn record(
    pool: &PgPool,
    done: Result<(OutboxMessage, Result<(), String>), tokio::task::JoinError>,
) -> DbResult<()> {
    let (message, result) = match done {
        Ok(done) => done,
        Err(err) => {
            tracing::error!(error = %err, "a mail send task failed");
            return Ok(());
        }
    };
    match result {
        Ok(()) => db::mail::mark_sent(pool, message.id, Utc::now()).await,
        Err(error) => {
            let attempts = message.attempts + 1;
            let retry_at = retry_after(attempts).map(|wait| Utc::now() + wait);
            tracing::warn!(id = %message.id, kind = message.kind.0.as_str(), attempts, %error,
                gives_up = retry_at.is_none(), "sending an email failed");
            db::mail::mark_failed_attempt(pool, message.id, &error, retry_at).await
        }
    }
}

/// Starts this instance's worker: it delivers what is due, then looks again every `every`
/// (at once while there is more to send).
pub fn spawn(pool: PgPool, config: Arc<AppConfig>, every: Duration) {
    let Some(mail) = &config.mail else {
        tracing::info!("mail is not configured (ATTUNE_SMTP_URL): messages wait in the outbox");
        return;
    };
    tracing::info!(server = %mail.server, from = %mail.from, "sending email");
    tokio::spawn(async move {
        loop {
            match deliver_due(&pool, &config, Utc::now()).await {
                Ok(tried) if tried as i64 == BATCH => continue,
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "the mail worker could not read the outbox")
                }
            }
            tokio::time::sleep(every).await;
        }
    });
}
