//! Email pages: HR's outbox (what is waiting, what failed and why; never a message's body) and
//! the one-click unsubscribe link that works without signing in.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Redirect;
use chrono::Utc;
use tower_sessions::Session;

use super::AppState;
use super::chrome::{Chrome, flash};
use super::extract::PathId;
use super::guards::HrAdmin;
use super::routes::Routes;
use crate::app::mail as use_case;
use crate::db;
use crate::db::mail::{FailedMessage, OutboxCounts};
use crate::domain::mail::MailKind;
use crate::domain::time::utc_date_time;
use crate::error::{AppError, AppResult};

/// Failed messages HR sees, newest first.
const FAILED_LIMIT: i64 = 100;

/// This area's pages and forms.
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/admin/outbox", outbox)
        .post("/admin/outbox/{id}/retry", retry)
        .get("/unsubscribe/{token}", unsubscribe_page)
        .post("/unsubscribe/{token}", unsubscribe)
}

/// A failed message as the outbox lists it.
pub struct FailedView {
    pub id: uuid::Uuid,
    pub kind: &'static str,
    pub to: String,
    pub attempts: i32,
    pub error: String,
    pub queued_on: String,
}

impl From<FailedMessage> for FailedView {
    fn from(message: FailedMessage) -> Self {
        FailedView {
            id: message.id,
            kind: message.kind.0.preference_label(),
            to: message.to_address,
            attempts: message.attempts,
            error: message.last_error.unwrap_or_default(),
            queued_on: utc_date_time(message.created_at),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mail/outbox.html")]
pub struct OutboxPage {
    pub chrome: Chrome,
    /// The SMTP server, or `None` when mail is not configured.
    pub server: Option<String>,
    pub counts: OutboxCounts,
    pub failed: Vec<FailedView>,
}

pub async fn outbox(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
) -> AppResult<OutboxPage> {
    let week_ago = Utc::now() - chrono::Duration::days(7);
    let counts = db::mail::counts(&state.pool, week_ago).await?;
    let failed = db::mail::failed(&state.pool, FAILED_LIMIT).await?;
    Ok(OutboxPage {
        chrome: chrome.at("outbox"),
        server: state.config.mail.as_ref().map(|mail| mail.server.clone()),
        counts,
        failed: failed.into_iter().map(FailedView::from).collect(),
    })
}

pub async fn retry(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    session: Session,
    PathId(id): PathId,
) -> AppResult<Redirect> {
    if !db::mail::retry(&state.pool, id, Utc::now()).await? {
        return Err(AppError::Conflict(
            "That message isn't waiting for a retry any more: it was retried or sent already."
                .into(),
        ));
    }
    flash(
        &session,
        "success",
        "The message will be sent again shortly.",
    )
    .await?;
    Ok(Redirect::to("/admin/outbox"))
}

#[derive(Template, WebTemplate)]
#[template(path = "mail/unsubscribe.html")]
pub struct UnsubscribePage {
    pub chrome: Chrome,
    pub token: String,
    pub kind: MailKind,
    pub done: bool,
}

impl UnsubscribePage {
    /// The page for a link; an invalid link names no page.
    fn new(chrome: Chrome, token: String, kind: Option<MailKind>, done: bool) -> AppResult<Self> {
        let kind = kind.ok_or(AppError::NotFound)?;
        Ok(UnsubscribePage {
            chrome,
            token,
            kind,
            done,
        })
    }
}

/// Asks to confirm (a link opened by a mail scanner must not unsubscribe anyone).
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(token): Path<String>,
) -> AppResult<UnsubscribePage> {
    let kind = use_case::read_unsubscribe(&state.pool, &token).await?;
    UnsubscribePage::new(chrome, token, kind, false)
}

/// The confirmation, and RFC 8058's one-click POST from mail clients.
pub async fn unsubscribe(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(token): Path<String>,
) -> AppResult<UnsubscribePage> {
    let kind = use_case::unsubscribe(&state.pool, &token).await?;
    UnsubscribePage::new(chrome, token, kind, true)
}
