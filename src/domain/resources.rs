//! The resource library: validated resources, and the ranking that turns quiz results into
//! tailored recommendations.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::FieldErrors;
use super::people::parse_time_zone;
use super::teq::{Aspect, AspectScore};

/// At most this many recommendations are shown at a time.
pub const MAX_RECOMMENDATIONS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
        match self {
            Kind::Article => "article",
            Kind::Book => "book",
            Kind::Video => "video",
            Kind::Course => "course",
            Kind::Exercise => "exercise",
            Kind::ErgEvent => "erg_event",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.slug() == slug)
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
                event
                    .starts_at
                    .with_timezone(&event.time_zone)
                    .format("%Y-%m-%dT%H:%M")
                    .to_string(),
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
            review_by: resource
                .review_by
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
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

fn list(raw: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    raw.split([',', ';', '\n'])
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty() && seen.insert(s.to_lowercase()))
        .collect()
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
        let title = form.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            errors.add("title", "Enter a title.");
        } else if title.chars().any(char::is_control) {
            errors.add("title", "A title cannot contain control characters.");
        } else if title.chars().count() > 200 {
            errors.add("title", "A title can be at most 200 characters.");
        }
        let kind = Kind::from_slug(form.kind.trim());
        if kind.is_none() {
            errors.add("kind", "Choose what kind of resource this is.");
        }
        let url = parse_link(&form.url).map_err(|e| errors.add("url", e)).ok();
        let description = form.description.replace("\r\n", "\n").trim().to_string();
        if description
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            errors.add(
                "description",
                "The description contains a character that can't be saved.",
            );
        } else if description.chars().count() > 5000 {
            errors.add(
                "description",
                "A description can be at most 5,000 characters.",
            );
        }
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
        let departments = list(&form.departments);
        let offices = list(&form.offices);
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
    let place = form
        .event_place
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if place.is_empty() {
        errors.add(
            "event_place",
            "Say where it happens: a room, an office or a video call.",
        );
    } else if place.chars().count() > 200 {
        errors.add("event_place", "A place can be at most 200 characters.");
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

/// What the ranking knows about the person.
#[derive(Debug, Clone)]
pub struct Profile<'a> {
    /// The latest quiz result, if any.
    pub total: Option<u8>,
    pub aspects: Option<[AspectScore; 4]>,
    pub department: &'a str,
    pub office: &'a str,
}

impl Profile<'_> {
    fn percent(&self, aspect: Aspect) -> Option<u8> {
        self.aspects
            .and_then(|scores| scores.into_iter().find(|s| s.aspect == aspect))
            .map(|s| s.percent)
    }

    /// Aspects weakest first (lowest mean; ties in the questionnaire's order).
    fn weakest_first(&self) -> Option<Vec<Aspect>> {
        self.aspects.map(|scores| {
            let mut sorted = scores;
            sorted.sort_by(|a, b| a.mean.total_cmp(&b.mean).then(a.aspect.cmp(&b.aspect)));
            sorted.iter().map(|s| s.aspect).collect()
        })
    }
}

/// Why a resource fits this person, as a plain sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    pub resource_id: Uuid,
    pub reason: String,
}

/// Whether the resource's own rules allow recommending it to this person now.
pub fn eligible(resource: &Resource, profile: &Profile<'_>, now: DateTime<Utc>) -> bool {
    let fits_group = |targets: &[String], value: &str| {
        targets.is_empty() || targets.iter().any(|t| t.eq_ignore_ascii_case(value))
    };
    let total_ok = match resource.max_total {
        None => true,
        Some(max) => profile.total.is_some_and(|t| i16::from(t) <= max),
    };
    let aspect_ok = match resource.max_aspect_percent {
        None => true,
        Some(max) => resource
            .aspects
            .iter()
            .any(|a| profile.percent(*a).is_some_and(|p| i16::from(p) <= max)),
    };
    !resource.archived
        && !resource.needs_review(now.date_naive())
        && !resource.is_past(now)
        && fits_group(&resource.departments, profile.department)
        && fits_group(&resource.offices, profile.office)
        && total_ok
        && aspect_ok
}

fn reason(rank: usize, aspect: Aspect) -> String {
    let name = aspect.name().to_lowercase();
    match rank {
        0 => format!("You scored lower on {name} than on the other aspects."),
        1 => format!("{} is your second-lowest aspect.", aspect.name()),
        _ => format!("Keeps your {name} strong, one of your steadier aspects."),
    }
}

/// Chooses up to [`MAX_RECOMMENDATIONS`] resources: those helping the person's weakest aspects
/// first, honouring each resource's targeting rules, leaving out `excluded` (done or
/// dismissed), and mixing kinds rather than listing several of one kind. Ties are broken by
/// the order of `candidates`, then by id, so the result is deterministic.
pub fn recommend(
    candidates: &[Resource],
    profile: &Profile<'_>,
    excluded: &HashSet<Uuid>,
    now: DateTime<Utc>,
) -> Vec<Recommendation> {
    let order = profile.weakest_first();
    let mut starter_counts: std::collections::HashMap<Aspect, usize> = Default::default();
    let mut ranked: Vec<(usize, usize, &Resource, String)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, r)| !excluded.contains(&r.id) && eligible(r, profile, now))
        .map(|(position, resource)| match &order {
            Some(order) => {
                let (rank, aspect) = order
                    .iter()
                    .enumerate()
                    .find(|(_, a)| resource.aspects.contains(a))
                    .map(|(rank, a)| (rank, *a))
                    .unwrap_or((order.len(), order[0]));
                (rank, position, resource, reason(rank, aspect))
            }
            None => {
                // No result yet: a starter selection that spreads across the aspects. Each
                // resource counts for its least-used aspect so far; its rank is how many came
                // before it for that aspect.
                let aspect = *resource
                    .aspects
                    .iter()
                    .min_by_key(|a| (starter_counts.get(*a).copied().unwrap_or(0), **a))
                    .expect("a resource helps at least one aspect");
                let count = starter_counts.entry(aspect).or_insert(0);
                let rank = *count;
                *count += 1;
                (
                    rank,
                    position,
                    resource,
                    format!(
                        "A good place to start with {}.",
                        aspect.name().to_lowercase()
                    ),
                )
            }
        })
        .collect();
    ranked.sort_by_key(|r| (r.0, r.1, r.2.id));

    // Kind diversity: take the best of each kind first, then fill up in rank order.
    let mut chosen: Vec<usize> = Vec::new();
    let mut kinds = HashSet::new();
    for (i, (_, _, resource, _)) in ranked.iter().enumerate() {
        if chosen.len() == MAX_RECOMMENDATIONS {
            break;
        }
        if kinds.insert(resource.kind) {
            chosen.push(i);
        }
    }
    for i in 0..ranked.len() {
        if chosen.len() == MAX_RECOMMENDATIONS {
            break;
        }
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|i| Recommendation {
            resource_id: ranked[i].2.id,
            reason: ranked[i].3.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(n: u128, kind: Kind, aspects: &[Aspect]) -> Resource {
        Resource {
            id: Uuid::from_u128(n),
            title: format!("Resource {n}"),
            kind,
            url: "https://example.com/".into(),
            description: String::new(),
            minutes: 10,
            aspects: aspects.to_vec(),
            max_aspect_percent: None,
            max_total: None,
            departments: vec![],
            offices: vec![],
            review_by: None,
            archived: false,
            event: None,
        }
    }

    /// A profile whose weakest aspect is emotion comprehension, then altruism.
    fn profile() -> Profile<'static> {
        let means = [3.0, 1.0, 3.5, 2.0]; // contagion, comprehension, arousal, altruism
        let aspects = crate::domain::quiz::Attempt::aspect_scores(means);
        Profile {
            total: Some(38),
            aspects: Some(aspects),
            department: "Finance",
            office: "London",
        }
    }

    const EC: Aspect = Aspect::EmotionalContagion;
    const COMP: Aspect = Aspect::EmotionComprehension;
    const ALT: Aspect = Aspect::ConspecificAltruism;
    const SYM: Aspect = Aspect::SympatheticArousal;

    #[test]
    fn weakest_aspect_first_with_the_reason() {
        let candidates = vec![
            resource(1, Kind::Article, &[EC]),
            resource(2, Kind::Book, &[ALT]),
            resource(3, Kind::Video, &[COMP]),
        ];
        let recs = recommend(&candidates, &profile(), &HashSet::new(), Utc::now());
        let ids: Vec<u128> = recs.iter().map(|r| r.resource_id.as_u128()).collect();
        assert_eq!(ids, vec![3, 2, 1]);
        assert_eq!(
            recs[0].reason,
            "You scored lower on emotion comprehension than on the other aspects."
        );
        assert_eq!(
            recs[1].reason,
            "Conspecific altruism is your second-lowest aspect."
        );
    }

    #[test]
    fn ties_are_broken_by_candidate_order_then_id() {
        let candidates = vec![
            resource(9, Kind::Article, &[COMP]),
            resource(4, Kind::Book, &[COMP]),
        ];
        let once = recommend(&candidates, &profile(), &HashSet::new(), Utc::now());
        let again = recommend(&candidates, &profile(), &HashSet::new(), Utc::now());
        assert_eq!(once, again);
        assert_eq!(once[0].resource_id.as_u128(), 9);
    }

    #[test]
    fn kinds_are_mixed_and_at_most_six_are_shown() {
        let mut candidates: Vec<Resource> = (1..=8)
            .map(|n| resource(n, Kind::Article, &[COMP]))
            .collect();
        candidates.push(resource(20, Kind::Video, &[SYM]));
        candidates.push(resource(21, Kind::Exercise, &[EC]));
        let recs = recommend(&candidates, &profile(), &HashSet::new(), Utc::now());
        assert_eq!(recs.len(), 6);
        let ids: Vec<u128> = recs.iter().map(|r| r.resource_id.as_u128()).collect();
        assert!(
            ids.contains(&20) && ids.contains(&21),
            "other kinds make the cut: {ids:?}"
        );
        assert_eq!(ids[0], 1, "the best match still leads");
    }

    #[test]
    fn exclusions_are_respected() {
        let now = Utc::now();
        let mut archived = resource(1, Kind::Article, &[COMP]);
        archived.archived = true;
        let mut stale = resource(2, Kind::Book, &[COMP]);
        stale.review_by = Some(now.date_naive() - chrono::Duration::days(1));
        let mut past = resource(3, Kind::ErgEvent, &[COMP]);
        past.event = Some(EventDetails {
            starts_at: now - chrono::Duration::hours(1),
            time_zone: Tz::UTC,
            place: "Room 1".into(),
        });
        let done = resource(4, Kind::Video, &[COMP]);
        let fine = resource(5, Kind::Course, &[COMP]);
        let excluded = HashSet::from([done.id]);
        let recs = recommend(
            &[archived, stale, past, done, fine],
            &profile(),
            &excluded,
            now,
        );
        let ids: Vec<u128> = recs.iter().map(|r| r.resource_id.as_u128()).collect();
        assert_eq!(ids, vec![5]);
    }

    #[test]
    fn targeting_rules_are_respected() {
        let p = profile();
        let mut finance = resource(1, Kind::Article, &[COMP]);
        finance.departments = vec!["finance".into()];
        let mut engineering = resource(2, Kind::Book, &[COMP]);
        engineering.departments = vec!["Engineering".into()];
        let mut toronto = resource(3, Kind::Video, &[COMP]);
        toronto.offices = vec!["Toronto".into()];
        let mut low_comprehension = resource(4, Kind::Course, &[COMP]);
        low_comprehension.max_aspect_percent = Some(40);
        let mut low_contagion = resource(5, Kind::Exercise, &[EC]);
        low_contagion.max_aspect_percent = Some(40);
        let mut low_total = resource(6, Kind::Article, &[COMP]);
        low_total.max_total = Some(10);
        let recs = recommend(
            &[
                finance,
                engineering,
                toronto,
                low_comprehension,
                low_contagion,
                low_total,
            ],
            &p,
            &HashSet::new(),
            Utc::now(),
        );
        let ids: Vec<u128> = recs.iter().map(|r| r.resource_id.as_u128()).collect();
        assert_eq!(ids, vec![1, 4]);
    }

    #[test]
    fn a_starter_selection_spreads_across_the_aspects() {
        let p = Profile {
            total: None,
            aspects: None,
            department: "",
            office: "",
        };
        let mut candidates: Vec<Resource> =
            (1..=6).map(|n| resource(n, Kind::Article, &[EC])).collect();
        candidates.push(resource(10, Kind::Article, &[COMP]));
        candidates.push(resource(11, Kind::Article, &[SYM]));
        candidates.push(resource(12, Kind::Article, &[ALT]));
        let recs = recommend(&candidates, &p, &HashSet::new(), Utc::now());
        let ids: Vec<u128> = recs.iter().map(|r| r.resource_id.as_u128()).collect();
        for aspect_only in [10, 11, 12] {
            assert!(ids.contains(&aspect_only), "{ids:?}");
        }
    }

    #[test]
    fn without_a_quiz_result_a_general_selection_skips_score_targeted_resources() {
        let p = Profile {
            total: None,
            aspects: None,
            department: "",
            office: "",
        };
        let mut targeted = resource(1, Kind::Article, &[COMP]);
        targeted.max_total = Some(60);
        let general = resource(2, Kind::Book, &[EC]);
        let recs = recommend(&[targeted, general], &p, &HashSet::new(), Utc::now());
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].resource_id.as_u128(), 2);
        assert!(recs[0].reason.contains("good place to start"));
    }

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

/// Where a resource stands in a person's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStatus {
    Saved,
    Done,
    Dismissed,
}

impl PlanStatus {
    pub fn parse(s: &str) -> PlanStatus {
        match s {
            "done" => PlanStatus::Done,
            "dismissed" => PlanStatus::Dismissed,
            _ => PlanStatus::Saved,
        }
    }
}

/// Engagement counts for HR: recommended to, saved, completed, rated, rated helpful.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Engagement {
    pub recommended: i64,
    pub saved: i64,
    pub completed: i64,
    pub rated: i64,
    pub helpful: i64,
}

impl Engagement {
    /// Share of ratings that said helpful, as a whole percentage.
    pub fn helpful_percent(&self) -> Option<i64> {
        (self.rated > 0).then(|| (self.helpful * 100 + self.rated / 2) / self.rated)
    }
}

/// The columns of the library CSV, in order.
pub const CSV_COLUMNS: [&str; 16] = [
    "id",
    "title",
    "kind",
    "url",
    "description",
    "minutes",
    "aspects",
    "max_aspect_percent",
    "max_total",
    "departments",
    "offices",
    "review_by",
    "status",
    "event_starts_at",
    "event_time_zone",
    "event_place",
];

/// A resource as a CSV record (raw values; the caller makes cells spreadsheet-safe).
pub fn to_csv_record(resource: &Resource) -> Vec<String> {
    let form = ResourceForm::from_resource(resource);
    vec![
        resource.id.to_string(),
        form.title,
        form.kind,
        form.url,
        form.description,
        form.minutes,
        form.aspects.join(";"),
        form.max_aspect_percent,
        form.max_total,
        resource.departments.join(";"),
        resource.offices.join(";"),
        form.review_by,
        if resource.archived {
            "archived"
        } else {
            "active"
        }
        .to_string(),
        form.event_starts_at,
        form.event_time_zone,
        form.event_place,
    ]
}

/// A library CSV row ready to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub line: u64,
    /// The id to update, or to create with; a new one when the cell is empty.
    pub id: Option<Uuid>,
    pub input: ResourceInput,
    pub archived: bool,
}

/// Reads a library CSV (as exported). `uncell` undoes spreadsheet-safety quoting.
pub fn plan_csv_import(
    csv_text: &str,
    uncell: impl Fn(&str) -> &str,
) -> Result<(Vec<ImportRow>, Vec<super::people::RejectedRow>), String> {
    use super::people::RejectedRow;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| "The file could not be read as CSV.".to_string())?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    for required in ["title", "kind", "url", "minutes", "aspects"] {
        if column(required).is_none() {
            return Err(format!(
                "The first line must be a header naming the columns, including \u{201c}{required}\u{201d}. Export the library to see the format."
            ));
        }
    }
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                rejected.push(RejectedRow {
                    line: err.position().map(|p| p.line()).unwrap_or(0),
                    reason: "This line is not valid CSV.".into(),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| {
            column(name)
                .and_then(|c| record.get(c))
                .map(|v| uncell(v).to_string())
                .unwrap_or_default()
        };
        let id = match cell("id").trim() {
            "" => None,
            raw => match Uuid::parse_str(raw) {
                Ok(id) => Some(id),
                Err(_) => {
                    rejected.push(RejectedRow {
                        line,
                        reason:
                            "The id is not one Attune wrote. Leave it empty for a new resource."
                                .into(),
                    });
                    continue;
                }
            },
        };
        let form = ResourceForm {
            title: cell("title"),
            kind: cell("kind"),
            url: cell("url"),
            description: cell("description"),
            minutes: cell("minutes"),
            aspects: cell("aspects")
                .split([';', ','])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            max_aspect_percent: cell("max_aspect_percent"),
            max_total: cell("max_total"),
            departments: cell("departments"),
            offices: cell("offices"),
            review_by: cell("review_by"),
            event_starts_at: cell("event_starts_at"),
            event_time_zone: cell("event_time_zone"),
            event_place: cell("event_place"),
        };
        let archived = match cell("status").trim().to_lowercase().as_str() {
            "" | "active" => false,
            "archived" => true,
            _ => {
                rejected.push(RejectedRow {
                    line,
                    reason: "Status must be active or archived.".into(),
                });
                continue;
            }
        };
        match ResourceInput::parse(&form) {
            Ok(input) => rows.push(ImportRow {
                line,
                id,
                input,
                archived,
            }),
            Err(errors) => rejected.push(RejectedRow {
                line,
                reason: errors
                    .iter()
                    .map(|(field, message)| format!("{field}: {message}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            }),
        }
    }
    Ok((rows, rejected))
}
