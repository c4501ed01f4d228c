//! HTTP: the router, middleware, extractors and handlers. No SQL and no business rules here.

pub mod account;
pub mod admin;
pub mod auth;
pub mod charts;
pub mod chrome;
pub mod errors;
pub mod events;
pub mod files;
pub mod forms;
pub mod health;
pub mod home;
pub mod insights;
pub mod people;
pub mod quiz;
pub mod recognition;
pub mod resources;
pub mod security;
pub mod settings;
pub mod setup;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::handler::Handler;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{MethodFilter, on};
use sqlx::PgPool;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use crate::config::AppConfig;

/// Largest request body accepted (forms and CSV uploads).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// An id from the path; anything that isn't one names no page, so it is a 404.
pub fn path_id(raw: &str) -> crate::error::AppResult<uuid::Uuid> {
    uuid::Uuid::parse_str(raw).map_err(|_| crate::error::AppError::NotFound)
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<AppConfig>,
}

/// The router plus a record of every route it serves, so tests can check that the
/// authorization matrix covers them all.
struct Routes {
    router: Router<AppState>,
    table: Vec<(Method, &'static str)>,
}

impl Routes {
    fn new() -> Self {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.on(Method::GET, MethodFilter::GET, path, handler)
    }

    fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.on(Method::POST, MethodFilter::POST, path, handler)
    }

    /// Adds another group of routes.
    fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    fn on<H, T>(
        mut self,
        method: Method,
        filter: MethodFilter,
        path: &'static str,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, on(filter, handler));
        self.table.push((method, path));
        self
    }
}

/// Every page and form of the application, signed in or not.
fn page_routes() -> Routes {
    Routes::new()
        .get("/", home::home)
        .get("/login", auth::login_page)
        .post("/login", auth::login)
        .post("/logout", auth::logout)
        .get("/setup/{token}", setup::first_admin_page)
        .post("/setup/{token}", setup::first_admin)
        .get("/invite/{token}", setup::invitation_page)
        .post("/invite/{token}", setup::accept_invitation)
        .get("/account", account::show)
        .post("/account/password", account::change_password)
        .post("/account/time-zone", account::change_time_zone)
        .get("/admin/people", people::list)
        .get("/admin/people/new", people::new_page)
        .post("/admin/people", people::create)
        .get("/admin/people/import", people::import_page)
        .post("/admin/people/import", people::import)
        .get("/admin/people/{id}", people::show)
        .post("/admin/people/{id}", people::update)
        .post("/admin/people/{id}/deactivate", people::deactivate)
        .post("/admin/people/{id}/reactivate", people::reactivate)
        .post("/admin/people/{id}/invitation", people::reinvite)
        .get("/plan", resources::plan)
        .post("/plan/{id}", resources::update_plan)
        .get("/admin/resources", resources::list)
        .get("/admin/resources/new", resources::new_page)
        .post("/admin/resources", resources::create)
        .get("/admin/resources/export.csv", resources::export)
        .get("/admin/resources/import", resources::import_page)
        .post("/admin/resources/import", resources::import)
        .get("/admin/resources/{id}", resources::edit)
        .post("/admin/resources/{id}", resources::update)
        .post("/admin/resources/{id}/archive", resources::archive)
        .post("/admin/resources/{id}/restore", resources::restore)
        .get("/admin", admin::index)
        .get("/admin/insights", insights::show)
        .get("/admin/settings", settings::show)
        .post("/admin/settings", settings::update)
        .get("/quiz", quiz::take)
        .post("/quiz", quiz::submit)
        .get("/quiz/history", quiz::history)
        .get("/quiz/attempts/{id}", quiz::results)
        .get("/quiz/attempts/{id}/delete", quiz::confirm_delete)
        .post("/quiz/attempts/{id}/delete", quiz::delete)
        .get("/events", events::list)
        .get("/events/new", events::new_page)
        .post("/events", events::create)
        .get("/events/calendar-feed", events::feed_page)
        .post("/events/calendar-feed", events::new_feed)
        .post("/events/calendar-feed/revoke", events::revoke_feed)
        .get("/events/{id}", events::show)
        .post("/events/{id}", events::update)
        .get("/events/{id}/edit", events::edit_page)
        .post("/events/{id}/publish", events::publish)
        .get("/events/{id}/cancel", events::confirm_cancel)
        .post("/events/{id}/cancel", events::cancel)
        .post("/events/{id}/duplicate", events::duplicate)
        .post("/events/{id}/rsvp", events::rsvp)
        .post("/events/{id}/rsvp/cancel", events::cancel_rsvp)
        .get("/events/{id}/calendar.ics", events::ics)
        .get("/events/{id}/pitch", events::pitch_page)
        .post("/events/{id}/pitch", events::save_pitch)
        .post("/events/{id}/pitch/withdraw", events::withdraw_pitch)
        .post("/events/{id}/pitches/{pitch_id}/decision", events::decide)
        .post("/events/{id}/pitches/{pitch_id}/move", events::move_story)
        .post("/events/{id}/pitches/{pitch_id}/note", events::leave_note)
        .post("/events/{id}/lineup", events::lineup_visibility)
        .post("/events/{id}/attendance", events::attendance)
        .get("/calendar/{file}", events::feed)
        .merge(recognition_routes())
}

/// Peer recognition: the wall, nominating, a person's recognitions, and HR's pages.
fn recognition_routes() -> Routes {
    use recognition as r;
    Routes::new()
        .get("/recognition", r::wall)
        .post("/recognition", r::create)
        .get("/recognition/new", r::new)
        .get("/recognition/colleagues", r::colleagues)
        .get("/recognition/mine", r::mine)
        .get("/recognition/given", r::given)
        .get("/recognition/received.csv", r::received_csv)
        .get("/recognition/people/{id}", r::person)
        .get("/recognition/{id}", r::show)
        .post("/recognition/{id}/appreciate", r::appreciate)
        .get("/recognition/{id}/report", r::report_page)
        .post("/recognition/{id}/report", r::report)
        .post("/recognition/{id}/visibility", r::set_visibility)
        .get("/admin/recognition", r::admin)
        .get("/admin/recognition/approvals", r::approvals)
        .post("/admin/recognition/{id}/approve", r::approve)
        .get("/admin/recognition/{id}/reject", r::reject_page)
        .post("/admin/recognition/{id}/reject", r::reject)
        .get("/admin/recognition/reports", r::reports)
        .post("/admin/recognition/{id}/keep", r::keep)
        .post("/admin/recognition/{id}/remove", r::remove)
        .get("/admin/recognition/fairness", r::fairness)
        .get("/admin/recognition/export", r::export_page)
        .get("/admin/recognition/export.csv", r::export_csv)
        .get("/admin/recognition/behaviours", r::behaviours)
        .post("/admin/recognition/behaviours", r::add_behaviour)
        .get("/admin/recognition/behaviours/{id}", r::edit_behaviour)
        .post("/admin/recognition/behaviours/{id}", r::update_behaviour)
        .post("/admin/recognition/behaviours/{id}/move", r::move_behaviour)
        .post(
            "/admin/recognition/behaviours/{id}/retire",
            r::retire_behaviour,
        )
        .post(
            "/admin/recognition/behaviours/{id}/reinstate",
            r::reinstate_behaviour,
        )
        .get("/admin/recognition/spotlight", r::spotlight)
}

/// Routes that need no session: probes and static files are not listed in the table of pages.
fn probe_routes() -> Routes {
    Routes::new()
        .get("/healthz", health::healthz)
        .get("/readyz", health::readyz)
}

/// Every (method, path) the application serves, for the authorization matrix test.
pub fn route_table() -> Vec<(Method, &'static str)> {
    let mut table = page_routes().table;
    table.extend(probe_routes().table);
    table
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let store = PostgresStore::new(state.pool.clone());
    let sessions = SessionManagerLayer::new(store)
        .with_name("attune_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.is_https())
        .with_expiry(Expiry::OnInactivity(config.session_idle));

    let pages = page_routes()
        .router
        .fallback(errors::not_found)
        .layer(from_fn_with_state(state.clone(), auth::resolve_viewer))
        .layer(sessions)
        .layer(from_fn(security::no_store));

    let statics = Router::new()
        .nest_service("/static", ServeDir::new(static_dir()))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ));

    let csrf = CsrfLayer::new()
        .add_trusted_origin(config.origin())
        .expect("the base URL has a valid origin");

    let request_id = HeaderName::from_static("x-request-id");
    pages
        .merge(probe_routes().router)
        .merge(statics)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request| {
                            let matched = request
                                .extensions()
                                .get::<MatchedPath>()
                                .map(MatchedPath::as_str)
                                .unwrap_or("(unmatched)");
                            let request_id = request
                                .headers()
                                .get("x-request-id")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("");
                            tracing::info_span!(
                                "request",
                                method = %request.method(),
                                path = matched,
                                request_id,
                                status = tracing::field::Empty,
                            )
                        })
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(CatchPanicLayer::new())
                .layer(from_fn_with_state(config.clone(), security::headers))
                .layer(from_fn(errors::render_error_pages))
                .layer(csrf)
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
                .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    Duration::from_secs(30),
                )),
        )
}

/// Where the static assets are: next to the binary's working directory, or `ATTUNE_STATIC_DIR`.
fn static_dir() -> std::path::PathBuf {
    std::env::var_os("ATTUNE_STATIC_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static"))
}
