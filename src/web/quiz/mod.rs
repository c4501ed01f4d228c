//! The baseline quiz: take it (with save-and-continue), see private results, track progress.
//!
//! - `take.rs`: the questionnaire and submitting it;
//! - `results.rs`: one attempt's results, and deleting it;
//! - `history.rs`: progress over time.

mod history;
mod results;
mod take;

use uuid::Uuid;

use super::AppState;
use crate::db;
use crate::domain::people::Person;
use crate::domain::quiz::Attempt;
use crate::error::{AppResult, OrNotFound};

pub use history::{HistoryPage, HistoryRow};
pub use results::{AspectView, DeletePage, ResultsPage};
pub use take::{ChoiceView, ItemView, TakePage};

/// One of the person's own attempts; anyone else's is not found.
async fn own_attempt(state: &AppState, person: &Person, id: Uuid) -> AppResult<Attempt> {
    db::quiz::find_own(&state.pool, person.id, id)
        .await?
        .or_404()
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/quiz", take::take)
        .post("/quiz", take::submit)
        .get("/quiz/history", history::history)
        .get("/quiz/attempts/{id}", results::results)
        .get("/quiz/attempts/{id}/delete", results::confirm_delete)
        .post("/quiz/attempts/{id}/delete", results::delete)
}
