//! HTTP: the router, middleware, extractors and handlers. No SQL and no business rules here.

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod bench;
pub mod charts;
pub mod chrome;
pub mod connect;
pub mod errors;
pub mod events;
pub mod extract;
pub mod files;
pub mod forms;
pub mod guards;
pub mod health;
pub mod home;
pub mod insights;
pub mod mail;
pub mod notifications;
pub mod people;
pub mod practice;
pub mod privacy;
pub mod pulse;
pub mod quiz;
pub mod recognition;
pub mod resources;
mod routes;
pub mod security;
pub mod settings;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{from_fn, from_fn_with_state};
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

use crate::config::AppConfig;
use routes::Routes;

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
    /// Sign-in with the identity provider, when one is configured.
    pub sso: Option<Arc<crate::sso::Sso>>,
}

impl AppState {
    /// The state for a pool and settings (the identity provider is discovered when first
    /// needed).
    pub fn new(pool: PgPool, config: Arc<AppConfig>) -> AppState {
        let sso = config.oidc.clone().and_then(|oidc| {
            crate::sso::Sso::new(oidc, &config)
                .map(Arc::new)
                .map_err(|err| tracing::error!(error = %err, "sign-in with the identity provider is off"))
                .ok()
        });
        AppState { pool, config, sso }
    }

    /// Whether password sign-in is off for everyone but HR admins: HR chose "SSO only" and
    /// a provider is configured.
    pub async fn sso_only(&self) -> crate::error::AppResult<bool> {
        Ok(self.sso.is_some() && crate::db::settings::get_sso(&self.pool).await?.sso_only)
    }
}

/// Every page and form of the application, signed in or not: each area lists its own.
fn page_routes() -> Routes {
    Routes::new()
        .merge(home::routes())
        .merge(auth::routes())
        .merge(account::routes())
        .merge(mail::routes())
        .merge(notifications::routes())
        .merge(people::routes())
        .merge(resources::routes())
        .merge(admin::routes())
        .merge(audit::routes())
        .merge(insights::routes())
        .merge(settings::routes())
        .merge(quiz::routes())
        .merge(events::routes())
        .merge(recognition::routes())
        .merge(privacy::routes())
        .merge(practice::routes())
        .merge(connect::routes())
        .merge(pulse::routes())
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
    let store = crate::db::sessions::PgSessionStore::new(state.pool.clone());
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
    let headers_state = state.clone();
    let bench = config.bench_reference.then(|| bench::router(state.clone()));
    let app = pages
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
                .layer(from_fn_with_state(headers_state, security::headers))
                .layer(from_fn(errors::render_error_pages))
                .layer(csrf)
                .layer(from_fn(security::require_fetch_metadata))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
                .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    Duration::from_secs(30),
                )),
        );
    match bench {
        Some(reference) => app.merge(reference),
        None => app,
    }
}

/// Where the static assets are: next to the binary's working directory, or `ATTUNE_STATIC_DIR`.
fn static_dir() -> std::path::PathBuf {
    std::env::var_os("ATTUNE_STATIC_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static"))
}
