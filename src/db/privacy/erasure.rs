//! What erasing an account changes beyond the person's own rows (which go with the person,
//! through the foreign keys' `ON DELETE CASCADE`). Called in one transaction by
//! `app::privacy::erase`.

use sqlx::PgConnection;
use tracing::instrument;
use uuid::Uuid;

use super::super::DbResult;

/// Locks the person's row for the erasure; false when there is no such person.
#[instrument(skip_all)]
pub async fn lock_person(conn: &mut PgConnection, person: Uuid) -> DbResult<bool> {
    Ok(
        sqlx::query_scalar::<_, Uuid>("SELECT id FROM people WHERE id = $1 FOR UPDATE")
            .bind(person)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

/// How many other active HR admins there are.
#[instrument(skip_all)]
pub async fn other_hr_admins(conn: &mut PgConnection, person: Uuid) -> DbResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM people WHERE is_hr_admin AND active AND id <> $1")
            .bind(person)
            .fetch_one(conn)
            .await?,
    )
}

/// The story nights where the person has a seat, in id order (the order events are locked
/// in, so two erasures can't deadlock).
#[instrument(skip_all)]
pub async fn events_going(conn: &mut PgConnection, person: Uuid) -> DbResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT event_id FROM event_rsvps WHERE person_id = $1 AND status = 'going' \
         ORDER BY event_id",
    )
    .bind(person)
    .fetch_all(conn)
    .await?)
}

/// Keeps the published recognitions the person gave, without them: "from a former colleague".
/// The rest (pending, declined, removed) go with the person.
#[instrument(skip_all)]
pub async fn keep_given_recognitions(conn: &mut PgConnection, person: Uuid) -> DbResult<u64> {
    sqlx::query(
        "UPDATE recognition_behaviour_links SET nominator_id = NULL WHERE nominator_id = $1",
    )
    .bind(person)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query(
        "UPDATE recognitions SET nominator_id = NULL, nominator_seen_at = NULL \
         WHERE nominator_id = $1 AND status = 'published'",
    )
    .bind(person)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Replaces `needle` (a name or email) by `replacement` wherever other people's rows quote
/// it: notifications and email about the person ("Ana recognised you"), stories, notes and
/// messages that mention them, and the audit record's details.
#[instrument(skip_all)]
pub async fn scrub_mentions(
    conn: &mut PgConnection,
    needles: &[String],
    replacement: &str,
) -> DbResult<()> {
    const COLUMNS: &[(&str, &str)] = &[
        ("notifications", "text"),
        ("outbox", "subject"),
        ("outbox", "text_body"),
        ("outbox", "html_body"),
        ("recognitions", "story"),
        ("recognitions", "rejection_reason"),
        ("event_pitches", "title"),
        ("event_pitches", "summary"),
        ("event_pitches", "organizer_message"),
        ("event_resonance_notes", "body"),
        ("audit_log", "details"),
    ];
    for needle in needles.iter().filter(|n| n.chars().count() >= 3) {
        for (table, column) in COLUMNS {
            sqlx::query(&format!(
                "UPDATE {table} SET {column} = replace({column}, $1, $2) \
                 WHERE strpos({column}, $1) > 0"
            ))
            .bind(needle)
            .bind(replacement)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Lets this transaction change the audit record (the append-only trigger in migration 0017
/// allows it only while `attune.retention` is on), until [`close_audit_log`].
#[instrument(skip_all)]
pub async fn open_audit_log(conn: &mut PgConnection) -> DbResult<()> {
    sqlx::query("SELECT set_config('attune.retention', 'on', true)")
        .execute(conn)
        .await?;
    Ok(())
}

#[instrument(skip_all)]
pub async fn close_audit_log(conn: &mut PgConnection) -> DbResult<()> {
    sqlx::query("SELECT set_config('attune.retention', '', true)")
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the person's id in the audit record by `reference` (so the entries still read
/// together, without saying whose they were) and forgets the addresses they acted from.
/// Needs [`open_audit_log`].
#[instrument(skip_all)]
pub async fn pseudonymise_audit_record(
    conn: &mut PgConnection,
    person: Uuid,
    reference: Uuid,
) -> DbResult<u64> {
    Ok(sqlx::query(
        "UPDATE audit_log SET \
           ip = CASE WHEN actor = $1 THEN NULL ELSE ip END, \
           actor = CASE WHEN actor = $1 THEN $2 ELSE actor END, \
           person = CASE WHEN person = $1 THEN $2 ELSE person END, \
           record_id = CASE WHEN record_id = $1::text THEN $2::text ELSE record_id END \
         WHERE actor = $1 OR person = $1",
    )
    .bind(person)
    .bind(reference)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Deletes the sign-in history and password reset requests kept under the person's email.
#[instrument(skip_all)]
pub async fn forget_email(conn: &mut PgConnection, email: &str) -> DbResult<()> {
    sqlx::query("DELETE FROM sign_in_attempts WHERE email = $1")
        .bind(email)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM password_reset_requests WHERE email = $1")
        .bind(email)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the person; everything that is theirs alone goes with them (ON DELETE CASCADE),
/// and what they created for others loses its link to them (ON DELETE SET NULL).
#[instrument(skip_all)]
pub async fn delete_person(conn: &mut PgConnection, person: Uuid) -> DbResult<()> {
    sqlx::query("DELETE FROM people WHERE id = $1")
        .bind(person)
        .execute(conn)
        .await?;
    Ok(())
}
