//! Page numbers for long lists.

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
        }
    }
}

/// Where a page sits in the whole list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub pages: i64,
    pub total: i64,
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
    }
}
