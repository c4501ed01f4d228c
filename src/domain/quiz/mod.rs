//! The baseline quiz: the instrument and its scoring, and the rules around it.
//!
//! - `teq.rs`: the Toronto Empathy Questionnaire: item text, the scoring key, scoring;
//! - `answers.rs`: reading answers from the form, drafts;
//! - `retake.rs`: the retake interval;
//! - `attempt.rs`: a scored attempt as stored.

mod answers;
mod attempt;
mod retake;
pub mod teq;

pub use answers::{RawAnswers, answered_count, answers_from_form, draft_values};
pub use attempt::{Attempt, percent_of};
pub use retake::{may_take, parse_retake_interval, retake_opens};
