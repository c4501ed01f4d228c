//! Error pages: every 4xx/5xx response that is not already a page becomes one, in the
//! site's layout, with the signed-in person's navigation.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::chrome::{Chrome, Viewer};
use crate::error::{AppError, ErrorMessage};

/// Marks a response whose plain-text body must reach the client as it is (probes).
#[derive(Debug, Clone, Copy)]
pub struct PlainBody;

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub status: u16,
    pub title: &'static str,
    pub message: String,
}

/// Title and default explanation for a status code.
fn describe(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => (
            "That request didn't make sense",
            "Something in the request was malformed. Go back and try again.",
        ),
        403 => (
            "You don't have access to this page",
            "This page is for people with a different role. If you think you should have access, ask your HR admin.",
        ),
        404 => (
            "We couldn't find that page",
            "The address may be mistyped, or the page may have moved or been removed.",
        ),
        405 => (
            "That action isn't available here",
            "Go back and use the buttons on the page.",
        ),
        408 => (
            "That took too long",
            "The request timed out. Please try again.",
        ),
        409 => (
            "That couldn't be done",
            "It conflicts with something that changed in the meantime. Reload the page and try again.",
        ),
        413 => (
            "That upload is too large",
            "Files and forms can be at most 2 MB. Try a smaller file.",
        ),
        415 | 422 => (
            "We couldn't read that form",
            "Some of what was sent couldn't be understood. Go back, check the form and try again.",
        ),
        429 => (
            "Too many tries",
            "Please wait a few minutes before trying again.",
        ),
        503 => (
            "Attune is briefly unavailable",
            "Attune can't reach its database right now. Nothing you entered was lost on our side; please try again in a minute.",
        ),
        _ if status.is_server_error() => (
            "Something went wrong on our side",
            "The problem has been logged. Please try again; if it keeps happening, tell your HR admin.",
        ),
        _ => ("That didn't work", "Please go back and try again."),
    }
}

/// Turns bare error responses (from handlers, extractors, or middleware such as CSRF
/// protection and body limits) into full pages, keeping status and headers.
pub async fn render_error_pages(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // Error pages (a refused form, a too-large upload, a 404 with the navigation) are never
    // kept by a browser or proxy either.
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if is_html || response.extensions().get::<PlainBody>().is_some() {
        return response;
    }
    let viewer = response
        .extensions()
        .get::<Viewer>()
        .cloned()
        .unwrap_or_default();
    let (title, default_message) = describe(status);
    let message = response
        .extensions()
        .get::<ErrorMessage>()
        .map(|m| m.0.clone())
        .unwrap_or_else(|| default_message.to_string());
    let page = ErrorPage {
        chrome: Chrome::for_viewer(&viewer),
        status: status.as_u16(),
        title,
        message,
    };
    let (mut parts, _) = response.into_parts();
    match page.render() {
        Ok(html) => {
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(html))
        }
        Err(err) => {
            tracing::error!(error = %err, "rendering the error page failed");
            Response::from_parts(parts, Body::from(title))
        }
    }
}

/// The fallback for paths no route matches.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// A 404 with the standard page (for handlers that return `Response`).
pub fn not_found_response() -> Response {
    AppError::NotFound.into_response()
}
