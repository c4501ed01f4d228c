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

/// How many people took a step (first) in one department and office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelCell {
    pub stage: Stage,
    pub department: FunnelGroup,
    pub office: FunnelGroup,
    pub people: i64,
}

/// A group as a node of the department-office graph (named groups apart from newcomers).
fn key(group: &FunnelGroup) -> String {
    match group {
        FunnelGroup::Named(name) => format!("group:{name}"),
        FunnelGroup::Newcomers => "newcomers".to_string(),
    }
}

/// Whether one quarter's counts for `stage` may move on from the `published` cells to the
/// `candidate` ones (see
/// [`counts_move_on`](crate::domain::quiz_disclosure::counts_move_on)): otherwise HR keeps
/// seeing the published ones, so that no count's change from one week to the next is about
/// fewer people than the threshold.
pub fn stage_moves_on(
    published: &[FunnelCell],
    candidate: &[FunnelCell],
    stage: Stage,
    threshold: i64,
) -> bool {
    use crate::domain::quiz_disclosure::cells_move_on;
    let edges = |cells: &[FunnelCell]| -> Vec<(String, String, i64)> {
        cells
            .iter()
            .filter(|c| c.stage == stage)
            .map(|c| (key(&c.department), key(&c.office), c.people))
            .collect()
    };
    fn borrow(cells: &[(String, String, i64)]) -> Vec<(&str, &str, i64)> {
        cells
            .iter()
            .map(|(d, o, n)| (d.as_str(), o.as_str(), *n))
            .collect()
    }
    let (before, now) = (edges(published), edges(candidate));
    cells_move_on(&borrow(&before), &borrow(&now), threshold)
}

/// A breakdown of one quarter's funnel as HR may see it: each group (named ones in order,
/// newcomers last) with, per stage in [`Stage::ALL`] order, how many people, or None when it
/// is hidden.
pub type GroupRows = Vec<(FunnelGroup, [Option<i64>; 4])>;

/// One quarter's funnel by department and by office as HR may see it. In each stage's column,
/// the two breakdowns are protected together
/// ([`protect_breakdowns`](crate::domain::quiz_disclosure::protect_breakdowns)): counts under
/// the threshold are hidden, and the smallest beside them until the hidden ones add up to the
/// threshold, and more until no department and office differ by fewer people than that. A
/// group with no one at a step is hidden there too.
pub fn protect_groups(cells: &[FunnelCell], threshold: i64) -> (GroupRows, GroupRows) {
    let groups = |pick: fn(&FunnelCell) -> &FunnelGroup| {
        let mut groups: Vec<FunnelGroup> = cells.iter().map(|c| pick(c).clone()).collect();
        groups.sort();
        groups.dedup();
        groups
    };
    let departments = groups(|c| &c.department);
    let offices = groups(|c| &c.office);
    let mut by_department: GroupRows = departments.iter().map(|g| (g.clone(), [None; 4])).collect();
    let mut by_office: GroupRows = offices.iter().map(|g| (g.clone(), [None; 4])).collect();
    for (column, stage) in Stage::ALL.iter().enumerate() {
        let column_cells: Vec<(String, String, i64)> = cells
            .iter()
            .filter(|c| c.stage == *stage)
            .map(|c| (key(&c.department), key(&c.office), c.people))
            .collect();
        let edges: Vec<(&str, &str, i64)> = column_cells
            .iter()
            .map(|(d, o, n)| (d.as_str(), o.as_str(), *n))
            .collect();
        let Some(hidden) = crate::domain::quiz_disclosure::protect_breakdowns(&edges, threshold)
        else {
            continue;
        };
        let fill =
            |rows: &mut GroupRows, hidden: &std::collections::BTreeSet<String>, office: bool| {
                for (group, counts) in rows.iter_mut() {
                    let k = key(group);
                    let people: i64 = column_cells
                        .iter()
                        .filter(|(d, o, _)| if office { *o == k } else { *d == k })
                        .map(|(_, _, n)| *n)
                        .sum();
                    if people >= threshold.max(1) && !hidden.contains(&k) {
                        counts[column] = Some(people);
                    }
                }
            };
        fill(&mut by_department, &hidden.hidden_departments, false);
        fill(&mut by_office, &hidden.hidden_offices, true);
    }
    (by_department, by_office)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(stage: Stage, department: &str, office: &str, people: i64) -> FunnelCell {
        let group = |name: &str| {
            if name == "new" {
                FunnelGroup::Newcomers
            } else {
                FunnelGroup::Named(name.into())
            }
        };
        FunnelCell {
            stage,
            department: group(department),
            office: group(office),
            people,
        }
    }

    #[test]
    fn a_small_group_hides_the_next_smallest_in_its_column_only() {
        let named = |n: &str| FunnelGroup::Named(n.into());
        let cells = vec![
            cell(Stage::Quiz, "Sales", "London", 12),
            cell(Stage::Quiz, "Finance", "London", 6),
            cell(Stage::Quiz, "new", "London", 2),
            cell(Stage::Resource, "Sales", "London", 9),
            cell(Stage::Resource, "Finance", "London", 7),
            cell(Stage::Resource, "new", "London", 7),
        ];
        let (by_department, by_office) = protect_groups(&cells, 5);
        assert_eq!(
            by_department,
            vec![
                (named("Finance"), [None, Some(7), None, None]),
                (named("Sales"), [Some(12), Some(9), None, None]),
                (FunnelGroup::Newcomers, [None, Some(7), None, None]),
            ]
        );
        assert_eq!(
            by_office,
            vec![(named("London"), [Some(20), Some(23), None, None])]
        );
    }

    #[test]
    fn a_department_and_an_office_that_differ_by_one_person_are_not_both_shown() {
        // Sales is London's nine and one person in Paris.
        let cells = vec![
            cell(Stage::Quiz, "Sales", "London", 9),
            cell(Stage::Quiz, "Sales", "Paris", 1),
            cell(Stage::Quiz, "Finance", "Paris", 8),
        ];
        let (by_department, by_office) = protect_groups(&cells, 5);
        let shown = |rows: &GroupRows| rows.iter().filter(|(_, c)| c[0].is_some()).count();
        assert!(
            shown(&by_department) == 0 || shown(&by_office) == 0,
            "{by_department:?} {by_office:?}"
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
