//! Peer recognition rules: what a nomination must contain, who may nominate whom and how
//! often, who may see a recognition, and the weekly rotation of spotlight nominators.

mod behaviours;
mod export;
mod fairness;
mod nomination;
mod spotlight;
mod status;
#[cfg(test)]
mod tests;

pub use behaviours::*;
pub use export::*;
pub use fairness::*;
pub use nomination::*;
pub use spotlight::*;
pub use status::*;

/// Shortest and longest description of what happened, in characters.
pub const STORY_MIN: usize = 50;
pub const STORY_MAX: usize = 2000;
/// The longest report of a post and the longest rejection reason, in characters.
pub const REPORT_MAX: usize = 500;
pub const REJECTION_MAX: usize = 1000;
/// Recognition older than this still counts, but the form says sooner means more.
pub const TIMELY_DAYS: i64 = 30;
/// The window of the weekly nomination limit.
pub const LIMIT_WINDOW_DAYS: i64 = 7;
/// The same nominator, recipient and behaviour at most once in this many hours.
pub const REPEAT_HOURS: i64 = 24;
/// People not recognised for this many days are listed in the fairness view.
pub const UNRECOGNISED_DAYS: i64 = 90;
/// The longest date range HR can export or chart at once.
pub const MAX_RANGE_DAYS: i64 = 366;
/// The years a date range may fall in: recognition didn't exist before, and dates far outside
/// would overflow the arithmetic (or PostgreSQL's timestamps).
pub const RANGE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// The longest colleague search, in characters.
pub const SEARCH_MAX: usize = 100;
/// What HR's export shows instead of a private recognition's text.
pub const PRIVATE_TEXT: &str = "(private)";
