//! Program figures for HR, only ever as aggregates that cannot identify anyone.
//!
//! A group's figures are shown only when at least [`ANONYMITY_THRESHOLD`] people are in it.
//! When groups are hidden, more are hidden with them until the hidden ones together reach the
//! threshold (complementary suppression), so a hidden group's figures cannot be worked out by
//! subtracting the shown groups from the overall figures.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

/// The fewest people whose results may be shown together, until HR chooses otherwise
/// (the `anonymity_threshold` setting).
pub const ANONYMITY_THRESHOLD: i64 = 5;

/// The lowest anonymity threshold HR may choose, and the highest.
pub const MIN_THRESHOLD: i32 = 3;
pub const MAX_THRESHOLD: i32 = 100;

/// Reads the anonymity threshold setting.
pub fn parse_threshold(raw: &str) -> Result<i32, String> {
    match raw.trim().parse::<i32>() {
        Ok(n) if (MIN_THRESHOLD..=MAX_THRESHOLD).contains(&n) => Ok(n),
        Ok(n) if n < MIN_THRESHOLD => Err(format!(
            "The threshold can't be below {MIN_THRESHOLD}: with fewer people, a figure points at someone."
        )),
        _ => Err(format!(
            "Enter a whole number of people from {MIN_THRESHOLD} to {MAX_THRESHOLD}."
        )),
    }
}

/// Figures for one group of people (a department, an office, everyone).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    pub label: String,
    /// People whose latest result counts.
    pub people: i64,
    pub mean_total: f64,
    /// Mean of each aspect's mean (0..4), in `Aspect::ALL` order.
    pub aspect_means: [f64; 4],
}

/// A group as HR may see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Visible(GroupFigures),
    /// Too few people (or hidden alongside such a group): only the label is shown.
    Hidden {
        label: String,
    },
}

impl Shown {
    pub fn label(&self) -> &str {
        match self {
            Shown::Visible(g) => &g.label,
            Shown::Hidden { label } => label,
        }
    }
}

/// Applies the anonymity threshold to a breakdown, keeping the order given.
pub fn protect(groups: Vec<GroupFigures>, threshold: i64) -> Vec<Shown> {
    let sizes: Vec<i64> = groups.iter().map(|g| g.people).collect();
    groups
        .into_iter()
        .zip(hidden_groups(&sizes, threshold))
        .map(|(group, hide)| {
            if hide {
                Shown::Hidden { label: group.label }
            } else {
                Shown::Visible(group)
            }
        })
        .collect()
}

/// Which groups of a breakdown (by their sizes) must be hidden: those under `threshold`, and
/// then the smallest shown ones until the hidden groups together reach it (complementary
/// suppression), so subtracting the shown groups from the total never reveals fewer people.
pub fn hidden_groups(sizes: &[i64], threshold: i64) -> Vec<bool> {
    let mut hidden: Vec<bool> = sizes.iter().map(|n| *n < threshold).collect();
    loop {
        let hidden_people: i64 = sizes
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| **h)
            .map(|(n, _)| *n)
            .sum();
        let any_hidden = hidden.iter().any(|h| *h);
        if !any_hidden || hidden_people >= threshold {
            break;
        }
        // Hide the smallest group still shown; stop when none is left.
        let Some(next) = sizes
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(i, n)| (**n, *i))
            .map(|(i, _)| i)
        else {
            break;
        };
        hidden[next] = true;
    }
    hidden
}

/// The overall figures, only when enough people are in them.
pub fn protect_overall(overall: GroupFigures, threshold: i64) -> Option<GroupFigures> {
    (overall.people >= threshold).then_some(overall)
}

/// Quiz figures are as of the start of the current week (Monday 00:00 UTC) and change once a
/// week: comparing the page just before and just after one person takes the quiz would
/// otherwise reveal their score.
pub fn figures_as_of(now: DateTime<Utc>) -> DateTime<Utc> {
    let monday = now.date_naive() - Duration::days(i64::from(now.weekday().num_days_from_monday()));
    Utc.from_utc_datetime(&monday.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

/// `part` as a whole percentage of `whole` (halves round up); 0 when `whole` is 0.
pub fn share_percent(part: i64, whole: i64) -> i64 {
    if whole > 0 {
        (part * 100 + whole / 2) / whole
    } else {
        0
    }
}

/// Whether a count of people shown to HR (how many have taken the quiz, say) may move on from
/// `published` to `candidate`: when it hasn't changed, or when it changed by at least
/// `threshold` people, up or down. Otherwise the published count stays up, so that no count's
/// change from one week to the next is about fewer people than the threshold (one person
/// taking the quiz, one account erased): a change of `d` is about at least `d` people.
pub fn count_moves_on(published: i64, candidate: i64, threshold: i64) -> bool {
    candidate == published || (candidate - published).abs() >= threshold.max(1)
}

/// The count to show from now on: `candidate` when it may move on from `published`
/// ([`count_moves_on`]), `published` otherwise.
pub fn next_count(published: i64, candidate: i64, threshold: i64) -> i64 {
    if count_moves_on(published, candidate, threshold) {
        candidate
    } else {
        published
    }
}

/// Counts kept by key (a resource, a label) as they may be shown now: for each key in either,
/// `next(published, candidate)`, a key missing from one side counting `none` there. Keys whose
/// counts come out as `none` are left out.
pub fn moved_on_by_key<K: Ord, V: Copy + PartialEq>(
    published: impl IntoIterator<Item = (K, V)>,
    candidate: impl IntoIterator<Item = (K, V)>,
    none: V,
    next: impl Fn(V, V) -> V,
) -> Vec<(K, V)> {
    let mut both: std::collections::BTreeMap<K, (V, V)> = std::collections::BTreeMap::new();
    for (key, value) in published {
        both.entry(key).or_insert((none, none)).0 = value;
    }
    for (key, value) in candidate {
        both.entry(key).or_insert((none, none)).1 = value;
    }
    both.into_iter()
        .map(|(key, (before, now))| (key, next(before, now)))
        .filter(|(_, value)| *value != none)
        .collect()
}

/// Story nights held at one office (or online) that ended in the last year, from their RSVPs
/// and pitches.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoryNightFigures {
    /// The office, or "Online" for an event with no office.
    pub office: String,
    pub nights: i64,
    /// Different people who had a seat at one of them: the size the threshold applies to.
    pub people: i64,
    /// Seats taken, over all the nights.
    pub seats: i64,
    /// Seats taken at nights whose attendance the organizer recorded, and how many of those
    /// people came.
    pub seats_recorded: i64,
    pub attended: i64,
    /// Nights that ended with people still on the waitlist, and how many were left waiting.
    pub full_nights: i64,
    pub left_waiting: i64,
    pub pitches: i64,
}

impl StoryNightFigures {
    /// The share of people with a seat who came, where attendance was recorded.
    pub fn attendance_percent(&self) -> Option<i64> {
        (self.seats_recorded > 0).then(|| share_percent(self.attended, self.seats_recorded))
    }

    /// Pitches per night, to one decimal place.
    pub fn pitches_per_night(&self) -> String {
        if self.nights > 0 {
            format!("{:.1}", self.pitches as f64 / self.nights as f64)
        } else {
            "0.0".into()
        }
    }
}

/// Offices' story night figures as HR may see them: an office's row only when at least
/// `threshold` different people had a seat there (the others keep their name, no figures).
/// No total is shown beside them, so a hidden office can't be worked out from the others.
pub fn protect_story_nights(
    offices: Vec<StoryNightFigures>,
    threshold: i64,
) -> Vec<(String, Option<StoryNightFigures>)> {
    offices
        .into_iter()
        .map(|office| {
            if office.people >= threshold.max(1) {
                (office.office.clone(), Some(office))
            } else {
                (office.office, None)
            }
        })
        .collect()
}

/// How many published recognitions people in one department gave people in another (or the
/// same) department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecognitionPair {
    pub from: String,
    pub to: String,
    pub recognitions: i64,
}

/// Who recognises whom as HR sees it: the pairs with at least `threshold` recognitions, most
/// first and at most `limit` of them, and what the other pairs add up to (shown only when that
/// is at least the threshold too, so no small pair can be worked out as a difference).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PairsShown {
    pub pairs: Vec<RecognitionPair>,
    /// The other pairs: how many there are, and their recognitions when at least the
    /// threshold (None: fewer).
    pub other_pairs: i64,
    pub other_recognitions: Option<i64>,
}

pub fn protect_pairs(mut pairs: Vec<RecognitionPair>, threshold: i64, limit: usize) -> PairsShown {
    pairs.sort_by(|a, b| {
        b.recognitions
            .cmp(&a.recognitions)
            .then_with(|| a.from.cmp(&b.from))
            .then_with(|| a.to.cmp(&b.to))
    });
    let shown = pairs
        .iter()
        .take(limit)
        .take_while(|p| p.recognitions >= threshold.max(1))
        .count();
    let others = pairs.split_off(shown);
    let other_total: i64 = others.iter().map(|p| p.recognitions).sum();
    PairsShown {
        pairs,
        other_pairs: others.len() as i64,
        other_recognitions: (other_total >= threshold.max(1)).then_some(other_total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_up_and_never_divide_by_zero() {
        assert_eq!(share_percent(1, 8), 13);
        assert_eq!(share_percent(2, 3), 67);
        assert_eq!(share_percent(0, 0), 0);
    }

    #[test]
    fn a_count_moves_on_only_by_the_threshold_of_people_or_more() {
        // Nothing shown yet: the first count needs the threshold of people too.
        assert!(!count_moves_on(0, 4, 5));
        assert!(count_moves_on(0, 5, 5));
        assert!(count_moves_on(120, 120, 5));
        // One more person, or four: the change would be about them.
        assert!(!count_moves_on(120, 121, 5));
        assert!(!count_moves_on(120, 124, 5));
        assert!(count_moves_on(120, 125, 5));
        assert!(count_moves_on(120, 300, 5));
        // Fewer people: one account erased stays out of sight; five fewer is about five.
        assert!(!count_moves_on(120, 119, 5));
        assert!(!count_moves_on(120, 116, 5));
        assert!(count_moves_on(120, 115, 5));
        assert!(count_moves_on(120, 20, 5));
        // A threshold below 1 counts as 1.
        assert!(count_moves_on(7, 8, 0));
        assert_eq!(next_count(120, 121, 5), 120);
        assert_eq!(next_count(120, 125, 5), 125);
    }

    #[test]
    fn counts_by_key_move_on_one_key_at_a_time() {
        let moved = moved_on_by_key(
            [("held", 10), ("gone", 7), ("moved", 3)],
            [("held", 11), ("moved", 9), ("new", 2), ("newer", 6)],
            0,
            |before, now| next_count(before, now, 5),
        );
        // "gone" went down by 7 (all left); "new" is too few to appear.
        assert_eq!(moved, vec![("held", 10), ("moved", 9), ("newer", 6)]);
    }

    #[test]
    fn figures_change_on_mondays() {
        let wednesday = Utc.with_ymd_and_hms(2026, 11, 25, 15, 30, 0).unwrap();
        let monday = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
        assert_eq!(figures_as_of(wednesday), monday);
        assert_eq!(figures_as_of(monday), monday);
    }

    fn group(label: &str, people: i64) -> GroupFigures {
        GroupFigures {
            label: label.into(),
            people,
            mean_total: 40.0,
            aspect_means: [2.0; 4],
        }
    }

    fn visible(shown: &[Shown]) -> Vec<&str> {
        shown
            .iter()
            .filter(|s| matches!(s, Shown::Visible(_)))
            .map(Shown::label)
            .collect()
    }

    #[test]
    fn groups_at_the_threshold_are_shown_and_smaller_ones_hidden() {
        let shown = protect(vec![group("A", 5), group("B", 12), group("C", 6)], 5);
        assert_eq!(visible(&shown), vec!["A", "B", "C"]);
    }

    #[test]
    fn a_lone_small_group_takes_the_next_smallest_with_it() {
        // Hiding only B (2 people) would let anyone subtract A and C from the total.
        let shown = protect(vec![group("A", 9), group("B", 2), group("C", 6)], 5);
        assert_eq!(visible(&shown), vec!["A"]);
        assert_eq!(shown[1], Shown::Hidden { label: "B".into() });
    }

    #[test]
    fn hidden_groups_that_together_reach_the_threshold_need_no_more() {
        let shown = protect(vec![group("A", 3), group("B", 2), group("C", 6)], 5);
        assert_eq!(visible(&shown), vec!["C"]);
    }

    #[test]
    fn an_office_s_story_nights_show_from_the_threshold_of_people() {
        let london = StoryNightFigures {
            office: "London".into(),
            nights: 2,
            people: 5,
            seats: 9,
            seats_recorded: 6,
            attended: 4,
            full_nights: 1,
            left_waiting: 2,
            pitches: 3,
        };
        assert_eq!(london.attendance_percent(), Some(67));
        assert_eq!(london.pitches_per_night(), "1.5");
        let unrecorded = StoryNightFigures {
            seats_recorded: 0,
            ..london.clone()
        };
        assert_eq!(unrecorded.attendance_percent(), None);
        let paris = StoryNightFigures {
            office: "Paris".into(),
            people: 4,
            ..london.clone()
        };
        let shown = protect_story_nights(vec![london.clone(), paris], 5);
        assert_eq!(shown[0], ("London".to_string(), Some(london)));
        assert_eq!(shown[1], ("Paris".to_string(), None));
    }

    #[test]
    fn small_pairs_are_added_up_and_their_sum_shown_only_from_the_threshold() {
        let pair = |from: &str, to: &str, n| RecognitionPair {
            from: from.into(),
            to: to.into(),
            recognitions: n,
        };
        let shown = protect_pairs(
            vec![
                pair("Sales", "Finance", 3),
                pair("Sales", "Sales", 9),
                pair("Finance", "Sales", 6),
            ],
            5,
            10,
        );
        assert_eq!(
            shown.pairs,
            vec![pair("Sales", "Sales", 9), pair("Finance", "Sales", 6)]
        );
        assert_eq!(shown.other_pairs, 1);
        assert_eq!(
            shown.other_recognitions, None,
            "3 alone would be the hidden pair"
        );
        let shown = protect_pairs(
            vec![
                pair("A", "B", 3),
                pair("B", "A", 2),
                pair("A", "A", 9),
                pair("B", "B", 8),
            ],
            5,
            1,
        );
        assert_eq!(shown.pairs, vec![pair("A", "A", 9)]);
        assert_eq!((shown.other_pairs, shown.other_recognitions), (3, Some(13)));
    }

    #[test]
    fn everything_hides_when_everyone_together_is_too_few() {
        let shown = protect(vec![group("A", 1), group("B", 2)], 5);
        assert!(visible(&shown).is_empty());
        assert!(protect_overall(group("all", 3), 5).is_none());
        assert!(protect_overall(group("all", 5), 5).is_some());
    }
}
