//! Page numbers for short lists, and newer/older cursors for lists that grow without end.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One page of a list: which rows to fetch and how to describe the position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    /// Reads a page number from user input, falling back to the first page for anything odd.
    pub fn parse(raw: Option<&str>, per_page: u32) -> Self {
        let page = raw
            .and_then(|value| value.trim().parse::<u32>().ok())
            .filter(|page| (1..=100_000).contains(page))
            .unwrap_or(1);
        PageRequest { page, per_page }
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    /// Describes the page given the total number of rows.
    pub fn of(self, total: i64) -> Page {
        let per_page = i64::from(self.per_page.max(1));
        let pages = ((total + per_page - 1) / per_page).max(1);
        Page {
            number: i64::from(self.page),
            pages,
            total,
            capped: false,
        }
    }

    /// Describes the page of a list counted only up to `cap` (a count of `cap + 1` means
    /// "more than `cap`"): its pages reach the first `cap + 1` rows, and no total is claimed.
    pub fn of_at_most(self, total: i64, cap: i64) -> Page {
        Page {
            capped: total > cap,
            ..self.of(total)
        }
    }
}

/// Where a page sits in the whole list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub pages: i64,
    pub total: i64,
    /// The list was counted only up to a cap: `pages` reach that far and `total` is a lower
    /// bound, not shown as a total.
    pub capped: bool,
}

impl Page {
    pub fn has_previous(&self) -> bool {
        self.number > 1
    }

    pub fn has_next(&self) -> bool {
        self.number < self.pages
    }

    pub fn previous(&self) -> i64 {
        self.number - 1
    }

    pub fn next(&self) -> i64 {
        self.number + 1
    }
}

/// A position in a list ordered by (time, id), newest first: what "newer" and "older" links
/// carry instead of a page number, so no page counts the whole list and a page stays put
/// when new rows arrive. Written as `<microseconds since 1970>.<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn new(at: DateTime<Utc>, id: Uuid) -> Self {
        Cursor { at, id }
    }

    /// Reads a cursor from a link; anything else is `None` (the list starts at the newest).
    pub fn parse(raw: &str) -> Option<Self> {
        let (micros, id) = raw.trim().split_once('.')?;
        let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        Some(Cursor {
            at,
            id: Uuid::parse_str(id).ok()?,
        })
    }

    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.timestamp_micros(), self.id)
    }
}

/// Which stretch of a newest-first list to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyset {
    /// The newest rows.
    Newest,
    /// Rows older than the cursor.
    Older(Cursor),
    /// Rows newer than the cursor (the "newer" link goes back this way).
    Newer(Cursor),
}

impl Keyset {
    /// From the `before` and `after` query values (`before` wins; odd values start over).
    pub fn parse(before: Option<&str>, after: Option<&str>) -> Self {
        if let Some(cursor) = before.and_then(Cursor::parse) {
            Keyset::Older(cursor)
        } else if let Some(cursor) = after.and_then(Cursor::parse) {
            Keyset::Newer(cursor)
        } else {
            Keyset::Newest
        }
    }

    /// Puts the rows read (up to `per_page + 1`, in the order the query read them: newest
    /// first, or oldest first for `Newer`) in newest-first order and works out the links.
    pub fn page<T>(
        self,
        mut rows: Vec<T>,
        per_page: usize,
        cursor_of: impl Fn(&T) -> Cursor,
    ) -> (Vec<T>, KeysetPage) {
        let more = rows.len() > per_page;
        rows.truncate(per_page);
        if let Keyset::Newer(_) = self {
            rows.reverse();
        }
        let (has_newer, has_older) = match self {
            Keyset::Newest => (false, more),
            Keyset::Older(_) => (true, more),
            Keyset::Newer(_) => (more, true),
        };
        let links = KeysetPage {
            newer: has_newer
                .then(|| rows.first().map(|row| cursor_of(row).encode()))
                .flatten(),
            older: has_older
                .then(|| rows.last().map(|row| cursor_of(row).encode()))
                .flatten(),
            at_start: self == Keyset::Newest,
        };
        (rows, links)
    }
}

/// The links of a newest-first page: cursors for "newer" and "older", when there are such rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeysetPage {
    pub newer: Option<String>,
    pub older: Option<String>,
    /// Whether this page starts at the newest row.
    pub at_start: bool,
}

impl KeysetPage {
    pub fn is_paged(&self) -> bool {
        self.newer.is_some() || self.older.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_page_numbers_fall_back_to_the_first_page() {
        for raw in [
            None,
            Some(""),
            Some("0"),
            Some("-3"),
            Some("abc"),
            Some("9999999999"),
        ] {
            assert_eq!(PageRequest::parse(raw, 25).page, 1, "{raw:?}");
        }
        assert_eq!(PageRequest::parse(Some(" 3 "), 25).offset(), 50);
    }

    #[test]
    fn page_counts_round_up_and_never_reach_zero() {
        let request = PageRequest::parse(Some("2"), 25);
        assert_eq!(request.of(51).pages, 3);
        assert_eq!(request.of(50).pages, 2);
        assert_eq!(request.of(0).pages, 1);
        assert!(request.of(51).has_next());
        assert!(!request.of(50).has_next());
        assert!(request.of(50).has_previous());
        let capped = PageRequest::parse(Some("1"), 20).of_at_most(1001, 1000);
        assert!(capped.capped && capped.has_next());
        assert!(
            !PageRequest::parse(Some("2"), 20)
                .of_at_most(40, 1000)
                .capped
        );
    }

    fn rows(ids: std::ops::RangeInclusive<u32>) -> Vec<Cursor> {
        ids.map(|n| {
            Cursor::new(
                DateTime::from_timestamp(1_700_000_000 + i64::from(n), 0).unwrap(),
                Uuid::from_u128(u128::from(n)),
            )
        })
        .collect()
    }

    #[test]
    fn cursors_survive_a_round_trip_and_odd_values_start_over() {
        let cursor = rows(7..=7)[0];
        assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
        for raw in [
            "",
            "abc",
            "12.",
            ".x",
            "1.not-a-uuid",
            "99999999999999999999.00000000-0000-0000-0000-000000000001",
        ] {
            assert_eq!(Cursor::parse(raw), None, "{raw:?}");
        }
        assert_eq!(Keyset::parse(Some("junk"), None), Keyset::Newest);
        assert_eq!(
            Keyset::parse(None, Some(&cursor.encode())),
            Keyset::Newer(cursor)
        );
    }

    #[test]
    fn the_newest_page_links_only_to_older_rows_when_there_are_more() {
        // Newest first: 10, 9, 8 read for a page of 2.
        let mut read = rows(8..=10);
        read.reverse();
        let (shown, links) = Keyset::Newest.page(read, 2, |c| *c);
        assert_eq!(
            shown.iter().map(|c| c.id.as_u128()).collect::<Vec<_>>(),
            [10, 9]
        );
        assert_eq!(links.newer, None);
        assert_eq!(links.older, Some(shown[1].encode()));
        let (_, last) = Keyset::Newest.page(rows(1..=2), 2, |c| *c);
        assert!(!last.is_paged());
    }

    #[test]
    fn a_newer_page_is_read_oldest_first_and_shown_newest_first() {
        let anchor = rows(5..=5)[0];
        // Newer than 5, oldest first: 6, 7, 8 for a page of 2.
        let (shown, links) = Keyset::Newer(anchor).page(rows(6..=8), 2, |c| *c);
        assert_eq!(
            shown.iter().map(|c| c.id.as_u128()).collect::<Vec<_>>(),
            [7, 6]
        );
        assert_eq!(links.newer, Some(shown[0].encode()));
        assert_eq!(links.older, Some(shown[1].encode()));
        // Back at the newest rows: no "newer" link.
        let (_, top) = Keyset::Newer(anchor).page(rows(6..=7), 2, |c| *c);
        assert_eq!(top.newer, None);
    }
}
