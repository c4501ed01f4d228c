//! The private journal: what happened, what the person noticed. Only its owner reads it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::required;
use crate::domain::FieldErrors;
use crate::domain::text;

const ENTRY_MAX_CHARS: usize = 2000;

/// A journal entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub id: Uuid,
    pub happened_on: NaiveDate,
    pub what: String,
    pub noticed: String,
    pub created_at: DateTime<Utc>,
}

impl JournalEntry {
    /// "24 November 2026".
    pub fn day(&self) -> String {
        crate::domain::time::long_date(self.happened_on)
    }
}

/// The journal form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct JournalForm {
    pub happened_on: String,
    pub what: String,
    pub noticed: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalInput {
    pub happened_on: NaiveDate,
    pub what: String,
    pub noticed: String,
}

impl JournalInput {
    /// Validates the form; the date is a day in the last year, up to `today` (the person's).
    pub fn parse(form: &JournalForm, today: NaiveDate) -> Result<JournalInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let happened_on = match NaiveDate::parse_from_str(form.happened_on.trim(), "%Y-%m-%d") {
            Ok(day) if day > today => {
                errors.add(
                    "happened_on",
                    "That day hasn't come yet: choose today or earlier.",
                );
                today
            }
            Ok(day) if day < today - Duration::days(366) => {
                errors.add("happened_on", "Choose a day within the last year.");
                today
            }
            Ok(day) => day,
            Err(_) => {
                errors.add("happened_on", "Enter the day it happened, like 2026-11-24.");
                today
            }
        };
        let what = required(
            &mut errors,
            "what",
            text::paragraphs(&form.what, ENTRY_MAX_CHARS, "What happened"),
            "Write what happened, in a line or two.",
        );
        let noticed = text::paragraphs(&form.noticed, ENTRY_MAX_CHARS, "What you noticed")
            .map_err(|e| errors.add("noticed", e))
            .unwrap_or_default();
        errors.into_result(|| JournalInput {
            happened_on,
            what,
            noticed,
        })
    }
}

/// The query that opens the recognition form with an entry's words and date already filled
/// in (the person still chooses the colleague and checks every word before sending).
pub fn recognition_prefill(entry: &JournalEntry) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("story", &entry.what)
        .append_pair(
            "happened_on",
            &entry.happened_on.format("%Y-%m-%d").to_string(),
        )
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-12-01".parse().unwrap()
    }

    #[test]
    fn an_entry_needs_what_happened_and_a_day_in_the_last_year() {
        let form = JournalForm {
            happened_on: "2026-12-02".into(),
            what: " ".into(),
            noticed: String::new(),
        };
        let errors = JournalInput::parse(&form, today()).unwrap_err();
        assert!(errors.get("happened_on").unwrap().contains("hasn't come"));
        assert!(errors.get("what").is_some());
        let ok = JournalInput::parse(
            &JournalForm {
                happened_on: "2026-11-30".into(),
                what: "Priya covered my call.".into(),
                noticed: "I relaxed.".into(),
            },
            today(),
        )
        .unwrap();
        assert_eq!(ok.happened_on, "2026-11-30".parse::<NaiveDate>().unwrap());
    }

    #[test]
    fn the_recognition_prefill_carries_the_words_and_the_day() {
        let entry = JournalEntry {
            id: Uuid::nil(),
            happened_on: today(),
            what: "Sam & Jo stayed late".into(),
            noticed: String::new(),
            created_at: Utc::now(),
        };
        assert_eq!(
            recognition_prefill(&entry),
            "story=Sam+%26+Jo+stayed+late&happened_on=2026-12-01"
        );
    }
}
