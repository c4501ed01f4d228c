//! Who may see a page: the signed-in person and the role guards, as extractors. Every
//! handler names the guard it needs in its signature; nothing else checks roles by hand.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use super::chrome::Viewer;
use crate::domain::events::can_organize;
use crate::domain::people::Person;
use crate::error::AppError;

pub(crate) fn viewer_of(parts: &Parts) -> Option<Arc<Person>> {
    parts.extensions.get::<Viewer>().and_then(|v| v.0.clone())
}

/// Where to send someone who must sign in first: back here afterwards (for GET requests).
fn to_sign_in(parts: &Parts) -> Response {
    if parts.method == Method::GET {
        let here = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
        Redirect::to(&format!("/login?next={next}")).into_response()
    } else {
        Redirect::to("/login").into_response()
    }
}

/// Any signed-in person.
pub struct CurrentUser(pub Arc<Person>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        viewer_of(parts)
            .map(CurrentUser)
            .ok_or_else(|| to_sign_in(parts))
    }
}

/// A signed-in HR admin; anyone else signed in gets 403.
pub struct HrAdmin(pub Arc<Person>);

impl<S: Send + Sync> FromRequestParts<S> for HrAdmin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match viewer_of(parts) {
            Some(person) if person.is_hr_admin() => Ok(HrAdmin(person)),
            Some(_) => Err(AppError::Forbidden.into_response()),
            None => Err(to_sign_in(parts)),
        }
    }
}

/// A signed-in organizer or HR admin (both run story nights); anyone else signed in gets 403.
pub struct Organizer(pub Arc<Person>);

impl<S: Send + Sync> FromRequestParts<S> for Organizer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match viewer_of(parts) {
            Some(person) if can_organize(&person) => Ok(Organizer(person)),
            Some(_) => Err(AppError::Forbidden.into_response()),
            None => Err(to_sign_in(parts)),
        }
    }
}

/// The viewer, signed in or not (an always-succeeding extractor).
pub struct CurrentUserOpt(pub Option<Arc<Person>>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUserOpt {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(CurrentUserOpt(viewer_of(parts)))
    }
}
