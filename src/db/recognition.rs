//! Recognitions, the behaviours list, appreciations, reports and spotlight rounds.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{DbError, DbResult};
use crate::domain::pagination::PageRequest;
use crate::domain::people::Person;
use crate::domain::recognition::{
    Behaviour, Candidate, DateRange, Nomination, PersonRef, PreviousReport, Recognition, Status,
    Visibility,
};

// ---------------------------------------------------------------------------------------
// Behaviours

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

/// The unique index on behaviour labels (case-insensitive): a `Conflict` naming it means
/// the label is already on the list.
pub const LABEL_TAKEN: &str = "recognition_behaviours_label_key";

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
/// assigned under a lock held until commit. A label already on the list is a `Conflict`
/// naming [`LABEL_TAKEN`].
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

// ---------------------------------------------------------------------------------------
// Nominating

/// When the nominator's nominations since `since` were made (for the weekly limit).
#[instrument(skip_all)]
pub async fn nomination_times(
    db: impl PgExecutor<'_>,
    nominator: Uuid,
    since: DateTime<Utc>,
) -> DbResult<Vec<DateTime<Utc>>> {
    Ok(sqlx::query_scalar(
        "SELECT created_at FROM recognitions WHERE nominator_id = $1 AND created_at > $2",
    )
    .bind(nominator)
    .bind(since)
    .fetch_all(db)
    .await?)
}

/// Labels of the given behaviours already used by this nominator for this recipient since
/// `since` (the 24-hour rule).
#[instrument(skip_all)]
pub async fn repeated_behaviours(
    db: impl PgExecutor<'_>,
    nominator: Uuid,
    recipient: Uuid,
    behaviour_ids: &[Uuid],
    since: DateTime<Utc>,
) -> DbResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT b.label FROM recognition_behaviours b WHERE b.id = ANY($4) AND EXISTS ( \
           SELECT 1 FROM recognition_behaviour_links l WHERE l.behaviour_id = b.id \
           AND l.nominator_id = $1 AND l.recipient_id = $2 AND l.created_at > $3) \
         ORDER BY b.position",
    )
    .bind(nominator)
    .bind(recipient)
    .bind(since)
    .bind(behaviour_ids)
    .fetch_all(db)
    .await?)
}

/// The recognition a nomination form created before, if it was sent twice.
#[instrument(skip_all)]
pub async fn find_by_submission_key(
    db: impl PgExecutor<'_>,
    nominator: Uuid,
    key: Uuid,
) -> DbResult<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM recognitions WHERE nominator_id = $1 AND submission_key = $2",
    )
    .bind(nominator)
    .bind(key)
    .fetch_optional(db)
    .await?)
}

/// Stores a nomination with its behaviours. The 24-hour exclusion constraint turns a repeat
/// that slipped past the checks into a `Conflict`.
#[instrument(skip_all)]
pub async fn insert(
    conn: &mut PgConnection,
    nominator: &Person,
    recipient: &Person,
    nomination: &Nomination,
    status: Status,
    submission_key: Uuid,
    now: DateTime<Utc>,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO recognitions (id, nominator_id, recipient_id, story, happened_on, \
         visibility, status, nominator_department, nominator_office, recipient_department, \
         recipient_office, submission_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id)
    .bind(nominator.id)
    .bind(recipient.id)
    .bind(&nomination.story)
    .bind(nomination.happened_on)
    .bind(nomination.visibility.as_str())
    .bind(status.as_str())
    .bind(&nominator.department)
    .bind(&nominator.office)
    .bind(&recipient.department)
    .bind(&recipient.office)
    .bind(submission_key)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO recognition_behaviour_links \
         (recognition_id, behaviour_id, nominator_id, recipient_id, created_at, window_ends_at) \
         SELECT $1, behaviour_id, $2, $3, $4, $4 + interval '24 hours' \
         FROM unnest($5::uuid[]) AS behaviour_id",
    )
    .bind(id)
    .bind(nominator.id)
    .bind(recipient.id)
    .bind(now)
    .bind(&nomination.behaviour_ids)
    .execute(&mut *conn)
    .await
    .map_err(exclusion_as_conflict)?;
    Ok(id)
}

/// The exclusion constraint of the 24-hour rule: a `Conflict` naming it means the same
/// nominator recognised the same person for one of the same behaviours within 24 hours.
pub const REPEAT_WINDOW: &str = "recognition_same_behaviour_24h";

/// An exclusion-constraint violation (SQLSTATE 23P01) is a conflict with existing data.
fn exclusion_as_conflict(err: sqlx::Error) -> DbError {
    match &err {
        sqlx::Error::Database(db_err) if db_err.code().as_deref() == Some("23P01") => {
            DbError::Conflict(db_err.constraint().unwrap_or_default().to_string())
        }
        _ => DbError::from(err),
    }
}

/// Active colleagues whose name contains the query, for choosing whom to recognise.
#[instrument(skip_all)]
pub async fn search_colleagues(
    db: impl PgExecutor<'_>,
    query: &str,
    exclude: Uuid,
    limit: i64,
) -> DbResult<Vec<PersonRef>> {
    let pattern = format!("%{}%", like_escape(&query.trim().to_lowercase()));
    let rows: Vec<(Uuid, String, String, String)> = sqlx::query_as(
        "SELECT id, display_name, department, office FROM people \
         WHERE active AND id <> $2 AND lower(display_name) LIKE $1 \
         ORDER BY lower(display_name), id LIMIT $3",
    )
    .bind(pattern)
    .bind(exclude)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(person_ref).collect())
}

fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn person_ref((id, name, department, office): (Uuid, String, String, String)) -> PersonRef {
    PersonRef {
        id,
        name,
        department,
        office,
    }
}

// ---------------------------------------------------------------------------------------
// Reading recognitions

#[derive(FromRow)]
struct RecognitionRow {
    id: Uuid,
    nominator_id: Uuid,
    nominator_name: String,
    nominator_department: String,
    nominator_office: String,
    recipient_id: Uuid,
    recipient_name: String,
    recipient_department: String,
    recipient_office: String,
    behaviours: Vec<String>,
    story: String,
    happened_on: NaiveDate,
    visibility: String,
    status: String,
    rejection_reason: Option<String>,
    hidden_by_recipient: bool,
    under_review: bool,
    cross_team: bool,
    created_at: DateTime<Utc>,
    appreciations: i64,
    appreciated: bool,
}

impl From<RecognitionRow> for Recognition {
    fn from(row: RecognitionRow) -> Self {
        Recognition {
            id: row.id,
            nominator: PersonRef {
                id: row.nominator_id,
                name: row.nominator_name,
                department: row.nominator_department,
                office: row.nominator_office,
            },
            recipient: PersonRef {
                id: row.recipient_id,
                name: row.recipient_name,
                department: row.recipient_department,
                office: row.recipient_office,
            },
            behaviours: row.behaviours,
            story: row.story,
            happened_on: row.happened_on,
            visibility: Visibility::from_db(&row.visibility),
            status: Status::from_db(&row.status),
            rejection_reason: row.rejection_reason,
            hidden_by_recipient: row.hidden_by_recipient,
            under_review: row.under_review,
            cross_team: row.cross_team,
            created_at: row.created_at,
            appreciations: row.appreciations,
            appreciated: row.appreciated,
        }
    }
}

/// Columns of a recognition as the pages show it. `$1` is the viewer (for "appreciated").
/// Behaviours and appreciation counts are per-row subqueries over indexed tables, run only
/// for the rows of one page.
const SELECT: &str = "SELECT r.id, r.nominator_id, n.display_name AS nominator_name, \
    r.nominator_department, r.nominator_office, r.recipient_id, \
    p.display_name AS recipient_name, r.recipient_department, r.recipient_office, \
    ARRAY(SELECT b.label FROM recognition_behaviour_links l \
          JOIN recognition_behaviours b ON b.id = l.behaviour_id \
          WHERE l.recognition_id = r.id ORDER BY b.position) AS behaviours, \
    r.story, r.happened_on, r.visibility, r.status, r.rejection_reason, \
    r.hidden_by_recipient, r.under_review, r.cross_team, r.created_at, \
    (SELECT count(*) FROM recognition_appreciations a WHERE a.recognition_id = r.id) AS appreciations, \
    EXISTS (SELECT 1 FROM recognition_appreciations a \
            WHERE a.recognition_id = r.id AND a.person_id = $1) AS appreciated \
    FROM recognitions r JOIN people n ON n.id = r.nominator_id JOIN people p ON p.id = r.recipient_id";

/// What puts a recognition on the wall (matches the partial wall indexes).
const ON_WALL: &str = "r.status = 'published' AND r.visibility = 'wall' \
    AND NOT r.hidden_by_recipient AND NOT r.under_review";

/// One recognition, as `viewer` would see it (whether they may is the caller's rule).
#[instrument(skip_all)]
pub async fn find(
    db: impl PgExecutor<'_>,
    viewer: Uuid,
    id: Uuid,
) -> DbResult<Option<Recognition>> {
    let row: Option<RecognitionRow> = sqlx::query_as(&format!("{SELECT} WHERE r.id = $2"))
        .bind(viewer)
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(Recognition::from))
}

/// Filters of the wall.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WallFilter {
    pub behaviour: Option<Uuid>,
    /// The recipient's department.
    pub department: Option<String>,
    /// The recipient's office.
    pub office: Option<String>,
}

/// One page of the wall, newest first, and how many posts match.
#[instrument(skip_all)]
pub async fn wall(
    db: impl PgExecutor<'_> + Copy,
    viewer: Uuid,
    filter: &WallFilter,
    page: PageRequest,
) -> DbResult<(Vec<Recognition>, i64)> {
    let conditions = format!(
        "{ON_WALL} \
         AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM recognition_behaviour_links l \
              WHERE l.recognition_id = r.id AND l.behaviour_id = $2)) \
         AND ($3::text IS NULL OR r.recipient_department = $3) \
         AND ($4::text IS NULL OR r.recipient_office = $4)"
    );
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM recognitions r WHERE $1::uuid IS NOT NULL AND {conditions}"
    ))
    .bind(viewer)
    .bind(filter.behaviour)
    .bind(&filter.department)
    .bind(&filter.office)
    .fetch_one(db)
    .await?;
    let rows: Vec<RecognitionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE {conditions} ORDER BY r.created_at DESC, r.id DESC LIMIT $5 OFFSET $6"
    ))
    .bind(viewer)
    .bind(filter.behaviour)
    .bind(&filter.department)
    .bind(&filter.office)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Recognition::from).collect(), total))
}

/// Departments and offices that appear on the wall, for the filters.
#[instrument(skip_all)]
pub async fn wall_places(db: impl PgExecutor<'_> + Copy) -> DbResult<(Vec<String>, Vec<String>)> {
    let departments: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT department FROM people WHERE active AND department <> '' ORDER BY 1",
    )
    .fetch_all(db)
    .await?;
    let offices: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT office FROM people WHERE active AND office <> '' ORDER BY 1",
    )
    .fetch_all(db)
    .await?;
    Ok((departments, offices))
}

/// Which list of a person's recognitions to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonList {
    /// Everything published for them, private included (their own page).
    Received,
    /// What they nominated, in every state.
    Given,
    /// What anyone can see on their profile: their recognitions on the wall.
    Profile,
}

/// One page of a person's recognitions, newest first, and the total.
#[instrument(skip_all)]
pub async fn for_person(
    db: impl PgExecutor<'_> + Copy,
    viewer: Uuid,
    person: Uuid,
    list: PersonList,
    page: PageRequest,
) -> DbResult<(Vec<Recognition>, i64)> {
    let condition = match list {
        PersonList::Received => "r.recipient_id = $2 AND r.status = 'published'".to_string(),
        PersonList::Given => "r.nominator_id = $2".to_string(),
        PersonList::Profile => format!("r.recipient_id = $2 AND {ON_WALL}"),
    };
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM recognitions r WHERE $1::uuid IS NOT NULL AND {condition}"
    ))
    .bind(viewer)
    .bind(person)
    .fetch_one(db)
    .await?;
    let rows: Vec<RecognitionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE {condition} ORDER BY r.created_at DESC, r.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(viewer)
    .bind(person)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Recognition::from).collect(), total))
}

/// Published recognitions the recipient hasn't seen yet (newest first) and how many.
#[instrument(skip_all)]
pub async fn unseen_received(
    db: impl PgExecutor<'_> + Copy,
    person: Uuid,
    limit: i64,
) -> DbResult<(Vec<Recognition>, i64)> {
    let condition =
        "r.recipient_id = $2 AND r.status = 'published' AND r.recipient_seen_at IS NULL";
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM recognitions r WHERE $1::uuid IS NOT NULL AND {condition}"
    ))
    .bind(person)
    .bind(person)
    .fetch_one(db)
    .await?;
    let rows: Vec<RecognitionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE {condition} ORDER BY r.created_at DESC LIMIT $3"
    ))
    .bind(person)
    .bind(person)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Recognition::from).collect(), total))
}

/// The recipient has seen every recognition published for them so far.
#[instrument(skip_all)]
pub async fn mark_received_seen(
    db: impl PgExecutor<'_>,
    person: Uuid,
    now: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE recognitions SET recipient_seen_at = $2 WHERE recipient_id = $1 \
         AND status = 'published' AND recipient_seen_at IS NULL",
    )
    .bind(person)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// How many of the nominator's nominations HR declined or removed since they last looked.
#[instrument(skip_all)]
pub async fn unseen_decisions(db: impl PgExecutor<'_>, person: Uuid) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM recognitions WHERE nominator_id = $1 \
         AND status IN ('rejected', 'removed') AND nominator_seen_at IS NULL",
    )
    .bind(person)
    .fetch_one(db)
    .await?)
}

#[instrument(skip_all)]
pub async fn mark_decisions_seen(
    db: impl PgExecutor<'_>,
    person: Uuid,
    now: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE recognitions SET nominator_seen_at = $2 WHERE nominator_id = $1 \
         AND status IN ('rejected', 'removed') AND nominator_seen_at IS NULL",
    )
    .bind(person)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Wall actions

/// Adds or removes the person's appreciation. Returns false when the post is not on the wall.
#[instrument(skip_all)]
pub async fn set_appreciation(
    db: impl PgExecutor<'_>,
    recognition: Uuid,
    person: Uuid,
    appreciate: bool,
) -> DbResult<()> {
    let sql = if appreciate {
        "INSERT INTO recognition_appreciations (recognition_id, person_id) VALUES ($1, $2) \
         ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM recognition_appreciations WHERE recognition_id = $1 AND person_id = $2"
    };
    sqlx::query(sql)
        .bind(recognition)
        .bind(person)
        .execute(db)
        .await?;
    Ok(())
}

/// What a report needs to know, read with the post's row locked until the transaction ends
/// (so a concurrent review or report waits): whether the post is on the wall, and this
/// person's earlier report of it, if any. `None` when there is no such post.
#[instrument(skip_all)]
pub async fn report_target(
    conn: &mut PgConnection,
    recognition: Uuid,
    reporter: Uuid,
) -> DbResult<Option<(bool, Option<PreviousReport>)>> {
    let row: Option<(bool, Option<bool>)> = sqlx::query_as(&format!(
        "SELECT {ON_WALL} AS on_wall, \
                (SELECT rr.resolved_at IS NOT NULL FROM recognition_reports rr \
                 WHERE rr.recognition_id = r.id AND rr.reporter_id = $2) AS reviewed \
         FROM recognitions r WHERE r.id = $1 FOR UPDATE OF r"
    ))
    .bind(recognition)
    .bind(reporter)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(on_wall, reviewed)| {
        let previous = reviewed.map(|reviewed| {
            if reviewed {
                PreviousReport::Reviewed
            } else {
                PreviousReport::Open
            }
        });
        (on_wall, previous)
    }))
}

/// This person's earlier report of a post, if any (to explain before they fill in the form).
#[instrument(skip_all)]
pub async fn previous_report(
    db: impl PgExecutor<'_>,
    recognition: Uuid,
    reporter: Uuid,
) -> DbResult<Option<PreviousReport>> {
    let reviewed: Option<bool> = sqlx::query_scalar(
        "SELECT resolved_at IS NOT NULL FROM recognition_reports \
         WHERE recognition_id = $1 AND reporter_id = $2",
    )
    .bind(recognition)
    .bind(reporter)
    .fetch_optional(db)
    .await?;
    Ok(reviewed.map(|reviewed| {
        if reviewed {
            PreviousReport::Reviewed
        } else {
            PreviousReport::Open
        }
    }))
}

/// Records a report and takes the post off the wall until HR reviews it. Only a report that
/// was actually recorded hides the post: when this person had reported it before (the
/// primary key allows one report per person and post), nothing changes and this returns
/// false. Whether they may report at all is [`crate::domain::recognition::may_report`].
#[instrument(skip_all)]
pub async fn report(
    conn: &mut PgConnection,
    recognition: Uuid,
    reporter: Uuid,
    reason: &str,
) -> DbResult<bool> {
    let inserted = sqlx::query(
        "INSERT INTO recognition_reports (recognition_id, reporter_id, reason) VALUES ($1, $2, $3) \
         ON CONFLICT (recognition_id, reporter_id) DO NOTHING",
    )
    .bind(recognition)
    .bind(reporter)
    .bind(reason)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        sqlx::query(
            "UPDATE recognitions SET under_review = true WHERE id = $1 AND status = 'published'",
        )
        .bind(recognition)
        .execute(&mut *conn)
        .await?;
    }
    Ok(inserted)
}

/// The recipient takes a public recognition off the wall, or puts it back.
#[instrument(skip_all)]
pub async fn set_hidden_by_recipient(
    db: impl PgExecutor<'_>,
    recognition: Uuid,
    recipient: Uuid,
    hidden: bool,
) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE recognitions SET hidden_by_recipient = $3 WHERE id = $1 AND recipient_id = $2",
    )
    .bind(recognition)
    .bind(recipient)
    .bind(hidden)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

// ---------------------------------------------------------------------------------------
// Moderation

/// One page of nominations waiting for approval, oldest first.
#[instrument(skip_all)]
pub async fn pending(
    db: impl PgExecutor<'_> + Copy,
    viewer: Uuid,
    page: PageRequest,
) -> DbResult<(Vec<Recognition>, i64)> {
    queue(db, viewer, "r.status = 'pending'", page).await
}

/// One page of reported posts waiting for review, oldest first.
#[instrument(skip_all)]
pub async fn reported(
    db: impl PgExecutor<'_> + Copy,
    viewer: Uuid,
    page: PageRequest,
) -> DbResult<(Vec<Recognition>, i64)> {
    queue(db, viewer, "r.under_review", page).await
}

async fn queue(
    db: impl PgExecutor<'_> + Copy,
    viewer: Uuid,
    condition: &str,
    page: PageRequest,
) -> DbResult<(Vec<Recognition>, i64)> {
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM recognitions r WHERE {condition}"
    ))
    .fetch_one(db)
    .await?;
    let rows: Vec<RecognitionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE {condition} ORDER BY r.created_at, r.id LIMIT $2 OFFSET $3"
    ))
    .bind(viewer)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Recognition::from).collect(), total))
}

/// How many nominations wait for approval and how many posts for review.
#[instrument(skip_all)]
pub async fn moderation_counts(db: impl PgExecutor<'_>) -> DbResult<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT count(*) FROM recognitions WHERE status = 'pending'), \
                (SELECT count(*) FROM recognitions WHERE under_review)",
    )
    .fetch_one(db)
    .await?)
}

/// A report of a post, for HR's review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub recognition_id: Uuid,
    pub reporter: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// The open reports of the given posts (one query for a page of posts).
#[instrument(skip_all)]
pub async fn open_reports(db: impl PgExecutor<'_>, recognitions: &[Uuid]) -> DbResult<Vec<Report>> {
    let rows: Vec<(Uuid, String, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT rr.recognition_id, p.display_name, rr.reason, rr.created_at \
         FROM recognition_reports rr JOIN people p ON p.id = rr.reporter_id \
         WHERE rr.recognition_id = ANY($1) AND rr.resolved_at IS NULL ORDER BY rr.created_at",
    )
    .bind(recognitions)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(recognition_id, reporter, reason, created_at)| Report {
            recognition_id,
            reporter,
            reason,
            created_at,
        })
        .collect())
}

/// Publishes a pending nomination. Returns false when it isn't pending (any more).
#[instrument(skip_all)]
pub async fn approve(
    db: impl PgExecutor<'_>,
    id: Uuid,
    reviewer: Uuid,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE recognitions SET status = 'published', reviewed_by = $2, reviewed_at = $3 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(reviewer)
    .bind(now)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Declines a pending nomination with a reason for the nominator.
#[instrument(skip_all)]
pub async fn reject(
    db: impl PgExecutor<'_>,
    id: Uuid,
    reviewer: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE recognitions SET status = 'rejected', rejection_reason = $4, reviewed_by = $2, \
         reviewed_at = $3 WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(reviewer)
    .bind(now)
    .bind(reason)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Ends the review of a reported post: back on the wall (`keep`) or removed for good.
/// Returns false when it was not under review.
#[instrument(skip_all)]
pub async fn resolve_review(
    conn: &mut PgConnection,
    id: Uuid,
    reviewer: Uuid,
    keep: bool,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let result = sqlx::query(
        "UPDATE recognitions SET under_review = false, reviewed_by = $2, reviewed_at = $3, \
         status = CASE WHEN $4 THEN status ELSE 'removed' END \
         WHERE id = $1 AND under_review",
    )
    .bind(id)
    .bind(reviewer)
    .bind(now)
    .bind(keep)
    .execute(&mut *conn)
    .await?;
    if result.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE recognition_reports SET resolved_at = $2 WHERE recognition_id = $1 AND resolved_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------
// HR figures and exports

/// Everything nominated in a date range (by when it was made), oldest first, for the export.
/// The range is at most a year (checked by `DateRange::parse`). Private recognitions come
/// with their text: HR's export must go through `to_hr_csv`, which leaves it out.
#[instrument(skip_all)]
pub async fn in_range(db: impl PgExecutor<'_>, range: DateRange) -> DbResult<Vec<Recognition>> {
    let (start, end) = range.instants();
    let rows: Vec<RecognitionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.created_at >= $2 AND r.created_at < $3 ORDER BY r.created_at, r.id"
    ))
    .bind(Uuid::nil())
    .bind(start)
    .bind(end)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Recognition::from).collect())
}

/// Every published recognition a person received, oldest first (their own export).
#[instrument(skip_all)]
pub async fn all_received(db: impl PgExecutor<'_>, person: Uuid) -> DbResult<Vec<Recognition>> {
    let rows: Vec<RecognitionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.recipient_id = $2 AND r.status = 'published' ORDER BY r.created_at, r.id"
    ))
    .bind(person)
    .bind(person)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Recognition::from).collect())
}

/// Recognition figures for one department or office.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct GroupFigures {
    pub name: String,
    /// Active people there now.
    pub people: i64,
    pub given: i64,
    pub received: i64,
    /// Received from someone in another department.
    pub cross_team: i64,
}

/// How recognitions are grouped in the fairness view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Department,
    Office,
}

/// Published recognitions given and received per department or office in a date range.
#[instrument(skip_all)]
pub async fn figures(
    db: impl PgExecutor<'_>,
    grouping: Grouping,
    range: DateRange,
) -> DbResult<Vec<GroupFigures>> {
    let (column, nominator, recipient) = match grouping {
        Grouping::Department => ("department", "nominator_department", "recipient_department"),
        Grouping::Office => ("office", "nominator_office", "recipient_office"),
    };
    let (start, end) = range.instants();
    Ok(sqlx::query_as(&format!(
        "WITH r AS (SELECT * FROM recognitions WHERE status = 'published' \
                    AND created_at >= $1 AND created_at < $2), \
              people_here AS (SELECT {column} AS name, count(*) AS people FROM people \
                              WHERE active GROUP BY 1), \
              given AS (SELECT {nominator} AS name, count(*) AS given FROM r GROUP BY 1), \
              received AS (SELECT {recipient} AS name, count(*) AS received, \
                           count(*) FILTER (WHERE cross_team) AS cross_team FROM r GROUP BY 1) \
         SELECT name, coalesce(people, 0) AS people, coalesce(given, 0) AS given, \
                coalesce(received, 0) AS received, coalesce(cross_team, 0) AS cross_team \
         FROM people_here FULL JOIN given USING (name) FULL JOIN received USING (name) \
         ORDER BY name = '', name"
    ))
    .bind(start)
    .bind(end)
    .fetch_all(db)
    .await?)
}

#[derive(FromRow)]
struct UnrecognisedRow {
    id: Uuid,
    display_name: String,
    department: String,
    office: String,
    last: Option<DateTime<Utc>>,
}

impl From<UnrecognisedRow> for Unrecognised {
    fn from(row: UnrecognisedRow) -> Self {
        Unrecognised {
            person: PersonRef {
                id: row.id,
                name: row.display_name,
                department: row.department,
                office: row.office,
            },
            last: row.last,
        }
    }
}

/// Someone not recognised lately, with when they last were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrecognised {
    pub person: PersonRef,
    pub last: Option<DateTime<Utc>>,
}

/// One page of active people with no published recognition received since `since`, those
/// recognised longest ago (or never) first.
#[instrument(skip_all)]
pub async fn unrecognised(
    db: impl PgExecutor<'_> + Copy,
    since: DateTime<Utc>,
    department: Option<&str>,
    page: PageRequest,
) -> DbResult<(Vec<Unrecognised>, i64)> {
    let from = "FROM people p LEFT JOIN LATERAL (SELECT max(created_at) AS last FROM recognitions r \
                WHERE r.recipient_id = p.id AND r.status = 'published') lr ON true \
                WHERE p.active AND (lr.last IS NULL OR lr.last < $1) \
                AND ($2::text IS NULL OR p.department = $2)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) {from}"))
        .bind(since)
        .bind(department)
        .fetch_one(db)
        .await?;
    let rows: Vec<UnrecognisedRow> = sqlx::query_as(&format!(
        "SELECT p.id, p.display_name, p.department, p.office, lr.last {from} \
         ORDER BY lr.last NULLS FIRST, lower(p.display_name), p.id LIMIT $3 OFFSET $4"
    ))
    .bind(since)
    .bind(department)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Unrecognised::from).collect(), total))
}

// ---------------------------------------------------------------------------------------
// Spotlight nominators

/// Whether this week's round has been run.
#[instrument(skip_all)]
pub async fn spotlight_round_exists(db: impl PgExecutor<'_>, week: NaiveDate) -> DbResult<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM spotlight_rounds WHERE week_start = $1)")
            .bind(week)
            .fetch_one(db)
            .await?,
    )
}

/// Claims the week's round. Returns false when another request (or replica) already has it;
/// a concurrent claim waits for the first transaction and then finds the round taken.
#[instrument(skip_all)]
pub async fn claim_spotlight_round(
    conn: &mut PgConnection,
    week: NaiveDate,
    per_department: i32,
) -> DbResult<bool> {
    let claimed = sqlx::query(
        "INSERT INTO spotlight_rounds (week_start, per_department) VALUES ($1, $2) \
         ON CONFLICT (week_start) DO NOTHING",
    )
    .bind(week)
    .bind(per_department)
    .execute(&mut *conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Everyone who can be invited (active and signed up), by department, with the week they
/// were last invited. Read once a week, when the round is run.
#[instrument(skip_all)]
pub async fn spotlight_candidates(conn: &mut PgConnection) -> DbResult<Vec<(String, Candidate)>> {
    let rows: Vec<(String, Uuid, Option<NaiveDate>, i64)> = sqlx::query_as(
        "SELECT p.department, p.id, s.last_invited, coalesce(s.invitations, 0) \
         FROM people p LEFT JOIN LATERAL (SELECT max(week_start) AS last_invited, \
                                                 count(*) AS invitations \
                                          FROM spotlight_invitations WHERE person_id = p.id) s ON true \
         WHERE p.active AND p.password_hash IS NOT NULL ORDER BY p.department",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(department, id, last_invited, invitations)| {
            (
                department,
                Candidate {
                    id,
                    last_invited,
                    invitations,
                },
            )
        })
        .collect())
}

#[instrument(skip_all)]
pub async fn insert_spotlight_invitations(
    conn: &mut PgConnection,
    week: NaiveDate,
    invited: &[(String, Uuid)],
) -> DbResult<()> {
    let (departments, people): (Vec<String>, Vec<Uuid>) = invited.iter().cloned().unzip();
    sqlx::query(
        "INSERT INTO spotlight_invitations (week_start, department, person_id) \
         SELECT $1, d, p FROM unnest($2::text[], $3::uuid[]) AS t(d, p) \
         ON CONFLICT DO NOTHING",
    )
    .bind(week)
    .bind(departments)
    .bind(people)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the person is a spotlight nominator this week.
#[instrument(skip_all)]
pub async fn is_spotlight_nominator(
    db: impl PgExecutor<'_>,
    person: Uuid,
    week: NaiveDate,
) -> DbResult<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM spotlight_invitations WHERE person_id = $1 AND week_start = $2)",
    )
    .bind(person)
    .bind(week)
    .fetch_one(db)
    .await?)
}

/// Colleagues in a department recognised least recently (never first), for the spotlight
/// prompt.
#[instrument(skip_all)]
pub async fn least_recently_recognised(
    db: impl PgExecutor<'_>,
    department: &str,
    exclude: Uuid,
    limit: i64,
) -> DbResult<Vec<Unrecognised>> {
    let rows: Vec<UnrecognisedRow> = sqlx::query_as(
        "SELECT p.id, p.display_name, p.department, p.office, lr.last FROM people p \
         LEFT JOIN LATERAL (SELECT max(created_at) AS last FROM recognitions r \
                            WHERE r.recipient_id = p.id AND r.status = 'published') lr ON true \
         WHERE p.active AND p.department = $1 AND p.id <> $2 \
         ORDER BY lr.last NULLS FIRST, lower(p.display_name), p.id LIMIT $3",
    )
    .bind(department)
    .bind(exclude)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Unrecognised::from).collect())
}

/// A past or current spotlight invitation, for HR's overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpotlightInvitation {
    pub week_start: NaiveDate,
    pub department: String,
    pub name: String,
}

/// Invitations of the rounds since `since`, newest week first.
#[instrument(skip_all)]
pub async fn spotlight_history(
    db: impl PgExecutor<'_>,
    since: NaiveDate,
) -> DbResult<Vec<SpotlightInvitation>> {
    let rows: Vec<(NaiveDate, String, String)> = sqlx::query_as(
        "SELECT s.week_start, s.department, p.display_name FROM spotlight_invitations s \
         JOIN people p ON p.id = s.person_id WHERE s.week_start >= $1 \
         ORDER BY s.week_start DESC, s.department = '', s.department, lower(p.display_name)",
    )
    .bind(since)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(week_start, department, name)| SpotlightInvitation {
            week_start,
            department,
            name,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------
// Demo data only: states a sample company reaches over months, set directly.

/// Marks a recognition seen by its recipient when it was made, if it was made before `before`.
#[instrument(skip_all)]
pub async fn mark_seen_if_older(
    db: impl PgExecutor<'_>,
    id: Uuid,
    before: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE recognitions SET recipient_seen_at = created_at WHERE id = $1 AND created_at < $2",
    )
    .bind(id)
    .bind(before)
    .execute(db)
    .await?;
    Ok(())
}

/// Records that HR declined a recognition an hour after it was made.
#[instrument(skip_all)]
pub async fn mark_declined(
    db: impl PgExecutor<'_>,
    id: Uuid,
    reviewer: Uuid,
    reason: &str,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE recognitions SET status = 'rejected', reviewed_by = $2, \
         reviewed_at = created_at + interval '1 hour', rejection_reason = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(reviewer)
    .bind(reason)
    .execute(db)
    .await?;
    Ok(())
}

/// The recipient took a recognition off the wall.
#[instrument(skip_all)]
pub async fn mark_hidden_by_recipient(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<()> {
    sqlx::query("UPDATE recognitions SET hidden_by_recipient = true WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
