//! Counts and durations in words: the one place that decides between "1 attempt" and
//! "2 attempts", or words 1,200 minutes as "about 20 hours". Pages, emails and files all word
//! them through these functions.

/// A whole number to word (templates pass references, so those count too).
pub trait Number {
    fn as_i64(&self) -> i64;
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Number for $t {
            fn as_i64(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
number!(i16, i32, i64, u8, u16, u32, u64, usize);

impl<T: Number + ?Sized> Number for &T {
    fn as_i64(&self) -> i64 {
        (**self).as_i64()
    }
}

/// A count with its noun: `count(1, "attempt", "attempts")` is "1 attempt", and any other
/// number takes the plural ("0 attempts", "2 attempts").
pub fn count(n: impl Number, one: &str, many: &str) -> String {
    let n = n.as_i64();
    format!("{} {}", grouped(n), plural(n, one, many))
}

/// A whole number with its thousands grouped, as people read it: "950", "1,200", "100,000".
pub fn grouped(n: impl Number) -> String {
    let n = n.as_i64();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The noun alone, singular for exactly one: `plural(3, "seat", "seats")` is "seats".
pub fn plural<'a>(n: impl Number, one: &'a str, many: &'a str) -> &'a str {
    if n.as_i64() == 1 { one } else { many }
}

/// How long something takes, roughly, as people say it: "10 minutes", "1 hour",
/// "1½ hours", "20 hours". Under an hour in minutes; up to 10 hours to the nearest half hour;
/// beyond that in whole hours.
pub fn duration(minutes: impl Number) -> String {
    let minutes = minutes.as_i64().max(0);
    if minutes < 60 {
        return count(minutes, "minute", "minutes");
    }
    if minutes < 600 {
        let halves = (minutes + 15) / 30;
        let (hours, half) = (halves / 2, halves % 2 == 1);
        return match (hours, half) {
            (1, false) => "1 hour".into(),
            (h, false) => format!("{h} hours"),
            (h, true) => format!("{h}½ hours"),
        };
    }
    count((minutes + 30) / 60, "hour", "hours")
}

/// A span of days as people say it: "1 day", "6 days", "1 week", "3 weeks", "30 days" (weeks
/// only when the days are whole weeks).
pub fn days(n: impl Number) -> String {
    let n = n.as_i64();
    if n >= 7 && n % 7 == 0 {
        count(n / 7, "week", "weeks")
    } else {
        count(n, "day", "days")
    }
}

/// Where a recognition went, by department: "Within Sales" when the nominator and the
/// recipient share one, "From Sales to Support" otherwise; nothing when neither has one.
pub fn between_teams(from: &str, to: &str) -> Option<String> {
    match (from.trim(), to.trim()) {
        ("", "") => None,
        (from, to) if from.eq_ignore_ascii_case(to) => Some(format!("Within {from}")),
        ("", to) => Some(format!("To {to}")),
        (from, "") => Some(format!("From {from}")),
        (from, to) => Some(format!("From {from} to {to}")),
    }
}

/// Up to two initials for an avatar: "Ada Lovelace" is "AL", "Ngozi" is "N", "ana de la
/// Cruz" is "AC" (first and last words), "" is "?".
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = |word: &str| word.chars().next().into_iter().flat_map(char::to_uppercase);
    match words.as_slice() {
        [] => "?".into(),
        [only] => first(only).collect(),
        [head, .., last] => first(head).chain(first(last)).collect(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn large_numbers_are_grouped_in_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(950), "950");
        assert_eq!(grouped(1200), "1,200");
        assert_eq!(grouped(100_000), "100,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(-4200), "-4,200");
        assert_eq!(count(12_454, "person", "people"), "12,454 people");
    }

    use super::*;

    #[test]
    fn initials_take_the_first_and_last_words() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("ana de la Cruz"), "AC");
        assert_eq!(initials("Ngozi"), "N");
        assert_eq!(initials("  Émile   Zola "), "ÉZ");
        assert_eq!(initials(""), "?");
    }

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(count(1, "quiz attempt", "quiz attempts"), "1 quiz attempt");
        assert_eq!(count(0, "quiz attempt", "quiz attempts"), "0 quiz attempts");
        assert_eq!(
            count(2, "resource completed", "resources completed"),
            "2 resources completed"
        );
        assert_eq!(count(-1, "day", "days"), "-1 days");
        assert_eq!(plural(1, "person", "people"), "person");
        assert_eq!(plural(21, "person", "people"), "people");
    }

    #[test]
    fn durations_read_in_minutes_then_hours() {
        assert_eq!(duration(0), "0 minutes");
        assert_eq!(duration(1), "1 minute");
        assert_eq!(duration(10), "10 minutes");
        assert_eq!(duration(59), "59 minutes");
        assert_eq!(duration(60), "1 hour");
        assert_eq!(duration(74), "1 hour");
        assert_eq!(duration(75), "1½ hours");
        assert_eq!(duration(90), "1½ hours");
        assert_eq!(duration(105), "2 hours");
        assert_eq!(duration(360), "6 hours");
        assert_eq!(duration(400), "6½ hours");
        assert_eq!(duration(599), "10 hours");
        assert_eq!(duration(1200), "20 hours");
        assert_eq!(duration(-5), "0 minutes");
    }

    #[test]
    fn days_become_weeks_only_when_whole() {
        assert_eq!(days(1), "1 day");
        assert_eq!(days(6), "6 days");
        assert_eq!(days(7), "1 week");
        assert_eq!(days(14), "2 weeks");
        assert_eq!(days(30), "30 days");
        assert_eq!(days(0), "0 days");
    }

    #[test]
    fn a_recognition_within_one_team_does_not_repeat_its_name() {
        assert_eq!(
            between_teams("People & Culture", "People & Culture").as_deref(),
            Some("Within People & Culture")
        );
        assert_eq!(
            between_teams("Sales", "Support").as_deref(),
            Some("From Sales to Support")
        );
        assert_eq!(between_teams("", "Support").as_deref(), Some("To Support"));
        assert_eq!(between_teams("Sales", " ").as_deref(), Some("From Sales"));
        assert_eq!(between_teams("", ""), None);
    }
}
