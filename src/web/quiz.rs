//! The baseline quiz: take it (with save-and-continue), see private results, track progress.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::charts::{self, BarChart, LineChart};
use super::chrome::{Chrome, flash};
use super::extract::{Invalid, PathId};
use super::guards::CurrentUser;
use super::resources::{RecommendationView, recommendations};
use crate::app;
use crate::db;
use crate::domain::people::Person;
use crate::domain::quiz::{self, Attempt, RawAnswers};
use crate::domain::teq::{self, Answers, Aspect, ITEMS, IncompleteAnswers, Response as Choice};
use crate::domain::time::local_date;
use crate::error::{AppError, AppResult, OrNotFound};

/// At most this many attempts are listed (more than a decade of monthly retakes).
const HISTORY_LIMIT: i64 = 120;

/// One item of the questionnaire as the form shows it.
pub struct ItemView {
    pub number: u8,
    pub text: &'static str,
    pub selected: Option<u8>,
    pub missing: bool,
}

impl ItemView {
    /// Whether this answer is the one selected.
    pub fn is(&self, value: &u8) -> bool {
        self.selected == Some(*value)
    }
}

pub struct ChoiceView {
    pub value: u8,
    pub label: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "quiz/take.html")]
pub struct TakePage {
    pub chrome: Chrome,
    pub citation: &'static str,
    pub instructions: &'static str,
    pub items: Vec<ItemView>,
    pub choices: Vec<ChoiceView>,
    pub answered: usize,
    pub submission_key: Uuid,
    /// Set after a submission with items unanswered or invalid.
    pub problem: Option<String>,
    pub missing: Vec<u8>,
    /// When a retake is not open yet: the date it opens and the latest attempt.
    pub opens_on: Option<String>,
    pub latest: Option<Uuid>,
    pub has_attempts: bool,
}

impl TakePage {
    fn new(chrome: Chrome, raw: &RawAnswers, missing: &[u8]) -> Self {
        TakePage {
            chrome: chrome.at("quiz"),
            citation: teq::CITATION,
            instructions: teq::INSTRUCTIONS,
            items: ITEMS
                .iter()
                .zip(raw)
                .map(|(item, value)| ItemView {
                    number: item.number,
                    text: item.text,
                    selected: value.filter(|v| (0..=4).contains(v)).map(|v| v as u8),
                    missing: missing.contains(&item.number),
                })
                .collect(),
            choices: Choice::ALL
                .iter()
                .map(|c| ChoiceView {
                    value: c.value(),
                    label: c.label(),
                })
                .collect(),
            answered: quiz::answered_count(raw),
            submission_key: Uuid::new_v4(),
            problem: None,
            missing: missing.to_vec(),
            opens_on: None,
            latest: None,
            has_attempts: false,
        }
    }

    /// The form shown again after a submission with items unanswered or invalid, keeping its
    /// submission key.
    fn incomplete(
        chrome: Chrome,
        raw: &RawAnswers,
        incomplete: &IncompleteAnswers,
        submission_key: Option<Uuid>,
    ) -> Self {
        let mut missing = incomplete.missing.clone();
        missing.extend(&incomplete.invalid);
        missing.sort_unstable();
        let mut page = TakePage::new(chrome, raw, &missing);
        page.problem = Some(incomplete.to_string());
        if let Some(key) = submission_key {
            page.submission_key = key;
        }
        page
    }
}

fn draft_to_raw(draft: Option<[Option<i16>; 16]>) -> RawAnswers {
    draft
        .map(|values| values.map(|v| v.map(i64::from)))
        .unwrap_or([None; 16])
}

pub async fn take(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<TakePage> {
    let settings = db::settings::get(&state.pool).await?;
    let latest = db::quiz::latest(&state.pool, person.id).await?;
    let raw = draft_to_raw(db::quiz::draft(&state.pool, person.id).await?);
    let mut page = TakePage::new(chrome, &raw, &[]);
    page.has_attempts = latest.is_some();
    if let Err(opens) = quiz::may_take(
        latest.as_ref().map(|a| a.taken_at),
        settings.retake_interval_days,
        Utc::now(),
    ) {
        page.opens_on = Some(local_date(opens, person.time_zone));
        page.latest = latest.map(|a| a.id);
    }
    Ok(page)
}

pub async fn submit(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let raw = quiz::answers_from_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let submission_key = field("submission_key").and_then(|k| Uuid::parse_str(k).ok());

    // Whatever happens next, the valid answers given so far are kept.
    db::quiz::save_draft(&state.pool, person.id, &quiz::draft_values(&raw)).await?;
    if field("action") == Some("save") {
        let message = format!(
            "Your answers are saved ({} of 16). Come back to this page any time to finish.",
            quiz::answered_count(&raw)
        );
        flash(&session, "success", message).await?;
        return Ok(Redirect::to("/quiz").into_response());
    }
    let answers = match Answers::parse(&raw) {
        Ok(answers) => answers,
        Err(incomplete) => {
            let page = TakePage::incomplete(chrome, &raw, &incomplete, submission_key);
            return Ok(Invalid(page).into_response());
        }
    };
    let key = submission_key.unwrap_or_else(Uuid::new_v4);
    let submitted = app::quiz::submit(&state.pool, &person, &answers, key, Utc::now()).await?;
    if submitted.created {
        flash(&session, "success", "Thank you. Here are your results.").await?;
    }
    Ok(Redirect::to(&format!("/quiz/attempts/{}", submitted.attempt_id)).into_response())
}

/// An aspect with its explanation, for the results page.
pub struct AspectView {
    pub name: &'static str,
    pub slug: &'static str,
    pub summary: &'static str,
    pub practice: &'static str,
    pub mean: String,
    pub percent: u8,
}

#[derive(Template, WebTemplate)]
#[template(path = "quiz/results.html")]
pub struct ResultsPage {
    pub chrome: Chrome,
    pub attempt: Attempt,
    pub taken_on: String,
    pub reading: &'static str,
    pub chart: BarChart,
    pub aspects: Vec<AspectView>,
    pub change: Option<String>,
    pub weakest: &'static str,
    /// Recommendations from the person's latest result.
    pub recommendations: Vec<RecommendationView>,
    pub is_latest: bool,
    pub return_to: String,
}

async fn own_attempt(state: &AppState, person: &Person, id: Uuid) -> AppResult<Attempt> {
    db::quiz::find_own(&state.pool, person.id, id)
        .await?
        .or_404()
}

pub async fn results(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<ResultsPage> {
    let attempt = own_attempt(&state, &person, id).await?;
    let previous = db::quiz::previous(&state.pool, person.id, attempt.taken_at).await?;
    let aspects = attempt
        .aspects
        .iter()
        .map(|score| AspectView {
            name: score.aspect.name(),
            slug: score.aspect.slug(),
            summary: score.aspect.summary(),
            practice: score.aspect.practice(),
            mean: format!("{:.1}", score.mean),
            percent: score.percent,
        })
        .collect();
    let weakest = weakest_aspect(&attempt).name();
    let latest = db::quiz::latest(&state.pool, person.id).await?;
    let recommendations = recommendations(&state.pool, &person, latest.as_ref()).await?;
    Ok(ResultsPage {
        recommendations,
        is_latest: latest.is_some_and(|l| l.id == attempt.id),
        return_to: format!("/quiz/attempts/{}", attempt.id),
        chrome: chrome.at("quiz"),
        taken_on: local_date(attempt.taken_at, person.time_zone),
        reading: teq::describe_total(attempt.total),
        chart: charts::aspect_bars(&attempt.aspects),
        aspects,
        change: previous.map(|p| attempt.change_since(&p).describe()),
        weakest,
        attempt,
    })
}

fn weakest_aspect(attempt: &Attempt) -> Aspect {
    teq::Score {
        total: attempt.total,
        aspects: attempt.aspects,
    }
    .weakest_first()[0]
        .aspect
}

pub struct HistoryRow {
    pub id: Uuid,
    pub date: String,
    pub total: u8,
    pub percents: Vec<u8>,
    pub change: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "quiz/history.html")]
pub struct HistoryPage {
    pub chrome: Chrome,
    pub rows: Vec<HistoryRow>,
    pub chart: Option<LineChart>,
    pub aspect_names: Vec<&'static str>,
}

pub async fn history(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<HistoryPage> {
    let attempts = db::quiz::history(&state.pool, person.id, HISTORY_LIMIT).await?;
    let dated: Vec<(String, u8)> = attempts
        .iter()
        .map(|a| (local_date(a.taken_at, person.time_zone), a.total))
        .collect();
    let mut rows: Vec<HistoryRow> = attempts
        .iter()
        .enumerate()
        .map(|(i, attempt)| HistoryRow {
            id: attempt.id,
            date: dated[i].0.clone(),
            total: attempt.total,
            percents: attempt.aspects.iter().map(|a| a.percent).collect(),
            change: i
                .checked_sub(1)
                .map(|prev| attempt.change_since(&attempts[prev]).describe()),
        })
        .collect();
    rows.reverse();
    Ok(HistoryPage {
        chrome: chrome.at("quiz"),
        chart: charts::totals_line(&dated),
        rows,
        aspect_names: Aspect::ALL.iter().map(|a| a.name()).collect(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "quiz/delete.html")]
pub struct DeletePage {
    pub chrome: Chrome,
    pub attempt: Attempt,
    pub taken_on: String,
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<DeletePage> {
    let attempt = own_attempt(&state, &person, id).await?;
    Ok(DeletePage {
        chrome: chrome.at("quiz"),
        taken_on: local_date(attempt.taken_at, person.time_zone),
        attempt,
    })
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    if !db::quiz::delete_own(&state.pool, person.id, id).await? {
        return Err(AppError::NotFound);
    }
    flash(
        &session,
        "success",
        "That attempt has been deleted. It no longer counts anywhere, including in any group figures.",
    )
    .await?;
    Ok(Redirect::to("/quiz/history"))
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/quiz", take)
        .post("/quiz", submit)
        .get("/quiz/history", history)
        .get("/quiz/attempts/{id}", results)
        .get("/quiz/attempts/{id}/delete", confirm_delete)
        .post("/quiz/attempts/{id}/delete", delete)
}
