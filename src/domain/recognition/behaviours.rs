//! HR's list of behaviours, and the recognition settings HR chooses.

use uuid::Uuid;

/// A behaviour on HR's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behaviour {
    pub id: Uuid,
    pub label: String,
    pub position: i32,
    pub retired: bool,
}

/// A behaviour label as HR types it: one line, 3 to 120 characters.
pub fn parse_behaviour_label(raw: &str) -> Result<String, String> {
    let label = crate::domain::text::without_bidi_controls(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let length = label.chars().count();
    if length < 3 {
        return Err("Describe the behaviour in at least 3 characters.".into());
    }
    if length > 120 {
        return Err(format!(
            "Keep the behaviour to 120 characters or fewer (you have {length})."
        ));
    }
    if label.chars().any(char::is_control) {
        return Err(
            "The behaviour can't contain control characters (such as a null character). Retype it without them."
                .into(),
        );
    }
    Ok(label)
}

/// Reads HR's weekly nomination limit: a whole number from 1 to 50.
pub fn parse_weekly_limit(raw: &str) -> Result<i32, String> {
    match raw.trim().parse::<i32>() {
        Ok(limit) if (1..=50).contains(&limit) => Ok(limit),
        _ => Err("Enter a whole number of nominations from 1 to 50.".into()),
    }
}

/// Reads how many spotlight nominators to invite per department each week: 0 to 20.
pub fn parse_spotlight_count(raw: &str) -> Result<i32, String> {
    match raw.trim().parse::<i32>() {
        Ok(count) if (0..=20).contains(&count) => Ok(count),
        _ => Err("Enter a whole number of people from 0 to 20 (0 turns the rotation off).".into()),
    }
}

/// Reads the publishing choice: `Ok(true)` when nominations wait for HR approval.
pub fn parse_publishing(raw: &str) -> Result<bool, String> {
    match raw {
        "immediately" => Ok(false),
        "approval" => Ok(true),
        _ => Err("Choose when nominations are published.".into()),
    }
}
