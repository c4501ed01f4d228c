//! Use cases for peer recognition: the weekly spotlight round, sending a nomination, HR's
//! moderation and HR's behaviours list. Each is one transaction over the pool, called alike by
//! handlers, the demo and tests.

use super::audit::{self, Actor, Subject};
use crate::domain::audit::Action;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::mail::queue;
use super::notifications::{Email, notify};
use crate::config::AppConfig;
use crate::db::{self, recognition as store};
use crate::domain::mail::MailKind;
use crate::domain::people::Person;
use crate::domain::recognition::{
    self as rules, Nomination, RecipientFacts, Recognition, Refusal, ReportRefusal, Status,
};
use crate::error::{AppError, AppResult, OrNotFound};
use crate::mail::compose;

/// What a pending nomination's review says when someone reviewed it first.
const ALREADY_REVIEWED: &str = "This nomination has already been reviewed.";

// ---------------------------------------------------------------------------------------
// Spotlight rotation (computed lazily, once per week, whichever replica gets there first)

/// Runs this week's spotlight round unless it has run. The week starts on Monday, UTC.
/// Claiming the round and writing its invitations happen in one transaction, so concurrent
/// requests on several replicas produce exactly one round.
pub async fn ensure_spotlight_round(
    pool: &PgPool,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<NaiveDate> {
    let week = rules::week_start(now.date_naive());
    if store::spotlight_round_exists(pool, week).await? {
        return Ok(week);
    }
    let settings = db::settings::get(pool).await?;
    if settings.spotlight_per_department <= 0 {
        return Ok(week);
    }
    let mut tx = pool.begin().await?;
    let invited = run_spotlight_round(&mut tx, week, settings.spotlight_per_department).await?;
    // An email only: the home page already shows nominators their prompt.
    let link = config.url_for("/recognition/new");
    for person in db::people::find_active(&mut *tx, &invited.unwrap_or_default()).await? {
        let content = compose::spotlight(person.first_name(), &link);
        let kind = MailKind::SpotlightNominator;
        queue(&mut tx, config, (&person).into(), kind, &content, None).await?;
    }
    tx.commit().await?;
    Ok(week)
}

/// Claims the round of `week` and invites `per_department` people in each department, the
/// least recently invited first. While fewer than two people have joined (a fresh install with
/// its first admin), there is nobody to recognise and the round isn't drawn (the scheduler
/// tries again a minute later, so people who join during the week still get their round). Returns who was invited, or `None` when the round was claimed
/// already or can't be drawn yet. Run inside a transaction (the demo runs past weeks' rounds
/// through it too).
pub async fn run_spotlight_round(
    conn: &mut PgConnection,
    week: NaiveDate,
    per_department: i32,
) -> AppResult<Option<Vec<Uuid>>> {
    let mut departments: BTreeMap<String, Vec<rules::Candidate>> = BTreeMap::new();
    for (department, candidate) in store::spotlight_candidates(&mut *conn).await? {
        departments.entry(department).or_default().push(candidate);
    }
    if departments.values().map(Vec::len).sum::<usize>() < 2 {
        return Ok(None);
    }
    if !store::claim_spotlight_round(&mut *conn, week, per_department).await? {
        return Ok(None);
    }
    let count = usize::try_from(per_department).unwrap_or(0);
    let invited: Vec<(String, Uuid)> = departments
        .iter()
        .flat_map(|(department, candidates)| {
            rules::choose_spotlight(candidates, count)
                .into_iter()
                .map(move |id| (department.clone(), id))
        })
        .collect();
    store::insert_spotlight_invitations(&mut *conn, week, &invited).await?;
    Ok(Some(invited.into_iter().map(|(_, id)| id).collect()))
}

// ---------------------------------------------------------------------------------------
// Nominating

/// What became of a nomination.
#[derive(Debug)]
pub enum Nominated {
    /// The same form was sent before (another tab, a double click): that recognition.
    AlreadySent(Uuid),
    /// A rule that needs stored facts refused it.
    Refused(Refusal),
    /// Stored, published or waiting for HR.
    Sent {
        id: Uuid,
        status: Status,
        recipient: String,
    },
}

/// Sends a checked nomination: one nomination at a time per nominator, so the weekly limit
/// and the 24-hour rule are checked against everything already stored. Whether it waits for
/// HR depends on the approval setting.
pub async fn nominate(
    pool: &PgPool,
    config: &AppConfig,
    nominator: &Person,
    nomination: &Nomination,
    submission_key: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Nominated> {
    let settings = db::settings::get(pool).await?;
    let mut tx = pool.begin().await?;
    // The nominator (one nomination at a time each) and the recipient (whose row publishing
    // updates) together, in a fixed order: two colleagues recognising each other at once wait
    // for each other instead of deadlocking (migration 0032 orders the rest).
    db::people::lock_all(&mut *tx, &[nominator.id, nomination.recipient_id]).await?;
    if let Some(id) = store::find_by_submission_key(&mut *tx, nominator.id, submission_key).await? {
        return Ok(Nominated::AlreadySent(id));
    }
    let recipient = db::people::find(&mut *tx, nomination.recipient_id).await?;
    let facts = recipient.as_ref().map(|p| RecipientFacts {
        id: p.id,
        name: p.display_name.clone(),
        active: p.active,
    });
    let since = now - Duration::days(rules::LIMIT_WINDOW_DAYS);
    let recent = store::nomination_times(&mut *tx, nominator.id, since).await?;
    let repeated = store::repeated_behaviours(
        &mut *tx,
        nominator.id,
        nomination.recipient_id,
        &nomination.behaviour_ids,
        now - Duration::hours(rules::REPEAT_HOURS),
    )
    .await?;
    let checked = rules::check_rules(
        nominator.id,
        facts.as_ref(),
        &recent,
        settings.recognition_weekly_limit,
        repeated,
        now,
    );
    let recipient = match (checked, recipient) {
        (Ok(()), Some(recipient)) => recipient,
        (Err(refusal), _) => return Ok(Nominated::Refused(refusal)),
        (Ok(()), None) => return Ok(Nominated::Refused(Refusal::UnknownRecipient)),
    };
    let status = Status::on_nomination(settings.recognition_requires_approval);
    let id = store::insert(
        &mut tx,
        nominator,
        &recipient,
        nomination,
        status,
        submission_key,
        now,
    )
    .await?;
    if status == Status::Published {
        tell_recipient(&mut tx, config, id, &nominator.display_name, &recipient).await?;
    }
    tx.commit().await?;
    Ok(Nominated::Sent {
        id,
        status,
        recipient: recipient.display_name,
    })
}

/// Reports a post: checked again with the post locked (a review or another report may have
/// happened since the form was shown), then off the wall until HR reviews it.
pub async fn report(pool: &PgPool, id: Uuid, reporter: Uuid, reason: &str) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let (on_wall, previous) = store::report_target(&mut tx, id, reporter)
        .await?
        .or_404()?;
    rules::may_report(on_wall, previous)
        .map_err(|refusal| AppError::Conflict(refusal.message().into()))?;
    if !store::report(&mut tx, id, reporter, reason).await? {
        return Err(AppError::Conflict(
            ReportRefusal::AlreadyReported.message().into(),
        ));
    }
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Moderation

/// A nomination waiting for approval, as `viewer` sees it: 404 when there is none, 409 when
/// someone reviewed it already.
pub async fn find_pending(pool: &PgPool, viewer: Uuid, id: Uuid) -> AppResult<Recognition> {
    let recognition = store::find(pool, viewer, id).await?.or_404()?;
    if recognition.status != Status::Pending {
        return Err(AppError::Conflict(ALREADY_REVIEWED.into()));
    }
    Ok(recognition)
}

/// Tells a recipient they were recognised: in the app, and by email unless they turned it off.
/// The message names who, not what they wrote: that stays in Attune.
async fn tell_recipient(
    conn: &mut PgConnection,
    config: &AppConfig,
    id: Uuid,
    nominator: &str,
    recipient: &Person,
) -> AppResult<()> {
    let link = format!("/recognition/{id}");
    let text = format!("{nominator} recognised you. Read what they wrote.");
    let content = compose::recognised(recipient.first_name(), nominator, &config.url_for(&link));
    let email = Email {
        content: &content,
        calendar: None,
    };
    notify(
        conn,
        config,
        recipient,
        MailKind::Recognised,
        &text,
        &link,
        Some(email),
    )
    .await
}

/// Publishes a pending nomination and tells its recipient.
pub async fn approve(
    pool: &PgPool,
    config: &AppConfig,
    recognition: &Recognition,
    reviewer: Actor,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    if !store::approve(&mut *tx, recognition.id, reviewer.id, now).await? {
        return Err(AppError::Conflict(ALREADY_REVIEWED.into()));
    }
    let subject = Subject::of("recognition", recognition.id).about(recognition.recipient.id);
    audit::record(&mut tx, reviewer, Action::RecognitionApproved, subject, "").await?;
    let recipient = db::people::find(&mut *tx, recognition.recipient.id).await?;
    if let Some(recipient) = recipient.filter(|p| p.active) {
        let nominator = &recognition.nominator.name;
        tell_recipient(&mut tx, config, recognition.id, nominator, &recipient).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Declines a pending nomination with a reason the nominator reads (on Given, in a
/// notification and, unless they turned it off, by email).
pub async fn reject(
    pool: &PgPool,
    config: &AppConfig,
    recognition: &Recognition,
    reviewer: Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    if !store::reject(&mut *tx, recognition.id, reviewer.id, reason, now).await? {
        return Err(AppError::Conflict(ALREADY_REVIEWED.into()));
    }
    let subject = Subject::of("recognition", recognition.id).about(recognition.nominator.id);
    audit::record(
        &mut tx,
        reviewer,
        Action::RecognitionDeclined,
        subject,
        reason,
    )
    .await?;
    let nominator = db::people::find(&mut *tx, recognition.nominator.id).await?;
    if let Some(nominator) = nominator.filter(|p| p.active) {
        let recipient = &recognition.recipient.name;
        let link = "/recognition/given";
        let text = format!("HR declined your recognition of {recipient}, and said why.");
        let content = compose::nomination_declined(
            nominator.first_name(),
            recipient,
            reason,
            &config.url_for(link),
        );
        let email = Email {
            content: &content,
            calendar: None,
        };
        let kind = MailKind::NominationDeclined;
        notify(&mut tx, config, &nominator, kind, &text, link, Some(email)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Ends the review of a reported post: back on the wall (`keep`) or removed for good.
pub async fn review_report(
    pool: &PgPool,
    reviewer: Actor,
    id: Uuid,
    keep: bool,
    now: DateTime<Utc>,
) -> AppResult<Recognition> {
    let recognition = store::find(pool, reviewer.id, id).await?.or_404()?;
    let mut tx = pool.begin().await?;
    if !store::resolve_review(&mut tx, recognition.id, reviewer.id, keep, now).await? {
        return Err(AppError::Conflict(
            "This post isn't waiting for review: someone may have reviewed it already.".into(),
        ));
    }
    let action = if keep {
        Action::ReportedPostKept
    } else {
        Action::ReportedPostRemoved
    };
    let subject = Subject::of("recognition", recognition.id).about(recognition.recipient.id);
    audit::record(&mut tx, reviewer, action, subject, "").await?;
    tx.commit().await?;
    Ok(recognition)
}

// ---------------------------------------------------------------------------------------
// Behaviours

/// Adds a behaviour at the end of the list (its position is assigned under a lock held until
/// commit). A label already on the list is `AppError::Taken` for the `label` field.
pub async fn add_behaviour(pool: &PgPool, label: &str) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    store::insert_behaviour(&mut tx, label).await?;
    tx.commit().await?;
    Ok(())
}

/// Renames a behaviour; the new wording shows on past recognitions too.
pub async fn rename_behaviour(pool: &PgPool, id: Uuid, label: &str) -> AppResult<()> {
    store::rename_behaviour(pool, id, label).await?;
    Ok(())
}

/// Swaps a behaviour with its neighbour above (`up`) or below.
pub async fn move_behaviour(pool: &PgPool, id: Uuid, up: bool) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    store::move_behaviour(&mut tx, id, up).await?;
    tx.commit().await?;
    Ok(())
}

/// Retires a behaviour (it can't be chosen any more; past recognitions keep it) or
/// reinstates it.
pub async fn set_behaviour_retired(pool: &PgPool, id: Uuid, retired: bool) -> AppResult<()> {
    store::set_behaviour_retired(pool, id, retired).await?;
    Ok(())
}
