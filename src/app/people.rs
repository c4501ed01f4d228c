//! Use cases for people: adding and importing them with invitation links, the single-use links
//! that set a password (first admin, invitations), and setting passwords. Called by the web
//! handlers, the command line, start-up and tests alike.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::config::AppConfig;
use crate::db;
use crate::db::tokens::Purpose;
use crate::domain::people::{
    self as rules, ImportPlan, NewPerson, Person, RejectedRow, SETUP_LINK_HOURS,
};
use crate::error::{AppError, AppResult, OrNotFound};
use crate::secrets;

/// Someone imported from a CSV, with their invitation link.
#[derive(Debug, Clone)]
pub struct Imported {
    pub line: u64,
    pub name: String,
    pub email: String,
    pub link: String,
}

/// Stores a new single-use token (only its digest; older unused ones for the same person and
/// purpose stop working) and returns the link that carries it.
async fn issue_link(
    conn: &mut PgConnection,
    config: &AppConfig,
    purpose: Purpose,
    person_id: Option<Uuid>,
    expires: DateTime<Utc>,
) -> AppResult<String> {
    let token = secrets::new_token();
    db::tokens::issue(
        conn,
        &secrets::token_digest(&token),
        purpose,
        person_id,
        expires,
    )
    .await?;
    let path = match purpose {
        Purpose::Invitation => "invite",
        Purpose::FirstAdmin => "setup",
        Purpose::PasswordReset => "password/reset",
    };
    Ok(config.url_for(&format!("/{path}/{token}")))
}

/// A new invitation link for a person, inside the caller's transaction.
pub async fn invite(
    conn: &mut PgConnection,
    config: &AppConfig,
    person_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let expires = now + Duration::days(rules::INVITATION_DAYS);
    issue_link(conn, config, Purpose::Invitation, Some(person_id), expires).await
}

/// While no HR admin exists, a one-time link to create the first one.
pub async fn first_admin_link(
    pool: &PgPool,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<Option<String>> {
    if db::people::hr_admin_exists(pool).await? {
        return Ok(None);
    }
    let mut conn = pool.acquire().await?;
    let expires = now + Duration::hours(SETUP_LINK_HOURS);
    let link = issue_link(&mut conn, config, Purpose::FirstAdmin, None, expires).await?;
    Ok(Some(link))
}

/// Adds a person (without a password) and makes their invitation link, in one transaction.
/// An email already in Attune is an [`AppError::Taken`] for the `email` field.
pub async fn add(
    pool: &PgPool,
    config: &AppConfig,
    person: &NewPerson,
    now: DateTime<Utc>,
) -> AppResult<(Uuid, String)> {
    let mut tx = pool.begin().await?;
    let id = db::people::insert(&mut *tx, person, None).await?;
    let link = invite(&mut tx, config, id, now).await?;
    tx.commit().await?;
    Ok((id, link))
}

/// A new invitation link for someone who hasn't joined yet (older links stop working).
pub async fn reinvite(
    pool: &PgPool,
    config: &AppConfig,
    person: &Person,
    now: DateTime<Utc>,
) -> AppResult<String> {
    rules::may_invite(person).map_err(AppError::Conflict)?;
    let mut tx = pool.begin().await?;
    let link = invite(&mut tx, config, person.id, now).await?;
    tx.commit().await?;
    Ok(link)
}

/// Imports the accepted rows of a people CSV in one transaction: each new person gets an
/// invitation link; an email already in Attune is refused with its line.
pub async fn import(
    pool: &PgPool,
    config: &AppConfig,
    plan: ImportPlan,
    now: DateTime<Utc>,
) -> AppResult<(Vec<Imported>, Vec<RejectedRow>)> {
    let mut rejected = plan.rejected;
    let mut imported = Vec::new();
    let mut tx = pool.begin().await?;
    for (line, person) in plan.accepted {
        match db::people::insert_if_new(&mut *tx, &person).await? {
            Some(id) => imported.push(Imported {
                line,
                name: person.display_name.as_str().to_string(),
                email: person.email.as_str().to_string(),
                link: invite(&mut tx, config, id, now).await?,
            }),
            None => rejected.push(RejectedRow {
                line,
                reason: format!("{} is already in Attune.", person.email),
            }),
        }
    }
    tx.commit().await?;
    rejected.sort_by_key(|row| row.line);
    Ok((imported, rejected))
}

/// Deactivates someone (their sessions end at once); nobody deactivates themselves.
pub async fn deactivate(pool: &PgPool, viewer: &Person, person: &Person) -> AppResult<()> {
    rules::may_deactivate(viewer, person).map_err(|m| AppError::Conflict(m.into()))?;
    db::people::set_active(pool, person.id, false).await?;
    Ok(())
}

/// Whom a valid, unused link of this purpose was made for (`None` for the first-admin link);
/// an unknown, used or expired link is [`AppError::InvalidLink`].
pub async fn link_holder(
    pool: &PgPool,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> AppResult<Option<Uuid>> {
    let digest = secrets::token_digest(token);
    db::tokens::find_valid(pool, &digest, purpose, now)
        .await?
        .ok_or(AppError::InvalidLink)
}

/// The active person an invitation link was made for.
pub async fn invited_person(pool: &PgPool, token: &str, now: DateTime<Utc>) -> AppResult<Person> {
    let person_id = link_holder(pool, token, Purpose::Invitation, now)
        .await?
        .ok_or(AppError::InvalidLink)?;
    match db::people::find(pool, person_id).await? {
        Some(person) if person.active => Ok(person),
        _ => Err(AppError::InvalidLink),
    }
}

/// Uses up a link inside the caller's transaction; a link used meanwhile is
/// [`AppError::InvalidLink`].
async fn consume_link(
    conn: &mut PgConnection,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let digest = secrets::token_digest(token);
    if db::tokens::consume(conn, &digest, purpose, now).await? {
        Ok(())
    } else {
        Err(AppError::InvalidLink)
    }
}

/// Creates the first HR admin through the setup link (used up in the same transaction).
pub async fn create_first_admin(
    pool: &PgPool,
    token: &str,
    person: &NewPerson,
    password: String,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let hash = secrets::hash_password(password).await?;
    let mut tx = pool.begin().await?;
    consume_link(&mut tx, token, Purpose::FirstAdmin, now).await?;
    let id = db::people::insert(&mut *tx, person, Some(&hash)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Sets the invited person's first password and uses up the link; returns their session epoch.
pub async fn accept_invitation(
    pool: &PgPool,
    token: &str,
    person_id: Uuid,
    password: String,
    now: DateTime<Utc>,
) -> AppResult<i32> {
    let hash = secrets::hash_password(password).await?;
    let mut tx = pool.begin().await?;
    consume_link(&mut tx, token, Purpose::Invitation, now).await?;
    let epoch = db::people::set_password(&mut *tx, person_id, &hash).await?;
    tx.commit().await?;
    Ok(epoch)
}

/// Sets a new password (already checked against the policy); every session of the person ends.
/// Returns the new session epoch, so the caller can keep its own session.
pub async fn set_password(pool: &PgPool, person_id: Uuid, password: String) -> AppResult<i32> {
    let hash = secrets::hash_password(password).await?;
    Ok(db::people::set_password(pool, person_id, &hash).await?)
}

/// Adds a person who can sign in at once with this password (the command line).
pub async fn add_with_password(
    pool: &PgPool,
    person: &NewPerson,
    password: String,
) -> AppResult<Uuid> {
    let hash = secrets::hash_password(password).await?;
    Ok(db::people::insert(pool, person, Some(&hash)).await?)
}

/// A person by id, or 404.
pub async fn find(pool: &PgPool, id: Uuid) -> AppResult<Person> {
    db::people::find(pool, id).await?.or_404()
}
