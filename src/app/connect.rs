//! Use cases for connecting across teams: taking part in conversation pairs, drawing the
//! weekly round (once across replicas), telling people and reminding them, marking a
//! conversation; opening a circle programme, signing up, forming circles, reviews, notes,
//! leaving and merging; and HR's aggregates.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Subject};
use super::notifications::{Email, notify};
use crate::config::AppConfig;
use crate::db::connect::circles::{self as circle_store, CircleHead};
use crate::db::connect::pairs::{self as store, PairView, RoundCounts, RoundFigures};
use crate::domain::audit::Action;
use crate::domain::connect::{
    self as rules, Joining, NewProgramme, Outcome, PairSettings, Participation, Programme, Review,
    Rules, Stage,
};
use crate::domain::mail::MailKind;
use crate::domain::people::Person;
use crate::domain::time;
use crate::error::{AppError, AppResult, OrNotFound};
use crate::mail::compose::Content;

/// Where people see their conversations.
pub const CONVERSATIONS: &str = "/connect";

fn conflict(message: &str) -> AppError {
    AppError::Conflict(message.to_string())
}

/// A seed for a week's round: the same week always draws the same way from the same people.
fn seed_for(week: NaiveDate) -> i64 {
    i64::from(week.num_days_from_ce()).wrapping_mul(0x5DEE_CE66_D1CE_4E5B)
}

// ---------------------------------------------------------------------------------------
// Taking part

/// The first round a person joining now can be in: this week's, unless it was drawn.
async fn first_round(pool: &PgPool, now: DateTime<Utc>) -> AppResult<NaiveDate> {
    let week = rules::round_of(now.date_naive());
    Ok(if store::round_exists(pool, week).await? {
        week + Duration::weeks(1)
    } else {
        week
    })
}

pub async fn participation(pool: &PgPool, person: &Person) -> AppResult<Option<Participation>> {
    Ok(store::participation(pool, person.id).await?)
}

pub async fn join(
    pool: &PgPool,
    person: &Person,
    joining: Joining,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let first = first_round(pool, now).await?;
    store::join(pool, person.id, joining, first).await?;
    Ok(())
}

/// Pauses or resumes; 409 when the person doesn't take part.
pub async fn set_paused(
    pool: &PgPool,
    person: &Person,
    paused: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let first = first_round(pool, now).await?;
    if !store::set_paused(pool, person.id, paused, first).await? {
        return Err(conflict(
            "You don't take part in conversation pairs yet, so there is nothing to pause or resume.",
        ));
    }
    Ok(())
}

/// Stops taking part; returns whether they were.
pub async fn leave(pool: &PgPool, person: &Person) -> AppResult<bool> {
    Ok(store::leave(pool, person.id).await?)
}

// ---------------------------------------------------------------------------------------
// The weekly round

/// Draws this week's round unless it was drawn. Claiming the week and writing its groups
/// happen in one transaction: a replica claiming the same week meanwhile waits for it, then
/// finds the week taken. Returns how many groups it made (0 when another replica drew it).
/// While fewer than two people are due the week isn't claimed, so the first people to opt in
/// on a fresh install are paired within a minute rather than the next Monday.
pub async fn ensure_pair_round(pool: &PgPool, now: DateTime<Utc>) -> AppResult<usize> {
    let week = rules::round_of(now.date_naive());
    if store::round_exists(pool, week).await? || !store::two_due(pool, week).await? {
        return Ok(0);
    }
    let mut tx = pool.begin().await?;
    let Some(groups) = draw_round(&mut tx, week, now).await? else {
        return Ok(0);
    };
    tx.commit().await?;
    Ok(groups)
}

/// Claims the round of `week` and draws it (inside the caller's transaction): reads who is
/// due and the pairs of the no-repeat window, pairs them off the async workers, writes the
/// groups. `None` when the week was claimed already. The demo draws past weeks through it.
pub async fn draw_round(
    conn: &mut PgConnection,
    week: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<Option<usize>> {
    let seed = seed_for(week);
    if !store::claim_round(conn, week, seed).await? {
        return Ok(None);
    }
    let settings = store::settings(&mut *conn).await?;
    let due = store::due(conn, week).await?;
    let (participants, paused) = store::participant_counts(conn).await?;
    let since = week - Duration::weeks(i64::from(settings.no_repeat_rounds));
    let recent: HashSet<(Uuid, Uuid)> = store::pairs_since(conn, since)
        .await?
        .into_iter()
        .map(|(a, b)| rules::pair_key(a, b))
        .collect();
    let candidates: Vec<rules::Candidate> = due
        .into_iter()
        .map(|(mut candidate, zone)| {
            candidate.utc_offset_minutes = rules::offset_minutes(zone, now);
            candidate
        })
        .collect();
    let pairing = Rules {
        cross_team_only: settings.cross_team_only,
    };
    let due_count = candidates.len();
    let drawn = tokio::task::spawn_blocking(move || {
        rules::draw(&candidates, &recent, pairing, seed.cast_unsigned())
    })
    .await
    .map_err(|err| AppError::Internal(err.into()))?;
    let to_i32 = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let counts = RoundCounts {
        participants: i32::try_from(participants).unwrap_or(i32::MAX),
        paused: i32::try_from(paused).unwrap_or(i32::MAX),
        due: to_i32(due_count),
        placed: to_i32(due_count - drawn.unplaced.len()),
    };
    store::insert_groups(conn, week, &drawn.groups, counts).await?;
    tracing::info!(
        groups = drawn.groups.len(),
        unplaced = drawn.unplaced.len(),
        "conversation round drawn"
    );
    Ok(Some(drawn.groups.len()))
}

/// Groups told or reminded per transaction.
const BATCH: i64 = 200;
/// Batches per scheduler tick (the rest wait for the next minute).
const BATCHES_PER_TICK: usize = 50;

/// Tells the members of newly drawn groups whom they're paired with (a notification and an
/// email with a proposed time as a calendar file), in batches each claimed by one replica.
pub async fn announce_pairs(
    pool: &PgPool,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let mut told = 0;
    for _ in 0..BATCHES_PER_TICK {
        let mut tx = pool.begin().await?;
        let groups = store::claim_unannounced(&mut tx, now, BATCH).await?;
        if groups.is_empty() {
            break;
        }
        told += tell_groups(&mut tx, config, &groups, Telling::Paired, now).await?;
        tx.commit().await?;
    }
    Ok(told)
}

/// A gentle reminder to groups whose conversation nobody marked within a few days of the
/// round (once per group, for rounds of the last three weeks).
pub async fn send_pair_reminders(
    pool: &PgPool,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let latest = now.date_naive() - Duration::days(rules::REMINDER_AFTER_DAYS);
    let oldest = latest - Duration::weeks(3);
    let mut told = 0;
    for _ in 0..BATCHES_PER_TICK {
        let mut tx = pool.begin().await?;
        let groups = store::claim_reminders(&mut tx, oldest, latest, now, BATCH).await?;
        if groups.is_empty() {
            break;
        }
        told += tell_groups(&mut tx, config, &groups, Telling::Reminder, now).await?;
        tx.commit().await?;
    }
    Ok(told)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Telling {
    Paired,
    Reminder,
}

async fn tell_groups(
    tx: &mut PgConnection,
    config: &AppConfig,
    groups: &[(Uuid, NaiveDate, rules::Mode)],
    telling: Telling,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let ids: Vec<Uuid> = groups.iter().map(|g| g.0).collect();
    let mut members: HashMap<Uuid, Vec<Person>> = HashMap::new();
    for (group, person) in store::members_of(tx, &ids).await? {
        members.entry(group).or_default().push(person);
    }
    let link = config.url_for(CONVERSATIONS);
    let mut told = 0;
    for (group, week, mode) in groups {
        let Some(people) = members.get(group) else {
            continue;
        };
        let prompts = rules::prompts_for(*group);
        let zones: Vec<_> = people.iter().map(|p| p.time_zone).collect();
        let proposed = rules::proposed_time(*week, &zones, now);
        for person in people {
            let others: Vec<&Person> = people.iter().filter(|p| p.id != person.id).collect();
            if others.is_empty() {
                continue;
            }
            let names = others
                .iter()
                .map(|p| p.display_name.as_str())
                .collect::<Vec<_>>()
                .join(" and ");
            let (kind, text, content, calendar) = match telling {
                Telling::Paired => {
                    let content = paired_content(person, &others, *mode, proposed, &prompts, &link);
                    let ics = rules::conversation_calendar(
                        *group,
                        proposed,
                        *mode,
                        &others
                            .iter()
                            .map(|p| p.display_name.clone())
                            .collect::<Vec<_>>(),
                        &prompts,
                        &link,
                        "REQUEST",
                    );
                    (
                        MailKind::PairMatched,
                        format!(
                            "You're paired with {names} for a conversation {}.",
                            mode.label()
                        ),
                        content,
                        Some((ics, "REQUEST")),
                    )
                }
                Telling::Reminder => (
                    MailKind::PairReminder,
                    format!("Did your conversation with {names} happen? Mark it, or skip it."),
                    reminder_content(person, &names, &link),
                    None,
                ),
            };
            let email = Email {
                content: &content,
                calendar,
            };
            notify(
                &mut *tx,
                config,
                person,
                kind,
                &text,
                CONVERSATIONS,
                Some(email),
            )
            .await?;
            told += 1;
        }
    }
    Ok(told)
}

fn paired_content(
    person: &Person,
    others: &[&Person],
    mode: rules::Mode,
    proposed: DateTime<Utc>,
    prompts: &[&str],
    link: &str,
) -> Content {
    let names = others
        .iter()
        .map(|p| p.display_name.as_str())
        .collect::<Vec<_>>()
        .join(" and ");
    let mut details: Vec<(String, String)> = others
        .iter()
        .map(|p| {
            let team = [p.department.as_str(), p.office.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            let about = if team.is_empty() {
                p.email.clone()
            } else {
                format!("{} ({team})", p.email)
            };
            (p.display_name.clone(), about)
        })
        .collect();
    details.push((
        "A time to start from".into(),
        format!(
            "{} ({}), in the calendar file: move it to suit you both",
            time::weekday_date_time(proposed, person.time_zone),
            person.time_zone.name()
        ),
    ));
    Content {
        subject: format!("You're paired with {names}"),
        greeting: format!("Hello {},", person.first_name()),
        paragraphs: vec![
            format!(
                "This round you're paired with {names} for a 20 to 30 minute conversation {}. \
                 Drop them a line to find a time that works.",
                mode.label()
            ),
            format!("Some questions to start with: {}", prompts.join(" ")),
            "Afterwards, mark it as happened in Attune (or skip it if it couldn't happen).".into(),
        ],
        action: Some(("See your conversation".into(), link.to_string())),
        details,
    }
}

fn reminder_content(person: &Person, names: &str, link: &str) -> Content {
    Content {
        subject: format!("How did your conversation with {names} go?"),
        greeting: format!("Hello {},", person.first_name()),
        paragraphs: vec![format!(
            "A gentle nudge: your conversation with {names} isn't marked yet. If you've met, \
                 mark it as happened; if it can't happen this time, skip it. Either is fine."
        )],
        action: Some(("Mark your conversation".into(), link.to_string())),
        details: Vec::new(),
    }
}

/// The person's current conversation and a few before it, newest first.
pub async fn my_pairs(pool: &PgPool, person: &Person, limit: i64) -> AppResult<Vec<PairView>> {
    let mut conn = pool.acquire().await?;
    Ok(store::latest_for(&mut conn, person.id, limit).await?)
}

/// One conversation, only for its members (anyone else, HR included: 404).
pub async fn pair_for_member(pool: &PgPool, person: &Person, group: Uuid) -> AppResult<PairView> {
    let mut conn = pool.acquire().await?;
    store::for_member(&mut conn, group, person.id)
        .await?
        .or_404()
}

/// Marks a conversation as happened or skipped (either member may; the latest word holds).
pub async fn mark(
    pool: &PgPool,
    person: &Person,
    group: Uuid,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> AppResult<PairView> {
    let mut tx = pool.begin().await?;
    let view = store::for_member(&mut tx, group, person.id)
        .await?
        .or_404()?;
    store::mark(&mut tx, group, outcome, now).await?;
    tx.commit().await?;
    Ok(view)
}

pub async fn pair_settings(pool: &PgPool) -> AppResult<PairSettings> {
    Ok(store::settings(pool).await?)
}

pub async fn save_pair_settings(
    pool: &PgPool,
    actor: Actor,
    settings: PairSettings,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    store::save_settings(&mut *tx, settings).await?;
    let details = format!(
        "Pairing: {}; no repeat within {} weeks",
        if settings.cross_team_only {
            "cross-team only"
        } else {
            "mixed"
        },
        settings.no_repeat_rounds
    );
    audit::record(
        &mut tx,
        actor,
        Action::PairSettingsChanged,
        Subject::kind("connect_settings"),
        &details,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A round as HR may see it: its figures only when at least the anonymity threshold of
/// people were placed in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundShown {
    pub week_start: NaiveDate,
    pub figures: Option<RoundFigures>,
}

/// The latest rounds for HR, newest first, under HR's anonymity `threshold`.
pub async fn round_figures(
    pool: &PgPool,
    limit: i64,
    threshold: i64,
) -> AppResult<Vec<RoundShown>> {
    Ok(store::rounds(pool, limit)
        .await?
        .into_iter()
        .map(|round| RoundShown {
            week_start: round.week_start,
            figures: (i64::from(round.placed) >= threshold
                && i64::from(round.participants) >= threshold)
                .then_some(round),
        })
        .collect())
}

// ---------------------------------------------------------------------------------------
// Peer learning circles

pub async fn open_programme(
    pool: &PgPool,
    actor: Actor,
    programme: &NewProgramme,
) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = circle_store::insert_programme(&mut tx, programme, actor.id).await?;
    audit::record(
        &mut tx,
        actor,
        Action::CircleProgrammeOpened,
        Subject::of("circle_programme", id),
        &programme.theme,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn programme(pool: &PgPool, id: Uuid) -> AppResult<Programme> {
    circle_store::programme(pool, id).await?.or_404()
}

/// Signs up, or withdraws, while sign-ups are open (409 otherwise).
pub async fn set_signed_up(
    pool: &PgPool,
    person: &Person,
    id: Uuid,
    signed_up: bool,
    now: DateTime<Utc>,
) -> AppResult<Programme> {
    let mut tx = pool.begin().await?;
    let programme = circle_store::lock_programme(&mut tx, id).await?.or_404()?;
    match programme.stage(programme.today(now)) {
        Stage::SigningUp => {}
        Stage::NotOpenYet => {
            return Err(conflict("Sign-ups for this programme haven't opened yet."));
        }
        _ => return Err(conflict("Sign-ups for this programme have closed.")),
    }
    if signed_up {
        circle_store::sign_up(&mut tx, id, person.id).await?;
    } else {
        circle_store::withdraw(&mut tx, id, person.id).await?;
    }
    tx.commit().await?;
    Ok(programme)
}

/// What forming made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormedCircles {
    pub circles: usize,
    pub placed: usize,
    pub unplaced: usize,
}

/// Forms a programme's circles from its sign-ups once sign-ups have closed (409 before, or
/// when formed already), and tells everyone.
pub async fn form_circles(
    pool: &PgPool,
    config: &AppConfig,
    actor: Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<FormedCircles> {
    let mut tx = pool.begin().await?;
    let programme = circle_store::lock_programme(&mut tx, id).await?.or_404()?;
    match programme.stage(programme.today(now)) {
        Stage::ReadyToForm => {}
        Stage::Formed => {
            return Err(conflict(
                "The circles of this programme are formed already.",
            ));
        }
        _ => {
            return Err(conflict(
                "Circles are formed once sign-ups close, so everyone who wants to can join.",
            ));
        }
    }
    let signups: Vec<rules::SignUp> = circle_store::signups(&mut tx, id)
        .await?
        .into_iter()
        .map(|(mut signup, zone)| {
            signup.utc_offset_minutes = rules::offset_minutes(zone, now);
            signup
        })
        .collect();
    let circle_rules = rules::CircleRules {
        size: usize::try_from(programme.circle_size).unwrap_or(rules::MIN_SIZE),
        cross_functional: programme.cross_functional,
    };
    let seed = id.as_u64_pair().0;
    let formed = rules::form_circles(&signups, circle_rules, seed);
    let ids = circle_store::insert_circles(&mut tx, id, &formed.circles, now).await?;
    let sessions = circle_store::sessions(&mut *tx, id).await?;
    for (circle, members) in ids.iter().zip(&formed.circles) {
        let path = circle_path(*circle);
        let link = config.url_for(&path);
        let ics = rules::circle_calendar(*circle, &programme.theme, &sessions, &link, "REQUEST");
        for person in crate::db::people::find_active(&mut *tx, members).await? {
            let content = Content {
                subject: format!("Your learning circle: {}", programme.theme),
                greeting: format!("Hello {},", person.first_name()),
                paragraphs: vec![
                    format!(
                        "Your peer learning circle on \u{201c}{}\u{201d} is formed: {} people \
                         from around the company. The session dates are in the calendar file.",
                        programme.theme,
                        members.len()
                    ),
                    "After each session, write a short review together: what happened, what you \
                     learned about each other's roles, what you'll try. Only your circle sees it."
                        .into(),
                ],
                action: Some(("Open your circle".into(), link.clone())),
                details: sessions
                    .iter()
                    .map(|s| {
                        (
                            format!("Session {}", s.number),
                            time::weekday_date_time(s.starts_at, person.time_zone),
                        )
                    })
                    .collect(),
            };
            let text = format!(
                "Your learning circle on \u{201c}{}\u{201d} is formed.",
                programme.theme
            );
            let email = Email {
                content: &content,
                calendar: Some((ics.clone(), "REQUEST")),
            };
            notify(
                &mut tx,
                config,
                &person,
                MailKind::CircleFormed,
                &text,
                &path,
                Some(email),
            )
            .await?;
        }
    }
    if !formed.unplaced.is_empty() {
        let text = format!(
            "Not enough people signed up to form a circle for you in \u{201c}{}\u{201d}. Sorry: \
             the next programme will have room.",
            programme.theme
        );
        for person in crate::db::people::find_active(&mut *tx, &formed.unplaced).await? {
            let path = programme_path(id);
            notify(
                &mut tx,
                config,
                &person,
                MailKind::CircleFormed,
                &text,
                &path,
                None,
            )
            .await?;
        }
    }
    let placed: usize = formed.circles.iter().map(Vec::len).sum();
    let details = format!(
        "{}: {} circles, {placed} people placed, {} not placed",
        programme.theme,
        formed.circles.len(),
        formed.unplaced.len()
    );
    audit::record(
        &mut tx,
        actor,
        Action::CirclesFormed,
        Subject::of("circle_programme", id),
        &details,
    )
    .await?;
    tx.commit().await?;
    Ok(FormedCircles {
        circles: formed.circles.len(),
        placed,
        unplaced: formed.unplaced.len(),
    })
}

pub fn circle_path(id: Uuid) -> String {
    format!("/connect/circles/{id}")
}

pub fn programme_path(id: Uuid) -> String {
    format!("/connect/programmes/{id}")
}

/// A circle, only for its current members (anyone else, HR and organizers included: 404).
pub async fn circle_for_member(
    pool: &PgPool,
    person: &Person,
    circle: Uuid,
) -> AppResult<CircleHead> {
    circle_store::for_member(pool, circle, person.id)
        .await?
        .or_404()
}

/// Saves the review of a session that has started (409 before).
pub async fn save_review(
    pool: &PgPool,
    person: &Person,
    circle: Uuid,
    session: Uuid,
    review: &Review,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let head = circle_for_member(pool, person, circle).await?;
    let sessions = circle_store::sessions(pool, head.programme_id).await?;
    let session = sessions.iter().find(|s| s.id == session).or_404()?;
    if session.starts_at > now {
        return Err(conflict(
            "A session's review can be written once the session has started.",
        ));
    }
    circle_store::save_review(pool, circle, session.id, review, person.id).await?;
    Ok(())
}

pub async fn add_note(pool: &PgPool, person: &Person, circle: Uuid, body: &str) -> AppResult<()> {
    circle_for_member(pool, person, circle).await?;
    circle_store::add_note(pool, circle, person.id, body).await?;
    Ok(())
}

/// Leaves a circle; the others are told (with a word that the organizer may merge a circle
/// that gets small).
pub async fn leave_circle(
    pool: &PgPool,
    config: &AppConfig,
    person: &Person,
    circle: Uuid,
    now: DateTime<Utc>,
) -> AppResult<CircleHead> {
    let mut tx = pool.begin().await?;
    let head = circle_store::for_member(&mut *tx, circle, person.id)
        .await?
        .or_404()?;
    circle_store::leave(&mut tx, circle, person.id, now).await?;
    let remaining: Vec<Uuid> = circle_store::members(&mut *tx, circle)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let path = circle_path(circle);
    let mut text = format!(
        "{} has left your learning circle on \u{201c}{}\u{201d}.",
        person.display_name, head.theme
    );
    if remaining.len() < rules::MIN_SIZE {
        text.push_str(" The circle carries on; the organizer may also merge it with another.");
    }
    for other in crate::db::people::find_active(&mut *tx, &remaining).await? {
        let content = Content {
            subject: format!("{} has left your learning circle", person.display_name),
            greeting: format!("Hello {},", other.first_name()),
            paragraphs: vec![text.clone()],
            action: Some(("Open your circle".into(), config.url_for(&path))),
            details: Vec::new(),
        };
        let email = Email {
            content: &content,
            calendar: None,
        };
        notify(
            &mut tx,
            config,
            &other,
            MailKind::CircleMemberLeft,
            &text,
            &path,
            Some(email),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(head)
}

/// Merges a circle into the programme's others: each remaining member joins the smallest
/// circle with room. 409 when the others haven't room, or it was merged already.
pub async fn merge_circle(
    pool: &PgPool,
    config: &AppConfig,
    actor: Actor,
    circle: Uuid,
    now: DateTime<Utc>,
) -> AppResult<CircleHead> {
    let mut tx = pool.begin().await?;
    let head = circle_store::head(&mut *tx, circle).await?.or_404()?;
    circle_store::lock_programme(&mut tx, head.programme_id)
        .await?
        .or_404()?;
    if head.merged_at.is_some() {
        return Err(conflict("This circle was merged already."));
    }
    let members = circle_store::members(&mut *tx, circle).await?;
    let others: Vec<(Uuid, usize)> = circle_store::circles_of(&mut *tx, head.programme_id)
        .await?
        .into_iter()
        .filter(|c| c.id != circle && c.merged_at.is_none())
        .map(|c| (c.id, c.names.len()))
        .collect();
    let leaving: Vec<Uuid> = members.iter().map(|m| m.id).collect();
    let Some(moves) = rules::disperse(&leaving, &others) else {
        return Err(conflict(
            "The other circles haven't room for everyone in this one (circles have at most 6 \
             members), so it carries on as it is.",
        ));
    };
    circle_store::merge(&mut tx, circle, &moves, now).await?;
    for (person_id, into) in &moves {
        let Some(person) = crate::db::people::find_active(&mut *tx, &[*person_id])
            .await?
            .pop()
        else {
            continue;
        };
        let path = circle_path(*into);
        let text = format!(
            "Your learning circle on \u{201c}{}\u{201d} has joined another: your circle page has \
             your new members.",
            head.theme
        );
        notify(
            &mut tx,
            config,
            &person,
            MailKind::CircleFormed,
            &text,
            &path,
            None,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        actor,
        Action::CircleMerged,
        Subject::of("circle", circle),
        &format!(
            "{}: circle {} merged, {} people moved",
            head.theme,
            head.number,
            moves.len()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(head)
}

/// A programme as HR sees it: counts only, each shown only when about enough people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeFigures {
    pub theme: String,
    pub signup_closes_on: NaiveDate,
    pub formed: bool,
    /// None when fewer than the anonymity threshold signed up.
    pub signed_up: Option<i32>,
    /// Circles formed, sessions reviewed and the share still in their circle, when at least
    /// the threshold were placed.
    pub circles: Option<(i32, i64, i64)>,
}

pub async fn circle_figures(
    pool: &PgPool,
    now: DateTime<Utc>,
    threshold: i64,
) -> AppResult<Vec<ProgrammeFigures>> {
    let since = now.date_naive() - Duration::days(365);
    let programmes = circle_store::recent_programmes(pool, since, 20).await?;
    let ids: Vec<Uuid> = programmes.iter().map(|p| p.id).collect();
    let reviewed: HashMap<Uuid, i64> = circle_store::reviewed_sessions(pool, &ids)
        .await?
        .into_iter()
        .collect();
    Ok(programmes
        .into_iter()
        .map(|p| {
            let enough = |n: i32| i64::from(n) >= threshold;
            let retention = if p.placed > 0 {
                i64::from(p.placed - p.left_early) * 100 / i64::from(p.placed)
            } else {
                0
            };
            ProgrammeFigures {
                signed_up: enough(p.signed_up).then_some(p.signed_up),
                circles: (p.formed_at.is_some() && enough(p.placed)).then(|| {
                    (
                        p.circles,
                        reviewed.get(&p.id).copied().unwrap_or(0),
                        retention,
                    )
                }),
                formed: p.formed_at.is_some(),
                theme: p.theme,
                signup_closes_on: p.signup_closes_on,
            }
        })
        .collect())
}

/// The scheduler's work for pairs, each minute: draw the week's round if it isn't, tell the
/// newly paired, remind those who haven't marked their conversation.
pub async fn run_scheduled(pool: &PgPool, config: &AppConfig, now: DateTime<Utc>) -> AppResult<()> {
    ensure_pair_round(pool, now).await?;
    announce_pairs(pool, config, now).await?;
    send_pair_reminders(pool, config, now).await?;
    Ok(())
}
