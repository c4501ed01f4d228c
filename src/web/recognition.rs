//! Peer recognition: the wall, nominating a colleague, a person's recognitions, and HR's
//! moderation, fairness, export, behaviours and spotlight pages.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use super::auth::safe_next;
use super::chrome::{Chrome, flash};
use super::errors::PlainBody;
use super::files::attachment;
use super::guards::{CurrentUser, HrAdmin};
use super::{AppState, path_id};
use crate::db::recognition::{
    self as store, GroupFigures, Grouping, PersonList, Report, SpotlightInvitation, Unrecognised,
    WallFilter,
};
use crate::db::{self, DbError};
use crate::domain::FieldErrors;
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::people::Person;
use crate::domain::recognition::{
    self as rules, Behaviour, DateRange, Nomination, NominationForm, RecipientFacts, Recognition,
    STORY_MAX, STORY_MIN, STORY_PROMPTS, Status, TIMELY_DAYS, UNRECOGNISED_DAYS, Visibility,
};
use crate::error::{AppError, AppResult};

const PER_PAGE: u32 = 20;
const SEARCH_LIMIT: i64 = 20;
/// Unseen recognitions shown on the home page.
const HOME_LIMIT: i64 = 3;
/// Weeks of spotlight history HR sees.
const SPOTLIGHT_WEEKS: i64 = 8;

// ---------------------------------------------------------------------------------------
// Shared helpers

fn zone_of(person: &Person) -> Tz {
    person.time_zone
}

/// The person's own calendar date now.
fn today_for(person: &Person, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone_of(person)).date_naive()
}

fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// A moment in the viewer's own time zone, with the zone named.
fn local_time(at: DateTime<Utc>, person: &Person) -> String {
    let zone = zone_of(person);
    format!(
        "{} ({})",
        at.with_timezone(&zone).format("%-d %B %Y at %H:%M"),
        zone.name()
    )
}

/// What a write refused by a unique or exclusion constraint says, when no rule checked
/// beforehand explains it (two requests at the same moment).
const WRITE_CONFLICT: &str = "Someone changed this at the same moment, so nothing was saved. Reload the page to see where things stand, and try again if it's still needed.";

/// Turns a database error from a recognition write into the page to show: a constraint
/// conflict becomes a 409 with [`WRITE_CONFLICT`], never a 500. Callers that can explain a
/// particular conflict better (a behaviour label already on the list) match it first.
fn write_error(err: impl Into<DbError>) -> AppError {
    match err.into() {
        DbError::Conflict(constraint) => {
            tracing::info!(%constraint, "a recognition write conflicted with another");
            AppError::Conflict(WRITE_CONFLICT.into())
        }
        other => other.into(),
    }
}

fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if !value.is_empty() {
            serializer.append_pair(key, value);
        }
    }
    serializer.finish()
}

/// A recognition as a page shows it.
pub struct PostView {
    pub id: Uuid,
    pub nominator_id: Uuid,
    pub nominator: String,
    pub nominator_department: String,
    pub recipient_id: Uuid,
    pub recipient: String,
    pub recipient_department: String,
    pub recipient_office: String,
    pub behaviours: Vec<String>,
    /// The text, one entry per line, shown as written (escaped).
    pub paragraphs: Vec<String>,
    pub happened_on: String,
    pub posted_on: String,
    pub cross_team: bool,
    pub appreciations: i64,
    pub appreciated: bool,
    pub on_wall: bool,
    pub private: bool,
    pub status: Status,
    pub status_label: &'static str,
    pub rejection_reason: Option<String>,
    pub hidden_by_recipient: bool,
    pub under_review: bool,
    pub viewer_is_recipient: bool,
    pub viewer_is_nominator: bool,
    pub can_toggle_wall: bool,
}

impl PostView {
    fn new(r: Recognition, viewer: &Person) -> Self {
        let zone = zone_of(viewer);
        PostView {
            on_wall: r.on_wall(),
            can_toggle_wall: r.recipient_can_toggle() && viewer.id == r.recipient.id,
            id: r.id,
            nominator_id: r.nominator.id,
            nominator: r.nominator.name,
            nominator_department: r.nominator.department,
            recipient_id: r.recipient.id,
            recipient: r.recipient.name,
            recipient_department: r.recipient.department,
            recipient_office: r.recipient.office,
            behaviours: r.behaviours,
            paragraphs: r
                .story
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(str::to_string)
                .collect(),
            happened_on: long_date(r.happened_on),
            posted_on: r
                .created_at
                .with_timezone(&zone)
                .format("%-d %B %Y")
                .to_string(),
            cross_team: r.cross_team,
            appreciations: r.appreciations,
            appreciated: r.appreciated,
            private: r.visibility == Visibility::Private,
            status: r.status,
            status_label: r.status.label(),
            rejection_reason: r.rejection_reason,
            hidden_by_recipient: r.hidden_by_recipient,
            under_review: r.under_review,
            viewer_is_recipient: viewer.id == r.recipient.id,
            viewer_is_nominator: viewer.id == r.nominator.id,
        }
    }

    pub fn is_pending(&self) -> bool {
        self.status == Status::Pending
    }

    pub fn is_rejected(&self) -> bool {
        self.status == Status::Rejected
    }

    pub fn is_removed(&self) -> bool {
        self.status == Status::Removed
    }

    pub fn appreciation_text(&self) -> String {
        match self.appreciations {
            0 => "No appreciations yet".into(),
            1 => "1 person appreciates this".into(),
            n => format!("{n} people appreciate this"),
        }
    }
}

fn posts(recognitions: Vec<Recognition>, viewer: &Person) -> Vec<PostView> {
    recognitions
        .into_iter()
        .map(|r| PostView::new(r, viewer))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Spotlight rotation (computed lazily, once per week, whichever replica gets there first)

/// Runs this week's spotlight round unless it has run. The week starts on Monday, UTC.
/// Claiming the round and writing its invitations happen in one transaction, so concurrent
/// requests on several replicas produce exactly one round.
pub async fn ensure_spotlight_round(state: &AppState, now: DateTime<Utc>) -> AppResult<NaiveDate> {
    let week = rules::week_start(now.date_naive());
    if store::spotlight_round_exists(&state.pool, week).await? {
        return Ok(week);
    }
    let settings = db::settings::get(&state.pool).await?;
    if settings.spotlight_per_department <= 0 {
        return Ok(week);
    }
    let mut tx = state.pool.begin().await?;
    if store::claim_spotlight_round(&mut tx, week, settings.spotlight_per_department).await? {
        let mut departments: BTreeMap<String, Vec<rules::Candidate>> = BTreeMap::new();
        for (department, candidate) in store::spotlight_candidates(&mut tx).await? {
            departments.entry(department).or_default().push(candidate);
        }
        let count = usize::try_from(settings.spotlight_per_department).unwrap_or(0);
        let invited: Vec<(String, Uuid)> = departments
            .iter()
            .flat_map(|(department, candidates)| {
                rules::choose_spotlight(candidates, count)
                    .into_iter()
                    .map(move |id| (department.clone(), id))
            })
            .collect();
        store::insert_spotlight_invitations(&mut tx, week, &invited)
            .await
            .map_err(write_error)?;
    }
    tx.commit().await.map_err(write_error)?;
    Ok(week)
}

/// A colleague the spotlight prompt suggests.
pub struct Suggestion {
    pub id: Uuid,
    pub name: String,
    pub last: String,
}

fn suggestions(rows: Vec<Unrecognised>, viewer: &Person) -> Vec<Suggestion> {
    rows.into_iter()
        .map(|row| Suggestion {
            id: row.person.id,
            name: row.person.name,
            last: match row.last {
                Some(at) => format!(
                    "last recognised {}",
                    at.with_timezone(&zone_of(viewer)).format("%-d %B %Y")
                ),
                None => "not recognised yet".into(),
            },
        })
        .collect()
}

/// What the home page shows about recognition.
pub struct HomePanel {
    pub unseen: Vec<PostView>,
    pub unseen_total: i64,
    pub declined: i64,
    /// Set when the person is a spotlight nominator this week.
    pub spotlight: Option<Vec<Suggestion>>,
    /// For HR admins: what waits for review.
    pub moderation: Option<Moderation>,
}

/// Nominations awaiting approval and reported posts.
pub struct Moderation {
    pub pending: i64,
    pub reported: i64,
}

/// The recognition panel of the home page (runs the week's spotlight round if needed).
pub async fn home_panel(state: &AppState, person: &Person) -> AppResult<HomePanel> {
    let now = Utc::now();
    let week = ensure_spotlight_round(state, now).await?;
    let (unseen, unseen_total) = store::unseen_received(&state.pool, person.id, HOME_LIMIT).await?;
    let declined = store::unseen_decisions(&state.pool, person.id).await?;
    let spotlight = if store::is_spotlight_nominator(&state.pool, person.id, week).await? {
        let rows =
            store::least_recently_recognised(&state.pool, &person.department, person.id, 5).await?;
        Some(suggestions(rows, person))
    } else {
        None
    };
    let moderation = if person.is_hr_admin() {
        let (pending, reported) = store::moderation_counts(&state.pool).await?;
        Some(Moderation { pending, reported })
    } else {
        None
    };
    Ok(HomePanel {
        unseen: posts(unseen, person),
        unseen_total,
        declined,
        spotlight,
        moderation,
    })
}

// ---------------------------------------------------------------------------------------
// The wall

#[derive(Debug, Deserialize)]
pub struct WallQuery {
    #[serde(default)]
    behaviour: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    office: String,
    page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/wall.html")]
pub struct WallPage {
    pub chrome: Chrome,
    pub posts: Vec<PostView>,
    pub behaviours: Vec<Behaviour>,
    pub departments: Vec<String>,
    pub offices: Vec<String>,
    pub behaviour: String,
    pub department: String,
    pub office: String,
    pub filtered: bool,
    pub page: Page,
    pub filter_query: String,
    /// Where appreciate buttons come back to.
    pub back: String,
    pub is_hr: bool,
}

pub async fn wall(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<WallQuery>,
) -> AppResult<WallPage> {
    ensure_spotlight_round(&state, Utc::now()).await?;
    let behaviours = store::behaviours(&state.pool).await?;
    let (departments, offices) = store::wall_places(&state.pool).await?;
    let behaviour = Uuid::parse_str(query.behaviour.trim())
        .ok()
        .filter(|id| behaviours.iter().any(|b| b.id == *id));
    let department = departments
        .iter()
        .find(|d| **d == query.department)
        .cloned();
    let office = offices.iter().find(|o| **o == query.office).cloned();
    let filter = WallFilter {
        behaviour,
        department: department.clone(),
        office: office.clone(),
    };
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let (found, total) = store::wall(&state.pool, person.id, &filter, request).await?;
    let behaviour_text = behaviour.map(|b| b.to_string()).unwrap_or_default();
    let department = department.unwrap_or_default();
    let office = office.unwrap_or_default();
    let filter_query = query_string(&[
        ("behaviour", &behaviour_text),
        ("department", &department),
        ("office", &office),
    ]);
    let back = match (filter_query.is_empty(), request.page) {
        (true, 1) => "/recognition".to_string(),
        (true, page) => format!("/recognition?page={page}"),
        (false, page) => format!("/recognition?{filter_query}&page={page}"),
    };
    Ok(WallPage {
        chrome: chrome.at("recognition"),
        posts: posts(found, &person),
        filtered: filter != WallFilter::default(),
        behaviours,
        departments,
        offices,
        behaviour: behaviour_text,
        department,
        office,
        page: request.of(total),
        filter_query,
        back,
        is_hr: person.is_hr_admin(),
    })
}

// ---------------------------------------------------------------------------------------
// Nominating

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    to: String,
}

/// A colleague in the search results.
#[derive(Serialize)]
pub struct ColleagueView {
    pub id: Uuid,
    pub name: String,
    pub department: String,
    pub office: String,
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
    pub is_hr: bool,
}

impl NewPage {
    pub fn is_chosen(&self, id: &Uuid) -> bool {
        self.form.behaviours.iter().any(|b| *b == id.to_string())
    }
}

async fn colleague(state: &AppState, id: Uuid) -> AppResult<Option<Person>> {
    Ok(db::people::find(&state.pool, id).await?)
}

fn colleague_view(person: &Person) -> ColleagueView {
    ColleagueView {
        id: person.id,
        name: person.display_name.clone(),
        department: person.department.clone(),
        office: person.office.clone(),
    }
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
    Ok(rules::weekly_limit_reopens(&recent, limit, now).map(|at| local_time(at, person)))
}

#[allow(clippy::too_many_arguments)]
async fn new_page(
    state: &AppState,
    person: &Person,
    chrome: Chrome,
    q: String,
    recipient: Option<ColleagueView>,
    form: NominationForm,
    errors: FieldErrors,
    submission_key: Uuid,
) -> AppResult<NewPage> {
    let now = Utc::now();
    let settings = db::settings::get(&state.pool).await?;
    let behaviours = store::behaviours(&state.pool)
        .await?
        .into_iter()
        .filter(|b| !b.retired)
        .collect();
    let results = if recipient.is_none() && !q.trim().is_empty() {
        Some(
            store::search_colleagues(&state.pool, &q, person.id, SEARCH_LIMIT)
                .await?
                .into_iter()
                .map(|p| ColleagueView {
                    id: p.id,
                    name: p.name,
                    department: p.department,
                    office: p.office,
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(NewPage {
        chrome: chrome.at("recognition"),
        q,
        results,
        recipient,
        recipient_problem: None,
        behaviours,
        form,
        errors,
        submission_key,
        today: today_for(person, now).format("%Y-%m-%d").to_string(),
        prompts: STORY_PROMPTS,
        story_min: STORY_MIN,
        story_max: STORY_MAX,
        timely_days: TIMELY_DAYS,
        weekly_limit: settings.recognition_weekly_limit,
        limit_reached: limit_reopens(state, person, settings.recognition_weekly_limit, now).await?,
        requires_approval: settings.recognition_requires_approval,
        is_hr: person.is_hr_admin(),
    })
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
        let found = colleague(&state, id).await?;
        let facts = found.as_ref().map(|p| RecipientFacts {
            id: p.id,
            name: p.display_name.clone(),
            active: p.active,
        });
        match rules::check_rules(person.id, facts.as_ref(), &[], i32::MAX, vec![], Utc::now()) {
            Ok(()) => recipient = found.as_ref().map(colleague_view),
            Err(refusal) => problem = Some(refusal.message("")),
        }
    }
    let form = NominationForm {
        recipient: recipient
            .as_ref()
            .map(|r| r.id.to_string())
            .unwrap_or_default(),
        visibility: "wall".into(),
        ..NominationForm::default()
    };
    let mut page = new_page(
        &state,
        &person,
        chrome,
        q,
        recipient,
        form,
        FieldErrors::new(),
        Uuid::new_v4(),
    )
    .await?;
    page.recipient_problem = problem;
    if let Some(message) = search_problem {
        // Show what was typed, without the characters that can't be shown.
        page.q = query
            .q
            .chars()
            .filter(|c| !c.is_control())
            .take(rules::SEARCH_MAX)
            .collect();
        page.errors.add("q", message);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
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
    let found = store::search_colleagues(&state.pool, &q, person.id, SEARCH_LIMIT).await?;
    let found: Vec<ColleagueView> = found
        .into_iter()
        .map(|p| ColleagueView {
            id: p.id,
            name: p.name,
            department: p.department,
            office: p.office,
        })
        .collect();
    Ok(Json(found).into_response())
}

/// Reads the nomination form (behaviours is a repeated field) and its submission key.
fn read_nomination(fields: &[(String, String)]) -> (NominationForm, Option<Uuid>) {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let form = NominationForm {
        recipient: field("recipient"),
        behaviours: fields
            .iter()
            .filter(|(k, _)| k == "behaviours")
            .map(|(_, v)| v.clone())
            .collect(),
        story: field("story"),
        happened_on: field("happened_on"),
        visibility: field("visibility"),
    };
    (form, Uuid::parse_str(field("submission_key").trim()).ok())
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (form, key) = read_nomination(&fields);
    let submission_key = key.unwrap_or_else(Uuid::new_v4);
    let now = Utc::now();
    let choosable: Vec<Uuid> = store::behaviours(&state.pool)
        .await?
        .into_iter()
        .filter(|b| !b.retired)
        .map(|b| b.id)
        .collect();
    let chosen = match Uuid::parse_str(form.recipient.trim()) {
        Ok(id) => colleague(&state, id).await?,
        Err(_) => None,
    };
    let refuse = |errors: FieldErrors| {
        let recipient = chosen
            .as_ref()
            .filter(|p| p.active && p.id != person.id)
            .map(colleague_view);
        new_page(
            &state,
            &person,
            chrome.clone(),
            String::new(),
            recipient,
            form.clone(),
            errors,
            submission_key,
        )
    };
    let nomination = match Nomination::parse(&form, today_for(&person, now), &choosable) {
        Ok(nomination) => nomination,
        Err(errors) => {
            let page = refuse(errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let settings = db::settings::get(&state.pool).await?;
    let mut tx = state.pool.begin().await?;
    // One nomination at a time per nominator, so the weekly limit and the 24-hour rule are
    // checked against everything already stored.
    db::people::lock(&mut *tx, person.id).await?;
    if let Some(id) = store::find_by_submission_key(&mut *tx, person.id, submission_key).await? {
        return Ok(Redirect::to(&format!("/recognition/{id}")).into_response());
    }
    let recipient = match chosen {
        Some(ref p) if p.id == nomination.recipient_id => db::people::find(&mut *tx, p.id).await?,
        _ => None,
    };
    let facts = recipient.as_ref().map(|p| RecipientFacts {
        id: p.id,
        name: p.display_name.clone(),
        active: p.active,
    });
    let recent = store::nomination_times(
        &mut *tx,
        person.id,
        now - Duration::days(rules::LIMIT_WINDOW_DAYS),
    )
    .await?;
    let repeated = store::repeated_behaviours(
        &mut *tx,
        person.id,
        nomination.recipient_id,
        &nomination.behaviour_ids,
        now - Duration::hours(rules::REPEAT_HOURS),
    )
    .await?;
    let checked = rules::check_rules(
        person.id,
        facts.as_ref(),
        &recent,
        settings.recognition_weekly_limit,
        repeated,
        now,
    );
    let (Ok(()), Some(recipient)) = (&checked, recipient) else {
        drop(tx);
        let mut errors = FieldErrors::new();
        if let Err(refusal) = checked {
            let opens = match &refusal {
                rules::Refusal::WeeklyLimit { opens_at, .. } => local_time(*opens_at, &person),
                _ => String::new(),
            };
            errors.add(refusal.field(), refusal.message(&opens));
        }
        let page = refuse(errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };

    let status = if settings.recognition_requires_approval {
        Status::Pending
    } else {
        Status::Published
    };
    let id = match store::insert(
        &mut tx,
        &person,
        &recipient,
        &nomination,
        status,
        submission_key,
        now,
    )
    .await
    {
        Ok(id) => id,
        Err(DbError::Conflict(constraint)) if constraint == store::REPEAT_WINDOW => {
            return Err(AppError::Conflict(
                "You recognised this colleague for one of these behaviours in the last 24 hours, perhaps from another tab. Check your recognitions given before sending it again.".into(),
            ));
        }
        Err(DbError::Conflict(_)) => {
            return Err(AppError::Conflict(
                "This nomination was just sent from another tab. Check your recognitions given before sending it again.".into(),
            ));
        }
        Err(err) => return Err(err.into()),
    };
    tx.commit().await.map_err(write_error)?;

    let name = &recipient.display_name;
    let message = match (status, nomination.visibility) {
        (Status::Pending, _) => format!(
            "Thank you. An HR admin will review your recognition of {name} before it's published. You'll find its status under \u{201c}Given\u{201d}."
        ),
        (_, Visibility::Wall) => {
            format!("Thank you. Your recognition of {name} is on the wall.")
        }
        (_, Visibility::Private) => {
            format!("Thank you. Your recognition is with {name}, privately.")
        }
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(&format!("/recognition/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------
// One recognition, appreciating, reporting, hiding

#[derive(Template, WebTemplate)]
#[template(path = "recognition/show.html")]
pub struct ShowPage {
    pub chrome: Chrome,
    pub post: PostView,
    pub back: String,
    pub is_hr: bool,
}

async fn visible(state: &AppState, person: &Person, id: &str) -> AppResult<Recognition> {
    let id = path_id(id)?;
    store::find(&state.pool, person.id, id)
        .await?
        .filter(|r| r.visible_to(person.id, person.is_hr_admin()))
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Path(id): Path<String>,
) -> AppResult<ShowPage> {
    let recognition = visible(&state, &person, &id).await?;
    let back = format!("/recognition/{}", recognition.id);
    Ok(ShowPage {
        chrome: chrome.at("recognition"),
        post: PostView::new(recognition, &person),
        back,
        is_hr: person.is_hr_admin(),
    })
}

#[derive(Debug, Deserialize)]
pub struct AppreciateForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    back: String,
}

/// Redirects back to the page the button was on, at the post.
fn back_to(back: &str, id: Uuid) -> Redirect {
    let back = safe_next(back);
    let back = if back == "/" { "/recognition" } else { back };
    Redirect::to(&format!("{back}#post-{id}"))
}

pub async fn appreciate(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<AppreciateForm>,
) -> AppResult<Redirect> {
    let recognition = visible(&state, &person, &id).await?;
    if !recognition.on_wall() {
        return Err(AppError::Conflict(
            "Only recognitions on the wall can be appreciated.".into(),
        ));
    }
    let add = form.action != "remove";
    store::set_appreciation(&state.pool, recognition.id, person.id, add)
        .await
        .map_err(write_error)?;
    Ok(back_to(&form.back, recognition.id))
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/report.html")]
pub struct ReportPage {
    pub chrome: Chrome,
    pub post: PostView,
    pub reason: String,
    pub errors: FieldErrors,
    pub back: String,
    pub is_hr: bool,
}

const REPORT_MAX: usize = 500;

/// A post the person may report (see `rules::may_report`), or a 409 saying why not.
async fn reportable(state: &AppState, person: &Person, id: &str) -> AppResult<Recognition> {
    let recognition = visible(state, person, id).await?;
    let previous = store::previous_report(&state.pool, recognition.id, person.id).await?;
    rules::may_report(recognition.on_wall(), previous)
        .map_err(|refusal| AppError::Conflict(refusal.message().into()))?;
    Ok(recognition)
}

pub async fn report_page(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Path(id): Path<String>,
) -> AppResult<ReportPage> {
    let recognition = reportable(&state, &person, &id).await?;
    Ok(ReportPage {
        chrome: chrome.at("recognition"),
        back: format!("/recognition/{}", recognition.id),
        post: PostView::new(recognition, &person),
        reason: String::new(),
        errors: FieldErrors::new(),
        is_hr: person.is_hr_admin(),
    })
}

#[derive(Debug, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    reason: String,
}

pub async fn report(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(form): Form<ReportForm>,
) -> AppResult<Response> {
    let recognition = reportable(&state, &person, &id).await?;
    let reason = match rules::parse_reason(
        &form.reason,
        REPORT_MAX,
        "Tell HR briefly what's wrong with this post, so they can review it quickly.",
    ) {
        Ok(reason) => reason,
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.add("reason", message);
            let page = ReportPage {
                chrome: chrome.at("recognition"),
                back: format!("/recognition/{}", recognition.id),
                post: PostView::new(recognition, &person),
                reason: form.reason,
                errors,
                is_hr: person.is_hr_admin(),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // Checked again with the post locked: a review or another report may have happened since.
    let mut tx = state.pool.begin().await?;
    let (on_wall, previous) = store::report_target(&mut tx, recognition.id, person.id)
        .await?
        .ok_or(AppError::NotFound)?;
    rules::may_report(on_wall, previous)
        .map_err(|refusal| AppError::Conflict(refusal.message().into()))?;
    if !store::report(&mut tx, recognition.id, person.id, &reason)
        .await
        .map_err(write_error)?
    {
        return Err(AppError::Conflict(
            rules::ReportRefusal::AlreadyReported.message().into(),
        ));
    }
    tx.commit().await.map_err(write_error)?;
    flash(
        &session,
        "success",
        "Thank you for telling us. The post is off the wall until an HR admin has reviewed it.",
    )
    .await?;
    Ok(Redirect::to("/recognition").into_response())
}

#[derive(Debug, Deserialize)]
pub struct VisibilityForm {
    #[serde(default)]
    on_wall: String,
    #[serde(default)]
    back: String,
}

/// The recipient takes a public recognition off the wall, or puts it back.
pub async fn set_visibility(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<VisibilityForm>,
) -> AppResult<Response> {
    let recognition = visible(&state, &person, &id).await?;
    if recognition.recipient.id != person.id {
        return Err(AppError::Forbidden);
    }
    if !recognition.recipient_can_toggle() {
        return Err(AppError::Conflict(
            "Only a published recognition meant for the wall can be shown on it or hidden.".into(),
        ));
    }
    let show = form.on_wall == "yes";
    store::set_hidden_by_recipient(&state.pool, recognition.id, person.id, !show)
        .await
        .map_err(write_error)?;
    let message = if show {
        "It's back on the wall."
    } else {
        "It's off the wall. It stays here for you, and the person who wrote it can still see it."
    };
    flash(&session, "success", message).await?;
    let back = if form.back.is_empty() {
        "/recognition/mine"
    } else {
        &form.back
    };
    Ok(back_to(back, recognition.id).into_response())
}

// ---------------------------------------------------------------------------------------
// A person's recognitions

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/mine.html")]
pub struct MinePage {
    pub chrome: Chrome,
    pub posts: Vec<PostView>,
    pub page: Page,
    pub filter_query: String,
    pub back: String,
    pub is_hr: bool,
}

/// One page of the recognitions a person received or gave (the person's own lists).
struct OwnList {
    posts: Vec<PostView>,
    page: Page,
    back: String,
}

async fn own_list(
    state: &AppState,
    person: &Person,
    list: PersonList,
    query: &PageQuery,
    path: &str,
) -> AppResult<OwnList> {
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let (found, total) =
        store::for_person(&state.pool, person.id, person.id, list, request).await?;
    Ok(OwnList {
        posts: posts(found, person),
        page: request.of(total),
        back: format!("{path}?page={}", request.page),
    })
}

/// Recognitions the person received, private ones included. Opening it marks them seen.
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> AppResult<MinePage> {
    let list = own_list(
        &state,
        &person,
        PersonList::Received,
        &query,
        "/recognition/mine",
    )
    .await?;
    store::mark_received_seen(&state.pool, person.id, Utc::now()).await?;
    Ok(MinePage {
        chrome: chrome.at("recognition"),
        posts: list.posts,
        page: list.page,
        filter_query: String::new(),
        back: list.back,
        is_hr: person.is_hr_admin(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/given.html")]
pub struct GivenPage {
    pub chrome: Chrome,
    pub posts: Vec<PostView>,
    pub page: Page,
    pub filter_query: String,
    pub back: String,
    pub is_hr: bool,
}

/// What the person nominated, with each nomination's status and any reason from HR.
pub async fn given(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> AppResult<GivenPage> {
    let list = own_list(
        &state,
        &person,
        PersonList::Given,
        &query,
        "/recognition/given",
    )
    .await?;
    store::mark_decisions_seen(&state.pool, person.id, Utc::now()).await?;
    Ok(GivenPage {
        chrome: chrome.at("recognition"),
        posts: list.posts,
        page: list.page,
        filter_query: String::new(),
        back: list.back,
        is_hr: person.is_hr_admin(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/person.html")]
pub struct PersonPage {
    pub chrome: Chrome,
    pub subject: ColleagueView,
    pub is_self: bool,
    pub can_recognise: bool,
    pub posts: Vec<PostView>,
    pub page: Page,
    pub filter_query: String,
    pub back: String,
    pub is_hr: bool,
}

/// A colleague's recognitions on the wall (their public recognition profile).
pub async fn person(
    State(state): State<AppState>,
    CurrentUser(viewer): CurrentUser,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> AppResult<PersonPage> {
    let subject = colleague(&state, path_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let (found, total) = store::for_person(
        &state.pool,
        viewer.id,
        subject.id,
        PersonList::Profile,
        request,
    )
    .await?;
    Ok(PersonPage {
        chrome: chrome.at("recognition"),
        is_self: subject.id == viewer.id,
        can_recognise: subject.active && subject.id != viewer.id,
        back: format!("/recognition/people/{}?page={}", subject.id, request.page),
        subject: colleague_view(&subject),
        posts: posts(found, &viewer),
        page: request.of(total),
        filter_query: String::new(),
        is_hr: viewer.is_hr_admin(),
    })
}

fn csv_response(bytes: Vec<u8>, filename: &str) -> Response {
    attachment("text/csv; charset=utf-8", filename, bytes)
}

fn export_error(err: csv::Error) -> AppError {
    AppError::Internal(anyhow::Error::new(err).context("writing a recognitions CSV"))
}

/// Every recognition the person received, as CSV (for their review conversations).
pub async fn received_csv(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
) -> AppResult<Response> {
    let received = store::all_received(&state.pool, person.id).await?;
    let bytes = rules::to_csv(&received).map_err(export_error)?;
    let date = today_for(&person, Utc::now()).format("%Y-%m-%d");
    Ok(csv_response(
        bytes,
        &format!("recognitions-received-{date}.csv"),
    ))
}

// ---------------------------------------------------------------------------------------
// HR: overview, approvals, reports

#[derive(Template, WebTemplate)]
#[template(path = "recognition/admin.html")]
pub struct AdminPage {
    pub chrome: Chrome,
    pub pending: i64,
    pub reported: i64,
    pub requires_approval: bool,
    pub weekly_limit: i32,
    pub spotlight_per_department: i32,
}

pub async fn admin(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<AdminPage> {
    let (pending, reported) = store::moderation_counts(&state.pool).await?;
    let settings = db::settings::get(&state.pool).await?;
    Ok(AdminPage {
        chrome: chrome.at("recognition"),
        pending,
        reported,
        requires_approval: settings.recognition_requires_approval,
        weekly_limit: settings.recognition_weekly_limit,
        spotlight_per_department: settings.spotlight_per_department,
    })
}

/// A post in an HR queue, with when it was made and any reports.
pub struct QueueItem {
    pub post: PostView,
    pub nominated_at: String,
    pub reports: Vec<ReportView>,
}

pub struct ReportView {
    pub reporter: String,
    pub reason: String,
    pub at: String,
}

fn queue_items(found: Vec<Recognition>, reports: Vec<Report>, viewer: &Person) -> Vec<QueueItem> {
    found
        .into_iter()
        .map(|r| {
            let reports = reports
                .iter()
                .filter(|report| report.recognition_id == r.id)
                .map(|report| ReportView {
                    reporter: report.reporter.clone(),
                    reason: report.reason.clone(),
                    at: local_time(report.created_at, viewer),
                })
                .collect();
            QueueItem {
                nominated_at: local_time(r.created_at, viewer),
                post: PostView::new(r, viewer),
                reports,
            }
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/approvals.html")]
pub struct ApprovalsPage {
    pub chrome: Chrome,
    pub items: Vec<QueueItem>,
    pub requires_approval: bool,
    pub page: Page,
    pub filter_query: String,
}

pub async fn approvals(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> AppResult<ApprovalsPage> {
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let (found, total) = store::pending(&state.pool, viewer.id, request).await?;
    let settings = db::settings::get(&state.pool).await?;
    Ok(ApprovalsPage {
        chrome: chrome.at("recognition"),
        items: queue_items(found, Vec::new(), &viewer),
        requires_approval: settings.recognition_requires_approval,
        page: request.of(total),
        filter_query: String::new(),
    })
}

async fn pending_one(state: &AppState, viewer: &Person, id: &str) -> AppResult<Recognition> {
    let recognition = store::find(&state.pool, viewer.id, path_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    if recognition.status != Status::Pending {
        return Err(AppError::Conflict(
            "This nomination has already been reviewed.".into(),
        ));
    }
    Ok(recognition)
}

pub async fn approve(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Redirect> {
    let recognition = pending_one(&state, &viewer, &id).await?;
    if !store::approve(&state.pool, recognition.id, viewer.id, Utc::now())
        .await
        .map_err(write_error)?
    {
        return Err(AppError::Conflict(
            "This nomination has already been reviewed.".into(),
        ));
    }
    flash(
        &session,
        "success",
        format!(
            "Published. {} can see the recognition from {} now.",
            recognition.recipient.name, recognition.nominator.name
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/recognition/approvals"))
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/reject.html")]
pub struct RejectPage {
    pub chrome: Chrome,
    pub item: QueueItem,
    pub reason: String,
    pub errors: FieldErrors,
}

const REJECTION_MAX: usize = 1000;

pub async fn reject_page(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Path(id): Path<String>,
) -> AppResult<RejectPage> {
    let recognition = pending_one(&state, &viewer, &id).await?;
    Ok(RejectPage {
        chrome: chrome.at("recognition"),
        item: queue_items(vec![recognition], Vec::new(), &viewer)
            .pop()
            .ok_or(AppError::NotFound)?,
        reason: String::new(),
        errors: FieldErrors::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    reason: String,
}

pub async fn reject(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    session: Session,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(form): Form<RejectForm>,
) -> AppResult<Response> {
    let recognition = pending_one(&state, &viewer, &id).await?;
    let reason = match rules::parse_reason(
        &form.reason,
        REJECTION_MAX,
        "Give the nominator a reason: they will read it, so be kind and specific.",
    ) {
        Ok(reason) => reason,
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.add("reason", message);
            let page = RejectPage {
                chrome: chrome.at("recognition"),
                item: queue_items(vec![recognition], Vec::new(), &viewer)
                    .pop()
                    .ok_or(AppError::NotFound)?,
                reason: form.reason,
                errors,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if !store::reject(&state.pool, recognition.id, viewer.id, &reason, Utc::now())
        .await
        .map_err(write_error)?
    {
        return Err(AppError::Conflict(
            "This nomination has already been reviewed.".into(),
        ));
    }
    flash(
        &session,
        "success",
        format!(
            "Not published. {} will see your reason with their nomination.",
            recognition.nominator.name
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/recognition/approvals").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/reports.html")]
pub struct ReportsPage {
    pub chrome: Chrome,
    pub items: Vec<QueueItem>,
    pub page: Page,
    pub filter_query: String,
}

pub async fn reports(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> AppResult<ReportsPage> {
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let (found, total) = store::reported(&state.pool, viewer.id, request).await?;
    let ids: Vec<Uuid> = found.iter().map(|r| r.id).collect();
    let open = store::open_reports(&state.pool, &ids).await?;
    Ok(ReportsPage {
        chrome: chrome.at("recognition"),
        items: queue_items(found, open, &viewer),
        page: request.of(total),
        filter_query: String::new(),
    })
}

async fn review(state: &AppState, viewer: &Person, id: &str, keep: bool) -> AppResult<Recognition> {
    let recognition = store::find(&state.pool, viewer.id, path_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    if !store::resolve_review(&mut tx, recognition.id, viewer.id, keep, Utc::now())
        .await
        .map_err(write_error)?
    {
        return Err(AppError::Conflict(
            "This post isn't waiting for review: someone may have reviewed it already.".into(),
        ));
    }
    tx.commit().await.map_err(write_error)?;
    Ok(recognition)
}

pub async fn keep(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Redirect> {
    review(&state, &viewer, &id, true).await?;
    flash(&session, "success", "The post is back on the wall.").await?;
    Ok(Redirect::to("/admin/recognition/reports"))
}

pub async fn remove(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Redirect> {
    let recognition = review(&state, &viewer, &id, false).await?;
    flash(
        &session,
        "success",
        format!(
            "The post is removed from the wall. {} still sees it marked \u{201c}Removed by HR\u{201d}.",
            recognition.nominator.name
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/recognition/reports"))
}

// ---------------------------------------------------------------------------------------
// HR: fairness and export

#[derive(Debug, Deserialize)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

/// Reads a date range from the query, defaulting to the last 90 days when none is given.
fn read_range(
    query: &RangeQuery,
    today: NaiveDate,
) -> (String, String, Result<DateRange, FieldErrors>) {
    let fallback = DateRange::last_days(today, UNRECOGNISED_DAYS);
    let from = query
        .from
        .clone()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| fallback.from.format("%Y-%m-%d").to_string());
    let to = query
        .to
        .clone()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| fallback.to.format("%Y-%m-%d").to_string());
    let parsed = DateRange::parse(&from, &to);
    (from, to, parsed)
}

pub struct UnrecognisedView {
    pub id: Uuid,
    pub name: String,
    pub department: String,
    pub office: String,
    pub last: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/fairness.html")]
pub struct FairnessPage {
    pub chrome: Chrome,
    pub from: String,
    pub to: String,
    pub errors: FieldErrors,
    pub range_text: String,
    pub departments: Vec<GroupFigures>,
    pub offices: Vec<GroupFigures>,
    pub unrecognised: Vec<UnrecognisedView>,
    pub unrecognised_days: i64,
    pub page: Page,
    pub filter_query: String,
}

pub async fn fairness(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Query(query): Query<RangeQuery>,
) -> AppResult<Response> {
    let now = Utc::now();
    let today = today_for(&viewer, now);
    let (from, to, parsed) = read_range(&query, today);
    let (range, errors) = match parsed {
        Ok(range) => (range, FieldErrors::new()),
        Err(errors) => (DateRange::last_days(today, UNRECOGNISED_DAYS), errors),
    };
    let invalid = !errors.is_empty();
    let departments = store::figures(&state.pool, Grouping::Department, range).await?;
    let offices = store::figures(&state.pool, Grouping::Office, range).await?;
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let since = now - Duration::days(UNRECOGNISED_DAYS);
    let (rows, total) = store::unrecognised(&state.pool, since, None, request).await?;
    let unrecognised = rows
        .into_iter()
        .map(|row| UnrecognisedView {
            id: row.person.id,
            name: row.person.name,
            department: row.person.department,
            office: row.person.office,
            last: row
                .last
                .map(|at| {
                    at.with_timezone(&zone_of(&viewer))
                        .format("%-d %B %Y")
                        .to_string()
                })
                .unwrap_or_else(|| "Never".into()),
        })
        .collect();
    let page = FairnessPage {
        chrome: chrome.at("recognition"),
        filter_query: query_string(&[("from", &from), ("to", &to)]),
        range_text: format!("{} to {}", long_date(range.from), long_date(range.to)),
        from,
        to,
        errors,
        departments,
        offices,
        unrecognised,
        unrecognised_days: UNRECOGNISED_DAYS,
        page: request.of(total),
    };
    let status = if invalid {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/export.html")]
pub struct ExportPage {
    pub chrome: Chrome,
    pub from: String,
    pub to: String,
    pub errors: FieldErrors,
}

pub async fn export_page(
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Query(query): Query<RangeQuery>,
) -> ExportPage {
    let (from, to, _) = read_range(&query, today_for(&viewer, Utc::now()));
    ExportPage {
        chrome: chrome.at("recognition"),
        from,
        to,
        errors: FieldErrors::new(),
    }
}

/// Every nomination made in the range (all states), as a formula-safe CSV file. Private
/// recognitions are listed without their text.
pub async fn export_csv(
    State(state): State<AppState>,
    HrAdmin(viewer): HrAdmin,
    chrome: Chrome,
    Query(query): Query<RangeQuery>,
) -> AppResult<Response> {
    let (from, to, parsed) = read_range(&query, today_for(&viewer, Utc::now()));
    let range = match parsed {
        Ok(range) => range,
        Err(errors) => {
            let page = ExportPage {
                chrome: chrome.at("recognition"),
                from,
                to,
                errors,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let found = store::in_range(&state.pool, range).await?;
    let bytes = rules::to_hr_csv(found).map_err(export_error)?;
    Ok(csv_response(
        bytes,
        &format!("recognitions-{}-to-{}.csv", range.from, range.to),
    ))
}

// ---------------------------------------------------------------------------------------
// HR: behaviours

#[derive(Template, WebTemplate)]
#[template(path = "recognition/behaviours.html")]
pub struct BehavioursPage {
    pub chrome: Chrome,
    pub behaviours: Vec<Behaviour>,
    pub label: String,
    pub errors: FieldErrors,
}

async fn behaviours_page(
    state: &AppState,
    chrome: Chrome,
    label: String,
    errors: FieldErrors,
) -> AppResult<BehavioursPage> {
    Ok(BehavioursPage {
        chrome: chrome.at("recognition"),
        behaviours: store::behaviours(&state.pool).await?,
        label,
        errors,
    })
}

pub async fn behaviours(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<BehavioursPage> {
    behaviours_page(&state, chrome, String::new(), FieldErrors::new()).await
}

#[derive(Debug, Deserialize)]
pub struct BehaviourForm {
    #[serde(default)]
    label: String,
}

const LABEL_TAKEN: &str = "That behaviour is already on the list.";

/// Adds a behaviour at the end of the list in a transaction of its own (its position is
/// assigned under a lock held until commit).
async fn add_behaviour_in_tx(state: &AppState, label: &str) -> Result<(), DbError> {
    let mut tx = state.pool.begin().await?;
    store::insert_behaviour(&mut tx, label).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    chrome: Chrome,
    Form(form): Form<BehaviourForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    match rules::parse_behaviour_label(&form.label) {
        Ok(label) => match add_behaviour_in_tx(&state, &label).await {
            Ok(()) => {
                flash(
                    &session,
                    "success",
                    format!("\u{201c}{label}\u{201d} is on the list."),
                )
                .await?;
                return Ok(Redirect::to("/admin/recognition/behaviours").into_response());
            }
            Err(DbError::Conflict(constraint)) if constraint == store::LABEL_TAKEN => {
                errors.add("label", LABEL_TAKEN)
            }
            Err(err) => return Err(write_error(err)),
        },
        Err(message) => errors.add("label", message),
    }
    let page = behaviours_page(&state, chrome, form.label, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/behaviour_edit.html")]
pub struct BehaviourEditPage {
    pub chrome: Chrome,
    pub behaviour: Behaviour,
    pub label: String,
    pub errors: FieldErrors,
}

async fn find_behaviour(state: &AppState, id: &str) -> AppResult<Behaviour> {
    store::find_behaviour(&state.pool, path_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    Path(id): Path<String>,
) -> AppResult<BehaviourEditPage> {
    let behaviour = find_behaviour(&state, &id).await?;
    Ok(BehaviourEditPage {
        chrome: chrome.at("recognition"),
        label: behaviour.label.clone(),
        behaviour,
        errors: FieldErrors::new(),
    })
}

pub async fn update_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(form): Form<BehaviourForm>,
) -> AppResult<Response> {
    let behaviour = find_behaviour(&state, &id).await?;
    let mut errors = FieldErrors::new();
    match rules::parse_behaviour_label(&form.label) {
        Ok(label) => match store::rename_behaviour(&state.pool, behaviour.id, &label).await {
            Ok(_) => {
                flash(&session, "success", "The behaviour has been renamed.").await?;
                return Ok(Redirect::to("/admin/recognition/behaviours").into_response());
            }
            Err(DbError::Conflict(constraint)) if constraint == store::LABEL_TAKEN => {
                errors.add("label", LABEL_TAKEN)
            }
            Err(err) => return Err(write_error(err)),
        },
        Err(message) => errors.add("label", message),
    }
    let page = BehaviourEditPage {
        chrome: chrome.at("recognition"),
        behaviour,
        label: form.label,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    direction: String,
}

pub async fn move_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let behaviour = find_behaviour(&state, &id).await?;
    let up = match form.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => {
            let mut errors = FieldErrors::new();
            errors.add(
                "label",
                "Use the Move up or Move down buttons to reorder the list.",
            );
            let page = behaviours_page(&state, chrome, String::new(), errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.pool.begin().await?;
    store::move_behaviour(&mut tx, behaviour.id, up)
        .await
        .map_err(write_error)?;
    tx.commit().await.map_err(write_error)?;
    Ok(Redirect::to(&format!(
        "/admin/recognition/behaviours#behaviour-{}",
        behaviour.id
    ))
    .into_response())
}

async fn set_retired(
    state: &AppState,
    session: &Session,
    id: &str,
    retired: bool,
) -> AppResult<Redirect> {
    let behaviour = find_behaviour(state, id).await?;
    store::set_behaviour_retired(&state.pool, behaviour.id, retired)
        .await
        .map_err(write_error)?;
    let message = if retired {
        format!(
            "\u{201c}{}\u{201d} is retired: it can't be chosen any more, and past recognitions keep it.",
            behaviour.label
        )
    } else {
        format!("\u{201c}{}\u{201d} can be chosen again.", behaviour.label)
    };
    flash(session, "success", message).await?;
    Ok(Redirect::to("/admin/recognition/behaviours"))
}

pub async fn retire_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Redirect> {
    set_retired(&state, &session, &id, true).await
}

pub async fn reinstate_behaviour(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<Redirect> {
    set_retired(&state, &session, &id, false).await
}

// ---------------------------------------------------------------------------------------
// HR: spotlight

pub struct SpotlightWeek {
    pub week: String,
    pub current: bool,
    pub departments: Vec<(String, Vec<String>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/spotlight.html")]
pub struct SpotlightPage {
    pub chrome: Chrome,
    pub per_department: i32,
    pub weeks: Vec<SpotlightWeek>,
}

fn group_weeks(rows: Vec<SpotlightInvitation>, current: NaiveDate) -> Vec<SpotlightWeek> {
    let mut weeks: Vec<SpotlightWeek> = Vec::new();
    for row in rows {
        let label = format!("Week of {}", long_date(row.week_start));
        if weeks.last().map(|w| w.week != label).unwrap_or(true) {
            weeks.push(SpotlightWeek {
                week: label,
                current: row.week_start == current,
                departments: Vec::new(),
            });
        }
        let Some(week) = weeks.last_mut() else {
            continue;
        };
        let department = if row.department.is_empty() {
            "No department".to_string()
        } else {
            row.department
        };
        match week.departments.last_mut() {
            Some((name, people)) if *name == department => people.push(row.name),
            _ => week.departments.push((department, vec![row.name])),
        }
    }
    weeks
}

pub async fn spotlight(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<SpotlightPage> {
    let week = ensure_spotlight_round(&state, Utc::now()).await?;
    let settings = db::settings::get(&state.pool).await?;
    let since = week - Duration::weeks(SPOTLIGHT_WEEKS - 1);
    let rows = store::spotlight_history(&state.pool, since).await?;
    Ok(SpotlightPage {
        chrome: chrome.at("recognition"),
        per_department: settings.spotlight_per_department,
        weeks: group_weeks(rows, week),
    })
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/recognition", wall)
        .post("/recognition", create)
        .get("/recognition/new", new)
        .get("/recognition/colleagues", colleagues)
        .get("/recognition/mine", mine)
        .get("/recognition/given", given)
        .get("/recognition/received.csv", received_csv)
        .get("/recognition/people/{id}", person)
        .get("/recognition/{id}", show)
        .post("/recognition/{id}/appreciate", appreciate)
        .get("/recognition/{id}/report", report_page)
        .post("/recognition/{id}/report", report)
        .post("/recognition/{id}/visibility", set_visibility)
        .get("/admin/recognition", admin)
        .get("/admin/recognition/approvals", approvals)
        .post("/admin/recognition/{id}/approve", approve)
        .get("/admin/recognition/{id}/reject", reject_page)
        .post("/admin/recognition/{id}/reject", reject)
        .get("/admin/recognition/reports", reports)
        .post("/admin/recognition/{id}/keep", keep)
        .post("/admin/recognition/{id}/remove", remove)
        .get("/admin/recognition/fairness", fairness)
        .get("/admin/recognition/export", export_page)
        .get("/admin/recognition/export.csv", export_csv)
        .get("/admin/recognition/behaviours", behaviours)
        .post("/admin/recognition/behaviours", add_behaviour)
        .get("/admin/recognition/behaviours/{id}", edit_behaviour)
        .post("/admin/recognition/behaviours/{id}", update_behaviour)
        .post("/admin/recognition/behaviours/{id}/move", move_behaviour)
        .post(
            "/admin/recognition/behaviours/{id}/retire",
            retire_behaviour,
        )
        .post(
            "/admin/recognition/behaviours/{id}/reinstate",
            reinstate_behaviour,
        )
        .get("/admin/recognition/spotlight", spotlight)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_conflict_is_a_409_page_not_a_500() {
        let err = write_error(DbError::Conflict(
            "recognition_behaviours_position_key".into(),
        ));
        assert_eq!(err.status_code(), StatusCode::CONFLICT);
        assert!(matches!(&err, AppError::Conflict(message) if message == WRITE_CONFLICT));
        let err = write_error(sqlx::Error::RowNotFound);
        assert_eq!(err.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
