//! The month's kindness challenge: HR's form, the calendar of months, when the nudges go out,
//! and participation as HR may see it (never about fewer than the anonymity threshold).

use chrono::{Datelike, Months, NaiveDate};

use super::{StarterMonth, parse_aspects, required};
use crate::domain::FieldErrors;
use crate::domain::insights::{ANONYMITY_THRESHOLD, GroupFigures, Shown, protect};
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

/// One breakdown of a month (rows of (month, group, people)) with the threshold applied.
fn breakdown(
    month: NaiveDate,
    rows: &[(NaiveDate, String, i64)],
    empty: &str,
) -> Vec<GroupFigures> {
    rows.iter()
        .filter(|(m, _, people)| *m == month && *people > 0)
        .map(|(_, name, people)| GroupFigures {
            label: if name.is_empty() {
                empty.to_string()
            } else {
                name.clone()
            },
            people: *people,
            mean_total: 0.0,
            aspect_means: [0.0; 4],
        })
        .collect()
}

/// Participation per month (given as (month, department or office, people) rows) with the
/// anonymity threshold applied: a month under it shows nothing, and a department or office
/// under it is hidden together with the next smallest, so none can be worked out from the
/// total.
pub fn participation(
    months: &[NaiveDate],
    departments: &[(NaiveDate, String, i64)],
    offices: &[(NaiveDate, String, i64)],
) -> Vec<Participation> {
    months
        .iter()
        .map(|&month| {
            let by_department = breakdown(month, departments, "No department");
            let by_office = breakdown(month, offices, "No office");
            let total: i64 = by_department.iter().map(|g| g.people).sum();
            let shown = total >= ANONYMITY_THRESHOLD;
            Participation {
                month,
                total: shown.then_some(total),
                departments: if shown {
                    protect(by_department, ANONYMITY_THRESHOLD)
                } else {
                    vec![]
                },
                offices: if shown {
                    protect(by_office, ANONYMITY_THRESHOLD)
                } else {
                    vec![]
                },
            }
        })
        .collect()
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

    #[test]
    fn participation_never_shows_fewer_than_five_people() {
        let m = day("2026-11-01");
        let rows = vec![
            (m, "Finance".to_string(), 9),
            (m, "Legal".to_string(), 2),
            (m, "Sales".to_string(), 6),
            (day("2026-12-01"), "Finance".to_string(), 4),
        ];
        let offices = vec![
            (m, "London".to_string(), 17),
            (day("2026-12-01"), "London".to_string(), 4),
        ];
        let shown = participation(&[m, day("2026-12-01")], &rows, &offices);
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
            vec!["Legal", "Sales"],
            "Legal hides, and Sales with it"
        );
        assert_eq!(shown[1].total, None);
        assert!(shown[1].departments.is_empty() && shown[1].offices.is_empty());
    }
}
