//! The retake interval: when a person may take the quiz again.

use chrono::{DateTime, Duration, Utc};

/// Reads the retake interval HR sets: whole days from 0 to 365.
pub fn parse_retake_interval(raw: &str) -> Result<i32, String> {
    match raw.trim().parse::<i32>() {
        Ok(days) if (0..=365).contains(&days) => Ok(days),
        _ => Err("Enter a whole number of days from 0 to 365.".into()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_interval_is_whole_days_up_to_a_year() {
        assert_eq!(parse_retake_interval(" 30 "), Ok(30));
        assert_eq!(parse_retake_interval("0"), Ok(0));
        for bad in ["366", "-1", "2.5", "", "monthly"] {
            assert!(parse_retake_interval(bad).is_err(), "{bad}");
        }
    }
}
