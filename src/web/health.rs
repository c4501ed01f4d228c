//! Probes for orchestrators: liveness and readiness.

use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;
use super::errors::PlainBody;

/// The process is alive.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Extension<PlainBody>, String) {
    let ping = crate::db::ping(&state.pool);
    let (status, body) = match tokio::time::timeout(Duration::from_secs(2), ping).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready".into()),
        Ok(Err(err)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database unreachable: {}", short_reason(&err)),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "database unreachable: timed out".into(),
        ),
    };
    (status, Extension(PlainBody), body)
}

fn short_reason(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::PoolTimedOut => "timed out waiting for a connection".into(),
        sqlx::Error::Io(io) => io.kind().to_string(),
        other => other.to_string().chars().take(120).collect(),
    }
}
