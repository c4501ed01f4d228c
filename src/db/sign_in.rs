//! Sign-in attempts, counted in PostgreSQL so throttling holds across replicas.
//!
//! Checking the limits and recording an attempt happen in one short transaction that holds
//! advisory locks on the account and on the address ([`claim`]): parallel attempts queue there
//! instead of all reading the same count, so no more attempts are checked than the rules allow.
//! An attempt is recorded as failed when it is claimed (before the slow password check) and
//! turned into a success afterwards if the password matched.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::types::ipnetwork::IpNetwork;
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;

use super::DbResult;
use crate::domain::sign_in::{RecentFailures, Throttle, WINDOW};

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
    /// The attempt is recorded (as a failure for now) under this id: check the password.
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
    now: DateTime<Utc>,
    decide: impl FnOnce(RecentFailures) -> Throttle,
) -> DbResult<Claim> {
    lock(tx, email, ip.map(IpNetwork::from)).await?;
    let failures = recent_failures(&mut *tx, email, ip, now).await?;
    if let Throttle::Wait { minutes } = decide(failures) {
        return Ok(Claim::Wait { minutes });
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sign_in_attempts (email, ip, succeeded, at) VALUES ($1, $2, false, $3) \
         RETURNING id",
    )
    .bind(email)
    .bind(ip.map(IpNetwork::from))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    Ok(Claim::Go(id))
}

/// Marks a claimed attempt as successful (the password matched).
#[instrument(skip_all)]
pub async fn succeeded(db: impl PgExecutor<'_>, attempt: i64) -> DbResult<()> {
    sqlx::query("UPDATE sign_in_attempts SET succeeded = true WHERE id = $1")
        .bind(attempt)
        .execute(db)
        .await?;
    Ok(())
}

#[instrument(skip_all)]
async fn recent_failures(
    db: impl PgExecutor<'_>,
    email: &str,
    ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> DbResult<RecentFailures> {
    let since = now - WINDOW;
    let ip = ip.map(IpNetwork::from);
    let (account, account_oldest, address, address_oldest, known_device): (
        i64,
        Option<DateTime<Utc>>,
        i64,
        Option<DateTime<Utc>>,
        bool,
    ) = sqlx::query_as(
        "WITH last_success AS (
             SELECT max(at) AS at FROM sign_in_attempts WHERE email = $1 AND succeeded
         ),
         account AS (
             SELECT count(*) AS n, min(at) AS oldest FROM sign_in_attempts
             WHERE email = $1 AND NOT succeeded AND at > $3
               AND at > coalesce((SELECT at FROM last_success), '-infinity')
         ),
         address AS (
             SELECT count(*) AS n, min(at) AS oldest FROM sign_in_attempts
             WHERE $2::inet IS NOT NULL AND ip = $2 AND NOT succeeded AND at > $3
         )
         SELECT account.n, account.oldest, address.n, address.oldest,
                EXISTS (SELECT 1 FROM sign_in_attempts
                        WHERE email = $1 AND succeeded AND ip = $2) AS known_device
         FROM account, address",
    )
    .bind(email)
    .bind(ip)
    .bind(since)
    .fetch_one(db)
    .await?;
    Ok(RecentFailures {
        account,
        account_oldest,
        address,
        address_oldest,
        known_device,
    })
}

/// Forgets failures older than a day and successes older than 30 days.
#[instrument(skip_all)]
pub async fn delete_old(db: impl PgExecutor<'_>, now: DateTime<Utc>) -> DbResult<u64> {
    let result = sqlx::query(
        "DELETE FROM sign_in_attempts WHERE at < $1 - interval '30 days' \
         OR (NOT succeeded AND at < $1 - interval '1 day')",
    )
    .bind(now)
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}
