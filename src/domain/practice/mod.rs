//! Practice between the big moments: perspective exercises (with private reflections and an
//! anonymous takeaway board), colleagues' role stories, monthly kindness challenges and the
//! private journal.
//!
//! - `exercise.rs`: an exercise, HR's form, reflections, takeaways and the board's threshold;
//! - `story.rs`: "what you don't see about my work" stories and HR's decision;
//! - `challenge.rs`: the month's challenge, HR's form, the nudges' calendar, participation;
//! - `starter.rs`: twelve ready-made months of kindness challenges;
//! - `journal.rs`: a journal entry and its validation, and the recognition it can become.

mod challenge;
mod exercise;
mod journal;
mod starter;
mod story;

pub use challenge::{
    Challenge, ChallengeForm, ChallengeInput, Nudge, Participation, ParticipationCell,
    month_moves_on, month_of, next_months, nudge_due, participation,
};
pub use exercise::{
    BOARD_SHOWN, Exercise, ExerciseForm, ExerciseInput, Format, PROMPTS_MAX, PROMPTS_MIN,
    Reflections, board_is_open, exercise_path, parse_reflections, parse_takeaway,
};
pub use journal::{JournalEntry, JournalForm, JournalInput, recognition_prefill};
pub use starter::{STARTER_CALENDAR, StarterMonth};
pub use story::{RoleStory, StoryForm, StoryInput, StoryStatus, parse_decline_reason};

use std::collections::HashSet;

use crate::domain::FieldErrors;
use crate::domain::teq::Aspect;

/// The aspects ticked on a form (at least one, each known), in canonical order.
pub(crate) fn parse_aspects(raw: &[String], errors: &mut FieldErrors) -> Vec<Aspect> {
    let mut aspects: Vec<Aspect> = raw.iter().filter_map(|s| Aspect::from_slug(s)).collect();
    aspects.sort();
    aspects.dedup();
    if aspects.is_empty() || aspects.len() != raw.iter().collect::<HashSet<_>>().len() {
        errors.add("aspects", "Choose at least one aspect it helps.");
    }
    aspects
}

/// A required text field through the text policy: `None` (with the problem recorded) when
/// empty or refused.
pub(crate) fn required(
    errors: &mut FieldErrors,
    field: &'static str,
    result: Result<String, String>,
    empty: &str,
) -> String {
    match result {
        Ok(text) if text.is_empty() => {
            errors.add(field, empty);
            text
        }
        Ok(text) => text,
        Err(problem) => {
            errors.add(field, problem);
            String::new()
        }
    }
}
