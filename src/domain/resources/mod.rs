//! The resource library: validated resources, and the ranking that turns quiz results into
//! tailored recommendations.
//!
//! - `resource.rs`: a resource as stored, its kinds and event details;
//! - `form.rs`: the HR form and its validation;
//! - `ranking.rs`: eligibility (targeting, archived, past, needs review) and ranking;
//! - `plan.rs`: where a resource stands in a person's plan, engagement counts;
//! - `csv.rs`: the library as CSV (export rows, import planning).

mod csv;
mod form;
mod plan;
mod ranking;
mod resource;

pub use csv::{CSV_COLUMNS, ImportRow, plan_csv_import, to_csv_record};
pub use form::{ResourceForm, ResourceInput, parse_link};
pub use plan::{Engagement, PlanAction, PlanStatus};
pub use ranking::{MAX_RECOMMENDATIONS, Profile, Recommendation, eligible, recommend};
pub use resource::{EventDetails, Kind, Resource, is_example_link};
