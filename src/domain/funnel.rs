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

/// A row of the funnel by department or office: a named group, or the people who had been in
/// their group under four weeks when they took the step.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FunnelGroup {
    Named(String),
    Newcomers,
}

/// One quarter's funnel by one kind of group as HR may see it: each group (named ones in
/// order, newcomers last) with, per stage in [`Stage::ALL`] order, the count, or None when it
/// is hidden. In each stage's column, counts under the threshold are hidden, and then the
/// smallest ones beside them until the hidden counts add up to at least the threshold
/// (complementary suppression: the overall funnel minus the shown groups gives nothing about
/// fewer people). A group with no one at a step counts 0 there.
pub fn protect_groups(
    counts: &[(FunnelGroup, Stage, i64)],
    threshold: i64,
) -> Vec<(FunnelGroup, [Option<i64>; 4])> {
    let mut groups: Vec<FunnelGroup> = counts.iter().map(|(g, _, _)| g.clone()).collect();
    groups.sort();
    groups.dedup();
    let mut rows: Vec<(FunnelGroup, [Option<i64>; 4])> =
        groups.iter().map(|g| (g.clone(), [None; 4])).collect();
    for (column, stage) in Stage::ALL.iter().enumerate() {
        let sizes: Vec<i64> = groups
            .iter()
            .map(|g| {
                counts
                    .iter()
                    .filter(|(group, s, _)| group == g && s == stage)
                    .map(|(_, _, n)| *n)
                    .sum()
            })
            .collect();
        let hidden = crate::domain::insights::hidden_groups(&sizes, threshold);
        for ((row, size), hide) in rows.iter_mut().zip(&sizes).zip(hidden) {
            row.1[column] = (!hide).then_some(*size);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_group_hides_the_next_smallest_in_its_column_only() {
        let named = |n: &str| FunnelGroup::Named(n.into());
        let counts = vec![
            (named("Sales"), Stage::Quiz, 12),
            (named("Finance"), Stage::Quiz, 6),
            (FunnelGroup::Newcomers, Stage::Quiz, 2),
            (named("Sales"), Stage::Resource, 9),
            (named("Finance"), Stage::Resource, 7),
            (FunnelGroup::Newcomers, Stage::Resource, 7),
        ];
        let rows = protect_groups(&counts, 5);
        assert_eq!(
            rows,
            vec![
                (named("Finance"), [None, Some(7), None, None]),
                (named("Sales"), [Some(12), Some(9), None, None]),
                (FunnelGroup::Newcomers, [None, Some(7), None, None]),
            ]
        );
    }

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
