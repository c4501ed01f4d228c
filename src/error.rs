//! One error type for every handler: each variant maps to a status code and a friendly page.
//! Internal errors are logged with their context and shown generically.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A single-use link that is unknown, used or expired.
    #[error("invalid link")]
    InvalidLink,
    #[error("forbidden")]
    Forbidden,
    /// The request conflicts with the current state, with a sentence saying how.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Input the database refused although validation let it through.
    #[error("invalid input")]
    InvalidInput,
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Attached to error responses so the error-page layer can render the right words.
#[derive(Debug, Clone)]
pub struct ErrorMessage(pub String);

impl AppError {
    pub fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::InvalidLink => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<DbError> for AppError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Unavailable(source) => {
                tracing::warn!(error = %source, "database unavailable");
                AppError::Unavailable
            }
            DbError::Invalid(reason) => {
                tracing::warn!(%reason, "the database refused a value that passed validation");
                AppError::InvalidInput
            }
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::from(DbError::from(err))
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(err: tower_sessions::session::Error) -> Self {
        // Sessions live in PostgreSQL: a failing store almost always means the database is
        // unreachable.
        tracing::warn!(error = %err, "session store unavailable");
        AppError::Unavailable
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let mut response = status.into_response();
        match self {
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
            }
            AppError::Conflict(message) => {
                response.extensions_mut().insert(ErrorMessage(message));
            }
            AppError::InvalidInput => {
                response.extensions_mut().insert(ErrorMessage(
                    "Some of what you entered can't be saved (an unusual character, or a date or \
                     number out of range). Nothing was changed. Go back, check the form and try again."
                        .into(),
                ));
            }
            AppError::InvalidLink => {
                response.extensions_mut().insert(ErrorMessage(
                    "This link doesn't work any more: links work once and expire after a while. \
                     Ask your HR admin for a new invitation. (For the first-admin setup link, \
                     restart Attune and it prints a new one.)"
                        .into(),
                ));
            }
            _ => {}
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
