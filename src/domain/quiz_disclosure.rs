//! What HR may see of the quiz figures, taken together: everyone's latest results, the same by
//! department and by office, everyone's latest results as they stood at the start of recent
//! quarters, and retakers' average change from first to latest result.
//!
//! Each of those figures is a sum over people's results (HR sees a mean and how many people, so
//! the sum too), and sums can be added and subtracted. Two figures that are each about many
//! people can differ by very few:
//! - a department minus an office, when the office is that department but for one person;
//! - this week minus the start of the quarter, when one person took the quiz in between;
//! - a department plus the start of the quarter minus everyone, when almost everyone who took
//!   the quiz since was in that department.
//!
//! [`protect`] decides what is shown so that no sum or difference of the shown figures, with
//! any weights, is about fewer than the threshold of people (and more than none). It needs only
//! how many people share each [`Cell`]: the department and office of their latest result, and
//! when they took the quiz relative to the quarters ([`History`]), never anyone's result.
//!
//! Why it holds. Within one department and office, people with the same history are added up
//! with the same weights by every figure, so any combination is about whole groups of them.
//! Without retakers' change, a combination gives each person the weight `a + b + t`: `a` from
//! their department's figure (the same for all hidden departments), `b` from their office's (0
//! for hidden offices) and `t` from the quarters and everyone's figure, which depends only on
//! their history. Among people with one history, the ones with a nonzero weight are either
//! none, all of them, or the people on the edges cut by splitting the graph whose nodes are the
//! departments and offices and whose edges are the people between them, weighted by how many.
//! So it is enough that every history held by anyone is held by at least the threshold of
//! people, and that no cut of its graph is smaller than the threshold: checked with the
//! Stoer–Wagner minimum cut, a few dozen nodes. Retakers' change adds a weight on each
//! retaker's first result; where no quarter uses that result, every combination that uses the
//! change is about all of those retakers, so there must be at least the threshold of them.
//!
//! Departments and offices hidden beyond the usual rule (fewer than the threshold, and the
//! smallest beside them) are the ones a small cut runs through; quarters are added newest first
//! while the rules still hold.

use std::collections::{BTreeMap, BTreeSet};

mod week;
pub use week::{cells_move_on, counts_move_on, protect_week};

/// When a person's counted results were taken, relative to the points in time.
///
/// Period 0 is before the first point, period `i` from point `i − 1` to point `i`, and the last
/// period from the last point to the date of this week's figures. Bit `b` of `periods` is set
/// when the person has a result in period `b`. `first_alone` says their first result is the
/// only one in its period (so it is also the latest of that period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct History {
    pub periods: u8,
    pub first_alone: bool,
}

/// The most points in time (periods fit in a byte).
pub const MAX_POINTS: usize = 7;

impl History {
    /// The history of someone whose results fell in these periods (one entry per result, in
    /// any order).
    pub fn of(periods: &[usize]) -> Option<History> {
        let first = *periods.iter().min()?;
        let mut mask = 0u8;
        for p in periods {
            mask |= 1 << p;
        }
        Some(History {
            periods: mask,
            first_alone: periods.iter().filter(|p| **p == first).count() == 1,
        })
    }

    /// Took the quiz more than once.
    pub fn retook(self) -> bool {
        self.periods.count_ones() > 1 || !self.first_alone
    }

    /// The periods as only the shown points tell them apart: coarse period `c` is between the
    /// `c`-th shown point and the next.
    fn coarse(self, shown: &[bool]) -> u8 {
        let mut mask = 0u8;
        for b in 0..=MAX_POINTS {
            if self.periods & (1 << b) != 0 {
                let before = shown.iter().take(b).filter(|s| **s).count();
                mask |= 1 << before;
            }
        }
        mask
    }

    /// Whether a shown point's figure uses this person's first result (it is the latest they
    /// had before that point), so that it is not the change figure's alone.
    fn first_used_by(self, shown: &[bool]) -> bool {
        if !self.first_alone || !self.retook() {
            return false;
        }
        let first = self.periods.trailing_zeros() as usize;
        shown.iter().enumerate().any(|(point, s)| {
            *s && point >= first && (first + 1..=point).all(|b| self.periods & (1 << b) == 0)
        })
    }
}

/// How many people have the same history and gave their latest result in the same department
/// and office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub history: History,
    pub department: String,
    pub office: String,
    pub people: i64,
}

/// What of the quiz figures HR may see.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuizShown {
    /// Everyone's latest results.
    pub latest: bool,
    pub hidden_departments: BTreeSet<String>,
    pub hidden_offices: BTreeSet<String>,
    /// Per point in time, oldest first.
    pub points: Vec<bool>,
    /// Retakers' change from first to latest result.
    pub change: bool,
}

/// Decides what is shown (see the module's notes): everyone's latest results from the threshold
/// of people; departments and offices as the usual rule allows and no small cut forbids;
/// retakers' change from the threshold of retakers; then the `points` newest first.
pub fn protect(cells: &[Cell], points: usize, threshold: i64) -> QuizShown {
    protect_from(cells, points, 0, threshold)
}

/// [`protect`], showing no point before `first_new` (dates HR has seen figures after).
fn protect_from(cells: &[Cell], points: usize, first_new: usize, threshold: i64) -> QuizShown {
    let threshold = threshold.max(1);
    let points = points.min(MAX_POINTS);
    let cells: Vec<&Cell> = cells.iter().filter(|c| c.people > 0).collect();
    let edges: Vec<(&str, &str, i64)> = cells
        .iter()
        .map(|c| (c.department.as_str(), c.office.as_str(), c.people))
        .collect();
    let Some(Breakdowns {
        hidden_departments,
        hidden_offices,
    }) = protect_breakdowns(&edges, threshold)
    else {
        return QuizShown {
            latest: false,
            hidden_departments: cells.iter().map(|c| c.department.clone()).collect(),
            hidden_offices: cells.iter().map(|c| c.office.clone()).collect(),
            points: vec![false; points],
            change: false,
        };
    };
    let retakers: i64 = cells
        .iter()
        .filter(|c| c.history.retook())
        .map(|c| c.people)
        .sum();
    let change = retakers >= threshold;
    let mut shown = vec![false; points];
    let hold = |shown: &[bool]| {
        points_hold(
            &cells,
            shown,
            change,
            &hidden_departments,
            &hidden_offices,
            threshold,
        )
    };
    for point in (first_new..points).rev() {
        if shown[point] {
            continue;
        }
        shown[point] = true;
        if !hold(&shown) {
            shown[point] = false;
        }
    }
    QuizShown {
        latest: true,
        hidden_departments,
        hidden_offices,
        points: shown,
        change,
    }
}

/// Which departments and offices are hidden.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Breakdowns {
    pub hidden_departments: BTreeSet<String>,
    pub hidden_offices: BTreeSet<String>,
}

/// Two breakdowns of the same people, by department and by office, from how many people are
/// in each (department, office): what each may show beside the other and beside everyone
/// together. First the usual rule in each (groups under the threshold hidden, and the smallest
/// beside them until the hidden ones add up to it), then more until no cut of the
/// department-office graph is smaller than the threshold. None: nothing at all may be shown
/// (fewer than the threshold altogether).
pub fn protect_breakdowns<'a>(
    cells: &[(&'a str, &'a str, i64)],
    threshold: i64,
) -> Option<Breakdowns> {
    let threshold = threshold.max(1);
    let cells: Vec<(&'a str, &'a str, i64)> = cells.iter().copied().filter(|c| c.2 > 0).collect();
    let sizes = |office: bool| {
        let mut sizes: BTreeMap<&str, i64> = BTreeMap::new();
        for cell in &cells {
            *sizes
                .entry(if office { cell.1 } else { cell.0 })
                .or_default() += cell.2;
        }
        // Largest first, as the pages list them (the usual rule hides the smallest first).
        let mut sizes: Vec<(&str, i64)> = sizes.into_iter().collect();
        sizes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        sizes
    };
    let total: i64 = cells.iter().map(|c| c.2).sum();
    if total < threshold {
        return None;
    }
    let usual = |groups: &[(&str, i64)]| -> BTreeSet<String> {
        let counts: Vec<i64> = groups.iter().map(|(_, n)| *n).collect();
        groups
            .iter()
            .zip(crate::domain::insights::hidden_groups(&counts, threshold))
            .filter(|(_, hide)| *hide)
            .map(|(g, _)| g.0.to_string())
            .collect()
    };
    let mut hidden_departments = usual(&sizes(false));
    let mut hidden_offices = usual(&sizes(true));
    loop {
        let graph = Graph::new(cells.iter().copied(), &hidden_departments, &hidden_offices);
        let Some(side) = graph.small_cut(threshold) else {
            break;
        };
        // Hiding a group puts it together with the other hidden groups of its kind: the cut
        // goes once a department (or an office) on each side of it is hidden. Hide as few
        // people as that takes.
        let hide = graph.cheapest_merge(&side)?;
        for node in hide {
            match graph.kinds[node] {
                Kind::Department => hidden_departments.insert(graph.label(node).to_string()),
                Kind::Office => hidden_offices.insert(graph.label(node).to_string()),
            };
        }
    }
    Some(Breakdowns {
        hidden_departments,
        hidden_offices,
    })
}

/// The rules for showing the points marked in `shown` beside everything else.
///
/// Combinations that leave retakers' change out add up people alike when their results fall in
/// the same periods between shown points: each such class must hold. Combinations that use the
/// change take in every retaker whose first result no shown point uses; failing the threshold
/// of those, the classes must hold with retakers, and those whose first result a point uses,
/// told apart.
fn points_hold<'a>(
    cells: &[&'a Cell],
    shown: &[bool],
    change: bool,
    hidden_departments: &BTreeSet<String>,
    hidden_offices: &BTreeSet<String>,
    threshold: i64,
) -> bool {
    let edges = |cells: &[&'a Cell]| -> Vec<(&'a str, &'a str, i64)> {
        cells
            .iter()
            .map(|c| (c.department.as_str(), c.office.as_str(), c.people))
            .collect()
    };
    let whole = Graph::new(edges(cells), hidden_departments, hidden_offices);
    let everyone = whole.keys();
    let classes_hold = |key: &dyn Fn(&Cell) -> (u8, bool, bool)| {
        let mut classes: BTreeMap<(u8, bool, bool), Vec<&Cell>> = BTreeMap::new();
        for cell in cells {
            classes.entry(key(cell)).or_default().push(cell);
        }
        if classes
            .values()
            .any(|class| class.iter().map(|c| c.people).sum::<i64>() < threshold)
        {
            return false;
        }
        let graphs: Vec<Graph> = classes
            .values()
            .map(|class| Graph::new(edges(class), hidden_departments, hidden_offices))
            .collect();
        let sound: Vec<bool> = graphs
            .iter()
            .map(|g| g.small_cut(threshold).is_none())
            .collect();
        // Every class's graph has no small cut; or one such class reaches every group and
        // holds together, which pins every group's weight, so that each other class is
        // counted whole or not at all.
        sound.iter().all(|s| *s)
            || graphs
                .iter()
                .zip(&sound)
                .any(|(g, s)| *s && g.connected() && g.keys() == everyone)
    };
    if !classes_hold(&|c| (c.history.coarse(shown), false, false)) {
        return false;
    }
    if !change {
        return true;
    }
    let first_alone: i64 = cells
        .iter()
        .filter(|c| c.history.retook() && !c.history.first_used_by(shown))
        .map(|c| c.people)
        .sum();
    first_alone >= threshold
        || classes_hold(&|c| {
            (
                c.history.coarse(shown),
                c.history.retook(),
                c.history.first_used_by(shown),
            )
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Department,
    Office,
}

/// Departments and offices as nodes (hidden ones together in one node of each kind), people as
/// weighted edges between the department and the office of their latest result.
struct Graph {
    labels: Vec<String>,
    kinds: Vec<Kind>,
    /// Whether the node is a shown group (not the hidden ones together).
    shown: Vec<bool>,
    weights: Vec<Vec<i64>>,
}

impl Graph {
    /// From how many people are in each (department, office).
    fn new<'a>(
        cells: impl IntoIterator<Item = (&'a str, &'a str, i64)>,
        hidden_departments: &BTreeSet<String>,
        hidden_offices: &BTreeSet<String>,
    ) -> Graph {
        let mut graph = Graph {
            labels: Vec::new(),
            kinds: Vec::new(),
            shown: Vec::new(),
            weights: Vec::new(),
        };
        let mut index: BTreeMap<(u8, Option<String>), usize> = BTreeMap::new();
        for (department, office, people) in cells {
            let department =
                (!hidden_departments.contains(department)).then(|| department.to_string());
            let office = (!hidden_offices.contains(office)).then(|| office.to_string());
            let mut node = |kind: Kind, label: Option<String>| -> usize {
                *index.entry((kind as u8, label.clone())).or_insert_with(|| {
                    graph.shown.push(label.is_some());
                    graph.labels.push(label.unwrap_or_default());
                    graph.kinds.push(kind);
                    for row in &mut graph.weights {
                        row.push(0);
                    }
                    graph.weights.push(vec![0; graph.labels.len()]);
                    graph.labels.len() - 1
                })
            };
            let d = node(Kind::Department, department);
            let o = node(Kind::Office, office);
            graph.weights[d][o] += people;
            graph.weights[o][d] += people;
        }
        graph
    }

    /// Which groups are nodes (hidden ones as one node of their kind).
    fn keys(&self) -> BTreeSet<(u8, Option<&str>)> {
        (0..self.labels.len())
            .map(|n| {
                let label = self.shown[n].then_some(self.labels[n].as_str());
                (self.kinds[n] as u8, label)
            })
            .collect()
    }

    /// Every node reaches every other.
    fn connected(&self) -> bool {
        let n = self.labels.len();
        let mut seen = vec![false; n];
        let mut stack = vec![0];
        while let Some(v) = stack.pop() {
            if n == 0 || seen[v] {
                continue;
            }
            seen[v] = true;
            for (w, weight) in self.weights[v].iter().enumerate() {
                if *weight > 0 && !seen[w] {
                    stack.push(w);
                }
            }
        }
        seen.iter().all(|s| *s)
    }

    fn label(&self, node: usize) -> &str {
        &self.labels[node]
    }

    fn degree(&self, node: usize) -> i64 {
        self.weights[node].iter().sum()
    }

    /// The shown groups to hide, fewest people first, so that the two sides of a cut (`side`:
    /// per node, which side, or None outside the cut's part of the graph) share a node.
    fn cheapest_merge(&self, side: &[Option<bool>]) -> Option<Vec<usize>> {
        let mut moves: Vec<(i64, Vec<usize>)> = Vec::new();
        for kind in [Kind::Department, Kind::Office] {
            let shown_on = |s: bool| -> Vec<usize> {
                (0..self.labels.len())
                    .filter(|n| self.kinds[*n] == kind && self.shown[*n] && side[*n] == Some(s))
                    .collect()
            };
            let pool = (0..self.labels.len()).find(|n| self.kinds[*n] == kind && !self.shown[*n]);
            for s in [true, false] {
                if pool.is_some_and(|p| side[p] == Some(s)) {
                    for n in shown_on(!s) {
                        moves.push((self.degree(n), vec![n]));
                    }
                }
            }
            let smallest = |nodes: Vec<usize>| nodes.into_iter().min_by_key(|n| self.degree(*n));
            if let (Some(a), Some(b)) = (smallest(shown_on(true)), smallest(shown_on(false))) {
                moves.push((self.degree(a) + self.degree(b), vec![a, b]));
            }
        }
        moves
            .into_iter()
            .min_by_key(|(cost, nodes)| {
                let labels: Vec<&str> = nodes.iter().map(|n| self.label(*n)).collect();
                (*cost, labels.join("\u{0}"))
            })
            .map(|(_, nodes)| nodes)
    }

    /// A cut of some connected part of the graph whose edges add up to fewer than `threshold`
    /// people, if there is one: per node, its side, or None outside that part.
    fn small_cut(&self, threshold: i64) -> Option<Vec<Option<bool>>> {
        let n = self.labels.len();
        let mut component = vec![usize::MAX; n];
        for start in 0..n {
            if component[start] != usize::MAX {
                continue;
            }
            component[start] = start;
            let mut stack = vec![start];
            let mut members = vec![start];
            while let Some(v) = stack.pop() {
                for (w, weight) in self.weights[v].iter().enumerate() {
                    if *weight > 0 && component[w] == usize::MAX {
                        component[w] = start;
                        stack.push(w);
                        members.push(w);
                    }
                }
            }
            if members.len() < 2 {
                continue;
            }
            let (cut, side_members) = min_cut(&self.weights, &members);
            if cut < threshold {
                let mut side = vec![None; n];
                for m in &members {
                    side[*m] = Some(false);
                }
                for m in side_members {
                    side[m] = Some(true);
                }
                return Some(side);
            }
        }
        None
    }
}

/// The Stoer–Wagner minimum cut of the connected graph on `nodes`: its weight and one side.
fn min_cut(weights: &[Vec<i64>], nodes: &[usize]) -> (i64, Vec<usize>) {
    let n = nodes.len();
    let mut w: Vec<Vec<i64>> = nodes
        .iter()
        .map(|a| nodes.iter().map(|b| weights[*a][*b]).collect())
        .collect();
    let mut merged: Vec<Vec<usize>> = nodes.iter().map(|v| vec![*v]).collect();
    let mut active = vec![true; n];
    let mut best = (i64::MAX, Vec::new());
    for phase in 0..n - 1 {
        let mut added = vec![false; n];
        let mut connection = vec![0i64; n];
        let (mut previous, mut last) = (usize::MAX, usize::MAX);
        let mut last_connection = 0;
        for _ in 0..n - phase {
            let next = (0..n)
                .filter(|v| active[*v] && !added[*v])
                .max_by_key(|v| (connection[*v], std::cmp::Reverse(*v)))
                .expect("an active node is left");
            added[next] = true;
            previous = last;
            last = next;
            last_connection = connection[next];
            for v in 0..n {
                if active[v] && !added[v] {
                    connection[v] += w[next][v];
                }
            }
        }
        if last_connection < best.0 {
            best = (last_connection, merged[last].clone());
        }
        let last_row = w[last].clone();
        for (v, row) in w.iter_mut().enumerate() {
            row[previous] += last_row[v];
        }
        let previous_row: Vec<i64> = w.iter().map(|row| row[previous]).collect();
        w[previous] = previous_row;
        w[previous][previous] = 0;
        let moved = std::mem::take(&mut merged[last]);
        merged[previous].extend(moved);
        active[last] = false;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cell(periods: &[usize], department: &str, office: &str, people: i64) -> Cell {
        Cell {
            history: History::of(periods).unwrap(),
            department: department.into(),
            office: office.into(),
            people,
        }
    }

    #[test]
    fn histories_say_when_results_were_taken() {
        let h = History::of(&[3, 0, 0]).unwrap();
        assert_eq!(h.periods, 0b1001);
        assert!(!h.first_alone);
        assert!(History::of(&[2]).unwrap().first_alone);
        assert_eq!(History::of(&[]), None);
        // With only point 1 shown, periods 0 and 1 read as one, and 2 to 4 as another.
        let shown = [false, true, false, false];
        assert_eq!(History::of(&[0, 3]).unwrap().coarse(&shown), 0b11);
        assert_eq!(History::of(&[1]).unwrap().coarse(&shown), 0b01);
        assert!(History::of(&[0, 3]).unwrap().first_used_by(&shown));
        assert!(!History::of(&[0, 1]).unwrap().first_used_by(&shown));
    }

    #[test]
    fn minimum_cuts_are_found() {
        // Two triangles joined by one light edge.
        let mut w = vec![vec![0i64; 6]; 6];
        for (a, b, x) in [
            (0, 1, 5),
            (1, 2, 5),
            (0, 2, 5),
            (3, 4, 5),
            (4, 5, 5),
            (3, 5, 5),
            (2, 3, 1),
        ] {
            w[a][b] = x;
            w[b][a] = x;
        }
        let (cut, mut side) = min_cut(&w, &[0, 1, 2, 3, 4, 5]);
        side.sort();
        assert_eq!(cut, 1);
        assert!(side == vec![0, 1, 2] || side == vec![3, 4, 5]);
    }

    #[test]
    fn a_department_that_is_an_office_but_for_one_person_is_hidden() {
        // Sales: nine people in London and one in Paris; London is only those nine. Sales minus
        // London would be the one in Paris.
        let cells = [
            cell(&[0], "Sales", "London", 9),
            cell(&[0], "Sales", "Paris", 1),
            cell(&[0], "Finance", "Paris", 8),
        ];
        let shown = protect(&cells, 0, 5);
        assert!(shown.latest);
        let both = |set: &BTreeSet<String>, a: &str, b: &str| set.contains(a) && set.contains(b);
        assert!(
            both(&shown.hidden_departments, "Sales", "Finance") && shown.hidden_offices.is_empty()
                || both(&shown.hidden_offices, "London", "Paris")
                    && shown.hidden_departments.is_empty(),
            "one breakdown goes, the other stays: {shown:?}"
        );
        // Showing every group, as the usual rule alone would, gives that person away.
        let ones = |range: std::ops::Range<usize>| -> Vec<i32> {
            (0..18).map(|p| i32::from(range.contains(&p))).collect()
        };
        let naive = [
            ones(0..18),
            ones(0..10),
            ones(10..18),
            ones(0..9),
            ones(9..18),
        ];
        assert_eq!(
            small_combination(&naive, 1, 5).map(|(_, people)| people),
            Some(1)
        );
        // The same organisation as the property test sees it: nothing small is left.
        let mut org: Vec<Person> = vec![vec![(0, 0, 0)]; 9];
        org.push(vec![(0, 0, 1)]);
        org.extend(vec![vec![(0, 1, 1)]; 8]);
        let (figures, per_person) = shown_figures(&org, 5);
        assert_eq!(small_combination(&figures, per_person, 5), None);
        // Without Paris's lone salesperson, everything shows.
        let cells = [
            cell(&[0], "Sales", "London", 9),
            cell(&[0], "Finance", "Paris", 8),
        ];
        let shown = protect(&cells, 0, 5);
        assert!(shown.hidden_departments.is_empty() && shown.hidden_offices.is_empty());
    }

    #[test]
    fn a_quarter_before_one_newcomer_took_the_quiz_stays_hidden() {
        // Twenty people took the quiz long ago; one took it for the first time this quarter.
        // Any earlier point minus this week would be the newcomer's result.
        let cells = [
            cell(&[0], "Sales", "London", 20),
            cell(&[4], "Sales", "London", 1),
        ];
        let shown = protect(&cells, 4, 5);
        assert!(shown.latest);
        assert_eq!(shown.points, vec![false; 4]);
        // Once four more people join, the quarters come back.
        let cells = [
            cell(&[0], "Sales", "London", 20),
            cell(&[4], "Sales", "London", 5),
        ];
        assert_eq!(protect(&cells, 4, 5).points, vec![true; 4]);
    }

    #[test]
    fn retakers_change_can_give_away_a_newcomer() {
        // Ten people took the quiz early in the year and all retook it this quarter; one
        // newcomer took it this quarter. The start of the quarter minus this week plus the
        // retakers' change is the newcomer's result.
        let cells = [
            cell(&[1, 4], "Sales", "London", 10),
            cell(&[4], "Sales", "London", 1),
        ];
        let shown = protect(&cells, 4, 5);
        assert!(shown.latest && shown.change);
        assert!(!shown.points[3]);
    }

    #[test]
    fn a_department_s_quiz_campaign_hides_the_quarter_before_it() {
        // Everyone in Sales took the quiz this quarter, and one person elsewhere did. Sales plus
        // the start of the quarter minus everyone leaves that one person.
        let cells = [
            cell(&[0], "Finance", "London", 12),
            cell(&[4], "Sales", "London", 10),
            cell(&[4], "Finance", "London", 1),
        ];
        let shown = protect(&cells, 4, 5);
        assert!(shown.latest);
        assert!(shown.hidden_departments.is_empty());
        assert!(!shown.points[3]);
    }

    #[test]
    fn quarters_with_enough_people_everywhere_are_shown() {
        let cells = [
            cell(&[0], "Sales", "London", 15),
            cell(&[0], "Finance", "London", 15),
            cell(&[0, 4], "Sales", "London", 6),
            cell(&[4], "Finance", "London", 7),
        ];
        let shown = protect(&cells, 4, 5);
        assert_eq!(
            shown,
            QuizShown {
                latest: true,
                hidden_departments: BTreeSet::new(),
                hidden_offices: BTreeSet::new(),
                points: vec![true; 4],
                change: true,
            }
        );
    }

    #[test]
    fn too_few_people_altogether_shows_nothing() {
        let shown = protect(&[cell(&[0, 4], "Sales", "London", 3)], 4, 5);
        assert!(!shown.latest && !shown.change);
        assert_eq!(shown.points, vec![false; 4]);
        assert!(shown.hidden_departments.contains("Sales"));
    }

    /// A person's results: (period, department, office) each.
    type Person = Vec<(usize, usize, usize)>;

    fn organisation() -> impl Strategy<Value = Vec<Person>> {
        prop::collection::vec(
            prop::collection::vec((0usize..5, 0usize..3, 0usize..2), 1..4),
            0..30,
        )
    }

    /// Every figure the page shows about quiz results, as a weight per (person, result), worked
    /// out from people's results directly: everyone's latest, each shown department's and
    /// office's, each shown point's, and retakers' change.
    fn shown_figures(org: &[Person], threshold: i64) -> (Vec<Vec<i32>>, usize) {
        const RESULTS: usize = 4;
        let unknowns = org.len() * RESULTS;
        // Each person's results in time order (within a period, a later entry is later).
        let ordered: Vec<Vec<(usize, usize, usize, usize)>> = org
            .iter()
            .map(|results| {
                let mut r: Vec<(usize, usize, usize, usize)> = results
                    .iter()
                    .enumerate()
                    .map(|(i, (period, d, o))| (*period, i, *d, *o))
                    .collect();
                r.sort();
                r
            })
            .collect();
        let latest_up_to = |person: usize, period: usize| {
            ordered[person]
                .iter()
                .rev()
                .find(|r| r.0 <= period)
                .copied()
        };
        let figure = |pick: &dyn Fn(usize) -> Vec<(usize, i32)>| {
            let mut weights = vec![0i32; unknowns];
            for person in 0..org.len() {
                for (result, w) in pick(person) {
                    weights[person * RESULTS + result] += w;
                }
            }
            weights
        };
        let cells: Vec<Cell> = ordered
            .iter()
            .map(|r| {
                let (_, _, d, o) = r[r.len() - 1];
                let periods: Vec<usize> = r.iter().map(|x| x.0).collect();
                Cell {
                    history: History::of(&periods).unwrap(),
                    department: format!("D{d}"),
                    office: format!("O{o}"),
                    people: 1,
                }
            })
            .collect();
        let shown = protect(&cells, 4, threshold);
        let mut figures = Vec::new();
        if shown.latest {
            figures.push(figure(&|p| {
                latest_up_to(p, 4).map(|r| (r.1, 1)).into_iter().collect()
            }));
        }
        for d in 0..3 {
            if shown.latest && !shown.hidden_departments.contains(&format!("D{d}")) {
                figures.push(figure(&|p| {
                    latest_up_to(p, 4)
                        .filter(|r| r.2 == d)
                        .map(|r| (r.1, 1))
                        .into_iter()
                        .collect()
                }));
            }
        }
        for o in 0..2 {
            if shown.latest && !shown.hidden_offices.contains(&format!("O{o}")) {
                figures.push(figure(&|p| {
                    latest_up_to(p, 4)
                        .filter(|r| r.3 == o)
                        .map(|r| (r.1, 1))
                        .into_iter()
                        .collect()
                }));
            }
        }
        for (point, on) in shown.points.iter().enumerate() {
            if *on {
                figures.push(figure(&|p| {
                    latest_up_to(p, point)
                        .map(|r| (r.1, 1))
                        .into_iter()
                        .collect()
                }));
            }
        }
        if shown.change {
            figures.push(figure(&|p| {
                let r = &ordered[p];
                if r.len() > 1 {
                    vec![(r[r.len() - 1].1, 1), (r[0].1, -1)]
                } else {
                    Vec::new()
                }
            }));
        }
        (figures, RESULTS)
    }

    /// A combination of `figures` (weights −1..=1, not all zero) about more than no one and
    /// fewer than `threshold` people, if there is one: the weights and how many people.
    fn small_combination(
        figures: &[Vec<i32>],
        per_person: usize,
        threshold: i64,
    ) -> Option<(Vec<i32>, usize)> {
        fn walk(
            figures: &[Vec<i32>],
            per_person: usize,
            threshold: i64,
            chosen: &mut Vec<i32>,
            sum: &[i32],
        ) -> Option<(Vec<i32>, usize)> {
            let Some(next) = figures.get(chosen.len()) else {
                if chosen.iter().all(|c| *c == 0) {
                    return None;
                }
                let about = sum
                    .chunks(per_person)
                    .filter(|person| person.iter().any(|w| *w != 0))
                    .count();
                return (about > 0 && (about as i64) < threshold).then(|| (chosen.clone(), about));
            };
            for c in [0, 1, -1] {
                // A combination and its negative are about the same people.
                if c == -1 && chosen.iter().all(|x| *x == 0) {
                    continue;
                }
                let next_sum: Vec<i32> = sum.iter().zip(next).map(|(s, w)| s + c * w).collect();
                chosen.push(c);
                let found = walk(figures, per_person, threshold, chosen, &next_sum);
                chosen.pop();
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        let unknowns = figures.first().map_or(0, Vec::len);
        walk(
            figures,
            per_person,
            threshold,
            &mut Vec::new(),
            &vec![0; unknowns],
        )
    }

    #[test]
    fn the_check_finds_a_newcomer_given_away_by_an_unprotected_quarter() {
        // Six people took the quiz in the first period, a seventh in the last: this week's
        // figure minus the last quarter's is the newcomer alone.
        let everyone = vec![1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0];
        let last_quarter = vec![1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0];
        assert_eq!(
            small_combination(&[everyone, last_quarter], 2, 5),
            Some((vec![1, -1], 1))
        );
        // The page's figures for that organisation leave the quarters out.
        let mut org: Vec<Person> = vec![vec![(0, 0, 0)]; 6];
        org.push(vec![(4, 0, 0)]);
        let (figures, per_person) = shown_figures(&org, 5);
        assert_eq!(small_combination(&figures, per_person, 5), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// No sum or difference of what the page shows about quiz results (everyone's latest,
        /// each department's and office's, the quarters and retakers' change, each weighted −1,
        /// 0 or 1) is about fewer than the threshold of people and more than none.
        #[test]
        fn no_combination_of_quiz_figures_is_about_fewer_than_the_threshold(
            org in organisation(),
            threshold in 3i64..6,
        ) {
            let (figures, per_person) = shown_figures(&org, threshold);
            prop_assert_eq!(small_combination(&figures, per_person, threshold), None);
        }
    }
}
