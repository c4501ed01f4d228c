//! Program figures for HR admins: participation and anonymous aggregates of quiz results.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};

use super::AppState;
use super::charts::{self, BarChart};
use super::chrome::Chrome;
use super::guards::HrAdmin;
use crate::db;
use crate::db::insights::Participation;
use crate::domain::funnel::{count_on_page, count_shown};
use crate::domain::insights::{
    GroupFigures, PairsShown, Shown, StoryNightFigures, protect_pairs, protect_story_nights,
    share_percent,
};
use crate::domain::quiz::{Attempt, percent_of};
use crate::domain::spread::merge_bins;
use crate::domain::teq::Aspect;
use crate::domain::time::{self, weekday_date};
use crate::domain::wording::grouped;
use crate::error::AppResult;

/// A breakdown row as the page shows it.
pub struct GroupRowView {
    pub label: String,
    /// None when hidden to protect anonymity.
    pub figures: Option<GroupView>,
}

pub struct GroupView {
    pub people: i64,
    pub mean_total: String,
    pub percents: Vec<u8>,
}

fn view(group: &GroupFigures) -> GroupView {
    GroupView {
        people: group.people,
        mean_total: format!("{:.1}", group.mean_total),
        percents: group.aspect_means.iter().map(|m| percent_of(*m)).collect(),
    }
}

fn rows(shown: Vec<Shown>) -> Vec<GroupRowView> {
    shown
        .into_iter()
        .map(|s| match s {
            Shown::Visible(group) => GroupRowView {
                label: group.label.clone(),
                figures: Some(view(&group)),
            },
            Shown::Hidden { label } => GroupRowView {
                label,
                figures: None,
            },
        })
        .collect()
}

/// One range of totals in the spread chart: the bar's length is its count against the
/// largest range's.
pub struct SpreadBar {
    pub label: String,
    pub people: i64,
    /// 0..=100, against the largest range.
    pub length: u8,
}

fn spread_bars(bins: &[crate::domain::spread::Bin]) -> Vec<SpreadBar> {
    let most = bins.iter().map(|b| b.people).max().unwrap_or(0).max(1);
    bins.iter()
        .map(|bin| SpreadBar {
            label: bin.label(),
            people: bin.people,
            length: u8::try_from(bin.people * 100 / most).unwrap_or(100),
        })
        .collect()
}

/// The average change for people who took the quiz more than once, as shown.
pub struct ChangeView {
    pub people: i64,
    pub total: String,
    /// Each aspect's name and its change in percentage points, with its sign.
    pub aspects: Vec<(&'static str, String)>,
}

fn change_view(change: &crate::domain::spread::Change) -> ChangeView {
    use crate::domain::spread::{signed, signed_points};
    ChangeView {
        people: change.people,
        total: signed(change.total),
        aspects: Aspect::ALL
            .iter()
            .zip(change.aspects)
            .map(|(aspect, mean)| (aspect.name(), signed_points(mean)))
            .collect(),
    }
}

/// An office's story nights as the page shows them (figures None when hidden).
pub struct StoryNightRowView {
    pub office: String,
    pub figures: Option<StoryNightView>,
}

pub struct StoryNightView {
    pub nights: i64,
    pub people: i64,
    pub seats: i64,
    /// "4 of 6 (67%)", or "Not recorded".
    pub attendance: String,
    /// "1 (2 left waiting)", or "None".
    pub full: String,
    pub pitches_per_night: String,
}

fn story_night_rows(offices: Vec<StoryNightFigures>, threshold: i64) -> Vec<StoryNightRowView> {
    protect_story_nights(offices, threshold)
        .into_iter()
        .map(|(office, figures)| StoryNightRowView {
            office,
            figures: figures.map(|f| StoryNightView {
                nights: f.nights,
                people: f.people,
                seats: f.seats,
                attendance: match f.attendance_percent() {
                    Some(percent) => format!(
                        "{} of {} ({percent}%)",
                        grouped(f.attended),
                        grouped(f.seats_recorded)
                    ),
                    None => "Not recorded".into(),
                },
                full: if f.full_nights == 0 {
                    "None".into()
                } else {
                    format!(
                        "{} ({} left waiting)",
                        grouped(f.full_nights),
                        grouped(f.left_waiting)
                    )
                },
                pitches_per_night: f.pitches_per_night(),
            }),
        })
        .collect()
}

/// A row of the quiz figures over time: the date and its figures (None when hidden).
pub struct OverTimeRow {
    pub when: String,
    pub figures: Option<GroupView>,
}

/// The quiz figures as they may be shown: what the scheduler decided for the threshold in force
/// (see [`crate::domain::quiz_disclosure`]), and nothing while that decision was made for
/// another threshold (until its next turn, a minute at most).
struct QuizFigures {
    /// The stored decision is for the threshold in force.
    decided: bool,
    overall: Option<GroupFigures>,
    departments: Vec<Shown>,
    offices: Vec<Shown>,
    /// Points in time with anyone's result before them, oldest first, and whether shown.
    points: Vec<(chrono::NaiveDate, GroupFigures, bool)>,
    change: Option<crate::domain::spread::Change>,
}

fn quiz_figures(
    snapshot: &db::insights::Snapshot,
    points: Vec<db::quiz_over_time::StoredPoint>,
    threshold: i64,
) -> QuizFigures {
    let decided = snapshot.audit_threshold == threshold;
    let allowed = |(figures, shown): &(GroupFigures, bool)| {
        decided && *shown && figures.people >= threshold.max(1)
    };
    let breakdown = |groups: &[(GroupFigures, bool)]| {
        groups
            .iter()
            .map(|group| {
                if allowed(group) {
                    Shown::Visible(group.0.clone())
                } else {
                    Shown::Hidden {
                        label: group.0.label.clone(),
                    }
                }
            })
            .collect()
    };
    QuizFigures {
        decided,
        overall: snapshot
            .everyone
            .as_ref()
            .filter(|g| allowed(g))
            .map(|g| g.0.clone()),
        departments: breakdown(&snapshot.departments),
        offices: breakdown(&snapshot.offices),
        points: points
            .into_iter()
            .filter(|(_, figures, _)| figures.people > 0)
            .map(|(at, figures, shown)| {
                let shown = decided && shown && figures.people >= threshold.max(1);
                (at, figures, shown)
            })
            .collect(),
        change: snapshot
            .spread
            .change
            .protect(threshold)
            .filter(|_| decided && snapshot.change_shown),
    }
}

/// Everyone's latest results at the start of each recent quarter and this week as shown, and a
/// line of the average total through the ones shown.
fn over_time(
    quiz: &QuizFigures,
    week: Option<chrono::NaiveDate>,
    held: bool,
) -> (Vec<OverTimeRow>, Option<charts::LineChart>) {
    let latest = quiz.overall.as_ref().zip(week);
    let mut rows: Vec<OverTimeRow> = quiz
        .points
        .iter()
        .map(|(at, figures, shown)| OverTimeRow {
            when: time::long_date(*at),
            figures: shown.then(|| view(figures)),
        })
        .collect();
    if let Some((latest, week)) = latest {
        rows.push(OverTimeRow {
            when: if held {
                format!("Latest shown (as of {})", weekday_date(week))
            } else {
                format!("This week (as of {})", weekday_date(week))
            },
            figures: Some(view(latest)),
        });
    }
    let midnight = |day: chrono::NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
    let line: Vec<(chrono::DateTime<chrono::Utc>, String, f64)> = quiz
        .points
        .iter()
        .filter(|(_, _, shown)| *shown)
        .map(|(at, figures, _)| (midnight(*at), time::long_date(*at), figures.mean_total))
        .chain(latest.map(|(l, week)| (midnight(week), time::long_date(week), l.mean_total)))
        .collect();
    if latest.is_none() {
        rows.clear();
    }
    (rows, charts::totals_line(&line, "Average latest total"))
}

/// A table of groups under a heading.
pub struct Breakdown {
    pub title: &'static str,
    pub rows: Vec<GroupRowView>,
}

/// The three counts at the top of the page, as shown (a count under the threshold reads
/// "fewer than k", and then no share is given).
pub struct Headline {
    pub took_quiz: String,
    /// Everyone active, unless the count shown is higher.
    pub active_people: Option<i64>,
    pub took_quiz_percent: Option<i64>,
    /// People who took the quiz in the current quarter (the funnel's count) and its label.
    pub quarter_takers: String,
    pub quarter: String,
    pub completed_resource: String,
}

impl Headline {
    fn new(p: Participation, threshold: i64, funnel: &Funnel) -> Self {
        let quiz = crate::domain::funnel::Stage::Quiz.label();
        Headline {
            took_quiz: count_on_page(p.took_quiz, threshold),
            // A count held up can outlast people who left: then no share of today's people.
            active_people: (p.took_quiz <= p.active_people).then_some(p.active_people),
            took_quiz_percent: (p.took_quiz >= threshold && p.took_quiz <= p.active_people)
                .then(|| share_percent(p.took_quiz, p.active_people)),
            quarter_takers: funnel
                .1
                .iter()
                .find(|(stage, _)| *stage == quiz)
                .and_then(|(_, counts)| counts.last().cloned())
                .unwrap_or_else(|| count_on_page(0, threshold)),
            quarter: funnel.0.last().cloned().unwrap_or_default(),
            completed_resource: count_on_page(p.completed_resource, threshold),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/insights.html")]
pub struct InsightsPage {
    pub chrome: Chrome,
    pub headline: Headline,
    pub threshold: i64,
    pub overall: Option<GroupView>,
    /// The anonymity threshold changed since the figures were worked out: the quiz figures wait
    /// for the scheduler's next turn.
    pub quiz_pending: bool,
    /// This week's quiz figures are held back; those shown are from `as_of`.
    pub quiz_held: bool,
    pub chart: Option<BarChart>,
    pub breakdowns: Vec<Breakdown>,
    /// How latest totals are spread, in ranges of at least the threshold (empty when fewer
    /// people than that have a result).
    pub spread: Vec<SpreadBar>,
    /// Story nights that ended in the last year, by office.
    pub story_nights: Vec<StoryNightRowView>,
    /// Resources by aspect and by kind: each table's title and first column, and its rows (the
    /// name and, as shown, the people who saved one, completed one and rated one helpful).
    pub resource_tables: Vec<(&'static str, &'static str, ResourceRows)>,
    /// Published recognitions per behaviour, in the funnel's quarters, as shown.
    pub behaviours: Vec<(String, Vec<String>)>,
    /// Who recognised whom, by department, over the last `pairs_days` days.
    pub pairs: PairsShown,
    pub pairs_days: i32,
    /// Everyone's latest results at the start of recent quarters and this week, and a line of
    /// the average total through the ones shown.
    pub over_time: Vec<OverTimeRow>,
    pub over_time_chart: Option<charts::LineChart>,
    /// Retakers' average change, when at least the threshold retook the quiz.
    pub change: Option<ChangeView>,
    pub aspect_names: Vec<&'static str>,
    /// When the quiz figures were taken (the start of the week); empty before the first
    /// figures are worked out.
    pub as_of: String,
    /// The start of the week every other figure is worked out as of.
    pub week_of: String,
    /// Pulse checks: the favourable share per statement across rounds.
    pub pulses: Vec<super::pulse::InsightsPulse>,
    /// The participation funnel: quarters (labels) and, per stage, its counts as shown.
    pub funnel_quarters: Vec<String>,
    pub funnel: Vec<(&'static str, Vec<String>)>,
    /// The funnel of the chosen quarter by department and by office, and the stages' names.
    pub funnel_groups: FunnelGroupsView,
    pub stage_names: Vec<&'static str>,
}

/// The participation funnel of the last four quarters as shown: counts under the threshold
/// read "fewer than k".
/// One row of a quarter-by-quarter table: `key`'s stored count in each of `quarters` (none
/// stored reads as 0), as `show` writes it.
fn per_quarter<K: PartialEq>(
    stored: &[(chrono::NaiveDate, K, i64)],
    quarters: &[chrono::NaiveDate],
    key: &K,
    show: impl Fn(i64) -> String,
) -> Vec<String> {
    quarters
        .iter()
        .map(|q| {
            let n = stored
                .iter()
                .find(|(quarter, k, _)| quarter == q && k == key)
                .map_or(0, |(_, _, n)| *n);
            show(n)
        })
        .collect()
}

/// The funnel's quarters (labels) and, per stage, its counts as shown.
type Funnel = (Vec<String>, Vec<(&'static str, Vec<String>)>);

async fn funnel(
    state: &AppState,
    threshold: i64,
    show: fn(i64, i64) -> String,
) -> AppResult<Funnel> {
    use crate::domain::funnel::{Stage, last_quarters, quarter_label};
    let stored = db::funnel::read(&state.pool).await?;
    let quarters = last_quarters(chrono::Utc::now().date_naive(), 4);
    let rows = Stage::ALL
        .iter()
        .map(|stage| {
            let counts = per_quarter(&stored, &quarters, stage, |n| show(n, threshold));
            (stage.label(), counts)
        })
        .collect();
    Ok((quarters.into_iter().map(quarter_label).collect(), rows))
}

/// A table of the funnel by group: its id, title and first column, and its rows (the group and,
/// per stage, the count as shown).
pub type FunnelTable = (
    &'static str,
    &'static str,
    &'static str,
    Vec<(String, Vec<String>)>,
);

/// The funnel of one quarter by department and by office, and the quarters to choose from.
#[derive(Default)]
pub struct FunnelGroupsView {
    /// The quarter shown, as a label.
    pub quarter: String,
    /// Each quarter to choose from: label, first day (the link's value), whether it is shown.
    pub quarters: Vec<(String, String, bool)>,
    /// By department, then by office: the table's id, title and first column, and its rows
    /// (the group and, per stage, the count as shown).
    pub tables: Vec<FunnelTable>,
}

/// How a hidden count of the funnel by group reads.
const HIDDEN: &str = "hidden";

/// The funnel by group of each quarter in `wanted` (among the last four) as shown.
async fn funnel_groups(
    state: &AppState,
    threshold: i64,
    show: fn(i64) -> String,
    wanted: &[chrono::NaiveDate],
) -> AppResult<Vec<(chrono::NaiveDate, FunnelGroupsView)>> {
    use crate::domain::funnel::{FunnelGroup, last_quarters, protect_groups, quarter_label};
    let quarters = last_quarters(chrono::Utc::now().date_naive(), 4);
    let (Some(from), Some(to)) = (wanted.iter().min(), wanted.iter().max()) else {
        return Ok(Vec::new());
    };
    let stored = db::funnel::read_cells(&state.pool, *from, *to).await?;
    let label = |group: FunnelGroup, office: bool| match group {
        FunnelGroup::Named(name) => name,
        FunnelGroup::Newcomers if office => "Under four weeks in their office".into(),
        FunnelGroup::Newcomers => "Under four weeks in their department".into(),
    };
    let views = wanted
        .iter()
        .map(|quarter| {
            let cells: Vec<_> = stored
                .iter()
                .filter(|(q, _)| q == quarter)
                .map(|(_, cell)| cell.clone())
                .collect();
            let (by_department, by_office) = protect_groups(&cells, threshold);
            let rows = |rows: crate::domain::funnel::GroupRows, office: bool| {
                rows.into_iter()
                    .map(|(group, counts)| {
                        let counts = counts
                            .iter()
                            .map(|c| c.map_or(HIDDEN.to_string(), show))
                            .collect();
                        (label(group, office), counts)
                    })
                    .collect()
            };
            let view = FunnelGroupsView {
                quarter: quarter_label(*quarter),
                quarters: quarters
                    .iter()
                    .map(|q| (quarter_label(*q), time::iso_date(*q), q == quarter))
                    .collect(),
                tables: vec![
                    (
                        "funnel-departments",
                        "By department",
                        "Department",
                        rows(by_department, false),
                    ),
                    (
                        "funnel-offices",
                        "By office",
                        "Office",
                        rows(by_office, true),
                    ),
                ],
            };
            (*quarter, view)
        })
        .collect();
    Ok(views)
}

/// Which quarter of the funnel by group the page shows.
#[derive(serde::Deserialize, Default)]
pub struct InsightsQuery {
    /// The quarter's first day (YYYY-MM-DD); the current quarter when missing or not one of
    /// the last four.
    quarter: Option<String>,
}

/// Resources by aspect and by kind as shown: every aspect and every kind, with the people who
/// saved, completed and rated helpful one ("fewer than k" under the threshold).
pub type ResourceRows = Vec<(&'static str, [String; 3])>;

async fn resources(
    state: &AppState,
    threshold: i64,
    show: fn(i64, i64) -> String,
) -> AppResult<(ResourceRows, ResourceRows)> {
    use crate::domain::resources::Kind;
    let stored = db::resource_insights::read(&state.pool).await?;
    let shown = |grouping: &str, slug: &str| {
        let row = stored
            .iter()
            .find(|r| r.grouping == grouping && r.label == slug);
        let (saved, completed, helpful) =
            row.map_or((0, 0, 0), |r| (r.saved, r.completed, r.helpful));
        [
            show(saved, threshold),
            show(completed, threshold),
            show(helpful, threshold),
        ]
    };
    let by_aspect = Aspect::ALL
        .iter()
        .map(|a| (a.name(), shown("aspect", a.slug())))
        .collect();
    let by_kind = Kind::ALL
        .iter()
        .map(|k| (k.label(), shown("kind", k.slug())))
        .collect();
    Ok((by_aspect, by_kind))
}

/// How many pairs of departments the page lists before adding up the rest.
const PAIRS_SHOWN: usize = 15;

/// Recognitions per behaviour in each of the last four quarters as shown (counts under the
/// threshold read "fewer than k"), most recognised behaviours first, and who recognised whom.
async fn recognition(
    state: &AppState,
    threshold: i64,
    show: fn(i64, i64) -> String,
) -> AppResult<(Vec<(String, Vec<String>)>, PairsShown)> {
    use crate::domain::funnel::last_quarters;
    let stored = db::recognition_insights::behaviours(&state.pool).await?;
    let quarters = last_quarters(chrono::Utc::now().date_naive(), 4);
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for (_, behaviour, _) in &stored {
        if rows.iter().any(|(b, _)| b == behaviour) {
            continue;
        }
        let counts = per_quarter(&stored, &quarters, behaviour, |n| show(n, threshold));
        rows.push((behaviour.clone(), counts));
    }
    let pairs = protect_pairs(
        db::recognition_insights::pairs(&state.pool).await?,
        threshold,
        PAIRS_SHOWN,
    );
    Ok((rows, pairs))
}

pub async fn show(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    Query(query): Query<InsightsQuery>,
    chrome: Chrome,
) -> AppResult<InsightsPage> {
    // The scheduler works the figures out (app::insights::refresh); this page only reads them.
    let snapshot = db::insights::latest_snapshot(&state.pool).await?;
    let threshold = db::settings::get(&state.pool).await?.threshold();
    let participation = snapshot.participation;
    let quiz = quiz_figures(
        &snapshot,
        db::quiz_over_time::latest(&state.pool).await?,
        threshold,
    );
    let spread = spread_bars(&merge_bins(&snapshot.spread.counts, threshold));
    // The quiz figures may be an earlier week's, held up until this week's can be shown.
    let quiz_week = snapshot.quiz_week.or(snapshot.week);
    let as_of = quiz_week.map(weekday_date).unwrap_or_default();
    let quiz_held = snapshot.quiz_week.is_some_and(|q| Some(q) < snapshot.week);
    let (over_time, over_time_chart) = over_time(&quiz, quiz_week, quiz_held);
    let change = quiz.change.as_ref().map(change_view);
    let overall = quiz.overall.clone();
    let quiz_pending = !quiz.decided && snapshot.week.is_some();
    let funnel = funnel(&state, threshold, count_on_page).await?;
    let headline = Headline::new(participation, threshold, &funnel);
    let (funnel_quarters, funnel) = funnel;
    let quarters = crate::domain::funnel::last_quarters(chrono::Utc::now().date_naive(), 4);
    let chosen = query
        .quarter
        .and_then(|q| q.parse::<chrono::NaiveDate>().ok())
        .filter(|q| quarters.contains(q))
        .or(quarters.last().copied())
        .unwrap_or_default();
    let funnel_groups = funnel_groups(&state, threshold, grouped, &[chosen])
        .await?
        .pop()
        .map(|(_, view)| view)
        .unwrap_or_default();
    let (behaviours, pairs) = recognition(&state, threshold, count_on_page).await?;
    let (resources_by_aspect, resources_by_kind) =
        resources(&state, threshold, count_on_page).await?;
    Ok(InsightsPage {
        resource_tables: vec![
            ("By aspect", "Aspect", resources_by_aspect),
            ("By kind", "Kind", resources_by_kind),
        ],
        behaviours,
        pairs,
        pairs_days: db::recognition_insights::PAIRS_DAYS,
        funnel_quarters,
        funnel,
        funnel_groups,
        stage_names: crate::domain::funnel::Stage::ALL
            .iter()
            .map(|s| s.label())
            .collect(),
        chrome: chrome.at("insights"),
        spread,
        change,
        story_nights: story_night_rows(
            db::insights::latest_story_nights(&state.pool).await?,
            threshold,
        ),
        headline,
        threshold,
        pulses: super::pulse::insights_trends(&state, threshold).await?,
        quiz_pending,
        quiz_held,
        chart: overall
            .as_ref()
            .map(|g| charts::aspect_bars(&Attempt::aspect_scores(g.aspect_means))),
        overall: overall.as_ref().map(view),
        breakdowns: vec![
            Breakdown {
                title: "By department",
                rows: rows(quiz.departments),
            },
            Breakdown {
                title: "By office",
                rows: rows(quiz.offices),
            },
        ],
        aspect_names: Aspect::ALL.iter().map(|a| a.name()).collect(),
        over_time,
        over_time_chart,
        as_of,
        week_of: snapshot.week.map(weekday_date).unwrap_or_default(),
    })
}

/// Every aggregate the Insights page shows, as CSV: the same figures, under the same
/// anonymity threshold (hidden groups are left out).
pub async fn export(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
) -> AppResult<axum::response::Response> {
    use crate::domain::csv_safe::cell;
    let snapshot = db::insights::latest_snapshot(&state.pool).await?;
    let threshold = db::settings::get(&state.pool).await?.threshold();
    let as_of = snapshot
        .quiz_week
        .or(snapshot.week)
        .map(time::iso_date)
        .unwrap_or_default();
    let mut records: Vec<[String; 5]> = Vec::new();
    let p = snapshot.participation;
    for (figure, value) in [
        ("active people", p.active_people.to_string()),
        (
            "took the quiz (people)",
            count_shown(p.took_quiz, threshold),
        ),
        (
            "completed a resource (people)",
            count_shown(p.completed_resource, threshold),
        ),
    ] {
        records.push([
            "Participation".into(),
            "Everyone".into(),
            String::new(),
            figure.into(),
            value,
        ]);
    }
    let mut quiz = |section: &str, as_of: &str, group: &GroupFigures| {
        let people = group.people.to_string();
        records.push([
            format!("{section}, as of {as_of}"),
            cell(&group.label).into_owned(),
            people.clone(),
            "average latest total (of 64)".into(),
            format!("{:.1}", group.mean_total),
        ]);
        for (aspect, mean) in Aspect::ALL.iter().zip(group.aspect_means) {
            records.push([
                format!("{section}, as of {as_of}"),
                cell(&group.label).into_owned(),
                people.clone(),
                format!("{} (%)", aspect.name()),
                percent_of(mean).to_string(),
            ]);
        }
    };
    let figures = quiz_figures(
        &snapshot,
        db::quiz_over_time::latest(&state.pool).await?,
        threshold,
    );
    if let Some(overall) = &figures.overall {
        quiz("Latest quiz results", &as_of, overall);
    }
    for (at, point, shown) in &figures.points {
        if *shown && figures.overall.is_some() {
            quiz("Latest quiz results", &time::iso_date(*at), point);
        }
    }
    for (section, groups) in [
        ("Latest quiz results by department", &figures.departments),
        ("Latest quiz results by office", &figures.offices),
    ] {
        for shown in groups {
            if let Shown::Visible(group) = shown {
                quiz(section, &as_of, group);
            }
        }
    }
    for bin in merge_bins(&snapshot.spread.counts, threshold) {
        records.push([
            format!("Spread of latest totals, as of {as_of}"),
            "Everyone".into(),
            bin.people.to_string(),
            format!("latest total {} (people)", bin.label()),
            bin.people.to_string(),
        ]);
    }
    if let Some(change) = figures.change {
        let view = change_view(&change);
        let section = format!("Change from first to latest result, as of {as_of}");
        let people = view.people.to_string();
        records.push([
            section.clone(),
            "People who took the quiz more than once".into(),
            people.clone(),
            "average change of the total (points of 64)".into(),
            view.total.replace('−', "-"),
        ]);
        for (aspect, points) in &view.aspects {
            records.push([
                section.clone(),
                "People who took the quiz more than once".into(),
                people.clone(),
                format!("{aspect}: average change (percentage points)"),
                points.replace('−', "-"),
            ]);
        }
    }
    let (by_aspect, by_kind) = resources(&state, threshold, count_shown).await?;
    for (section, rows) in [
        ("Resources by aspect", by_aspect),
        ("Resources by kind", by_kind),
    ] {
        for (name, counts) in rows {
            for (figure, count) in [
                "saved one to their plan (people)",
                "completed one (people)",
                "rated one helpful (people)",
            ]
            .into_iter()
            .zip(counts)
            {
                records.push([
                    section.into(),
                    name.into(),
                    String::new(),
                    figure.into(),
                    count,
                ]);
            }
        }
    }
    let (behaviours, pairs) = recognition(&state, threshold, count_shown).await?;
    let quarter_labels: Vec<String> =
        crate::domain::funnel::last_quarters(chrono::Utc::now().date_naive(), 4)
            .into_iter()
            .map(crate::domain::funnel::quarter_label)
            .collect();
    for (behaviour, counts) in &behaviours {
        for (quarter, count) in quarter_labels.iter().zip(counts) {
            records.push([
                format!("Recognitions in {quarter}"),
                "Everyone".into(),
                String::new(),
                format!("{} (recognitions)", cell(behaviour)),
                count.clone(),
            ]);
        }
    }
    let pairs_section = format!(
        "Recognitions between departments in the last {} days",
        db::recognition_insights::PAIRS_DAYS
    );
    for pair in &pairs.pairs {
        records.push([
            pairs_section.clone(),
            format!("{} to {}", cell(&pair.from), cell(&pair.to)),
            String::new(),
            "recognitions".into(),
            pair.recognitions.to_string(),
        ]);
    }
    if pairs.other_pairs > 0 {
        records.push([
            pairs_section,
            format!("{} other pairs of departments", pairs.other_pairs),
            String::new(),
            "recognitions".into(),
            pairs
                .other_recognitions
                .map_or(format!("fewer than {threshold}"), |n| n.to_string()),
        ]);
    }
    let story_nights = db::insights::latest_story_nights(&state.pool).await?;
    for (office, figures) in protect_story_nights(story_nights, threshold) {
        let Some(f) = figures else { continue };
        let people = f.people.to_string();
        let mut figure = |name: &str, value: String| {
            records.push([
                "Story nights by office in the last 12 months".into(),
                cell(&office).into_owned(),
                people.clone(),
                name.into(),
                value,
            ]);
        };
        figure("story nights", f.nights.to_string());
        figure("seats taken", f.seats.to_string());
        if let Some(percent) = f.attendance_percent() {
            figure(
                "came, where attendance was recorded (%)",
                percent.to_string(),
            );
        }
        figure("nights full with a waitlist", f.full_nights.to_string());
        figure("people left on a waitlist", f.left_waiting.to_string());
        figure("pitches per night", f.pitches_per_night());
    }
    let (quarters, stages) = funnel(&state, threshold, count_shown).await?;
    for (stage, counts) in &stages {
        for (quarter, count) in quarters.iter().zip(counts) {
            records.push([
                format!("Participation in {quarter}"),
                "Everyone".into(),
                String::new(),
                format!("{stage} (people)"),
                count.clone(),
            ]);
        }
    }
    let quarters = crate::domain::funnel::last_quarters(chrono::Utc::now().date_naive(), 4);
    for (_, view) in funnel_groups(&state, threshold, |n| n.to_string(), &quarters).await? {
        for (_, title, _, rows) in &view.tables {
            for (group, cells) in rows {
                for (stage, count) in crate::domain::funnel::Stage::ALL.iter().zip(cells) {
                    records.push([
                        format!("Participation in {} {}", view.quarter, title.to_lowercase()),
                        cell(group).into_owned(),
                        String::new(),
                        format!("{} (people)", stage.label()),
                        count.clone(),
                    ]);
                }
            }
        }
    }
    for pulse in super::pulse::insights_trends(&state, threshold).await? {
        for trend in &pulse.trend {
            for (round, percent) in &trend.points {
                records.push([
                    format!("Pulse check: {}", cell(&pulse.title)),
                    cell(&trend.text).into_owned(),
                    String::new(),
                    format!("round {round}: agree or strongly agree (%)"),
                    percent.to_string(),
                ]);
            }
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| crate::error::AppError::Internal(anyhow::anyhow!(e));
    writer
        .write_record(["section", "group", "people", "figure", "value"])
        .map_err(failed)?;
    for record in &records {
        writer.write_record(record).map_err(failed)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(super::files::attachment(
        "text/csv; charset=utf-8",
        "insights.csv",
        body,
    ))
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/admin/insights", show)
        .get("/admin/insights.csv", export)
}
