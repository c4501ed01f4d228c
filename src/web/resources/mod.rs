//! The resource library (HR) and each person's recommendations and plan.
//!
//! - `recommendations.rs`: recommended resources as every page shows them;
//! - `plan.rs`: My plan, and saving, finishing, dismissing and rating;
//! - `library.rs`: the HR library: list, add, edit, archive, restore;
//! - `import_export.rs`: the library as a CSV file.

mod browse;
mod import_export;
mod library;
mod plan;
mod recommendations;

pub use import_export::{ImportPage, ImportResult};
pub use library::{EditPage, LibraryRow, ListPage};
pub use plan::{PlanPage, PlanView};
pub use recommendations::{RecommendationView, recommendations};

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/plan", plan::plan)
        .get("/library", browse::browse)
        .post("/plan/{id}", plan::update_plan)
        .get("/admin/resources", library::list)
        .get("/admin/resources/new", library::new_page)
        .post("/admin/resources", library::create)
        .post("/admin/resources/export.csv", import_export::export)
        .get("/admin/resources/import", import_export::import_page)
        .post("/admin/resources/import", import_export::import)
        .get("/admin/resources/{id}", library::edit)
        .post("/admin/resources/{id}", library::update)
        .post("/admin/resources/{id}/archive", library::archive)
        .post("/admin/resources/{id}/restore", library::restore)
}
