//! Use cases for signing in: the throttled password check, with every attempt recorded in
//! PostgreSQL so the limits hold across replicas, and resetting a forgotten password by email.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::audit::{self, Actor, Subject};
use super::{mail, people};
use crate::config::AppConfig;
use crate::db;
use crate::db::sign_in::Claim;
use crate::db::tokens::Purpose;
use crate::domain::audit::Action;
use crate::domain::mail::MailKind;
use crate::domain::people::Person;
use crate::domain::sign_in::{self as rules, Throttle};
use crate::domain::sso;
use crate::error::{AppError, AppResult};
use crate::mail::compose;
use crate::secrets;

/// How a sign-in attempt ended.
#[derive(Debug)]
pub enum SignIn {
    /// The password matches an active account.
    Welcome(Person),
    /// Too many recent failures: try again after this many minutes (the password was not
    /// checked). Delays grow with each failure; nothing is locked.
    Wait { minutes: i64 },
    /// No active account with this email and password. Unknown emails take as long as known
    /// ones (a dummy hash is checked), so the answer doesn't tell which.
    WrongCredentials,
}

/// Where a sign-in attempt comes from.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub ip: Option<IpAddr>,
    /// The browser's device token (from its device cookie, or a fresh one to give it if this
    /// attempt succeeds). A device that signed in to the account before is judged only by its
    /// own failures.
    pub device: &'a str,
}

/// Checks an email (already trimmed and lower-cased) and password, unless throttled, and
/// records the attempt. With `sso_only`, only HR admins may sign in with a password (anyone
/// else is answered as a wrong password, after the same work).
pub async fn sign_in(
    pool: &PgPool,
    email: &str,
    password: String,
    sso_only: bool,
    from: Origin<'_>,
    now: DateTime<Utc>,
) -> AppResult<SignIn> {
    let device = secrets::token_digest(from.device);
    // Check the limits and record the attempt (in progress until the password is checked) in
    // one transaction under the account's and the address's locks, so parallel attempts can't
    // all pass the check before any of them is counted.
    let mut tx = pool.begin().await?;
    let claimed = db::sign_in::claim(&mut tx, email, from.ip, Some(&device), now, |failures| {
        rules::decide(failures, now)
    })
    .await?;
    tx.commit().await?;
    let attempt = match claimed {
        Claim::Go(attempt) => attempt,
        Claim::Wait { minutes } => return Ok(SignIn::Wait { minutes }),
    };
    let (person, hash) = match db::people::find_for_sign_in(pool, email).await? {
        Some((person, hash))
            if person.active && sso::password_allowed(sso_only, person.is_hr_admin()) =>
        {
            (Some(person), hash)
        }
        _ => (None, None),
    };
    let matches = secrets::verify_password(password, hash).await?;
    let welcome = matches && person.is_some();
    db::sign_in::resolve(pool, attempt, welcome).await?;
    Ok(match person {
        Some(person) if welcome => SignIn::Welcome(person),
        _ => SignIn::WrongCredentials,
    })
}

/// How a "forgot your password?" request ended. Both answers are the same whether or not an
/// account has this email.
#[derive(Debug, PartialEq, Eq)]
pub enum ResetRequest {
    /// If an active account has this email, a link is on its way.
    Accepted,
    /// Too many requests for this email or from this address: try again later.
    Wait { minutes: i64 },
}

/// "Forgot your password?": throttled per email and per address; an active account with this
/// email (already trimmed and lower-cased) gets a link valid for an hour. Sign-in throttling
/// doesn't apply, so a paused account can always recover this way.
pub async fn request_password_reset(
    pool: &PgPool,
    config: &AppConfig,
    email: &str,
    ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> AppResult<ResetRequest> {
    let since = now - rules::RESET_WINDOW;
    let mut tx = pool.begin().await?;
    let allowed = db::mail::reset_request(&mut tx, email, ip, since, |n| {
        rules::decide_reset(n.pair, n.email, n.address) == Throttle::Allow
    })
    .await?;
    tx.commit().await?;
    if !allowed {
        return Ok(ResetRequest::Wait {
            minutes: rules::RESET_WINDOW.num_minutes(),
        });
    }
    // The answer mustn't take longer for an account that exists: the link is made and queued
    // after it, in the background.
    if let Some((person, _)) = db::people::find_for_sign_in(pool, email).await?
        && person.active
    {
        let (pool, config) = (pool.clone(), config.clone());
        tokio::spawn(async move {
            match send_password_reset(&pool, &config, &person, None, now).await {
                Ok(()) => {}
                Err(AppError::Conflict(why)) => tracing::info!(%why, "no password reset sent"),
                Err(err) => tracing::warn!(error = %err, "queueing a password reset email failed"),
            }
        });
    }
    Ok(ResetRequest::Accepted)
}

/// Emails a person a link to choose a new password (also HR's "send a password reset email":
/// the link goes only to the person, and `sent_by` puts it on the audit record).
pub async fn send_password_reset(
    pool: &PgPool,
    config: &AppConfig,
    person: &Person,
    sent_by: Option<Actor>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let changed = db::people::email_changed_at(pool, person.id).await?;
    crate::domain::people::may_reset_password(changed, now).map_err(AppError::Conflict)?;
    let expires = now + Duration::minutes(rules::RESET_LINK_MINUTES);
    let mut tx = pool.begin().await?;
    let link = people::issue_link(
        &mut tx,
        config,
        Purpose::PasswordReset,
        Some(person.id),
        expires,
    )
    .await?;
    let content = compose::password_reset(person.first_name(), &link);
    mail::queue(
        &mut tx,
        config,
        person.into(),
        MailKind::PasswordReset,
        &content,
        None,
    )
    .await?;
    if let Some(actor) = sent_by {
        let subject = Subject::person(person.id);
        audit::record(&mut tx, actor, Action::PasswordResetSent, subject, "").await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The active person a valid reset link was made for.
pub async fn reset_holder(pool: &PgPool, token: &str, now: DateTime<Utc>) -> AppResult<Person> {
    people::active_link_holder(pool, token, Purpose::PasswordReset, now)
        .await
        .map_err(expired)
}

/// Sets the new password and uses up the link in one transaction; every other session of the
/// person ends. Returns the new session epoch.
pub async fn reset_password(
    pool: &PgPool,
    token: &str,
    person_id: Uuid,
    password: String,
    now: DateTime<Utc>,
) -> AppResult<i32> {
    let purpose = Purpose::PasswordReset;
    let epoch = people::set_password_with_link(pool, token, purpose, person_id, password, now)
        .await
        .map_err(expired)?;
    // A paused account recovers this way: earlier failures no longer slow it down.
    db::sign_in::record_password_reset(pool, person_id, now).await?;
    Ok(epoch)
}

/// A reset link that doesn't work has its own page (it says how to ask for a new one).
fn expired(err: AppError) -> AppError {
    match err {
        AppError::InvalidLink => AppError::ResetLinkExpired,
        other => other,
    }
}
