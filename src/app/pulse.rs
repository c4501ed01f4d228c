//! Pulse checks: creating a pulse, opening and closing its rounds (the scheduler, once across
//! replicas), answering anonymously, and working out a closed round's figures.
//!
//! An answer is stored under `answer_key` = HMAC-SHA256(pulse key, person id ‖ round id): the
//! server can find a person's own answer again (to change it while the round is open), the
//! database alone can't, and once the round closes the key is dropped from every answer.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Subject};
use super::notifications;
use crate::config::{AppConfig, PulseKey};
use crate::db;
use crate::db::pulse::Pulse;
use crate::domain::audit::Action;
use crate::domain::mail::MailKind;
use crate::domain::people::Person;
use crate::domain::pulse::{Answer, GroupResult, PulseInput, due_round};
use crate::domain::time::long_date;
use crate::error::{AppError, AppResult, OrNotFound};
use crate::mail::compose::Content;

/// The keyed hash an answer is stored under while its round is open.
pub fn answer_key(key: &PulseKey, person: Uuid, round: Uuid) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes a key of any length");
    mac.update(b"attune pulse answer\0");
    mac.update(person.as_bytes());
    mac.update(round.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Creates a pulse (on the audit record) and opens its first round at once when it is due
/// today.
pub async fn create(
    pool: &PgPool,
    config: &AppConfig,
    actor: Actor,
    input: &PulseInput,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = db::pulse::insert(&mut *tx, input).await?;
    let details = format!(
        "“{}”: {} statements, {}, {}",
        input.title,
        input.statements.len(),
        input.audience.describe(),
        input.repeats.label().to_lowercase()
    );
    audit::record(
        &mut tx,
        actor,
        Action::PulseCreated,
        Subject::of("pulse", id),
        &details,
    )
    .await?;
    tx.commit().await?;
    open_due_rounds(pool, config, now).await?;
    Ok(id)
}

/// Opens every round due today that isn't open yet, telling its audience (a notification, and
/// an email unless they turned pulse emails off). Returns how many rounds this call opened.
pub async fn open_due_rounds(
    pool: &PgPool,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let today = now.date_naive();
    let mut opened = 0;
    for pulse in db::pulse::running(pool, today).await? {
        let Some((number, opens_on, closes_on)) = due_round(
            pulse.repeats,
            pulse.first_opens_on,
            pulse.first_closes_on,
            today,
        ) else {
            continue;
        };
        let number = i32::try_from(number).unwrap_or(i32::MAX);
        let mut tx = pool.begin().await?;
        let Some(round) =
            db::pulse::open_round(&mut tx, pulse.id, number, opens_on, closes_on).await?
        else {
            continue;
        };
        let audience = db::pulse::audience(&mut *tx, &pulse.audience).await?;
        db::pulse::set_invited(&mut *tx, round, audience.len() as i64).await?;
        let link = format!("/pulse/rounds/{round}");
        let text = format!(
            "A pulse check is open: “{}”. {} short statements, anonymous, until {}.",
            pulse.title,
            pulse.statements.len(),
            long_date(closes_on)
        );
        for chunk in audience.chunks(1000) {
            for person in db::people::find_active(&mut *tx, chunk).await? {
                let content = invitation(config, &person, &pulse, closes_on, &link);
                let email = notifications::Email {
                    content: &content,
                    calendar: None,
                };
                let kind = MailKind::PulseRound;
                notifications::notify(&mut tx, config, &person, kind, &text, &link, Some(email))
                    .await?;
            }
        }
        tx.commit().await?;
        opened += 1;
    }
    Ok(opened)
}

fn invitation(
    config: &AppConfig,
    person: &Person,
    pulse: &Pulse,
    closes_on: chrono::NaiveDate,
    link: &str,
) -> Content {
    Content {
        subject: format!("A minute for “{}”?", pulse.title),
        greeting: format!("Hello {},", person.first_name()),
        paragraphs: vec![
            format!(
                "Your HR team would like to know how things feel at work: {} short statements to \
                 agree or disagree with, about a minute in all.",
                pulse.statements.len()
            ),
            "Your answers are anonymous: Attune keeps that you answered apart from what you \
             answered, and HR sees only figures for groups of several people."
                .into(),
            format!(
                "You can answer, and change your answer, until {}.",
                long_date(closes_on)
            ),
        ],
        action: Some(("Answer now".into(), config.url_for(link))),
        details: Vec::new(),
    }
}

/// Closes every open round whose last day has passed. Returns how many this call closed.
pub async fn close_due_rounds(pool: &PgPool, now: DateTime<Utc>) -> AppResult<usize> {
    let mut closed = 0;
    for round in db::pulse::due_to_close(pool, now.date_naive()).await? {
        let mut tx = pool.begin().await?;
        if close_round(&mut tx, round).await? {
            closed += 1;
        }
        tx.commit().await?;
    }
    Ok(closed)
}

/// Closes a round (unless another call did): its figures are worked out and stored, then its
/// answers and answered records are rewritten in random order without their keyed hashes.
/// Returns whether this call closed it.
pub async fn close_round(conn: &mut PgConnection, round_id: Uuid) -> AppResult<bool> {
    if !db::pulse::claim_close(&mut *conn, round_id).await? {
        return Ok(false);
    }
    let (_, pulse) = db::pulse::round_with_pulse(&mut *conn, round_id)
        .await?
        .or_404()?;
    let statements = pulse.statements.len();
    let answers = db::pulse::answers_of(&mut *conn, round_id).await?;
    let breakdown = pulse.audience.breakdown();
    let overall = GroupResult::tally(
        "Everyone",
        statements,
        answers.iter().map(|a| (a.scores.as_slice(), a.commented)),
    );
    let mut by_group: BTreeMap<String, Vec<(&[i16], bool)>> = BTreeMap::new();
    for answer in &answers {
        let label = match breakdown {
            crate::domain::pulse::Breakdown::Department => &answer.department,
            crate::domain::pulse::Breakdown::Office => &answer.office,
        };
        let label = crate::domain::pulse::group_label(breakdown, label.as_deref());
        by_group
            .entry(label)
            .or_default()
            .push((answer.scores.as_slice(), answer.commented));
    }
    let mut rows = vec![("everyone", overall)];
    for (label, group) in by_group {
        rows.push((
            breakdown.as_str(),
            GroupResult::tally(label, statements, group),
        ));
    }
    db::pulse::store_results(&mut *conn, round_id, &rows).await?;
    db::pulse::scramble(&mut *conn, round_id).await?;
    Ok(true)
}

/// HR closes the open round of a pulse now (409 when none is open).
pub async fn close_now(pool: &PgPool, actor: Actor, pulse_id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let pulse = db::pulse::find(&mut *tx, pulse_id).await?.or_404()?;
    let Some(round) = db::pulse::open_round_of(&mut *tx, pulse_id).await? else {
        return Err(AppError::Conflict("No round of this pulse is open.".into()));
    };
    if !close_round(&mut tx, round).await? {
        return Err(AppError::Conflict("This round has just closed.".into()));
    }
    let details = format!("“{}”", pulse.title);
    let subject = Subject::of("pulse", pulse_id);
    audit::record(&mut tx, actor, Action::PulseRoundClosed, subject, &details).await?;
    tx.commit().await?;
    Ok(())
}

/// HR stops a pulse: no further rounds open (an open one runs to its end).
pub async fn stop(pool: &PgPool, actor: Actor, pulse_id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let pulse = db::pulse::find(&mut *tx, pulse_id).await?.or_404()?;
    if !db::pulse::stop(&mut *tx, pulse_id).await? {
        return Err(AppError::Conflict("This pulse is stopped already.".into()));
    }
    let details = format!("“{}”", pulse.title);
    let subject = Subject::of("pulse", pulse_id);
    audit::record(&mut tx, actor, Action::PulseStopped, subject, &details).await?;
    tx.commit().await?;
    Ok(())
}

/// The scheduler's turn: open what is due, close what is over.
pub async fn tick(pool: &PgPool, config: &AppConfig, now: DateTime<Utc>) -> AppResult<()> {
    open_due_rounds(pool, config, now).await?;
    close_due_rounds(pool, now).await?;
    Ok(())
}

/// A round as the person answering sees it.
pub struct AnswerContext {
    pub round: db::pulse::Round,
    pub pulse: Pulse,
    /// Their answer so far, if they gave one and it can still be found.
    pub previous: Option<Answer>,
    pub answered: bool,
}

/// The open round a person may answer; 404 when it isn't for them, 409 when it has closed.
pub async fn for_person(
    pool: &PgPool,
    key: &PulseKey,
    person: &Person,
    round_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<AnswerContext> {
    let (round, pulse) = db::pulse::round_with_pulse(pool, round_id)
        .await?
        .or_404()?;
    if !pulse.audience.includes(&person.department, &person.office) {
        return Err(AppError::NotFound);
    }
    if !round.open || round.closes_on < now.date_naive() {
        return Err(AppError::Conflict(
            "This pulse round has closed: thank you if you answered. The next round will show on your home page.".into(),
        ));
    }
    let answered = db::pulse::has_answered(pool, round_id, person.id).await?;
    let previous = if answered {
        db::pulse::find_answer(pool, round_id, &answer_key(key, person.id, round_id)).await?
    } else {
        None
    };
    Ok(AnswerContext {
        round,
        pulse,
        previous,
        answered,
    })
}

/// Saves a person's answer to an open round, or replaces the one they gave. The answered
/// record and the answer are written without anything linking them.
pub async fn answer(
    pool: &PgPool,
    key: &PulseKey,
    person: &Person,
    round_id: Uuid,
    answer: &Answer,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let context = for_person(pool, key, person, round_id, now).await?;
    if answer.scores.len() != context.pulse.statements.len() {
        return Err(AppError::InvalidInput);
    }
    let comment = if context.pulse.comment_question.is_empty() {
        String::new()
    } else {
        answer.comment.clone()
    };
    let answer_key = answer_key(key, person.id, round_id);
    if context.answered && context.previous.is_none() {
        // Answered under another pulse key (it was changed since): a new row would count
        // them twice.
        return Err(AppError::Conflict(
            "Your answer to this round is saved, but it can't be changed any more.".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    // Holds the round open until this answer is in (closing it waits for the lock).
    if !db::pulse::lock_open(&mut tx, round_id).await? {
        return Err(AppError::Conflict(
            "This pulse round has just closed.".into(),
        ));
    }
    db::pulse::mark_answered(&mut tx, round_id, person.id).await?;
    let stored = Answer {
        scores: answer.scores.clone(),
        comment,
    };
    // In someone's first four weeks in a group, the answer counts apart from it.
    let (in_department, in_office) = db::pulse::settled_in_groups(&mut *tx, person.id, now).await?;
    db::pulse::save_answer(
        &mut tx,
        round_id,
        &answer_key,
        &stored,
        in_department.then_some(person.department.as_str()),
        in_office.then_some(person.office.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
