//! The month's kindness challenge: HR's form, the calendar of months, when the nudges go out,
//! and participation as HR may see it (never about fewer than the anonymity threshold).

use chrono::{Datelike, Months, NaiveDate};

use super::{StarterMonth, parse_aspects, required};
use crate::domain::FieldErrors;
use crate::domain::insights::{GroupFigures, Shown};
use crate::domain::teq::Aspect;
use crate::domain::text;

/// A month's challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The first day of its month.
    pub month: NaiveDate,
    pub title: String,
    /// Ideas, one per line.
    pub ideas: String,
    pub why: String,
    pub aspects: Vec<Aspect>,
}

impl Challenge {
    /// "December 2026".
    pub fn month_label(&self) -> String {
        month_label(self.month)
    }

    pub fn idea_list(&self) -> Vec<&str> {
        self.ideas
            .lines()
            .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim())
            .filter(|l| !l.is_empty())
            .collect()
    }

    pub fn aspect_names(&self) -> String {
        self.aspects
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// "December 2026".
pub fn month_label(month: NaiveDate) -> String {
    month.format("%B %Y").to_string()
}

/// The first day of the month `day` is in.
pub fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a first day")
}

/// `count` months starting with the month of `from`.
pub fn next_months(from: NaiveDate, count: u32) -> Vec<NaiveDate> {
    let first = month_of(from);
    (0..count)
        .filter_map(|i| first.checked_add_months(Months::new(i)))
        .collect()
}

/// The challenge form as typed (also what the starter calendar fills in).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ChallengeForm {
    /// "2026-12".
    pub month: String,
    pub title: String,
    pub ideas: String,
    pub why: String,
    pub aspects: Vec<String>,
}

impl ChallengeForm {
    pub fn has_aspect(&self, slug: &str) -> bool {
        self.aspects.iter().any(|a| a == slug)
    }

    pub fn from_challenge(c: &Challenge) -> Self {
        ChallengeForm {
            month: c.month.format("%Y-%m").to_string(),
            title: c.title.clone(),
            ideas: c.ideas.clone(),
            why: c.why.clone(),
            aspects: c.aspects.iter().map(|a| a.slug().to_string()).collect(),
        }
    }

    pub fn from_starter(month: NaiveDate, starter: &StarterMonth) -> Self {
        ChallengeForm {
            month: month.format("%Y-%m").to_string(),
            title: starter.title.into(),
            ideas: starter.ideas.join("\n"),
            why: starter.why.into(),
            aspects: starter
                .aspects
                .iter()
                .map(|a| a.slug().to_string())
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeInput {
    pub month: NaiveDate,
    pub title: String,
    pub ideas: String,
    pub why: String,
    pub aspects: Vec<Aspect>,
}

impl ChallengeInput {
    /// Validates the form; a month before `this_month` can't be scheduled any more.
    pub fn parse(form: &ChallengeForm, this_month: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let month = NaiveDate::parse_from_str(&format!("{}-01", form.month.trim()), "%Y-%m-%d")
            .ok()
            .filter(|m| m.year() < 10000);
        match month {
            None => errors.add("month", "Choose the month, like 2027-01."),
            Some(m) if m < month_of(this_month) => errors.add(
                "month",
                "That month is over: choose this month or a later one.",
            ),
            Some(_) => {}
        }
        let title = required(
            &mut errors,
            "title",
            text::one_line(&form.title, 200, "The challenge"),
            "Write the challenge in one sentence.",
        );
        let ideas = required(
            &mut errors,
            "ideas",
            text::paragraphs(&form.ideas, 4000, "The ideas"),
            "Give a few ideas, one per line.",
        );
        let why = required(
            &mut errors,
            "why",
            text::paragraphs(&form.why, 2000, "Why it matters"),
            "Say in a sentence or two why it matters.",
        );
        let aspects = parse_aspects(&form.aspects, &mut errors);
        errors.into_result(|| ChallengeInput {
            month: month.unwrap_or(this_month),
            title,
            ideas,
            why,
            aspects,
        })
    }
}

/// The two gentle nudges of a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Nudge {
    /// On the 1st (to the 7th, if Attune was down): the new challenge, to last month's
    /// participants who haven't accepted it yet.
    Start,
    /// On the 15th (to the 21st): a word halfway through, to this month's participants.
    Middle,
}

impl Nudge {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Which nudge is due on `today` (UTC), if any: a nudge a week late is news no more.
pub fn nudge_due(today: NaiveDate) -> Option<Nudge> {
    match today.day() {
        1..=7 => Some(Nudge::Start),
        15..=21 => Some(Nudge::Middle),
        _ => None,
    }
}

/// Participation in one month as HR may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Participation {
    pub month: NaiveDate,
    /// Everyone who accepted; `None` under the anonymity threshold.
    pub total: Option<i64>,
    pub departments: Vec<Shown>,
    pub offices: Vec<Shown>,
}

impl Participation {
    pub fn month_label(&self) -> String {
        month_label(self.month)
    }
}

/// How many people accepted a month's challenge in one department and office (`""` for none),
/// as they were when they accepted.
pub type ParticipationCell = (NaiveDate, String, String, i64);

/// One month's cells as (department, office, people), named as HR sees them.
fn month_cells(month: NaiveDate, cells: &[ParticipationCell]) -> Vec<(String, String, i64)> {
    let name = |raw: &str, none: &str| {
        if raw.is_empty() {
            none.to_string()
        } else {
            raw.to_string()
        }
    };
    cells
        .iter()
        .filter(|(m, _, _, people)| *m == month && *people > 0)
        .map(|(_, department, office, people)| {
            (
                name(department, "No department"),
                name(office, "No office"),
                *people,
            )
        })
        .collect()
}

fn borrowed(cells: &[(String, String, i64)]) -> Vec<(&str, &str, i64)> {
    cells
        .iter()
        .map(|(d, o, n)| (d.as_str(), o.as_str(), *n))
        .collect()
}

/// Participation per month (from its cells) as HR may see it. A month under the threshold
/// shows nothing. Its departments and offices are protected together like the funnel's
/// ([`protect_breakdowns`](crate::domain::quiz_disclosure::protect_breakdowns)): one under the
/// threshold is hidden with the next smallest, and more until no department and office differ
/// by fewer people than that (Sales minus London would otherwise be whoever in Sales works
/// elsewhere). Largest groups first.
pub fn participation(
    months: &[NaiveDate],
    cells: &[ParticipationCell],
    threshold: i64,
) -> Vec<Participation> {
    months
        .iter()
        .map(|&month| {
            let named = month_cells(month, cells);
            let edges = borrowed(&named);
            let Some(hidden) =
                crate::domain::quiz_disclosure::protect_breakdowns(&edges, threshold)
            else {
                return Participation {
                    month,
                    total: None,
                    departments: vec![],
                    offices: vec![],
                };
            };
            let groups = |office: bool| -> Vec<Shown> {
                let mut sums: std::collections::BTreeMap<&str, i64> = Default::default();
                for (d, o, n) in &edges {
                    *sums.entry(if office { *o } else { *d }).or_default() += n;
                }
                let mut sums: Vec<(&str, i64)> = sums.into_iter().collect();
                sums.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                let hidden = if office {
                    &hidden.hidden_offices
                } else {
                    &hidden.hidden_departments
                };
                sums.into_iter()
                    .map(|(label, people)| {
                        if people >= threshold.max(1) && !hidden.contains(label) {
                            Shown::Visible(GroupFigures {
                                label: label.to_string(),
                                people,
                                mean_total: 0.0,
                                aspect_means: [0.0; 4],
                            })
                        } else {
                            Shown::Hidden {
                                label: label.to_string(),
                            }
                        }
                    })
                    .collect()
            };
            Participation {
                month,
                total: Some(edges.iter().map(|c| c.2).sum()),
                departments: groups(false),
                offices: groups(true),
            }
        })
        .collect()
}

/// Whether a month's participation may move on from the `published` cells to the `candidate`
/// ones, so that no change from one week to the next is about fewer people than the threshold
/// ([`cells_move_on`](crate::domain::quiz_disclosure::cells_move_on)).
pub fn month_moves_on(
    month: NaiveDate,
    published: &[ParticipationCell],
    candidate: &[ParticipationCell],
    threshold: i64,
) -> bool {
    let (before, now) = (month_cells(month, published), month_cells(month, candidate));
    crate::domain::quiz_disclosure::cells_move_on(&borrowed(&before), &borrowed(&now), threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn nudges_go_out_early_and_halfway_through_the_month() {
        assert_eq!(nudge_due(day("2026-12-01")), Some(Nudge::Start));
        assert_eq!(nudge_due(day("2026-12-07")), Some(Nudge::Start));
        assert_eq!(nudge_due(day("2026-12-08")), None);
        assert_eq!(nudge_due(day("2026-12-15")), Some(Nudge::Middle));
        assert_eq!(nudge_due(day("2026-12-22")), None);
    }

    #[test]
    fn months_roll_over_the_year() {
        let months = next_months(day("2026-11-20"), 3);
        assert_eq!(
            months,
            vec![day("2026-11-01"), day("2026-12-01"), day("2027-01-01")]
        );
    }

    #[test]
    fn a_past_month_cannot_be_scheduled() {
        let mut form = ChallengeForm::from_starter(
            day("2026-10-01"),
            &crate::domain::practice::STARTER_CALENDAR[0],
        );
        let errors = ChallengeInput::parse(&form, day("2026-11-15")).unwrap_err();
        assert!(errors.get("month").is_some());
        form.month = "2026-11".into();
        assert_eq!(
            ChallengeInput::parse(&form, day("2026-11-15"))
                .unwrap()
                .month,
            day("2026-11-01")
        );
        form.month = "next month".into();
        assert!(ChallengeInput::parse(&form, day("2026-11-15")).is_err());
    }

    fn cell(month: &str, department: &str, office: &str, people: i64) -> ParticipationCell {
        (day(month), department.into(), office.into(), people)
    }

    #[test]
    fn participation_never_shows_fewer_than_five_people() {
        let m = day("2026-11-01");
        let cells = vec![
            cell("2026-11-01", "Finance", "London", 9),
            cell("2026-11-01", "Legal", "London", 2),
            cell("2026-11-01", "Sales", "London", 6),
            cell("2026-12-01", "Finance", "London", 4),
        ];
        let shown = participation(&[m, day("2026-12-01")], &cells, 5);
        assert!(matches!(&shown[0].offices[0], Shown::Visible(g) if g.people == 17));
        assert_eq!(shown[0].total, Some(17));
        let hidden: Vec<&str> = shown[0]
            .departments
            .iter()
            .filter(|s| matches!(s, Shown::Hidden { .. }))
            .map(|s| s.label())
            .collect();
        assert_eq!(
            hidden,
            vec!["Sales", "Legal"],
            "Legal hides, and Sales with it"
        );
        assert_eq!(shown[1].total, None);
        assert!(shown[1].departments.is_empty() && shown[1].offices.is_empty());
    }

    #[test]
    fn a_department_and_an_office_never_differ_by_one_person() {
        // Sales is nine in London and one in Paris: Sales minus London would be that one.
        let cells = vec![
            cell("2026-11-01", "Sales", "London", 9),
            cell("2026-11-01", "Sales", "Paris", 1),
            cell("2026-11-01", "Finance", "Paris", 8),
        ];
        let shown = participation(&[day("2026-11-01")], &cells, 5);
        let visible = |groups: &[Shown]| -> Vec<(String, i64)> {
            groups
                .iter()
                .filter_map(|s| match s {
                    Shown::Visible(g) => Some((g.label.clone(), g.people)),
                    Shown::Hidden { .. } => None,
                })
                .collect()
        };
        let departments = visible(&shown[0].departments);
        let offices = visible(&shown[0].offices);
        let sales = departments.iter().find(|(l, _)| l == "Sales").map(|g| g.1);
        let london = offices.iter().find(|(l, _)| l == "London").map(|g| g.1);
        assert!(
            sales.is_none() || london.is_none(),
            "{departments:?} {offices:?}"
        );
    }

    #[test]
    fn a_month_moves_on_only_when_the_change_points_at_no_one() {
        let m = "2026-11-01";
        let before = vec![
            cell(m, "Sales", "London", 6),
            cell(m, "Finance", "Paris", 6),
        ];
        let one_more = vec![
            cell(m, "Sales", "London", 7),
            cell(m, "Finance", "Paris", 6),
        ];
        assert!(!month_moves_on(day(m), &before, &one_more, 5));
        // Five more, but two of them the only new ones in Finance and Paris.
        let split = vec![
            cell(m, "Sales", "London", 9),
            cell(m, "Finance", "Paris", 8),
        ];
        assert!(!month_moves_on(day(m), &before, &split, 5));
        let five_each = vec![
            cell(m, "Sales", "London", 11),
            cell(m, "Finance", "Paris", 11),
        ];
        assert!(month_moves_on(day(m), &before, &five_each, 5));
        // Nothing shown before (too few): nothing to compare with.
        assert!(month_moves_on(
            day(m),
            &[cell(m, "Sales", "London", 3)],
            &before,
            5
        ));
    }
}
