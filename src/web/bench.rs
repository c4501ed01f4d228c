//! The load bench's reference page: what a bare axum + sqlx + askama page costs on this
//! machine (one query, a template, no session, none of Attune's middleware), like
//! TechEmpower's "fortunes". `scripts/bench` reports every Attune page as a ratio to it. Only
//! served with `ATTUNE_BENCH_REFERENCE=true`.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::AppState;
use crate::db;
use crate::domain::recognition::Behaviour;
use crate::error::AppResult;

#[derive(Template, WebTemplate)]
#[template(path = "bench/reference.html")]
pub struct ReferencePage {
    pub rows: Vec<Behaviour>,
}

pub async fn reference(State(state): State<AppState>) -> AppResult<ReferencePage> {
    let rows = db::recognition::behaviours(&state.pool).await?;
    Ok(ReferencePage { rows })
}

/// The reference page's router (merged outside every layer).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/bench/reference", get(reference))
        .with_state(state)
}
