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
    /// A starter item waiting for the company's own details: shown only to HR until published.
    pub draft: bool,
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

    /// A link to a domain reserved for examples (RFC 2606: example.com, .org, .net, or any
    /// name under `.example`), which no real resource has: a draft can't be published with one.
    pub fn has_example_link(&self) -> bool {
        is_example_link(&self.url)
    }

    /// Whether its link is a page of Attune's own (a perspective exercise), which opens in
    /// the same tab.
    pub fn opens_in_attune(&self) -> bool {
        self.url.starts_with('/')
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

/// Whether `url` points at a domain reserved for examples (RFC 2606).
pub fn is_example_link(url: &str) -> bool {
    let Some(host) = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.trim_end_matches('.').to_lowercase()))
    else {
        return false;
    };
    ["example.com", "example.org", "example.net", "example"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_links_are_recognised_and_real_ones_are_not() {
        assert!(is_example_link(
            "https://example.com/replace-with-your-erg-page"
        ));
        assert!(is_example_link("https://www.EXAMPLE.org/x"));
        assert!(is_example_link("http://intranet.example/erg"));
        assert!(!is_example_link("https://intranet.acme.com/erg"));
        assert!(!is_example_link("https://notexample.com/"));
        assert!(!is_example_link("not a link"));
    }

    #[test]
    fn kinds_round_trip_through_their_slugs() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_slug(kind.slug()), Some(kind));
        }
        assert_eq!(Kind::ErgEvent.slug(), "erg_event");
        assert_eq!(Kind::from_slug("podcast"), None);
    }
}
