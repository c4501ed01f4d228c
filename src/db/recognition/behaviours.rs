//! HR's behaviours list: reading, adding, renaming, reordering, retiring.

use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use crate::db::DbResult;
use crate::domain::recognition::Behaviour;

#[derive(FromRow)]
struct BehaviourRow {
    id: Uuid,
    label: String,
    position: i32,
    retired: bool,
}

impl From<BehaviourRow> for Behaviour {
    fn from(row: BehaviourRow) -> Self {
        Behaviour {
            id: row.id,
            label: row.label,
            position: row.position,
            retired: row.retired,
        }
    }
}

/// The behaviours list in HR's order (a short list HR curates), retired ones included.
#[instrument(skip_all)]
pub async fn behaviours(db: impl PgExecutor<'_>) -> DbResult<Vec<Behaviour>> {
    let rows: Vec<BehaviourRow> = sqlx::query_as(
        "SELECT id, label, position, retired FROM recognition_behaviours ORDER BY position",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Behaviour::from).collect())
}

#[instrument(skip_all)]
pub async fn find_behaviour(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Behaviour>> {
    let row: Option<BehaviourRow> = sqlx::query_as(
        "SELECT id, label, position, retired FROM recognition_behaviours WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Behaviour::from))
}

/// Serialises changes to the order of the behaviours list until the transaction ends, so two
/// HR admins adding or moving behaviours at the same moment never compute the same position.
/// Reading the list is not blocked (SHARE ROW EXCLUSIVE conflicts with itself and with
/// writes, not with plain SELECTs).
async fn lock_positions(conn: &mut PgConnection) -> DbResult<()> {
    sqlx::query("LOCK TABLE recognition_behaviours IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Adds a behaviour at the end of the list. Run inside a transaction: the position is
/// assigned under a lock held until commit.
#[instrument(skip_all)]
pub async fn insert_behaviour(conn: &mut PgConnection, label: &str) -> DbResult<Uuid> {
    lock_positions(conn).await?;
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO recognition_behaviours (id, label, position) \
         SELECT $1, $2, coalesce(max(position), 0) + 1 FROM recognition_behaviours",
    )
    .bind(id)
    .bind(label)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Renames a behaviour (the new wording shows on past recognitions too).
#[instrument(skip_all)]
pub async fn rename_behaviour(db: impl PgExecutor<'_>, id: Uuid, label: &str) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE recognition_behaviours SET label = $2, updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(label)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

#[instrument(skip_all)]
pub async fn set_behaviour_retired(
    db: impl PgExecutor<'_>,
    id: Uuid,
    retired: bool,
) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE recognition_behaviours SET retired = $2, updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(retired)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Swaps a behaviour with its neighbour above (`up`) or below. Returns false at either end.
/// Run inside a transaction: the position constraint is checked at commit, and the lock on
/// positions (held until then) keeps concurrent moves and additions from reading stale ones.
#[instrument(skip_all)]
pub async fn move_behaviour(conn: &mut PgConnection, id: Uuid, up: bool) -> DbResult<bool> {
    lock_positions(conn).await?;
    let neighbour_sql = if up {
        "SELECT n.id, n.position, b.position FROM recognition_behaviours b \
         JOIN recognition_behaviours n ON n.position < b.position WHERE b.id = $1 \
         ORDER BY n.position DESC LIMIT 1 FOR UPDATE"
    } else {
        "SELECT n.id, n.position, b.position FROM recognition_behaviours b \
         JOIN recognition_behaviours n ON n.position > b.position WHERE b.id = $1 \
         ORDER BY n.position LIMIT 1 FOR UPDATE"
    };
    let neighbour: Option<(Uuid, i32, i32)> = sqlx::query_as(neighbour_sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((other, other_position, own_position)) = neighbour else {
        return Ok(false);
    };
    sqlx::query(
        "UPDATE recognition_behaviours SET position = CASE id WHEN $1 THEN $4 ELSE $3 END, \
         updated_at = now() WHERE id IN ($1, $2)",
    )
    .bind(id)
    .bind(other)
    .bind(own_position)
    .bind(other_position)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}
