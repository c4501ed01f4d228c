//! Forming peer learning circles from a programme's sign-ups: a pure function of the sign-ups,
//! the programme's rules and a seed.
//!
//! - Every circle has 4 to 6 members, as close to the programme's size as the numbers allow.
//! - Time zones: people are first grouped by region of the world (the Americas; Europe, Africa
//!   and the Middle East; Asia and the Pacific), so a circle can meet in working hours. A region
//!   too small to make circles of its own joins its neighbour.
//! - Cross-functional programmes deal each region's people out department by department, so
//!   no circle has more of one department than it must. Otherwise circles are cut from people
//!   sorted by time zone, for the closest working hours.
//! - Everyone is placed whenever the numbers allow: always from 8 people, and from 4 to 6;
//!   with fewer than 4 (or exactly 7) the people left over are reported.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use uuid::Uuid;

/// The fewest and most members of a circle.
pub const MIN_SIZE: usize = 4;
pub const MAX_SIZE: usize = 6;

/// Someone who signed up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUp {
    pub id: Uuid,
    pub department: String,
    pub utc_offset_minutes: i32,
}

/// The programme's choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircleRules {
    /// The size aimed for, 4 to 6.
    pub size: usize,
    pub cross_functional: bool,
}

/// Circles formed, and who could not be placed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Formed {
    pub circles: Vec<Vec<Uuid>>,
    pub unplaced: Vec<Uuid>,
}

/// The region of the world a UTC offset is in: 0 the Americas, 1 Europe, Africa and the
/// Middle East, 2 Asia and the Pacific.
fn region(offset_minutes: i32) -> usize {
    if offset_minutes < -3 * 60 {
        0
    } else if offset_minutes <= 4 * 60 {
        1
    } else {
        2
    }
}

/// How many circles `n` people make, aiming at `size`: `None` when no number of circles of
/// 4 to 6 fits (fewer than 4 people, or 7).
pub fn circle_count(n: usize, size: usize) -> Option<usize> {
    let size = size.clamp(MIN_SIZE, MAX_SIZE);
    let mut k = ((n + size / 2) / size).max(1);
    while k * MAX_SIZE < n {
        k += 1;
    }
    while k > 1 && k * MIN_SIZE > n {
        k -= 1;
    }
    (n >= MIN_SIZE && k * MIN_SIZE <= n && n <= k * MAX_SIZE).then_some(k)
}

/// Forms the circles.
pub fn form_circles(signups: &[SignUp], rules: CircleRules, seed: u64) -> Formed {
    let mut people: Vec<&SignUp> = signups.iter().collect();
    people.sort_by_key(|s| s.id);
    people.dedup_by_key(|s| s.id);
    let mut rng = StdRng::seed_from_u64(seed);
    people.shuffle(&mut rng);

    // Regions, merging any that can't be split into circles into a neighbour.
    let mut regions: Vec<Vec<&SignUp>> = vec![Vec::new(), Vec::new(), Vec::new()];
    for person in people {
        regions[region(person.utc_offset_minutes)].push(person);
    }
    regions.retain(|r| !r.is_empty());
    while regions.len() > 1 {
        let Some(bad) = regions
            .iter()
            .position(|r| circle_count(r.len(), rules.size).is_none())
        else {
            break;
        };
        let into = if bad == 0 {
            1
        } else if bad == regions.len() - 1 || regions[bad - 1].len() <= regions[bad + 1].len() {
            bad - 1
        } else {
            bad + 1
        };
        let moved = std::mem::take(&mut regions[bad]);
        regions[into].extend(moved);
        regions.remove(bad);
    }

    let mut formed = Formed::default();
    for mut members in regions {
        let count = match circle_count(members.len(), rules.size) {
            Some(k) => k,
            // 7 people: one circle of 6, one left over; fewer than 4: nobody placed
            None if members.len() > MAX_SIZE => {
                let extra = members.split_off(MAX_SIZE);
                formed.unplaced.extend(extra.iter().map(|s| s.id));
                1
            }
            None => {
                formed.unplaced.extend(members.iter().map(|s| s.id));
                continue;
            }
        };
        formed
            .circles
            .extend(split(members, count, rules.cross_functional));
    }
    formed
}

/// Splits one region's people into `count` circles whose sizes differ by at most one.
fn split(mut members: Vec<&SignUp>, count: usize, cross_functional: bool) -> Vec<Vec<Uuid>> {
    let mut circles = vec![Vec::new(); count];
    if cross_functional {
        // Department by department, largest first, each in time-zone order; dealt round the
        // circles so each gets its share of every department.
        let mut by_department: BTreeMap<&str, Vec<&SignUp>> = BTreeMap::new();
        for person in members {
            by_department
                .entry(person.department.as_str())
                .or_default()
                .push(person);
        }
        let mut lists: Vec<Vec<&SignUp>> = by_department.into_values().collect();
        for list in &mut lists {
            list.sort_by_key(|s| s.utc_offset_minutes);
        }
        lists.sort_by_key(|list| std::cmp::Reverse(list.len()));
        for (j, person) in lists.into_iter().flatten().enumerate() {
            circles[j % count].push(person.id);
        }
    } else {
        members.sort_by_key(|s| s.utc_offset_minutes);
        let (base, extra) = (members.len() / count, members.len() % count);
        let mut rest = members.into_iter();
        for (i, circle) in circles.iter_mut().enumerate() {
            let size = base + usize::from(i < extra);
            circle.extend(rest.by_ref().take(size).map(|s| s.id));
        }
    }
    circles
}

/// Where the remaining members of a circle being merged go: each into the smallest other
/// circle with room (up to 6). `None` when the other circles haven't room for them all.
pub fn disperse(members: &[Uuid], others: &[(Uuid, usize)]) -> Option<Vec<(Uuid, Uuid)>> {
    let mut sizes: Vec<(Uuid, usize)> = others.to_vec();
    let mut moves = Vec::with_capacity(members.len());
    for member in members {
        let target = sizes
            .iter_mut()
            .filter(|(_, size)| *size < MAX_SIZE)
            .min_by_key(|(id, size)| (*size, *id))?;
        target.1 += 1;
        moves.push((*member, target.0));
    }
    Some(moves)
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use proptest::prelude::*;

    use super::*;

    fn signups() -> impl Strategy<Value = Vec<SignUp>> {
        prop::collection::vec(
            (
                0..6usize,
                prop::sample::select(vec![-8, -5, 0, 1, 3, 8, 10]),
            ),
            0..80,
        )
        .prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(n, (d, z))| SignUp {
                    id: Uuid::from_u128(n as u128 + 1),
                    department: format!("D{d}"),
                    utc_offset_minutes: z * 60,
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn circles_keep_their_bounds_and_place_everyone_the_numbers_allow(
            people in signups(),
            size in 4..=6usize,
            cross in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let rules = CircleRules { size, cross_functional: cross };
            let formed = form_circles(&people, rules, seed);
            let mut seen = HashSet::new();
            for circle in &formed.circles {
                prop_assert!((MIN_SIZE..=MAX_SIZE).contains(&circle.len()), "{}", circle.len());
                for id in circle {
                    prop_assert!(seen.insert(*id));
                }
            }
            for id in &formed.unplaced {
                prop_assert!(seen.insert(*id));
            }
            prop_assert_eq!(seen.len(), people.len());
            if people.len() >= 8 || (MIN_SIZE..=MAX_SIZE).contains(&people.len()) {
                prop_assert!(formed.unplaced.is_empty(), "{} left over", formed.unplaced.len());
            }
            prop_assert_eq!(form_circles(&people, rules, seed), formed);
        }

        #[test]
        fn cross_functional_circles_mix_departments_as_far_as_numbers_allow(
            departments in prop::collection::vec(0..8usize, 8..60),
            size in 4..=6usize,
            seed in any::<u64>(),
        ) {
            // Everyone in one time zone: no circle has more of a department than its share.
            let people: Vec<SignUp> = departments
                .iter()
                .enumerate()
                .map(|(n, &d)| SignUp {
                    id: Uuid::from_u128(n as u128 + 1),
                    department: format!("D{d}"),
                    utc_offset_minutes: 60,
                })
                .collect();
            let rules = CircleRules { size, cross_functional: true };
            let formed = form_circles(&people, rules, seed);
            let k = formed.circles.len();
            prop_assert!(k > 0);
            let department: HashMap<Uuid, &str> =
                people.iter().map(|p| (p.id, p.department.as_str())).collect();
            let mut totals: HashMap<&str, usize> = HashMap::new();
            for p in &people {
                *totals.entry(p.department.as_str()).or_default() += 1;
            }
            for circle in &formed.circles {
                let mut counts: HashMap<&str, usize> = HashMap::new();
                for id in circle {
                    *counts.entry(department[id]).or_default() += 1;
                }
                for (d, c) in counts {
                    prop_assert!(c <= totals[d].div_ceil(k), "{d}: {c} of {} in {k} circles", totals[d]);
                }
            }
        }

        #[test]
        fn dispersing_fills_the_smallest_circles_without_passing_six(
            members in 0..6usize,
            others in prop::collection::vec(3..=6usize, 0..4),
        ) {
            let leaving: Vec<Uuid> = (0..members).map(|n| Uuid::from_u128(100 + n as u128)).collect();
            let circles: Vec<(Uuid, usize)> =
                others.iter().enumerate().map(|(n, &s)| (Uuid::from_u128(n as u128 + 1), s)).collect();
            let room: usize = others.iter().map(|s| MAX_SIZE - s).sum();
            match disperse(&leaving, &circles) {
                None => prop_assert!(room < members),
                Some(moves) => {
                    prop_assert_eq!(moves.len(), members);
                    let mut sizes: HashMap<Uuid, usize> = circles.iter().copied().collect();
                    for (_, to) in moves {
                        *sizes.get_mut(&to).unwrap() += 1;
                    }
                    prop_assert!(sizes.values().all(|&s| s <= MAX_SIZE));
                }
            }
        }
    }

    #[test]
    fn circles_stay_within_a_region_of_the_world_when_it_is_big_enough() {
        let people: Vec<SignUp> = (0..16)
            .map(|n| SignUp {
                id: Uuid::from_u128(n + 1),
                department: format!("D{}", n % 4),
                utc_offset_minutes: if n < 8 { -300 } else { 480 },
            })
            .collect();
        let formed = form_circles(
            &people,
            CircleRules {
                size: 4,
                cross_functional: true,
            },
            3,
        );
        assert_eq!(formed.circles.len(), 4);
        let zone: HashMap<Uuid, i32> = people
            .iter()
            .map(|p| (p.id, p.utc_offset_minutes))
            .collect();
        for circle in &formed.circles {
            let zones: HashSet<i32> = circle.iter().map(|id| zone[id]).collect();
            assert_eq!(zones.len(), 1, "{circle:?}");
            let departments: HashSet<u128> =
                circle.iter().map(|id| (id.as_u128() - 1) % 4).collect();
            assert_eq!(departments.len(), 4, "one of each department");
        }
    }

    #[test]
    fn counts_of_circles() {
        assert_eq!(circle_count(3, 5), None);
        assert_eq!(circle_count(4, 6), Some(1));
        assert_eq!(circle_count(7, 5), None);
        assert_eq!(circle_count(8, 6), Some(2));
        assert_eq!(circle_count(25, 5), Some(5));
        assert_eq!(circle_count(13, 6), Some(3));
    }
}
