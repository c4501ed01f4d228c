//! Spreadsheet-safe CSV cells.
//!
//! A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` as a formula, and some
//! also do after a leading tab or carriage return. A user-written value exported to CSV could
//! then run a formula on the HR admin's machine ("CSV injection"). Such values are prefixed
//! with a single quote, which spreadsheets show as text. Quoting and commas are left to the
//! `csv` crate's writer.

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula when they come first.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The value as a formula-safe cell: unchanged, or prefixed with `'` when it could be read as
/// a formula.
pub fn cell(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some(first) if TRIGGERS.contains(&first) => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_are_prefixed_with_a_quote() {
        for value in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            let safe = cell(value);
            assert_eq!(safe, format!("'{value}"), "{value:?}");
            assert!(matches!(safe, Cow::Owned(_)));
        }
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for value in [
            "",
            "Ada Lovelace",
            "1 = 1",
            "She said \"=\"",
            "'quoted",
            " =x",
        ] {
            let safe = cell(value);
            assert_eq!(safe, value);
            assert!(matches!(safe, Cow::Borrowed(_)), "{value:?}");
        }
    }

    #[test]
    fn a_written_row_opens_as_text() {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(
                [cell("=1+1"), cell("plain, with comma"), cell("@x")]
                    .iter()
                    .map(|c| c.as_ref()),
            )
            .unwrap();
        let out = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        assert_eq!(out, "'=1+1,\"plain, with comma\",'@x\n");
    }
}
