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

/// How long a person must have been in their department and office before a result they
/// give counts in the program's figures (any of them: overall, by department, by office, so
/// that no figure can be worked out from the others). Until then their previous result, if
/// any, stands. Moving someone into a new group beside accounts HR controls therefore shows
/// nothing for four weeks, while every move and new account is on the audit record
/// (README: Program insights).
pub const GROUP_TENURE_DAYS: i64 = 28;
