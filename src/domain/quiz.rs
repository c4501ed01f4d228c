//! Quiz rules around the instrument: reading answers from a form, retake timing, attempts.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::teq::{self, Aspect, AspectScore, ITEM_COUNT};

/// Raw answers as typed: `None` unanswered; an unreadable value becomes `Some(-1)` so that it
/// is reported as invalid rather than silently dropped.
pub type RawAnswers = [Option<i64>; ITEM_COUNT];

/// Reads answers from form fields named `q1` … `q16`.
pub fn answers_from_form<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> RawAnswers {
    let mut raw = [None; ITEM_COUNT];
    for (name, value) in fields {
        let Some(number) = name.strip_prefix('q').and_then(|n| n.parse::<usize>().ok()) else {
            continue;
        };
        if (1..=ITEM_COUNT).contains(&number) && !value.trim().is_empty() {
            raw[number - 1] = Some(value.trim().parse::<i64>().unwrap_or(-1));
        }
    }
    raw
}

/// Answers that can be kept as a draft: valid ones only (invalid values are dropped).
pub fn draft_values(raw: &RawAnswers) -> [Option<i16>; ITEM_COUNT] {
    raw.map(|value| value.filter(|v| (0..=4).contains(v)).map(|v| v as i16))
}

/// How many items have a valid answer.
pub fn answered_count(raw: &RawAnswers) -> usize {
    raw.iter()
        .flatten()
        .filter(|v| (0..=4).contains(*v))
        .count()
}

/// When a person may take the quiz again, given their latest attempt.
pub fn retake_opens(last_taken: DateTime<Utc>, interval_days: i32) -> DateTime<Utc> {
    last_taken + Duration::days(i64::from(interval_days.max(0)))
}

/// Whether a new attempt is allowed now; `Err(date)` says when it opens.
pub fn may_take(
    last_taken: Option<DateTime<Utc>>,
    interval_days: i32,
    now: DateTime<Utc>,
) -> Result<(), DateTime<Utc>> {
    match last_taken {
        Some(last) if retake_opens(last, interval_days) > now => {
            Err(retake_opens(last, interval_days))
        }
        _ => Ok(()),
    }
}

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
    fn answers_are_read_by_item_number_and_bad_values_are_kept_as_invalid() {
        let raw = answers_from_form([
            ("q1", "4"),
            ("q16", "0"),
            ("q3", "seven"),
            ("q17", "2"),
            ("q0", "2"),
            ("q5", " "),
            ("submission_key", "x"),
        ]);
        assert_eq!(raw[0], Some(4));
        assert_eq!(raw[15], Some(0));
        assert_eq!(raw[2], Some(-1));
        assert_eq!(raw[4], None);
        assert_eq!(answered_count(&raw), 2);
        let draft = draft_values(&raw);
        assert_eq!((draft[0], draft[2]), (Some(4), None));
    }

    #[test]
    fn a_retake_opens_after_the_interval() {
        let last = Utc::now() - Duration::days(10);
        let now = Utc::now();
        assert_eq!(may_take(None, 30, now), Ok(()));
        assert_eq!(
            may_take(Some(last), 30, now),
            Err(last + Duration::days(30))
        );
        assert_eq!(may_take(Some(last), 10, now), Ok(()));
        assert_eq!(may_take(Some(now), 0, now), Ok(()));
    }

    #[test]
    fn stored_means_give_the_same_percentages_as_scoring() {
        let answers = teq::Answers::parse(&[Some(3); 16]).unwrap();
        let scored = teq::score(&answers);
        let means = scored.aspects.map(|a| a.mean);
        assert_eq!(Attempt::aspect_scores(means), scored.aspects);
    }
}
