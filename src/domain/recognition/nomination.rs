//! What a nomination must contain, and who may nominate whom and how often.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::{LIMIT_WINDOW_DAYS, SEARCH_MAX, STORY_MAX, STORY_MIN, TIMELY_DAYS, Visibility};
use crate::domain::FieldErrors;

/// The nomination form as typed: every field a string, so nothing typed causes an error page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NominationForm {
    pub recipient: String,
    pub behaviours: Vec<String>,
    pub story: String,
    pub happened_on: String,
    pub visibility: String,
}

/// A validated nomination, ready for the rules that need the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nomination {
    pub recipient_id: Uuid,
    pub behaviour_ids: Vec<Uuid>,
    pub story: String,
    pub happened_on: NaiveDate,
    pub visibility: Visibility,
}

/// The prompts that shape a good recognition, shown above the text field.
pub const STORY_PROMPTS: [&str; 3] = [
    "The situation: what was going on?",
    "What they did: the specific thing you saw or heard.",
    "The effect: what changed for you, the team or a customer.",
];

/// Normalises line endings and trims the ends; inner spacing is the writer's.
pub fn clean_story(raw: &str) -> String {
    crate::domain::text::without_bidi_controls(raw)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}

impl Nomination {
    /// Checks every field of the form. `today` is the nominator's date in their own time
    /// zone; `choosable` are the behaviours that can be chosen (not retired).
    pub fn parse(
        form: &NominationForm,
        today: NaiveDate,
        choosable: &[Uuid],
    ) -> Result<Nomination, FieldErrors> {
        let mut errors = FieldErrors::new();
        let recipient_id = Uuid::parse_str(form.recipient.trim()).ok();
        if recipient_id.is_none() {
            errors.add(
                "recipient",
                "Choose the colleague you want to recognise. Search for them by name.",
            );
        }

        let mut behaviour_ids = Vec::new();
        for raw in &form.behaviours {
            match Uuid::parse_str(raw.trim()) {
                Ok(id) if choosable.contains(&id) => {
                    if !behaviour_ids.contains(&id) {
                        behaviour_ids.push(id);
                    }
                }
                _ => errors.add(
                    "behaviours",
                    "One of the behaviours chosen is no longer on the list. Choose again from the list below.",
                ),
            }
        }
        if behaviour_ids.is_empty() {
            errors.add(
                "behaviours",
                "Choose at least one behaviour that describes what they did.",
            );
        }

        let story = clean_story(&form.story);
        let length = story.chars().count();
        if length < STORY_MIN {
            errors.add(
                "story",
                format!(
                    "Describe what happened in at least {STORY_MIN} characters (you have {length}). The situation, what they did and its effect make a recognition mean something."
                ),
            );
        } else if length > STORY_MAX {
            errors.add(
                "story",
                format!(
                    "Keep the description to {STORY_MAX} characters or fewer (you have {length})."
                ),
            );
        } else if has_hidden_characters(&story) {
            errors.add(
                "story",
                "The description contains characters that can't be shown. Retype it without them.",
            );
        }

        let happened_on = match NaiveDate::parse_from_str(form.happened_on.trim(), "%Y-%m-%d") {
            Ok(date) if date > today => {
                errors.add(
                    "happened_on",
                    "The date can't be in the future. Choose the day it happened.",
                );
                None
            }
            Ok(date) if date.year() < 2000 => {
                errors.add(
                    "happened_on",
                    "Enter a date from this century, like 2026-03-14.",
                );
                None
            }
            Ok(date) => Some(date),
            Err(_) if form.happened_on.trim().is_empty() => {
                errors.add("happened_on", "Enter the date it happened.");
                None
            }
            Err(_) => {
                errors.add(
                    "happened_on",
                    "Enter the date as year-month-day, like 2026-03-14.",
                );
                None
            }
        };

        let visibility = match form.visibility.as_str() {
            "wall" => Some(Visibility::Wall),
            "private" => Some(Visibility::Private),
            _ => {
                errors.add(
                    "visibility",
                    "Choose whether this goes on the wall or stays private to them.",
                );
                None
            }
        };

        match (recipient_id, happened_on, visibility) {
            (Some(recipient_id), Some(happened_on), Some(visibility)) if errors.is_empty() => {
                Ok(Nomination {
                    recipient_id,
                    behaviour_ids,
                    story,
                    happened_on,
                    visibility,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Whether a recognition is older than what the form calls timely.
pub fn is_late(happened_on: NaiveDate, today: NaiveDate) -> bool {
    (today - happened_on).num_days() > TIMELY_DAYS
}

/// What the rules need to know about the chosen colleague.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientFacts {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
}

/// Why a well-formed nomination can't be made, with the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    SelfNomination,
    UnknownRecipient,
    RecipientInactive { name: String },
    WeeklyLimit { limit: i32, opens_at: DateTime<Utc> },
    Repeated { behaviours: Vec<String> },
}

impl Refusal {
    /// The form field the message is shown next to.
    pub fn field(&self) -> &'static str {
        match self {
            Refusal::SelfNomination
            | Refusal::UnknownRecipient
            | Refusal::RecipientInactive { .. } => "recipient",
            Refusal::WeeklyLimit { .. } => "limit",
            Refusal::Repeated { .. } => "behaviours",
        }
    }

    /// The message; `opens` is the limit's reopening time as the nominator reads it.
    pub fn message(&self, opens: &str) -> String {
        match self {
            Refusal::SelfNomination => {
                "You can't recognise yourself. Choose a colleague whose actions you noticed.".into()
            }
            Refusal::UnknownRecipient => {
                "We couldn't find that colleague. Search for them by name again.".into()
            }
            Refusal::RecipientInactive { name } => format!(
                "{name} no longer has an active account, so they can't be recognised. Choose someone else."
            ),
            Refusal::WeeklyLimit { limit, .. } => format!(
                "You've made {limit} nominations in the last 7 days, the most your HR team allows. You can nominate again from {opens}. Your text is kept below."
            ),
            Refusal::Repeated { behaviours } => format!(
                "You recognised this colleague for \u{201c}{}\u{201d} in the last 24 hours. Choose a different behaviour, or wait a day.",
                behaviours.join("\u{201d}, \u{201c}")
            ),
        }
    }
}

/// When the weekly limit lets the nominator nominate again, given the times of their
/// nominations in the window (any order). `None` when they may nominate now.
pub fn weekly_limit_reopens(
    recent: &[DateTime<Utc>],
    limit: i32,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let window = Duration::days(LIMIT_WINDOW_DAYS);
    let mut in_window: Vec<DateTime<Utc>> = recent
        .iter()
        .copied()
        .filter(|at| *at > now - window && *at <= now)
        .collect();
    let limit = usize::try_from(limit.max(0)).unwrap_or(0);
    if in_window.len() < limit {
        return None;
    }
    in_window.sort_unstable();
    // The oldest nomination that has to leave the window for one more to fit.
    let index = in_window.len() - limit;
    Some(in_window[index] + window)
}

/// The rules that need stored facts: no self-nomination, no deactivated recipient, the weekly
/// limit, no repeat of the same behaviour within 24 hours (`repeated` are the labels of the
/// chosen behaviours already used for this recipient in that window).
pub fn check_rules(
    nominator_id: Uuid,
    recipient: Option<&RecipientFacts>,
    recent: &[DateTime<Utc>],
    limit: i32,
    repeated: Vec<String>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let Some(recipient) = recipient else {
        return Err(Refusal::UnknownRecipient);
    };
    if recipient.id == nominator_id {
        return Err(Refusal::SelfNomination);
    }
    if !recipient.active {
        return Err(Refusal::RecipientInactive {
            name: recipient.name.clone(),
        });
    }
    if let Some(opens_at) = weekly_limit_reopens(recent, limit, now) {
        return Err(Refusal::WeeklyLimit { limit, opens_at });
    }
    if !repeated.is_empty() {
        return Err(Refusal::Repeated {
            behaviours: repeated,
        });
    }
    Ok(())
}

/// Whether text holds a control character other than a line break or a tab (a NUL byte,
/// which PostgreSQL can't store, or an invisible character that can't be shown).
fn has_hidden_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// Checks a short piece of moderation text (a rejection reason or a report).
pub fn parse_reason(raw: &str, max: usize, missing: &str) -> Result<String, String> {
    let reason = clean_story(raw);
    let length = reason.chars().count();
    if length == 0 {
        return Err(missing.to_string());
    }
    if length > max {
        return Err(format!(
            "Keep it to {max} characters or fewer (you have {length})."
        ));
    }
    if has_hidden_characters(&reason) {
        return Err(
            "The text contains characters that can't be shown (such as a null character). Retype it without them."
                .into(),
        );
    }
    Ok(reason)
}

/// Reads a colleague search: at most [`SEARCH_MAX`] characters are used, and a name never
/// contains control characters, so a search holding one is refused with a message.
pub fn parse_search(raw: &str) -> Result<String, String> {
    let query: String = crate::domain::text::without_bidi_controls(raw)
        .trim()
        .chars()
        .take(SEARCH_MAX)
        .collect();
    if query.chars().any(char::is_control) {
        return Err(
            "Names don't contain control characters (such as a null character). Type the name again."
                .into(),
        );
    }
    Ok(query)
}
