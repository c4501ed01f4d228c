//! People and their roles.

use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::DbResult;
use crate::domain::pagination::PageRequest;
use crate::domain::people::{NewPerson, Person, Roles};
use crate::domain::sso::ProfileUpdate;

#[derive(FromRow)]
pub(super) struct PersonRow {
    id: Uuid,
    email: String,
    display_name: String,
    department: String,
    office: String,
    time_zone: super::Text<chrono_tz::Tz>,
    is_organizer: bool,
    is_hr_admin: bool,
    active: bool,
    has_password: bool,
    session_epoch: i32,
}

impl From<PersonRow> for Person {
    fn from(row: PersonRow) -> Self {
        Person {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            department: row.department,
            office: row.office,
            time_zone: row.time_zone.0,
            roles: Roles {
                organizer: row.is_organizer,
                hr_admin: row.is_hr_admin,
            },
            active: row.active,
            has_password: row.has_password,
            session_epoch: row.session_epoch,
        }
    }
}

pub(super) const COLUMNS: &str = "id, email, display_name, department, office, time_zone, is_organizer, \
                       is_hr_admin, active, password_hash IS NOT NULL AS has_password, session_epoch";

#[instrument(skip_all)]
pub async fn insert(
    db: impl PgExecutor<'_>,
    person: &NewPerson,
    password_hash: Option<&str>,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO people (id, email, display_name, department, office, time_zone, \
         is_organizer, is_hr_admin, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(person.email.as_str())
    .bind(person.display_name.as_str())
    .bind(&person.department)
    .bind(&person.office)
    .bind(person.time_zone.name())
    .bind(person.roles.organizer)
    .bind(person.roles.hr_admin)
    .bind(password_hash)
    .execute(db)
    .await?;
    Ok(id)
}

/// Inserts a person unless the email is taken; `None` when it was.
#[instrument(skip_all)]
pub async fn insert_if_new(db: impl PgExecutor<'_>, person: &NewPerson) -> DbResult<Option<Uuid>> {
    let id: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO people (id, email, display_name, department, office, time_zone, \
         is_organizer, is_hr_admin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(Uuid::new_v4())
    .bind(person.email.as_str())
    .bind(person.display_name.as_str())
    .bind(&person.department)
    .bind(&person.office)
    .bind(person.time_zone.name())
    .bind(person.roles.organizer)
    .bind(person.roles.hr_admin)
    .fetch_optional(db)
    .await?;
    Ok(id)
}

#[instrument(skip_all)]
pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Person>> {
    let row: Option<PersonRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM people WHERE id = $1"))
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(Person::from))
}

/// The active people among these ids, in no particular order (whom to tell something:
/// someone deactivated hears nothing more).
#[instrument(skip_all)]
pub async fn find_active(db: impl PgExecutor<'_>, ids: &[Uuid]) -> DbResult<Vec<Person>> {
    let rows: Vec<PersonRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM people WHERE id = ANY($1) AND active"
    ))
    .bind(ids)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Person::from).collect())
}

/// Unread notifications counted at most (shown as "99+"), so the count costs the same however
/// many a person leaves unread.
pub const UNREAD_CAP: i64 = 100;

/// The person with this email and their password hash (if they have set one).
#[instrument(skip_all)]
pub async fn find_for_sign_in(
    db: impl PgExecutor<'_>,
    email: &str,
) -> DbResult<Option<(Person, Option<String>)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        person: PersonRow,
        password_hash: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, password_hash FROM people WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (Person::from(row.person), row.password_hash)))
}

#[instrument(skip_all)]
pub async fn password_hash(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<String>> {
    let hash: Option<Option<String>> =
        sqlx::query_scalar("SELECT password_hash FROM people WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(hash.flatten())
}

/// Sets a new password and ends every existing session; returns the new session epoch.
#[instrument(skip_all)]
pub async fn set_password(db: impl PgExecutor<'_>, id: Uuid, hash: &str) -> DbResult<i32> {
    let epoch: i32 = sqlx::query_scalar(
        "UPDATE people SET password_hash = $2, session_epoch = session_epoch + 1, \
         updated_at = now() WHERE id = $1 RETURNING session_epoch",
    )
    .bind(id)
    .bind(hash)
    .fetch_one(db)
    .await?;
    Ok(epoch)
}

/// Updates details and roles. Returns false when there is no such person.
#[instrument(skip_all)]
pub async fn update(db: impl PgExecutor<'_>, id: Uuid, person: &NewPerson) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE people SET email = $2, display_name = $3, department = $4, office = $5, \
         time_zone = $6, is_organizer = $7, is_hr_admin = $8, updated_at = now(), \
         email_changed_at = CASE WHEN email IS DISTINCT FROM $2 THEN now() \
                                 ELSE email_changed_at END \
         WHERE id = $1",
    )
    .bind(id)
    .bind(person.email.as_str())
    .bind(person.display_name.as_str())
    .bind(&person.department)
    .bind(&person.office)
    .bind(person.time_zone.name())
    .bind(person.roles.organizer)
    .bind(person.roles.hr_admin)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

#[instrument(skip_all)]
pub async fn set_time_zone(db: impl PgExecutor<'_>, id: Uuid, time_zone: &str) -> DbResult<()> {
    sqlx::query("UPDATE people SET time_zone = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(time_zone)
        .execute(db)
        .await?;
    Ok(())
}

/// Deactivates or reactivates a person. Deactivating also ends every session at once.
#[instrument(skip_all)]
pub async fn set_active(db: impl PgExecutor<'_>, id: Uuid, active: bool) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE people SET active = $2, \
         session_epoch = CASE WHEN $2 THEN session_epoch ELSE session_epoch + 1 END, \
         updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(active)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// How many active HR admins there are, not counting `except`.
#[instrument(skip_all)]
pub async fn count_other_active_hr_admins(db: impl PgExecutor<'_>, except: Uuid) -> DbResult<i64> {
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM people WHERE is_hr_admin AND active AND id <> $1")
            .bind(except)
            .fetch_one(db)
            .await?;
    Ok(count)
}

/// Whether any active HR admin can sign in (has a password).
#[instrument(skip_all)]
pub async fn hr_admin_exists(db: impl PgExecutor<'_>) -> DbResult<bool> {
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM people WHERE is_hr_admin AND active AND password_hash IS NOT NULL)",
    )
    .fetch_one(db)
    .await?;
    Ok(exists)
}

#[instrument(skip_all)]
pub async fn count(db: impl PgExecutor<'_>) -> DbResult<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM people")
        .fetch_one(db)
        .await?)
}

/// Headline numbers about people for the HR home page.
#[derive(Debug, Clone, Copy, Default)]
pub struct PeopleSummary {
    pub active: i64,
    pub invited: i64,
    pub inactive: i64,
}

/// From the counts kept by a trigger on `people` (`group_sizes`), not a count of everyone.
#[instrument(skip_all)]
pub async fn summary(db: impl PgExecutor<'_>) -> DbResult<PeopleSummary> {
    let (active, invited, inactive): (i64, i64, i64) = sqlx::query_as(
        "SELECT coalesce(sum(people) FILTER (WHERE name = 'active'), 0)::int8, \
                coalesce(sum(people) FILTER (WHERE name = 'invited'), 0)::int8, \
                coalesce(sum(people) FILTER (WHERE name = 'inactive'), 0)::int8 \
         FROM group_sizes WHERE grouping = 'status'",
    )
    .fetch_one(db)
    .await?;
    Ok(PeopleSummary {
        active,
        invited,
        inactive,
    })
}

/// Which people the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    Active,
    Invited,
    Inactive,
}

/// One page of people ordered by name, optionally filtered by a search over name and email.
#[instrument(skip_all)]
pub async fn list(
    db: impl PgExecutor<'_> + Copy,
    search: &str,
    status: StatusFilter,
    page: PageRequest,
) -> DbResult<(Vec<Person>, i64)> {
    let pattern = format!(
        "%{}%",
        search
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let status_sql = match status {
        StatusFilter::All => "TRUE",
        StatusFilter::Active => "active AND password_hash IS NOT NULL",
        StatusFilter::Invited => "active AND password_hash IS NULL",
        StatusFilter::Inactive => "NOT active",
    };
    let filter =
        format!("({status_sql}) AND ($1 = '%%' OR lower(display_name) LIKE $1 OR email LIKE $1)");
    // Without a search the total comes from the kept counts; a search counts its matches
    // (through the name's trigram index).
    let total: i64 = if search.trim().is_empty() {
        let names: &[&str] = match status {
            StatusFilter::All => &["active", "invited", "inactive"],
            StatusFilter::Active => &["active"],
            StatusFilter::Invited => &["invited"],
            StatusFilter::Inactive => &["inactive"],
        };
        sqlx::query_scalar(
            "SELECT coalesce(sum(people), 0)::int8 FROM group_sizes \
             WHERE grouping = 'status' AND name = ANY($1)",
        )
        .bind(names)
        .fetch_one(db)
        .await?
    } else {
        sqlx::query_scalar(&format!("SELECT count(*) FROM people WHERE {filter}"))
            .bind(&pattern)
            .fetch_one(db)
            .await?
    };
    let rows: Vec<PersonRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM people WHERE {filter} ORDER BY lower(display_name), id \
         LIMIT $2 OFFSET $3"
    ))
    .bind(&pattern)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Person::from).collect(), total))
}

/// Locks a person's row until the transaction ends, so per-person checks run one at a time.
///
/// `FOR NO KEY UPDATE`, not `FOR UPDATE`: it still makes two such checks for one person wait
/// for each other, but not for transactions that merely insert rows pointing at the person
/// (which take `FOR KEY SHARE`). The weekly digest queues a message for everyone in one
/// transaction; with `FOR UPDATE`, every quiz submission and nomination waited for it to
/// commit, and at 100,000 people ran out of connections (found by the bench).
#[instrument(skip_all)]
pub async fn lock(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<()> {
    sqlx::query("SELECT 1 FROM people WHERE id = $1 FOR NO KEY UPDATE")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Locks several people's rows until the transaction ends, always in the same order (by id), so
/// two transactions locking the same people wait for each other instead of deadlocking (the
/// same lock as [`lock`]).
#[instrument(skip_all)]
pub async fn lock_all(db: impl PgExecutor<'_>, ids: &[Uuid]) -> DbResult<()> {
    sqlx::query("SELECT 1 FROM people WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
        .bind(ids)
        .execute(db)
        .await?;
    Ok(())
}

/// The person linked to this subject at the identity provider (locked for the sign-in).
#[instrument(skip_all)]
pub async fn find_by_sso_subject(
    db: impl PgExecutor<'_>,
    subject: &str,
) -> DbResult<Option<Person>> {
    let row: Option<PersonRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM people WHERE sso_subject = $1 FOR UPDATE"
    ))
    .bind(subject)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Person::from))
}

/// The person with this email and the provider subject they are linked to, if any (locked).
#[instrument(skip_all)]
pub async fn find_by_email_for_sso(
    db: impl PgExecutor<'_>,
    email: &str,
) -> DbResult<Option<(Person, Option<String>)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        person: PersonRow,
        sso_subject: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, sso_subject FROM people WHERE email = $1 FOR UPDATE"
    ))
    .bind(email)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (Person::from(row.person), row.sso_subject)))
}

/// Links a person to their subject at the identity provider.
#[instrument(skip_all)]
pub async fn link_sso_subject(db: impl PgExecutor<'_>, id: Uuid, subject: &str) -> DbResult<()> {
    sqlx::query("UPDATE people SET sso_subject = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(subject)
        .execute(db)
        .await?;
    Ok(())
}

/// Department, office and time zone from the provider's claims (`None` keeps the stored one).
#[instrument(skip_all)]
pub async fn refresh_profile(
    db: impl PgExecutor<'_>,
    id: Uuid,
    update: &ProfileUpdate,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE people SET department = coalesce($2, department), office = coalesce($3, office), \
         time_zone = coalesce($4, time_zone), updated_at = now() WHERE id = $1 \
         AND (department, office, time_zone) IS DISTINCT FROM \
             (coalesce($2, department), coalesce($3, office), coalesce($4, time_zone))",
    )
    .bind(id)
    .bind(update.department.as_deref())
    .bind(update.office.as_deref())
    .bind(update.time_zone.map(|tz| tz.name()))
    .execute(db)
    .await?;
    Ok(())
}

/// When the person's email was last changed by HR, if ever.
pub async fn email_changed_at(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> DbResult<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(
        sqlx::query_scalar("SELECT email_changed_at FROM people WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?
            .flatten(),
    )
}
