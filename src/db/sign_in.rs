//! Sign-in attempts, counted in PostgreSQL so throttling holds across replicas.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use sqlx::types::ipnetwork::IpNetwork;
use tracing::instrument;

use super::DbResult;
use crate::domain::sign_in::{RecentFailures, WINDOW};

#[instrument(skip_all)]
pub async fn recent_failures(
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

#[instrument(skip_all)]
pub async fn record(
    db: impl PgExecutor<'_>,
    email: &str,
    ip: Option<IpAddr>,
    succeeded: bool,
    now: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query("INSERT INTO sign_in_attempts (email, ip, succeeded, at) VALUES ($1, $2, $3, $4)")
        .bind(email)
        .bind(ip.map(IpNetwork::from))
        .bind(succeeded)
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
         OR (NOT succeeded AND at < $1 - interval '1 day')",
    )
    .bind(now)
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}
