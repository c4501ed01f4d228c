//! HR's practice tools: role stories waiting for review, the challenge calendar (with the
//! starter calendar), and participation by month and department under the anonymity rules.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Months, NaiveDate, Utc};
use serde::Deserialize;
use tower_sessions::Session;

use super::ASPECTS;
use crate::app::practice as use_case;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::practice::{
    Challenge, ChallengeForm, ChallengeInput, Participation, RoleStory, STARTER_CALENDAR, month_of,
    next_months,
};
use crate::domain::teq::Aspect;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::{Invalid, ListForm};

/// A month of the calendar, scheduled or not.
pub struct CalendarMonth {
    pub month: NaiveDate,
    pub challenge: Option<Challenge>,
}

impl CalendarMonth {
    pub fn label(&self) -> String {
        self.month.format("%B %Y").to_string()
    }

    pub fn key(&self) -> String {
        self.month.format("%Y-%m").to_string()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "practice/admin.html")]
pub struct AdminPage {
    pub chrome: Chrome,
    pub stories: Vec<RoleStory>,
    pub calendar: Vec<CalendarMonth>,
    pub participation: Vec<Participation>,
    pub threshold: i64,
}

pub async fn overview(
    State(state): State<AppState>,
    HrActor(..): HrActor,
    chrome: Chrome,
) -> AppResult<AdminPage> {
    let today = Utc::now().date_naive();
    let this_month = month_of(today);
    let until = this_month + Months::new(12);
    let scheduled = db::practice::challenges_between(&state.pool, this_month, until).await?;
    let calendar = next_months(this_month, 12)
        .into_iter()
        .map(|month| CalendarMonth {
            month,
            challenge: scheduled.iter().find(|c| c.month == month).cloned(),
        })
        .collect();
    Ok(AdminPage {
        chrome: chrome.at("admin"),
        stories: db::practice::waiting_stories(&state.pool, 50).await?,
        calendar,
        participation: use_case::participation(&state.pool, today).await?,
        threshold: db::settings::get(&state.pool).await?.threshold(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "practice/challenge_form.html")]
pub struct ChallengePage {
    pub chrome: Chrome,
    pub form: ChallengeForm,
    pub errors: FieldErrors,
    pub aspects: [Aspect; 4],
    pub month_label: String,
}

impl ChallengePage {
    fn new(chrome: Chrome, form: ChallengeForm, errors: FieldErrors) -> Self {
        let month_label = NaiveDate::parse_from_str(&format!("{}-01", form.month), "%Y-%m-%d")
            .map(|m| m.format("%B %Y").to_string())
            .unwrap_or_else(|_| "a month".into());
        ChallengePage {
            chrome: chrome.at("admin"),
            form,
            errors,
            aspects: ASPECTS,
            month_label,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    #[serde(default)]
    month: String,
}

/// The form for one month: its challenge, or the starter calendar's idea for it.
pub async fn challenge_form(
    State(state): State<AppState>,
    HrActor(..): HrActor,
    chrome: Chrome,
    Query(query): Query<MonthQuery>,
) -> AppResult<ChallengePage> {
    let this_month = month_of(Utc::now().date_naive());
    let month = NaiveDate::parse_from_str(&format!("{}-01", query.month.trim()), "%Y-%m-%d")
        .ok()
        .filter(|m| *m >= this_month && m.year() < 10000)
        .unwrap_or(this_month);
    let form = match db::practice::challenge(&state.pool, month).await? {
        Some(challenge) => ChallengeForm::from_challenge(&challenge),
        None => {
            let offset = (month.year() - this_month.year()) * 12 + month.month() as i32
                - this_month.month() as i32;
            let starter = &STARTER_CALENDAR[offset.rem_euclid(12) as usize];
            ChallengeForm::from_starter(month, starter)
        }
    };
    Ok(ChallengePage::new(chrome, form, FieldErrors::new()))
}

pub async fn schedule(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    chrome: Chrome,
    ListForm(form): ListForm<ChallengeForm>,
) -> AppResult<Response> {
    let this_month = month_of(Utc::now().date_naive());
    let input = match ChallengeInput::parse(&form, this_month) {
        Ok(input) => input,
        Err(errors) => return Ok(Invalid(ChallengePage::new(chrome, form, errors)).into_response()),
    };
    use_case::schedule_challenge(&state.pool, actor, &input).await?;
    let label = input.month.format("%B %Y");
    flash(
        &session,
        "success",
        format!("{label}'s challenge is scheduled."),
    )
    .await?;
    Ok(Redirect::to("/admin/practice#calendar").into_response())
}

pub async fn starter(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
) -> AppResult<Response> {
    let this_month = month_of(Utc::now().date_naive());
    let filled = use_case::use_starter_calendar(&state.pool, Some(actor), this_month).await?;
    let message = match filled {
        0 => "Every month of the next twelve already has a challenge: nothing was changed."
            .to_string(),
        1 => "The starter calendar filled 1 month.".to_string(),
        n => format!(
            "The starter calendar filled {n} months; months you had scheduled are unchanged."
        ),
    };
    flash(&session, "success", message).await?;
    Ok(Redirect::to("/admin/practice#calendar").into_response())
}
