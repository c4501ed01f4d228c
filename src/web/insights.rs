//! Program figures for HR admins: participation and anonymous aggregates of quiz results.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::AppState;
use super::charts::{self, BarChart};
use super::chrome::Chrome;
use super::guards::HrAdmin;
use crate::db;
use crate::db::insights::Participation;
use crate::domain::insights::{GroupFigures, Shown, protect, protect_overall, share_percent};
use crate::domain::quiz::{Attempt, percent_of};
use crate::domain::teq::Aspect;
use crate::domain::time::{self, weekday_date};
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

/// A table of groups under a heading.
pub struct Breakdown {
    pub title: &'static str,
    pub rows: Vec<GroupRowView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/insights.html")]
pub struct InsightsPage {
    pub chrome: Chrome,
    pub participation: Participation,
    pub participation_percent: i64,
    pub threshold: i64,
    pub overall: Option<GroupView>,
    pub chart: Option<BarChart>,
    pub breakdowns: Vec<Breakdown>,
    pub aspect_names: Vec<&'static str>,
    /// When the quiz figures were taken (the start of the week); empty before the first
    /// figures are worked out.
    pub as_of: String,
    /// When the counts were last worked out, in the viewer's time zone.
    pub counted_at: String,
    /// Pulse checks: the favourable share per statement across rounds.
    pub pulses: Vec<super::pulse::InsightsPulse>,
    /// The participation funnel: quarters (labels) and, per stage, its counts as shown.
    pub funnel_quarters: Vec<String>,
    pub funnel: Vec<(&'static str, Vec<String>)>,
}

/// The participation funnel of the last four quarters as shown: counts under the threshold
/// read "fewer than k".
async fn funnel(
    state: &AppState,
    threshold: i64,
) -> AppResult<(Vec<String>, Vec<(&'static str, Vec<String>)>)> {
    use crate::domain::funnel::{Stage, count_shown, last_quarters, quarter_label};
    let stored = db::funnel::read(&state.pool).await?;
    let quarters = last_quarters(chrono::Utc::now().date_naive(), 4);
    let rows = Stage::ALL
        .iter()
        .map(|stage| {
            let counts = quarters
                .iter()
                .map(|q| {
                    let n = stored
                        .iter()
                        .find(|(quarter, s, _)| quarter == q && s == stage)
                        .map_or(0, |(_, _, n)| *n);
                    count_shown(n, threshold)
                })
                .collect();
            (stage.label(), counts)
        })
        .collect();
    Ok((quarters.into_iter().map(quarter_label).collect(), rows))
}

pub async fn show(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
) -> AppResult<InsightsPage> {
    // The scheduler works the figures out (app::insights::refresh); this page only reads them.
    let snapshot = db::insights::latest_snapshot(&state.pool).await?;
    let threshold = db::settings::get(&state.pool).await?.threshold();
    let participation = snapshot.participation;
    let overall = snapshot
        .everyone
        .and_then(|g| protect_overall(g, threshold));
    let departments = protect(snapshot.departments, threshold);
    let offices = protect(snapshot.offices, threshold);
    let participation_percent = share_percent(participation.took_quiz, participation.active_people);
    let (funnel_quarters, funnel) = funnel(&state, threshold).await?;
    Ok(InsightsPage {
        funnel_quarters,
        funnel,
        chrome: chrome.at("insights"),
        participation,
        participation_percent,
        threshold,
        pulses: super::pulse::insights_trends(&state, threshold).await?,
        chart: overall
            .as_ref()
            .map(|g| charts::aspect_bars(&Attempt::aspect_scores(g.aspect_means))),
        overall: overall.as_ref().map(view),
        breakdowns: vec![
            Breakdown {
                title: "By department",
                rows: rows(departments),
            },
            Breakdown {
                title: "By office",
                rows: rows(offices),
            },
        ],
        aspect_names: Aspect::ALL.iter().map(|a| a.name()).collect(),
        as_of: snapshot.week.map(weekday_date).unwrap_or_default(),
        counted_at: snapshot
            .refreshed_at
            .map(|at| time::local_date_time(at, viewer.time_zone))
            .unwrap_or_default(),
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
    let as_of = snapshot.week.map(time::iso_date).unwrap_or_default();
    let mut records: Vec<[String; 5]> = Vec::new();
    let p = snapshot.participation;
    for (figure, value) in [
        ("active people", p.active_people),
        ("took the quiz", p.took_quiz),
        ("quiz attempts in the last 30 days", p.attempts_last_30_days),
        ("resources completed", p.plan_items_done),
    ] {
        records.push([
            "Participation".into(),
            "Everyone".into(),
            String::new(),
            figure.into(),
            value.to_string(),
        ]);
    }
    let mut quiz = |section: &str, group: &GroupFigures| {
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
    if let Some(overall) = snapshot
        .everyone
        .and_then(|g| protect_overall(g, threshold))
    {
        quiz("Latest quiz results", &overall);
    }
    for (section, groups) in [
        ("Latest quiz results by department", snapshot.departments),
        ("Latest quiz results by office", snapshot.offices),
    ] {
        for shown in protect(groups, threshold) {
            if let Shown::Visible(group) = shown {
                quiz(section, &group);
            }
        }
    }
    let (quarters, stages) = funnel(&state, threshold).await?;
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
