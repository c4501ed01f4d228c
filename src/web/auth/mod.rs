//! Who is signed in: the viewer middleware, sessions and the client address (here), the
//! sign-in form and signing out (`sign_in.rs`), joining through a setup or invitation link
//! (`joining.rs`), resetting a forgotten password by email (`password.rs`), and signing in
//! with the company's identity provider (`sso.rs`).

mod joining;
mod password;
mod sign_in;
mod sso;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::chrome::{FLASH_KEY, PendingFlashes, Viewer};
use crate::db;
use crate::error::AppResult;

use crate::db::sessions::AUTH_KEY;

/// What a session remembers about who signed in.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct AuthRecord {
    person_id: Uuid,
    epoch: i32,
    signed_in_at: i64,
    /// When the session's idle expiry was last pushed back (seconds since the epoch).
    #[serde(default)]
    refreshed_at: i64,
    /// When the person last confirmed it was them (password or identity provider) without
    /// starting a new session, for sensitive actions (seconds since the epoch; 0: never).
    #[serde(default)]
    confirmed_at: i64,
}

impl AuthRecord {
    /// When the person last proved it was them: signing in or confirming since.
    fn authenticated_at(&self) -> i64 {
        self.signed_in_at.max(self.confirmed_at)
    }
}

/// When the signed-in person last authenticated (seconds since the epoch), for the guard on
/// sensitive actions (`web::privacy::RecentAuth`).
#[derive(Debug, Clone, Copy)]
pub struct Authenticated(pub i64);

/// How often a signed-in person's session is written to keep it alive: a page view writes
/// nothing unless the last refresh is older than this, so the idle timeout is honoured to
/// within these minutes.
const REFRESH_EVERY_SECONDS: i64 = 5 * 60;

/// Middleware: resolves the signed-in person once per request. A session is ended when the
/// person was deactivated, changed their password elsewhere, or signed in too long ago.
pub async fn resolve_viewer(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let (viewer, flashes, authenticated) = match load_viewer(&state, &session).await {
        Ok(loaded) => loaded,
        Err(err) => return err.into_response(),
    };
    if let Some(at) = authenticated {
        request.extensions_mut().insert(Authenticated(at));
    }
    request.extensions_mut().insert(viewer.clone());
    request.extensions_mut().insert(flashes);
    let mut response = next.run(request).await;
    response.extensions_mut().insert(viewer);
    response
}

async fn load_viewer(
    state: &AppState,
    session: &Session,
) -> AppResult<(Viewer, PendingFlashes, Option<i64>)> {
    // The session, its person and their unread count in one query (none without a cookie).
    let Some(id) = session.id() else {
        return Ok(Default::default());
    };
    let Some(view) = db::sessions::viewer(&state.pool, &id).await? else {
        return Ok(Default::default());
    };
    let flashes = PendingFlashes(
        view.data
            .get(FLASH_KEY)
            .and_then(|value| serde_json::from_value(value.clone()).ok())
            .unwrap_or_default(),
    );
    let Some(record) = view
        .data
        .get(AUTH_KEY)
        .and_then(|value| serde_json::from_value::<AuthRecord>(value.clone()).ok())
    else {
        return Ok((Viewer::default(), flashes, None));
    };
    let age = Utc::now().timestamp() - record.signed_in_at;
    match view.person {
        Some((person, unread))
            if person.id == record.person_id
                && person.active
                && person.session_epoch == record.epoch
                && age < state.config.session_absolute.num_seconds() =>
        {
            let now = Utc::now().timestamp();
            let authenticated = record.authenticated_at();
            if now - record.refreshed_at >= REFRESH_EVERY_SECONDS {
                let refreshed = AuthRecord {
                    refreshed_at: now,
                    ..record
                };
                session.insert(AUTH_KEY, refreshed).await?;
            }
            Ok((
                Viewer(Some(Arc::new(person)), unread),
                flashes,
                Some(authenticated),
            ))
        }
        _ => {
            session.flush().await?;
            Ok(Default::default())
        }
    }
}

/// Starts a fresh session for a person (a new session id, so a planted id is useless).
pub async fn start_session(session: &Session, person_id: Uuid, epoch: i32) -> AppResult<()> {
    session.cycle_id().await?;
    session
        .insert(
            AUTH_KEY,
            AuthRecord {
                person_id,
                epoch,
                signed_in_at: Utc::now().timestamp(),
                refreshed_at: Utc::now().timestamp(),
                confirmed_at: 0,
            },
        )
        .await?;
    Ok(())
}

/// Records that the signed-in person just confirmed it is them (their password again), for
/// sensitive actions in the next minutes. The session keeps its id and its age.
pub async fn confirm_session(session: &Session) -> AppResult<()> {
    if let Some(record) = session.get::<AuthRecord>(AUTH_KEY).await? {
        let confirmed = AuthRecord {
            confirmed_at: Utc::now().timestamp(),
            ..record
        };
        session.insert(AUTH_KEY, confirmed).await?;
    }
    Ok(())
}

/// The client's address, for throttling.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_proxy {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            if forwarded.is_some() {
                return Ok(ClientIp(forwarded));
            }
        }
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

/// Only same-site paths are followed after sign-in (no open redirects).
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if ok { next } else { "/" }
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/login", sign_in::login_page)
        .post("/login", sign_in::login)
        .post("/logout", sign_in::logout)
        .post("/auth/oidc/start", sso::start)
        .get("/auth/oidc/callback", sso::callback)
        .get("/setup/{token}", joining::first_admin_page)
        .post("/setup/{token}", joining::first_admin)
        .get("/invite/{token}", joining::invitation_page)
        .post("/invite/{token}", joining::accept_invitation)
        .get("/password/forgot", password::forgot_page)
        .post("/password/forgot", password::forgot)
        .get("/password/reset/{token}", password::reset_page)
        .post("/password/reset/{token}", password::reset)
}
