//! Recognitions, the behaviours list, appreciations, reports and spotlight rounds.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{DbResult, Text};
use crate::domain::recognition::{PersonRef, Recognition, Status, Visibility};

mod behaviours;
mod demo;
mod fairness;
mod moderation;
mod nominations;
mod spotlight;
mod wall;

pub use behaviours::*;
pub use demo::*;
pub use fairness::*;
pub use moderation::*;
pub use nominations::*;
pub use spotlight::*;
pub use wall::*;

#[derive(FromRow)]
pub(super) struct RecognitionRow {
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
    visibility: Text<Visibility>,
    status: Text<Status>,
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
            visibility: row.visibility.0,
            status: row.status.0,
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
/// for the rows of one page. A recognition whose nominator's account was erased (and kept, per
/// HR's setting) has no nominator: it reads "A former colleague", with the nil id.
pub(super) const SELECT: &str = "SELECT r.id, \
    coalesce(r.nominator_id, '00000000-0000-0000-0000-000000000000') AS nominator_id, \
    coalesce(n.display_name, 'A former colleague') AS nominator_name, \
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
    FROM recognitions r LEFT JOIN people n ON n.id = r.nominator_id JOIN people p ON p.id = r.recipient_id";

/// What puts a recognition on the wall (matches the partial wall indexes).
pub(super) const ON_WALL: &str = "r.status = 'published' AND r.visibility = 'wall' \
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

pub(super) fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

pub(super) fn person_ref(
    (id, name, department, office): (Uuid, String, String, String),
) -> PersonRef {
    PersonRef {
        id,
        name,
        department,
        office,
    }
}

/// Which rows of a list to read, newest or oldest first: `condition` may use `$1` (the
/// viewer) and `$2` (the person the list is about).
pub(super) struct Listing<'a> {
    pub viewer: Uuid,
    pub subject: Uuid,
    pub condition: &'a str,
    pub order: &'a str,
    pub limit: i64,
    pub offset: i64,
}

/// The rows of a listing and how many match in all.
pub(super) async fn read_listing(
    db: impl PgExecutor<'_> + Copy,
    listing: Listing<'_>,
) -> DbResult<(Vec<Recognition>, i64)> {
    let Listing {
        viewer,
        subject,
        condition,
        order,
        limit,
        offset,
    } = listing;
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM recognitions r \
         WHERE $1::uuid IS NOT NULL AND $2::uuid IS NOT NULL AND {condition}"
    ))
    .bind(viewer)
    .bind(subject)
    .fetch_one(db)
    .await?;
    let rows: Vec<RecognitionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE $2::uuid IS NOT NULL AND {condition} \
         ORDER BY {order} LIMIT $3 OFFSET $4"
    ))
    .bind(viewer)
    .bind(subject)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Recognition::from).collect(), total))
}
