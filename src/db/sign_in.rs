//! Sign-in attempts, counted in PostgreSQL so throttling holds across replicas.
//!
//! Checking the limits and recording an attempt happen in one short transaction that holds
//! advisory locks on the account and on the address ([`claim`]): parallel attempts queue there
//! instead of all reading the same count, so no more attempts are checked than the rules allow.
//! An attempt is recorded when it is claimed, before the slow password check, as in progress
//! (`succeeded` NULL), and resolved afterwards. Attempts in progress count as failures for
//! the account (so parallel guesses at one account can't pass together), but not for the
//! address, so a room full of people signing in at once is not slowed down; an attempt left
//! in progress by a crash stays counted against the account until it ages out.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::types::ipnetwork::IpNetwork;
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;

use super::DbResult;
use uuid::Uuid;

use crate::domain::sign_in::{Failures, RecentFailures, Throttle, WINDOW};

/// Takes the transaction-scoped locks for one account and one address, always in this order
/// (account, then address) so two attempts can never wait for each other.
async fn lock(tx: &mut PgConnection, email: &str, ip: Option<IpNetwork>) -> DbResult<()> {
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtextextended('attune sign-in account ' || $1, 0))",
    )
    .bind(email)
    .execute(&mut *tx)
    .await?;
    if let Some(ip) = ip {
        sqlx::query(
            "SELECT pg_advisory_xact_lock(hashtextextended('attune sign-in address ' || host($1), 0))",
        )
        .bind(ip)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The outcome of [`claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The attempt is recorded (in progress) under this id: check the password, then
    /// [`resolve`] it.
    Go(i64),
    /// Refused: try again after this many minutes. Nothing is recorded.
    Wait { minutes: i64 },
}

/// Checks the limits for one attempt and, when `decide` allows it, records the attempt as a
/// failure, atomically.  Run it in
/// a transaction of its own and commit straight away: the locks are held until then.
#[instrument(skip_all)]
pub async fn claim(
    tx: &mut PgConnection,
    email: &str,
    ip: Option<IpAddr>,
    device: Option<&[u8]>,
    now: DateTime<Utc>,
    decide: impl FnOnce(RecentFailures) -> Throttle,
) -> DbResult<Claim> {
    lock(tx, email, ip.map(IpNetwork::from)).await?;
    let failures = recent_failures(&mut *tx, email, ip, device, now).await?;
    if let Throttle::Wait { minutes } = decide(failures) {
        return Ok(Claim::Wait { minutes });
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sign_in_attempts (email, ip, device, succeeded, at) \
         VALUES ($1, $2, $3, NULL, $4) RETURNING id",
    )
    .bind(email)
    .bind(ip.map(IpNetwork::from))
    .bind(device)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    Ok(Claim::Go(id))
}

/// Records how a claimed attempt ended (whether the password matched).
#[instrument(skip_all)]
pub async fn resolve(db: impl PgExecutor<'_>, attempt: i64, succeeded: bool) -> DbResult<()> {
    sqlx::query("UPDATE sign_in_attempts SET succeeded = $2 WHERE id = $1")
        .bind(attempt)
        .bind(succeeded)
        .execute(db)
        .await?;
    Ok(())
}

#[instrument(skip_all)]
async fn recent_failures(
    db: impl PgExecutor<'_>,
    email: &str,
    ip: Option<IpAddr>,
    device: Option<&[u8]>,
    now: DateTime<Utc>,
) -> DbResult<RecentFailures> {
    let since = now - WINDOW;
    let ip = ip.map(IpNetwork::from);
    type Row = (
        i64,
        Option<DateTime<Utc>>,
        i64,
        Option<DateTime<Utc>>,
        i64,
        Option<DateTime<Utc>>,
        bool,
    );
    let (account, account_latest, address, address_latest, device_n, device_latest, known): Row =
        sqlx::query_as(
            "WITH last_success AS (
                 SELECT coalesce(max(at), '-infinity') AS at FROM sign_in_attempts
                 WHERE email = $1 AND succeeded
             ),
             account AS (
                 SELECT count(*) AS n, max(at) AS latest,
                        count(*) FILTER (WHERE device = $4) AS device_n,
                        max(at) FILTER (WHERE device = $4) AS device_latest
                 FROM sign_in_attempts
                 WHERE email = $1 AND succeeded IS NOT TRUE AND at > $3
                   AND at > (SELECT at FROM last_success)
             ),
             address AS (
                 SELECT count(*) AS n, max(at) AS latest FROM sign_in_attempts
                 WHERE $2::inet IS NOT NULL AND ip = $2 AND NOT succeeded AND at > $3
             )
             SELECT account.n, account.latest, address.n, address.latest,
                    account.device_n, account.device_latest,
                    $4::bytea IS NOT NULL AND EXISTS (
                        SELECT 1 FROM sign_in_attempts
                        WHERE email = $1 AND succeeded AND device = $4
                    ) AS known_device
             FROM account, address",
        )
        .bind(email)
        .bind(ip)
        .bind(since)
        .bind(device)
        .fetch_one(db)
        .await?;
    Ok(RecentFailures {
        account: Failures {
            count: account,
            latest: account_latest,
        },
        address: Failures {
            count: address,
            latest: address_latest,
        },
        known_device: known.then_some(Failures {
            count: device_n,
            latest: device_latest,
        }),
    })
}

/// A password reset counts as a successful sign-in: the account's earlier failures no longer
/// slow it down.
#[instrument(skip_all)]
pub async fn record_password_reset(
    db: impl PgExecutor<'_>,
    person: Uuid,
    now: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO sign_in_attempts (email, succeeded, at) \
         SELECT email, true, $2 FROM people WHERE id = $1",
    )
    .bind(person)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets failures older than a day and successes older than 30 days.
#[instrument(skip_all)]
pub async fn delete_old(db: impl PgExecutor<'_>, now: DateTime<Utc>) -> DbResult<u64> {
    let result = sqlx::query(
        "DELETE FROM sign_in_attempts WHERE at < $1 - interval '30 days' \
         OR (succeeded IS NOT TRUE AND at < $1 - interval '1 day')",
    )
    .bind(now)
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}
