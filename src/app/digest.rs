//! The weekly digest, for people who asked for it: what went on the wall, the next story
//! nights and one thing to try. It goes out once a week (claimed in `digest_weeks`, in the
//! same transaction as its messages) from Monday 07:00 UTC, however many instances run.

use chrono::{DateTime, Duration, Timelike, Utc};
use sqlx::PgPool;

use super::mail::queue;
use super::resources::{Recommended, recommend_for};
use crate::config::AppConfig;
use crate::db;
use crate::domain::events::{Event, describe_span};
use crate::domain::mail::MailKind;
use crate::domain::people::Person;
use crate::domain::recognition::week_start;
use crate::error::AppResult;
use crate::mail::compose::Content;

/// The hour (UTC) on Monday from which the digest goes out.
const SEND_FROM_HOUR: u32 = 7;

/// Sends this week's digest unless it went out; returns how many people it was queued for.
/// Everything is read first, then the week is claimed and the messages queued in one short
/// transaction: an instance doing the same at the same moment loses the claim.
pub async fn send_weekly_digest(
    pool: &PgPool,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let week = week_start(now.date_naive());
    if now.date_naive() == week && now.hour() < SEND_FROM_HOUR {
        return Ok(0);
    }
    if db::mail::digest_week_sent(pool, week).await? {
        return Ok(0);
    }
    let posts = db::recognition::wall_posts_since(pool, now - Duration::days(7)).await?;
    let nights = db::events::next_published(pool, now, 3).await?;
    let ids = db::mail::subscribers(pool, MailKind::WeeklyDigest).await?;
    let people = db::people::find_active(pool, &ids).await?;
    let mut messages = Vec::with_capacity(people.len());
    for person in &people {
        let latest = db::quiz::latest(pool, person.id).await?;
        let suggestions = recommend_for(pool, person, latest.as_ref()).await?;
        let content = digest(config, person, posts, &nights, suggestions.first());
        messages.push((person, content));
    }
    let mut tx = pool.begin().await?;
    if !db::mail::claim_digest_week(&mut *tx, week).await? {
        return Ok(0);
    }
    for (person, content) in &messages {
        let to = (*person).into();
        queue(&mut tx, config, to, MailKind::WeeklyDigest, content, None).await?;
    }
    tx.commit().await?;
    Ok(messages.len())
}

/// One person's digest, with the story nights in their own time zone.
fn digest(
    config: &AppConfig,
    person: &Person,
    posts: i64,
    nights: &[Event],
    suggestion: Option<&Recommended>,
) -> Content {
    let mut paragraphs = vec![match posts {
        0 => "Nothing new went on the recognition wall this week. Seen a colleague's kindness \
              lately? Say so."
            .to_string(),
        1 => "1 colleague was recognised on the wall this week.".to_string(),
        n => format!("{n} colleagues were recognised on the wall this week."),
    }];
    if let Some(suggestion) = suggestion {
        paragraphs.push(format!(
            "Something to try: {}. {}",
            suggestion.resource.title, suggestion.reason
        ));
    }
    let zone = person.time_zone;
    let details = nights
        .iter()
        .map(|event| {
            let when = describe_span(event.starts_at, event.ends_at, zone);
            (event.title.clone(), format!("{when} ({})", zone.name()))
        })
        .collect();
    Content {
        subject: "Your week in Attune".into(),
        greeting: format!("Hello {},", person.first_name()),
        paragraphs,
        action: Some(("Open Attune".into(), config.url_for("/"))),
        details,
    }
}
