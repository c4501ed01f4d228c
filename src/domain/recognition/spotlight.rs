//! The weekly rotation of spotlight nominators.

use chrono::{Datelike, Duration, NaiveDate};
use uuid::Uuid;

/// The Monday that starts the ISO week of a date.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// Someone who can be invited as a spotlight nominator: when they were last invited and how
/// many times they have been.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub last_invited: Option<NaiveDate>,
    pub invitations: i64,
}

/// Chooses this week's spotlight nominators in one department: the `count` people invited
/// least recently, never-invited first. Among people last invited in the same week, the one
/// invited fewer times goes first (so a department whose size isn't a multiple of `count`
/// still rotates evenly), then the lower id, so every replica chooses the same people.
/// Everyone therefore gets a turn before anyone is invited a second time.
pub fn choose_spotlight(candidates: &[Candidate], count: usize) -> Vec<Uuid> {
    let mut ordered: Vec<&Candidate> = candidates.iter().collect();
    ordered.sort_by(|a, b| {
        a.last_invited
            .cmp(&b.last_invited)
            .then_with(|| a.invitations.cmp(&b.invitations))
            .then_with(|| a.id.cmp(&b.id))
    });
    ordered.into_iter().take(count).map(|c| c.id).collect()
}
