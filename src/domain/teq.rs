//! The Toronto Empathy Questionnaire lives in [`crate::domain::quiz::teq`]; this path stays
//! for the code and documents that name it.

pub use super::quiz::teq::*;
