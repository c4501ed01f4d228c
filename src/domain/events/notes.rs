//! After the event: "this resonated with me" notes, for the storyteller alone.

use chrono::{DateTime, Utc};

use super::event::Event;
use super::fields::{NOTE_MAX, paragraphs};
use super::rsvp::Rsvp;

/// A "this resonated with me" note, as its storyteller reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedNote {
    pub story_title: String,
    pub author: String,
    pub body: String,
    pub written_at: DateTime<Utc>,
}

/// Validates a "this resonated with me" note.
pub fn parse_note(body: &str) -> Result<String, String> {
    let body = paragraphs(body, NOTE_MAX, "A note")?;
    if body.is_empty() {
        return Err("Write a few words for the storyteller.".into());
    }
    Ok(body)
}

/// Notes can be left by people who were going, for someone else's story, once it's over.
pub fn may_leave_note(
    event: &Event,
    now: DateTime<Utc>,
    rsvp: Option<Rsvp>,
    own_story: bool,
) -> Result<(), &'static str> {
    if event.is_cancelled() || event.is_draft() {
        return Err("This story night didn't take place.");
    }
    if !event.is_over(now) {
        return Err("Notes can be left once the story night is over.");
    }
    if own_story {
        return Err("This is your own story.");
    }
    match rsvp {
        Some(rsvp) if rsvp.is_going() => Ok(()),
        _ => Err("Only people who came to this story night can leave notes."),
    }
}
