//! Recommendation ranking: which resources fit a person (targeting, archived, draft, past, needs
//! review) and in what order (weakest aspect first, kinds mixed).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Resource;
use crate::domain::teq::{self, Aspect, AspectScore};

/// At most this many recommendations are shown at a time.
pub const MAX_RECOMMENDATIONS: usize = 6;

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
            teq::weakest_first(scores)
                .iter()
                .map(|s| s.aspect)
                .collect()
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
        && !resource.draft
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
        _ => format!("Practises {name}, one of your steadier aspects."),
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
                    format!("A good place to start: {}.", aspect.name().to_lowercase()),
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
    use crate::domain::resources::{EventDetails, Kind};
    use chrono_tz::Tz;

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
            draft: false,
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
            "You scored lower on reading emotions than on the other aspects."
        );
        assert_eq!(
            recs[1].reason,
            "Acting to help is your second-lowest aspect."
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
}
