//! Connecting across teams: conversation pairs (`pairing.rs`) and peer learning circles
//! (`circles.rs`), their forms, the conversation prompts, and calendar files (`calendar.rs`).

mod calendar;
mod circles;
mod pairing;

pub use calendar::*;
pub use circles::*;
pub use pairing::*;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::FieldErrors;
use crate::domain::events::parse_local;
use crate::domain::people::parse_time_zone;
use crate::domain::text;

// ---------------------------------------------------------------------------------------
// Conversation pairs

/// How a pair meets. Stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Mode {
    InPerson,
    Video,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::InPerson => "in person",
            Mode::Video => "by video",
        }
    }
}

/// What happened to a conversation. Stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    Happened,
    Skipped,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Someone's choice to take part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participation {
    /// Every 1, 2 or 4 weeks.
    pub cadence_weeks: i16,
    pub mode: Mode,
    pub paused: bool,
    /// The first round they are due in.
    pub next_due: NaiveDate,
}

/// The opt-in form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct JoinForm {
    pub cadence: String,
    pub mode: String,
}

/// What the opt-in form chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Joining {
    pub cadence_weeks: i16,
    pub mode: Mode,
}

impl JoinForm {
    pub fn parse(&self) -> Result<Joining, FieldErrors> {
        let mut errors = FieldErrors::new();
        let cadence_weeks = match self.cadence.trim() {
            "1" => Some(1),
            "2" => Some(2),
            "4" => Some(4),
            _ => {
                errors.add(
                    "cadence",
                    "Choose how often: every week, two weeks or four weeks.",
                );
                None
            }
        };
        let mode = match self.mode.trim() {
            "in_person" => Some(Mode::InPerson),
            "video" => Some(Mode::Video),
            _ => {
                errors.add("mode", "Choose in person or by video.");
                None
            }
        };
        match (cadence_weeks, mode) {
            (Some(cadence_weeks), Some(mode)) => Ok(Joining {
                cadence_weeks,
                mode,
            }),
            _ => Err(errors),
        }
    }
}

/// The Monday (UTC) starting the week of `date`: rounds are weekly.
pub fn round_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// A zone's offset from UTC at a moment, in minutes.
pub fn offset_minutes(zone: Tz, at: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
        / 60
}

/// Days after a round is drawn before a gentle reminder, if nobody marked the conversation.
pub const REMINDER_AFTER_DAYS: i64 = 5;

/// HR's pairing settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairSettings {
    pub cross_team_only: bool,
    /// Weekly rounds within which the same two people are not paired again.
    pub no_repeat_rounds: i32,
}

/// The settings form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub pairing: String,
    pub no_repeat_rounds: String,
}

impl SettingsForm {
    pub fn of(settings: PairSettings) -> Self {
        SettingsForm {
            pairing: if settings.cross_team_only {
                "cross_team".into()
            } else {
                "mixed".into()
            },
            no_repeat_rounds: settings.no_repeat_rounds.to_string(),
        }
    }

    pub fn parse(&self) -> Result<PairSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let cross = match self.pairing.as_str() {
            "cross_team" => Some(true),
            "mixed" => Some(false),
            _ => {
                errors.add("pairing", "Choose cross-team only, or mixed.");
                None
            }
        };
        let rounds = match self.no_repeat_rounds.trim().parse::<i32>() {
            Ok(n) if (1..=104).contains(&n) => Some(n),
            _ => {
                errors.add(
                    "no_repeat_rounds",
                    "Enter a number of weeks from 1 to 104, for example 12.",
                );
                None
            }
        };
        match (cross, rounds) {
            (Some(cross_team_only), Some(no_repeat_rounds)) => Ok(PairSettings {
                cross_team_only,
                no_repeat_rounds,
            }),
            _ => Err(errors),
        }
    }
}

/// Questions for a real conversation (not about the weather).
pub const PROMPTS: [&str; 10] = [
    "How are you, really? What has this week been like for you?",
    "What is taking up most of your energy at work right now?",
    "What does a good day in your role look like? And a hard one?",
    "What is something about your work that people outside your team rarely see?",
    "Who helped you recently, and what did they do?",
    "What is something you're looking forward to, at work or outside it?",
    "What have you changed your mind about lately?",
    "What would make the next month a bit easier for you?",
    "When did you last feel really listened to? What made it so?",
    "What is one thing you wish other teams knew about yours?",
];

/// A handful of prompts for one conversation: four, chosen by the group, so the two people
/// see the same ones and each round brings different ones.
pub fn prompts_for(group: Uuid) -> Vec<&'static str> {
    let start = usize::try_from(group.as_u128() % PROMPTS.len() as u128).unwrap_or(0);
    // the first prompt always opens
    let mut chosen = vec![PROMPTS[0]];
    chosen.extend((0..3).map(|k| PROMPTS[1 + (start + k * 3) % (PROMPTS.len() - 1)]));
    chosen
}

// ---------------------------------------------------------------------------------------
// Peer learning circles

/// A programme as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programme {
    pub id: Uuid,
    pub theme: String,
    pub description: String,
    pub circle_size: i16,
    pub cross_functional: bool,
    pub signup_opens_on: NaiveDate,
    pub signup_closes_on: NaiveDate,
    pub time_zone: Tz,
    pub formed_at: Option<DateTime<Utc>>,
    pub signed_up: i32,
    pub placed: i32,
    pub circles: i32,
    pub left_early: i32,
}

/// Where a programme stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    NotOpenYet,
    SigningUp,
    /// Sign-ups closed, circles not formed yet.
    ReadyToForm,
    Formed,
}

impl Programme {
    pub fn stage(&self, today: NaiveDate) -> Stage {
        if self.formed_at.is_some() {
            Stage::Formed
        } else if today < self.signup_opens_on {
            Stage::NotOpenYet
        } else if today <= self.signup_closes_on {
            Stage::SigningUp
        } else {
            Stage::ReadyToForm
        }
    }

    /// Today in the programme's time zone.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.time_zone).date_naive()
    }
}

/// One session of a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: Uuid,
    pub number: i16,
    pub starts_at: DateTime<Utc>,
    pub minutes: i16,
}

impl Session {
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + Duration::minutes(i64::from(self.minutes))
    }
}

/// The programme form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ProgrammeForm {
    pub theme: String,
    pub description: String,
    pub circle_size: String,
    pub cross_functional: Option<String>,
    pub signup_opens_on: String,
    pub signup_closes_on: String,
    pub first_session: String,
    pub sessions: String,
    pub every_weeks: String,
    pub minutes: String,
    pub time_zone: String,
}

/// A programme ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProgramme {
    pub theme: String,
    pub description: String,
    pub circle_size: i16,
    pub cross_functional: bool,
    pub signup_opens_on: NaiveDate,
    pub signup_closes_on: NaiveDate,
    pub time_zone: Tz,
    /// Session starts, in order, and their length.
    pub sessions: Vec<DateTime<Utc>>,
    pub minutes: i16,
}

fn number_in(raw: &str, range: std::ops::RangeInclusive<i16>) -> Option<i16> {
    raw.trim().parse::<i16>().ok().filter(|n| range.contains(n))
}

fn date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&d.year()))
}

impl ProgrammeForm {
    /// Validates every field against `today` (sign-ups can't close in the past).
    pub fn parse(&self, today: NaiveDate) -> Result<NewProgramme, FieldErrors> {
        let mut errors = FieldErrors::new();
        let theme = match text::one_line(&self.theme, 120, "A theme") {
            Ok(t) if t.is_empty() => {
                errors.add(
                    "theme",
                    "Enter a theme, for example \u{201c}Listening under pressure\u{201d}.",
                );
                None
            }
            Ok(t) => Some(t),
            Err(e) => {
                errors.add("theme", e);
                None
            }
        };
        let description = text::paragraphs(&self.description, 2000, "A description")
            .map_err(|e| errors.add("description", e))
            .ok();
        let size = number_in(&self.circle_size, 4..=6);
        if size.is_none() {
            errors.add("circle_size", "Choose a circle size of 4, 5 or 6 people.");
        }
        let zone = parse_time_zone(&self.time_zone)
            .map_err(|e| errors.add("time_zone", e))
            .ok();
        let opens = date(&self.signup_opens_on);
        if opens.is_none() {
            errors.add(
                "signup_opens_on",
                "Enter the day sign-ups open, for example 2026-03-02.",
            );
        }
        let closes = date(&self.signup_closes_on);
        match (opens, closes) {
            (_, None) => errors.add(
                "signup_closes_on",
                "Enter the day sign-ups close, for example 2026-03-13.",
            ),
            (Some(o), Some(c)) if c < o => errors.add(
                "signup_closes_on",
                "Sign-ups must close on or after the day they open.",
            ),
            (_, Some(c)) if c < today => {
                errors.add("signup_closes_on", "Sign-ups can't close in the past.")
            }
            _ => {}
        }
        let count = number_in(&self.sessions, 1..=12);
        if count.is_none() {
            errors.add("sessions", "Enter a number of sessions from 1 to 12.");
        }
        let every = number_in(&self.every_weeks, 1..=8);
        if every.is_none() {
            errors.add("every_weeks", "Enter how many weeks apart, from 1 to 8.");
        }
        let minutes = number_in(&self.minutes, 15..=240);
        if minutes.is_none() {
            errors.add("minutes", "Enter a session length from 15 to 240 minutes.");
        }
        let first = zone.and_then(|zone| {
            parse_local(
                &self.first_session,
                zone,
                "the first session's date and time",
            )
            .map_err(|e| errors.add("first_session", e))
            .ok()
        });
        if let (Some(first), Some(c)) = (first, closes)
            && first.date_naive() <= c
        {
            errors.add(
                "first_session",
                "The first session must come after sign-ups close (circles are formed in between).",
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        match (
            theme,
            description,
            size,
            zone,
            opens,
            closes,
            count,
            every,
            minutes,
            first,
        ) {
            (
                Some(theme),
                Some(description),
                Some(circle_size),
                Some(time_zone),
                Some(signup_opens_on),
                Some(signup_closes_on),
                Some(count),
                Some(every),
                Some(minutes),
                Some(first),
            ) => {
                // Each session at the same local time, `every` weeks apart.
                let local = first.with_timezone(&time_zone).naive_local();
                let sessions = (0..i64::from(count))
                    .map(|k| {
                        let at = local + Duration::weeks(k * i64::from(every));
                        time_zone
                            .from_local_datetime(&at)
                            .earliest()
                            .map(|t| t.with_timezone(&Utc))
                            .unwrap_or(first + Duration::weeks(k * i64::from(every)))
                    })
                    .collect();
                Ok(NewProgramme {
                    theme,
                    description,
                    circle_size,
                    cross_functional: self.cross_functional.is_some(),
                    signup_opens_on,
                    signup_closes_on,
                    time_zone,
                    sessions,
                    minutes,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The after-action review form of one session.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    pub session: String,
    pub what_happened: String,
    pub roles_learned: String,
    pub will_try: String,
}

/// A review ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub what_happened: String,
    pub roles_learned: String,
    pub will_try: String,
}

impl ReviewForm {
    pub fn parse(&self) -> Result<Review, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut field = |name: &'static str, raw: &str, what: &str| {
            text::paragraphs(raw, 4000, what)
                .map_err(|e| errors.add(name, e))
                .unwrap_or_default()
        };
        let what_happened = field("what_happened", &self.what_happened, "What happened");
        let roles_learned = field(
            "roles_learned",
            &self.roles_learned,
            "What you learned about each other's roles",
        );
        let will_try = field("will_try", &self.will_try, "What you'll try");
        if what_happened.is_empty() && errors.get("what_happened").is_none() {
            errors.add("what_happened", "Say briefly what happened in the session.");
        }
        errors.into_result(|| Review {
            what_happened,
            roles_learned,
            will_try,
        })
    }
}

/// A note for the circle.
pub fn parse_note(raw: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    match text::paragraphs(raw, 2000, "A note") {
        Ok(note) if note.is_empty() => errors.add("body", "Write a note first."),
        Ok(note) => return Ok(note),
        Err(e) => errors.add("body", e),
    }
    Err(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opt_in_form_needs_a_cadence_and_a_mode() {
        let ok = JoinForm {
            cadence: "2".into(),
            mode: "video".into(),
        };
        assert_eq!(
            ok.parse(),
            Ok(Joining {
                cadence_weeks: 2,
                mode: Mode::Video
            })
        );
        let errors = JoinForm {
            cadence: "3".into(),
            mode: String::new(),
        }
        .parse()
        .unwrap_err();
        assert!(errors.get("cadence").is_some());
        assert!(errors.get("mode").is_some());
    }

    #[test]
    fn prompts_start_with_how_are_you_and_differ_between_groups() {
        let a = prompts_for(Uuid::from_u128(1));
        let b = prompts_for(Uuid::from_u128(2));
        assert_eq!(a.len(), 4);
        assert!(a[0].starts_with("How are you, really?"));
        assert_ne!(a, b);
        let unique: std::collections::HashSet<_> = a.iter().collect();
        assert_eq!(unique.len(), 4);
    }

    #[test]
    fn a_programme_has_sessions_weeks_apart_at_the_same_local_time() {
        let form = ProgrammeForm {
            theme: "Listening under pressure".into(),
            circle_size: "5".into(),
            cross_functional: Some("on".into()),
            signup_opens_on: "2026-03-02".into(),
            signup_closes_on: "2026-03-13".into(),
            first_session: "2026-03-19T15:00".into(),
            sessions: "4".into(),
            every_weeks: "3".into(),
            minutes: "60".into(),
            time_zone: "Europe/London".into(),
            ..Default::default()
        };
        let programme = form
            .parse(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
            .unwrap();
        assert_eq!(programme.sessions.len(), 4);
        // 15:00 in London before and after the clocks change on 29 March.
        assert_eq!(
            programme.sessions[0].to_rfc3339(),
            "2026-03-19T15:00:00+00:00"
        );
        assert_eq!(
            programme.sessions[1].to_rfc3339(),
            "2026-04-09T14:00:00+00:00"
        );
        assert!(programme.cross_functional);

        let mut late = form.clone();
        late.first_session = "2026-03-10T15:00".into();
        late.circle_size = "9".into();
        let errors = late
            .parse(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
            .unwrap_err();
        assert!(errors.get("first_session").is_some());
        assert!(errors.get("circle_size").is_some());
    }

    #[test]
    fn reviews_need_what_happened_and_notes_need_words() {
        assert!(
            ReviewForm::default()
                .parse()
                .unwrap_err()
                .get("what_happened")
                .is_some()
        );
        assert!(parse_note("   ").is_err());
        assert!(parse_note("a\0b").is_err());
        assert_eq!(
            parse_note(" See you Thursday. "),
            Ok("See you Thursday.".into())
        );
    }
}
