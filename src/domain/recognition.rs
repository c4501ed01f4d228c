//! Peer recognition rules: what a nomination must contain, who may nominate whom and how
//! often, who may see a recognition, and the weekly rotation of spotlight nominators.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

use super::FieldErrors;
use super::csv_safe;

/// Shortest and longest description of what happened, in characters.
pub const STORY_MIN: usize = 50;
pub const STORY_MAX: usize = 2000;
/// Recognition older than this still counts, but the form says sooner means more.
pub const TIMELY_DAYS: i64 = 30;
/// The window of the weekly nomination limit.
pub const LIMIT_WINDOW_DAYS: i64 = 7;
/// The same nominator, recipient and behaviour at most once in this many hours.
pub const REPEAT_HOURS: i64 = 24;
/// People not recognised for this many days are listed in the fairness view.
pub const UNRECOGNISED_DAYS: i64 = 90;
/// The longest date range HR can export or chart at once.
pub const MAX_RANGE_DAYS: i64 = 366;
/// The years a date range may fall in: recognition didn't exist before, and dates far outside
/// would overflow the arithmetic (or PostgreSQL's timestamps).
pub const RANGE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// The longest colleague search, in characters.
pub const SEARCH_MAX: usize = 100;
/// What HR's export shows instead of a private recognition's text.
pub const PRIVATE_TEXT: &str = "(private)";

/// Who can see a recognition besides the two people and HR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// On the wall for everyone.
    Wall,
    /// Only the recipient (and the nominator who wrote it).
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Wall => "wall",
            Visibility::Private => "private",
        }
    }

    pub fn from_db(value: &str) -> Self {
        if value == "wall" {
            Visibility::Wall
        } else {
            Visibility::Private
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Visibility::Wall => "On the wall",
            Visibility::Private => "Private to the recipient",
        }
    }
}

/// Where a nomination is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for an HR admin to approve it.
    Pending,
    Published,
    /// Not published by HR, with a reason the nominator sees.
    Rejected,
    /// Taken off the wall by HR after a report.
    Removed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Published => "published",
            Status::Rejected => "rejected",
            Status::Removed => "removed",
        }
    }

    pub fn from_db(value: &str) -> Self {
        match value {
            "pending" => Status::Pending,
            "rejected" => Status::Rejected,
            "removed" => Status::Removed,
            _ => Status::Published,
        }
    }

    /// Status as the nominator reads it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "Waiting for HR approval",
            Status::Published => "Published",
            Status::Rejected => "Not published",
            Status::Removed => "Removed by HR",
        }
    }
}

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
    raw.replace("\r\n", "\n")
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
    let query: String = raw.trim().chars().take(SEARCH_MAX).collect();
    if query.chars().any(char::is_control) {
        return Err(
            "Names don't contain control characters (such as a null character). Type the name again."
                .into(),
        );
    }
    Ok(query)
}

/// A person's earlier report of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviousReport {
    /// Still waiting for HR.
    Open,
    /// HR reviewed the post after it.
    Reviewed,
}

/// Why a post can't be reported (by this person, now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportRefusal {
    /// Not on the wall: private, hidden, waiting for approval, or under review already.
    NotOnWall,
    /// This person's report is already waiting for HR.
    AlreadyReported,
    /// This person reported it before and HR kept it on the wall: the same person reporting
    /// again doesn't take it off the wall again.
    AlreadyReviewed,
}

impl ReportRefusal {
    pub fn message(self) -> &'static str {
        match self {
            ReportRefusal::NotOnWall => {
                "This recognition isn't on the wall, so there's nothing to report. If it was reported already, HR is reviewing it."
            }
            ReportRefusal::AlreadyReported => {
                "You've already reported this post. It stays off the wall until an HR admin has reviewed it."
            }
            ReportRefusal::AlreadyReviewed => {
                "You reported this post before, and an HR admin reviewed it and decided to keep it on the wall, so reporting it again won't hide it. If something new has come up, talk to your HR team directly."
            }
        }
    }
}

/// Whether a person may report a post: it must be on the wall, and each person reports a
/// post once; after HR has reviewed their report, their word has been heard.
pub fn may_report(on_wall: bool, previous: Option<PreviousReport>) -> Result<(), ReportRefusal> {
    match (previous, on_wall) {
        (Some(PreviousReport::Open), _) => Err(ReportRefusal::AlreadyReported),
        (_, false) => Err(ReportRefusal::NotOnWall),
        (Some(PreviousReport::Reviewed), true) => Err(ReportRefusal::AlreadyReviewed),
        (None, true) => Ok(()),
    }
}

/// A behaviour label as HR types it: one line, 3 to 120 characters.
pub fn parse_behaviour_label(raw: &str) -> Result<String, String> {
    let label = raw.split_whitespace().collect::<Vec<_>>().join(" ");
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

/// A behaviour on HR's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behaviour {
    pub id: Uuid,
    pub label: String,
    pub position: i32,
    pub retired: bool,
}

/// A person as a recognition shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRef {
    pub id: Uuid,
    pub name: String,
    pub department: String,
    pub office: String,
}

/// A recognition as stored, with what the viewer needs to show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    pub id: Uuid,
    pub nominator: PersonRef,
    pub recipient: PersonRef,
    pub behaviours: Vec<String>,
    pub story: String,
    pub happened_on: NaiveDate,
    pub visibility: Visibility,
    pub status: Status,
    pub rejection_reason: Option<String>,
    pub hidden_by_recipient: bool,
    pub under_review: bool,
    pub cross_team: bool,
    pub created_at: DateTime<Utc>,
    pub appreciations: i64,
    /// Whether the viewer has appreciated it.
    pub appreciated: bool,
}

impl Recognition {
    /// Shown on the wall to everyone.
    pub fn on_wall(&self) -> bool {
        self.status == Status::Published
            && self.visibility == Visibility::Wall
            && !self.hidden_by_recipient
            && !self.under_review
    }

    /// Who may open this recognition: everyone when it is on the wall; otherwise the
    /// nominator (who wrote it), the recipient once it is published, and HR admins when
    /// [`Recognition::hr_may_read`] says so.
    pub fn visible_to(&self, viewer: Uuid, viewer_is_hr: bool) -> bool {
        self.on_wall()
            || viewer == self.nominator.id
            || (viewer == self.recipient.id && self.status == Status::Published)
            || (viewer_is_hr && self.hr_may_read())
    }

    /// Whether HR admins may read the text. A recognition meant for the wall, always. A
    /// private one only while moderation needs it: while it waits for their approval, or
    /// while it is reported. Otherwise "private" means the recipient and the nominator only.
    pub fn hr_may_read(&self) -> bool {
        match self.visibility {
            Visibility::Wall => true,
            Visibility::Private => self.status == Status::Pending || self.under_review,
        }
    }

    /// The recognition as HR's export shows it: a private one keeps its row (so the
    /// export agrees with the fairness figures) but its text reads [`PRIVATE_TEXT`].
    pub fn for_hr_export(mut self) -> Self {
        if self.visibility == Visibility::Private {
            self.story = PRIVATE_TEXT.to_string();
        }
        self
    }

    /// Whether the recipient can take it off the wall or put it back.
    pub fn recipient_can_toggle(&self) -> bool {
        self.status == Status::Published && self.visibility == Visibility::Wall
    }
}

/// The Monday that starts the ISO week of a date.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// Someone who can be invited as a spotlight nominator: when they were last invited and how
/// many times they have been.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub last_invited: Option<NaiveDate>,
    pub invitations: i64,
}

/// Chooses this week's spotlight nominators in one department: the `count` people invited
/// least recently, never-invited first. Among people last invited in the same week, the one
/// invited fewer times goes first (so a department whose size isn't a multiple of `count`
/// still rotates evenly), then the lower id, so every replica chooses the same people.
/// Everyone therefore gets a turn before anyone is invited a second time.
pub fn choose_spotlight(candidates: &[Candidate], count: usize) -> Vec<Uuid> {
    let mut ordered: Vec<&Candidate> = candidates.iter().collect();
    ordered.sort_by(|a, b| {
        a.last_invited
            .cmp(&b.last_invited)
            .then_with(|| a.invitations.cmp(&b.invitations))
            .then_with(|| a.id.cmp(&b.id))
    });
    ordered.into_iter().take(count).map(|c| c.id).collect()
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

/// The columns of a recognitions export.
pub const CSV_HEADER: [&str; 15] = [
    "Nominated at (UTC)",
    "Happened on",
    "Nominator",
    "Nominator department",
    "Nominator office",
    "Recipient",
    "Recipient department",
    "Recipient office",
    "Cross-team",
    "Behaviours",
    "What happened",
    "Visibility",
    "Status",
    "Rejection reason",
    "Appreciations",
];

/// Recognitions as a formula-safe CSV file: every cell goes through [`csv_safe::cell`], and
/// the `csv` writer quotes commas, quotes and line breaks.
pub fn to_csv(recognitions: &[Recognition]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER)?;
    for r in recognitions {
        let status = match (r.status, r.hidden_by_recipient, r.under_review) {
            (Status::Published, _, true) => "Reported, under review",
            (Status::Published, true, _) => "Published, hidden from the wall by the recipient",
            (status, _, _) => status.label(),
        };
        let row = [
            r.created_at.format("%Y-%m-%d %H:%M").to_string(),
            r.happened_on.format("%Y-%m-%d").to_string(),
            r.nominator.name.clone(),
            r.nominator.department.clone(),
            r.nominator.office.clone(),
            r.recipient.name.clone(),
            r.recipient.department.clone(),
            r.recipient.office.clone(),
            if r.cross_team { "yes" } else { "no" }.to_string(),
            r.behaviours.join("; "),
            r.story.clone(),
            r.visibility.label().to_string(),
            status.to_string(),
            r.rejection_reason.clone().unwrap_or_default(),
            r.appreciations.to_string(),
        ];
        writer.write_record(row.iter().map(|value| csv_safe::cell(value).into_owned()))?;
    }
    writer.into_inner().map_err(|err| err.into_error().into())
}

/// HR's export: every nomination of the period, private ones without their text (see
/// [`Recognition::for_hr_export`]).
pub fn to_hr_csv(recognitions: Vec<Recognition>) -> Result<Vec<u8>, csv::Error> {
    let redacted: Vec<Recognition> = recognitions
        .into_iter()
        .map(Recognition::for_hr_export)
        .collect();
    to_csv(&redacted)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form(behaviours: Vec<String>) -> NominationForm {
        NominationForm {
            recipient: Uuid::from_u128(7).to_string(),
            behaviours,
            story: "When the release slipped, Ada noticed Ben was overwhelmed and took over the on-call handover so he could rest.".into(),
            happened_on: "2026-03-10".into(),
            visibility: "wall".into(),
        }
    }

    #[test]
    fn a_complete_nomination_parses() {
        let b = Uuid::from_u128(1);
        let parsed =
            Nomination::parse(&form(vec![b.to_string()]), date("2026-03-12"), &[b]).unwrap();
        assert_eq!(parsed.recipient_id, Uuid::from_u128(7));
        assert_eq!(parsed.behaviour_ids, vec![b]);
        assert_eq!(parsed.visibility, Visibility::Wall);
        assert_eq!(parsed.happened_on, date("2026-03-10"));
    }

    #[test]
    fn every_problem_is_reported_against_its_field() {
        let today = date("2026-03-12");
        let bad = NominationForm {
            recipient: "someone".into(),
            behaviours: vec![],
            story: "Thanks!".into(),
            happened_on: "2026-03-13".into(),
            visibility: "everyone".into(),
        };
        let errors = Nomination::parse(&bad, today, &[]).unwrap_err();
        for field in [
            "recipient",
            "behaviours",
            "story",
            "happened_on",
            "visibility",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert!(errors.get("story").unwrap().contains("you have 7"));
        assert!(errors.get("happened_on").unwrap().contains("future"));
    }

    #[test]
    fn story_length_is_counted_in_characters_after_trimming() {
        let b = Uuid::from_u128(1);
        let today = date("2026-03-12");
        let mut f = form(vec![b.to_string()]);
        f.story = format!("  {}  ", "é".repeat(STORY_MIN));
        assert!(Nomination::parse(&f, today, &[b]).is_ok());
        f.story = "é".repeat(STORY_MIN - 1);
        assert!(Nomination::parse(&f, today, &[b]).is_err());
        f.story = "a".repeat(STORY_MAX);
        assert!(Nomination::parse(&f, today, &[b]).is_ok());
        f.story = "a".repeat(STORY_MAX + 1);
        let errors = Nomination::parse(&f, today, &[b]).unwrap_err();
        assert!(
            errors
                .get("story")
                .unwrap()
                .contains("2000 characters or fewer")
        );
    }

    #[test]
    fn retired_or_unknown_behaviours_are_refused_and_duplicates_merged() {
        let b = Uuid::from_u128(1);
        let today = date("2026-03-12");
        let f = form(vec![Uuid::from_u128(2).to_string()]);
        assert!(
            Nomination::parse(&f, today, &[b])
                .unwrap_err()
                .get("behaviours")
                .is_some()
        );
        let f = form(vec![b.to_string(), b.to_string()]);
        assert_eq!(
            Nomination::parse(&f, today, &[b]).unwrap().behaviour_ids,
            vec![b]
        );
    }

    #[test]
    fn old_dates_are_allowed_but_flagged_as_late() {
        let today = date("2026-03-12");
        assert!(!is_late(date("2026-02-10"), today));
        assert!(is_late(date("2026-02-09"), today));
        let b = Uuid::from_u128(1);
        let mut f = form(vec![b.to_string()]);
        f.happened_on = "2025-11-01".into();
        assert!(Nomination::parse(&f, today, &[b]).is_ok());
    }

    fn at(hours_ago: i64, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::hours(hours_ago)
    }

    #[test]
    fn the_weekly_limit_reopens_when_the_oldest_leaves_the_window() {
        let now = Utc::now();
        let recent: Vec<_> = [150, 100, 50, 10].iter().map(|h| at(*h, now)).collect();
        assert_eq!(weekly_limit_reopens(&recent, 5, now), None);
        let mut five = recent.clone();
        five.push(at(1, now));
        assert_eq!(
            weekly_limit_reopens(&five, 5, now),
            Some(at(150, now) + Duration::days(7))
        );
        // Older nominations don't count.
        let old = vec![at(24 * 8, now); 5];
        assert_eq!(weekly_limit_reopens(&old, 5, now), None);
        // A lowered limit: the second-oldest must leave too.
        assert_eq!(
            weekly_limit_reopens(&five, 4, now),
            Some(at(100, now) + Duration::days(7))
        );
    }

    #[test]
    fn rules_refuse_self_inactive_limit_and_repeats_in_that_order() {
        let me = Uuid::from_u128(1);
        let them = RecipientFacts {
            id: Uuid::from_u128(2),
            name: "Ben Okafor".into(),
            active: true,
        };
        let now = Utc::now();
        assert_eq!(check_rules(me, Some(&them), &[], 5, vec![], now), Ok(()));
        assert_eq!(
            check_rules(me, None, &[], 5, vec![], now),
            Err(Refusal::UnknownRecipient)
        );
        let me_too = RecipientFacts {
            id: me,
            ..them.clone()
        };
        assert_eq!(
            check_rules(me, Some(&me_too), &[], 5, vec![], now),
            Err(Refusal::SelfNomination)
        );
        let gone = RecipientFacts {
            active: false,
            ..them.clone()
        };
        let refusal = check_rules(me, Some(&gone), &[], 5, vec![], now).unwrap_err();
        assert!(
            refusal
                .message("")
                .contains("Ben Okafor no longer has an active account")
        );
        let full = vec![at(2, now); 5];
        let refusal = check_rules(me, Some(&them), &full, 5, vec![], now).unwrap_err();
        assert_eq!(refusal.field(), "limit");
        assert!(
            refusal
                .message("Monday 16 March")
                .contains("from Monday 16 March")
        );
        let refusal = check_rules(
            me,
            Some(&them),
            &[],
            5,
            vec!["Clarified a misunderstanding".into()],
            now,
        )
        .unwrap_err();
        assert_eq!(refusal.field(), "behaviours");
        assert!(refusal.message("").contains("Clarified a misunderstanding"));
    }

    fn person(n: u128) -> PersonRef {
        PersonRef {
            id: Uuid::from_u128(n),
            name: format!("Person {n}"),
            department: "Engineering".into(),
            office: "London".into(),
        }
    }

    fn recognition(status: Status, visibility: Visibility) -> Recognition {
        Recognition {
            id: Uuid::from_u128(99),
            nominator: person(1),
            recipient: person(2),
            behaviours: vec![],
            story: String::new(),
            happened_on: date("2026-03-10"),
            visibility,
            status,
            rejection_reason: None,
            hidden_by_recipient: false,
            under_review: false,
            cross_team: false,
            created_at: Utc::now(),
            appreciations: 0,
            appreciated: false,
        }
    }

    #[test]
    fn private_pending_hidden_and_reported_recognitions_stay_off_the_wall() {
        let other = Uuid::from_u128(3);
        let wall = recognition(Status::Published, Visibility::Wall);
        assert!(wall.on_wall() && wall.visible_to(other, false));

        let private = recognition(Status::Published, Visibility::Private);
        assert!(!private.visible_to(other, false));
        assert!(
            private.visible_to(Uuid::from_u128(2), false),
            "the recipient"
        );
        assert!(
            private.visible_to(Uuid::from_u128(1), false),
            "the nominator"
        );
        assert!(
            !private.visible_to(other, true),
            "HR can't read a published private recognition"
        );

        let pending = recognition(Status::Pending, Visibility::Wall);
        assert!(!pending.visible_to(other, false));
        assert!(
            !pending.visible_to(Uuid::from_u128(2), false),
            "not yet for the recipient"
        );

        let mut hidden = wall.clone();
        hidden.hidden_by_recipient = true;
        assert!(!hidden.on_wall() && !hidden.visible_to(other, false));
        let mut reported = wall.clone();
        reported.under_review = true;
        assert!(!reported.on_wall());
    }

    #[test]
    fn hr_reads_private_text_only_while_moderating_it() {
        let hr = Uuid::from_u128(3);
        for status in [Status::Published, Status::Rejected, Status::Removed] {
            let private = recognition(status, Visibility::Private);
            assert!(!private.hr_may_read(), "{status:?}");
            assert!(!private.visible_to(hr, true), "{status:?}");
        }
        let pending = recognition(Status::Pending, Visibility::Private);
        assert!(pending.hr_may_read() && pending.visible_to(hr, true));
        let mut reported = recognition(Status::Published, Visibility::Private);
        reported.under_review = true;
        assert!(reported.hr_may_read() && reported.visible_to(hr, true));
        // Wall posts stay open to HR in every state (hidden, rejected, removed).
        for status in [Status::Published, Status::Rejected, Status::Removed] {
            let mut wall = recognition(status, Visibility::Wall);
            wall.hidden_by_recipient = true;
            assert!(wall.visible_to(hr, true), "{status:?}");
        }
        // The two people themselves are not affected by being HR or not.
        let private = recognition(Status::Published, Visibility::Private);
        assert!(private.visible_to(Uuid::from_u128(1), true));
        assert!(private.visible_to(Uuid::from_u128(2), true));
    }

    #[test]
    fn hr_exports_keep_private_rows_without_their_text() {
        let mut private = recognition(Status::Published, Visibility::Private);
        private.story = "Something only the recipient should read.".into();
        let mut wall = recognition(Status::Published, Visibility::Wall);
        wall.story = "On the wall for all.".into();
        let out = String::from_utf8(to_hr_csv(vec![private, wall]).unwrap()).unwrap();
        assert!(!out.contains("only the recipient"), "{out}");
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let stories: Vec<String> = reader
            .records()
            .map(|row| row.unwrap()[10].to_string())
            .collect();
        assert_eq!(stories, vec![PRIVATE_TEXT, "On the wall for all."]);
    }

    #[test]
    fn a_person_reports_a_post_once_and_not_again_after_hr_kept_it() {
        assert_eq!(may_report(true, None), Ok(()));
        assert_eq!(may_report(false, None), Err(ReportRefusal::NotOnWall));
        assert_eq!(
            may_report(false, Some(PreviousReport::Open)),
            Err(ReportRefusal::AlreadyReported)
        );
        assert_eq!(
            may_report(true, Some(PreviousReport::Reviewed)),
            Err(ReportRefusal::AlreadyReviewed)
        );
        assert!(
            ReportRefusal::AlreadyReviewed
                .message()
                .contains("decided to keep it on the wall")
        );
        assert_eq!(
            may_report(false, Some(PreviousReport::Reviewed)),
            Err(ReportRefusal::NotOnWall)
        );
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_start(date("2026-03-12")), date("2026-03-09"));
        assert_eq!(week_start(date("2026-03-09")), date("2026-03-09"));
        assert_eq!(week_start(date("2026-03-15")), date("2026-03-09"));
    }

    #[test]
    fn spotlight_prefers_the_never_invited_then_the_least_recent_then_by_id() {
        let c = |n: u128, last: Option<&str>| Candidate {
            id: Uuid::from_u128(n),
            last_invited: last.map(date),
            invitations: i64::from(last.is_some()),
        };
        let candidates = [
            c(5, Some("2026-03-02")),
            c(4, None),
            c(3, Some("2026-02-23")),
            c(2, None),
            c(1, Some("2026-03-02")),
        ];
        let ids = |v: Vec<Uuid>| v.into_iter().map(|u| u.as_u128()).collect::<Vec<_>>();
        assert_eq!(ids(choose_spotlight(&candidates, 3)), vec![2, 4, 3]);
        assert_eq!(ids(choose_spotlight(&candidates, 5)), vec![2, 4, 3, 1, 5]);
        assert_eq!(ids(choose_spotlight(&candidates, 9)).len(), 5);
        assert!(choose_spotlight(&candidates, 0).is_empty());
        // Last invited in the same week: fewer invitations first, whatever the id.
        let veteran = Candidate {
            invitations: 4,
            ..c(1, Some("2026-03-02"))
        };
        let newer = Candidate {
            invitations: 1,
            ..c(9, Some("2026-03-02"))
        };
        assert_eq!(ids(choose_spotlight(&[veteran, newer], 1)), vec![9]);
    }

    #[test]
    fn over_many_weeks_everyone_is_invited_once_before_anyone_twice() {
        // A department of 7 with 2 invited a week (7 isn't a multiple of 2).
        let mut last: HashMap<Uuid, Option<NaiveDate>> =
            (1..=7).map(|n| (Uuid::from_u128(n), None)).collect();
        let mut times: HashMap<Uuid, usize> = HashMap::new();
        let mut monday = date("2026-01-05");
        for week in 0..30 {
            let candidates: Vec<Candidate> = last
                .iter()
                .map(|(id, last_invited)| Candidate {
                    id: *id,
                    last_invited: *last_invited,
                    invitations: times.get(id).copied().unwrap_or(0) as i64,
                })
                .collect();
            let chosen = choose_spotlight(&candidates, 2);
            assert_eq!(chosen.len(), 2);
            for id in &chosen {
                // Nobody gets a (k+1)-th turn while someone who was there has fewer than k.
                let mine = times.get(id).copied().unwrap_or(0);
                let fewest = last
                    .keys()
                    .filter(|other| !chosen.contains(other))
                    .map(|other| times.get(other).copied().unwrap_or(0))
                    .min()
                    .unwrap_or(0);
                assert!(
                    mine <= fewest,
                    "week {week}: {id} had {mine}, someone had {fewest}"
                );
                *times.entry(*id).or_default() += 1;
                last.insert(*id, Some(monday));
            }
            monday += Duration::days(7);
        }
        let counts: Vec<usize> = times.values().copied().collect();
        assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1);

        // Someone who joins is invited at the next round.
        let newcomer = Uuid::from_u128(100);
        last.insert(newcomer, None);
        let candidates: Vec<Candidate> = last
            .iter()
            .map(|(id, last_invited)| Candidate {
                id: *id,
                last_invited: *last_invited,
                invitations: times.get(id).copied().unwrap_or(0) as i64,
            })
            .collect();
        assert!(choose_spotlight(&candidates, 2).contains(&newcomer));
    }

    #[test]
    fn date_ranges_are_checked() {
        let range = DateRange::parse("2026-01-01", "2026-03-31").unwrap();
        let (start, end) = range.instants();
        assert_eq!((end - start).num_days(), 90);
        assert!(
            DateRange::parse("2026-03-31", "2026-01-01")
                .unwrap_err()
                .get("to")
                .is_some()
        );
        assert!(
            DateRange::parse("yesterday", "")
                .unwrap_err()
                .get("from")
                .is_some()
        );
        assert!(
            DateRange::parse("2024-01-01", "2026-01-01")
                .unwrap_err()
                .get("to")
                .is_some()
        );
        assert_eq!(
            DateRange::last_days(date("2026-03-31"), 90).from,
            date("2026-01-01")
        );
    }

    #[test]
    fn date_ranges_stay_within_sensible_years_and_never_panic() {
        for (from, to) in [
            ("+262142-12-01", "+262142-12-31"),
            ("-4714-01-01", "-4714-02-01"),
            ("1999-12-31", "2000-01-10"),
            ("2100-12-01", "2101-01-01"),
        ] {
            let errors = DateRange::parse(from, to).unwrap_err();
            let message = errors.get("from").or(errors.get("to")).unwrap();
            assert!(
                message.contains("between the years 2000 and 2100"),
                "{from}..{to}: {message}"
            );
        }
        assert!(DateRange::parse("2000-01-01", "2000-12-31").is_ok());
        assert!(DateRange::parse("2100-01-01", "2100-12-31").is_ok());
        // Even a range built by hand at the end of the calendar has an end.
        let last = DateRange {
            from: NaiveDate::MAX,
            to: NaiveDate::MAX,
        };
        let (start, end) = last.instants();
        assert!(end > start);
    }

    #[test]
    fn texts_refuse_control_characters_but_keep_line_breaks_and_tabs() {
        assert!(
            parse_reason("Names a customer\0.", 500, "x")
                .unwrap_err()
                .contains("can't be shown")
        );
        assert!(parse_reason("Bell \u{7} here", 500, "x").is_err());
        assert!(parse_reason("Escape \u{1b}[31m here", 500, "x").is_err());
        assert_eq!(
            parse_reason("Line one\n\tLine two", 500, "x").unwrap(),
            "Line one\n\tLine two"
        );
        assert!(
            parse_behaviour_label("Listened\0 first")
                .unwrap_err()
                .contains("control characters")
        );
        let b = Uuid::from_u128(1);
        let mut f = form(vec![b.to_string()]);
        f.story = format!("{}\0 and more", STORY_PROMPTS[0].repeat(2));
        let errors = Nomination::parse(&f, date("2026-03-12"), &[b]).unwrap_err();
        assert!(errors.get("story").unwrap().contains("can't be shown"));
        assert!(parse_search("Ben\0").is_err());
        assert_eq!(parse_search("  Ben  ").unwrap(), "Ben");
        assert_eq!(
            parse_search(&"é".repeat(5000)).unwrap().chars().count(),
            SEARCH_MAX
        );
    }

    #[test]
    fn exports_are_formula_safe_and_keep_text_whole() {
        let mut r = recognition(Status::Published, Visibility::Wall);
        r.nominator.name = "=HYPERLINK(\"http://evil.example\",\"x\")".into();
        r.story = "+1 line one, with a comma\n-2 \"quoted\" line two".into();
        r.behaviours = vec!["@risk".into(), "Clarified a misunderstanding".into()];
        let out = String::from_utf8(to_csv(&[r]).unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        assert_eq!(reader.headers().unwrap().len(), CSV_HEADER.len());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[2], "'=HYPERLINK(\"http://evil.example\",\"x\")");
        assert_eq!(&row[9], "'@risk; Clarified a misunderstanding");
        assert_eq!(
            &row[10],
            "'+1 line one, with a comma\n-2 \"quoted\" line two"
        );
        assert_eq!(&row[12], "Published");
    }

    #[test]
    fn settings_are_read_within_their_ranges() {
        assert_eq!(parse_weekly_limit(" 5 "), Ok(5));
        assert!(parse_weekly_limit("0").is_err() && parse_weekly_limit("51").is_err());
        assert_eq!(parse_spotlight_count("0"), Ok(0));
        assert!(parse_spotlight_count("-1").is_err() && parse_spotlight_count("two").is_err());
        assert_eq!(parse_publishing("approval"), Ok(true));
        assert_eq!(parse_publishing("immediately"), Ok(false));
        assert!(parse_publishing("").is_err());
    }

    #[test]
    fn behaviour_labels_and_reasons_are_cleaned() {
        assert_eq!(
            parse_behaviour_label("  Listened   first ").unwrap(),
            "Listened first"
        );
        assert!(parse_behaviour_label("no").is_err());
        assert!(parse_behaviour_label(&"a".repeat(121)).is_err());
        assert_eq!(
            parse_reason(" Names a customer.\r\n", 500, "x").unwrap(),
            "Names a customer."
        );
        assert_eq!(
            parse_reason("   ", 500, "Give a reason.").unwrap_err(),
            "Give a reason."
        );
    }
}
