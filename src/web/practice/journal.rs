//! The private journal: only its owner ever sees an entry (anyone else, HR included, gets 404).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::practice as use_case;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::pagination::{Cursor, Keyset, KeysetPage};
use crate::domain::people::Person;
use crate::domain::practice::{JournalEntry, JournalForm, JournalInput, recognition_prefill};
use crate::domain::time;
use crate::error::{AppError, AppResult, OrNotFound};
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, PathId};
use crate::web::guards::CurrentUser;

const PER_PAGE: usize = 20;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    before: Option<String>,
    after: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "practice/journal.html")]
pub struct JournalPage {
    pub chrome: Chrome,
    pub entries: Vec<JournalEntry>,
    pub page: KeysetPage,
    pub filter_query: String,
    pub what: &'static str,
    pub form: JournalForm,
    pub errors: FieldErrors,
    pub today: String,
}

impl JournalPage {
    async fn load(
        state: &AppState,
        chrome: Chrome,
        person: &Person,
        keyset: Keyset,
        form: JournalForm,
        errors: FieldErrors,
    ) -> AppResult<JournalPage> {
        let rows =
            db::practice::entries(&state.pool, person.id, keyset, PER_PAGE as i64 + 1).await?;
        let (entries, page) = keyset.page(rows, PER_PAGE, |e: &JournalEntry| {
            Cursor::new(e.created_at, e.id)
        });
        Ok(JournalPage {
            chrome: chrome.at("practice"),
            entries,
            page,
            filter_query: String::new(),
            what: "entries",
            form,
            errors,
            today: time::iso_date(time::today_in(person.time_zone, Utc::now())),
        })
    }
}

pub async fn list(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> AppResult<JournalPage> {
    let keyset = Keyset::parse(query.before.as_deref(), query.after.as_deref());
    let today = time::iso_date(time::today_in(person.time_zone, Utc::now()));
    let form = JournalForm {
        happened_on: today,
        ..JournalForm::default()
    };
    JournalPage::load(&state, chrome, &person, keyset, form, FieldErrors::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    Form(form): Form<JournalForm>,
) -> AppResult<Response> {
    let today = time::today_in(person.time_zone, Utc::now());
    let input = match JournalInput::parse(&form, today) {
        Ok(input) => input,
        Err(errors) => {
            let page = JournalPage::load(&state, chrome, &person, Keyset::Newest, form, errors);
            return Ok(Invalid(page.await?).into_response());
        }
    };
    use_case::add_entry(&state.pool, &person, &input).await?;
    flash(
        &session,
        "success",
        "Saved in your journal. Only you can read it.",
    )
    .await?;
    Ok(Redirect::to("/practice/journal").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "practice/entry.html")]
pub struct EntryPage {
    pub chrome: Chrome,
    pub entry: JournalEntry,
    pub recognise: String,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<EntryPage> {
    let entry = db::practice::find_entry(&state.pool, person.id, id)
        .await?
        .or_404()?;
    Ok(EntryPage {
        chrome: chrome.at("practice"),
        recognise: format!("/recognition/new?{}", recognition_prefill(&entry)),
        entry,
    })
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    if !db::practice::delete_entry(&state.pool, person.id, id).await? {
        return Err(AppError::NotFound);
    }
    flash(&session, "success", "The entry is deleted.").await?;
    Ok(Redirect::to("/practice/journal").into_response())
}
