//! A person's recognitions: those they received, those they gave, a colleague's profile, and
//! their own CSV file.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{Redirect, Response};
use chrono::Utc;

use super::{ColleagueView, PER_PAGE, PageQuery, PostView, csv_response, export_error, posts};
use crate::db::recognition::PersonList;
use crate::db::{self, recognition as store};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::people::Person;
use crate::domain::recognition as rules;
use crate::domain::time;
use crate::error::{AppResult, OrNotFound};
use crate::web::AppState;
use crate::web::chrome::Chrome;
use crate::web::extract::PathId;
use crate::web::guards::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "recognition/mine.html")]
pub struct MinePage {
    pub chrome: Chrome,
    pub posts: Vec<PostView>,
    pub page: Page,
    pub filter_query: String,
    pub back: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "recognition/given.html")]
pub struct GivenPage {
    pub chrome: Chrome,
    pub posts: Vec<PostView>,
    pub page: Page,
    pub filter_query: String,
    pub back: String,
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

/// Recognitions the person received, private ones included. Reading it writes nothing: the home
/// page's "Read them" button marks the news seen (see [`mark_received_seen`]).
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> AppResult<MinePage> {
    let path = "/recognition/mine";
    let list = own_list(&state, &person, PersonList::Received, &query, path).await?;
    Ok(MinePage {
        chrome: chrome.at("recognition"),
        posts: list.posts,
        page: list.page,
        filter_query: String::new(),
        back: list.back,
    })
}

/// What the person nominated, with each nomination's status and any reason from HR.
pub async fn given(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> AppResult<GivenPage> {
    let path = "/recognition/given";
    let list = own_list(&state, &person, PersonList::Given, &query, path).await?;
    Ok(GivenPage {
        chrome: chrome.at("recognition"),
        posts: list.posts,
        page: list.page,
        filter_query: String::new(),
        back: list.back,
    })
}

/// The home page's "Read them": the recognitions received so far are no longer news, and the
/// person goes on to read them.
pub async fn mark_received_seen(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
) -> AppResult<Redirect> {
    store::mark_received_seen(&state.pool, person.id, Utc::now()).await?;
    Ok(Redirect::to("/recognition/mine"))
}

/// The home page's "See why": HR's decisions on the person's nominations are no longer news,
/// and the person goes on to read them with their reasons.
pub async fn mark_decisions_seen(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
) -> AppResult<Redirect> {
    store::mark_decisions_seen(&state.pool, person.id, Utc::now()).await?;
    Ok(Redirect::to("/recognition/given"))
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
}

/// A colleague's recognitions on the wall (their public recognition profile).
pub async fn person(
    State(state): State<AppState>,
    CurrentUser(viewer): CurrentUser,
    chrome: Chrome,
    PathId(id): PathId,
    Query(query): Query<PageQuery>,
) -> AppResult<PersonPage> {
    let subject = db::people::find(&state.pool, id).await?.or_404()?;
    let request = PageRequest::parse(query.page.as_deref(), PER_PAGE);
    let list = PersonList::Profile;
    let (found, total) =
        store::for_person(&state.pool, viewer.id, subject.id, list, request).await?;
    Ok(PersonPage {
        chrome: chrome.at("recognition"),
        is_self: subject.id == viewer.id,
        can_recognise: subject.active && subject.id != viewer.id,
        back: format!("/recognition/people/{}?page={}", subject.id, request.page),
        subject: ColleagueView::of(&subject),
        posts: posts(found, &viewer),
        page: request.of(total),
        filter_query: String::new(),
    })
}

/// Every recognition the person received, as CSV (for their review conversations).
pub async fn received_csv(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
) -> AppResult<Response> {
    let received = store::all_received(&state.pool, person.id).await?;
    let bytes = rules::to_csv(&received).map_err(export_error)?;
    let date = time::iso_date(time::today_in(person.time_zone, Utc::now()));
    Ok(csv_response(
        bytes,
        &format!("recognitions-received-{date}.csv"),
    ))
}
