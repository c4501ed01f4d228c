//! Demo story nights: past and upcoming evenings in the three offices (and one online), with
//! RSVPs and a waitlist, pitches in every state, lineups, attendance and a few private notes.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use sqlx::PgConnection;
use uuid::Uuid;

use super::DemoPerson;
use crate::db;
use crate::domain::events::{self, Decision, EventInput, EventStatus, PitchInput, RsvpStatus};

/// One demo evening.
struct Night {
    title: &'static str,
    theme: &'static str,
    office: &'static str,
    zone: Tz,
    room: &'static str,
    online: bool,
    /// Days from today (negative: in the past).
    days: i64,
    capacity: Option<i32>,
    slots: i32,
    status: EventStatus,
    /// How many people replied.
    replies: usize,
    lineup_published: bool,
}

const NIGHTS: [Night; 9] = [
    Night {
        title: "Lost and found",
        theme: "Something we lost, something we found",
        office: "London",
        zone: Tz::Europe__London,
        room: "The Atrium",
        online: false,
        days: -52,
        capacity: Some(40),
        slots: 4,
        status: EventStatus::Published,
        replies: 26,
        lineup_published: true,
    },
    Night {
        title: "First days",
        theme: "Beginnings",
        office: "Toronto",
        zone: Tz::America__Toronto,
        room: "Lakeview room",
        online: true,
        days: -31,
        capacity: Some(30),
        slots: 3,
        status: EventStatus::Published,
        replies: 18,
        lineup_published: true,
    },
    Night {
        title: "Crossing over",
        theme: "Moving between worlds",
        office: "Singapore",
        zone: Tz::Asia__Singapore,
        room: "Level 12 lounge",
        online: false,
        days: -17,
        capacity: Some(25),
        slots: 3,
        status: EventStatus::Published,
        replies: 15,
        lineup_published: true,
    },
    Night {
        title: "The kindness of strangers",
        theme: "Small acts",
        office: "London",
        zone: Tz::Europe__London,
        room: "The Atrium",
        online: false,
        days: 12,
        capacity: Some(12),
        slots: 4,
        status: EventStatus::Published,
        replies: 17,
        lineup_published: true,
    },
    Night {
        title: "Second chances",
        theme: "Second chances",
        office: "Toronto",
        zone: Tz::America__Toronto,
        room: "Lakeview room",
        online: true,
        days: 19,
        capacity: Some(35),
        slots: 4,
        status: EventStatus::Published,
        replies: 14,
        lineup_published: false,
    },
    Night {
        title: "Home, and away",
        theme: "Where we belong",
        office: "Singapore",
        zone: Tz::Asia__Singapore,
        room: "Level 12 lounge",
        online: false,
        days: 26,
        capacity: None,
        slots: 5,
        status: EventStatus::Published,
        replies: 11,
        lineup_published: false,
    },
    Night {
        title: "Story night online: the turning point",
        theme: "The turning point",
        office: "",
        zone: Tz::UTC,
        room: "",
        online: true,
        days: 33,
        capacity: Some(60),
        slots: 5,
        status: EventStatus::Published,
        replies: 9,
        lineup_published: false,
    },
    Night {
        title: "Summer stories by the river",
        theme: "Water",
        office: "London",
        zone: Tz::Europe__London,
        room: "Riverside terrace",
        online: false,
        days: 8,
        capacity: Some(30),
        slots: 3,
        status: EventStatus::Cancelled,
        replies: 7,
        lineup_published: false,
    },
    Night {
        title: "Mentors we remember",
        theme: "Mentors",
        office: "Toronto",
        zone: Tz::America__Toronto,
        room: "Boardroom B",
        online: false,
        days: 47,
        capacity: Some(20),
        slots: 3,
        status: EventStatus::Draft,
        replies: 0,
        lineup_published: false,
    },
];

const STORIES: [(&str, &str, &str); 12] = [
    (
        "The night the lights went out",
        "A power cut on my first night in a new city, and the neighbour who knocked with candles.",
        "",
    ),
    (
        "My grandmother's recipe book",
        "Translating her handwriting taught me more about her than forty years of Sunday lunches.",
        "grief",
    ),
    (
        "The wrong train to Leeds",
        "How a missed stop turned into the most honest conversation I've had with a stranger.",
        "",
    ),
    (
        "Learning to ask for help",
        "The winter I burned out, and the colleague who noticed before I did.",
        "burnout, illness",
    ),
    (
        "Interpreter for a day",
        "I translated for my father at the hospital when I was eleven.",
        "illness",
    ),
    (
        "The quiet one in the meeting",
        "What changed when someone finally asked what I thought.",
        "",
    ),
    (
        "Two left feet",
        "Salsa lessons, a broken toe and an unexpected friendship.",
        "",
    ),
    (
        "Coming back",
        "Returning to work after a year away to care for my son.",
        "serious illness of a child",
    ),
    (
        "The letter I never sent",
        "Twenty years later, I finally said thank you.",
        "grief",
    ),
    (
        "Lost in translation",
        "My first week in Singapore and the lunch order that went very wrong.",
        "",
    ),
    (
        "Snow day",
        "Stranded at the office with three people I had never spoken to.",
        "",
    ),
    (
        "The interview",
        "The question that made me cry, and the interviewer who handed me a tissue and hired me.",
        "",
    ),
];

const NOTES: [&str; 4] = [
    "Your story stayed with me all week. Thank you for trusting us with it.",
    "I called my own grandmother the next morning because of you.",
    "I've been that quiet person too. Hearing you say it out loud helped.",
    "Thank you. I laughed and then I cried, in that order.",
];

/// 18:30 local time, `days` from today, in the zone.
fn evening(zone: Tz, days: i64, now: DateTime<Utc>) -> DateTime<Utc> {
    let date = (now + Duration::days(days))
        .with_timezone(&zone)
        .date_naive();
    let time = NaiveTime::from_hms_opt(18, 30, 0).expect("a valid time");
    zone.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or(now + Duration::days(days))
}

pub async fn seed(
    conn: &mut PgConnection,
    people: &[DemoPerson],
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let organizers: Vec<Uuid> = people
        .iter()
        .filter(|p| p.person.roles.organizer)
        .map(|p| p.id)
        .collect();
    let mut story_titles = STORIES.iter().cycle();
    for (n, night) in NIGHTS.iter().enumerate() {
        let starts_at = evening(night.zone, night.days, now);
        let input = EventInput {
            title: night.title.to_string(),
            theme: night.theme.to_string(),
            description: format!(
                "An evening of true stories from colleagues, told live in {} minutes or less. No slides, no notes, just people.\n\nDoors open at 18:00; stories start at 18:30. Come to listen; pitch a story if one is on your mind.",
                8
            ),
            starts_at,
            ends_at: starts_at + Duration::minutes(120),
            time_zone: night.zone,
            office: night.office.to_string(),
            room: night.room.to_string(),
            video_url: if night.online {
                format!("https://video.northwind.example/story-night-{}", n + 1)
            } else {
                String::new()
            },
            capacity: night.capacity,
            storyteller_slots: night.slots,
            minutes_per_story: 8,
            pitch_deadline: starts_at - Duration::days(5),
        };
        let organizer = organizers[n % organizers.len().max(1)];
        let status = if night.status == EventStatus::Draft {
            EventStatus::Draft
        } else {
            EventStatus::Published
        };
        let id = db::events::insert(&mut *conn, &input, status, organizer).await?;
        if night.lineup_published {
            db::events::set_lineup_published(&mut *conn, id, true).await?;
        }
        if night.status == EventStatus::Draft {
            continue;
        }

        // Replies from people of that office first, then anyone: seats, then the waitlist.
        let mut audience: Vec<&DemoPerson> = people
            .iter()
            .filter(|p| night.office.is_empty() || p.person.office == night.office)
            .collect();
        audience.shuffle(rng);
        let mut others: Vec<&DemoPerson> = people
            .iter()
            .filter(|p| !night.office.is_empty() && p.person.office != night.office)
            .collect();
        others.shuffle(rng);
        audience.extend(others);
        let mut going = 0;
        let mut went = Vec::new();
        for person in audience.iter().take(night.replies) {
            let place = events::place_for(night.capacity, going);
            db::events::insert_rsvp(conn, id, person.id, place).await?;
            if place == RsvpStatus::Going {
                going += 1;
                went.push(person.id);
            }
        }

        // Pitches: from people who replied and a few who didn't.
        let pitchers: Vec<&DemoPerson> = audience
            .iter()
            .copied()
            .filter(|p| !p.person.roles.organizer)
            .take(night.slots as usize + 2)
            .collect();
        let mut told = Vec::new();
        for (i, pitcher) in pitchers.iter().enumerate() {
            let (title, summary, note) = story_titles.next().expect("stories cycle");
            let pitch = PitchInput {
                title: title.to_string(),
                summary: summary.to_string(),
                minutes: rng.gen_range(5..=8),
                content_note: note.to_string(),
                recording_consent: rng.gen_bool(0.6),
            };
            let pitch_id = db::events::save_pitch(&mut *conn, id, pitcher.id, &pitch).await?;
            // The past: a full lineup. Upcoming: some accepted, one declined, the rest waiting.
            let decision = match (night.days < 0, i) {
                (true, i) if (i as i32) < night.slots => Some((Decision::Accept, "")),
                (true, _) => Some((
                    Decision::Decline,
                    "Thank you for this. We had more stories than slots; please pitch it again next time.",
                )),
                (false, 0) | (false, 1) => Some((
                    Decision::Accept,
                    "We'd love to hear this one. We'll be in touch about timing.",
                )),
                (false, 2) => Some((
                    Decision::Decline,
                    "A beautiful story, but it's a little long for this evening. Could you shorten it for the next one?",
                )),
                _ => None,
            };
            if let Some((decision, message)) = decision {
                db::events::decide(conn, id, pitch_id, decision, message).await?;
                if decision == Decision::Accept {
                    told.push((pitch_id, pitcher.id));
                }
            }
        }

        if night.days < 0 {
            // Most people who were going came; a few left notes for storytellers.
            let came: Vec<Uuid> = went
                .iter()
                .copied()
                .filter(|_| rng.gen_bool(0.85))
                .collect();
            db::events::set_attendance(&mut *conn, id, &came).await?;
            for (i, author) in came.iter().take(4).enumerate() {
                match told.get(i % told.len().max(1)) {
                    Some(&(story, teller)) if teller != *author => {
                        db::events::insert_note(&mut *conn, story, *author, NOTES[i % NOTES.len()])
                            .await?;
                    }
                    _ => {}
                }
            }
        }
        if night.status == EventStatus::Cancelled {
            db::events::cancel(conn, id).await?;
        }
    }
    Ok(())
}
