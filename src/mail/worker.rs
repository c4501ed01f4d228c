//! Delivers the outbox. Every running instance runs this worker; each batch is claimed with
//! `FOR UPDATE SKIP LOCKED` inside one transaction, so two instances never take the same
//! message, and a message whose instance dies mid-batch is unlocked and delivered by the next
//! batch. The guarantee is at least once: a crash after the SMTP server accepted a message but
//! before the batch committed sends it again, with the same `Message-ID`, so mail systems can
//! tell it is the same message.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::compose;
use crate::config::AppConfig;
use crate::db::{self, DbResult};
use crate::domain::mail::retry_after;

/// Messages claimed per transaction.
pub const BATCH: i64 = 50;

/// SMTP conversations at once (lettre keeps a pool of as many connections): a conversation
/// spends most of its time waiting (lettre writes the end-of-data line on its own, so each
/// message waits for the server's delayed ACK, about 40 ms), so several at once deliver
/// several times faster.
pub const CONCURRENT_SENDS: usize = 16;

/// Sends the messages that are due (up to [`BATCH`]) and records each result; returns how
/// many were tried. Does nothing while mail isn't configured.
pub async fn deliver_due(pool: &PgPool, config: &AppConfig, now: DateTime<Utc>) -> DbResult<usize> {
    let Some(mail) = &config.mail else {
        return Ok(0);
    };
    let key = db::mail::signing_key(pool, "unsubscribe").await?;
    let mut tx = pool.begin().await?;
    let due = db::mail::claim_due(&mut tx, now, BATCH).await?;
    let mut sending = tokio::task::JoinSet::new();
    let mut results = Vec::with_capacity(due.len());
    for message in due.iter().cloned() {
        let kind = message.kind.0;
        let unsubscribe = kind
            .can_opt_out()
            .then(|| compose::unsubscribe_link(config, &key, message.person_id, kind));
        let mail = mail.clone();
        if sending.len() >= CONCURRENT_SENDS
            && let Some(done) = sending.join_next().await
        {
            results.push(done.expect("a send task finishes"));
        }
        sending.spawn(async move {
            let result = mail.send(&message, unsubscribe.as_deref()).await;
            (message, result)
        });
    }
    while let Some(done) = sending.join_next().await {
        results.push(done.expect("a send task finishes"));
    }
    for (message, result) in &results {
        let kind = message.kind.0;
        match result {
            Ok(()) => db::mail::mark_sent(&mut tx, message.id, Utc::now()).await?,
            Err(error) => {
                let attempts = message.attempts + 1;
                let retry_at = retry_after(attempts).map(|wait| Utc::now() + wait);
                tracing::warn!(id = %message.id, kind = kind.as_str(), attempts, %error,
                    gives_up = retry_at.is_none(), "sending an email failed");
                db::mail::mark_failed_attempt(&mut tx, message.id, error, retry_at).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(due.len())
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
