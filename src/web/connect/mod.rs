//! Connecting across teams: the Conversations page with a person's pair and circles
//! (`pairs.rs`), circle programmes and circle pages (`circles.rs`), and HR's aggregates and
//! settings (`admin.rs`). The rules live in `crate::domain::connect`, the transactions in
//! `crate::app::connect`.

mod admin;
mod circles;
mod pairs;

pub use pairs::{HomeConnect, home_summary};

use crate::db::connect::pairs::Mate;
use crate::domain::time;

/// A member of a pair or circle as their partners see them.
pub struct MateView {
    pub name: String,
    pub email: String,
    /// "Engineering, London", or empty.
    pub team: String,
    pub zone: String,
}

impl From<&Mate> for MateView {
    fn from(mate: &Mate) -> Self {
        let team = [mate.department.as_str(), mate.office.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        MateView {
            name: mate.display_name.clone(),
            email: mate.email.clone(),
            team,
            zone: time::zone_place(mate.time_zone.0.name()),
        }
    }
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/connect", pairs::conversations)
        .post("/connect/pairs", pairs::join)
        .post("/connect/pairs/pause", pairs::pause)
        .post("/connect/pairs/resume", pairs::resume)
        .post("/connect/pairs/leave", pairs::leave)
        .post("/connect/pairs/{id}/happened", pairs::happened)
        .post("/connect/pairs/{id}/skipped", pairs::skipped)
        .get("/connect/pairs/{id}/calendar.ics", pairs::calendar)
        .get("/connect/programmes/new", circles::new_programme)
        .post("/connect/programmes", circles::create_programme)
        .get("/connect/programmes/{id}", circles::programme)
        .post("/connect/programmes/{id}/signup", circles::sign_up)
        .post("/connect/programmes/{id}/withdraw", circles::withdraw)
        .post("/connect/programmes/{id}/form", circles::form)
        .get("/connect/circles/{id}", circles::circle)
        .get("/connect/circles/{id}/calendar.ics", circles::calendar)
        .post("/connect/circles/{id}/reviews", circles::review)
        .post("/connect/circles/{id}/notes", circles::note)
        .post("/connect/circles/{id}/leave", circles::leave)
        .post("/connect/circles/{id}/merge", circles::merge)
        .get("/admin/connect", admin::overview)
        .post("/admin/connect", admin::save_settings)
}
