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
    /// A password reset link that is unknown, used or expired.
    #[error("expired reset link")]
    ResetLinkExpired,
    #[error("forbidden")]
    Forbidden,
    /// The request conflicts with the current state, with a sentence saying how.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A value the database already holds where it must be unique (an email, a label): the
    /// form is shown again with the message next to `field` (422), or as a page if not.
    #[error("{field}: {message}")]
    Taken {
        field: &'static str,
        message: &'static str,
    },
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
            AppError::NotFound | AppError::InvalidLink | AppError::ResetLinkExpired => {
                StatusCode::NOT_FOUND
            }
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::InvalidInput | AppError::Taken { .. } => StatusCode::UNPROCESSABLE_ENTITY,
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
            DbError::Conflict(constraint) => {
                tracing::info!(%constraint, "a write was refused by a constraint");
                let answer = crate::db::answer_for(&constraint);
                match answer.field {
                    Some(field) => AppError::Taken {
                        field,
                        message: answer.message,
                    },
                    None => AppError::Conflict(answer.message.into()),
                }
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
            AppError::Taken { message, .. } => {
                response
                    .extensions_mut()
                    .insert(ErrorMessage(message.to_string()));
            }
            AppError::InvalidInput => {
                response.extensions_mut().insert(ErrorMessage(
                    "Some of what you entered can't be saved (an unusual character, or a date or \
                     number out of range). Nothing was changed. Go back, check the form and try again."
                        .into(),
                ));
            }
            AppError::ResetLinkExpired => {
                response.extensions_mut().insert(ErrorMessage(
                    "This password reset link doesn't work any more: each link works once, for \
                     an hour. Ask for a new one from \"Forgot your password?\" on the sign-in page."
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

/// `Option` → 404: what every "find this or say it isn't there" ends with.
pub trait OrNotFound<T> {
    fn or_404(self) -> AppResult<T>;
}

impl<T> OrNotFound<T> for Option<T> {
    fn or_404(self) -> AppResult<T> {
        self.ok_or(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_refusals_are_409_or_422_never_500() {
        let conflict = AppError::from(DbError::Conflict(
            "recognition_behaviours_position_key".into(),
        ));
        assert_eq!(conflict.status_code(), StatusCode::CONFLICT);
        let taken = AppError::from(DbError::Conflict("people_email_key".into()));
        assert_eq!(taken.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(matches!(taken, AppError::Taken { field: "email", .. }));
        let other = AppError::from(sqlx::Error::RowNotFound);
        assert_eq!(other.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
