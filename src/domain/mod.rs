//! The program's rules as plain Rust: no HTTP, no SQL, no clocks (callers pass `now`).

pub mod audit;
pub mod connect;
pub mod csv_safe;
pub mod events;
pub mod funnel;
pub mod insights;
pub mod mail;
pub mod pagination;
pub mod password;
pub mod people;
pub mod practice;
pub mod privacy;
pub mod pulse;
pub mod quiz;
pub mod quiz_disclosure;
pub mod recognition;
pub mod resources;
pub mod sign_in;
pub mod spread;
pub mod sso;
pub mod teq;
pub mod text;
pub mod time;
pub mod wording;
pub mod zones;

/// Problems with a submitted form, keyed by field name, in the order the fields appear.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with a field (the first problem per field wins).
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    /// The message for a field, if it has a problem.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, message)| message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, String)> {
        self.0.iter()
    }

    /// `Ok(value)` when there are no problems.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}
