//! A scored attempt as stored, and its aspect percentages.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::teq::{self, Aspect, AspectScore};

/// A scored attempt as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub id: Uuid,
    pub taken_at: DateTime<Utc>,
    pub instrument_version: i16,
    pub total: u8,
    /// In `Aspect::ALL` order.
    pub aspects: [AspectScore; 4],
}

impl Attempt {
    /// Aspect scores from stored means (percent derived as everywhere else).
    pub fn aspect_scores(means: [f64; 4]) -> [AspectScore; 4] {
        let mut scores = Aspect::ALL.map(|aspect| AspectScore {
            aspect,
            mean: 0.0,
            percent: 0,
        });
        for (score, mean) in scores.iter_mut().zip(means) {
            score.mean = mean;
            score.percent = percent_of(mean);
        }
        scores
    }

    /// The aspects weakest first (see [`teq::weakest_first`]).
    pub fn weakest_first(&self) -> [AspectScore; 4] {
        teq::weakest_first(self.aspects)
    }

    /// Change in total since an earlier attempt.
    pub fn change_since(&self, earlier: &Attempt) -> teq::Change {
        teq::compare(earlier.total, self.total)
    }
}

/// Percentage of the 0..4 range, rounded half up.
pub fn percent_of(mean: f64) -> u8 {
    (mean.clamp(0.0, 4.0) * 25.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_means_give_the_same_percentages_as_scoring() {
        let answers = teq::Answers::parse(&[Some(3); 16]).unwrap();
        let scored = teq::score(&answers);
        let means = scored.aspects.map(|a| a.mean);
        assert_eq!(Attempt::aspect_scores(means), scored.aspects);
    }
}
