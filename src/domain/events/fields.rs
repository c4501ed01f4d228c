//! Limits of every text and number typed into story-night forms, and how such fields are read.

use std::ops::RangeInclusive;

use crate::domain::FieldErrors;

/// Longest title of an event or a story.
pub const TITLE_MAX: usize = 120;
pub const THEME_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 5000;
pub const PLACE_MAX: usize = 100;
pub const VIDEO_URL_MAX: usize = 500;
pub const CAPACITY_MAX: i32 = 100_000;
pub const SLOTS_MAX: i32 = 50;
pub const MINUTES_MAX: i32 = 120;
pub const SUMMARY_MAX: usize = 1000;
pub const CONTENT_NOTE_MAX: usize = 200;
pub const MESSAGE_MAX: usize = 1000;
pub const NOTE_MAX: usize = 1000;
/// The years an event's times may fall in.
pub const EVENT_YEARS: RangeInclusive<i32> = 2000..=2100;

// --- Text fields -----------------------------------------------------------------------

/// A field's value as read, or `None` with its problem noted next to the field.
pub(super) fn noted<T>(
    errors: &mut FieldErrors,
    field: &'static str,
    read: Result<T, String>,
) -> Option<T> {
    read.map_err(|problem| errors.add(field, problem)).ok()
}

/// A text that must be given: `missing` says what to write when it is empty.
pub(super) fn required(read: Result<String, String>, missing: &str) -> Result<String, String> {
    read.and_then(|text| {
        if text.is_empty() {
            Err(missing.to_string())
        } else {
            Ok(text)
        }
    })
}

/// A one-line text, under the one text policy ([`crate::domain::text`]).
pub(super) fn one_line(raw: &str, max: usize, what: &str) -> Result<String, String> {
    crate::domain::text::one_line(raw, max, what)
}

/// A longer text with line breaks kept, under the one text policy.
pub(super) fn paragraphs(raw: &str, max: usize, what: &str) -> Result<String, String> {
    crate::domain::text::paragraphs(raw, max, what)
}

/// The office a list is filtered by, as typed in the query: whitespace tidied like a stored
/// office name. Anything no office could be called (too long, control characters such as
/// NUL, which PostgreSQL can't compare) means no filter.
pub fn office_filter(raw: &str) -> String {
    one_line(raw, PLACE_MAX, "An office").unwrap_or_default()
}

/// A whole number typed in a form, within a range.
pub(super) fn whole_number(raw: &str, min: i32, max: i32, what: &str) -> Result<i32, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(format!("Enter {what}."));
    }
    match raw.parse::<i64>() {
        Ok(n) if n < i64::from(min) => {
            Err(format!("{} can't be less than {min}.", capitalise(what)))
        }
        Ok(n) if n > i64::from(max) => Err(format!("{} can be at most {max}.", capitalise(what))),
        Ok(n) => Ok(n as i32),
        Err(_) => Err(format!("Enter {what} as a whole number, like 3.")),
    }
}

pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A link people can follow: http or https only, at most `VIDEO_URL_MAX` characters as
/// stored. The length is checked after normalising, because that percent-encodes: one "é"
/// typed becomes the six characters "%C3%A9".
pub(super) fn video_link(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    // The parser would quietly drop or percent-encode these; say so instead.
    if raw.chars().any(char::is_control) {
        return Err("A video link cannot contain control characters.".into());
    }
    let url = match url::Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => url,
        _ => return Err("Enter the full video link, starting with https://".into()),
    };
    let stored = url.to_string();
    let length = stored.chars().count();
    if length > VIDEO_URL_MAX {
        return Err(if length > raw.chars().count() {
            format!(
                "A video link can be at most {VIDEO_URL_MAX} characters. This one is {length} once its accents, spaces and other special characters are encoded for the web. Use a shorter link."
            )
        } else {
            format!("A video link can be at most {VIDEO_URL_MAX} characters (it has {length}).")
        });
    }
    Ok(stored)
}
