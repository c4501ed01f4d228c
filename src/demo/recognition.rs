//! Demo recognitions: a lively wall over the last six months, many across teams, with
//! appreciations, a few private ones, some waiting for approval, one declined, one hidden by
//! its recipient, one reported, and past spotlight rounds. A few people are left
//! unrecognised so the fairness view has something to show.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use sqlx::PgConnection;
use uuid::Uuid;

use super::DemoPerson;
use crate::db;
use crate::domain::people::Person;
use crate::domain::recognition::{self, Nomination, Status, Visibility};

/// What happened, with `{name}` for the recipient's first name. Each covers the situation,
/// what they did and the effect.
const STORIES: [&str; 18] = [
    "In Monday's planning call {name} noticed two of the newer folks hadn't spoken and asked each of them what they thought. One of them spotted the gap in our estimate that would have cost us a week.",
    "The quarter-end close was going badly and I was clearly overwhelmed. {name} didn't ask if I needed help, they just took the reconciliations off my plate for the afternoon. I went home on time for the first time that week.",
    "A customer thought we had cancelled their contract. {name} got everyone on one call, calmly separated what was said from what was heard, and the customer renewed the same day.",
    "{name} rewrote our incident summary so that people outside engineering could follow it: no acronyms, a clear timeline and what it means for customers. Support used it word for word.",
    "Back in the spring {name} promised to pair with me on the migration scripts. Even after their own deadline moved up, they kept every one of our sessions. I can run the migrations on my own now.",
    "During the pricing debate {name} said \"I think Sana's point deserves more time\" and summarised it better than she had. The room changed its mind, and the decision was better for it.",
    "My first design review was rough. {name} asked what I was trying to achieve before saying what didn't work, and every piece of feedback came with a question. I left with a plan instead of a knot in my stomach.",
    "Finance needed data from our team for the audit and was stuck. {name} spent an afternoon they didn't have building the export with them, and walked them through how to rerun it next year.",
    "When my father was in hospital, {name} quietly rearranged the on-call rota so I was never on nights, and checked in every few days without making it a big thing. It meant more than I can say here.",
    "The onboarding docs were full of our internal shorthand. {name} went through them with a new starter, noted every word that needed explaining, and fixed the lot. New joiners now get going in days, not weeks.",
    "Two teams had been arguing past each other about the release date for a week. {name} wrote down what each side actually needed, and it turned out they wanted the same thing. The tension just went away.",
    "{name} said they'd follow up with the customer about the refund, and they did, three times, until it was sorted. The customer mentioned them by name in the satisfaction survey.",
    "In the retro, {name} asked the people who usually stay quiet to go first. We heard about problems that had been simmering for months, and two of them are already fixed.",
    "I was buried in tickets after the outage. {name} noticed, sat next to me, and we cleared the queue together while they talked me through the tricky ones. I learned a lot and felt a lot less alone.",
    "I proposed an approach {name} disagreed with. Instead of arguing, they said \"help me see it the way you do\", listened, and then we found a third option that was better than both.",
    "Legal's contract notes were impenetrable to our team. {name} translated them into a one-page summary in plain language, and the deal moved forward two weeks sooner than expected.",
    "{name} noticed a colleague from Customer Success struggling with the reporting tool and spent their lunch showing her the shortcuts. She now runs the weekly report in ten minutes instead of an hour.",
    "After a tense all-hands question, {name} followed up privately with the person who asked it to make sure they felt heard, and then made sure leadership answered it properly the next week.",
];

fn as_person(demo: &DemoPerson) -> Person {
    Person {
        id: demo.id,
        email: demo.person.email.to_string(),
        display_name: demo.person.display_name.as_str().to_string(),
        department: demo.person.department.clone(),
        office: demo.person.office.clone(),
        time_zone: demo.person.time_zone,
        roles: demo.person.roles,
        active: true,
        has_password: true,
        session_epoch: 0,
    }
}

fn first_name(person: &Person) -> &str {
    person.first_name()
}

pub async fn seed(
    conn: &mut PgConnection,
    people: &[DemoPerson],
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let persons: Vec<Person> = people.iter().map(as_person).collect();
    let behaviours = db::recognition::behaviours(&mut *conn).await?;
    // About one in ten people has not been recognised lately: the fairness view lists them.
    let quiet: HashSet<usize> = (0..persons.len()).filter(|i| i % 10 == 7).collect();
    let mut used: HashSet<(Uuid, Uuid, Uuid, i64)> = HashSet::new();
    let mut wall: Vec<Uuid> = Vec::new();
    let mut made = 0;

    while made < 160 {
        let from = rng.gen_range(0..persons.len());
        let to = rng.gen_range(0..persons.len());
        if from == to || quiet.contains(&to) {
            continue;
        }
        let (nominator, recipient) = (&persons[from], &persons[to]);
        // Four in ten go across teams, more than chance would give.
        let cross = nominator.department != recipient.department;
        if !cross && rng.gen_bool(0.35) {
            continue;
        }
        // The last few are recent and wait for HR approval.
        let waiting = made >= 157;
        let days_ago = if waiting {
            rng.gen_range(0..2_i64)
        } else {
            rng.gen_range(0..180_i64)
        };
        let created = now - Duration::days(days_ago) - Duration::minutes(rng.gen_range(0..600));
        let how_many = rng.gen_range(1..=2);
        let mut chosen: Vec<Uuid> = behaviours
            .choose_multiple(rng, how_many)
            .map(|b| b.id)
            .collect();
        if cross
            && rng.gen_bool(0.5)
            && let Some(other_team) = behaviours.last()
        {
            chosen.push(other_team.id);
        }
        chosen.sort();
        chosen.dedup();
        // The same behaviour for the same person at most once within a day or two.
        let day = days_ago;
        if chosen
            .iter()
            .any(|b| (-1..=1).any(|d| used.contains(&(nominator.id, recipient.id, *b, day + d))))
        {
            continue;
        }
        for b in &chosen {
            used.insert((nominator.id, recipient.id, *b, day));
        }

        let story =
            STORIES[rng.gen_range(0..STORIES.len())].replace("{name}", first_name(recipient));
        let visibility = if rng.gen_bool(0.12) {
            Visibility::Private
        } else {
            Visibility::Wall
        };
        let status = if waiting {
            Status::Pending
        } else {
            Status::Published
        };
        let nomination = Nomination {
            recipient_id: recipient.id,
            behaviour_ids: chosen,
            story,
            happened_on: (created - Duration::days(rng.gen_range(0..4))).date_naive(),
            visibility,
        };
        let id = db::recognition::insert(
            &mut *conn,
            nominator,
            recipient,
            &nomination,
            status,
            Uuid::new_v4(),
            created,
        )
        .await?;
        if status == Status::Published {
            // Older recognitions have been seen by their recipients.
            db::recognition::mark_seen_if_older(&mut *conn, id, now - Duration::days(7)).await?;
            if visibility == Visibility::Wall {
                wall.push(id);
                let fans = rng.gen_range(0..9);
                for fan in persons.choose_multiple(rng, fans) {
                    db::recognition::set_appreciation(&mut *conn, id, fan.id, true).await?;
                }
            }
        }
        made += 1;
    }

    // One declined by HR, one hidden by its recipient, one reported and waiting for review.
    let hr = persons
        .iter()
        .find(|p| p.is_hr_admin())
        .map(|p| p.id)
        .unwrap_or(persons[0].id);
    if let [declined, hidden, reported, ..] = wall.as_slice() {
        db::recognition::mark_declined(
            &mut *conn,
            *declined,
            hr,
            "Thank you for this. It mentions a customer by name, so please describe it without their name and send it again.",
        )
        .await?;
        db::recognition::mark_hidden_by_recipient(&mut *conn, *hidden).await?;
        let reporter = persons[persons.len() - 1].id;
        db::recognition::report(
            &mut *conn,
            *reported,
            reporter,
            "I think this describes a private family matter; could HR check it's OK to be public?",
        )
        .await?;
    }

    // Spotlight rounds for the last four weeks, rotating as the app does.
    let this_week = recognition::week_start(now.date_naive());
    for weeks_ago in (1..=4).rev() {
        let week = this_week - Duration::weeks(weeks_ago);
        crate::app::recognition::run_spotlight_round(&mut *conn, week, 2).await?;
    }
    Ok(())
}
