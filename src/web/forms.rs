//! Small helpers shared by form handlers.

use chrono::{DateTime, Utc};

use crate::domain::FieldErrors;
use crate::domain::password::{self, PasswordProblem};

/// An HTML checkbox is sent only when ticked.
pub fn ticked(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

/// Checks a new password and its confirmation, adding problems to `errors` under
/// `password` and `password_confirmation`.
pub fn check_new_password(
    errors: &mut FieldErrors,
    password: &str,
    confirmation: &str,
    personal: &[&str],
) {
    if let Err(PasswordProblem(message)) = password::check(password, personal) {
        errors.add("password", message);
    } else if password != confirmation {
        errors.add(
            "password_confirmation",
            "The two passwords don't match. Type the same password twice.",
        );
    }
}

/// Every IANA time zone name, for the time zone picker.
pub fn time_zone_names() -> impl Iterator<Item = &'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
}

/// A calendar date in the person's own time zone, e.g. "24 November 2026".
pub fn human_date(at: DateTime<Utc>, time_zone: &str) -> String {
    let zone = time_zone
        .parse::<chrono_tz::Tz>()
        .unwrap_or(chrono_tz::Tz::UTC);
    at.with_timezone(&zone).format("%-d %B %Y").to_string()
}

/// A date and time for people to read, in UTC with the zone named.
pub fn human_time(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y at %H:%M UTC").to_string()
}
