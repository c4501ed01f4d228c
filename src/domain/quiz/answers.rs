//! Answers as a form sends them: reading `q1` … `q16`, keeping a draft, counting.

use super::teq::ITEM_COUNT;

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
}
