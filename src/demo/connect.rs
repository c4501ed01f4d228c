//! Demo conversations and circles: most people take part in conversation pairs, with the
//! last three weekly rounds drawn by the real pairing (most conversations happened, a few
//! skipped), and two circle programmes: one formed, with reviews and notes, and one open for
//! sign-up.

use chrono::{Duration, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sqlx::PgConnection;
use uuid::Uuid;

use super::DemoPerson;
use crate::app::connect::draw_round;
use crate::db::connect::circles as circle_store;
use crate::domain::connect::{self as rules, CircleRules, NewProgramme, Review};

pub async fn seed(
    conn: &mut PgConnection,
    people: &[DemoPerson],
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let this_week = rules::round_of(now.date_naive());
    let first = this_week - Duration::weeks(2);

    // Four in five take part; a few are paused.
    for (i, person) in people.iter().enumerate() {
        if i % 5 == 4 {
            continue;
        }
        let cadence: i16 = [1, 1, 2, 4][i % 4];
        let mode = if i % 3 == 0 { "in_person" } else { "video" };
        sqlx::query(
            "INSERT INTO pair_participants (person_id, cadence_weeks, mode, paused, next_due) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(person.id)
        .bind(cadence)
        .bind(mode)
        .bind(i % 17 == 16)
        .bind(first)
        .execute(&mut *conn)
        .await?;
    }
    for weeks_ago in (0..3).rev() {
        let week = this_week - Duration::weeks(weeks_ago);
        let drawn_at = now - Duration::weeks(weeks_ago);
        draw_round(conn, week, drawn_at)
            .await
            .map_err(|err| anyhow::anyhow!("drawing a demo round: {err}"))?;
        // Demo people get no email for it.
        sqlx::query("UPDATE pair_groups SET announced_at = $2 WHERE week_start = $1")
            .bind(week)
            .bind(drawn_at)
            .execute(&mut *conn)
            .await?;
        if weeks_ago == 0 {
            continue;
        }
        // Past conversations: most happened, a few were skipped, some never marked.
        let groups: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM pair_groups WHERE week_start = $1 ORDER BY id")
                .bind(week)
                .fetch_all(&mut *conn)
                .await?;
        let (mut happened, mut skipped) = (0, 0);
        for group in groups {
            let roll: u8 = rng.gen_range(0..10);
            let outcome = match roll {
                0..=6 => "happened",
                7 => "skipped",
                _ => continue,
            };
            if outcome == "happened" {
                happened += 1;
            } else {
                skipped += 1;
            }
            sqlx::query(
                "UPDATE pair_groups SET outcome = $2, marked_at = $3, reminder_sent_at = $3 \
                 WHERE id = $1",
            )
            .bind(group)
            .bind(outcome)
            .bind(drawn_at + Duration::days(3))
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query("UPDATE pair_rounds SET happened = $2, skipped = $3 WHERE week_start = $1")
            .bind(week)
            .bind(happened)
            .bind(skipped)
            .execute(&mut *conn)
            .await?;
    }

    // A programme formed three weeks ago, two sessions in.
    let organizer = people
        .iter()
        .find(|p| p.person.roles.organizer)
        .unwrap_or(&people[0]);
    let zone = chrono_tz::Tz::Europe__London;
    let first_session = now - Duration::days(15);
    let listening = NewProgramme {
        theme: "Listening under pressure".into(),
        description: "How do you stay curious about a colleague when a deadline is shouting? \
                      Four sessions, two weeks apart, each starting from one real situation a \
                      member brings."
            .into(),
        circle_size: 5,
        cross_functional: true,
        signup_opens_on: (now - Duration::days(40)).date_naive(),
        signup_closes_on: (now - Duration::days(21)).date_naive(),
        time_zone: zone,
        sessions: (0..4)
            .map(|k| first_session + Duration::weeks(2 * k))
            .collect(),
        minutes: 60,
    };
    let id = circle_store::insert_programme(conn, &listening, organizer.id).await?;
    let signups: Vec<rules::SignUp> = people
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 == 1)
        .map(|(_, p)| rules::SignUp {
            id: p.id,
            department: p.person.department.clone(),
            utc_offset_minutes: rules::offset_minutes(p.person.time_zone, now),
        })
        .collect();
    for signup in &signups {
        circle_store::sign_up(conn, id, signup.id).await?;
    }
    let formed = rules::form_circles(
        &signups,
        CircleRules {
            size: 5,
            cross_functional: true,
        },
        7,
    );
    let circles =
        circle_store::insert_circles(conn, id, &formed.circles, now - Duration::days(20)).await?;
    let sessions = circle_store::sessions(&mut *conn, id).await?;
    let reviews = [
        (
            "Priya brought a release night where she snapped at support. We replayed it slowly.",
            "Support hears about a bug hours before engineering does, usually from someone upset.",
            "Ask \u{201c}what are you hearing from customers?\u{201d} before a release, not after.",
        ),
        (
            "We each described the moment in a week when we stop listening. Mostly 4pm on Thursdays.",
            "Finance's month-end is as fixed as a launch date, and just as invisible to the rest of us.",
            "Put month-end on the shared calendar; say \u{201c}I have ten minutes, not thirty\u{201d}.",
        ),
    ];
    for (n, circle) in circles.iter().enumerate() {
        let members = &formed.circles[n];
        for (k, session) in sessions.iter().take(2).enumerate() {
            let (what, roles, will) = reviews[(n + k) % reviews.len()];
            let review = Review {
                what_happened: what.into(),
                roles_learned: roles.into(),
                will_try: will.into(),
            };
            circle_store::save_review(
                &mut *conn,
                *circle,
                session.id,
                &review,
                members[k % members.len()],
            )
            .await?;
        }
        circle_store::add_note(
            &mut *conn,
            *circle,
            members[0],
            "Thanks for last time. I tried the \u{201c}ten minutes, not thirty\u{201d} line on Monday and it worked.",
        )
        .await?;
    }

    // And one open for sign-up now.
    let roles = NewProgramme {
        theme: "A day in each other's roles".into(),
        description: "Three sessions: each member walks the circle through a real day in their \
                      job, and the others ask what surprised them."
            .into(),
        circle_size: 4,
        cross_functional: true,
        signup_opens_on: (now - Duration::days(3)).date_naive(),
        signup_closes_on: (now + Duration::days(10)).date_naive(),
        time_zone: zone,
        sessions: (0..3)
            .map(|k| now + Duration::days(17) + Duration::weeks(3 * k))
            .collect(),
        minutes: 45,
    };
    let open = circle_store::insert_programme(conn, &roles, organizer.id).await?;
    for person in people.iter().skip(2).step_by(7) {
        circle_store::sign_up(conn, open, person.id).await?;
    }
    Ok(())
}
