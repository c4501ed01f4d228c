//! HR's view of connecting across teams (`/admin/connect`): the pairing settings, and only
//! aggregates: per round, how many take part, were paired and marked their conversation as
//! happened; per circle programme, sign-ups, circles, sessions reviewed and retention. A
//! figure about fewer people than the anonymity threshold is never shown.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;

use crate::app::connect::{self as app, ProgrammeFigures, RoundShown};
use crate::domain::FieldErrors;
use crate::domain::connect::SettingsForm;
use crate::domain::time;
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::audit::HrActor;
use crate::web::chrome::{Chrome, flash};
use crate::web::extract::Invalid;
use crate::web::guards::HrAdmin;

/// Rounds HR sees.
const ROUNDS_SHOWN: i64 = 12;

pub struct RoundRow {
    pub week: String,
    /// Participants, paused, placed, conversations, happened (%), skipped (%): or hidden.
    pub figures: Option<[String; 6]>,
}

fn percent(part: i32, whole: i32) -> String {
    if whole <= 0 {
        "–".into()
    } else {
        format!("{}%", i64::from(part) * 100 / i64::from(whole))
    }
}

fn round_row(round: &RoundShown) -> RoundRow {
    RoundRow {
        week: time::long_date(round.week_start),
        figures: round.figures.as_ref().map(|f| {
            [
                f.participants.to_string(),
                f.paused.to_string(),
                format!("{} of {}", f.placed, f.due),
                f.groups.to_string(),
                percent(f.happened, f.groups),
                percent(f.skipped, f.groups),
            ]
        }),
    }
}

pub struct ProgrammeRow {
    pub theme: String,
    pub closes: String,
    pub signed_up: String,
    pub circles: String,
    pub sessions: String,
    pub retention: String,
}

fn programme_row(p: &ProgrammeFigures, threshold: i64) -> ProgrammeRow {
    let few = format!("fewer than {threshold}");
    let (circles, sessions, retention) = match (p.formed, p.circles) {
        (false, _) => ("not formed yet".into(), "–".into(), "–".into()),
        (true, None) => (few.clone(), few.clone(), few.clone()),
        (true, Some((c, s, r))) => (c.to_string(), s.to_string(), format!("{r}%")),
    };
    ProgrammeRow {
        theme: p.theme.clone(),
        closes: time::long_date(p.signup_closes_on),
        signed_up: p.signed_up.map(|n| n.to_string()).unwrap_or(few),
        circles,
        sessions,
        retention,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "connect/admin.html")]
pub struct AdminPage {
    pub chrome: Chrome,
    pub form: SettingsForm,
    pub errors: FieldErrors,
    pub rounds: Vec<RoundRow>,
    pub programmes: Vec<ProgrammeRow>,
    pub threshold: i64,
}

async fn page(
    state: &AppState,
    chrome: Chrome,
    form: Option<SettingsForm>,
    errors: FieldErrors,
) -> AppResult<AdminPage> {
    let form = match form {
        Some(form) => form,
        None => SettingsForm::of(app::pair_settings(&state.pool).await?),
    };
    let threshold = crate::db::settings::get(&state.pool).await?.threshold();
    let rounds = app::round_figures(&state.pool, ROUNDS_SHOWN, threshold).await?;
    let programmes = app::circle_figures(&state.pool, Utc::now(), threshold).await?;
    Ok(AdminPage {
        chrome: chrome.at("admin"),
        form,
        errors,
        rounds: rounds.iter().map(round_row).collect(),
        programmes: programmes
            .iter()
            .map(|p| programme_row(p, threshold))
            .collect(),
        threshold,
    })
}

pub async fn overview(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<AdminPage> {
    page(&state, chrome, None, FieldErrors::new()).await
}

pub async fn save_settings(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    session: Session,
    chrome: Chrome,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    match form.parse() {
        Ok(settings) => {
            app::save_pair_settings(&state.pool, actor, settings).await?;
            flash(
                &session,
                "success",
                "Pairing settings saved. They apply from the next round.",
            )
            .await?;
            Ok(Redirect::to("/admin/connect").into_response())
        }
        Err(errors) => {
            let page = page(&state, chrome, Some(form), errors).await?;
            Ok(Invalid(page).into_response())
        }
    }
}
