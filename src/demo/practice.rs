//! Demo practice: the starter calendar (with the last two months as history), a film
//! exercise and a colleague's role story published as an exercise, a story waiting for HR,
//! reflections and a takeaway board, challenge participants and a few private journals.

use chrono::{Duration, Months, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sqlx::PgConnection;
use uuid::Uuid;

use super::DemoPerson;
use crate::db;
use crate::domain::practice::{
    ChallengeInput, ExerciseInput, Format, JournalInput, Reflections, STARTER_CALENDAR, StoryInput,
    StoryStatus, month_of,
};
use crate::domain::resources::PlanStatus;
use crate::domain::teq::Aspect;

const STORY: &str = "My shift on the support line starts at seven, before most of you are awake. The first hour is \
people who have been stuck since last night: a shop that can't take payments, a nurse whose rota won't load. \
They are rarely angry at me, but they are almost always frightened, and I carry that from call to call.\n\n\
What you don't see is the ten seconds between calls when I decide to sound fresh for the next person. Or the \
customer who thanks me by name a week later, which keeps me going for a month.\n\n\
When a release goes out on a Friday afternoon, I am the one who hears about it first. A quick message in \
our channel before you ship, so we know what's coming, makes all the difference.";

const TRANSCRIPT: &str = "The film opens in a hospital corridor. People pass each other without looking up.\n\n\
Over each person, a line of text appears: \"Just found out her father has weeks to live.\" \"Waiting for his \
biopsy results.\" \"Her son was accepted to university today.\" \"Hasn't slept properly in a month.\"\n\n\
The narrator asks: if you could stand in someone else's shoes, hear what they hear, see what they see and \
feel what they feel, would you treat them differently?";

const REFLECTIONS: [&str; 4] = [
    "The man at the coffee machine. I assumed he was rude; he might have been carrying anything.",
    "I'd ask Kofi how the move is going, properly, instead of talking about the sprint.",
    "That the calm voice on the phone is a choice someone makes every ten seconds.",
    "Tell support before we ship on a Friday. It costs me one message.",
];

const TAKEAWAYS: [&str; 7] = [
    "Everyone is carrying something I can't see.",
    "Ask first, assume later.",
    "A kind word to a stranger costs nothing.",
    "I'll look up from my phone in the lift.",
    "The grumpy email might come from a hard morning.",
    "Notice the quiet ones.",
    "Ten seconds of patience changes a whole call.",
];

const JOURNAL: [(&str, &str); 6] = [
    (
        "Asked Mei how she was really doing after the reorganisation. She talked for twenty minutes.",
        "I nearly filled the first silence with advice. Waiting was better.",
    ),
    (
        "Rafael covered my customer call when my daughter's school phoned.",
        "He didn't make a thing of it. I want to recognise that.",
    ),
    (
        "Took an hour of Ines's release checklist so she could leave on time.",
        "She looked relieved, then guilty. Next time I'll offer earlier in the week.",
    ),
    (
        "Invited Callum's view in the planning meeting; he had the idea that fixed the estimate.",
        "He'd been waiting for a gap that never came.",
    ),
    (
        "Noticed the new starter eating lunch alone and joined her.",
        "She knows nobody outside her team yet. I'll introduce her to the book club.",
    ),
    (
        "Said thank you to the night cleaner by name.",
        "I'd walked past her for two years.",
    ),
];

fn film() -> ExerciseInput {
    ExerciseInput {
        title: "Walking in someone else's shoes".into(),
        format: Format::Film,
        media_url: Some("https://intranet.northwind.example/films/walking-in-their-shoes".into()),
        description: "A four-minute silent film about what the people around us carry, then three questions to reflect on."
            .into(),
        text_alternative: TRANSCRIPT.into(),
        minutes: 15,
        aspects: vec![Aspect::EmotionComprehension, Aspect::SympatheticArousal],
        prompts: vec![
            "Think of someone you passed today. What might they have been carrying?".into(),
            "Whom would you treat differently if you knew what they were going through?".into(),
            "What one question could you ask this week instead of assuming?".into(),
        ],
    }
}

fn role_story() -> ExerciseInput {
    ExerciseInput {
        title: "Seven o'clock on the support line".into(),
        format: Format::Story,
        media_url: None,
        description:
            "A colleague in Customer Success on what the first hour of a support shift is like."
                .into(),
        text_alternative: STORY.into(),
        minutes: 10,
        aspects: vec![Aspect::EmotionComprehension, Aspect::ConspecificAltruism],
        prompts: vec![
            "What in this story did you not know before?".into(),
            "What would you ask this colleague, or do differently, now that you know?".into(),
        ],
    }
}

async fn publish(
    conn: &mut PgConnection,
    rng: &mut StdRng,
    input: &ExerciseInput,
    story: Option<Uuid>,
) -> anyhow::Result<Uuid> {
    let id = Uuid::from_u128(rng.r#gen());
    db::resources::insert(&mut *conn, id, &input.resource(id)).await?;
    db::practice::insert_exercise(&mut *conn, id, input, story).await?;
    Ok(id)
}

pub async fn seed(
    conn: &mut PgConnection,
    people: &[DemoPerson],
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let today = Utc::now().date_naive();
    let this_month = month_of(today);

    // The calendar: the last two months as history, then the starter calendar from now on.
    for (offset, starter) in (-2i32..12).zip(STARTER_CALENDAR.iter().cycle().skip(10)) {
        let month = if offset < 0 {
            this_month - Months::new(offset.unsigned_abs())
        } else {
            this_month + Months::new(offset as u32)
        };
        let input = ChallengeInput {
            month,
            title: starter.title.into(),
            ideas: starter.ideas.join("\n"),
            why: starter.why.into(),
            aspects: starter.aspects.to_vec(),
        };
        db::practice::schedule_challenge(&mut *conn, &input, false).await?;
    }

    // A Customer Success colleague's story, published with their name; another waiting.
    let teller = people
        .iter()
        .find(|p| p.person.department == "Customer Success" && !p.person.roles.hr_admin)
        .unwrap_or(&people[0]);
    let story = StoryInput {
        title: role_story().title,
        body: STORY.into(),
        named: true,
    };
    let story_id = db::practice::insert_story(&mut *conn, teller.id, &story).await?;
    db::practice::decide_story(&mut *conn, story_id, StoryStatus::Published, "").await?;
    let waiting_author = people
        .iter()
        .find(|p| p.person.department == "Finance")
        .unwrap_or(&people[0]);
    let waiting = StoryInput {
        title: "Month end, from the inside".into(),
        body: "For four days at the end of every month the finance team lives in spreadsheets until late. \
               Nobody sees the reconciliations that don't balance at eleven at night, or the calm we put on \
               when you ask whether your expenses went through. A little patience that week means a lot."
            .into(),
        named: false,
    };
    db::practice::insert_story(&mut *conn, waiting_author.id, &waiting).await?;

    let film_id = publish(conn, rng, &film(), None).await?;
    let story_exercise = publish(conn, rng, &role_story(), Some(story_id)).await?;

    // Reflections (private) and the film's takeaway board (anonymous, open).
    for (i, demo) in people.iter().enumerate().skip(6).step_by(4).take(9) {
        let reflections = Reflections(
            (0..3)
                .map(|p| REFLECTIONS[(i + p) % REFLECTIONS.len()].to_string())
                .collect(),
        );
        db::practice::save_reflections(&mut *conn, demo.id, film_id, &reflections).await?;
        db::resources::set_plan_status(&mut *conn, demo.id, film_id, PlanStatus::Done, today)
            .await?;
        if let Some(line) = TAKEAWAYS.get(i / 4 % 8) {
            db::practice::add_takeaway(&mut *conn, film_id, demo.id, line).await?;
        }
        if i % 8 == 6 {
            let two = Reflections(vec![REFLECTIONS[2].into(), REFLECTIONS[3].into()]);
            db::practice::save_reflections(&mut *conn, demo.id, story_exercise, &two).await?;
        }
    }

    // Challenge participants in the last three months, and a few private journals.
    for (i, demo) in people.iter().enumerate() {
        for back in 0..3u32 {
            if rng.gen_bool(0.35 - f64::from(back) * 0.05) {
                db::practice::accept(&mut *conn, demo.id, this_month - Months::new(back)).await?;
            }
        }
        if i % 7 == 3 {
            db::practice::accept(&mut *conn, demo.id, this_month).await?;
            for n in 0..3 {
                let (what, noticed) = JOURNAL[(i + n) % JOURNAL.len()];
                let entry = JournalInput {
                    happened_on: today - Duration::days(rng.gen_range(0..40)),
                    what: what.into(),
                    noticed: noticed.into(),
                };
                db::practice::insert_entry(&mut *conn, demo.id, &entry).await?;
            }
        }
    }
    // People accepted through each month, not all just now.
    sqlx::query(
        "UPDATE practice_acceptances SET accepted_at = greatest(month::timestamptz, \
                least(now() - interval '1 day', \
                      month + make_interval(days => abs(hashtext(person_id::text)) % 20)))",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
