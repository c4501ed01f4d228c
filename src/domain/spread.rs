//! How everyone's latest quiz totals are spread, and how much they moved for people who took
//! the quiz more than once: shown to HR only in ways that say nothing about fewer than the
//! anonymity threshold.
//!
//! Totals are counted in fine bins of [`BIN_WIDTH`] points. A bin with fewer people than the
//! threshold is not hidden (hiding it would leave the others adding up to less than the total,
//! and the difference would be that bin) but merged with its neighbours until every bin shown
//! holds at least the threshold.

use crate::domain::teq::MAX_TOTAL;

/// Points of the total counted together before merging.
pub const BIN_WIDTH: u8 = 4;

/// How many fine bins cover 0..=64 (the last also holds 64).
pub const FINE_BINS: usize = (MAX_TOTAL / BIN_WIDTH) as usize;

/// The fine bin a total falls in.
pub fn fine_bin(total: u8) -> usize {
    usize::from(total / BIN_WIDTH).min(FINE_BINS - 1)
}

/// A range of totals as shown, with how many people's latest total falls in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bin {
    /// Lowest total in the range.
    pub lo: u8,
    /// Highest total in the range (inclusive).
    pub hi: u8,
    pub people: i64,
}

impl Bin {
    /// "32–35", or "64" for a one-point range.
    pub fn label(&self) -> String {
        if self.lo == self.hi {
            self.lo.to_string()
        } else {
            format!("{}–{}", self.lo, self.hi)
        }
    }
}

fn fine_range(i: usize) -> (u8, u8) {
    let lo = i as u8 * BIN_WIDTH;
    let hi = if i == FINE_BINS - 1 {
        MAX_TOTAL
    } else {
        lo + BIN_WIDTH - 1
    };
    (lo, hi)
}

/// Merges neighbouring fine bins (counts in [`fine_bin`] order; missing ones count as empty)
/// until each holds at least `threshold` people, from the lowest totals up; what is left at the
/// top joins the last bin. The bins cover 0 to 64 with no gap, so no range says anything about
/// fewer people than the threshold. Nothing at all when everyone together is fewer.
pub fn merge_bins(counts: &[i64], threshold: i64) -> Vec<Bin> {
    let count = |i: usize| counts.get(i).copied().unwrap_or(0).max(0);
    let total: i64 = (0..FINE_BINS).map(count).sum();
    if total < threshold.max(1) {
        return Vec::new();
    }
    let mut bins: Vec<Bin> = Vec::new();
    let mut open: Option<Bin> = None;
    for i in 0..FINE_BINS {
        let (lo, hi) = fine_range(i);
        let bin = open.get_or_insert(Bin { lo, hi, people: 0 });
        bin.hi = hi;
        bin.people += count(i);
        if bin.people >= threshold {
            bins.extend(open.take());
        }
    }
    if let Some(rest) = open {
        // Fewer than the threshold are left at the top: they join the bin below.
        match bins.last_mut() {
            Some(last) => {
                last.hi = rest.hi;
                last.people += rest.people;
            }
            None => bins.push(rest),
        }
    }
    bins
}

/// The average change from people's first quiz total (and aspect means) to their latest, over
/// everyone who took it more than once.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Change {
    /// People with at least two results.
    pub people: i64,
    /// Average change of the total, in points of 64.
    pub total: f64,
    /// Average change of each aspect's mean (on the 0..4 scale), in `Aspect::ALL` order.
    pub aspects: [f64; 4],
}

impl Change {
    /// Only when at least `threshold` people retook the quiz.
    pub fn protect(self, threshold: i64) -> Option<Change> {
        (self.people >= threshold.max(1)).then_some(self)
    }
}

/// A change written with its sign, to one decimal place: "+2.5", "−1.0", "0.0".
pub fn signed(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded > 0.0 {
        format!("+{rounded:.1}")
    } else if rounded < 0.0 {
        format!("−{:.1}", -rounded)
    } else {
        "0.0".into()
    }
}

/// An aspect's change in percentage points (an aspect mean of 4 is 100%), with its sign.
pub fn signed_points(mean_change: f64) -> String {
    let points = (mean_change * 25.0).round() as i64;
    match points {
        0 => "0".into(),
        p if p > 0 => format!("+{p}"),
        p => format!("−{}", -p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_total_has_a_bin_and_64_shares_the_last() {
        assert_eq!(FINE_BINS, 16);
        assert_eq!(fine_bin(0), 0);
        assert_eq!(fine_bin(3), 0);
        assert_eq!(fine_bin(4), 1);
        assert_eq!(fine_bin(63), 15);
        assert_eq!(fine_bin(64), 15);
    }

    #[test]
    fn small_bins_join_their_neighbours_instead_of_vanishing() {
        let mut counts = [0i64; FINE_BINS];
        counts[fine_bin(30)] = 2; // 28–31
        counts[fine_bin(33)] = 6; // 32–35
        counts[fine_bin(41)] = 5; // 40–43
        counts[fine_bin(50)] = 1; // 48–51
        let bins = merge_bins(&counts, 5);
        let shown: Vec<(String, i64)> = bins.iter().map(|b| (b.label(), b.people)).collect();
        assert_eq!(
            shown,
            vec![("0–35".to_string(), 8), ("36–64".to_string(), 6)]
        );
    }

    #[test]
    fn nothing_is_shown_when_everyone_together_is_too_few() {
        let mut counts = [0i64; FINE_BINS];
        counts[8] = 4;
        assert!(merge_bins(&counts, 5).is_empty());
        counts[9] = 1;
        assert_eq!(
            merge_bins(&counts, 5),
            vec![Bin {
                lo: 0,
                hi: 64,
                people: 5
            }]
        );
    }

    #[test]
    fn changes_read_with_their_sign() {
        assert_eq!(signed(2.46), "+2.5");
        assert_eq!(signed(-1.0), "−1.0");
        assert_eq!(signed(0.01), "0.0");
        assert_eq!(signed_points(0.1), "+3");
        assert_eq!(signed_points(-0.2), "−5");
        assert_eq!(signed_points(0.0), "0");
        let change = Change {
            people: 4,
            ..Change::default()
        };
        assert!(change.protect(5).is_none());
        assert!(change.protect(4).is_some());
    }

    proptest! {
        /// Whatever the results and the threshold: either nothing is shown (everyone together
        /// is fewer than the threshold), or the bins cover 0 to 64 without gap or overlap,
        /// every bin holds at least the threshold, each is the exact sum of whole fine bins,
        /// and together they count everyone.
        #[test]
        fn no_bin_says_anything_about_fewer_than_the_threshold(
            counts in proptest::collection::vec(0i64..12, FINE_BINS),
            threshold in 1i64..40,
        ) {
            let total: i64 = counts.iter().sum();
            let bins = merge_bins(&counts, threshold);
            if total < threshold {
                prop_assert!(bins.is_empty());
                return Ok(());
            }
            prop_assert!(!bins.is_empty());
            prop_assert_eq!(bins[0].lo, 0);
            prop_assert_eq!(bins[bins.len() - 1].hi, MAX_TOTAL);
            for pair in bins.windows(2) {
                prop_assert_eq!(pair[0].hi + 1, pair[1].lo);
            }
            for bin in &bins {
                prop_assert!(bin.people >= threshold, "{:?}", bin);
                prop_assert_eq!(bin.lo % BIN_WIDTH, 0);
                let inside: i64 = (0..FINE_BINS)
                    .filter(|i| {
                        let (lo, hi) = fine_range(*i);
                        lo >= bin.lo && hi <= bin.hi
                    })
                    .map(|i| counts[i])
                    .sum();
                prop_assert_eq!(inside, bin.people);
            }
            prop_assert_eq!(bins.iter().map(|b| b.people).sum::<i64>(), total);
        }
    }
}
