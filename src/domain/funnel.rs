//! The participation funnel by quarter on HR's Insights: how many different people did each
//! step of the program in a quarter, shown only from the anonymity threshold up.

use chrono::{Datelike, Months, NaiveDate};

/// A step of the program, in funnel order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Stage {
    Quiz,
    Resource,
    StoryNight,
    Recognised,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Quiz,
        Stage::Resource,
        Stage::StoryNight,
        Stage::Recognised,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Quiz => "Took the quiz",
            Stage::Resource => "Saved or completed a resource",
            Stage::StoryNight => "Went to a story night",
            Stage::Recognised => "Recognised someone",
        }
    }
}

/// The first day of the quarter `date` is in.
pub fn quarter_start(date: NaiveDate) -> NaiveDate {
    let month = (date.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(date.year(), month, 1).expect("the first of a month exists")
}

/// The last `n` quarters up to the one `today` is in, oldest first.
pub fn last_quarters(today: NaiveDate, n: u32) -> Vec<NaiveDate> {
    let current = quarter_start(today);
    (0..n)
        .rev()
        .filter_map(|i| current.checked_sub_months(Months::new(3 * i)))
        .collect()
}

/// "2026 Q4".
pub fn quarter_label(quarter: NaiveDate) -> String {
    format!("{} Q{}", quarter.year(), quarter.month0() / 3 + 1)
}

/// A count of people as HR sees it: the number from the threshold up, "fewer than k" below.
pub fn count_shown(count: i64, threshold: i64) -> String {
    if count >= threshold {
        count.to_string()
    } else {
        format!("fewer than {threshold}")
    }
}

/// [`count_shown`] for a page: the number grouped in thousands ("1,200").
pub fn count_on_page(count: i64, threshold: i64) -> String {
    if count >= threshold {
        crate::domain::wording::grouped(count)
    } else {
        count_shown(count, threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn quarters_start_in_january_april_july_and_october() {
        assert_eq!(quarter_start(day("2026-12-01")), day("2026-10-01"));
        assert_eq!(quarter_start(day("2026-04-30")), day("2026-04-01"));
        assert_eq!(
            last_quarters(day("2026-02-10"), 3),
            vec![day("2025-07-01"), day("2025-10-01"), day("2026-01-01")]
        );
        assert_eq!(quarter_label(day("2026-10-01")), "2026 Q4");
    }

    #[test]
    fn small_counts_are_not_shown() {
        assert_eq!(count_shown(4, 5), "fewer than 5");
        assert_eq!(count_shown(0, 5), "fewer than 5");
        assert_eq!(count_shown(5, 5), "5");
    }
}
