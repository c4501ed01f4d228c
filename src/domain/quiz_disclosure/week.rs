//! This week's quiz figures beside the last ones HR saw.
//!
//! Whoever writes the page down every week can subtract one week's figures from the next: the
//! difference is about the people whose results changed in between (a first result, a retake,
//! an attempt deleted, an account erased). The figures of a new week are therefore shown only
//! when that difference is itself about enough people, however it is combined; otherwise the
//! last figures shown stay up ("held") and the week after is compared with them in turn.
//!
//! The rule. Call the people with a counted result since the published date the *changed*
//! people, and their results since then the *new* results (no earlier figure uses them).
//! - What HR has seen stays as it was: quarter points shown before keep the figures they were
//!   shown with, and no quarter point before the published date is shown for the first time.
//!   This week's own figures are decided by [`protect`](super::protect) as usual.
//! - A combination that weighs someone's new result: changed people with the same history (the
//!   published date counting as one more point in time) are weighed alike but for their
//!   department's and office's weights, so it is about all of
//!   them or a cut of their graph. Each such class must hold the threshold, with no cut of its
//!   graph smaller than it.
//! - A combination that weighs no new result must weigh nothing at all of this week's figures
//!   (checked as a rank of this week's figures as weights on people's results, from the counts
//!   alone): then it is a combination of figures HR has already seen, which were checked when
//!   they were shown. Retakers' change counts here unless nobody retook and nothing was
//!   removed, when it is the published figure exactly.
//! - A deleted attempt or an erased account changes the figures with no new result of its own;
//!   the second rule covers it, as the published figures' part, but only if some new results
//!   came in. Without any, the week is held.
//!
//! The property test builds random organisations over four weeks, with people joining,
//! retaking, moving, deleting attempts and leaving, and checks with exact ranks that no
//! combination, with any weights, of every figure shown over the weeks is about fewer than the
//! threshold of people and more than none.

use std::collections::{BTreeMap, BTreeSet};

use super::{Cell, Graph, History, MAX_POINTS, QuizShown, protect_from};

/// What of this week's quiz figures may be shown, given that HR has seen the figures as of
/// point `published` (the points are the quarters and that date, in time order; `cells`' last
/// periods are the results since) and those of the quarter points in `known` (shown before:
/// their figures stay as they were first shown). `removed`: an attempt was deleted, or an
/// account with results erased, since. None: hold the published figures. (When nothing was
/// ever shown, [`protect`](super::protect) alone decides.)
pub fn protect_week(
    cells: &[Cell],
    points: usize,
    published: usize,
    known: &[usize],
    removed: bool,
    threshold: i64,
) -> Option<QuizShown> {
    let threshold = threshold.max(1);
    let mut shown = protect_from(cells, points, published + 1, threshold);
    // Quarter points shown before stay shown, with the figures they were shown with.
    for point in known.iter().filter(|p| **p < points) {
        shown.points[*point] = true;
    }
    let cells: Vec<&Cell> = cells.iter().filter(|c| c.people > 0).collect();
    let new_since = |period: usize| period > published;
    let changed: Vec<&Cell> = cells
        .iter()
        .copied()
        .filter(|c| u32::from(c.history.periods) >> (published + 1) != 0)
        .collect();
    if !shown.latest {
        // Showing nothing now would leave the figures HR saw out of the next week's check.
        return None;
    }
    if changed.is_empty() {
        return (!removed).then_some(shown);
    }
    // Combinations that weigh someone's new result: about whole classes of the changed people,
    // or cuts of their graphs.
    let mut classes: BTreeMap<History, Vec<&Cell>> = BTreeMap::new();
    for cell in &changed {
        classes.entry(cell.history).or_default().push(cell);
    }
    let sound = classes.values().all(|class| {
        let graph = Graph::new(
            class
                .iter()
                .map(|c| (c.department.as_str(), c.office.as_str(), c.people)),
            &shown.hidden_departments,
            &shown.hidden_offices,
        );
        class.iter().map(|c| c.people).sum::<i64>() >= threshold
            && graph.small_cut(threshold).is_none()
    });
    // Combinations that weigh no new result: must weigh nothing of this week's.
    let mut figures = Figures::new(&cells, &shown, known);
    if !removed && !changed.iter().any(|c| c.history.retook()) {
        // The same retakers with the same results: retakers' change is the published one.
        figures.change = false;
    }
    let all: Vec<Vec<i64>> = cells
        .iter()
        .flat_map(|c| figures.rows(c, |_| true))
        .collect();
    let new: Vec<Vec<i64>> = changed
        .iter()
        .flat_map(|c| figures.rows(c, new_since))
        .collect();
    (sound && rank(&new) == rank(&all)).then_some(shown)
}

/// Whether counts of people by department and office (`(department, office, people)`) may move
/// on from `published` to `candidate`, each shown as [`protect_breakdowns`] allows: when nothing
/// was shown, or by [`counts_move_on`].
pub fn cells_move_on(
    published: &[(&str, &str, i64)],
    candidate: &[(&str, &str, i64)],
    threshold: i64,
) -> bool {
    match (
        super::protect_breakdowns(published, threshold),
        super::protect_breakdowns(candidate, threshold),
    ) {
        // Nothing was shown: nothing to compare with.
        (None, _) => true,
        // Showing nothing now would leave the counts HR saw out of the next week's check.
        (Some(_), None) => false,
        (Some(seen), Some(hidden)) => {
            counts_move_on(published, &seen, candidate, &hidden, threshold)
        }
    }
}

/// Whether counts of people by department and office (each person counted once, in one
/// department and office) may move on from `published` to `candidate` (how many in each
/// department and office; departments and offices hidden as `hidden` decides for the
/// candidate, and as `published_hidden` decided for the published counts).
///
/// The same reasoning as [`protect_week`], with counts: per department and office, the people
/// counted in both, those counted since and those no longer counted (a step undone, an
/// account erased). A combination that weighs someone counted since is about a cut of their
/// graph or all of them, so they must hold the threshold with no small cut; one that weighs
/// no one counted since must be a combination of the published counts.
pub fn counts_move_on(
    published: &[(&str, &str, i64)],
    published_hidden: &super::Breakdowns,
    candidate: &[(&str, &str, i64)],
    hidden: &super::Breakdowns,
    threshold: i64,
) -> bool {
    let threshold = threshold.max(1);
    let mut cells: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
    for (department, office, people) in published {
        cells.entry((department, office)).or_default().0 += people;
    }
    for (department, office, people) in candidate {
        cells.entry((department, office)).or_default().1 += people;
    }
    let changed: Vec<(&str, &str, i64)> = cells
        .iter()
        .filter(|(_, (before, now))| now > before)
        .map(|((d, o), (before, now))| (*d, *o, now - before))
        .collect();
    if !changed.is_empty() {
        let graph = Graph::new(
            changed.iter().copied(),
            &hidden.hidden_departments,
            &hidden.hidden_offices,
        );
        if changed.iter().map(|c| c.2).sum::<i64>() < threshold
            || graph.small_cut(threshold).is_some()
        {
            return false;
        }
    }
    // Per department and office, up to three kinds of people: counted in both, since, before.
    #[derive(Clone, Copy, PartialEq)]
    enum Counted {
        Both,
        Since,
        Before,
    }
    let mut people: Vec<((&str, &str), Counted)> = Vec::new();
    for (cell, (before, now)) in &cells {
        if (*before).min(*now) > 0 {
            people.push((*cell, Counted::Both));
        }
        if now > before {
            people.push((*cell, Counted::Since));
        }
        if before > now {
            people.push((*cell, Counted::Before));
        }
    }
    // Each figure as weights on those kinds: everyone's, and each shown department's and
    // office's, at either date.
    let figures = |hidden: &super::Breakdowns, counts: &dyn Fn(Counted) -> bool| {
        let mut rows = vec![
            people
                .iter()
                .map(|(_, k)| i64::from(counts(*k)))
                .collect::<Vec<i64>>(),
        ];
        let labels: BTreeSet<(bool, &str)> = cells
            .keys()
            .flat_map(|(d, o)| [(false, *d), (true, *o)])
            .filter(|(office, label)| {
                let hidden = if *office {
                    &hidden.hidden_offices
                } else {
                    &hidden.hidden_departments
                };
                !hidden.contains(*label)
            })
            .collect();
        for (office, label) in labels {
            rows.push(
                people
                    .iter()
                    .map(|((d, o), k)| {
                        let mine = if office { *o == label } else { *d == label };
                        i64::from(mine && counts(*k))
                    })
                    .collect(),
            );
        }
        rows
    };
    let now = figures(hidden, &|k| k != Counted::Before);
    let seen = figures(published_hidden, &|k| k != Counted::Since);
    // Every combination of the new counts that weighs no one counted since...
    let since: Vec<usize> = (0..people.len())
        .filter(|i| people[*i].1 == Counted::Since)
        .collect();
    let on_since: Vec<Vec<i64>> = now
        .iter()
        .map(|row| since.iter().map(|i| row[*i]).collect())
        .collect();
    // ...must be one of the published counts.
    let (basis, pivots) = echelon(
        seen.iter()
            .map(|r| r.iter().map(|x| modulo(*x)).collect())
            .collect(),
    );
    left_kernel(&on_since).into_iter().all(|b| {
        let mut combination: Vec<u128> = (0..people.len())
            .map(|i| {
                b.iter()
                    .zip(&now)
                    .fold(0u128, |acc, (x, row)| (acc + x * modulo(row[i])) % P)
            })
            .collect();
        // Take the published rows' part out; nothing may be left.
        for (row, pivot) in basis.iter().zip(&pivots) {
            let f = combination[*pivot];
            if f != 0 {
                for (x, r) in combination.iter_mut().zip(row) {
                    *x = (*x + P - f * r % P) % P;
                }
            }
        }
        combination.iter().all(|x| *x == 0)
    })
}

/// This week's figures (not those HR has seen), as weights on people's results: per result,
/// how much each figure counts it.
struct Figures<'a> {
    departments: Vec<&'a str>,
    offices: Vec<&'a str>,
    /// The shown points not seen before.
    points: Vec<usize>,
    change: bool,
}

impl<'a> Figures<'a> {
    fn new(cells: &[&'a Cell], shown: &QuizShown, known: &[usize]) -> Figures<'a> {
        let labels = |office: bool, hidden: &BTreeSet<String>| -> Vec<&'a str> {
            let labels: BTreeSet<&'a str> = cells
                .iter()
                .map(|c| {
                    if office {
                        c.office.as_str()
                    } else {
                        c.department.as_str()
                    }
                })
                .filter(|l| !hidden.contains(*l))
                .collect();
            labels.into_iter().collect()
        };
        Figures {
            departments: labels(false, &shown.hidden_departments),
            offices: labels(true, &shown.hidden_offices),
            points: (0..shown.points.len())
                .filter(|p| shown.points[*p] && !known.contains(p))
                .collect(),
            change: shown.change,
        }
    }

    /// One row per result of a person of `cell` in a period that `pick` takes: the weight of
    /// each figure on it. A person's results are told apart by period (the latest in each) and
    /// their first result when another in its period follows it.
    fn rows(&self, cell: &Cell, pick: impl Fn(usize) -> bool) -> Vec<Vec<i64>> {
        let history = cell.history;
        let periods: Vec<usize> = (0..=MAX_POINTS)
            .filter(|b| history.periods & (1 << b) != 0)
            .collect();
        let (Some(&first), Some(&last)) = (periods.first(), periods.last()) else {
            return Vec::new();
        };
        let width = 1 + self.departments.len() + self.offices.len() + self.points.len() + 1;
        // Slots: (period, whether it is the first result, not the latest of its period).
        let mut slots: Vec<(usize, bool)> = periods.iter().map(|p| (*p, false)).collect();
        if !history.first_alone {
            slots.push((first, true));
        }
        let retook = history.retook();
        let first_slot = (first, !history.first_alone);
        slots
            .into_iter()
            .filter(|(period, _)| pick(*period))
            .map(|slot| {
                let mut row = vec![0i64; width];
                let latest = slot == (last, false);
                if latest {
                    row[0] = 1;
                    if let Some(d) = self.departments.iter().position(|d| *d == cell.department) {
                        row[1 + d] = 1;
                    }
                    if let Some(o) = self.offices.iter().position(|o| *o == cell.office) {
                        row[1 + self.departments.len() + o] = 1;
                    }
                }
                let base = 1 + self.departments.len() + self.offices.len();
                for (i, point) in self.points.iter().enumerate() {
                    // The person's latest result before the point: the latest of the last
                    // period up to it.
                    let used = periods.iter().rev().find(|p| **p <= *point);
                    if !slot.1 && used == Some(&slot.0) {
                        row[base + i] = 1;
                    }
                }
                if self.change && retook {
                    if latest {
                        row[width - 1] += 1;
                    }
                    if slot == first_slot {
                        row[width - 1] -= 1;
                    }
                }
                row
            })
            .collect()
    }
}

/// The prime the ranks are worked out modulo (the weights are small integers, so a rank
/// modulo it is their rank over the rationals but by a vanishing chance).
const P: u128 = (1 << 61) - 1;

fn modulo(x: i64) -> u128 {
    x.rem_euclid(P as i64) as u128
}

fn inverse(mut b: u128) -> u128 {
    let (mut e, mut r) = (P - 2, 1u128);
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % P;
        }
        b = b * b % P;
        e >>= 1;
    }
    r
}

/// `m` in reduced row echelon form modulo [`P`], and its pivot columns.
fn echelon(mut m: Vec<Vec<u128>>) -> (Vec<Vec<u128>>, Vec<usize>) {
    let width = m.first().map_or(0, Vec::len);
    let mut pivots = Vec::new();
    for col in 0..width {
        let rank = pivots.len();
        let Some(pivot) = (rank..m.len()).find(|r| m[*r][col] != 0) else {
            continue;
        };
        m.swap(rank, pivot);
        let inv = inverse(m[rank][col]);
        for x in m[rank].iter_mut() {
            *x = *x * inv % P;
        }
        let pivot_row = m[rank].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != rank && row[col] != 0 {
                let f = row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *x = (*x + P - f * p % P) % P;
                }
            }
        }
        pivots.push(col);
    }
    m.truncate(pivots.len());
    (m, pivots)
}

/// Rank of `rows` modulo [`P`].
fn rank(rows: &[Vec<i64>]) -> usize {
    let unique: BTreeSet<&Vec<i64>> = rows.iter().collect();
    let m: Vec<Vec<u128>> = unique
        .into_iter()
        .map(|r| r.iter().map(|x| modulo(*x)).collect())
        .collect();
    echelon(m).1.len()
}

/// A basis (modulo [`P`]) of the weights `b` on the rows with `b · rows = 0`.
fn left_kernel(rows: &[Vec<i64>]) -> Vec<Vec<u128>> {
    let n = rows.len();
    let width = rows.first().map_or(0, Vec::len);
    // The rows' transpose: solve for b column by column.
    let transpose: Vec<Vec<u128>> = (0..width)
        .map(|c| rows.iter().map(|r| modulo(r[c])).collect())
        .collect();
    let (m, pivots) = if width == 0 {
        (Vec::new(), Vec::new())
    } else {
        echelon(transpose)
    };
    (0..n)
        .filter(|c| !pivots.contains(c))
        .map(|free| {
            let mut b = vec![0u128; n];
            b[free] = 1;
            for (row, pivot) in m.iter().zip(&pivots) {
                b[*pivot] = (P - row[free]) % P;
            }
            b
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::protect;
    use super::*;
    use proptest::prelude::*;

    /// Rank of the rows' `columns`.
    fn rank_of(rows: &[Vec<i64>], columns: &[usize]) -> usize {
        let rows: Vec<Vec<i64>> = rows
            .iter()
            .map(|r| columns.iter().map(|c| r[*c]).collect())
            .collect();
        rank(&rows)
    }

    /// Kinds of people (fewer than the threshold together, and more than none) that some
    /// combination of the figures, with any weights, is about alone, if there are any.
    /// `figures`: a weight per (kind, result), `per_kind` results each; `people`: how many
    /// people of each kind. People of one kind are weighed alike by every figure, so a
    /// combination is about all of them or none.
    fn small_support(
        figures: &[Vec<i64>],
        per_kind: usize,
        people: &[usize],
        threshold: i64,
    ) -> Option<Vec<usize>> {
        let columns = figures.first().map_or(0, Vec::len);
        let all: Vec<usize> = (0..columns).collect();
        let full = rank_of(figures, &all);
        if full == 0 {
            return None;
        }
        let kinds = people.len();
        (1u32..1 << kinds)
            .map(|set| {
                (0..kinds)
                    .filter(|k| set & (1 << k) != 0)
                    .collect::<Vec<usize>>()
            })
            .filter(|set| {
                let n: usize = set.iter().map(|k| people[*k]).sum();
                (n as i64) < threshold
            })
            .find(|set| {
                let rest: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|c| !set.contains(&(c / per_kind)))
                    .collect();
                rank_of(figures, &rest) < full
            })
    }

    /// People alike: how many, their results, each (period, department, office), and when
    /// results go: accounts erased from a week on, or one result deleted from a week on.
    #[derive(Debug, Clone)]
    struct Kind {
        people: usize,
        results: Vec<(usize, usize, usize)>,
        erased_from: Option<usize>,
        deleted: Option<(usize, usize)>,
    }

    const RESULTS: usize = 3;
    /// The weeks' dates: a result in period `p` counts at date `d` when `p < d`.
    const WEEKS: [usize; 4] = [5, 6, 7, 9];

    fn kind() -> impl Strategy<Value = Kind> {
        (
            prop_oneof![1 => Just(1usize), 2 => 2usize..8],
            prop::collection::vec((0usize..9, 0usize..3, 0usize..2), 1..=RESULTS),
            prop::option::weighted(0.1, 1usize..4),
            prop::option::weighted(0.1, (0usize..RESULTS, 1usize..4)),
        )
            .prop_map(|(people, results, erased_from, deleted)| Kind {
                people,
                results,
                erased_from,
                deleted,
            })
    }

    /// The quarter points each week shows beside its own date: the last week has a new quarter
    /// when `new_quarter`.
    fn quarters(week: usize, new_quarter: bool) -> Vec<usize> {
        if week == WEEKS.len() - 1 && new_quarter {
            vec![2, 3, 8]
        } else {
            vec![1, 2, 3]
        }
    }

    /// A counted result: (slot, period, department, office).
    type Taken = (usize, usize, usize, usize);
    type Counted = Vec<Taken>;

    /// Each kind's results counted in `week` (slot, period, department, office), oldest first.
    fn counted(org: &[Kind], week: usize) -> Vec<Counted> {
        org.iter()
            .map(|k| {
                if k.erased_from.is_some_and(|w| w <= week) {
                    return Vec::new();
                }
                let mut r: Counted = k
                    .results
                    .iter()
                    .enumerate()
                    .filter(|(slot, _)| !k.deleted.is_some_and(|(s, w)| s == *slot && w <= week))
                    .filter(|(_, r)| r.0 < WEEKS[week])
                    .map(|(slot, (period, d, o))| (slot, *period, *d, *o))
                    .collect();
                r.sort_by_key(|x| (x.1, x.0));
                r
            })
            .collect()
    }

    /// Cells for `points` (in time order) from the counted results.
    fn cells(org: &[Kind], results: &[Counted], points: &[usize]) -> Vec<Cell> {
        results
            .iter()
            .zip(org)
            .filter(|(r, _)| !r.is_empty())
            .map(|(r, kind)| {
                let periods: Vec<usize> = r
                    .iter()
                    .map(|x| points.iter().filter(|p| **p <= x.1).count())
                    .collect();
                let last = r[r.len() - 1];
                Cell {
                    history: History::of(&periods).unwrap(),
                    department: format!("D{}", last.2),
                    office: format!("O{}", last.3),
                    people: kind.people as i64,
                }
            })
            .collect()
    }

    /// The figures a week shows, as weights per (kind, result); quarters in `frozen` were
    /// shown before and stay as they were.
    fn figures(
        results: &[Counted],
        shown: &QuizShown,
        quarters: &[usize],
        date: usize,
        frozen: &mut Vec<usize>,
    ) -> Vec<Vec<i64>> {
        let unknowns = results.len() * RESULTS;
        let latest_before = |r: &Counted, date: usize| r.iter().rev().find(|x| x.1 < date).copied();
        let figure = |pick: &dyn Fn(&Counted) -> Vec<(usize, i64)>| {
            let mut w = vec![0i64; unknowns];
            for (kind, r) in results.iter().enumerate() {
                for (slot, x) in pick(r) {
                    w[kind * RESULTS + slot] += x;
                }
            }
            w
        };
        let mut out = Vec::new();
        if !shown.latest {
            return out;
        }
        let at = |r: &Counted, date: usize, keep: &dyn Fn(&Taken) -> bool| {
            latest_before(r, date)
                .filter(keep)
                .map(|x| (x.0, 1))
                .into_iter()
                .collect()
        };
        out.push(figure(&|r| at(r, date, &|_| true)));
        for d in 0..3 {
            if !shown.hidden_departments.contains(&format!("D{d}")) {
                out.push(figure(&|r| at(r, date, &|x| x.2 == d)));
            }
        }
        for o in 0..2 {
            if !shown.hidden_offices.contains(&format!("O{o}")) {
                out.push(figure(&|r| at(r, date, &|x| x.3 == o)));
            }
        }
        for (q, on) in quarters.iter().zip(&shown.points) {
            if *on && !frozen.contains(q) {
                frozen.push(*q);
                out.push(figure(&|r| at(r, *q, &|_| true)));
            }
        }
        if shown.change {
            out.push(figure(&|r| {
                if r.len() > 1 {
                    vec![(r[r.len() - 1].0, 1), (r[0].0, -1)]
                } else {
                    Vec::new()
                }
            }));
        }
        out
    }

    /// Every figure shown over the weeks, each week compared with the last one shown, and how
    /// many weeks after the first were shown.
    fn shown_over_weeks(org: &[Kind], new_quarter: bool, threshold: i64) -> (Vec<Vec<i64>>, usize) {
        let mut all = Vec::new();
        let mut published: Option<usize> = None;
        let mut frozen = Vec::new();
        let mut later = 0;
        // Whether the published week showed anything (else nothing was ever shown).
        let mut shown_any = false;
        for (week, date) in WEEKS.iter().enumerate() {
            let results = counted(org, week);
            let quarters = quarters(week, new_quarter);
            let shown = match published.filter(|_| shown_any) {
                None => Some(protect(
                    &cells(org, &results, &quarters),
                    quarters.len(),
                    threshold,
                )),
                Some(p) => {
                    let mut points = quarters.clone();
                    points.push(WEEKS[p]);
                    points.sort();
                    points.dedup();
                    let at = points.iter().position(|d| *d == WEEKS[p]).unwrap();
                    let known: Vec<usize> = (0..points.len())
                        .filter(|i| frozen.contains(&points[*i]))
                        .collect();
                    let removed = org.iter().any(|kind| {
                        let gone = |w: usize| p < w && w <= week;
                        kind.erased_from.is_some_and(gone)
                            || kind.deleted.is_some_and(|(_, w)| gone(w))
                    });
                    protect_week(
                        &cells(org, &results, &points),
                        points.len(),
                        at,
                        &known,
                        removed,
                        threshold,
                    )
                    .map(|mut shown| {
                        shown.points.remove(at);
                        later += 1;
                        shown
                    })
                }
            };
            if let Some(shown) = shown {
                shown_any = shown.latest;
                all.extend(figures(&results, &shown, &quarters, *date, &mut frozen));
                published = Some(week);
            }
        }
        (all, later)
    }

    /// `PROPTEST_CASES` when set, else `default`.
    fn cases(default: u32) -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    fn kind_of(people: usize, results: Vec<(usize, usize, usize)>) -> Kind {
        Kind {
            people,
            results,
            erased_from: None,
            deleted: None,
        }
    }

    #[test]
    fn one_newcomer_a_week_is_held_until_enough_took_it() {
        let mut org = vec![
            kind_of(6, vec![(0, 0, 0)]),
            kind_of(6, vec![(0, 1, 1)]),
            // One newcomer in the week after the first.
            kind_of(1, vec![(5, 0, 0)]),
        ];
        let q = [1, 2, 3];
        let week = |org: &[Kind], w: usize| {
            let results = counted(org, w);
            let shown = protect(&cells(org, &results, &q), 3, 5);
            figures(&results, &shown, &q, WEEKS[w], &mut Vec::new())
        };
        // Showing both weeks as they come gives the newcomer away.
        let mut both = week(&org, 0);
        both.extend(week(&org, 1));
        let people: Vec<usize> = org.iter().map(|k| k.people).collect();
        assert_eq!(small_support(&both, RESULTS, &people, 5), Some(vec![2]));
        // So the second week is held.
        let results = counted(&org, 1);
        let points = [1, 2, 3, 5];
        let cells_now = cells(&org, &results, &points);
        // (The quarters were shown the week before.)
        let known = [0, 1, 2];
        assert_eq!(protect_week(&cells_now, 4, 3, &known, false, 5), None);
        // Until enough newcomers, in both departments and offices, took it too.
        org[2].people = 5;
        org.push(kind_of(5, vec![(5, 1, 1)]));
        let results = counted(&org, 1);
        let cells_now = cells(&org, &results, &points);
        assert!(protect_week(&cells_now, 4, 3, &known, false, 5).is_some());
        let (figures, later) = shown_over_weeks(&org, false, 5);
        assert_eq!(later, 3);
        let people: Vec<usize> = org.iter().map(|k| k.people).collect();
        assert_eq!(small_support(&figures, RESULTS, &people, 5), None);
    }

    /// People alike for counts: how many, their department and office, the week they are first
    /// counted, and the week they stop being counted (if they do).
    fn counted_kind() -> impl Strategy<Value = (usize, usize, usize, usize, Option<usize>)> {
        (
            prop_oneof![1 => Just(1usize), 2 => 2usize..8],
            0usize..3,
            0usize..2,
            0usize..4,
            prop::option::weighted(0.1, 1usize..4),
        )
    }

    /// Every count shown over four weeks (everyone's, each shown department's and office's), a
    /// week held when [`counts_move_on`] says so, as weights per kind of person.
    fn counts_over_weeks(
        org: &[(usize, usize, usize, usize, Option<usize>)],
        threshold: i64,
    ) -> Vec<Vec<i64>> {
        let labels: Vec<(String, String)> = org
            .iter()
            .map(|k| (format!("D{}", k.1), format!("O{}", k.2)))
            .collect();
        let counted = |week: usize, k: &(usize, usize, usize, usize, Option<usize>)| {
            k.3 <= week && k.4.is_none_or(|w| w > week)
        };
        let mut all = Vec::new();
        type Shown<'a> = (Vec<(&'a str, &'a str, i64)>, super::super::Breakdowns);
        let mut published: Option<Shown> = None;
        for week in 0..4 {
            let cells: Vec<(&str, &str, i64)> = org
                .iter()
                .zip(&labels)
                .filter(|(k, _)| counted(week, k))
                .map(|(k, (d, o))| (d.as_str(), o.as_str(), k.0 as i64))
                .collect();
            let Some(hidden) = super::super::protect_breakdowns(&cells, threshold) else {
                continue;
            };
            if let Some((before, before_hidden)) = &published
                && !counts_move_on(before, before_hidden, &cells, &hidden, threshold)
            {
                continue;
            }
            let figure = |keep: &dyn Fn(&(String, String)) -> bool| -> Vec<i64> {
                org.iter()
                    .zip(&labels)
                    .map(|(k, l)| i64::from(counted(week, k) && keep(l)))
                    .collect()
            };
            all.push(figure(&|_| true));
            for d in 0..3 {
                let d = format!("D{d}");
                if !hidden.hidden_departments.contains(&d) {
                    all.push(figure(&|l| l.0 == d));
                }
            }
            for o in 0..2 {
                let o = format!("O{o}");
                if !hidden.hidden_offices.contains(&o) {
                    all.push(figure(&|l| l.1 == o));
                }
            }
            published = Some((cells, hidden));
        }
        all
    }

    #[test]
    fn a_count_moves_on_when_enough_were_counted_since_across_its_groups() {
        let h = super::super::Breakdowns::default();
        let moves = |before: &[(&str, &str, i64)], now: &[(&str, &str, i64)]| {
            counts_move_on(before, &h, now, &h, 5)
        };
        let before = [("Sales", "London", 10), ("Finance", "Paris", 10)];
        // One more in Sales: Sales this week minus last week is that person.
        assert!(!moves(
            &before,
            &[("Sales", "London", 11), ("Finance", "Paris", 10)]
        ));
        // Five more in Sales only: Sales and London move by five, Finance and Paris not at all.
        assert!(moves(
            &before,
            &[("Sales", "London", 15), ("Finance", "Paris", 10)]
        ));
        // Five more in Sales, and one person leaves Finance: Finance would give them away.
        assert!(!moves(
            &before,
            &[("Sales", "London", 15), ("Finance", "Paris", 9)]
        ));
        // Five join Sales in Paris: Sales minus London (both shown) is them, which is fine, but
        // one joining there would not be.
        let paris = [
            ("Sales", "London", 10),
            ("Sales", "Paris", 5),
            ("Finance", "Paris", 10),
        ];
        assert!(moves(&before, &paris));
        // Nothing new: the same counts.
        assert!(moves(&before, &before));
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            max_global_rejects: 1 << 20,
            ..ProptestConfig::with_cases(cases(256))
        })]

        /// No combination, with any weights, of the counts shown over four weeks is about
        /// fewer than the threshold of people and more than none.
        #[test]
        fn no_combination_of_counts_across_weeks_is_about_fewer_than_the_threshold(
            org in prop::collection::vec(counted_kind(), 0..8),
            threshold in 3i64..6,
        ) {
            // Counts can't tell one person no longer counted from another counted since in the
            // same department and office: both weeks look the same (see the README).
            let swapped = org.iter().any(|a| {
                a.4.is_some() && org.iter().any(|b| b.3 > 0 && (b.1, b.2) == (a.1, a.2))
            });
            prop_assume!(!swapped);
            let figures = counts_over_weeks(&org, threshold);
            let people: Vec<usize> = org.iter().map(|k| k.0).collect();
            prop_assert_eq!(small_support(&figures, 1, &people, threshold), None);
        }

        /// No combination, with any weights, of every quiz figure shown over four weeks (each
        /// week's everyone, departments, offices, quarters and retakers' change; a week held
        /// when this module says so) is about fewer than the threshold of people and more than
        /// none, with people joining, retaking, moving, deleting attempts and leaving.
        #[test]
        fn no_combination_across_weeks_is_about_fewer_than_the_threshold(
            org in prop::collection::vec(kind(), 0..8),
            new_quarter in any::<bool>(),
            threshold in 3i64..6,
        ) {
            let (figures, _) = shown_over_weeks(&org, new_quarter, threshold);
            let people: Vec<usize> = org.iter().map(|k| k.people).collect();
            prop_assert_eq!(small_support(&figures, RESULTS, &people, threshold), None);
        }

        /// The same for one week's figures alone, with any weights (the property test in the
        /// module above tries weights −1, 0 and 1).
        #[test]
        fn no_combination_of_one_week_is_about_fewer_than_the_threshold(
            org in prop::collection::vec(kind(), 0..8),
            threshold in 3i64..6,
        ) {
            let results = counted(&org, 0);
            let shown = protect(&cells(&org, &results, &[1, 2, 3]), 3, threshold);
            let figures = figures(&results, &shown, &[1, 2, 3], WEEKS[0], &mut Vec::new());
            let people: Vec<usize> = org.iter().map(|k| k.people).collect();
            prop_assert_eq!(small_support(&figures, RESULTS, &people, threshold), None);
        }
    }
}
