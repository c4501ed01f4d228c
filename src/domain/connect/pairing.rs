//! Drawing a round of conversation pairs: a pure function of the people due, the pairs of
//! recent rounds and a seed.
//!
//! The rules, hardest first:
//! - never the same two people within the no-repeat window (`recent`);
//! - with "cross-team only", never two people of one department;
//! - other departments before one's own; then, for in-person conversations, the same office
//!   (otherwise the pair meets by video), and for video, close time zones (working hours that
//!   overlap), widening step by step until everyone who can be is placed;
//! - with an odd number, one group of three (never more than one);
//! - the same people, history and seed give the same pairs.
//!
//! It works in stages over buckets (office, time-zone band, then everyone left), each a single
//! pass over the bucket with a bounded look-ahead, so 100,000 people take well under a second.

use std::collections::{BTreeMap, HashSet};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use uuid::Uuid;

use super::Mode;

/// Someone due for a conversation this round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub department: String,
    pub office: String,
    /// Their time zone's offset from UTC this week, in minutes.
    pub utc_offset_minutes: i32,
    pub mode: Mode,
}

/// HR's pairing setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rules {
    /// Only pair people of different departments (otherwise: prefer it).
    pub cross_team_only: bool,
}

/// One conversation: two people (or three, once per round), in person or by video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub members: Vec<Uuid>,
    pub mode: Mode,
}

/// A drawn round: the groups, and who couldn't be placed under the rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draw {
    pub groups: Vec<Group>,
    pub unplaced: Vec<Uuid>,
}

/// Two people as a pair key, in a fixed order, for the no-repeat history.
pub fn pair_key(a: Uuid, b: Uuid) -> (Uuid, Uuid) {
    if a <= b { (a, b) } else { (b, a) }
}

/// How many people ahead the pass looks for a partner.
const LOOK_AHEAD: usize = 48;
/// How many groups a last odd person is offered to, to make the group of three.
const TRIO_LOOK: usize = 2_000;
/// Time zones within this many minutes count as close (a working day overlaps by 5 hours).
const CLOSE_ZONES: i32 = 180;

struct Person {
    id: Uuid,
    department: u32,
    office: u32,
    offset: i32,
    in_person: bool,
}

/// Which bucket a person is in at a stage.
type BucketKey = fn(&Person) -> i64;

struct State<'a> {
    people: Vec<Person>,
    recent: &'a HashSet<(Uuid, Uuid)>,
    placed: Vec<bool>,
    groups: Vec<(Vec<usize>, Mode)>,
}

impl State<'_> {
    fn compatible(&self, a: usize, b: usize, same_department: bool) -> bool {
        let (pa, pb) = (&self.people[a], &self.people[b]);
        (same_department || pa.department != pb.department)
            && !self.recent.contains(&pair_key(pa.id, pb.id))
    }

    fn mode_of(&self, members: &[usize]) -> Mode {
        let first = &self.people[members[0]];
        let together = members.iter().all(|&m| {
            let p = &self.people[m];
            p.in_person && p.office == first.office
        });
        if together {
            Mode::InPerson
        } else {
            Mode::Video
        }
    }

    /// One pass over a bucket: each person still unplaced takes the first compatible person
    /// ahead of them (the first in a close time zone, if one is within the look-ahead).
    fn pass(&mut self, bucket: &[usize], same_department: bool) {
        let order = if same_department {
            bucket.to_vec()
        } else {
            interleave(bucket, &self.people)
        };
        for i in 0..order.len() {
            let a = order[i];
            if self.placed[a] {
                continue;
            }
            let mut first = None;
            let mut close = None;
            let mut looked = 0;
            for (skipped, &b) in order[i + 1..].iter().enumerate() {
                if looked >= LOOK_AHEAD || skipped >= LOOK_AHEAD * 4 {
                    break;
                }
                if self.placed[b] {
                    continue;
                }
                looked += 1;
                if !self.compatible(a, b, same_department) {
                    continue;
                }
                first.get_or_insert(b);
                if (self.people[a].offset - self.people[b].offset).abs() <= CLOSE_ZONES {
                    close = Some(b);
                    break;
                }
            }
            if let Some(b) = close.or(first) {
                self.placed[a] = true;
                self.placed[b] = true;
                let mode = self.mode_of(&[a, b]);
                self.groups.push((vec![a, b], mode));
            }
        }
    }

    fn unplaced(&self, of: &[usize]) -> Vec<usize> {
        of.iter().copied().filter(|&i| !self.placed[i]).collect()
    }
}

/// Orders a bucket so that neighbours are from different departments wherever the sizes
/// allow: the largest department fills every other place first, then the next ones. With no
/// department over half the bucket, no two neighbours share one.
fn interleave(bucket: &[usize], people: &[Person]) -> Vec<usize> {
    let mut by_department: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for &i in bucket {
        by_department
            .entry(people[i].department)
            .or_default()
            .push(i);
    }
    let mut lists: Vec<Vec<usize>> = by_department.into_values().collect();
    // largest first; ties by who comes first in the (shuffled) bucket
    lists.sort_by_key(|list| (std::cmp::Reverse(list.len()), list[0]));
    let flat: Vec<usize> = lists.into_iter().flatten().collect();
    let mut out = vec![0; flat.len()];
    let evens = flat.len().div_ceil(2);
    for (k, &person) in flat.iter().enumerate() {
        let place = if k < evens {
            2 * k
        } else {
            2 * (k - evens) + 1
        };
        out[place] = person;
    }
    out
}

/// Interns labels (departments, offices) as numbers, in sorted order.
fn intern<'a>(labels: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, u32> {
    let mut map: BTreeMap<&str, u32> = labels.map(|label| (label, 0)).collect();
    for (n, value) in map.values_mut().enumerate() {
        *value = u32::try_from(n).unwrap_or(u32::MAX);
    }
    map
}

/// Draws a round. `recent` holds the pairs (see [`pair_key`]) of the rounds inside the
/// no-repeat window.
pub fn draw(
    candidates: &[Candidate],
    recent: &HashSet<(Uuid, Uuid)>,
    rules: Rules,
    seed: u64,
) -> Draw {
    // The same people in any order give the same round: sort, then shuffle by the seed.
    let mut sorted: Vec<&Candidate> = candidates.iter().collect();
    sorted.sort_by_key(|c| c.id);
    sorted.dedup_by_key(|c| c.id);
    let mut rng = StdRng::seed_from_u64(seed);
    sorted.shuffle(&mut rng);

    let departments = intern(sorted.iter().map(|c| c.department.as_str()));
    let offices = intern(sorted.iter().map(|c| c.office.as_str()));
    let people: Vec<Person> = sorted
        .iter()
        .map(|c| Person {
            id: c.id,
            department: departments[c.department.as_str()],
            office: offices[c.office.as_str()],
            offset: c.utc_offset_minutes,
            in_person: c.mode == Mode::InPerson && !c.office.is_empty(),
        })
        .collect();
    let n = people.len();
    let mut state = State {
        placed: vec![false; n],
        people,
        recent,
        groups: Vec::new(),
    };
    let everyone: Vec<usize> = (0..n).collect();

    // Stage by stage, each over whoever is still unplaced.
    let stages: [(BucketKey, bool); 5] = [
        // 1. in person, in one office, another department
        (
            |p| if p.in_person { i64::from(p.office) } else { -1 },
            false,
        ),
        // 2. by video, in a three-hour band of time zones, another department
        (|p| i64::from(p.offset.div_euclid(CLOSE_ZONES)), false),
        // 3. anyone, another department (nearest zones first)
        (|_| 0, false),
        // 4. (mixed) the same office or band, any department
        (
            |p| {
                if p.in_person {
                    i64::from(p.office)
                } else {
                    10_000 + i64::from(p.offset.div_euclid(CLOSE_ZONES))
                }
            },
            true,
        ),
        // 5. (mixed) anyone
        (|_| 0, true),
    ];
    for (stage, (key, same_department)) in stages.into_iter().enumerate() {
        if same_department && rules.cross_team_only {
            break;
        }
        let left = state.unplaced(&everyone);
        let mut buckets: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for &i in &left {
            let k = key(&state.people[i]);
            if stage == 0 && k < 0 {
                continue;
            }
            buckets.entry(k).or_default().push(i);
        }
        for mut bucket in buckets.into_values() {
            if key(&state.people[bucket[0]]) == 0 && (stage == 2 || stage == 4) {
                // everyone left: by time zone, so neighbours are close
                bucket.sort_by_key(|&i| state.people[i].offset);
            }
            state.pass(&bucket, same_department);
        }
    }

    // An odd one out joins a pair as its third (once per round).
    let mut left = state.unplaced(&everyone);
    if !left.is_empty() && !state.groups.is_empty() {
        let same_department = !rules.cross_team_only;
        'odd: for (position, &odd) in left.iter().enumerate() {
            let look = state.groups.len().min(TRIO_LOOK);
            // the most recently made pairs were made last, among people like the odd one out
            for g in (state.groups.len() - look..state.groups.len()).rev() {
                let fits = state.groups[g].0.iter().all(|&m| {
                    state.compatible(odd, m, same_department)
                        && (same_department
                            || state.people[odd].department != state.people[m].department)
                });
                if fits {
                    state.groups[g].0.push(odd);
                    state.placed[odd] = true;
                    let mode = state.mode_of(&state.groups[g].0);
                    state.groups[g].1 = mode;
                    left.remove(position);
                    break 'odd;
                }
            }
        }
    }

    let people = &state.people;
    Draw {
        groups: state
            .groups
            .iter()
            .map(|(members, mode)| Group {
                members: members.iter().map(|&m| people[m].id).collect(),
                mode: *mode,
            })
            .collect(),
        unplaced: left.iter().map(|&i| people[i].id).collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    fn person(
        n: u128,
        department: usize,
        office: usize,
        offset_hours: i32,
        video: bool,
    ) -> Candidate {
        Candidate {
            id: Uuid::from_u128(n + 1),
            department: format!("D{department}"),
            office: format!("O{office}"),
            utc_offset_minutes: offset_hours * 60,
            mode: if video { Mode::Video } else { Mode::InPerson },
        }
    }

    fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
        prop::collection::vec((0..4usize, 0..3usize, -8..9i32, any::<bool>()), 0..60).prop_map(
            |rows| {
                rows.into_iter()
                    .enumerate()
                    .map(|(n, (d, o, z, v))| person(n as u128, d, o, z, v))
                    .collect()
            },
        )
    }

    /// Some pairs of the given people, as a no-repeat history.
    fn history(people: &[Candidate], picks: &[(usize, usize)]) -> HashSet<(Uuid, Uuid)> {
        if people.len() < 2 {
            return HashSet::new();
        }
        picks
            .iter()
            .map(|(a, b)| (a % people.len(), b % people.len()))
            .filter(|(a, b)| a != b)
            .map(|(a, b)| pair_key(people[a].id, people[b].id))
            .collect()
    }

    fn check_shape(people: &[Candidate], draw: &Draw) {
        let mut seen = HashSet::new();
        for group in &draw.groups {
            assert!(matches!(group.members.len(), 2 | 3), "{group:?}");
            for id in &group.members {
                assert!(seen.insert(*id), "{id} placed twice");
            }
        }
        for id in &draw.unplaced {
            assert!(seen.insert(*id), "{id} both placed and unplaced");
        }
        let all: HashSet<Uuid> = people.iter().map(|p| p.id).collect();
        assert_eq!(seen, all, "everyone is either placed or reported unplaced");
        assert!(
            draw.groups.iter().filter(|g| g.members.len() == 3).count() <= 1,
            "at most one group of three"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn rules_always_hold(
            people in candidates(),
            picks in prop::collection::vec((0..60usize, 0..60usize), 0..80),
            cross in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let recent = history(&people, &picks);
            let rules = Rules { cross_team_only: cross };
            let drawn = draw(&people, &recent, rules, seed);
            check_shape(&people, &drawn);
            let by_id: HashMap<Uuid, &Candidate> = people.iter().map(|p| (p.id, p)).collect();
            for group in &drawn.groups {
                for (i, a) in group.members.iter().enumerate() {
                    for b in &group.members[i + 1..] {
                        prop_assert!(!recent.contains(&pair_key(*a, *b)), "a repeat within the window");
                        if cross {
                            prop_assert_ne!(&by_id[a].department, &by_id[b].department);
                        }
                    }
                }
                if group.mode == Mode::InPerson {
                    let offices: HashSet<&str> = group.members.iter().map(|m| by_id[m].office.as_str()).collect();
                    prop_assert_eq!(offices.len(), 1, "in person means one office");
                    prop_assert!(group.members.iter().all(|m| by_id[m].mode == Mode::InPerson));
                }
            }
            // The same seed gives the same round, whatever order the people come in.
            let mut reversed = people.clone();
            reversed.reverse();
            prop_assert_eq!(draw(&reversed, &recent, rules, seed), drawn);
        }

        #[test]
        fn mixed_pairing_without_history_places_everyone(people in candidates(), seed in any::<u64>()) {
            let drawn = draw(&people, &HashSet::new(), Rules::default(), seed);
            check_shape(&people, &drawn);
            if people.len() >= 2 {
                prop_assert!(drawn.unplaced.is_empty(), "{:?}", drawn.unplaced);
            }
        }

        #[test]
        fn cross_team_pairing_places_everyone_when_no_department_is_a_majority(
            departments in prop::collection::vec(0..5usize, 2..80),
            video in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let mut counts = HashMap::new();
            for d in &departments {
                *counts.entry(d).or_insert(0usize) += 1;
            }
            let largest = counts.values().copied().max().unwrap_or(0);
            // with an odd number, the odd one out needs a pair without their department
            prop_assume!(largest * 2 <= departments.len() - departments.len() % 2);
            let people: Vec<Candidate> = departments
                .iter()
                .enumerate()
                .map(|(n, &d)| person(n as u128, d, 0, 1, video))
                .collect();
            let rules = Rules { cross_team_only: true };
            let drawn = draw(&people, &HashSet::new(), rules, seed);
            check_shape(&people, &drawn);
            prop_assert!(drawn.unplaced.is_empty(), "{:?}", drawn.unplaced);
        }

        #[test]
        fn a_pair_is_not_repeated_in_consecutive_rounds(
            people in candidates(),
            seeds in prop::collection::vec(any::<u64>(), 4),
        ) {
            // Round after round with the pairs of the last three rounds as history: no pair
            // comes back while it is inside the window.
            let mut rounds: Vec<HashSet<(Uuid, Uuid)>> = Vec::new();
            for seed in seeds {
                let recent: HashSet<(Uuid, Uuid)> =
                    rounds.iter().rev().take(3).flatten().copied().collect();
                let drawn = draw(&people, &recent, Rules::default(), seed);
                check_shape(&people, &drawn);
                let mut this_round = HashSet::new();
                for group in &drawn.groups {
                    for (i, a) in group.members.iter().enumerate() {
                        for b in &group.members[i + 1..] {
                            prop_assert!(!recent.contains(&pair_key(*a, *b)));
                            this_round.insert(pair_key(*a, *b));
                        }
                    }
                }
                rounds.push(this_round);
            }
        }
    }

    #[test]
    fn prefers_other_departments_then_the_same_office() {
        // Two offices, two departments each: in person, everyone meets someone of the other
        // department in their own office.
        let people = vec![
            person(1, 0, 0, 0, false),
            person(2, 0, 0, 0, false),
            person(3, 1, 0, 0, false),
            person(4, 1, 0, 0, false),
            person(5, 0, 1, 0, false),
            person(6, 1, 1, 0, false),
        ];
        let by_id: HashMap<Uuid, &Candidate> = people.iter().map(|p| (p.id, p)).collect();
        for seed in 0..50 {
            let drawn = draw(&people, &HashSet::new(), Rules::default(), seed);
            assert_eq!(drawn.groups.len(), 3);
            for group in &drawn.groups {
                let (a, b) = (by_id[&group.members[0]], by_id[&group.members[1]]);
                assert_ne!(a.department, b.department, "seed {seed}");
                assert_eq!(a.office, b.office, "seed {seed}");
                assert_eq!(group.mode, Mode::InPerson);
            }
        }
    }

    #[test]
    fn video_pairs_prefer_overlapping_working_hours() {
        // Two in Toronto (-5) and two in Singapore (+8), all by video, all different
        // departments: each is paired within their own time zone.
        let people = vec![
            person(1, 0, 0, -5, true),
            person(2, 1, 0, -5, true),
            person(3, 2, 1, 8, true),
            person(4, 3, 1, 8, true),
        ];
        let by_id: HashMap<Uuid, &Candidate> = people.iter().map(|p| (p.id, p)).collect();
        for seed in 0..50 {
            let drawn = draw(&people, &HashSet::new(), Rules::default(), seed);
            for group in &drawn.groups {
                let zones: HashSet<i32> = group
                    .members
                    .iter()
                    .map(|m| by_id[m].utc_offset_minutes)
                    .collect();
                assert_eq!(zones.len(), 1, "seed {seed}: {group:?}");
            }
        }
    }

    #[test]
    fn an_odd_number_makes_one_group_of_three() {
        let people: Vec<Candidate> = (0..7)
            .map(|n| person(n, n as usize % 3, 0, 0, true))
            .collect();
        let drawn = draw(&people, &HashSet::new(), Rules::default(), 7);
        let sizes: Vec<usize> = drawn.groups.iter().map(|g| g.members.len()).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 7);
        assert_eq!(sizes.iter().filter(|&&s| s == 3).count(), 1);
        assert!(drawn.unplaced.is_empty());
    }

    #[test]
    fn nobody_to_pair_with_is_reported_not_forced() {
        let one = vec![person(1, 0, 0, 0, true)];
        let drawn = draw(&one, &HashSet::new(), Rules::default(), 1);
        assert!(drawn.groups.is_empty());
        assert_eq!(drawn.unplaced, vec![one[0].id]);
        // Two of one department with cross-team only: no pair.
        let two = vec![person(1, 0, 0, 0, true), person(2, 0, 0, 0, true)];
        let drawn = draw(
            &two,
            &HashSet::new(),
            Rules {
                cross_team_only: true,
            },
            1,
        );
        assert!(drawn.groups.is_empty());
        assert_eq!(drawn.unplaced.len(), 2);
    }

    #[test]
    fn a_hundred_thousand_people_are_paired_in_well_under_seconds() {
        let people: Vec<Candidate> = (0..100_000u128)
            .map(|n| {
                let n32 = n as usize;
                person(
                    n,
                    n32 % 37,
                    n32 % 11,
                    (n32 % 17) as i32 - 8,
                    n32.is_multiple_of(3),
                )
            })
            .collect();
        // A window's worth of history: the pairs of an earlier round.
        let earlier = draw(&people, &HashSet::new(), Rules::default(), 1);
        let recent: HashSet<(Uuid, Uuid)> = earlier
            .groups
            .iter()
            .flat_map(|g| {
                g.members
                    .iter()
                    .enumerate()
                    .flat_map(|(i, a)| g.members[i + 1..].iter().map(move |b| pair_key(*a, *b)))
            })
            .collect();
        let started = std::time::Instant::now();
        let drawn = draw(
            &people,
            &recent,
            Rules {
                cross_team_only: true,
            },
            2,
        );
        let took = started.elapsed();
        assert!(
            drawn.unplaced.is_empty(),
            "{} unplaced",
            drawn.unplaced.len()
        );
        // generous for an unoptimised debug build on a shared machine
        assert!(took.as_secs() < 20, "took {took:?}");
    }
}
