//! A resource as stored: its kind, its event details and the rules that read it (needs review,
//! past).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::domain::teq::Aspect;

/// What a resource is. Stored as its slug (`erg_event`); decoding an unknown slug fails.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    Article,
    Book,
    Video,
    Course,
    Exercise,
    ErgEvent,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Article,
        Kind::Book,
        Kind::Video,
        Kind::Course,
        Kind::Exercise,
        Kind::ErgEvent,
    ];

    pub fn slug(self) -> &'static str {
        self.into()
    }

    /// The kind a form or a file names; `None` for anything else.
    pub fn from_slug(slug: &str) -> Option<Kind> {
        slug.parse().ok()
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Article => "Article",
            Kind::Book => "Book",
            Kind::Video => "Video",
            Kind::Course => "Course",
            Kind::Exercise => "Exercise",
            Kind::ErgEvent => "ERG event",
        }
    }
}

/// Details that only ERG events have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDetails {
    pub starts_at: DateTime<Utc>,
    pub time_zone: Tz,
    pub place: String,
}

/// A resource as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: Uuid,
    pub title: String,
    pub kind: Kind,
    pub url: String,
    pub description: String,
    pub minutes: i32,
    pub aspects: Vec<Aspect>,
    /// Recommend only when the person's percentage on one of `aspects` is at most this.
    pub max_aspect_percent: Option<i16>,
    /// Recommend only when the person's total is at most this.
    pub max_total: Option<i16>,
    /// Recommend only to these departments / offices (empty: everyone).
    pub departments: Vec<String>,
    pub offices: Vec<String>,
    pub review_by: Option<NaiveDate>,
    pub archived: bool,
    pub event: Option<EventDetails>,
}

impl Resource {
    /// Past its review-by date: flagged for HR and not recommended.
    pub fn needs_review(&self, today: NaiveDate) -> bool {
        self.review_by.is_some_and(|date| date < today)
    }

    /// An ERG event that has already started.
    pub fn is_past(&self, now: DateTime<Utc>) -> bool {
        self.event.as_ref().is_some_and(|e| e.starts_at <= now)
    }

    /// The description split into paragraphs (blank lines separate them).
    pub fn paragraphs(&self) -> Vec<&str> {
        self.description
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }

    pub fn aspect_names(&self) -> String {
        self.aspects
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_slugs() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_slug(kind.slug()), Some(kind));
        }
        assert_eq!(Kind::ErgEvent.slug(), "erg_event");
        assert_eq!(Kind::from_slug("podcast"), None);
    }
}
