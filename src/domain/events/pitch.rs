//! Pitches and the lineup: the pitch form, organizers' decisions, moving stories.

use uuid::Uuid;

use super::fields::*;
use crate::domain::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum PitchStatus {
    Submitted,
    Accepted,
    Declined,
}

impl PitchStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// For people: "Waiting for a decision", "Accepted", "Not this time".
    pub fn label(self) -> &'static str {
        match self {
            PitchStatus::Submitted => "Waiting for a decision",
            PitchStatus::Accepted => "Accepted",
            PitchStatus::Declined => "Not this time",
        }
    }
}

/// A story pitched for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pitch {
    pub id: Uuid,
    pub event_id: Uuid,
    pub person_id: Uuid,
    pub storyteller: String,
    pub title: String,
    pub summary: String,
    pub minutes: i32,
    pub content_note: String,
    pub recording_consent: bool,
    pub status: PitchStatus,
    pub organizer_message: String,
    pub lineup_position: Option<i32>,
}

/// The pitch form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PitchForm {
    pub title: String,
    pub summary: String,
    pub minutes: String,
    pub content_note: String,
    pub recording_consent: bool,
}

impl PitchForm {
    pub fn from_pitch(pitch: &Pitch) -> Self {
        PitchForm {
            title: pitch.title.clone(),
            summary: pitch.summary.clone(),
            minutes: pitch.minutes.to_string(),
            content_note: pitch.content_note.clone(),
            recording_consent: pitch.recording_consent,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PitchInput {
    pub title: String,
    pub summary: String,
    pub minutes: i32,
    pub content_note: String,
    pub recording_consent: bool,
}

/// Validates a pitch; a story can be no longer than the event's minutes per story.
pub fn parse_pitch(form: &PitchForm, minutes_per_story: i32) -> Result<PitchInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = noted(
        &mut errors,
        "title",
        required(
            one_line(&form.title, TITLE_MAX, "A title"),
            "Give your story a title.",
        ),
    );
    let summary = noted(
        &mut errors,
        "summary",
        required(
            paragraphs(&form.summary, SUMMARY_MAX, "The summary"),
            "Tell the organizers in a few sentences what your story is about.",
        ),
    );
    let minutes = whole_number(&form.minutes, 1, MINUTES_MAX, "the minutes you need").and_then(
        |m| {
            if m > minutes_per_story {
                Err(format!(
                    "Each story has at most {minutes_per_story} minutes. Shorten it to fit the slot."
                ))
            } else {
                Ok(m)
            }
        },
    );
    let minutes = noted(&mut errors, "minutes", minutes);
    let content_note = noted(
        &mut errors,
        "content_note",
        one_line(&form.content_note, CONTENT_NOTE_MAX, "A content note"),
    );
    match (title, summary, minutes, content_note) {
        (Some(title), Some(summary), Some(minutes), Some(content_note)) if errors.is_empty() => {
            Ok(PitchInput {
                title,
                summary,
                minutes,
                content_note,
                recording_consent: form.recording_consent,
            })
        }
        _ => Err(errors),
    }
}

/// An organizer's answer to a pitch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Decline,
}

/// Reads a decision and its optional message to the pitcher.
pub fn parse_decision(decision: &str, message: &str) -> Result<(Decision, String), String> {
    let message = paragraphs(message, MESSAGE_MAX, "The message")?;
    match decision {
        "accept" => Ok((Decision::Accept, message)),
        "decline" => Ok((Decision::Decline, message)),
        _ => Err("Choose whether to accept or decline the story.".into()),
    }
}

/// No more stories accepted than there are slots.
pub fn may_accept(accepted: i32, slots: i32) -> Result<(), String> {
    if accepted >= slots {
        Err(format!(
            "The lineup is full: all {slots} storyteller slots are taken. Decline or move a story out first, or add slots to the event."
        ))
    } else {
        Ok(())
    }
}

/// Which way a story moves in the lineup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Earlier,
    Later,
}

impl Move {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "earlier" | "up" => Some(Move::Earlier),
            "later" | "down" => Some(Move::Later),
            _ => None,
        }
    }

    /// The place to swap with, if there is one within `1..=count`.
    pub fn target(self, position: i32, count: i32) -> Option<i32> {
        let target = match self {
            Move::Earlier => position - 1,
            Move::Later => position + 1,
        };
        (1..=count).contains(&target).then_some(target)
    }
}
