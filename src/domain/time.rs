//! Dates and times as people read them: the one place that words a date, a time or a zone.
//! Every page, file and message formats through these functions, in the reader's own zone.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

/// The reader's calendar date now.
pub fn today_in(zone: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}

/// "24 November 2026".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "Tuesday 24 November 2026".
pub fn weekday_date(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// "14:30".
pub fn clock(at: NaiveDateTime) -> String {
    at.format("%H:%M").to_string()
}

/// A moment as a calendar date in the reader's zone: "24 November 2026".
pub fn local_date(at: DateTime<Utc>, zone: Tz) -> String {
    long_date(at.with_timezone(&zone).date_naive())
}

/// A moment in the reader's zone, with the zone named: "24 November 2026 at 14:30
/// (Europe/London)".
pub fn local_date_time(at: DateTime<Utc>, zone: Tz) -> String {
    format!(
        "{} ({})",
        at.with_timezone(&zone).format("%-d %B %Y at %H:%M"),
        zone.name()
    )
}

/// A moment with its weekday, in a zone: "Tuesday 24 November 2026, 14:30".
pub fn weekday_date_time(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%A %-d %B %Y, %H:%M")
        .to_string()
}

/// A moment in UTC with the zone named: "24 November 2026 at 14:30 UTC".
pub fn utc_date_time(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y at %H:%M UTC").to_string()
}

/// A date as forms and files write it: "2026-11-24".
pub fn iso_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A moment as an `<input type="datetime-local">` shows it, in a zone: "2026-11-24T14:30".
pub fn datetime_local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string()
}

/// A moment as a CSV cell: "2026-11-24 14:30" (UTC).
pub fn csv_date_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// The time zones the pickers offer: canonical names only, grouped by region ("UTC" first).
pub fn zone_names() -> impl Iterator<Item = &'static str> {
    crate::domain::zones::CANONICAL_ZONES.iter().copied()
}

/// The region of a canonical zone name, for grouping: "Europe" for "Europe/London".
pub fn zone_region(name: &str) -> &str {
    name.split_once('/').map_or("", |(region, _)| region)
}

/// The place a canonical zone is named after, as people write it: "Buenos Aires" for
/// "America/Argentina/Buenos_Aires".
pub fn zone_place(name: &str) -> String {
    name.rsplit('/').next().unwrap_or(name).replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_pickers_offer_canonical_zones_only_and_all_of_them_parse() {
        let zones: Vec<&str> = zone_names().collect();
        assert!(zones.len() > 400, "{}", zones.len());
        assert_eq!(zones[0], "UTC");
        for zone in &zones {
            assert!(zone.parse::<Tz>().is_ok(), "{zone}");
        }
        for alias in [
            "Zulu",
            "GB-Eire",
            "US/Eastern",
            "Etc/GMT+5",
            "Asia/Calcutta",
            "GMT",
        ] {
            assert!(!zones.contains(&alias), "{alias} is offered");
        }
        for place in [
            "Europe/London",
            "Europe/Stockholm",
            "Asia/Kolkata",
            "America/Toronto",
        ] {
            assert!(zones.contains(&place), "{place} is missing");
        }
        let mut sorted = zones[1..].to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, zones[1..], "sorted, so grouped by region");
        assert_eq!(zone_region("America/Argentina/Buenos_Aires"), "America");
        assert_eq!(zone_place("America/Argentina/Buenos_Aires"), "Buenos Aires");
        assert_eq!(zone_region("UTC"), "");
    }

    #[test]
    fn dates_and_times_read_as_people_write_them() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 14, 30, 0).unwrap();
        let london = chrono_tz::Europe::London;
        let tokyo = chrono_tz::Asia::Tokyo;
        assert_eq!(local_date(at, london), "24 November 2026");
        assert_eq!(local_date(at, tokyo), "24 November 2026");
        assert_eq!(
            local_date_time(at, tokyo),
            "24 November 2026 at 23:30 (Asia/Tokyo)"
        );
        assert_eq!(weekday_date(at.date_naive()), "Tuesday 24 November 2026");
        assert_eq!(utc_date_time(at), "24 November 2026 at 14:30 UTC");
        assert_eq!(datetime_local(at, tokyo), "2026-11-24T23:30");
        assert_eq!(iso_date(at.date_naive()), "2026-11-24");
        assert_eq!(
            today_in(tokyo, Utc.with_ymd_and_hms(2026, 11, 24, 20, 0, 0).unwrap()).to_string(),
            "2026-11-25"
        );
    }
}

/// A wall-clock moment with its date: "01:30 on 29 March 2026".
pub fn clock_on_date(at: NaiveDateTime) -> String {
    at.format("%H:%M on %-d %B %Y").to_string()
}

#[cfg(test)]
mod clock_on_date_tests {
    use super::*;

    #[test]
    fn a_moment_reads_clock_first() {
        let at = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        assert_eq!(clock_on_date(at), "01:30 on 29 March 2026");
    }
}
