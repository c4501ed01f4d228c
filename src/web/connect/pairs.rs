//! The Conversations page: taking part (opt in, change, pause, resume, leave), the current
//! pair with prompts and its calendar file, marking it, earlier conversations; and the
//! person's circles and the programmes open for sign-up.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use tower_sessions::Session;

use super::MateView;
use crate::app::connect::{self as app, CONVERSATIONS, circle_path, programme_path};
use crate::db::connect::circles as circle_store;
use crate::db::connect::pairs::PairView;
use crate::domain::FieldErrors;
use crate::domain::connect::{
    self as rules, JoinForm, Mode, Outcome, Participation, Stage, prompts_for,
};
use crate::domain::events::can_organize;
use crate::domain::people::Person;
use crate::domain::time;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, PathId};
use crate::web::files::attachment;
use crate::web::guards::CurrentUser;

/// A conversation as the page shows it.
pub struct PairCard {
    pub id: String,
    pub week: String,
    pub mode: &'static str,
    pub mates: Vec<MateView>,
    pub names: String,
    pub prompts: Vec<&'static str>,
    pub outcome: Option<Outcome>,
}

impl PairCard {
    pub fn happened(&self) -> bool {
        self.outcome == Some(Outcome::Happened)
    }

    pub fn skipped(&self) -> bool {
        self.outcome == Some(Outcome::Skipped)
    }
}

fn card(view: &PairView) -> PairCard {
    PairCard {
        id: view.id.to_string(),
        week: format!("Week of {}", time::long_date(view.week_start)),
        mode: view.mode.label(),
        names: view
            .mates
            .iter()
            .map(|m| m.display_name.as_str())
            .collect::<Vec<_>>()
            .join(" and "),
        mates: view.mates.iter().map(MateView::from).collect(),
        prompts: prompts_for(view.id),
        outcome: view.outcome,
    }
}

/// A circle or programme link on the page.
pub struct Link {
    pub href: String,
    pub label: String,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "connect/conversations.html")]
pub struct ConversationsPage {
    pub chrome: Chrome,
    pub participation: Option<Participation>,
    pub next_round: String,
    pub current: Option<PairCard>,
    pub earlier: Vec<PairCard>,
    pub form: JoinForm,
    pub errors: FieldErrors,
    pub my_circles: Vec<Link>,
    pub programmes: Vec<Link>,
    pub can_organize: bool,
}

impl ConversationsPage {
    pub fn cadence_label(&self) -> &'static str {
        match self.participation.map(|p| p.cadence_weeks) {
            Some(1) => "every week",
            Some(2) => "every two weeks",
            _ => "every four weeks",
        }
    }

    pub fn mode_label(&self) -> &'static str {
        self.participation
            .map(|p| p.mode)
            .unwrap_or(Mode::Video)
            .label()
    }
}

async fn page(
    state: &AppState,
    person: &Person,
    chrome: Chrome,
    form: Option<JoinForm>,
    errors: FieldErrors,
) -> AppResult<ConversationsPage> {
    let now = Utc::now();
    let participation = app::participation(&state.pool, person).await?;
    let pairs = app::my_pairs(&state.pool, person, 6).await?;
    let mut cards = pairs.iter().map(card);
    // The latest conversation is current for four weeks at most.
    let this_week = rules::round_of(now.date_naive());
    let current_is_recent = pairs
        .first()
        .is_some_and(|p| p.week_start + Duration::weeks(4) > this_week);
    let current = if current_is_recent {
        cards.next()
    } else {
        None
    };
    let earlier: Vec<PairCard> = cards.collect();
    let form = form.unwrap_or_else(|| JoinForm {
        cadence: participation
            .map(|p| p.cadence_weeks.to_string())
            .unwrap_or_else(|| "2".into()),
        mode: participation
            .map(|p| p.mode.as_str().to_string())
            .unwrap_or_else(|| "video".into()),
    });
    let next_round = participation
        .map(|p| {
            let due = p.next_due.max(this_week);
            format!(
                "Your next pair is drawn in the week of {}.",
                time::long_date(due)
            )
        })
        .unwrap_or_default();
    let my_circles = circle_store::my_circles(&state.pool, person.id)
        .await?
        .into_iter()
        .map(|c| Link {
            href: circle_path(c.id),
            label: c.theme,
            note: format!("Circle {}", c.number),
        })
        .collect();
    let since = now.date_naive() - Duration::days(30);
    let programmes = circle_store::recent_programmes(&state.pool, since, 10)
        .await?
        .into_iter()
        .filter(|p| p.stage(p.today(now)) != Stage::Formed)
        .map(|p| {
            let note = match p.stage(p.today(now)) {
                Stage::NotOpenYet => {
                    format!("Sign-ups open on {}", time::long_date(p.signup_opens_on))
                }
                Stage::SigningUp => format!("Sign up by {}", time::long_date(p.signup_closes_on)),
                _ => "Sign-ups closed; circles are being formed".into(),
            };
            Link {
                href: programme_path(p.id),
                label: p.theme,
                note,
            }
        })
        .collect();
    Ok(ConversationsPage {
        chrome: chrome.at("connect"),
        participation,
        next_round,
        current,
        earlier,
        form,
        errors,
        my_circles,
        programmes,
        can_organize: can_organize(person),
    })
}

pub async fn conversations(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    chrome: Chrome,
) -> AppResult<ConversationsPage> {
    page(&state, &person, chrome, None, FieldErrors::new()).await
}

pub async fn join(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    chrome: Chrome,
    Form(form): Form<JoinForm>,
) -> AppResult<Response> {
    let joining = match form.parse() {
        Ok(joining) => joining,
        Err(errors) => {
            let page = page(&state, &person, chrome, Some(form), errors).await?;
            return Ok(Invalid(page).into_response());
        }
    };
    let was = app::participation(&state.pool, &person).await?;
    app::join(&state.pool, &person, joining, Utc::now()).await?;
    let message = if was.is_some() {
        "Saved. Your next conversations follow your new choice."
    } else {
        "You're in. You'll hear who you're paired with here and by email as soon as your round is drawn."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(CONVERSATIONS).into_response())
}

pub async fn pause(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
) -> AppResult<Response> {
    app::set_paused(&state.pool, &person, true, Utc::now()).await?;
    flash(
        &session,
        "success",
        "Paused. You won't be paired until you resume; your current conversation stays here.",
    )
    .await?;
    Ok(Redirect::to(CONVERSATIONS).into_response())
}

pub async fn resume(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
) -> AppResult<Response> {
    app::set_paused(&state.pool, &person, false, Utc::now()).await?;
    flash(
        &session,
        "success",
        "Welcome back. You'll be in the next round.",
    )
    .await?;
    Ok(Redirect::to(CONVERSATIONS).into_response())
}

pub async fn leave(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
) -> AppResult<Response> {
    let message = if app::leave(&state.pool, &person).await? {
        "You've left conversation pairs. Your past conversations stay visible to you; join again any time."
    } else {
        "You weren't taking part in conversation pairs, so nothing changed."
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to(CONVERSATIONS).into_response())
}

async fn mark(
    state: &AppState,
    person: &Person,
    session: &Session,
    id: uuid::Uuid,
    outcome: Outcome,
) -> AppResult<Response> {
    let view = app::mark(&state.pool, person, id, outcome, Utc::now()).await?;
    let names = card(&view).names;
    let message = match outcome {
        Outcome::Happened => format!("Marked as happened. Thanks for making time for {names}."),
        Outcome::Skipped => {
            "Marked as skipped. No worries: there's another conversation next round.".to_string()
        }
    };
    flash(session, "success", message).await?;
    Ok(Redirect::to(CONVERSATIONS).into_response())
}

pub async fn happened(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    mark(&state, &person, &session, id, Outcome::Happened).await
}

pub async fn skipped(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Response> {
    mark(&state, &person, &session, id, Outcome::Skipped).await
}

/// The conversation's calendar file: a proposed half hour in the members' shared hours.
pub async fn calendar(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let view = app::pair_for_member(&state.pool, &person, id).await?;
    let mut zones = vec![person.time_zone];
    zones.extend(view.mates.iter().map(|m| m.time_zone.0));
    let at = rules::proposed_time(view.week_start, &zones, Utc::now());
    let names: Vec<String> = view.mates.iter().map(|m| m.display_name.clone()).collect();
    let ics = rules::conversation_calendar(
        view.id,
        at,
        view.mode,
        &names,
        &prompts_for(view.id),
        &state.config.url_for(CONVERSATIONS),
        "PUBLISH",
    );
    Ok(attachment(
        "text/calendar; charset=utf-8",
        "conversation.ics",
        ics,
    ))
}

// --- The home page ----------------------------------------------------------------------

/// What the home page shows about conversations.
pub struct HomeConnect {
    pub taking_part: bool,
    pub paused: bool,
    pub current: Option<PairCard>,
}

pub async fn home_summary(state: &AppState, person: &Person) -> AppResult<HomeConnect> {
    let participation = app::participation(&state.pool, person).await?;
    let this_week = rules::round_of(Utc::now().date_naive());
    let latest = app::my_pairs(&state.pool, person, 1).await?;
    let current = latest
        .first()
        .filter(|p| p.week_start + Duration::weeks(4) > this_week)
        .map(card);
    Ok(HomeConnect {
        taking_part: participation.is_some(),
        paused: participation.is_some_and(|p| p.paused),
        current,
    })
}
