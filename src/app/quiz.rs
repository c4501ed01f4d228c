//! Use cases for the quiz: submitting a complete set of answers.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::db;
use crate::domain::people::Person;
use crate::domain::quiz;
use crate::domain::teq::{self, Answers};
use crate::domain::time::local_date;
use crate::error::{AppError, AppResult};

/// A submission that was stored (or had been stored before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Submitted {
    pub attempt_id: Uuid,
    /// False when the same form (its submission key) had already been stored.
    pub created: bool,
}

/// Scores and stores an attempt, and clears the person's draft, in one transaction. The
/// person's row is locked so two submissions at once are checked one after the other. A
/// submission key already stored answers with the attempt it created; a new attempt before the
/// retake interval has passed is refused.
pub async fn submit(
    pool: &PgPool,
    person: &Person,
    answers: &Answers,
    submission_key: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Submitted> {
    let settings = db::settings::get(pool).await?;
    let mut tx = pool.begin().await?;
    db::people::lock(&mut *tx, person.id).await?;
    let latest = db::quiz::latest(&mut *tx, person.id).await?;
    let last_taken = latest.as_ref().map(|a| a.taken_at);
    let (attempt_id, created) = match quiz::may_take(last_taken, settings.retake_interval_days, now)
    {
        Ok(()) => {
            let score = teq::score(answers);
            db::quiz::insert_attempt(&mut tx, person.id, submission_key, answers, &score, now)
                .await?
        }
        // The same form sent twice: the attempt it created.
        Err(opens) => {
            match db::quiz::find_by_submission_key(&mut *tx, person.id, submission_key).await? {
                Some(id) => (id, false),
                None => {
                    return Err(AppError::Conflict(format!(
                        "You took the quiz recently. You can take it again from {}.",
                        local_date(opens, person.time_zone)
                    )));
                }
            }
        }
    };
    db::quiz::delete_draft(&mut *tx, person.id).await?;
    tx.commit().await?;
    Ok(Submitted {
        attempt_id,
        created,
    })
}
