//! `attune demo --people N`: the sample company grown to N people with a year of history,
//! for load tests and for seeing Attune at the size of a large company. About three quiz
//! attempts per person over the year, two plan items each, 10,000 resources, 2,000 story
//! nights with RSVPs and pitches, ten recognitions per person, and eight weeks of spotlight
//! rounds. Everything is made inside PostgreSQL in set-based statements (quiz answers are
//! scored here, by the questionnaire's own rules, and sent in batches).

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{FIRST_NAMES, LAST_NAMES, quiz::answers_around};
use crate::db::{self, scale};
use crate::domain::recognition::week_start;
use crate::domain::teq;

/// Library size and story nights of a grown company.
const RESOURCES: i64 = 10_000;
const STORY_NIGHTS: i64 = 2_000;
const RECOGNITIONS_PER_PERSON: i32 = 10;
/// Quiz attempts are sent this many at a time.
const BATCH: usize = 20_000;

fn step(started: Instant, what: &str) {
    println!("  {what} ({:.1} s)", started.elapsed().as_secs_f64());
}

/// Adds `extra` generated people and their history (with the figure triggers off; the
/// figures are worked out once at the end).
pub async fn grow(
    conn: &mut PgConnection,
    extra: i64,
    password_hash: &str,
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    scale::figure_triggers(&mut *conn, false).await?;
    let ids = scale::people(
        &mut *conn,
        extra,
        &FIRST_NAMES,
        &LAST_NAMES,
        password_hash,
        now,
    )
    .await?;
    step(started, &format!("{extra} more people"));
    quiz_attempts(&mut *conn, &ids, rng, now).await?;
    step(started, "quiz attempts over the year");
    scale::resources_and_plans(&mut *conn, RESOURCES, &ids, now).await?;
    step(started, "resources and plans");
    scale::story_nights(&mut *conn, STORY_NIGHTS, &ids, now).await?;
    step(started, "story nights, RSVPs and pitches");
    scale::recognitions(&mut *conn, &ids, RECOGNITIONS_PER_PERSON, now).await?;
    step(started, "recognitions");
    scale::rebuild_figures(&mut *conn).await?;
    scale::figure_triggers(&mut *conn, true).await?;
    // The last eight weeks of spotlight rounds, by the same rules as every week's.
    let this_week = week_start(now.date_naive());
    for weeks_ago in (1..=8).rev() {
        let week = this_week - Duration::weeks(weeks_ago);
        crate::app::recognition::run_spotlight_round(&mut *conn, week, 2).await?;
    }
    step(started, "spotlight rounds and figures");
    Ok(())
}

/// One to four attempts per person over the last year (one in eight hasn't taken it), each
/// around the person's own tendency, scored exactly as the quiz scores them.
async fn quiz_attempts(
    conn: &mut PgConnection,
    ids: &[Uuid],
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut rows = empty_rows();
    for (n, id) in ids.iter().enumerate() {
        if n % 8 == 7 {
            continue;
        }
        let tendency = rng.gen_range(1.8..3.4);
        let attempts = rng.gen_range(1..=4);
        let mut days_ago: i64 = rng.gen_range(200..365);
        for _ in 0..attempts {
            let answers = answers_around(tendency, rng);
            let score = teq::score(&answers);
            rows.person_id.push(*id);
            let values: Vec<String> = answers.values().iter().map(u8::to_string).collect();
            rows.answers.push(format!("{{{}}}", values.join(",")));
            rows.total.push(i16::from(score.total));
            for (i, aspect) in score.aspects.iter().enumerate() {
                rows.means[i].push(aspect.mean);
            }
            rows.taken_at
                .push(now - Duration::days(days_ago) - Duration::minutes(n as i64 % 600));
            days_ago = (days_ago - rng.gen_range(35..120)).max(1);
        }
        if rows.person_id.len() >= BATCH {
            db::scale::quiz_attempts(&mut *conn, &rows).await?;
            rows = empty_rows();
        }
    }
    if !rows.person_id.is_empty() {
        db::scale::quiz_attempts(&mut *conn, &rows).await?;
    }
    Ok(())
}

fn empty_rows() -> scale::AttemptRows {
    scale::AttemptRows {
        person_id: Vec::new(),
        answers: Vec::new(),
        total: Vec::new(),
        means: Default::default(),
        taken_at: Vec::new(),
    }
}
