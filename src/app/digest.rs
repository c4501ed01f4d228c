//! The weekly digest, for people who asked for it: what went on the wall, the next story
//! nights and one thing to try. It goes out once a week (claimed in `digest_weeks`, in the
//! same transaction as its messages) from Monday 07:00 UTC, however many instances run.

use chrono::{DateTime, Duration, Timelike, Utc};
use sqlx::PgPool;

use super::mail::queue;
use super::resources::recommend_for;
use crate::config::AppConfig;
use crate::db;
use crate::domain::events::describe_span;
use crate::domain::mail::MailKind;
use crate::domain::recognition::week_start;
use crate::error::AppResult;
use crate::mail::compose::Content;

/// The hour (UTC) on Monday from which the digest goes out.
const SEND_FROM_HOUR: u32 = 7;

/// Sends this week's digest unless it went out; returns how many people it was queued for.
pub async fn send_weekly_digest(
    pool: &PgPool,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let week = week_start(now.date_naive());
    if now.date_naive() == week && now.hour() < SEND_FROM_HOUR {
        return Ok(0);
    }
    let mut tx = pool.begin().await?;
    if !db::mail::claim_digest_week(&mut *tx, week).await? {
        return Ok(0);
    }
    let posts = db::recognition::wall_posts_since(&mut *tx, now - Duration::days(7)).await?;
    let nights = db::events::next_published(&mut *tx, now, 3).await?;
    let ids = db::mail::subscribers(&mut *tx, MailKind::WeeklyDigest).await?;
    let people = db::people::find_active(&mut *tx, &ids).await?;
    for person in &people {
        let latest = db::quiz::latest(pool, person.id).await?;
        let suggestion = recommend_for(pool, person, latest.as_ref())
            .await?
            .into_iter()
            .next();
        let mut paragraphs = vec![match posts {
            0 => "Nothing new went on the recognition wall this week. Seen a colleague's kindness lately? Say so.".to_string(),
            1 => "1 colleague was recognised on the wall this week.".to_string(),
            n => format!("{n} colleagues were recognised on the wall this week."),
        }];
        if let Some(suggestion) = &suggestion {
            paragraphs.push(format!(
                "Something to try: {}. {}",
                suggestion.resource.title, suggestion.reason
            ));
        }
        let details = nights
            .iter()
            .map(|event| {
                (
                    event.title.clone(),
                    format!(
                        "{} ({})",
                        describe_span(event.starts_at, event.ends_at, person.time_zone),
                        person.time_zone.name()
                    ),
                )
            })
            .collect();
        let content = Content {
            subject: "Your week in Attune".into(),
            greeting: format!("Hello {},", person.first_name()),
            paragraphs,
            action: Some(("Open Attune".into(), config.url_for("/"))),
            details,
        };
        queue(
            &mut tx,
            config,
            person.into(),
            MailKind::WeeklyDigest,
            &content,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(people.len())
}
