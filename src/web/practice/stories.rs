//! "What you don't see about my work": people share a story of their role; HR reviews it and
//! publishes it as an exercise (named or anonymous, as the author chose) or declines it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::exercises::FormPage;
use crate::app::practice as use_case;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::practice::{
    self as rules, ExerciseForm, ExerciseInput, RoleStory, StoryForm, StoryInput, StoryStatus,
    parse_decline_reason,
};
use crate::error::{AppError, AppResult, OrNotFound};
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, ListForm, PathId};
use crate::web::guards::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "practice/stories.html")]
pub struct StoriesPage {
    pub chrome: Chrome,
    pub stories: Vec<RoleStory>,
    pub form: StoryForm,
    pub errors: FieldErrors,
}

impl StoriesPage {
    async fn load(
        state: &AppState,
        chrome: Chrome,
        person: uuid::Uuid,
        form: StoryForm,
        errors: FieldErrors,
    ) -> AppResult<StoriesPage> {
        Ok(StoriesPage {
            chrome: chrome.at("practice"),
            stories: db::practice::stories_of(&state.pool, person).await?,
            form,
            errors,
        })
    }
}

pub fn exercise_link(story: &RoleStory) -> Option<String> {
    story.exercise_id.map(rules::exercise_path)
}

pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<StoriesPage> {
    StoriesPage::load(
        &state,
        chrome,
        person.id,
        StoryForm::default(),
        FieldErrors::new(),
    )
    .await
}

pub async fn submit(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    Form(form): Form<StoryForm>,
) -> AppResult<Response> {
    let input = match StoryInput::parse(&form) {
        Ok(input) => input,
        Err(errors) => {
            let page = StoriesPage::load(&state, chrome, person.id, form, errors);
            return Ok(Invalid(page.await?).into_response());
        }
    };
    use_case::submit_story(&state.pool, &person, &input).await?;
    flash(
        &session,
        "success",
        "Thank you for sharing your story. HR will read it and tell you here whether it's published.",
    )
    .await?;
    Ok(Redirect::to("/practice/stories").into_response())
}

/// HR's review page: the story, the exercise form prefilled with it, and the decline form.
fn review_page(
    chrome: Chrome,
    story: RoleStory,
    form: ExerciseForm,
    errors: FieldErrors,
) -> FormPage {
    let mut page = FormPage::new(chrome, form, errors);
    page.chrome = page.chrome.at("admin");
    page.action = format!("/admin/practice/stories/{}/publish", story.id);
    page.heading = format!("Publish \u{201c}{}\u{201d} as an exercise", story.title);
    page.story = Some(story);
    page
}

fn story_form(story: &RoleStory) -> ExerciseForm {
    ExerciseForm {
        title: story.title.clone(),
        format: "story".into(),
        text_alternative: story.body.clone(),
        minutes: "10".into(),
        prompt1: "What in this story did you not know before?".into(),
        prompt2: "What would you ask this colleague, or do differently, now that you know?".into(),
        ..ExerciseForm::default()
    }
}

async fn waiting(state: &AppState, id: uuid::Uuid) -> AppResult<RoleStory> {
    let story = db::practice::find_story(&state.pool, id).await?.or_404()?;
    if story.status != StoryStatus::Submitted {
        return Err(AppError::Conflict(format!(
            "This story has already been decided on ({}).",
            story.status.label().to_lowercase()
        )));
    }
    Ok(story)
}

pub async fn review(
    State(state): State<AppState>,
    HrActor(..): HrActor,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<FormPage> {
    let story = waiting(&state, id).await?;
    let form = story_form(&story);
    Ok(review_page(chrome, story, form, FieldErrors::new()))
}

pub async fn publish(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    ListForm(form): ListForm<ExerciseForm>,
) -> AppResult<Response> {
    let story = waiting(&state, id).await?;
    let input = match ExerciseInput::parse(&form) {
        Ok(input) => input,
        Err(errors) => return Ok(Invalid(review_page(chrome, story, form, errors)).into_response()),
    };
    let exercise = use_case::publish_exercise(&state.pool, actor, &input, Some(id)).await?;
    flash(
        &session,
        "success",
        "The story is published as an exercise. Its author sees it on their stories page.",
    )
    .await?;
    Ok(Redirect::to(&rules::exercise_path(exercise)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeclineFields {
    reason: String,
}

pub async fn decline(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(fields): Form<DeclineFields>,
) -> AppResult<Response> {
    let story = waiting(&state, id).await?;
    let reason = match parse_decline_reason(&fields.reason) {
        Ok(reason) => reason,
        Err(problem) => {
            let form = story_form(&story);
            let mut page = review_page(chrome, story, form, FieldErrors::new());
            page.reason = fields.reason;
            page.reason_error = Some(problem);
            return Ok(Invalid(page).into_response());
        }
    };
    use_case::decline_story(&state.pool, actor, id, &reason).await?;
    flash(
        &session,
        "success",
        "The story is declined; its author sees your reason.",
    )
    .await?;
    Ok(Redirect::to("/admin/practice").into_response())
}
