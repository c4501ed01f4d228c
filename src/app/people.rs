//! Use cases for people: adding and importing them with invitation links, the single-use links
//! that set a password (first admin, invitations), and setting passwords. Called by the web
//! handlers, the command line, start-up and tests alike.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Subject};
use super::mail::{self, Recipient};
use crate::config::AppConfig;
use crate::db;
use crate::db::tokens::Purpose;
use crate::domain::audit::Action;
use crate::domain::mail::MailKind;
use crate::domain::people::{
    self as rules, ImportPlan, NewPerson, Person, RejectedRow, Roles, SETUP_LINK_HOURS,
};
use crate::error::{AppError, AppResult, OrNotFound};
use crate::mail::compose;
use crate::secrets;

/// Someone imported from a CSV, with their invitation link.
#[derive(Debug, Clone)]
pub struct Imported {
    pub id: Uuid,
    pub line: u64,
    pub name: String,
    pub email: String,
    pub link: String,
}

/// Stores a new single-use token (only its digest; older unused ones for the same person and
/// purpose stop working) and returns the link that carries it.
pub(crate) async fn issue_link(
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

/// A new invitation link, emailed to the person when Attune can send mail, in the caller's
/// transaction. Returns the link and whether an email was queued.
async fn invite_by_email(
    conn: &mut PgConnection,
    config: &AppConfig,
    to: Recipient<'_>,
    name: &str,
    now: DateTime<Utc>,
) -> AppResult<(String, bool)> {
    let link = invite(conn, config, to.id, now).await?;
    if config.mail.is_none() {
        return Ok((link, false));
    }
    let first_name = name.split_whitespace().next().unwrap_or(name);
    let sso_only = db::settings::get_sso(&mut *conn).await?.sso_only;
    let content = match &config.oidc {
        Some(oidc) if sso_only => {
            compose::invitation_sso(first_name, &oidc.label, &config.url_for("/login"))
        }
        _ => compose::invitation(first_name, &link, rules::INVITATION_DAYS),
    };
    mail::queue(conn, config, to, MailKind::Invitation, &content, None).await?;
    Ok((link, true))
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

/// Someone added by HR, with their invitation link and whether it was emailed to them.
#[derive(Debug, Clone)]
pub struct Invited {
    pub id: Uuid,
    pub link: String,
    pub emailed: bool,
}

/// Adds a person (without a password) and makes their invitation link (emailed when Attune
/// can send mail), in one transaction. An email already in Attune is an
/// [`AppError::Taken`] for the `email` field.
pub async fn add(
    pool: &PgPool,
    config: &AppConfig,
    actor: Actor,
    person: &NewPerson,
    now: DateTime<Utc>,
) -> AppResult<Invited> {
    let mut tx = pool.begin().await?;
    let id = db::people::insert(&mut *tx, person, None).await?;
    let details = roles_in_words(person.roles);
    audit::record(
        &mut tx,
        actor,
        Action::PersonAdded,
        Subject::person(id),
        &details,
    )
    .await?;
    let to = Recipient {
        id,
        email: person.email.as_str(),
    };
    let name = person.display_name.as_str();
    let (link, emailed) = invite_by_email(&mut tx, config, to, name, now).await?;
    if emailed {
        audit::record(
            &mut tx,
            actor,
            Action::InvitationSent,
            Subject::person(id),
            "",
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Invited { id, link, emailed })
}

/// Emails new invitations to people imported from a CSV who haven't joined (their earlier
/// links stop working). Returns how many were sent.
pub async fn send_invitations(
    pool: &PgPool,
    config: &AppConfig,
    actor: Actor,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<usize> {
    if config.mail.is_none() {
        return Err(AppError::Conflict(MAIL_NOT_CONFIGURED.into()));
    }
    let mut tx = pool.begin().await?;
    let mut sent = 0;
    let mut invited = Vec::new();
    for &id in ids {
        let Some(person) = db::people::find(&mut *tx, id).await? else {
            continue;
        };
        if rules::may_invite(&person).is_ok() {
            invite_by_email(&mut tx, config, (&person).into(), &person.display_name, now).await?;
            invited.push(person.id);
            sent += 1;
        }
    }
    audit::record_for_people(&mut tx, actor, Action::InvitationSent, &invited, "").await?;
    tx.commit().await?;
    Ok(sent)
}

/// What HR reads when they ask for an email Attune can't send.
pub const MAIL_NOT_CONFIGURED: &str = "Attune can't send email yet: ask whoever runs it to set \
    ATTUNE_SMTP_URL. Until then, copy invitation links from each person's page.";

/// A new invitation link for someone who hasn't joined yet (older links stop working),
/// emailed to them when Attune can send mail.
pub async fn reinvite(
    pool: &PgPool,
    config: &AppConfig,
    actor: Actor,
    person: &Person,
    now: DateTime<Utc>,
) -> AppResult<Invited> {
    rules::may_invite(person).map_err(AppError::Conflict)?;
    let mut tx = pool.begin().await?;
    let name = &person.display_name;
    let (link, emailed) = invite_by_email(&mut tx, config, person.into(), name, now).await?;
    let details = if emailed {
        "by email"
    } else {
        "a new link to copy"
    };
    let subject = Subject::person(person.id);
    audit::record(&mut tx, actor, Action::InvitationSent, subject, details).await?;
    tx.commit().await?;
    Ok(Invited {
        id: person.id,
        link,
        emailed,
    })
}

/// Imports the accepted rows of a people CSV in one transaction: each new person gets an
/// invitation link; an email already in Attune is refused with its line.
pub async fn import(
    pool: &PgPool,
    config: &AppConfig,
    actor: Actor,
    plan: ImportPlan,
    now: DateTime<Utc>,
) -> AppResult<(Vec<Imported>, Vec<RejectedRow>)> {
    let mut rejected = plan.rejected;
    let mut imported = Vec::new();
    let mut tx = pool.begin().await?;
    for (line, person) in plan.accepted {
        match db::people::insert_if_new(&mut *tx, &person).await? {
            Some(id) => imported.push(Imported {
                id,
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
    let ids: Vec<Uuid> = imported.iter().map(|person| person.id).collect();
    audit::record_for_people(&mut tx, actor, Action::PersonImported, &ids, "CSV import").await?;
    tx.commit().await?;
    rejected.sort_by_key(|row| row.line);
    Ok((imported, rejected))
}

/// Deactivates someone (their sessions end at once); nobody deactivates themselves.
pub async fn deactivate(
    pool: &PgPool,
    actor: Actor,
    viewer: &Person,
    person: &Person,
) -> AppResult<()> {
    rules::may_deactivate(viewer, person).map_err(|m| AppError::Conflict(m.into()))?;
    let mut tx = pool.begin().await?;
    db::people::set_active(&mut *tx, person.id, false).await?;
    let subject = Subject::person(person.id);
    audit::record(&mut tx, actor, Action::PersonDeactivated, subject, "").await?;
    tx.commit().await?;
    Ok(())
}

/// Lets a deactivated person back in.
pub async fn reactivate(pool: &PgPool, actor: Actor, person: &Person) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    db::people::set_active(&mut *tx, person.id, true).await?;
    let subject = Subject::person(person.id);
    audit::record(&mut tx, actor, Action::PersonReactivated, subject, "").await?;
    tx.commit().await?;
    Ok(())
}

/// Roles in words, for the audit log.
fn roles_in_words(roles: Roles) -> String {
    match (roles.organizer, roles.hr_admin) {
        (false, false) => "employee",
        (true, false) => "employee, organizer",
        (false, true) => "employee, HR admin",
        (true, true) => "employee, organizer, HR admin",
    }
    .to_string()
}

/// "Finance, Leeds" (or "no department" / "no office").
fn place_in_words(department: &str, office: &str) -> String {
    let department = if department.is_empty() {
        "no department"
    } else {
        department
    };
    let office = if office.is_empty() {
        "no office"
    } else {
        office
    };
    format!("{department}, {office}")
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

/// The active person a valid link of this purpose was made for; anything else is
/// [`AppError::InvalidLink`].
pub(crate) async fn active_link_holder(
    pool: &PgPool,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> AppResult<Person> {
    let person_id = link_holder(pool, token, purpose, now)
        .await?
        .ok_or(AppError::InvalidLink)?;
    match db::people::find(pool, person_id).await? {
        Some(person) if person.active => Ok(person),
        _ => Err(AppError::InvalidLink),
    }
}

/// The active person an invitation link was made for.
pub async fn invited_person(pool: &PgPool, token: &str, now: DateTime<Utc>) -> AppResult<Person> {
    active_link_holder(pool, token, Purpose::Invitation, now).await
}

/// Uses up a link inside the caller's transaction; a link used meanwhile is
/// [`AppError::InvalidLink`].
pub(crate) async fn consume_link(
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

/// Sets a password with a link (an invitation or a reset) and uses the link up, in one
/// transaction; every session of the person ends. Returns their new session epoch.
pub(crate) async fn set_password_with_link(
    pool: &PgPool,
    token: &str,
    purpose: Purpose,
    person_id: Uuid,
    password: String,
    now: DateTime<Utc>,
) -> AppResult<i32> {
    let hash = secrets::hash_password(password).await?;
    let mut tx = pool.begin().await?;
    consume_link(&mut tx, token, purpose, now).await?;
    let epoch = db::people::set_password(&mut *tx, person_id, &hash).await?;
    tx.commit().await?;
    Ok(epoch)
}

/// Sets the invited person's first password and uses up the link; returns their session epoch.
/// The acceptance goes on the audit record with the address it came from (the person is the
/// actor), so accounts that HR opened itself show up beside HR's own sign-ins.
pub async fn accept_invitation(
    pool: &PgPool,
    token: &str,
    person_id: Uuid,
    password: String,
    ip: Option<std::net::IpAddr>,
    now: DateTime<Utc>,
) -> AppResult<i32> {
    let hash = secrets::hash_password(password).await?;
    let mut tx = pool.begin().await?;
    consume_link(&mut tx, token, Purpose::Invitation, now).await?;
    let epoch = db::people::set_password(&mut *tx, person_id, &hash).await?;
    let actor = Actor { id: person_id, ip };
    audit::record(
        &mut tx,
        actor,
        Action::InvitationAccepted,
        Subject::person(person_id),
        "",
    )
    .await?;
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

/// Saves HR's changes to a person. When the email changes for someone who has joined, their
/// previous address is told at once (and no password reset is sent for a while, see
/// `may_reset_password`). An email already in Attune is an [`AppError::Taken`].
pub async fn update(
    pool: &PgPool,
    config: &AppConfig,
    actor: Actor,
    person: &Person,
    changes: &NewPerson,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    db::people::update(&mut *tx, person.id, changes).await?;
    let subject = || Subject::person(person.id);
    let mut edited = Vec::new();
    if person.display_name != changes.display_name.as_str() {
        edited.push("name");
    }
    if person.email != changes.email.as_str() {
        edited.push("email");
    }
    if person.time_zone != changes.time_zone {
        edited.push("time zone");
    }
    if !edited.is_empty() {
        let details = format!("changed: {}", edited.join(", "));
        audit::record(&mut tx, actor, Action::PersonEdited, subject(), &details).await?;
    }
    if person.department != changes.department || person.office != changes.office {
        let details = format!(
            "from {} to {}",
            place_in_words(&person.department, &person.office),
            place_in_words(&changes.department, &changes.office)
        );
        audit::record(&mut tx, actor, Action::PersonMoved, subject(), &details).await?;
    }
    if person.roles != changes.roles {
        let details = format!(
            "from {} to {}",
            roles_in_words(person.roles),
            roles_in_words(changes.roles)
        );
        audit::record(&mut tx, actor, Action::RolesChanged, subject(), &details).await?;
    }
    if person.has_password && person.email != changes.email.as_str() {
        let content = compose::email_changed(person.first_name(), changes.email.as_str());
        let old_address = Recipient {
            id: person.id,
            email: &person.email,
        };
        mail::queue(
            &mut tx,
            config,
            old_address,
            MailKind::EmailChanged,
            &content,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
