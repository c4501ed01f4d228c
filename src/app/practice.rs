//! Use cases for practice: publishing exercises (and role stories as exercises), reflecting
//! and adding takeaways, scheduling and accepting challenges, the journal, and the monthly
//! nudges the scheduler sends.

use chrono::{DateTime, Months, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::audit::{self, Actor, Subject};
use super::mail::queue;
use crate::config::AppConfig;
use crate::db;
use crate::domain::audit::Action;
use crate::domain::mail::MailKind;
use crate::domain::people::Person;
use crate::domain::practice::{
    self as rules, Challenge, ChallengeForm, ChallengeInput, Exercise, ExerciseInput, JournalInput,
    Nudge, Participation, Reflections, STARTER_CALENDAR, StoryInput, StoryStatus,
};
use crate::domain::resources::PlanStatus;
use crate::error::{AppError, AppResult, OrNotFound};
use crate::mail::compose::Content;

/// Publishes an exercise: its library entry (an exercise whose link is its page) and its
/// prompts, in one transaction, on record. With `story`, it is that role story published
/// (which must still be waiting). Returns the exercise's id.
pub async fn publish_exercise(
    pool: &PgPool,
    actor: Actor,
    input: &ExerciseInput,
    story: Option<Uuid>,
) -> AppResult<Uuid> {
    let id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    if let Some(story) = story
        && !db::practice::decide_story(&mut *tx, story, StoryStatus::Published, "").await?
    {
        return Err(AppError::Conflict(
            "This story has already been decided on.".into(),
        ));
    }
    db::resources::insert(&mut *tx, id, &input.resource(id)).await?;
    db::practice::insert_exercise(&mut *tx, id, input, story).await?;
    let (action, subject) = match story {
        Some(story) => (Action::RoleStoryPublished, Subject::of("role_story", story)),
        None => (Action::ExercisePublished, Subject::of("resource", id)),
    };
    audit::record(&mut tx, actor, action, subject, &input.title).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves a person's reflections; once every prompt has one, the exercise is done in their
/// plan. Returns whether it is complete.
pub async fn reflect(
    pool: &PgPool,
    person: &Person,
    exercise: &Exercise,
    reflections: &Reflections,
    today: NaiveDate,
) -> AppResult<bool> {
    let complete = reflections.complete(exercise.prompts.len());
    let mut tx = pool.begin().await?;
    db::practice::save_reflections(&mut tx, person.id, exercise.id, reflections).await?;
    if complete {
        db::resources::set_plan_status(&mut *tx, person.id, exercise.id, PlanStatus::Done, today)
            .await?;
    }
    tx.commit().await?;
    Ok(complete)
}

/// Adds the person's takeaway to the board (once); false when they already had.
pub async fn add_takeaway(
    pool: &PgPool,
    person: &Person,
    exercise: Uuid,
    body: &str,
) -> AppResult<bool> {
    let mut tx = pool.begin().await?;
    let added = db::practice::add_takeaway(&mut tx, exercise, person.id, body).await?;
    tx.commit().await?;
    Ok(added)
}

/// The board as a person sees it: the takeaways in random order once enough exist, and how
/// many there are (counted up to the threshold) when there aren't yet.
pub async fn board(pool: &PgPool, exercise: Uuid) -> AppResult<(i64, Vec<String>)> {
    let cap = crate::domain::insights::ANONYMITY_THRESHOLD;
    let count = db::practice::takeaway_count(pool, exercise, cap).await?;
    if !rules::board_is_open(count) {
        return Ok((count, vec![]));
    }
    let shown = db::practice::takeaways(pool, exercise, rules::BOARD_SHOWN).await?;
    Ok((count, shown))
}

/// Declines a waiting role story with a reason its author reads; on record.
pub async fn decline_story(
    pool: &PgPool,
    actor: Actor,
    story: Uuid,
    reason: &str,
) -> AppResult<()> {
    let found = db::practice::find_story(pool, story).await?.or_404()?;
    let mut tx = pool.begin().await?;
    if !db::practice::decide_story(&mut *tx, story, StoryStatus::Declined, reason).await? {
        return Err(AppError::Conflict(
            "This story has already been decided on.".into(),
        ));
    }
    let subject = Subject::of("role_story", story).about(found.person_id);
    audit::record(
        &mut tx,
        actor,
        Action::RoleStoryDeclined,
        subject,
        &found.title,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Submits a role story for HR to review.
pub async fn submit_story(pool: &PgPool, person: &Person, input: &StoryInput) -> AppResult<Uuid> {
    Ok(db::practice::insert_story(pool, person.id, input).await?)
}

/// Schedules (or replaces) a month's challenge; on record.
pub async fn schedule_challenge(
    pool: &PgPool,
    actor: Actor,
    input: &ChallengeInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    db::practice::schedule_challenge(&mut *tx, input, false).await?;
    let subject = Subject::of("challenge", input.month.format("%Y-%m"));
    audit::record(
        &mut tx,
        actor,
        Action::ChallengeScheduled,
        subject,
        &input.title,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Fills the twelve months from `this_month` with the starter calendar, leaving months that
/// already have a challenge as they are; returns how many months it filled.
pub async fn use_starter_calendar(
    pool: &PgPool,
    actor: Option<Actor>,
    this_month: NaiveDate,
) -> AppResult<usize> {
    let mut filled = 0;
    let mut tx = pool.begin().await?;
    for (month, starter) in rules::next_months(this_month, 12)
        .into_iter()
        .zip(&STARTER_CALENDAR)
    {
        let form = ChallengeForm::from_starter(month, starter);
        let input = ChallengeInput::parse(&form, this_month)
            .map_err(|errors| anyhow::anyhow!("the starter calendar is invalid: {errors:?}"))?;
        if db::practice::schedule_challenge(&mut *tx, &input, true).await? {
            filled += 1;
        }
    }
    if let Some(actor) = actor {
        let details = format!("starter calendar: {filled} months filled");
        audit::record(
            &mut tx,
            actor,
            Action::ChallengeScheduled,
            Subject::kind("challenge"),
            &details,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(filled)
}

/// Accepts this month's challenge; 404 when there is none. Returns whether it was new.
pub async fn accept_challenge(pool: &PgPool, person: &Person, today: NaiveDate) -> AppResult<bool> {
    let month = rules::month_of(today);
    db::practice::challenge(pool, month).await?.or_404()?;
    Ok(db::practice::accept(pool, person.id, month).await?)
}

pub async fn add_entry(pool: &PgPool, person: &Person, input: &JournalInput) -> AppResult<Uuid> {
    Ok(db::practice::insert_entry(pool, person.id, input).await?)
}

/// Participation for the last twelve months (newest first) as HR may see it: the cells the
/// scheduler let move on ([`refresh_participation`]).
pub async fn participation(pool: &PgPool, today: NaiveDate) -> AppResult<Vec<Participation>> {
    let from = rules::month_of(today) - Months::new(11);
    let cells = db::practice::shown_participation(pool, from).await?;
    let threshold = db::settings::get(pool).await?.threshold();
    let mut months = rules::next_months(from, 12);
    months.reverse();
    Ok(rules::participation(&months, &cells, threshold))
}

/// Works out participation in the last twelve months' challenges as of `as_of` (the start of
/// the week), and lets each month move on only when its change can't point at anyone
/// ([`rules::month_moves_on`]). Part of the weekly Insights refresh.
pub async fn refresh_participation(
    conn: &mut sqlx::PgConnection,
    as_of: chrono::DateTime<chrono::Utc>,
    threshold: i64,
) -> AppResult<()> {
    let from = rules::month_of(as_of.date_naive()) - Months::new(11);
    let candidate = db::practice::acceptance_cells(&mut *conn, from, as_of).await?;
    let published = db::practice::shown_participation(&mut *conn, from).await?;
    for month in rules::next_months(from, 12) {
        if rules::month_moves_on(month, &published, &candidate, threshold) {
            db::practice::show_participation(&mut *conn, month, &candidate, from).await?;
        }
    }
    Ok(())
}

/// The nudge due today, if any, to the people it is for, once however many instances run:
/// everything is read first, then the month's nudge is claimed and the messages queued in one
/// short transaction. Returns how many were queued.
pub async fn send_nudges(
    pool: &PgPool,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let today = now.date_naive();
    let Some(nudge) = rules::nudge_due(today) else {
        return Ok(0);
    };
    let month = rules::month_of(today);
    if db::practice::nudge_sent(pool, month, nudge).await? {
        return Ok(0);
    }
    let Some(challenge) = db::practice::challenge(pool, month).await? else {
        return Ok(0);
    };
    let ids = match nudge {
        Nudge::Start => {
            let last = month - Months::new(1);
            db::practice::participants(pool, last, Some(month)).await?
        }
        Nudge::Middle => db::practice::participants(pool, month, None).await?,
    };
    let people = db::people::find_active(pool, &ids).await?;
    let mut tx = pool.begin().await?;
    if !db::practice::claim_nudge(&mut *tx, month, nudge).await? {
        return Ok(0);
    }
    let mut queued = 0;
    for person in &people {
        let content = nudge_message(config, person, &challenge, nudge);
        if queue(
            &mut tx,
            config,
            person.into(),
            MailKind::PracticeNudge,
            &content,
            None,
        )
        .await?
        {
            queued += 1;
        }
    }
    tx.commit().await?;
    Ok(queued)
}

fn nudge_message(
    config: &AppConfig,
    person: &Person,
    challenge: &Challenge,
    nudge: Nudge,
) -> Content {
    let (subject, opening) = match nudge {
        Nudge::Start => (
            format!("{}'s kindness challenge", challenge.month_label()),
            "Thank you for taking part last month. A new month brings a new small challenge, if you'd like it:".to_string(),
        ),
        Nudge::Middle => (
            "Halfway through this month's challenge".to_string(),
            "We're halfway through the month. No pressure and no scores: just a reminder of the challenge you accepted:".to_string(),
        ),
    };
    let mut paragraphs = vec![opening, challenge.title.clone()];
    if let Some(idea) = challenge.idea_list().first() {
        paragraphs.push(format!("One idea: {idea}"));
    }
    paragraphs.push(
        "If something kind happens, a line in your private journal helps you notice it. Only you can read it."
            .into(),
    );
    Content {
        subject,
        greeting: format!("Hello {},", person.first_name()),
        paragraphs,
        action: Some(("Open the challenge".into(), config.url_for("/practice"))),
        details: vec![],
    }
}
