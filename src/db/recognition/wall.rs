//! The wall, a person's lists, what they have seen, and what people do on the wall.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{Listing, ON_WALL, RecognitionRow, SELECT, read_listing};
use crate::db::DbResult;
use crate::domain::pagination::{Keyset, PageRequest};
use crate::domain::recognition::{PreviousReport, Recognition};

/// Filters of the wall.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WallFilter {
    pub behaviour: Option<Uuid>,
    /// The recipient's department.
    pub department: Option<String>,
    /// The recipient's office.
    pub office: Option<String>,
}

/// One stretch of the wall (newest first, `per_page` posts and one more to tell whether
/// there are further ones): never counted, and read through the wall's partial index from the
/// cursor on, however long the wall is.
#[instrument(skip_all)]
pub async fn wall(
    db: impl PgExecutor<'_>,
    viewer: Uuid,
    filter: &WallFilter,
    keyset: Keyset,
    per_page: i64,
) -> DbResult<Vec<Recognition>> {
    let (cursor, order) = match keyset {
        Keyset::Newest => ("", "DESC"),
        Keyset::Older(_) => ("AND (r.created_at, r.id) < ($5, $6)", "DESC"),
        Keyset::Newer(_) => ("AND (r.created_at, r.id) > ($5, $6)", "ASC"),
    };
    let at = match keyset {
        Keyset::Older(c) | Keyset::Newer(c) => Some(c),
        Keyset::Newest => None,
    };
    // The page's posts are chosen first, then joined to names, behaviours and appreciations:
    // planned over the whole wall, those joins would size their caches for a million rows.
    let page = format!(
        "SELECT * FROM recognitions r WHERE {ON_WALL} \
         AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM recognition_behaviour_links l \
              WHERE l.recognition_id = r.id AND l.behaviour_id = $2)) \
         AND ($3::text IS NULL OR r.recipient_department = $3) \
         AND ($4::text IS NULL OR r.recipient_office = $4) {cursor} \
         ORDER BY r.created_at {order}, r.id {order} LIMIT $7"
    );
    let select = SELECT.replacen(
        "FROM recognitions r LEFT JOIN",
        &format!("FROM ({page}) r LEFT JOIN"),
        1,
    );
    let rows: Vec<RecognitionRow> = sqlx::query_as(&format!(
        "{select} ORDER BY r.created_at {order}, r.id {order}"
    ))
    .bind(viewer)
    .bind(filter.behaviour)
    .bind(&filter.department)
    .bind(&filter.office)
    .bind(at.map(|c| c.at))
    .bind(at.map(|c| c.id))
    .bind(per_page + 1)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Recognition::from).collect())
}

/// Departments and offices people are in now, for the wall's filters (from the group sizes
/// kept by a trigger, so no scan of people).
#[instrument(skip_all)]
pub async fn wall_places(db: impl PgExecutor<'_>) -> DbResult<(Vec<String>, Vec<String>)> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT grouping, name FROM group_sizes WHERE people > 0 AND name <> '' \
         ORDER BY grouping, name",
    )
    .fetch_all(db)
    .await?;
    let (departments, offices): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|(grouping, _)| grouping == "department");
    Ok((
        departments.into_iter().map(|(_, name)| name).collect(),
        offices.into_iter().map(|(_, name)| name).collect(),
    ))
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
    let listing = Listing {
        viewer,
        subject: person,
        condition: &condition,
        order: "r.created_at DESC, r.id DESC",
        limit: page.limit(),
        offset: page.offset(),
    };
    read_listing(db, listing).await
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
    let listing = Listing {
        viewer: person,
        subject: person,
        condition,
        order: "r.created_at DESC",
        limit,
        offset: 0,
    };
    read_listing(db, listing).await
}

/// What the home page tells a person about recognition, read in one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct HomeNews {
    /// Recognitions published for them that they haven't opened from home yet.
    pub unseen: i64,
    /// Their nominations HR declined or removed since they last looked.
    pub declined: i64,
    /// Whether they are one of this week's spotlight nominators.
    pub spotlight: bool,
}

/// The counts behind the home page's recognition notices (each through its own index), so
/// a home page with nothing new reads one row instead of running a query per notice.
#[instrument(skip_all)]
pub async fn home_news(
    db: impl PgExecutor<'_>,
    person: Uuid,
    week: chrono::NaiveDate,
) -> DbResult<HomeNews> {
    Ok(sqlx::query_as(
        "SELECT (SELECT count(*) FROM recognitions WHERE recipient_id = $1 \
                 AND status = 'published' AND recipient_seen_at IS NULL) AS unseen, \
                (SELECT count(*) FROM recognitions WHERE nominator_id = $1 \
                 AND status IN ('rejected', 'removed') AND nominator_seen_at IS NULL) AS declined, \
                EXISTS (SELECT 1 FROM spotlight_invitations \
                        WHERE person_id = $1 AND week_start = $2) AS spotlight",
    )
    .bind(person)
    .bind(week)
    .fetch_one(db)
    .await?)
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

/// How many recognitions went on the wall since `since` (for the weekly digest).
#[instrument(skip_all)]
pub async fn wall_posts_since(db: impl PgExecutor<'_>, since: DateTime<Utc>) -> DbResult<i64> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT count(*) FROM recognitions r WHERE {ON_WALL} AND r.created_at >= $1"
    ))
    .bind(since)
    .fetch_one(db)
    .await?)
}
