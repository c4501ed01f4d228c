//! Spreadsheet-safe CSV cells: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
//! return could run as a formula when the file is opened, so it is prefixed with a single
//! quote. [`uncell`] undoes this when such a file is imported again.

use std::borrow::Cow;

fn is_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A value made safe to put in a CSV cell.
pub fn cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(is_trigger) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The original value of a cell written by [`cell`].
pub fn uncell(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(is_trigger) => rest,
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_are_neutralised() {
        for dangerous in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let safe = cell(dangerous);
            assert!(safe.starts_with('\''), "{dangerous:?}");
            assert_eq!(uncell(&safe), dangerous);
        }
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for plain in ["Wired to Care", "", "'quoted'", "5 minutes", "e=mc2"] {
            assert_eq!(cell(plain), plain);
            assert_eq!(uncell(plain), plain);
        }
    }
}
