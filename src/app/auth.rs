//! Use cases for signing in: the throttled password check, with every attempt recorded in
//! PostgreSQL so the limits hold across replicas.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::db;
use crate::domain::people::Person;
use crate::domain::sign_in::{self as rules, Throttle};
use crate::error::AppResult;
use crate::secrets;

/// How a sign-in attempt ended.
#[derive(Debug)]
pub enum SignIn {
    /// The password matches an active account.
    Welcome(Person),
    /// Too many recent failures: try again after this many minutes (the password was not
    /// checked).
    Wait { minutes: i64 },
    /// No active account with this email and password. Unknown emails take as long as known
    /// ones (a dummy hash is checked), so the answer doesn't tell which.
    WrongCredentials,
}

/// Checks an email (already trimmed and lower-cased) and password, unless throttled, and
/// records the attempt.
pub async fn sign_in(
    pool: &PgPool,
    email: &str,
    password: String,
    ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> AppResult<SignIn> {
    let failures = db::sign_in::recent_failures(pool, email, ip, now).await?;
    if let Throttle::Wait { minutes } = rules::decide(failures, now) {
        return Ok(SignIn::Wait { minutes });
    }
    let (person, hash) = match db::people::find_for_sign_in(pool, email).await? {
        Some((person, hash)) if person.active => (Some(person), hash),
        _ => (None, None),
    };
    let matches = secrets::verify_password(password, hash).await?;
    db::sign_in::record(pool, email, ip, matches, now).await?;
    Ok(match person {
        Some(person) if matches => SignIn::Welcome(person),
        _ => SignIn::WrongCredentials,
    })
}
