//! The resource form: what HR types, and its validation into a [`ResourceInput`].

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::{EventDetails, Kind, Resource};
use crate::domain::FieldErrors;
use crate::domain::people::parse_time_zone;
use crate::domain::teq::Aspect;
use crate::domain::text;
use crate::domain::time::{datetime_local, iso_date};

/// A resource form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceForm {
    pub title: String,
    pub kind: String,
    pub url: String,
    pub description: String,
    pub minutes: String,
    pub aspects: Vec<String>,
    pub max_aspect_percent: String,
    pub max_total: String,
    pub departments: String,
    pub offices: String,
    pub review_by: String,
    pub event_starts_at: String,
    pub event_time_zone: String,
    pub event_place: String,
}

impl ResourceForm {
    pub fn from_resource(resource: &Resource) -> Self {
        let (starts, zone, place) = match &resource.event {
            Some(event) => (
                datetime_local(event.starts_at, event.time_zone),
                event.time_zone.name().to_string(),
                event.place.clone(),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        ResourceForm {
            title: resource.title.clone(),
            kind: resource.kind.slug().into(),
            url: resource.url.clone(),
            description: resource.description.clone(),
            minutes: resource.minutes.to_string(),
            aspects: resource
                .aspects
                .iter()
                .map(|a| a.slug().to_string())
                .collect(),
            max_aspect_percent: resource
                .max_aspect_percent
                .map(|v| v.to_string())
                .unwrap_or_default(),
            max_total: resource
                .max_total
                .map(|v| v.to_string())
                .unwrap_or_default(),
            departments: resource.departments.join(", "),
            offices: resource.offices.join(", "),
            review_by: resource.review_by.map(iso_date).unwrap_or_default(),
            event_starts_at: starts,
            event_time_zone: zone,
            event_place: place,
        }
    }

    pub fn has_aspect(&self, slug: &str) -> bool {
        self.aspects.iter().any(|a| a == slug)
    }
}

/// A validated resource to create or update (everything but id and archived).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceInput {
    pub title: String,
    pub kind: Kind,
    pub url: String,
    pub description: String,
    pub minutes: i32,
    pub aspects: Vec<Aspect>,
    pub max_aspect_percent: Option<i16>,
    pub max_total: Option<i16>,
    pub departments: Vec<String>,
    pub offices: Vec<String>,
    pub review_by: Option<NaiveDate>,
    pub event: Option<EventDetails>,
}

fn optional_number(raw: &str, max: i16, what: &str) -> Result<Option<i16>, String> {
    let raw = raw.trim().trim_end_matches('%').trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i16>() {
        Ok(n) if (0..=max).contains(&n) => Ok(Some(n)),
        _ => Err(format!("Enter {what} from 0 to {max}, or leave it empty.")),
    }
}

/// The most departments or offices one resource can be targeted at.
pub const TARGET_LIST_MAX: usize = 100;

/// A list of departments or offices, separated by commas, semicolons or line breaks: each a
/// one-line text of at most 100 characters (like a person's department), duplicates dropped.
fn list(raw: &str, what: &str) -> Result<Vec<String>, String> {
    let mut seen = HashSet::new();
    let mut names = Vec::new();
    for part in raw.split([',', ';', '\n']) {
        let name = text::one_line(part, 100, what)?;
        if !name.is_empty() && seen.insert(name.to_lowercase()) {
            names.push(name);
        }
        if names.len() > TARGET_LIST_MAX {
            return Err(format!(
                "List at most {TARGET_LIST_MAX}, separated by commas."
            ));
        }
    }
    Ok(names)
}

/// The page of a perspective exercise in Attune (`/practice/exercises/<id>`).
fn is_practice_link(raw: &str) -> bool {
    raw.strip_prefix("/practice/exercises/")
        .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok())
}

/// Validates a link: http or https with a host, no spaces.
pub fn parse_link(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter the link people will open.".into());
    }
    match url::Url::parse(raw) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            // Length as stored: normalising percent-encodes, which can make a link longer.
            if url.as_str().len() > 2000 {
                Err("That link is too long (at most 2,000 characters once encoded).".into())
            } else {
                Ok(url.to_string())
            }
        }
        Ok(_) => Err("The link must start with http:// or https://.".into()),
        Err(_) => Err("Enter a full link, like https://example.com/article.".into()),
    }
}

impl ResourceInput {
    /// Validates every field, reporting each problem against its field name.
    pub fn parse(form: &ResourceForm) -> Result<ResourceInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = text::one_line(&form.title, 200, "A title")
            .map_err(|e| errors.add("title", e))
            .unwrap_or_default();
        if title.is_empty() {
            errors.add("title", "Enter a title.");
        }
        let kind = Kind::from_slug(form.kind.trim());
        if kind.is_none() {
            errors.add("kind", "Choose what kind of resource this is.");
        }
        // An exercise done in Attune keeps its own page as its link (the database checks it
        // is this resource's own page).
        let url = if is_practice_link(form.url.trim()) {
            Some(form.url.trim().to_string())
        } else {
            parse_link(&form.url).map_err(|e| errors.add("url", e)).ok()
        };
        let description = text::paragraphs(&form.description, 5000, "The description")
            .map_err(|e| errors.add("description", e))
            .unwrap_or_default();
        let minutes = match form.minutes.trim().parse::<i32>() {
            Ok(m) if (1..=10_000).contains(&m) => Some(m),
            _ => {
                errors.add(
                    "minutes",
                    "Enter roughly how many minutes it takes, from 1 to 10,000.",
                );
                None
            }
        };
        let mut aspects: Vec<Aspect> = form
            .aspects
            .iter()
            .filter_map(|slug| Aspect::from_slug(slug.trim()))
            .collect();
        aspects.sort();
        aspects.dedup();
        if aspects.is_empty() || aspects.len() != form.aspects.iter().collect::<HashSet<_>>().len()
        {
            errors.add(
                "aspects",
                "Choose at least one aspect this resource helps with.",
            );
        }
        let max_aspect_percent = optional_number(&form.max_aspect_percent, 100, "a percentage")
            .map_err(|e| errors.add("max_aspect_percent", e))
            .ok()
            .flatten();
        let max_total = optional_number(&form.max_total, 64, "a total")
            .map_err(|e| errors.add("max_total", e))
            .ok()
            .flatten();
        let review_by = match form.review_by.trim() {
            "" => None,
            raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(date) if (2000..=2100).contains(&date.year()) => Some(date),
                _ => {
                    errors.add(
                        "review_by",
                        "Enter a date like 2027-03-31, or leave it empty.",
                    );
                    None
                }
            },
        };
        let event = if kind == Some(Kind::ErgEvent) {
            parse_event(form, &mut errors)
        } else {
            None
        };
        let departments = list(&form.departments, "A department")
            .map_err(|e| errors.add("departments", e))
            .unwrap_or_default();
        let offices = list(&form.offices, "An office")
            .map_err(|e| errors.add("offices", e))
            .unwrap_or_default();
        match (kind, url, minutes) {
            (Some(kind), Some(url), Some(minutes)) if errors.is_empty() => Ok(ResourceInput {
                title,
                kind,
                url,
                description,
                minutes,
                aspects,
                max_aspect_percent,
                max_total,
                departments,
                offices,
                review_by,
                event,
            }),
            _ => Err(errors),
        }
    }
}

fn parse_event(form: &ResourceForm, errors: &mut FieldErrors) -> Option<EventDetails> {
    let zone = parse_time_zone(&form.event_time_zone)
        .map_err(|e| errors.add("event_time_zone", e))
        .ok();
    let local = NaiveDateTime::parse_from_str(form.event_starts_at.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(form.event_starts_at.trim(), "%Y-%m-%d %H:%M"));
    let local = match local {
        Ok(local) if !(2000..=2100).contains(&local.year()) => {
            errors.add(
                "event_starts_at",
                "Enter a date between the years 2000 and 2100.",
            );
            None
        }
        Ok(local) => Some(local),
        Err(_) => {
            errors.add(
                "event_starts_at",
                "An ERG event needs a date and start time.",
            );
            None
        }
    };
    let place = text::one_line(&form.event_place, 200, "A place")
        .map_err(|e| errors.add("event_place", e))
        .unwrap_or_default();
    if place.is_empty() {
        errors.add(
            "event_place",
            "Say where it happens: a room, an office or a video call.",
        );
    }
    let (zone, local) = (zone?, local?);
    let Some(starts_at) = zone.from_local_datetime(&local).earliest() else {
        errors.add(
            "event_starts_at",
            "That time doesn't exist in this time zone (a clock change). Choose another.",
        );
        return None;
    };
    Some(EventDetails {
        starts_at: starts_at.with_timezone(&Utc),
        time_zone: zone,
        place,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMP: Aspect = Aspect::EmotionComprehension;

    fn valid_form() -> ResourceForm {
        ResourceForm {
            title: "  Wired to   Care ".into(),
            kind: "book".into(),
            url: "https://example.com/wired".into(),
            description: "A book.\r\n\r\nAbout empathy.".into(),
            minutes: "300".into(),
            aspects: vec!["emotion-comprehension".into()],
            departments: "Finance, finance; Engineering".into(),
            ..ResourceForm::default()
        }
    }

    #[test]
    fn a_valid_form_is_normalised() {
        let input = ResourceInput::parse(&valid_form()).unwrap();
        assert_eq!(input.title, "Wired to Care");
        assert_eq!(input.description, "A book.\n\nAbout empathy.");
        assert_eq!(input.departments, vec!["Finance", "Engineering"]);
        assert_eq!(input.aspects, vec![COMP]);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let form = ResourceForm {
            title: "".into(),
            kind: "podcast".into(),
            url: "javascript:alert(1)".into(),
            minutes: "0".into(),
            aspects: vec!["kindness".into()],
            max_aspect_percent: "150".into(),
            max_total: "x".into(),
            review_by: "next week".into(),
            ..ResourceForm::default()
        };
        let errors = ResourceInput::parse(&form).unwrap_err();
        for field in [
            "title",
            "kind",
            "url",
            "minutes",
            "aspects",
            "max_aspect_percent",
            "max_total",
            "review_by",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn a_link_too_long_once_encoded_is_refused() {
        let long = format!("https://example.com/{}", "é".repeat(480));
        assert!(long.len() < 2000);
        assert!(parse_link(&long).unwrap_err().contains("too long"));
    }

    #[test]
    fn links_must_be_http_or_https() {
        assert!(parse_link("https://example.com/a?b=c").is_ok());
        assert!(parse_link("http://example.com").is_ok());
        for bad in [
            "javascript:alert(1)",
            "ftp://example.com",
            "example.com",
            "data:text/html,x",
            "",
        ] {
            assert!(parse_link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn erg_events_need_a_time_zone_date_and_place() {
        let mut form = valid_form();
        form.kind = "erg_event".into();
        let errors = ResourceInput::parse(&form).unwrap_err();
        assert!(errors.get("event_starts_at").is_some());
        assert!(errors.get("event_place").is_some());
        form.event_starts_at = "2027-03-04T18:30".into();
        form.event_time_zone = "America/Toronto".into();
        form.event_place = "Toronto office, Lakeview room".into();
        let input = ResourceInput::parse(&form).unwrap();
        let event = input.event.unwrap();
        assert_eq!(event.starts_at.to_rfc3339(), "2027-03-04T23:30:00+00:00");
    }
}
