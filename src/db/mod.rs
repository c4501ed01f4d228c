//! Persistence: one module per aggregate, plain SQL, domain types in and out.

pub mod audit;
pub mod connect;
pub mod events;
pub mod funnel;
pub mod insights;
pub mod mail;
pub mod notifications;
pub mod people;
pub mod practice;
pub mod privacy;
pub mod pulse;
pub mod quiz;
pub mod quiz_over_time;
pub mod recognition;
pub mod recognition_insights;
pub mod resource_insights;
pub mod resources;
pub mod scale;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod tokens;

mod constraints;
pub use constraints::{Answer, answer_for};

/// What can go wrong talking to the database, in terms callers can act on.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique, exclusion or foreign key constraint refused the write; holds the constraint
    /// name. [`answer_for`] says what to tell the person.
    #[error("conflicts with existing data ({0})")]
    Conflict(String),
    /// The database refused a value: a CHECK constraint, or data it cannot hold (a NUL byte in
    /// text, a date out of range, a number too large). Validation in the domain layer should
    /// catch these first; this is the safety net that keeps them from becoming a 500.
    #[error("value refused by the database ({0})")]
    Invalid(String),
    /// The database cannot be reached right now (down, restarting, pool exhausted).
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error(transparent)]
    Other(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            // unique (23505), exclusion (23P01) and foreign key (23503) violations: the write
            // conflicts with data that exists, or that another request changed meanwhile
            sqlx::Error::Database(db_err)
                if db_err
                    .code()
                    .is_some_and(|code| matches!(&*code, "23505" | "23P01" | "23503")) =>
            {
                DbError::Conflict(db_err.constraint().unwrap_or_default().to_string())
            }
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => DbError::Unavailable(err),
            // data exceptions (class 22) and check violations
            sqlx::Error::Database(db_err)
                if db_err
                    .code()
                    .is_some_and(|code| code.starts_with("22") || code == "23514") =>
            {
                DbError::Invalid(db_err.message().to_string())
            }
            sqlx::Error::Database(db_err)
                if db_err
                    .code()
                    .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")) =>
            {
                // connection exceptions and operator intervention (e.g. admin shutdown)
                DbError::Unavailable(err)
            }
            _ => DbError::Other(err),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// Whether the database answers at all (for the readiness probe).
pub async fn ping(db: impl sqlx::PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query_scalar::<_, i32>("SELECT 1")
        .fetch_one(db)
        .await
        .map(drop)
}

/// A text column read into a domain type through its `FromStr` (enums, time zones): the one
/// way rows decode text into types, failing loudly on a value the code doesn't know instead of
/// guessing a default. Declare the row field as `Text<Status>` and take `.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<T>(pub T);

impl<T> sqlx::Type<sqlx::Postgres> for Text<T> {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <String as sqlx::Type<sqlx::Postgres>>::type_info()
    }

    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Postgres>>::compatible(ty)
    }
}

impl<'r, T: std::str::FromStr> sqlx::Decode<'r, sqlx::Postgres> for Text<T> {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let raw = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
        raw.parse::<T>()
            .map(Text)
            .map_err(|_| format!("unknown value {raw:?}").into())
    }
}
