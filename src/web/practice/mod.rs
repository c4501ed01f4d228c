//! Practice between the big moments: the overview with this month's challenge
//! (`overview.rs`), perspective exercises (`exercises.rs`), the private journal
//! (`journal.rs`), colleagues' role stories (`stories.rs`) and HR's tools (`admin.rs`).

mod admin;
mod exercises;
mod journal;
mod overview;
mod stories;

use crate::domain::teq::Aspect;

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/practice", overview::overview)
        .post("/practice/challenge/accept", overview::accept)
        .get("/practice/exercises/new", exercises::new_page)
        .post("/practice/exercises", exercises::create)
        .get("/practice/exercises/{id}", exercises::show)
        .post("/practice/exercises/{id}/reflections", exercises::reflect)
        .post("/practice/exercises/{id}/takeaway", exercises::takeaway)
        .get("/practice/journal", journal::list)
        .post("/practice/journal", journal::create)
        .get("/practice/journal/{id}", journal::show)
        .post("/practice/journal/{id}/delete", journal::delete)
        .get("/practice/stories", stories::mine)
        .post("/practice/stories", stories::submit)
        .get("/admin/practice", admin::overview)
        .get("/admin/practice/challenges/edit", admin::challenge_form)
        .post("/admin/practice/challenges", admin::schedule)
        .post("/admin/practice/challenges/starter", admin::starter)
        .get("/admin/practice/stories/{id}", stories::review)
        .post("/admin/practice/stories/{id}/publish", stories::publish)
        .post("/admin/practice/stories/{id}/decline", stories::decline)
}

/// Every aspect, for the forms' checkboxes.
pub const ASPECTS: [Aspect; 4] = Aspect::ALL;
