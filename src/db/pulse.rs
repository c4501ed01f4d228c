//! Pulse checks: pulses, their rounds, who answered (`pulse_answered`) and what was answered
//! (`pulse_answers`), kept apart (see migrations/0021_pulse.sql), and each closed round's
//! figures (`pulse_results`), which are all the result pages read.

use chrono::NaiveDate;
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use super::{DbResult, Text};
use crate::domain::pulse::{Answer, Audience, GroupResult, PulseInput, Repeats};

/// A pulse as stored.
#[derive(Debug, Clone)]
pub struct Pulse {
    pub id: Uuid,
    pub title: String,
    pub statements: Vec<String>,
    pub comment_question: String,
    pub audience: Audience,
    pub repeats: Repeats,
    pub first_opens_on: NaiveDate,
    pub first_closes_on: NaiveDate,
    pub results_public: bool,
    pub stopped: bool,
}

#[derive(FromRow)]
struct PulseRow {
    id: Uuid,
    title: String,
    statements: Vec<String>,
    comment_question: String,
    audience: String,
    audience_groups: Vec<String>,
    repeats: Text<Repeats>,
    first_opens_on: NaiveDate,
    first_closes_on: NaiveDate,
    results_public: bool,
    stopped: bool,
}

impl From<PulseRow> for Pulse {
    fn from(row: PulseRow) -> Self {
        Pulse {
            id: row.id,
            title: row.title,
            statements: row.statements,
            comment_question: row.comment_question,
            audience: Audience::from_parts(&row.audience, row.audience_groups),
            repeats: row.repeats.0,
            first_opens_on: row.first_opens_on,
            first_closes_on: row.first_closes_on,
            results_public: row.results_public,
            stopped: row.stopped,
        }
    }
}

const PULSE_COLUMNS: &str = "p.id, p.title, p.statements, p.comment_question, p.audience, \
     p.audience_groups, p.repeats, p.first_opens_on, p.first_closes_on, p.results_public, \
     p.stopped";

/// A round as stored.
#[derive(Debug, Clone, FromRow)]
pub struct Round {
    pub id: Uuid,
    pub pulse_id: Uuid,
    pub number: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub open: bool,
    pub invited: i32,
}

const ROUND_COLUMNS: &str =
    "r.id, r.pulse_id, r.number, r.opens_on, r.closes_on, r.open, r.invited";

#[instrument(skip_all)]
pub async fn insert(db: impl PgExecutor<'_>, input: &PulseInput) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO pulses (id, title, statements, comment_question, audience, \
         audience_groups, repeats, first_opens_on, first_closes_on, results_public) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(&input.title)
    .bind(&input.statements)
    .bind(&input.comment_question)
    .bind(input.audience.kind())
    .bind(input.audience.groups())
    .bind(input.repeats.as_str())
    .bind(input.first_opens_on)
    .bind(input.first_closes_on)
    .bind(input.results_public)
    .execute(db)
    .await?;
    Ok(id)
}

#[instrument(skip_all)]
pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Pulse>> {
    let row: Option<PulseRow> = sqlx::query_as(&format!(
        "SELECT {PULSE_COLUMNS} FROM pulses p WHERE p.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Pulse::from))
}

/// Pulses listed on HR's page at most (newest first).
pub const LIST_LIMIT: i64 = 50;

/// The newest pulses, each with its latest round.
#[instrument(skip_all)]
pub async fn list(db: impl PgExecutor<'_>) -> DbResult<Vec<(Pulse, Option<Round>)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        pulse: PulseRow,
        round_id: Option<Uuid>,
        number: Option<i32>,
        opens_on: Option<NaiveDate>,
        closes_on: Option<NaiveDate>,
        open: Option<bool>,
        invited: Option<i32>,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {PULSE_COLUMNS}, r.id AS round_id, r.number, r.opens_on, r.closes_on, r.open, \
                r.invited \
         FROM (SELECT * FROM pulses ORDER BY created_at DESC, id LIMIT $1) p \
         LEFT JOIN LATERAL (SELECT * FROM pulse_rounds WHERE pulse_id = p.id \
                            ORDER BY number DESC LIMIT 1) r ON true \
         ORDER BY p.created_at DESC, p.id"
    ))
    .bind(LIST_LIMIT)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let pulse = Pulse::from(row.pulse);
            let round = match (
                row.round_id,
                row.number,
                row.opens_on,
                row.closes_on,
                row.open,
            ) {
                (Some(id), Some(number), Some(opens_on), Some(closes_on), Some(open)) => {
                    Some(Round {
                        id,
                        pulse_id: pulse.id,
                        number,
                        opens_on,
                        closes_on,
                        open,
                        invited: row.invited.unwrap_or_default(),
                    })
                }
                _ => None,
            };
            (pulse, round)
        })
        .collect())
}

/// Pulses that may still open rounds.
#[instrument(skip_all)]
pub async fn running(db: impl PgExecutor<'_>, today: NaiveDate) -> DbResult<Vec<Pulse>> {
    let rows: Vec<PulseRow> = sqlx::query_as(&format!(
        "SELECT {PULSE_COLUMNS} FROM pulses p WHERE NOT p.stopped AND p.first_opens_on <= $1"
    ))
    .bind(today)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Pulse::from).collect())
}

#[instrument(skip_all)]
pub async fn stop(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<bool> {
    let done = sqlx::query("UPDATE pulses SET stopped = true WHERE id = $1 AND NOT stopped")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Every round of a pulse, first to last.
#[instrument(skip_all)]
pub async fn rounds(db: impl PgExecutor<'_>, pulse_id: Uuid) -> DbResult<Vec<Round>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ROUND_COLUMNS} FROM pulse_rounds r WHERE r.pulse_id = $1 ORDER BY r.number"
    ))
    .bind(pulse_id)
    .fetch_all(db)
    .await?)
}

#[instrument(skip_all)]
pub async fn round_with_pulse(
    db: impl PgExecutor<'_>,
    round_id: Uuid,
) -> DbResult<Option<(Round, Pulse)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        pulse: PulseRow,
        round_id: Uuid,
        number: i32,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
        open: bool,
        invited: i32,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {PULSE_COLUMNS}, r.id AS round_id, r.number, r.opens_on, r.closes_on, r.open, \
                r.invited \
         FROM pulse_rounds r JOIN pulses p ON p.id = r.pulse_id WHERE r.id = $1"
    ))
    .bind(round_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| {
        let pulse = Pulse::from(row.pulse);
        let round = Round {
            id: row.round_id,
            pulse_id: pulse.id,
            number: row.number,
            opens_on: row.opens_on,
            closes_on: row.closes_on,
            open: row.open,
            invited: row.invited,
        };
        (round, pulse)
    }))
}

/// Opens round `number` unless it exists (several replicas open it once); its id when this
/// call opened it.
#[instrument(skip_all)]
pub async fn open_round(
    conn: &mut PgConnection,
    pulse_id: Uuid,
    number: i32,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
) -> DbResult<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO pulse_rounds (id, pulse_id, number, opens_on, closes_on) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (pulse_id, number) DO NOTHING RETURNING id",
    )
    .bind(Uuid::new_v4())
    .bind(pulse_id)
    .bind(number)
    .bind(opens_on)
    .bind(closes_on)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The active people a pulse asks.
#[instrument(skip_all)]
pub async fn audience(db: impl PgExecutor<'_>, audience: &Audience) -> DbResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM people WHERE active AND ($1 = 'everyone' \
           OR ($1 = 'departments' AND department = ANY($2)) \
           OR ($1 = 'offices' AND office = ANY($2)))",
    )
    .bind(audience.kind())
    .bind(audience.groups())
    .fetch_all(db)
    .await?)
}

#[instrument(skip_all)]
pub async fn set_invited(db: impl PgExecutor<'_>, round_id: Uuid, invited: i64) -> DbResult<()> {
    sqlx::query("UPDATE pulse_rounds SET invited = $2 WHERE id = $1")
        .bind(round_id)
        .bind(i32::try_from(invited).unwrap_or(i32::MAX))
        .execute(db)
        .await?;
    Ok(())
}

/// A round open for a person, as their home page shows it.
#[derive(Debug, Clone, FromRow)]
pub struct OpenRound {
    pub round_id: Uuid,
    pub title: String,
    pub statements: Vec<String>,
    pub comment_question: String,
    pub closes_on: NaiveDate,
    pub answered: bool,
}

/// The rounds open on `today` that ask a person with this department and office.
#[instrument(skip_all)]
pub async fn open_for(
    db: impl PgExecutor<'_>,
    person_id: Uuid,
    department: &str,
    office: &str,
    today: NaiveDate,
) -> DbResult<Vec<OpenRound>> {
    Ok(sqlx::query_as(
        "SELECT r.id AS round_id, p.title, p.statements, p.comment_question, r.closes_on, \
                (a.person_id IS NOT NULL) AS answered \
         FROM pulse_rounds r JOIN pulses p ON p.id = r.pulse_id \
         LEFT JOIN pulse_answered a ON a.round_id = r.id AND a.person_id = $1 \
         WHERE r.open AND r.closes_on >= $4 AND r.opens_on <= $4 \
           AND (p.audience = 'everyone' \
                OR (p.audience = 'departments' AND $2 = ANY(p.audience_groups)) \
                OR (p.audience = 'offices' AND $3 = ANY(p.audience_groups))) \
         ORDER BY r.closes_on, r.id",
    )
    .bind(person_id)
    .bind(department)
    .bind(office)
    .bind(today)
    .fetch_all(db)
    .await?)
}

#[instrument(skip_all)]
pub async fn has_answered(
    db: impl PgExecutor<'_>,
    round_id: Uuid,
    person_id: Uuid,
) -> DbResult<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pulse_answered WHERE round_id = $1 AND person_id = $2)",
    )
    .bind(round_id)
    .bind(person_id)
    .fetch_one(db)
    .await?)
}

/// The answer stored under a keyed hash (while the round is open).
#[instrument(skip_all)]
pub async fn find_answer(
    db: impl PgExecutor<'_>,
    round_id: Uuid,
    answer_key: &[u8],
) -> DbResult<Option<Answer>> {
    let row: Option<(Vec<i16>, String)> = sqlx::query_as(
        "SELECT scores, comment FROM pulse_answers WHERE round_id = $1 AND answer_key = $2",
    )
    .bind(round_id)
    .bind(answer_key)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(scores, comment)| Answer { scores, comment }))
}

/// Whether the round is open, holding it so until the transaction ends.
#[instrument(skip_all)]
pub async fn lock_open(conn: &mut PgConnection, round_id: Uuid) -> DbResult<bool> {
    let open: Option<bool> =
        sqlx::query_scalar("SELECT open FROM pulse_rounds WHERE id = $1 FOR SHARE")
            .bind(round_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(open == Some(true))
}

/// Records that a person answered (no time, no link to the answer); whether it is new.
#[instrument(skip_all)]
pub async fn mark_answered(
    conn: &mut PgConnection,
    round_id: Uuid,
    person_id: Uuid,
) -> DbResult<bool> {
    let done = sqlx::query(
        "INSERT INTO pulse_answered (round_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(round_id)
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Stores or replaces the answer under its keyed hash.
#[instrument(skip_all)]
pub async fn save_answer(
    conn: &mut PgConnection,
    round_id: Uuid,
    answer_key: &[u8],
    answer: &Answer,
    department: Option<&str>,
    office: Option<&str>,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO pulse_answers (id, round_id, answer_key, scores, comment, department, office) \
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6) \
         ON CONFLICT (round_id, answer_key) DO UPDATE SET scores = excluded.scores, \
             comment = excluded.comment, department = excluded.department, \
             office = excluded.office",
    )
    .bind(round_id)
    .bind(answer_key)
    .bind(&answer.scores)
    .bind(&answer.comment)
    .bind(department)
    .bind(office)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether `person` had been in their department, and in their office, for the four weeks
/// their answers need to count there
/// ([`GROUP_TENURE_DAYS`](crate::domain::quiz::GROUP_TENURE_DAYS)) at `now`.
#[instrument(skip_all)]
pub async fn settled_in_groups(
    db: impl PgExecutor<'_>,
    person: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> DbResult<(bool, bool)> {
    let settled: Option<(bool, bool)> = sqlx::query_as(
        "SELECT department_since <= $2 - make_interval(days => $3), \
                office_since <= $2 - make_interval(days => $3) \
         FROM people WHERE id = $1",
    )
    .bind(person)
    .bind(now)
    .bind(crate::domain::quiz::GROUP_TENURE_DAYS as i32)
    .fetch_optional(db)
    .await?;
    Ok(settled.unwrap_or((false, false)))
}

/// How many have answered a round so far.
#[instrument(skip_all)]
pub async fn answered_count(db: impl PgExecutor<'_>, round_id: Uuid) -> DbResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM pulse_answered WHERE round_id = $1")
            .bind(round_id)
            .fetch_one(db)
            .await?,
    )
}

/// Open rounds whose last day is before `today`.
#[instrument(skip_all)]
pub async fn due_to_close(db: impl PgExecutor<'_>, today: NaiveDate) -> DbResult<Vec<Uuid>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM pulse_rounds WHERE open AND closes_on < $1")
            .bind(today)
            .fetch_all(db)
            .await?,
    )
}

/// The open round of a pulse, if any.
#[instrument(skip_all)]
pub async fn open_round_of(db: impl PgExecutor<'_>, pulse_id: Uuid) -> DbResult<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM pulse_rounds WHERE pulse_id = $1 AND open ORDER BY number DESC LIMIT 1",
    )
    .bind(pulse_id)
    .fetch_optional(db)
    .await?)
}

/// Claims the closing of an open round (its row stays locked until the transaction ends, so
/// a replica closing it at the same moment finds it closed). The pulse's statement count and
/// breakdown come with it.
#[instrument(skip_all)]
pub async fn claim_close(conn: &mut PgConnection, round_id: Uuid) -> DbResult<bool> {
    let done = sqlx::query("UPDATE pulse_rounds SET open = false WHERE id = $1 AND open")
        .bind(round_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// An answer as a closed round's figures need it.
#[derive(Debug, Clone, FromRow)]
pub struct StoredAnswer {
    pub scores: Vec<i16>,
    pub commented: bool,
    /// None for an answer given in someone's first four weeks in the group.
    pub department: Option<String>,
    pub office: Option<String>,
}

/// Every answer of a round: the scores, whether it has a comment, and its department and
/// office (read once, when the round closes).
#[instrument(skip_all)]
pub async fn answers_of(conn: &mut PgConnection, round_id: Uuid) -> DbResult<Vec<StoredAnswer>> {
    Ok(sqlx::query_as(
        "SELECT scores, comment <> '' AS commented, department, office FROM pulse_answers \
         WHERE round_id = $1",
    )
    .bind(round_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Rewrites a closed round's answers and answered records in random order, the answers with
/// fresh random ids and no keyed hash: afterwards nothing, not even the pulse key, pairs an
/// answer with a person or with the order or transaction in which it was given.
#[instrument(skip_all)]
pub async fn scramble(conn: &mut PgConnection, round_id: Uuid) -> DbResult<()> {
    sqlx::query(
        "WITH gone AS (DELETE FROM pulse_answers WHERE round_id = $1 \
                       RETURNING scores, comment, department, office) \
         INSERT INTO pulse_answers (id, round_id, answer_key, scores, comment, department, office) \
         SELECT gen_random_uuid(), $1, NULL, scores, comment, department, office FROM gone \
         ORDER BY random()",
    )
    .bind(round_id)
    .execute(&mut *conn)
    .await?;
    let people: Vec<Uuid> = sqlx::query_scalar(
        "WITH gone AS (DELETE FROM pulse_answered WHERE round_id = $1 RETURNING person_id) \
         SELECT person_id FROM gone ORDER BY random()",
    )
    .bind(round_id)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO pulse_answered (round_id, person_id) SELECT $1, unnest($2::uuid[])")
        .bind(round_id)
        .bind(&people)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Stores a closed round's figures.
#[instrument(skip_all)]
pub async fn store_results(
    conn: &mut PgConnection,
    round_id: Uuid,
    groups: &[(&str, GroupResult)],
) -> DbResult<()> {
    for (grouping, group) in groups {
        sqlx::query(
            "INSERT INTO pulse_results (round_id, grouping, label, respondents, comments, counts) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(round_id)
        .bind(grouping)
        .bind(&group.label)
        .bind(i32::try_from(group.respondents).unwrap_or(i32::MAX))
        .bind(i32::try_from(group.comments).unwrap_or(i32::MAX))
        .bind(group.flat_counts())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The stored figures of every closed round of a pulse: (round id, grouping, figures),
/// largest groups first.
#[instrument(skip_all)]
pub async fn results(
    db: impl PgExecutor<'_>,
    pulse_id: Uuid,
) -> DbResult<Vec<(Uuid, String, GroupResult)>> {
    let rows: Vec<(Uuid, String, String, i32, i32, Vec<i32>)> = sqlx::query_as(
        "SELECT s.round_id, s.grouping, s.label, s.respondents, s.comments, s.counts \
         FROM pulse_results s JOIN pulse_rounds r ON r.id = s.round_id \
         WHERE r.pulse_id = $1 ORDER BY r.number, s.respondents DESC, s.label",
    )
    .bind(pulse_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(round, grouping, label, respondents, comments, counts)| {
            let group = GroupResult::from_flat(label, respondents.into(), comments.into(), &counts);
            (round, grouping, group)
        })
        .collect())
}

/// One closed round of one of the newest pulses, with everyone's figures (for Insights).
#[derive(Debug, Clone)]
pub struct RoundTrend {
    pub pulse_id: Uuid,
    pub title: String,
    pub statements: Vec<String>,
    pub number: i32,
    pub overall: GroupResult,
}

/// The everyone-figures of the closed rounds of the five newest pulses, round by round.
#[instrument(skip_all)]
pub async fn overall_trends(db: impl PgExecutor<'_>) -> DbResult<Vec<RoundTrend>> {
    #[derive(FromRow)]
    struct Row {
        id: Uuid,
        title: String,
        statements: Vec<String>,
        number: i32,
        respondents: i32,
        comments: i32,
        counts: Vec<i32>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.id, p.title, p.statements, r.number, s.respondents, s.comments, s.counts \
         FROM (SELECT * FROM pulses ORDER BY created_at DESC, id LIMIT 5) p \
         JOIN pulse_rounds r ON r.pulse_id = p.id \
         JOIN pulse_results s ON s.round_id = r.id AND s.grouping = 'everyone' \
         ORDER BY p.created_at DESC, p.id, r.number",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| RoundTrend {
            pulse_id: row.id,
            title: row.title,
            statements: row.statements,
            number: row.number,
            overall: GroupResult::from_flat(
                "Everyone".into(),
                row.respondents.into(),
                row.comments.into(),
                &row.counts,
            ),
        })
        .collect())
}

/// A page of a closed round's comments in their stable random order (by random id), after
/// the id given.
#[instrument(skip_all)]
pub async fn comments(
    db: impl PgExecutor<'_>,
    round_id: Uuid,
    after: Option<Uuid>,
    limit: i64,
) -> DbResult<Vec<(Uuid, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, comment FROM pulse_answers \
         WHERE round_id = $1 AND comment <> '' AND answer_key IS NULL \
           AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3",
    )
    .bind(round_id)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?)
}
