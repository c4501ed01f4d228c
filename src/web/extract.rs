//! Extractors and responses that every handler would otherwise repeat: ids from the path,
//! forms with repeated fields, and a form shown again with its problems.

use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::domain::FieldErrors;
use crate::error::AppError;

/// A form whose fields may repeat (`behaviour=a&behaviour=b` into a `Vec`), decoded by
/// `serde_html_form`.
pub use axum_extra::extract::Form as ListForm;

/// The id in a path such as `/events/{id}`. Anything that isn't an id names no page: 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        parse_id(&raw).map(PathId)
    }
}

/// The two ids in a path such as `/events/{id}/pitches/{pitch_id}/decision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathIds(pub Uuid, pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((first, second)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        Ok(PathIds(parse_id(&first)?, parse_id(&second)?))
    }
}

fn parse_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// A form page shown again because of what was typed: 422, with the page as it was filled in.
pub struct Invalid<T>(pub T);

impl<T: IntoResponse> IntoResponse for Invalid<T> {
    fn into_response(self) -> Response {
        (StatusCode::UNPROCESSABLE_ENTITY, self.0).into_response()
    }
}

/// Moves a problem that belongs next to a form field (a value the database already holds,
/// see [`crate::db::answer_for`]) into `errors`; any other error is passed on.
pub fn field_problem(err: AppError, errors: &mut FieldErrors) -> Result<(), AppError> {
    match err {
        AppError::Taken { field, message } => {
            errors.add(field, message);
            Ok(())
        }
        other => Err(other),
    }
}
