//! Security headers on every response, and no caching of pages that may be personal.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::response::Response;

use super::AppState;
use crate::error::ErrorMessage;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The policy when people sign in with an identity provider: the sign-in button and the
/// sign-out form end in a redirect to the provider, which `form-action` must allow.
fn policy_with_provider(origins: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&CONTENT_SECURITY_POLICY.replace(
        "form-action 'self';",
        &format!("form-action 'self' {origins};"),
    ))
    .ok()
}

pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let config = &state.config;
    let headers = response.headers_mut();
    let policy = state
        .sso
        .as_ref()
        .and_then(|sso| policy_with_provider(&sso.form_targets()))
        .unwrap_or(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if config.is_https() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

/// Pages can hold personal data: never let a browser or proxy keep a copy.
pub async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Whether a request says where it comes from: a non-empty `Origin` or `Sec-Fetch-Site`.
fn has_fetch_metadata(headers: &HeaderMap) -> bool {
    [header::ORIGIN.as_str(), "sec-fetch-site"]
        .iter()
        .any(|name| headers.get(*name).is_some_and(|value| !value.is_empty()))
}

/// Paths whose POSTs come from outside any browser by design: a mail client's one-click
/// unsubscribe (RFC 8058), which is authorised by the signed link itself, not a session.
fn posted_without_a_browser(path: &str) -> bool {
    path.starts_with("/unsubscribe/")
}

/// Defence in depth behind `tower_http::csrf` (which lets through a request that carries
/// neither header): a state-changing request must say where it comes from. Every browser
/// Attune supports sends `Origin` on a form POST (and `Sec-Fetch-Site` on every request), so
/// only non-browser clients are refused; Attune's pages are its only client, so no form needs
/// a token. `tower_http::csrf` then checks the headers' values.
pub async fn require_fetch_metadata(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if safe
        || has_fetch_metadata(request.headers())
        || posted_without_a_browser(request.uri().path())
    {
        return next.run(request).await;
    }
    tracing::info!(
        method = %request.method(),
        "refused a state-changing request without Origin or Sec-Fetch-Site"
    );
    let mut response = StatusCode::FORBIDDEN.into_response();
    response.extensions_mut().insert(ErrorMessage(
        "Attune couldn't tell that this came from one of its own pages, so nothing was changed. \
         Go back, reload the page and try again."
            .into(),
    ));
    response
}
