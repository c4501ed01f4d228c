//! Peer learning circles: opening a programme (organizers and HR), its page (sign up,
//! withdraw; for organizers, forming circles and merging one), and each circle's own page for
//! its members only: members, sessions, after-action reviews, notes, leaving.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use tower_sessions::Session;
use uuid::Uuid;

use super::MateView;
use crate::app::connect::{self as app, CONVERSATIONS, circle_path, programme_path};
use crate::db::connect::circles as store;
use crate::domain::FieldErrors;
use crate::domain::connect::{
    self as rules, MIN_SIZE, ProgrammeForm, ReviewForm, Stage, parse_note,
};
use crate::domain::events::can_organize;
use crate::domain::people::Person;
use crate::domain::time;
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use crate::web::audit::Acting;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, PathId};
use crate::web::files::attachment;
use crate::web::guards::{CurrentUser, Organizer};

// --- Opening a programme ----------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "connect/programme_new.html")]
pub struct NewProgrammePage {
    pub chrome: Chrome,
    pub form: ProgrammeForm,
    pub errors: FieldErrors,
    pub zones: Vec<&'static str>,
}

fn new_page(chrome: Chrome, form: ProgrammeForm, errors: FieldErrors) -> NewProgrammePage {
    NewProgrammePage {
        chrome: chrome.at("connect"),
        form,
        errors,
        zones: time::zone_names().collect(),
    }
}

pub async fn new_programme(Organizer(person): Organizer, chrome: Chrome) -> NewProgrammePage {
    let today = Utc::now().date_naive();
    let form = ProgrammeForm {
        circle_size: "5".into(),
        cross_functional: Some("on".into()),
        signup_opens_on: time::iso_date(today),
        signup_closes_on: time::iso_date(today + Duration::days(14)),
        sessions: "4".into(),
        every_weeks: "3".into(),
        minutes: "60".into(),
        time_zone: person.time_zone.name().to_string(),
        ..ProgrammeForm::default()
    };
    new_page(chrome, form, FieldErrors::new())
}

pub async fn create_programme(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    Acting(actor): Acting,
    session: Session,
    chrome: Chrome,
    Form(form): Form<ProgrammeForm>,
) -> AppResult<Response> {
    let programme = match form.parse(Utc::now().date_naive()) {
        Ok(programme) => programme,
        Err(errors) => return Ok(Invalid(new_page(chrome, form, errors)).into_response()),
    };
    let id = app::open_programme(&state.pool, actor, &programme).await?;
    flash(
        &session,
        "success",
        "The programme is open. Share this page: people sign up here until sign-ups close.",
    )
    .await?;
    Ok(Redirect::to(&programme_path(id)).into_response())
}

// --- A programme's page -----------------------------------------------------------------

pub struct SessionRow {
    pub id: String,
    pub number: i16,
    pub when: String,
    pub started: bool,
}

pub struct CircleRow {
    pub id: String,
    pub number: i16,
    pub names: Vec<String>,
    pub merged: bool,
}

impl CircleRow {
    pub fn small(&self) -> bool {
        !self.merged && self.names.len() < MIN_SIZE
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "connect/programme.html")]
pub struct ProgrammePage {
    pub chrome: Chrome,
    pub programme: rules::Programme,
    pub stage: Stage,
    pub sessions: Vec<SessionRow>,
    pub signed_up: bool,
    pub my_circle: Option<String>,
    pub organizer: bool,
    pub circles: Vec<CircleRow>,
    pub opens: String,
    pub closes: String,
}

impl ProgrammePage {
    pub fn signing_up(&self) -> bool {
        self.stage == Stage::SigningUp
    }

    pub fn not_open(&self) -> bool {
        self.stage == Stage::NotOpenYet
    }

    pub fn ready(&self) -> bool {
        self.stage == Stage::ReadyToForm
    }

    pub fn formed(&self) -> bool {
        self.stage == Stage::Formed
    }
}

fn session_rows(sessions: &[rules::Session], person: &Person) -> Vec<SessionRow> {
    let now = Utc::now();
    sessions
        .iter()
        .map(|s| SessionRow {
            id: s.id.to_string(),
            number: s.number,
            when: format!(
                "{} ({} minutes, {})",
                time::weekday_date_time(s.starts_at, person.time_zone),
                s.minutes,
                time::zone_place(person.time_zone.name())
            ),
            started: s.starts_at <= now,
        })
        .collect()
}

pub async fn programme(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<ProgrammePage> {
    let programme = app::programme(&state.pool, id).await?;
    let stage = programme.stage(programme.today(Utc::now()));
    let sessions = store::sessions(&state.pool, id).await?;
    let organizer = can_organize(&person);
    let circles = if organizer {
        store::circles_of(&state.pool, id)
            .await?
            .into_iter()
            .map(|c| CircleRow {
                id: c.id.to_string(),
                number: c.number,
                names: c.names,
                merged: c.merged_at.is_some(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(ProgrammePage {
        chrome: chrome.at("connect"),
        stage,
        sessions: session_rows(&sessions, &person),
        signed_up: store::is_signed_up(&state.pool, id, person.id).await?,
        my_circle: store::my_circle_in(&state.pool, id, person.id)
            .await?
            .map(circle_path),
        organizer,
        circles,
        opens: time::long_date(programme.signup_opens_on),
        closes: time::long_date(programme.signup_closes_on),
        programme,
    })
}

pub async fn sign_up(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    let programme = app::set_signed_up(&state.pool, &person, id, true, Utc::now()).await?;
    flash(
        &session,
        "success",
        format!(
            "You're signed up. Circles are formed after sign-ups close on {}; you'll hear which one is yours.",
            time::long_date(programme.signup_closes_on)
        ),
    )
    .await?;
    Ok(Redirect::to(&programme_path(id)).into_response())
}

pub async fn withdraw(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    app::set_signed_up(&state.pool, &person, id, false, Utc::now()).await?;
    flash(&session, "success", "You've withdrawn your sign-up.").await?;
    Ok(Redirect::to(&programme_path(id)).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    Acting(actor): Acting,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    let formed = app::form_circles(&state.pool, &state.config, actor, id, Utc::now()).await?;
    let mut message = format!(
        "{} circles formed for {} people; everyone has been told.",
        formed.circles, formed.placed
    );
    if formed.unplaced > 0 {
        message.push_str(&format!(
            " {} couldn't be placed (too few to make another circle of 4) and were told so.",
            formed.unplaced
        ));
    }
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&programme_path(id)).into_response())
}

pub async fn merge(
    State(state): State<AppState>,
    Organizer(_): Organizer,
    Acting(actor): Acting,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    let head = app::merge_circle(&state.pool, &state.config, actor, id, Utc::now()).await?;
    flash(
        &session,
        "success",
        format!(
            "Circle {} is merged: its members joined the other circles and were told.",
            head.number
        ),
    )
    .await?;
    Ok(Redirect::to(&programme_path(head.programme_id)).into_response())
}

// --- A circle's page (members only) -----------------------------------------------------

pub struct ReviewView {
    pub session: SessionRow,
    pub review: Option<store::StoredReview>,
    /// The form as typed, when it came back with a problem.
    pub form: ReviewForm,
    pub errors: FieldErrors,
}

pub struct NoteView {
    pub author: String,
    pub body: String,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "connect/circle.html")]
pub struct CirclePage {
    pub chrome: Chrome,
    pub id: String,
    pub number: i16,
    pub theme: String,
    pub programme_path: String,
    pub members: Vec<MateView>,
    pub reviews: Vec<ReviewView>,
    pub notes: Vec<NoteView>,
    pub note: String,
    pub note_errors: FieldErrors,
}

/// Notes shown on a circle's page.
const NOTES_SHOWN: i64 = 50;

async fn circle_page(
    state: &AppState,
    person: &Person,
    chrome: Chrome,
    id: Uuid,
    review: Option<(ReviewForm, FieldErrors)>,
    note: Option<(String, FieldErrors)>,
) -> AppResult<CirclePage> {
    let head = app::circle_for_member(&state.pool, person, id).await?;
    let members = store::members(&state.pool, id).await?;
    let sessions = store::sessions(&state.pool, head.programme_id).await?;
    let mut stored = store::reviews(&state.pool, id).await?;
    let (review_form, review_errors) = review.unwrap_or_default();
    let reviews = session_rows(&sessions, person)
        .into_iter()
        .map(|session| {
            let review = stored
                .iter()
                .position(|r| r.session_id.to_string() == session.id)
                .map(|i| stored.swap_remove(i));
            let this_form = review_form.session == session.id;
            let form = if this_form {
                review_form.clone()
            } else {
                review
                    .as_ref()
                    .map(|r| ReviewForm {
                        session: session.id.clone(),
                        what_happened: r.review.what_happened.clone(),
                        roles_learned: r.review.roles_learned.clone(),
                        will_try: r.review.will_try.clone(),
                    })
                    .unwrap_or_else(|| ReviewForm {
                        session: session.id.clone(),
                        ..ReviewForm::default()
                    })
            };
            ReviewView {
                errors: if this_form {
                    review_errors.clone()
                } else {
                    FieldErrors::new()
                },
                session,
                review,
                form,
            }
        })
        .collect();
    let notes = store::notes(&state.pool, id, NOTES_SHOWN)
        .await?
        .into_iter()
        .map(|n| NoteView {
            author: n.author.unwrap_or_else(|| "A former colleague".into()),
            body: n.body,
            when: time::local_date_time(n.created_at, person.time_zone),
        })
        .collect();
    let (note, note_errors) = note.unwrap_or_default();
    Ok(CirclePage {
        chrome: chrome.at("connect"),
        id: id.to_string(),
        number: head.number,
        theme: head.theme,
        programme_path: programme_path(head.programme_id),
        members: members.iter().map(MateView::from).collect(),
        reviews,
        notes,
        note,
        note_errors,
    })
}

pub async fn circle(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
) -> AppResult<CirclePage> {
    circle_page(&state, &person, chrome, id, None, None).await
}

pub async fn calendar(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let head = app::circle_for_member(&state.pool, &person, id).await?;
    let sessions = store::sessions(&state.pool, head.programme_id).await?;
    let url = state.config.url_for(&circle_path(id));
    let ics = rules::circle_calendar(id, &head.theme, &sessions, &url, "PUBLISH");
    Ok(attachment(
        "text/calendar; charset=utf-8",
        "circle.ics",
        ics,
    ))
}

pub async fn review(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    // Only members get this far (anyone else: 404).
    app::circle_for_member(&state.pool, &person, id).await?;
    let session_id = Uuid::parse_str(form.session.trim()).map_err(|_| AppError::NotFound)?;
    match form.parse() {
        Ok(review) => {
            app::save_review(&state.pool, &person, id, session_id, &review, Utc::now()).await?;
            flash(
                &session,
                "success",
                "The review is saved. Everyone in the circle can read it.",
            )
            .await?;
            Ok(Redirect::to(&format!("{}#session-{session_id}", circle_path(id))).into_response())
        }
        Err(errors) => {
            let page = circle_page(&state, &person, chrome, id, Some((form, errors)), None).await?;
            Ok(Invalid(page).into_response())
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NoteForm {
    body: String,
}

pub async fn note(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    PathId(id): PathId,
    Form(form): Form<NoteForm>,
) -> AppResult<Response> {
    app::circle_for_member(&state.pool, &person, id).await?;
    match parse_note(&form.body) {
        Ok(body) => {
            app::add_note(&state.pool, &person, id, &body).await?;
            flash(&session, "success", "Your note is added.").await?;
            Ok(Redirect::to(&format!("{}#notes", circle_path(id))).into_response())
        }
        Err(errors) => {
            let page =
                circle_page(&state, &person, chrome, id, None, Some((form.body, errors))).await?;
            Ok(Invalid(page).into_response())
        }
    }
}

pub async fn leave(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    let head = app::leave_circle(&state.pool, &state.config, &person, id, Utc::now()).await?;
    flash(
        &session,
        "success",
        format!(
            "You've left your circle on \u{201c}{}\u{201d}. The others have been told.",
            head.theme
        ),
    )
    .await?;
    Ok(Redirect::to(CONVERSATIONS).into_response())
}
