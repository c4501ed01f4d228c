//! Single-use links: invitations and the first-admin setup link. Only digests are stored.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use tracing::instrument;
use uuid::Uuid;

use super::DbResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    FirstAdmin,
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::FirstAdmin => "first_admin",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

/// Stores a new token, replacing any unused one for the same purpose and person (so only the
/// newest link works).
#[instrument(skip_all)]
pub async fn issue(
    conn: &mut sqlx::PgConnection,
    digest: &[u8],
    purpose: Purpose,
    person_id: Option<Uuid>,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query(
        "DELETE FROM access_tokens WHERE purpose = $1 AND used_at IS NULL \
         AND person_id IS NOT DISTINCT FROM $2",
    )
    .bind(purpose.as_str())
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO access_tokens (token_hash, purpose, person_id, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(digest)
    .bind(purpose.as_str())
    .bind(person_id)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A valid (unused, unexpired) token: `Some(person_id)` (None for first-admin tokens).
#[instrument(skip_all)]
pub async fn find_valid(
    db: impl PgExecutor<'_>,
    digest: &[u8],
    purpose: Purpose,
    now: DateTime<Utc>,
) -> DbResult<Option<Option<Uuid>>> {
    let row: Option<Option<Uuid>> = sqlx::query_scalar(
        "SELECT person_id FROM access_tokens WHERE token_hash = $1 AND purpose = $2 \
         AND used_at IS NULL AND expires_at > $3",
    )
    .bind(digest)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// Marks a token used. Returns false when it was no longer valid (used by a concurrent
/// request, or expired), so every token works exactly once.
#[instrument(skip_all)]
pub async fn consume(
    db: impl PgExecutor<'_>,
    digest: &[u8],
    purpose: Purpose,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE access_tokens SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 \
         AND used_at IS NULL AND expires_at > $3",
    )
    .bind(digest)
    .bind(purpose.as_str())
    .bind(now)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// When the person's current invitation expires, if they have an unused one.
#[instrument(skip_all)]
pub async fn pending_invitation(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    now: DateTime<Utc>,
) -> DbResult<Option<DateTime<Utc>>> {
    Ok(sqlx::query_scalar(
        "SELECT max(expires_at) FROM access_tokens WHERE person_id = $1 \
         AND purpose = 'invitation' AND used_at IS NULL AND expires_at > $2",
    )
    .bind(person_id)
    .bind(now)
    .fetch_one(db)
    .await?)
}

/// Removes tokens that can no longer be used.
#[instrument(skip_all)]
pub async fn delete_stale(db: impl PgExecutor<'_>, now: DateTime<Utc>) -> DbResult<u64> {
    let result = sqlx::query(
        "DELETE FROM access_tokens WHERE expires_at < $1 - interval '30 days' \
         OR (used_at IS NOT NULL AND used_at < $1 - interval '30 days')",
    )
    .bind(now)
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}
