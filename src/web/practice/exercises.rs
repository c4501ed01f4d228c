//! Perspective exercises: publishing one (organizers and HR), doing it, reflecting privately
//! and adding a takeaway to the anonymous board.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::ASPECTS;
use crate::app::practice as use_case;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::insights::ANONYMITY_THRESHOLD;
use crate::domain::practice::{
    self as rules, Exercise, ExerciseForm, ExerciseInput, Format, PROMPTS_MAX,
};
use crate::domain::resources::PlanStatus;
use crate::domain::teq::Aspect;
use crate::domain::time;
use crate::error::{AppResult, OrNotFound};
use crate::web::AppState;
use crate::web::audit::Acting;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, ListForm, PathId};
use crate::web::guards::{CurrentUser, Organizer};

/// The exercise form page (a new exercise, or a role story being published).
#[derive(Template, WebTemplate)]
#[template(path = "practice/exercise_form.html")]
pub struct FormPage {
    pub chrome: Chrome,
    pub form: ExerciseForm,
    pub errors: FieldErrors,
    pub formats: [Format; 3],
    pub aspects: [Aspect; 4],
    /// Where the form posts.
    pub action: String,
    pub heading: String,
    /// The story being published, shown above the form.
    pub story: Option<crate::domain::practice::RoleStory>,
    /// HR's reason for declining the story, as typed, and its problem.
    pub reason: String,
    pub reason_error: Option<String>,
}

impl FormPage {
    pub fn new(chrome: Chrome, form: ExerciseForm, errors: FieldErrors) -> Self {
        FormPage {
            chrome: chrome.at("practice"),
            form,
            errors,
            formats: Format::ALL,
            aspects: ASPECTS,
            action: "/practice/exercises".into(),
            heading: "Publish a perspective exercise".into(),
            story: None,
            reason: String::new(),
            reason_error: None,
        }
    }

    pub fn prompt(&self, n: &usize) -> &str {
        match *n {
            1 => &self.form.prompt1,
            2 => &self.form.prompt2,
            3 => &self.form.prompt3,
            _ => &self.form.prompt4,
        }
    }

    pub fn prompt_numbers(&self) -> std::ops::RangeInclusive<usize> {
        1..=PROMPTS_MAX
    }
}

pub async fn new_page(Organizer(_): Organizer, chrome: Chrome) -> FormPage {
    let form = ExerciseForm {
        format: "film".into(),
        minutes: "15".into(),
        ..ExerciseForm::default()
    };
    FormPage::new(chrome, form, FieldErrors::new())
}

pub async fn create(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    Acting(actor): Acting,
    session: Session,
    chrome: Chrome,
    ListForm(form): ListForm<ExerciseForm>,
) -> AppResult<Response> {
    let input = match ExerciseInput::parse(&form) {
        Ok(input) => input,
        Err(errors) => return Ok(Invalid(FormPage::new(chrome, form, errors)).into_response()),
    };
    let id = use_case::publish_exercise(&state.pool, actor, &input, None).await?;
    flash(
        &session,
        "success",
        format!("\u{201c}{}\u{201d} is published: it's in the library and recommended to people it fits.", input.title),
    )
    .await?;
    Ok(Redirect::to(&rules::exercise_path(id)).into_response())
}

/// One question with what the person wrote.
pub struct Question {
    pub number: usize,
    pub prompt: String,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "practice/exercise.html")]
pub struct ExercisePage {
    pub chrome: Chrome,
    pub exercise: Exercise,
    pub questions: Vec<Question>,
    pub errors: FieldErrors,
    pub done: bool,
    pub gave_takeaway: bool,
    pub takeaway: String,
    pub board_count: i64,
    pub board: Vec<String>,
    pub threshold: i64,
}

impl ExercisePage {
    /// Loads the page for `person`, with `typed` reflections (or their saved ones).
    async fn load(
        state: &AppState,
        chrome: Chrome,
        person: uuid::Uuid,
        exercise: Exercise,
        typed: Option<(Vec<String>, FieldErrors)>,
    ) -> AppResult<ExercisePage> {
        let prompts = exercise.prompts.len();
        let (values, errors) = match typed {
            Some(typed) => typed,
            None => (
                db::practice::reflections(&state.pool, person, exercise.id, prompts)
                    .await?
                    .0,
                FieldErrors::new(),
            ),
        };
        let statuses = db::resources::plan_statuses(&state.pool, person, &[exercise.id]).await?;
        let gave_takeaway = db::practice::gave_takeaway(&state.pool, exercise.id, person).await?;
        let (board_count, board) = use_case::board(&state.pool, exercise.id).await?;
        let questions = exercise
            .prompts
            .iter()
            .enumerate()
            .map(|(i, prompt)| {
                let field = format!("reflection{}", i + 1);
                Question {
                    number: i + 1,
                    prompt: prompt.clone(),
                    value: values.get(i).cloned().unwrap_or_default(),
                    error: errors.get(&field).map(str::to_string),
                }
            })
            .collect();
        Ok(ExercisePage {
            chrome: chrome.at("practice"),
            done: statuses.get(&exercise.id) == Some(&PlanStatus::Done),
            exercise,
            questions,
            errors,
            gave_takeaway,
            takeaway: String::new(),
            board_count,
            board,
            threshold: ANONYMITY_THRESHOLD,
        })
    }
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<ExercisePage> {
    let exercise = db::practice::find_exercise(&state.pool, id)
        .await?
        .or_404()?;
    ExercisePage::load(&state, chrome, person.id, exercise, None).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReflectionFields {
    reflection1: String,
    reflection2: String,
    reflection3: String,
    reflection4: String,
}

pub async fn reflect(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(fields): Form<ReflectionFields>,
) -> AppResult<Response> {
    let exercise = db::practice::find_exercise(&state.pool, id)
        .await?
        .or_404()?;
    let typed = vec![
        fields.reflection1,
        fields.reflection2,
        fields.reflection3,
        fields.reflection4,
    ];
    let prompts = exercise.prompts.len();
    let reflections = match rules::parse_reflections(&typed, prompts) {
        Ok(reflections) => reflections,
        Err(errors) => {
            let typed = typed.into_iter().take(prompts).collect();
            let page =
                ExercisePage::load(&state, chrome, person.id, exercise, Some((typed, errors)));
            return Ok(Invalid(page.await?).into_response());
        }
    };
    let today = time::today_in(person.time_zone, Utc::now());
    let complete = use_case::reflect(&state.pool, &person, &exercise, &reflections, today).await?;
    let message = if complete {
        "Your reflections are saved, and the exercise is marked done in your plan. Only you can read them."
    } else {
        "Your reflections are saved. Only you can read them; come back to the other questions whenever you like."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&format!("{}#reflections", exercise.path())).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TakeawayFields {
    takeaway: String,
}

pub async fn takeaway(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(fields): Form<TakeawayFields>,
) -> AppResult<Response> {
    let exercise = db::practice::find_exercise(&state.pool, id)
        .await?
        .or_404()?;
    let body = match rules::parse_takeaway(&fields.takeaway) {
        Ok(body) => body,
        Err(problem) => {
            let mut page = ExercisePage::load(&state, chrome, person.id, exercise, None).await?;
            page.errors.add("takeaway", problem);
            page.takeaway = fields.takeaway;
            return Ok(Invalid(page).into_response());
        }
    };
    let added = use_case::add_takeaway(&state.pool, &person, exercise.id, &body).await?;
    let message = if added {
        "Your takeaway is on the board, without your name."
    } else {
        "You've already added a takeaway to this board (one each)."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&format!("{}#board", exercise.path())).into_response())
}
