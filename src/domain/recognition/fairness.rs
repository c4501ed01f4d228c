//! Date ranges for HR's fairness figures and exports, and the per-person rates that compare
//! groups of different sizes.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

use super::{MAX_RANGE_DAYS, RANGE_YEARS};
use crate::domain::FieldErrors;
use crate::domain::wording::Number;

/// Recognitions per active person in a group, to one decimal ("0.4"), so departments of
/// different sizes compare; "–" for a group with nobody active in it.
pub fn per_person(count: impl Number, people: impl Number) -> String {
    let (count, people) = (count.as_i64(), people.as_i64());
    if people <= 0 {
        "–".into()
    } else {
        format!("{:.1}", count as f64 / people as f64)
    }
}

/// A date range for HR figures and exports, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// The last `days` days up to `today`.
    pub fn last_days(today: NaiveDate, days: i64) -> Self {
        DateRange {
            from: today - Duration::days(days - 1),
            to: today,
        }
    }

    /// Reads `from` and `to` (YYYY-MM-DD); problems are reported against those field names.
    pub fn parse(from: &str, to: &str) -> Result<DateRange, FieldErrors> {
        let mut errors = FieldErrors::new();
        let read = |raw: &str, field: &'static str, errors: &mut FieldErrors| {
            match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
                Ok(date) if RANGE_YEARS.contains(&date.year()) => Some(date),
                Ok(_) => {
                    errors.add(
                        field,
                        format!(
                            "Enter a date between the years {} and {}, like 2026-03-14.",
                            RANGE_YEARS.start(),
                            RANGE_YEARS.end()
                        ),
                    );
                    None
                }
                Err(_) => {
                    errors.add(field, "Enter a date as year-month-day, like 2026-03-14.");
                    None
                }
            }
        };
        let from = read(from, "from", &mut errors);
        let to = read(to, "to", &mut errors);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.add("to", "The end date must be on or after the start date.");
            } else if (to - from).num_days() >= MAX_RANGE_DAYS {
                errors.add(
                    "to",
                    format!("Choose a range of at most {MAX_RANGE_DAYS} days."),
                );
            }
            if errors.is_empty() {
                return Ok(DateRange { from, to });
            }
        }
        Err(errors)
    }

    /// The range as UTC instants: from the start of `from` to the end of `to`. Never panics,
    /// even at the end of the calendar (a parsed range lies in [`RANGE_YEARS`] anyway).
    pub fn instants(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = self.from.and_time(NaiveTime::MIN).and_utc();
        let end = self.to.succ_opt().map_or(DateTime::<Utc>::MAX_UTC, |next| {
            next.and_time(NaiveTime::MIN).and_utc()
        });
        (start, end)
    }
}
