//! Nominating a colleague: finding them, the form, and sending it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use super::ColleagueView;
use crate::app::recognition::{self as use_case, Nominated};
use crate::db::{self, recognition as store};
use crate::domain::FieldErrors;
use crate::domain::people::Person;
use crate::domain::recognition::{
    self as rules, Behaviour, Nomination, NominationForm, RecipientFacts, Refusal, STORY_MAX,
    STORY_MIN, STORY_PROMPTS, Status, TIMELY_DAYS, Visibility,
};
use crate::domain::time;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::errors::PlainBody;
use crate::web::extract::{Invalid, ListForm};
use crate::web::guards::CurrentUser;

const SEARCH_LIMIT: i64 = 20;

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    to: String,
    /// Words and a date to start from (a journal entry turned into a recognition).
    #[serde(default)]
    story: String,
    #[serde(default)]
    happened_on: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/new.html")]
pub struct NewPage {
    pub chrome: Chrome,
    pub q: String,
    pub results: Option<Vec<ColleagueView>>,
    /// The colleague being recognised, once chosen.
    pub recipient: Option<ColleagueView>,
    /// Why the link's colleague can't be chosen.
    pub recipient_problem: Option<String>,
    pub behaviours: Vec<Behaviour>,
    pub form: NominationForm,
    pub errors: FieldErrors,
    pub submission_key: Uuid,
    pub today: String,
    pub prompts: [&'static str; 3],
    pub story_min: usize,
    pub story_max: usize,
    pub timely_days: i64,
    pub weekly_limit: i32,
    /// Set when the weekly limit is reached: when it reopens.
    pub limit_reached: Option<String>,
    pub requires_approval: bool,
    /// The prefilled story and date carried from the search to the chosen colleague
    /// (`&story=...&happened_on=...`, empty when nothing was prefilled).
    pub prefill: String,
}

impl NewPage {
    pub fn is_chosen(&self, id: &Uuid) -> bool {
        self.form.behaviours.iter().any(|b| *b == id.to_string())
    }
}

/// What the form shows: the search, the chosen colleague and what was typed.
struct Draft {
    q: String,
    recipient: Option<ColleagueView>,
    form: NominationForm,
    errors: FieldErrors,
    submission_key: Uuid,
}

/// When the weekly limit reopens for this person, as they read it; `None` when open.
async fn limit_reopens(
    state: &AppState,
    person: &Person,
    limit: i32,
    now: DateTime<Utc>,
) -> AppResult<Option<String>> {
    let since = now - Duration::days(rules::LIMIT_WINDOW_DAYS);
    let recent = store::nomination_times(&state.pool, person.id, since).await?;
    Ok(rules::weekly_limit_reopens(&recent, limit, now)
        .map(|at| time::local_date_time(at, person.time_zone)))
}

async fn search(state: &AppState, q: &str, person: &Person) -> AppResult<Vec<ColleagueView>> {
    let found = store::search_colleagues(&state.pool, q, person.id, SEARCH_LIMIT).await?;
    Ok(found
        .into_iter()
        .map(|p| ColleagueView {
            id: p.id,
            name: p.name,
            department: p.department,
            office: p.office,
        })
        .collect())
}

async fn new_page(
    state: &AppState,
    person: &Person,
    chrome: Chrome,
    draft: Draft,
) -> AppResult<NewPage> {
    let now = Utc::now();
    let settings = db::settings::get(&state.pool).await?;
    let behaviours = store::behaviours(&state.pool)
        .await?
        .into_iter()
        .filter(|b| !b.retired)
        .collect();
    let results = if draft.recipient.is_none() && !draft.q.trim().is_empty() {
        Some(search(state, &draft.q, person).await?)
    } else {
        None
    };
    let limit = settings.recognition_weekly_limit;
    Ok(NewPage {
        chrome: chrome.at("recognition"),
        q: draft.q,
        results,
        recipient: draft.recipient,
        recipient_problem: None,
        behaviours,
        form: draft.form,
        errors: draft.errors,
        submission_key: draft.submission_key,
        today: time::iso_date(time::today_in(person.time_zone, now)),
        prompts: STORY_PROMPTS,
        story_min: STORY_MIN,
        story_max: STORY_MAX,
        timely_days: TIMELY_DAYS,
        weekly_limit: limit,
        limit_reached: limit_reopens(state, person, limit, now).await?,
        requires_approval: settings.recognition_requires_approval,
        prefill: String::new(),
    })
}

fn facts(person: &Person) -> RecipientFacts {
    RecipientFacts {
        id: person.id,
        name: person.display_name.clone(),
        active: person.active,
    }
}

/// Step one: find the colleague (`?q=`); step two: the form for them (`?to=`).
pub async fn new(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<NewQuery>,
) -> AppResult<Response> {
    let (q, search_problem) = match rules::parse_search(&query.q) {
        Ok(q) => (q, None),
        Err(message) => (String::new(), Some(message)),
    };
    let mut problem = None;
    let mut recipient = None;
    if let Ok(id) = Uuid::parse_str(query.to.trim()) {
        let found = db::people::find(&state.pool, id).await?;
        let facts = found.as_ref().map(facts);
        match rules::check_rules(person.id, facts.as_ref(), &[], i32::MAX, vec![], Utc::now()) {
            Ok(()) => recipient = found.as_ref().map(ColleagueView::of),
            Err(refusal) => problem = Some(refusal.message("")),
        }
    }
    let form = NominationForm {
        recipient: recipient
            .as_ref()
            .map(|r| r.id.to_string())
            .unwrap_or_default(),
        visibility: "wall".into(),
        // Only text the form could hold: the story's limit and no control characters but
        // line breaks (the form checks it all again when sent).
        story: query
            .story
            .chars()
            .filter(|c| !c.is_control() || *c == '\n')
            .take(STORY_MAX)
            .collect(),
        happened_on: chrono::NaiveDate::parse_from_str(query.happened_on.trim(), "%Y-%m-%d")
            .map(time::iso_date)
            .unwrap_or_default(),
        ..NominationForm::default()
    };
    let prefill = if form.story.is_empty() && form.happened_on.is_empty() {
        String::new()
    } else {
        url::form_urlencoded::Serializer::new(String::from("&"))
            .append_pair("story", &form.story)
            .append_pair("happened_on", &form.happened_on)
            .finish()
    };
    let draft = Draft {
        q,
        recipient,
        form,
        errors: FieldErrors::new(),
        submission_key: Uuid::new_v4(),
    };
    let mut page = new_page(&state, &person, chrome, draft).await?;
    page.recipient_problem = problem;
    page.prefill = prefill;
    if let Some(message) = search_problem {
        // Show what was typed, without the characters that can't be shown.
        page.q = query
            .q
            .chars()
            .filter(|c| !c.is_control())
            .take(rules::SEARCH_MAX)
            .collect();
        page.errors.add("q", message);
        return Ok(Invalid(page).into_response());
    }
    Ok(page.into_response())
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// Why a search for the script was refused.
#[derive(Serialize)]
pub struct SearchProblem {
    pub error: String,
}

/// Colleagues matching a name, as JSON for the search-as-you-type script. A search that
/// can't match a name (a control character) is a 422 with the reason.
pub async fn colleagues(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    Query(query): Query<SearchQuery>,
) -> AppResult<Response> {
    let q = match rules::parse_search(&query.q) {
        Ok(q) => q,
        Err(error) => {
            // Kept as JSON (not turned into an error page) for the script.
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Extension(PlainBody),
                Json(SearchProblem { error }),
            )
                .into_response());
        }
    };
    if q.is_empty() {
        return Ok(Json(Vec::<ColleagueView>::new()).into_response());
    }
    Ok(Json(search(&state, &q, &person).await?).into_response())
}

/// The nomination form as sent (`behaviours` repeats), with its submission key.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NominationFields {
    recipient: String,
    behaviours: Vec<String>,
    story: String,
    happened_on: String,
    visibility: String,
    submission_key: String,
}

/// The thank-you after sending, saying where the recognition is now.
fn thank_you(status: Status, visibility: Visibility, name: &str) -> String {
    match (status, visibility) {
        (Status::Pending, _) => format!(
            "Thank you. An HR admin will review your recognition of {name} before it's published. You'll find its status under \u{201c}Given\u{201d}."
        ),
        (_, Visibility::Wall) => format!("Thank you. Your recognition of {name} is on the wall."),
        (_, Visibility::Private) => {
            format!("Thank you. Your recognition is with {name}, privately.")
        }
    }
}

impl NominationFields {
    /// The form as typed, and the submission key (a new one when it was lost).
    fn into_form(self) -> (NominationForm, Uuid) {
        let key = Uuid::parse_str(self.submission_key.trim()).unwrap_or_else(|_| Uuid::new_v4());
        let form = NominationForm {
            recipient: self.recipient,
            behaviours: self.behaviours,
            story: self.story,
            happened_on: self.happened_on,
            visibility: self.visibility,
        };
        (form, key)
    }
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    ListForm(fields): ListForm<NominationFields>,
) -> AppResult<Response> {
    let (form, submission_key) = fields.into_form();
    let now = Utc::now();
    let choosable: Vec<Uuid> = store::behaviours(&state.pool)
        .await?
        .into_iter()
        .filter(|b| !b.retired)
        .map(|b| b.id)
        .collect();
    let today = time::today_in(person.time_zone, now);
    let nomination = match Nomination::parse(&form, today, &choosable) {
        Ok(nomination) => nomination,
        Err(errors) => {
            return show_again(&state, &person, chrome, form, errors, submission_key).await;
        }
    };
    let (pool, config) = (&state.pool, &state.config);
    match use_case::nominate(pool, config, &person, &nomination, submission_key, now).await? {
        Nominated::AlreadySent(id) => {
            Ok(Redirect::to(&format!("/recognition/{id}")).into_response())
        }
        Nominated::Sent {
            id,
            status,
            recipient,
        } => {
            let message = thank_you(status, nomination.visibility, &recipient);
            flash(&session, "success", message).await?;
            Ok(Redirect::to(&format!("/recognition/{id}")).into_response())
        }
        Nominated::Refused(refusal) => {
            let errors = refusal_errors(&refusal, &person);
            show_again(&state, &person, chrome, form, errors, submission_key).await
        }
    }
}

/// The form shown again with what was typed; the colleague stays chosen if they can be.
async fn show_again(
    state: &AppState,
    person: &Person,
    chrome: Chrome,
    form: NominationForm,
    errors: FieldErrors,
    submission_key: Uuid,
) -> AppResult<Response> {
    let chosen = match Uuid::parse_str(form.recipient.trim()) {
        Ok(id) => db::people::find(&state.pool, id).await?,
        Err(_) => None,
    };
    let recipient = chosen
        .as_ref()
        .filter(|p| p.active && p.id != person.id)
        .map(ColleagueView::of);
    let draft = Draft {
        q: String::new(),
        recipient,
        form,
        errors,
        submission_key,
    };
    Ok(Invalid(new_page(state, person, chrome, draft).await?).into_response())
}

fn refusal_errors(refusal: &Refusal, person: &Person) -> FieldErrors {
    let opens = match refusal {
        Refusal::WeeklyLimit { opens_at, .. } => time::local_date_time(*opens_at, person.time_zone),
        _ => String::new(),
    };
    let mut errors = FieldErrors::new();
    errors.add(refusal.field(), refusal.message(&opens));
    errors
}
