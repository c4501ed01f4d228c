//! Demo pulse checks: a quarterly "Team pulse" with three closed rounds whose answers grow
//! warmer round by round (a visible trend), with comments; the fourth round opens about now,
//! so the scheduler puts it on everyone's home page.

use chrono::{Days, Months, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sqlx::PgConnection;

use super::DemoPerson;
use crate::app::pulse::{answer_key, close_round};
use crate::config::PulseKey;
use crate::db;
use crate::domain::pulse::{Answer, Audience, PulseInput, Repeats, STARTER_STATEMENTS};

const COMMENTS: [&str; 10] = [
    "Retros feel safer since we started asking the quiet people first.",
    "I'd like more time with people from other teams, not only in incidents.",
    "My manager checks in when things get busy, and it helps.",
    "Story night was the first time I heard what support deals with every day.",
    "Deadlines still pile up at the end of the quarter and nobody notices until someone snaps.",
    "Being thanked for specific things makes a difference.",
    "Cross-team requests still get lost sometimes.",
    "I feel I can say 'I made a mistake' now without it becoming a thing.",
    "More of the listening exercises, please.",
    "Onboarding buddies made my first month much easier.",
];

pub async fn seed(
    conn: &mut PgConnection,
    people: &[DemoPerson],
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let today = Utc::now().date_naive();
    // Nine months and two days ago: rounds 1 to 3 are over, round 4 opened two days ago.
    let first_opens_on = today
        .checked_sub_months(Months::new(9))
        .and_then(|d| d.checked_sub_days(Days::new(2)))
        .unwrap_or(today);
    let input = PulseInput {
        title: "Team pulse".into(),
        statements: STARTER_STATEMENTS
            .iter()
            .map(|(_, text)| (*text).to_string())
            .collect(),
        comment_question: "Anything else you'd like us to know?".into(),
        audience: Audience::Everyone,
        repeats: Repeats::Quarterly,
        first_opens_on,
        first_closes_on: first_opens_on + Days::new(13),
        results_public: true,
    };
    let pulse = db::pulse::insert(&mut *conn, &input).await?;
    // The demo's answers were given under a key of their own; closing drops it anyway.
    let key = PulseKey::random();
    for number in 1..=3u32 {
        let (opens_on, closes_on) = crate::domain::pulse::round_dates(
            input.repeats,
            input.first_opens_on,
            input.first_closes_on,
            number,
        )
        .expect("a quarterly pulse has every round");
        let round = db::pulse::open_round(&mut *conn, pulse, number as i32, opens_on, closes_on)
            .await?
            .expect("a new pulse has no rounds");
        db::pulse::set_invited(&mut *conn, round, people.len() as i64).await?;
        // Participation and warmth grow round by round; help across teams lags behind.
        let warmth = 0.12 * f64::from(number - 1);
        for person in people {
            if !rng.gen_bool(0.62 + 0.08 * f64::from(number)) {
                continue;
            }
            let scores = (0..input.statements.len())
                .map(|i| {
                    let lean = if i == 3 { -0.1 } else { 0.0 };
                    let p = (0.42 + warmth + lean).clamp(0.05, 0.95);
                    if rng.gen_bool(p) {
                        rng.gen_range(4..=5)
                    } else {
                        rng.gen_range(1..=3)
                    }
                })
                .collect();
            let comment = if rng.gen_bool(0.25) {
                COMMENTS[rng.gen_range(0..COMMENTS.len())].to_string()
            } else {
                String::new()
            };
            let answer = Answer { scores, comment };
            db::pulse::mark_answered(&mut *conn, round, person.id).await?;
            let hash = answer_key(&key, person.id, round);
            let (department, office) = (&person.person.department, &person.person.office);
            db::pulse::save_answer(
                &mut *conn,
                round,
                &hash,
                &answer,
                Some(department),
                Some(office),
            )
            .await?;
        }
        close_round(&mut *conn, round).await?;
    }
    Ok(())
}
