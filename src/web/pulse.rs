//! Pulse checks: HR sets them up and reads the results; everyone answers from their home
//! page (or the round's own page), anonymously.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::audit::HrActor;
use super::chrome::{Chrome, flash};
use super::extract::{Invalid, ListForm, PathId};
use super::guards::{CurrentUser, HrAdmin};
use crate::app;
use crate::db;
use crate::db::pulse::{Pulse, Round};
use crate::domain::FieldErrors;
use crate::domain::csv_safe;
use crate::domain::people::Person;
use crate::domain::pulse::{
    self as rules, Answer, GroupResult, PulseForm, PulseInput, SCALE, STARTER_STATEMENTS,
    ShownRound, favourable_percent, protect_round,
};
use crate::domain::time::{iso_date, long_date};
use crate::error::{AppError, AppResult, OrNotFound};

// ---------------------------------------------------------------------------------------
// Answering

/// One statement of the answer form.
pub struct ItemView {
    /// 1-based, as the field name `s<number>` uses it.
    pub number: usize,
    pub text: String,
    pub selected: i16,
    pub missing: bool,
}

/// The answer form of one round (on the home page and the round's own page).
pub struct AnswerForm {
    pub round_id: Uuid,
    pub title: String,
    pub closes_on: String,
    pub items: Vec<ItemView>,
    pub scale: Vec<(usize, &'static str)>,
    pub comment_question: String,
    pub comment: String,
    pub answered: bool,
    pub errors: FieldErrors,
}

impl ItemView {
    /// Whether this point of the scale is chosen.
    pub fn is(&self, value: &usize) -> bool {
        usize::try_from(self.selected).is_ok_and(|s| s == *value)
    }
}

impl AnswerForm {
    /// The number of the first statement left unanswered (for the error summary's link).
    pub fn first_missing(&self) -> usize {
        self.items
            .iter()
            .find(|i| i.missing)
            .map_or(1, |i| i.number)
    }

    fn new(
        round: &Round,
        pulse: &Pulse,
        answer: Option<&Answer>,
        answered: bool,
        missing: &[usize],
        errors: FieldErrors,
    ) -> AnswerForm {
        AnswerForm {
            round_id: round.id,
            title: pulse.title.clone(),
            closes_on: long_date(round.closes_on),
            items: pulse
                .statements
                .iter()
                .enumerate()
                .map(|(i, text)| ItemView {
                    number: i + 1,
                    text: text.clone(),
                    selected: answer
                        .and_then(|a| a.scores.get(i).copied())
                        .unwrap_or_default(),
                    missing: missing.contains(&i),
                })
                .collect(),
            scale: SCALE.iter().enumerate().map(|(i, l)| (i + 1, *l)).collect(),
            comment_question: pulse.comment_question.clone(),
            comment: answer.map(|a| a.comment.clone()).unwrap_or_default(),
            answered,
            errors,
        }
    }
}

/// A round on the home page: the form while unanswered, a thank-you with a way to change it
/// once answered.
pub struct HomePulse {
    pub form: AnswerForm,
}

/// The open rounds that ask this person, for their home page.
pub async fn home_pulses(state: &AppState, person: &Person) -> AppResult<Vec<HomePulse>> {
    let today = Utc::now().date_naive();
    let rounds = db::pulse::open_for(
        &state.pool,
        person.id,
        &person.department,
        &person.office,
        today,
    )
    .await?;
    Ok(rounds
        .into_iter()
        .map(|open| {
            let items = open
                .statements
                .iter()
                .enumerate()
                .map(|(i, text)| ItemView {
                    number: i + 1,
                    text: text.clone(),
                    selected: 0,
                    missing: false,
                })
                .collect();
            HomePulse {
                form: AnswerForm {
                    round_id: open.round_id,
                    title: open.title,
                    closes_on: long_date(open.closes_on),
                    items,
                    scale: SCALE.iter().enumerate().map(|(i, l)| (i + 1, *l)).collect(),
                    comment_question: open.comment_question,
                    comment: String::new(),
                    answered: open.answered,
                    errors: FieldErrors::new(),
                },
            }
        })
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "pulse/answer.html")]
pub struct AnswerPage {
    pub chrome: Chrome,
    pub form: AnswerForm,
}

pub async fn answer_page(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(round_id): PathId,
) -> AppResult<AnswerPage> {
    let key = &state.config.pulse_key;
    let context = app::pulse::for_person(&state.pool, key, &person, round_id, Utc::now()).await?;
    Ok(AnswerPage {
        chrome: chrome.at("home"),
        form: AnswerForm::new(
            &context.round,
            &context.pulse,
            context.previous.as_ref(),
            context.answered,
            &[],
            FieldErrors::new(),
        ),
    })
}

/// The answer form as sent: `s1` to `s6` and the comment.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerFields {
    s1: String,
    s2: String,
    s3: String,
    s4: String,
    s5: String,
    s6: String,
    comment: String,
}

pub async fn answer(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    PathId(round_id): PathId,
    axum::Form(fields): axum::Form<AnswerFields>,
) -> AppResult<Response> {
    let key = &state.config.pulse_key;
    let now = Utc::now();
    let context = app::pulse::for_person(&state.pool, key, &person, round_id, now).await?;
    let raw: Vec<String> = [
        fields.s1, fields.s2, fields.s3, fields.s4, fields.s5, fields.s6,
    ]
    .into_iter()
    .take(context.pulse.statements.len())
    .collect();
    match rules::parse_answer(&raw, &fields.comment) {
        Ok(answer) => {
            app::pulse::answer(&state.pool, key, &person, round_id, &answer, now).await?;
            let message = if context.answered {
                "Your answer is changed. Thank you."
            } else {
                "Thank you: your answer is saved, anonymously. You can change it until the round closes."
            };
            flash(&session, "success", message).await?;
            Ok(Redirect::to("/").into_response())
        }
        Err((errors, missing)) => {
            let typed = Answer {
                scores: raw
                    .iter()
                    .map(|v| v.trim().parse::<i16>().unwrap_or_default())
                    .collect(),
                comment: fields.comment,
            };
            let form = AnswerForm::new(
                &context.round,
                &context.pulse,
                Some(&typed),
                context.answered,
                &missing,
                errors,
            );
            Ok(Invalid(AnswerPage {
                chrome: chrome.at("home"),
                form,
            })
            .into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------
// HR: the list and a new pulse

pub struct PulseRow {
    pub id: Uuid,
    pub title: String,
    pub audience: String,
    pub repeats: &'static str,
    pub status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pulse/admin_list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub pulses: Vec<PulseRow>,
    pub limit: i64,
}

fn status(pulse: &Pulse, round: Option<&Round>) -> String {
    match round {
        Some(round) if round.open => format!(
            "Round {} open until {}",
            round.number,
            long_date(round.closes_on)
        ),
        Some(round) if pulse.stopped => format!("Stopped after round {}", round.number),
        Some(round) => format!(
            "Round {} closed {}",
            round.number,
            long_date(round.closes_on)
        ),
        None if pulse.stopped => "Stopped before its first round".into(),
        None => format!("First round opens {}", long_date(pulse.first_opens_on)),
    }
}

pub async fn list(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<ListPage> {
    let pulses = db::pulse::list(&state.pool).await?;
    Ok(ListPage {
        chrome: chrome.at("insights"),
        pulses: pulses
            .iter()
            .map(|(pulse, round)| PulseRow {
                id: pulse.id,
                title: pulse.title.clone(),
                audience: pulse.audience.describe(),
                repeats: pulse.repeats.label(),
                status: status(pulse, round.as_ref()),
            })
            .collect(),
        limit: db::pulse::LIST_LIMIT,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "pulse/admin_new.html")]
pub struct NewPage {
    pub chrome: Chrome,
    pub form: PulseForm,
    pub starters: Vec<(&'static str, &'static str)>,
    pub departments: Vec<String>,
    pub offices: Vec<String>,
    pub threshold: i64,
    pub errors: FieldErrors,
}

impl NewPage {
    async fn new(
        state: &AppState,
        chrome: Chrome,
        form: PulseForm,
        errors: FieldErrors,
    ) -> AppResult<NewPage> {
        let (departments, offices) = db::recognition::wall_places(&state.pool).await?;
        let threshold = db::settings::get(&state.pool).await?.threshold();
        Ok(NewPage {
            chrome: chrome.at("insights"),
            form,
            starters: STARTER_STATEMENTS.to_vec(),
            departments,
            offices,
            threshold,
            errors,
        })
    }

    pub fn chose(&self, key: &str) -> bool {
        self.form.starter.iter().any(|k| k == key)
    }

    pub fn chose_department(&self, name: &str) -> bool {
        self.form.departments.iter().any(|k| k == name)
    }

    pub fn repeat_choices(&self) -> [(&'static str, &'static str); 3] {
        [
            ("once", "Once"),
            ("monthly", "Every month, on the same day"),
            ("quarterly", "Every quarter, on the same day"),
        ]
    }

    pub fn chose_office(&self, name: &str) -> bool {
        self.form.offices.iter().any(|k| k == name)
    }
}

pub async fn new_page(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<NewPage> {
    let today = Utc::now().date_naive();
    let form = PulseForm {
        title: "Team pulse".into(),
        starter: STARTER_STATEMENTS
            .iter()
            .map(|(k, _)| k.to_string())
            .collect(),
        audience: "everyone".into(),
        repeats: "quarterly".into(),
        opens_on: iso_date(today),
        closes_on: iso_date(today + chrono::Days::new(13)),
        comment_question: "Anything else you'd like to tell us?".into(),
        ..PulseForm::default()
    };
    NewPage::new(&state, chrome, form, FieldErrors::new()).await
}

/// The new pulse form as sent (`starter`, `departments` and `offices` repeat).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewFields {
    title: String,
    starter: Vec<String>,
    own_1: String,
    own_2: String,
    comment_question: String,
    audience: String,
    departments: Vec<String>,
    offices: Vec<String>,
    repeats: String,
    opens_on: String,
    closes_on: String,
    results_public: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    chrome: Chrome,
    ListForm(fields): ListForm<NewFields>,
) -> AppResult<Response> {
    let form = PulseForm {
        title: fields.title,
        starter: fields.starter,
        own: [fields.own_1, fields.own_2],
        comment_question: fields.comment_question,
        audience: fields.audience,
        departments: fields.departments,
        offices: fields.offices,
        repeats: fields.repeats,
        opens_on: fields.opens_on,
        closes_on: fields.closes_on,
        results_public: fields.results_public.is_some(),
    };
    let now = Utc::now();
    match PulseInput::parse(&form, now.date_naive()) {
        Ok(input) => {
            let id = app::pulse::create(&state.pool, &state.config, actor, &input, now).await?;
            flash(&session, "success", "Pulse check created.").await?;
            Ok(Redirect::to(&format!("/admin/pulses/{id}")).into_response())
        }
        Err(errors) => {
            Ok(Invalid(NewPage::new(&state, chrome, form, errors).await?).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------
// Results

/// One statement's figures in one round.
pub struct StatementView {
    pub text: String,
    /// Per point of the scale: (label, count, percent).
    pub points: Vec<(&'static str, i64, i64)>,
    pub favourable: i64,
}

/// A group's row in the breakdown: the favourable share per statement, or hidden.
pub struct GroupRowView {
    pub label: String,
    pub respondents: Option<i64>,
    pub favourable: Vec<i64>,
}

pub struct RoundView {
    pub number: i32,
    pub dates: String,
    pub open: bool,
    pub invited: i32,
    /// While open: how many answered so far. Once closed: how many answered.
    pub answered: i64,
    /// None while open or under the threshold.
    pub statements: Option<Vec<StatementView>>,
    pub groups: Vec<GroupRowView>,
    pub comments: i64,
    pub comments_shown: bool,
    pub round_id: Uuid,
}

/// One statement's favourable share across the rounds with results.
pub struct TrendView {
    pub text: String,
    /// (round number, percent).
    pub points: Vec<(i32, i64)>,
    /// SVG polyline points in a 100 × 40 box.
    pub polyline: String,
}

pub struct Results {
    pub pulse_id: Uuid,
    pub title: String,
    pub audience: String,
    pub repeats: &'static str,
    pub statements: Vec<String>,
    pub comment_question: String,
    pub breakdown_title: &'static str,
    pub threshold: i64,
    pub rounds: Vec<RoundView>,
    pub trend: Vec<TrendView>,
    pub trend_rounds: Vec<i32>,
    pub stopped: bool,
    pub results_public: bool,
    pub has_open_round: bool,
}

fn statement_views(statements: &[String], overall: &GroupResult) -> Vec<StatementView> {
    statements
        .iter()
        .zip(&overall.counts)
        .map(|(text, counts)| {
            let total: i64 = counts.iter().sum();
            StatementView {
                text: text.clone(),
                points: SCALE
                    .iter()
                    .zip(counts)
                    .map(|(label, n)| {
                        (
                            *label,
                            *n,
                            crate::domain::insights::share_percent(*n, total),
                        )
                    })
                    .collect(),
                favourable: favourable_percent(counts),
            }
        })
        .collect()
}

/// The figures of every round, protected by the threshold (read from the stored results).
async fn results(state: &AppState, pulse: &Pulse) -> AppResult<Results> {
    let threshold = db::settings::get(&state.pool).await?.threshold();
    let rounds = db::pulse::rounds(&state.pool, pulse.id).await?;
    let stored = db::pulse::results(&state.pool, pulse.id).await?;
    let mut views = Vec::new();
    let mut shown_rounds: Vec<(i32, ShownRound)> = Vec::new();
    for round in &rounds {
        let dates = format!(
            "{} to {}",
            long_date(round.opens_on),
            long_date(round.closes_on)
        );
        if round.open {
            views.push(RoundView {
                number: round.number,
                dates,
                open: true,
                invited: round.invited,
                answered: db::pulse::answered_count(&state.pool, round.id).await?,
                statements: None,
                groups: Vec::new(),
                comments: 0,
                comments_shown: false,
                round_id: round.id,
            });
            continue;
        }
        let mut overall = GroupResult::tally("Everyone", pulse.statements.len(), []);
        let mut groups = Vec::new();
        for (round_id, grouping, group) in &stored {
            if *round_id != round.id {
                continue;
            }
            if grouping == "everyone" {
                overall = group.clone();
            } else {
                groups.push(group.clone());
            }
        }
        let answered = overall.respondents;
        let comments = overall.comments;
        let shown = protect_round(overall, groups, threshold);
        let view = RoundView {
            number: round.number,
            dates,
            open: false,
            invited: round.invited,
            answered,
            statements: shown
                .overall
                .as_ref()
                .map(|o| statement_views(&pulse.statements, o)),
            groups: shown
                .groups
                .iter()
                .map(|(label, g)| GroupRowView {
                    label: label.clone(),
                    respondents: g.as_ref().map(|g| g.respondents),
                    favourable: g
                        .as_ref()
                        .map(|g| g.counts.iter().map(favourable_percent).collect())
                        .unwrap_or_default(),
                })
                .collect(),
            comments,
            comments_shown: shown.comments_shown,
            round_id: round.id,
        };
        views.push(view);
        if shown.overall.is_some() {
            shown_rounds.push((round.number, shown));
        }
    }
    let trend_rounds: Vec<i32> = shown_rounds.iter().map(|(n, _)| *n).collect();
    let trend = pulse
        .statements
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let points: Vec<(i32, i64)> = shown_rounds
                .iter()
                .filter_map(|(n, s)| {
                    s.overall
                        .as_ref()
                        .and_then(|o| o.counts.get(i))
                        .map(|c| (*n, favourable_percent(c)))
                })
                .collect();
            TrendView {
                text: text.clone(),
                polyline: polyline(&points),
                points,
            }
        })
        .collect();
    views.reverse();
    Ok(Results {
        pulse_id: pulse.id,
        title: pulse.title.clone(),
        audience: pulse.audience.describe(),
        repeats: pulse.repeats.label(),
        statements: pulse.statements.clone(),
        comment_question: pulse.comment_question.clone(),
        breakdown_title: pulse.audience.breakdown().title(),
        threshold,
        has_open_round: rounds.iter().any(|r| r.open),
        rounds: views,
        trend,
        trend_rounds,
        stopped: pulse.stopped,
        results_public: pulse.results_public,
    })
}

/// A line through the percentages, evenly spaced, in a 100 × 40 box (0% at the bottom).
fn polyline(points: &[(i32, i64)]) -> String {
    if points.len() < 2 {
        return String::new();
    }
    let step = 100.0 / (points.len() - 1) as f64;
    points
        .iter()
        .enumerate()
        .map(|(i, (_, percent))| {
            let x = step * i as f64;
            let y = 40.0 - (*percent as f64) * 0.4;
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A pulse's favourable shares across its closed rounds, for HR's Insights page.
pub struct InsightsPulse {
    pub id: Uuid,
    pub title: String,
    pub rounds: Vec<i32>,
    pub trend: Vec<TrendView>,
}

/// The newest pulses' favourable share per statement across rounds, only for rounds with at
/// least `threshold` answers (from the stored round results).
pub async fn insights_trends(state: &AppState, threshold: i64) -> AppResult<Vec<InsightsPulse>> {
    let mut pulses: Vec<InsightsPulse> = Vec::new();
    let mut statements: Vec<Vec<String>> = Vec::new();
    let mut rounds: Vec<Vec<GroupResult>> = Vec::new();
    for round in db::pulse::overall_trends(&state.pool).await? {
        if round.overall.respondents < threshold {
            continue;
        }
        if pulses.last().is_none_or(|p| p.id != round.pulse_id) {
            pulses.push(InsightsPulse {
                id: round.pulse_id,
                title: round.title,
                rounds: Vec::new(),
                trend: Vec::new(),
            });
            statements.push(round.statements);
            rounds.push(Vec::new());
        }
        if let (Some(pulse), Some(figures)) = (pulses.last_mut(), rounds.last_mut()) {
            pulse.rounds.push(round.number);
            figures.push(round.overall);
        }
    }
    for ((pulse, texts), figures) in pulses.iter_mut().zip(statements).zip(rounds) {
        pulse.trend = texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let points: Vec<(i32, i64)> = pulse
                    .rounds
                    .iter()
                    .zip(&figures)
                    .filter_map(|(n, o)| o.counts.get(i).map(|c| (*n, favourable_percent(c))))
                    .collect();
                TrendView {
                    text,
                    polyline: polyline(&points),
                    points,
                }
            })
            .collect();
    }
    Ok(pulses)
}

#[derive(Template, WebTemplate)]
#[template(path = "pulse/results.html")]
pub struct ResultsPage {
    pub chrome: Chrome,
    pub results: Results,
    /// HR's view (actions, comments, download); false for everyone's view.
    pub admin: bool,
    pub comments: Vec<String>,
    /// The next page of comments, when there is one.
    pub more_comments: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentsQuery {
    after: String,
}

/// Comments shown at once.
const COMMENTS_PAGE: i64 = 30;

pub async fn admin_results(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    PathId(id): PathId,
    Query(query): Query<CommentsQuery>,
) -> AppResult<ResultsPage> {
    let pulse = db::pulse::find(&state.pool, id).await?.or_404()?;
    let results = results(&state, &pulse).await?;
    // The comments of the latest closed round with enough of them, in their random order.
    let mut comments = Vec::new();
    let mut more_comments = None;
    if let Some(round) = results
        .rounds
        .iter()
        .find(|r| !r.open && r.statements.is_some())
        && round.comments_shown
    {
        let after = Uuid::parse_str(&query.after).ok();
        let mut page =
            db::pulse::comments(&state.pool, round.round_id, after, COMMENTS_PAGE + 1).await?;
        if page.len() as i64 > COMMENTS_PAGE {
            page.truncate(COMMENTS_PAGE as usize);
            more_comments = page.last().map(|(id, _)| id.to_string());
        }
        comments = page.into_iter().map(|(_, text)| text).collect();
    }
    Ok(ResultsPage {
        chrome: chrome.at("insights"),
        results,
        admin: true,
        comments,
        more_comments,
    })
}

/// Everyone's view of a pulse's results, when HR chose to share them.
pub async fn shared_results(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<ResultsPage> {
    let pulse = db::pulse::find(&state.pool, id).await?.or_404()?;
    if !pulse.results_public {
        return Err(AppError::NotFound);
    }
    Ok(ResultsPage {
        chrome: chrome.at("home"),
        results: results(&state, &pulse).await?,
        admin: false,
        comments: Vec::new(),
        more_comments: None,
    })
}

/// Every figure the results page shows, as CSV (aggregates only, the same protection).
pub async fn export(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    PathId(id): PathId,
) -> AppResult<Response> {
    let pulse = db::pulse::find(&state.pool, id).await?.or_404()?;
    let results = results(&state, &pulse).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "round".to_string(),
        "dates".into(),
        "group".into(),
        "people answered".into(),
        "statement".into(),
    ];
    header.extend(SCALE.iter().map(|s| s.to_lowercase()));
    header.push("favourable %".into());
    let csv_err = |e: csv::Error| AppError::Internal(anyhow::anyhow!(e));
    writer.write_record(&header).map_err(csv_err)?;
    for round in results.rounds.iter().rev() {
        let Some(statements) = &round.statements else {
            continue;
        };
        for statement in statements {
            let mut record = vec![
                round.number.to_string(),
                round.dates.clone(),
                "Everyone".to_string(),
                round.answered.to_string(),
                csv_safe::cell(&statement.text).into_owned(),
            ];
            record.extend(statement.points.iter().map(|(_, n, _)| n.to_string()));
            record.push(statement.favourable.to_string());
            writer.write_record(&record).map_err(csv_err)?;
        }
        for group in &round.groups {
            let Some(respondents) = group.respondents else {
                continue;
            };
            for (text, favourable) in results.statements.iter().zip(&group.favourable) {
                let mut record = vec![
                    round.number.to_string(),
                    round.dates.clone(),
                    csv_safe::cell(&group.label).into_owned(),
                    respondents.to_string(),
                    csv_safe::cell(text).into_owned(),
                ];
                record.extend(std::iter::repeat_n(String::new(), 5));
                record.push(favourable.to_string());
                writer.write_record(&record).map_err(csv_err)?;
            }
        }
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(super::files::attachment(
        "text/csv; charset=utf-8",
        "pulse-results.csv",
        body,
    ))
}

pub async fn close(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    app::pulse::close_now(&state.pool, actor, id).await?;
    flash(
        &session,
        "success",
        "The round is closed and its results are worked out.",
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/pulses/{id}")).into_response())
}

pub async fn stop(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    app::pulse::stop(&state.pool, actor, id).await?;
    flash(
        &session,
        "success",
        "The pulse is stopped: no more rounds will open.",
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/pulses/{id}")).into_response())
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/pulse/rounds/{id}", answer_page)
        .post("/pulse/rounds/{id}", answer)
        .get("/pulse/results/{id}", shared_results)
        .get("/admin/pulses", list)
        .get("/admin/pulses/new", new_page)
        .post("/admin/pulses", create)
        .get("/admin/pulses/{id}", admin_results)
        .get("/admin/pulses/{id}/results.csv", export)
        .post("/admin/pulses/{id}/close", close)
        .post("/admin/pulses/{id}/stop", stop)
}
