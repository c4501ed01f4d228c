//! Pulse checks: a few statements on a five-point agree scale, asked again each month or
//! quarter, answered anonymously. The rules here are pure: what a pulse may hold, when its
//! rounds open and close, what an answer is, and which figures may be shown.

use chrono::{Days, Months, NaiveDate};

use super::FieldErrors;
use super::insights::hidden_groups;
use super::text;

/// Statements HR can pick from, each with the short key the form uses.
pub const STARTER_STATEMENTS: [(&str, &str); 5] = [
    ("trust", "I trust the people I work with most closely."),
    ("heard", "When I speak up in my team, I feel heard."),
    (
        "supported",
        "When I feel overwhelmed, someone around me notices and helps.",
    ),
    (
        "across",
        "When I ask people in other teams for help, they give it.",
    ),
    (
        "safety",
        "I can admit a mistake in my team without fear of being blamed.",
    ),
];

/// The five points of the agree scale, from 1 to 5.
pub const SCALE: [&str; 5] = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
];

pub const MIN_STATEMENTS: usize = 2;
pub const MAX_STATEMENTS: usize = 6;
const TITLE_MAX: usize = 120;
const STATEMENT_MAX: usize = 200;
const QUESTION_MAX: usize = 300;
pub const COMMENT_MAX: usize = 1000;
/// A round lasts at most four weeks, so monthly rounds never overlap.
pub const MAX_ROUND_DAYS: u64 = 28;

/// How often a pulse asks again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Repeats {
    Once,
    Monthly,
    Quarterly,
}

impl Repeats {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Repeats::Once => "Once",
            Repeats::Monthly => "Every month",
            Repeats::Quarterly => "Every quarter",
        }
    }

    fn months(self) -> Option<u32> {
        match self {
            Repeats::Once => None,
            Repeats::Monthly => Some(1),
            Repeats::Quarterly => Some(3),
        }
    }
}

/// Who is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    Departments(Vec<String>),
    Offices(Vec<String>),
}

impl Audience {
    pub fn kind(&self) -> &'static str {
        match self {
            Audience::Everyone => "everyone",
            Audience::Departments(_) => "departments",
            Audience::Offices(_) => "offices",
        }
    }

    pub fn groups(&self) -> &[String] {
        match self {
            Audience::Everyone => &[],
            Audience::Departments(groups) | Audience::Offices(groups) => groups,
        }
    }

    /// From the stored kind and groups.
    pub fn from_parts(kind: &str, groups: Vec<String>) -> Audience {
        match kind {
            "departments" => Audience::Departments(groups),
            "offices" => Audience::Offices(groups),
            _ => Audience::Everyone,
        }
    }

    /// Whether a person with this department and office is asked.
    pub fn includes(&self, department: &str, office: &str) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Departments(groups) => groups.iter().any(|g| g == department),
            Audience::Offices(groups) => groups.iter().any(|g| g == office),
        }
    }

    /// Results are broken down along one dimension only (the offices for an office
    /// audience, otherwise the departments): two overlapping breakdowns could be subtracted
    /// from each other to single out the few people in one but not the other.
    pub fn breakdown(&self) -> Breakdown {
        match self {
            Audience::Offices(_) => Breakdown::Office,
            _ => Breakdown::Department,
        }
    }

    /// In words: "Everyone", "Engineering and Sales".
    pub fn describe(&self) -> String {
        match self {
            Audience::Everyone => "Everyone".into(),
            Audience::Departments(groups) | Audience::Offices(groups) => {
                let what = if matches!(self, Audience::Offices(_)) {
                    "office"
                } else {
                    "department"
                };
                let plural = if groups.len() == 1 { "" } else { "s" };
                format!("People in the {what}{plural} {}", and_list(groups))
            }
        }
    }
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    Department,
    Office,
}

impl Breakdown {
    pub fn as_str(self) -> &'static str {
        match self {
            Breakdown::Department => "department",
            Breakdown::Office => "office",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Breakdown::Department => "By department",
            Breakdown::Office => "By office",
        }
    }
}

/// The group an answer counts in when results are broken down: its department or office as
/// stored, "No department" for an empty one, and its own group for an answer given in
/// someone's first four weeks in the group (stored without it).
pub fn group_label(breakdown: Breakdown, stored: Option<&str>) -> String {
    match (breakdown, stored) {
        (Breakdown::Department, None) => "Under four weeks in their department".into(),
        (Breakdown::Office, None) => "Under four weeks in their office".into(),
        (Breakdown::Department, Some("")) => "No department".into(),
        (Breakdown::Office, Some("")) => "No office".into(),
        (_, Some(label)) => label.into(),
    }
}

/// A pulse as HR set it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulseInput {
    pub title: String,
    pub statements: Vec<String>,
    /// '' for none.
    pub comment_question: String,
    pub audience: Audience,
    pub repeats: Repeats,
    pub first_opens_on: NaiveDate,
    pub first_closes_on: NaiveDate,
    pub results_public: bool,
}

/// The create form as typed.
#[derive(Debug, Clone, Default)]
pub struct PulseForm {
    pub title: String,
    /// Keys of the chosen starter statements.
    pub starter: Vec<String>,
    /// Up to two statements of HR's own ('' when unused).
    pub own: [String; 2],
    pub comment_question: String,
    /// "everyone", "departments" or "offices".
    pub audience: String,
    pub departments: Vec<String>,
    pub offices: Vec<String>,
    pub repeats: String,
    pub opens_on: String,
    pub closes_on: String,
    pub results_public: bool,
}

fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

impl PulseInput {
    /// Checks the form; `today` is the UTC date (a first round can't open in the past).
    pub fn parse(form: &PulseForm, today: NaiveDate) -> Result<PulseInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = match text::one_line(&form.title, TITLE_MAX, "A title") {
            Ok(title) if title.is_empty() => {
                errors.add("title", "Give the pulse a title, for example “Team pulse”.");
                title
            }
            Ok(title) => title,
            Err(message) => {
                errors.add("title", message);
                String::new()
            }
        };
        let mut statements: Vec<String> = STARTER_STATEMENTS
            .iter()
            .filter(|(key, _)| form.starter.iter().any(|k| k == key))
            .map(|(_, text)| (*text).to_string())
            .collect();
        for (i, own) in form.own.iter().enumerate() {
            let field = if i == 0 { "own_1" } else { "own_2" };
            match text::one_line(own, STATEMENT_MAX, "A statement") {
                Ok(own) if own.is_empty() => {}
                Ok(own) if statements.contains(&own) => {
                    errors.add(field, "This statement is already in the pulse.")
                }
                Ok(own) => statements.push(own),
                Err(message) => errors.add(field, message),
            }
        }
        if statements.len() < MIN_STATEMENTS || statements.len() > MAX_STATEMENTS {
            errors.add(
                "statements",
                format!(
                    "Choose between {MIN_STATEMENTS} and {MAX_STATEMENTS} statements (you have {}).",
                    statements.len()
                ),
            );
        }
        let comment_question =
            match text::one_line(&form.comment_question, QUESTION_MAX, "The question") {
                Ok(question) => question,
                Err(message) => {
                    errors.add("comment_question", message);
                    String::new()
                }
            };
        let tidy = |groups: &[String]| {
            let mut groups: Vec<String> = groups
                .iter()
                .map(|g| g.trim().to_string())
                .filter(|g| !g.is_empty())
                .collect();
            groups.sort();
            groups.dedup();
            groups
        };
        let audience = match form.audience.as_str() {
            "everyone" => Audience::Everyone,
            "departments" => Audience::Departments(tidy(&form.departments)),
            "offices" => Audience::Offices(tidy(&form.offices)),
            _ => {
                errors.add("audience", "Choose who is asked.");
                Audience::Everyone
            }
        };
        if matches!(&audience, Audience::Departments(g) if g.is_empty()) {
            errors.add("audience", "Choose at least one department.");
        }
        if matches!(&audience, Audience::Offices(g) if g.is_empty()) {
            errors.add("audience", "Choose at least one office.");
        }
        let repeats = form.repeats.parse::<Repeats>().unwrap_or_else(|_| {
            errors.add("repeats", "Choose how often the pulse is asked.");
            Repeats::Once
        });
        let opens = parse_date(&form.opens_on);
        let closes = parse_date(&form.closes_on);
        match opens {
            None => errors.add("opens_on", "Enter the day the first round opens."),
            Some(day) if day < today => {
                errors.add("opens_on", "The first round can't open in the past.")
            }
            Some(_) => {}
        }
        match (opens, closes) {
            (_, None) => errors.add("closes_on", "Enter the day the first round closes."),
            (Some(opens), Some(closes)) if closes < opens => errors.add(
                "closes_on",
                "The round must close on or after the day it opens.",
            ),
            (Some(opens), Some(closes)) if closes >= opens + Days::new(MAX_ROUND_DAYS) => errors
                .add(
                    "closes_on",
                    format!("A round can stay open for at most {MAX_ROUND_DAYS} days."),
                ),
            _ => {}
        }
        errors.into_result(|| PulseInput {
            title,
            statements,
            comment_question,
            audience,
            repeats,
            first_opens_on: opens.unwrap_or(today),
            first_closes_on: closes.unwrap_or(today),
            results_public: form.results_public,
        })
    }
}

/// The dates of round `number` (1 for the first), or `None` when the pulse has no such round.
pub fn round_dates(
    repeats: Repeats,
    first_opens_on: NaiveDate,
    first_closes_on: NaiveDate,
    number: u32,
) -> Option<(NaiveDate, NaiveDate)> {
    let length = first_closes_on
        .signed_duration_since(first_opens_on)
        .num_days();
    let opens = if number == 1 {
        first_opens_on
    } else {
        let months = repeats.months()?.checked_mul(number - 1)?;
        first_opens_on.checked_add_months(Months::new(months))?
    };
    let closes = opens.checked_add_days(Days::new(u64::try_from(length).ok()?))?;
    Some((opens, closes))
}

/// The round that should be open on `today`: its number and dates. `None` between rounds
/// and once a one-off pulse's round is over.
pub fn due_round(
    repeats: Repeats,
    first_opens_on: NaiveDate,
    first_closes_on: NaiveDate,
    today: NaiveDate,
) -> Option<(u32, NaiveDate, NaiveDate)> {
    if today < first_opens_on {
        return None;
    }
    let mut number = 1;
    // The latest round that has opened by today.
    while let Some((opens, _)) = round_dates(repeats, first_opens_on, first_closes_on, number + 1) {
        if opens > today {
            break;
        }
        number += 1;
    }
    let (opens, closes) = round_dates(repeats, first_opens_on, first_closes_on, number)?;
    (today <= closes).then_some((number, opens, closes))
}

/// One person's answer to a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// 1..=5 per statement.
    pub scores: Vec<i16>,
    pub comment: String,
}

/// Reads an answer form: one choice per statement (`raw[i]`, "1" to "5") and the comment.
/// Returns the errors and which statements (0-based) are missing.
pub fn parse_answer(raw: &[String], comment: &str) -> Result<Answer, (FieldErrors, Vec<usize>)> {
    let mut errors = FieldErrors::new();
    let mut missing = Vec::new();
    let mut scores = Vec::with_capacity(raw.len());
    for (i, value) in raw.iter().enumerate() {
        match value.trim().parse::<i16>() {
            Ok(score) if (1..=5).contains(&score) => scores.push(score),
            _ => missing.push(i),
        }
    }
    if !missing.is_empty() {
        errors.add(
            "scores",
            if missing.len() == 1 {
                "Choose an answer for the statement marked below.".to_string()
            } else {
                format!(
                    "Choose an answer for each statement ({} are missing).",
                    missing.len()
                )
            },
        );
    }
    let comment = match text::paragraphs(comment, COMMENT_MAX, "A comment") {
        Ok(comment) => comment,
        Err(message) => {
            errors.add("comment", message);
            String::new()
        }
    };
    if errors.is_empty() {
        Ok(Answer { scores, comment })
    } else {
        Err((errors, missing))
    }
}

/// A closed round's figures for one group: how many answered, how many left a comment, and
/// per statement how many chose each point of the scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupResult {
    pub label: String,
    pub respondents: i64,
    pub comments: i64,
    pub counts: Vec<[i64; 5]>,
}

impl GroupResult {
    /// The counts as stored (statement-major, five per statement).
    pub fn flat_counts(&self) -> Vec<i32> {
        self.counts
            .iter()
            .flat_map(|c| c.iter().map(|n| i32::try_from(*n).unwrap_or(i32::MAX)))
            .collect()
    }

    /// From stored counts.
    pub fn from_flat(label: String, respondents: i64, comments: i64, flat: &[i32]) -> Self {
        GroupResult {
            label,
            respondents,
            comments,
            counts: flat
                .chunks_exact(5)
                .map(|c| {
                    [
                        i64::from(c[0]),
                        i64::from(c[1]),
                        i64::from(c[2]),
                        i64::from(c[3]),
                        i64::from(c[4]),
                    ]
                })
                .collect(),
        }
    }

    /// Adds up answers: each its scores (one per statement) and whether it has a comment.
    pub fn tally<'a>(
        label: impl Into<String>,
        statements: usize,
        answers: impl IntoIterator<Item = (&'a [i16], bool)>,
    ) -> GroupResult {
        let mut result = GroupResult {
            label: label.into(),
            respondents: 0,
            comments: 0,
            counts: vec![[0; 5]; statements],
        };
        for (scores, commented) in answers {
            result.respondents += 1;
            if commented {
                result.comments += 1;
            }
            for (counts, score) in result.counts.iter_mut().zip(scores) {
                if let Ok(i) = usize::try_from(score - 1)
                    && i < 5
                {
                    counts[i] += 1;
                }
            }
        }
        result
    }
}

/// Agree or strongly agree, as a whole percentage of those who answered the statement.
pub fn favourable_percent(counts: &[i64; 5]) -> i64 {
    super::insights::share_percent(counts[3] + counts[4], counts.iter().sum())
}

/// A round's figures as they may be shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownRound {
    /// Everyone who answered: `None` while fewer than the threshold answered.
    pub overall: Option<GroupResult>,
    /// The breakdown in the order given; `None` for a hidden group (its label is kept).
    pub groups: Vec<(String, Option<GroupResult>)>,
    /// Whether the round's comments may be shown (at least the threshold of them).
    pub comments_shown: bool,
}

/// Applies the anonymity threshold to a closed round: nothing at all under `threshold`
/// answers; groups under it hidden, with complementary suppression (more groups hidden until
/// the hidden ones together reach the threshold, so subtracting the shown groups from the
/// total never reveals fewer people); comments only when at least `threshold` were left.
pub fn protect_round(overall: GroupResult, groups: Vec<GroupResult>, threshold: i64) -> ShownRound {
    if overall.respondents < threshold {
        return ShownRound {
            overall: None,
            groups: groups.into_iter().map(|g| (g.label, None)).collect(),
            comments_shown: false,
        };
    }
    let sizes: Vec<i64> = groups.iter().map(|g| g.respondents).collect();
    let hidden = hidden_groups(&sizes, threshold);
    ShownRound {
        comments_shown: overall.comments >= threshold,
        overall: Some(overall),
        groups: groups
            .into_iter()
            .zip(hidden)
            .map(|(g, hide)| {
                if hide {
                    (g.label, None)
                } else {
                    (g.label.clone(), Some(g))
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    fn form() -> PulseForm {
        PulseForm {
            title: "Team pulse".into(),
            starter: vec!["trust".into(), "heard".into()],
            audience: "everyone".into(),
            repeats: "monthly".into(),
            opens_on: "2026-12-01".into(),
            closes_on: "2026-12-07".into(),
            ..PulseForm::default()
        }
    }

    #[test]
    fn a_pulse_needs_two_to_six_statements() {
        let today = day("2026-12-01");
        let input = PulseInput::parse(&form(), today).unwrap();
        assert_eq!(input.statements.len(), 2);
        let mut one = form();
        one.starter = vec!["trust".into()];
        let errors = PulseInput::parse(&one, today).unwrap_err();
        assert!(
            errors
                .get("statements")
                .unwrap()
                .contains("between 2 and 6")
        );
        let mut seven = form();
        seven.starter = STARTER_STATEMENTS
            .iter()
            .map(|(k, _)| k.to_string())
            .collect();
        seven.own = ["Our meetings end on time.".into(), "I can say no.".into()];
        assert!(
            PulseInput::parse(&seven, today)
                .unwrap_err()
                .get("statements")
                .is_some()
        );
    }

    #[test]
    fn dates_are_checked() {
        let today = day("2026-12-02");
        let errors = PulseInput::parse(&form(), today).unwrap_err();
        assert!(errors.get("opens_on").is_some());
        let mut long = form();
        long.closes_on = "2027-01-10".into();
        let errors = PulseInput::parse(&long, day("2026-12-01")).unwrap_err();
        assert!(errors.get("closes_on").unwrap().contains("28 days"));
    }

    #[test]
    fn some_departments_need_one_chosen() {
        let mut f = form();
        f.audience = "departments".into();
        let errors = PulseInput::parse(&f, day("2026-12-01")).unwrap_err();
        assert_eq!(
            errors.get("audience"),
            Some("Choose at least one department.")
        );
        f.departments = vec!["Sales".into(), " Sales ".into()];
        let input = PulseInput::parse(&f, day("2026-12-01")).unwrap();
        assert_eq!(input.audience, Audience::Departments(vec!["Sales".into()]));
        assert!(input.audience.includes("Sales", "Lisbon"));
        assert!(!input.audience.includes("Finance", "Lisbon"));
    }

    #[test]
    fn rounds_repeat_by_month_or_quarter() {
        let (opens, closes) = (day("2026-01-31"), day("2026-02-06"));
        assert_eq!(
            round_dates(Repeats::Monthly, opens, closes, 2),
            Some((day("2026-02-28"), day("2026-03-06")))
        );
        assert_eq!(
            round_dates(Repeats::Quarterly, opens, closes, 3),
            Some((day("2026-07-31"), day("2026-08-06")))
        );
        assert_eq!(round_dates(Repeats::Once, opens, closes, 2), None);
        assert_eq!(
            due_round(Repeats::Monthly, opens, closes, day("2026-03-01")),
            Some((2, day("2026-02-28"), day("2026-03-06")))
        );
        assert_eq!(
            due_round(Repeats::Monthly, opens, closes, day("2026-03-10")),
            None
        );
        assert_eq!(
            due_round(Repeats::Once, opens, closes, day("2026-02-06")).map(|r| r.0),
            Some(1)
        );
        assert_eq!(
            due_round(Repeats::Once, opens, closes, day("2026-02-07")),
            None
        );
        assert_eq!(
            due_round(Repeats::Once, opens, closes, day("2026-01-30")),
            None
        );
    }

    #[test]
    fn an_answer_needs_every_statement() {
        let raw = vec!["4".to_string(), String::new(), "9".to_string()];
        let (errors, missing) = parse_answer(&raw, "").unwrap_err();
        assert_eq!(missing, vec![1, 2]);
        assert!(errors.get("scores").is_some());
        let answer = parse_answer(&["5".into(), "1".into()], "  Thanks \r\n").unwrap();
        assert_eq!(answer.scores, vec![5, 1]);
        assert_eq!(answer.comment, "Thanks");
    }

    #[test]
    fn favourable_is_agree_and_strongly_agree() {
        assert_eq!(favourable_percent(&[1, 1, 1, 1, 1]), 40);
        assert_eq!(favourable_percent(&[0; 5]), 0);
    }

    fn group(label: &str, respondents: i64) -> GroupResult {
        GroupResult {
            label: label.into(),
            respondents,
            comments: respondents,
            counts: vec![[0, 0, 0, 0, respondents]],
        }
    }

    #[test]
    fn nothing_is_shown_below_the_threshold() {
        let shown = protect_round(group("Everyone", 4), vec![group("A", 4)], 5);
        assert!(shown.overall.is_none());
        assert!(!shown.comments_shown);
        assert_eq!(shown.groups, vec![("A".to_string(), None)]);
    }

    proptest! {
        /// Over random organisations and answer sets: every figure shown is about at least k
        /// people, and what can be worked out by subtracting the shown groups from the total
        /// is either nothing or about at least k people.
        #[test]
        fn no_shown_figure_or_difference_is_about_fewer_than_k(
            sizes in proptest::collection::vec(0i64..20, 1..9),
            threshold in 3i64..10,
        ) {
            let groups: Vec<GroupResult> = sizes
                .iter()
                .enumerate()
                .map(|(i, n)| group(&format!("G{i}"), *n))
                .collect();
            let total: i64 = sizes.iter().sum();
            let shown = protect_round(group("Everyone", total), groups, threshold);
            match &shown.overall {
                None => {
                    prop_assert!(total < threshold);
                    prop_assert!(shown.groups.iter().all(|(_, g)| g.is_none()));
                }
                Some(overall) => {
                    prop_assert!(overall.respondents >= threshold);
                    let shown_sum: i64 = shown
                        .groups
                        .iter()
                        .filter_map(|(_, g)| g.as_ref().map(|g| g.respondents))
                        .sum();
                    for (_, g) in &shown.groups {
                        if let Some(g) = g {
                            prop_assert!(g.respondents >= threshold);
                        }
                    }
                    let derivable = total - shown_sum;
                    prop_assert!(derivable == 0 || derivable >= threshold,
                        "the hidden groups together are {derivable} people");
                    // Any one shown group subtracted from the total leaves 0 or at least k.
                    for (_, g) in &shown.groups {
                        if let Some(g) = g {
                            let rest = total - g.respondents;
                            prop_assert!(rest == 0 || rest >= threshold);
                        }
                    }
                }
            }
            prop_assert_eq!(shown.comments_shown,
                shown.overall.as_ref().is_some_and(|o| o.comments >= threshold));
        }

        /// Random organisations (people in departments) and answer sets, tallied as a closing
        /// round tallies them: whatever can be computed from the shown figures (the total's
        /// counts minus the shown groups' counts, per statement and point of the scale) is
        /// exactly the hidden groups' answers taken together, which are at least k people, and
        /// no shown group is about fewer than k.
        #[test]
        fn subtracting_shown_groups_never_isolates_fewer_than_k_answers(
            people in proptest::collection::vec((0usize..6, proptest::collection::vec(1i16..=5, 3), any::<bool>()), 0..60),
            threshold in 3i64..8,
        ) {
            let statements = 3;
            let answers: Vec<(usize, Vec<i16>, bool)> = people;
            let overall = GroupResult::tally(
                "Everyone",
                statements,
                answers.iter().map(|(_, s, c)| (s.as_slice(), *c)),
            );
            let mut groups = Vec::new();
            for department in 0..6 {
                let members: Vec<&(usize, Vec<i16>, bool)> =
                    answers.iter().filter(|(d, _, _)| *d == department).collect();
                if members.is_empty() {
                    continue;
                }
                groups.push(GroupResult::tally(
                    format!("D{department}"),
                    statements,
                    members.iter().map(|(_, s, c)| (s.as_slice(), *c)),
                ));
            }
            let hidden_truth: Vec<GroupResult> = groups.clone();
            let shown = protect_round(overall.clone(), groups, threshold);
            let Some(total) = shown.overall else {
                prop_assert!(overall.respondents < threshold);
                return Ok(());
            };
            let mut remainder = total.counts.clone();
            let mut remainder_people = total.respondents;
            let mut hidden_people = 0;
            let mut hidden_counts = vec![[0i64; 5]; statements];
            for ((_, group), truth) in shown.groups.iter().zip(&hidden_truth) {
                match group {
                    Some(g) => {
                        prop_assert!(g.respondents >= threshold);
                        remainder_people -= g.respondents;
                        for (r, c) in remainder.iter_mut().zip(&g.counts) {
                            for i in 0..5 {
                                r[i] -= c[i];
                            }
                        }
                    }
                    None => {
                        hidden_people += truth.respondents;
                        for (h, c) in hidden_counts.iter_mut().zip(&truth.counts) {
                            for i in 0..5 {
                                h[i] += c[i];
                            }
                        }
                    }
                }
            }
            prop_assert_eq!(remainder_people, hidden_people);
            prop_assert_eq!(&remainder, &hidden_counts);
            prop_assert!(hidden_people == 0 || hidden_people >= threshold);
        }
    }
}
