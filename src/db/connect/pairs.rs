//! Conversation pairs: who takes part, the weekly rounds (claimed once), the groups and their
//! members. Every read of a group filters by the person reading it.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
use tracing::instrument;
use uuid::Uuid;

use crate::db::people::{COLUMNS, PersonRow};
use crate::db::{DbResult, Text};
use crate::domain::connect::{
    Candidate, Group, Joining, Mode, Outcome, PairSettings, Participation,
};
use crate::domain::people::Person;

#[instrument(skip_all)]
pub async fn settings(db: impl PgExecutor<'_>) -> DbResult<PairSettings> {
    let (cross_team_only, no_repeat_rounds): (bool, i32) =
        sqlx::query_as("SELECT cross_team_only, no_repeat_rounds FROM connect_settings")
            .fetch_one(db)
            .await?;
    Ok(PairSettings {
        cross_team_only,
        no_repeat_rounds,
    })
}

#[instrument(skip_all)]
pub async fn save_settings(db: impl PgExecutor<'_>, settings: PairSettings) -> DbResult<()> {
    sqlx::query(
        "UPDATE connect_settings SET cross_team_only = $1, no_repeat_rounds = $2, updated_at = now()",
    )
    .bind(settings.cross_team_only)
    .bind(settings.no_repeat_rounds)
    .execute(db)
    .await?;
    Ok(())
}

#[instrument(skip_all)]
pub async fn participation(
    db: impl PgExecutor<'_>,
    person: Uuid,
) -> DbResult<Option<Participation>> {
    let row: Option<(i16, Text<Mode>, bool, NaiveDate)> = sqlx::query_as(
        "SELECT cadence_weeks, mode, paused, next_due FROM pair_participants WHERE person_id = $1",
    )
    .bind(person)
    .fetch_optional(db)
    .await?;
    Ok(
        row.map(|(cadence_weeks, mode, paused, next_due)| Participation {
            cadence_weeks,
            mode: mode.0,
            paused,
            next_due,
        }),
    )
}

/// Opts in, or changes how often and how; taking part again un-pauses. Someone already due
/// keeps their place; a new participant is due from `next_due`.
#[instrument(skip_all)]
pub async fn join(
    db: impl PgExecutor<'_>,
    person: Uuid,
    joining: Joining,
    next_due: NaiveDate,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO pair_participants (person_id, cadence_weeks, mode, next_due) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (person_id) DO UPDATE SET cadence_weeks = EXCLUDED.cadence_weeks, \
             mode = EXCLUDED.mode, paused = false, \
             next_due = greatest(pair_participants.next_due, EXCLUDED.next_due)",
    )
    .bind(person)
    .bind(joining.cadence_weeks)
    .bind(joining.mode.as_str())
    .bind(next_due)
    .execute(db)
    .await?;
    Ok(())
}

/// Pauses or resumes; false when the person doesn't take part. Resuming makes them due from
/// `next_due` at the earliest.
#[instrument(skip_all)]
pub async fn set_paused(
    db: impl PgExecutor<'_>,
    person: Uuid,
    paused: bool,
    next_due: NaiveDate,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE pair_participants SET paused = $2, \
             next_due = CASE WHEN $2 THEN next_due ELSE greatest(next_due, $3) END \
         WHERE person_id = $1",
    )
    .bind(person)
    .bind(paused)
    .bind(next_due)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stops taking part (past pairs stay, visible to their members).
#[instrument(skip_all)]
pub async fn leave(db: impl PgExecutor<'_>, person: Uuid) -> DbResult<bool> {
    let done = sqlx::query("DELETE FROM pair_participants WHERE person_id = $1")
        .bind(person)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[instrument(skip_all)]
pub async fn round_exists(db: impl PgExecutor<'_>, week: NaiveDate) -> DbResult<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pair_rounds WHERE week_start = $1)")
            .bind(week)
            .fetch_one(db)
            .await?,
    )
}

/// Claims the week's round; false when another replica has it (a concurrent claim waits for
/// the first transaction, then finds it taken).
#[instrument(skip_all)]
pub async fn claim_round(conn: &mut PgConnection, week: NaiveDate, seed: i64) -> DbResult<bool> {
    let claimed = sqlx::query(
        "INSERT INTO pair_rounds (week_start, seed) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(week)
    .bind(seed)
    .execute(&mut *conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// People due in the week's round (taking part, not paused, active and signed up), with
/// their department, office, mode and time zone.
#[instrument(skip_all)]
pub async fn due(
    conn: &mut PgConnection,
    week: NaiveDate,
) -> DbResult<Vec<(Candidate, chrono_tz::Tz)>> {
    type DueRow = (Uuid, String, String, Text<chrono_tz::Tz>, Text<Mode>);
    let rows: Vec<DueRow> = sqlx::query_as(
        "SELECT p.id, p.department, p.office, p.time_zone, t.mode \
         FROM pair_participants t JOIN people p ON p.id = t.person_id \
         WHERE NOT t.paused AND t.next_due <= $1 AND p.active AND p.password_hash IS NOT NULL",
    )
    .bind(week)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, department, office, zone, mode)| {
            (
                Candidate {
                    id,
                    department,
                    office,
                    utc_offset_minutes: 0,
                    mode: mode.0,
                },
                zone.0,
            )
        })
        .collect())
}

/// Whether at least two people are due in the week's round (reads at most two rows).
#[instrument(skip_all)]
pub async fn two_due(db: impl PgExecutor<'_>, week: NaiveDate) -> DbResult<bool> {
    let due: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM pair_participants \
         WHERE NOT paused AND next_due <= $1 LIMIT 2) d",
    )
    .bind(week)
    .fetch_one(db)
    .await?;
    Ok(due >= 2)
}

/// How many take part and how many paused (read once a round, by the round).
#[instrument(skip_all)]
pub async fn participant_counts(conn: &mut PgConnection) -> DbResult<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT count(*) FILTER (WHERE NOT paused), count(*) FILTER (WHERE paused) \
         FROM pair_participants",
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// The pairs of rounds from `since` on, for the no-repeat rule.
#[instrument(skip_all)]
pub async fn pairs_since(conn: &mut PgConnection, since: NaiveDate) -> DbResult<Vec<(Uuid, Uuid)>> {
    Ok(sqlx::query_as(
        "SELECT a.person_id, b.person_id FROM pair_members a \
         JOIN pair_members b ON b.group_id = a.group_id AND b.person_id > a.person_id \
         WHERE a.week_start >= $1",
    )
    .bind(since)
    .fetch_all(&mut *conn)
    .await?)
}

/// Writes the round's groups and moves each placed person's next round on by their cadence;
/// whoever wasn't placed stays due for next week.
#[instrument(skip_all)]
pub async fn insert_groups(
    conn: &mut PgConnection,
    week: NaiveDate,
    groups: &[Group],
    counts: RoundCounts,
) -> DbResult<Vec<Uuid>> {
    let ids: Vec<Uuid> = groups.iter().map(|_| Uuid::new_v4()).collect();
    let modes: Vec<&str> = groups.iter().map(|g| g.mode.as_str()).collect();
    let sizes: Vec<i16> = groups
        .iter()
        .map(|g| i16::try_from(g.members.len()).unwrap_or(i16::MAX))
        .collect();
    for (chunk_ids, (chunk_modes, chunk_sizes)) in ids
        .chunks(10_000)
        .zip(modes.chunks(10_000).zip(sizes.chunks(10_000)))
    {
        sqlx::query(
            "INSERT INTO pair_groups (id, week_start, mode, size) \
             SELECT g, $1, m, s FROM unnest($2::uuid[], $3::text[], $4::int2[]) AS t(g, m, s)",
        )
        .bind(week)
        .bind(chunk_ids)
        .bind(chunk_modes)
        .bind(chunk_sizes)
        .execute(&mut *conn)
        .await?;
    }
    let (group_of, people): (Vec<Uuid>, Vec<Uuid>) = groups
        .iter()
        .zip(&ids)
        .flat_map(|(g, id)| g.members.iter().map(move |m| (*id, *m)))
        .unzip();
    for (chunk_groups, chunk_people) in group_of.chunks(20_000).zip(people.chunks(20_000)) {
        sqlx::query(
            "INSERT INTO pair_members (group_id, person_id, week_start) \
             SELECT g, p, $1 FROM unnest($2::uuid[], $3::uuid[]) AS t(g, p)",
        )
        .bind(week)
        .bind(chunk_groups)
        .bind(chunk_people)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE pair_participants SET next_due = $1 + 7 * cadence_weeks \
             WHERE person_id = ANY($2)",
        )
        .bind(week)
        .bind(chunk_people)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "UPDATE pair_rounds SET participants = $2, paused = $3, due = $4, placed = $5, \
             groups = $6 WHERE week_start = $1",
    )
    .bind(week)
    .bind(counts.participants)
    .bind(counts.paused)
    .bind(counts.due)
    .bind(counts.placed)
    .bind(i32::try_from(groups.len()).unwrap_or(i32::MAX))
    .execute(&mut *conn)
    .await?;
    Ok(ids)
}

/// The counts a round keeps for HR.
#[derive(Debug, Clone, Copy, Default)]
pub struct RoundCounts {
    pub participants: i32,
    pub paused: i32,
    pub due: i32,
    pub placed: i32,
}

/// Someone in a pair, as their partner sees them.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Mate {
    pub id: Uuid,
    pub display_name: String,
    pub email: String,
    pub department: String,
    pub office: String,
    pub time_zone: Text<chrono_tz::Tz>,
}

/// A conversation as one of its members sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairView {
    pub id: Uuid,
    pub week_start: NaiveDate,
    pub mode: Mode,
    pub outcome: Option<Outcome>,
    /// The others in the group.
    pub mates: Vec<Mate>,
}

#[derive(FromRow)]
struct GroupRow {
    id: Uuid,
    week_start: NaiveDate,
    mode: Text<Mode>,
    outcome: Option<String>,
}

async fn mates(conn: &mut PgConnection, group: Uuid, except: Uuid) -> DbResult<Vec<Mate>> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.display_name, p.email, p.department, p.office, p.time_zone \
         FROM pair_members m JOIN people p ON p.id = m.person_id \
         WHERE m.group_id = $1 AND m.person_id <> $2 ORDER BY lower(p.display_name)",
    )
    .bind(group)
    .bind(except)
    .fetch_all(&mut *conn)
    .await?)
}

fn view(row: GroupRow, mates: Vec<Mate>) -> PairView {
    PairView {
        id: row.id,
        week_start: row.week_start,
        mode: row.mode.0,
        outcome: row.outcome.and_then(|o| o.parse().ok()),
        mates,
    }
}

/// The person's latest conversations, newest first (the first is the current one).
#[instrument(skip_all)]
pub async fn latest_for(
    conn: &mut PgConnection,
    person: Uuid,
    limit: i64,
) -> DbResult<Vec<PairView>> {
    let rows: Vec<GroupRow> = sqlx::query_as(
        "SELECT g.id, g.week_start, g.mode, g.outcome FROM pair_members m \
         JOIN pair_groups g ON g.id = m.group_id \
         WHERE m.person_id = $1 ORDER BY m.week_start DESC LIMIT $2",
    )
    .bind(person)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let mates = mates(conn, row.id, person).await?;
        views.push(view(row, mates));
    }
    Ok(views)
}

/// One conversation, only if `person` is in it.
#[instrument(skip_all)]
pub async fn for_member(
    conn: &mut PgConnection,
    group: Uuid,
    person: Uuid,
) -> DbResult<Option<PairView>> {
    let row: Option<GroupRow> = sqlx::query_as(
        "SELECT g.id, g.week_start, g.mode, g.outcome FROM pair_members m \
         JOIN pair_groups g ON g.id = m.group_id WHERE m.group_id = $1 AND m.person_id = $2",
    )
    .bind(group)
    .bind(person)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => {
            let mates = mates(conn, row.id, person).await?;
            Ok(Some(view(row, mates)))
        }
        None => Ok(None),
    }
}

/// Records what happened to a conversation (a member's word holds for the group) and keeps
/// the round's counts in step. Returns the outcome before.
#[instrument(skip_all)]
pub async fn mark(
    conn: &mut PgConnection,
    group: Uuid,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> DbResult<Option<Outcome>> {
    let (week, before): (NaiveDate, Option<String>) =
        sqlx::query_as("SELECT week_start, outcome FROM pair_groups WHERE id = $1 FOR UPDATE")
            .bind(group)
            .fetch_one(&mut *conn)
            .await?;
    let before: Option<Outcome> = before.and_then(|o| o.parse().ok());
    if before == Some(outcome) {
        return Ok(before);
    }
    sqlx::query("UPDATE pair_groups SET outcome = $2, marked_at = $3 WHERE id = $1")
        .bind(group)
        .bind(outcome.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let delta = |o: Outcome| -> i32 { i32::from(outcome == o) - i32::from(before == Some(o)) };
    sqlx::query(
        "UPDATE pair_rounds SET happened = happened + $2, skipped = skipped + $3 \
         WHERE week_start = $1",
    )
    .bind(week)
    .bind(delta(Outcome::Happened))
    .bind(delta(Outcome::Skipped))
    .execute(&mut *conn)
    .await?;
    Ok(before)
}

/// Claims up to `limit` groups whose members haven't been told yet (skipping any another
/// replica holds), marking them told; returns (group, week, mode).
#[instrument(skip_all)]
pub async fn claim_unannounced(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<(Uuid, NaiveDate, Mode)>> {
    let rows: Vec<(Uuid, NaiveDate, Text<Mode>)> = sqlx::query_as(
        "UPDATE pair_groups g SET announced_at = $1 FROM ( \
             SELECT id FROM pair_groups WHERE announced_at IS NULL \
             ORDER BY week_start LIMIT $2 FOR UPDATE SKIP LOCKED) c \
         WHERE g.id = c.id RETURNING g.id, g.week_start, g.mode",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, w, m)| (id, w, m.0)).collect())
}

/// Claims up to `limit` groups of rounds from `oldest` to `latest` with nothing marked and
/// no reminder yet, marking them reminded.
#[instrument(skip_all)]
pub async fn claim_reminders(
    conn: &mut PgConnection,
    oldest: NaiveDate,
    latest: NaiveDate,
    now: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<(Uuid, NaiveDate, Mode)>> {
    let rows: Vec<(Uuid, NaiveDate, Text<Mode>)> = sqlx::query_as(
        "UPDATE pair_groups g SET reminder_sent_at = $3 FROM ( \
             SELECT id FROM pair_groups \
             WHERE outcome IS NULL AND reminder_sent_at IS NULL AND announced_at IS NOT NULL \
               AND week_start BETWEEN $1 AND $2 \
             ORDER BY week_start LIMIT $4 FOR UPDATE SKIP LOCKED) c \
         WHERE g.id = c.id RETURNING g.id, g.week_start, g.mode",
    )
    .bind(oldest)
    .bind(latest)
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, w, m)| (id, w, m.0)).collect())
}

/// The members of some groups (active people only), for telling them.
#[instrument(skip_all)]
pub async fn members_of(conn: &mut PgConnection, groups: &[Uuid]) -> DbResult<Vec<(Uuid, Person)>> {
    #[derive(FromRow)]
    struct Row {
        group_id: Uuid,
        #[sqlx(flatten)]
        person: PersonRow,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT m.group_id, {} FROM pair_members m JOIN people p ON p.id = m.person_id \
         WHERE m.group_id = ANY($1) AND p.active ORDER BY m.group_id, lower(p.display_name)",
        COLUMNS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(groups)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.group_id, Person::from(r.person)))
        .collect())
}

/// A round's figures for HR.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct RoundFigures {
    pub week_start: NaiveDate,
    pub participants: i32,
    pub paused: i32,
    pub due: i32,
    pub placed: i32,
    pub groups: i32,
    pub happened: i32,
    pub skipped: i32,
}

/// The latest rounds, newest first.
#[instrument(skip_all)]
pub async fn rounds(db: impl PgExecutor<'_>, limit: i64) -> DbResult<Vec<RoundFigures>> {
    Ok(sqlx::query_as(
        "SELECT week_start, participants, paused, due, placed, groups, happened, skipped \
         FROM pair_rounds ORDER BY week_start DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}
