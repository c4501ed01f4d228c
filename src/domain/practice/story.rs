//! "What you don't see about my work": a colleague's story of their role, which HR reviews
//! and publishes as an exercise (named or anonymous, as the author chose) or declines.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::required;
use crate::domain::FieldErrors;
use crate::domain::text;

pub const STORY_MAX_CHARS: usize = 5000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum StoryStatus {
    Submitted,
    Published,
    Declined,
}

impl StoryStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            StoryStatus::Submitted => "Waiting for HR",
            StoryStatus::Published => "Published as an exercise",
            StoryStatus::Declined => "Not published",
        }
    }
}

/// A role story as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleStory {
    pub id: Uuid,
    pub person_id: Uuid,
    /// The author's name and department (HR reviews it; people see it only when named).
    pub author: String,
    pub title: String,
    pub body: String,
    pub named: bool,
    pub status: StoryStatus,
    pub decline_reason: String,
    pub submitted_at: DateTime<Utc>,
    /// The exercise it became, once published.
    pub exercise_id: Option<Uuid>,
}

/// The story form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct StoryForm {
    pub title: String,
    pub body: String,
    /// "named" or "anonymous".
    pub credit: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryInput {
    pub title: String,
    pub body: String,
    pub named: bool,
}

impl StoryInput {
    pub fn parse(form: &StoryForm) -> Result<StoryInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = required(
            &mut errors,
            "title",
            text::one_line(&form.title, 200, "A title"),
            "Give your story a title, for example \"What a night shift in the warehouse is like\".",
        );
        let body = required(
            &mut errors,
            "body",
            text::paragraphs(&form.body, STORY_MAX_CHARS, "Your story"),
            "Write your story: what your work asks of you that colleagues don't see.",
        );
        if !body.is_empty() && body.chars().count() < 100 {
            errors.add(
                "body",
                "Tell a little more (at least 100 characters), so colleagues can picture it.",
            );
        }
        let named = match form.credit.as_str() {
            "named" => true,
            "anonymous" => false,
            _ => {
                errors.add(
                    "credit",
                    "Choose whether your name is shown with your story or not.",
                );
                false
            }
        };
        errors.into_result(|| StoryInput { title, body, named })
    }
}

/// HR's reason for not publishing a story, which its author reads: required, kind and short.
pub fn parse_decline_reason(raw: &str) -> Result<String, String> {
    let reason = text::paragraphs(raw, 1000, "The reason")?;
    if reason.is_empty() {
        return Err("Tell the author why, in a sentence or two: they will read it.".into());
    }
    Ok(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_story_needs_a_title_a_body_and_a_choice_of_credit() {
        let errors = StoryInput::parse(&StoryForm::default()).unwrap_err();
        for field in ["title", "body", "credit"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let story = StoryInput::parse(&StoryForm {
            title: "Nights on the support desk".into(),
            body: "x".repeat(120),
            credit: "anonymous".into(),
        })
        .unwrap();
        assert!(!story.named);
        assert!(parse_decline_reason("  ").is_err());
    }
}
