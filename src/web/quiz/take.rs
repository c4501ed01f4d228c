//! Taking the quiz: the questionnaire with save-and-continue, and submitting it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;
use uuid::Uuid;

use crate::app;
use crate::db;
use crate::domain::quiz::{self, RawAnswers};
use crate::domain::teq::{self, Answers, ITEMS, IncompleteAnswers, Response as Choice};
use crate::domain::time::local_date;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::Invalid;
use crate::web::guards::CurrentUser;

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
