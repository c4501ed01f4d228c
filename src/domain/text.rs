//! The one policy for text people type into Attune (every form and every CSV import goes
//! through it):
//!
//! - **Bidirectional overrides and isolates** (U+202A to U+202E, U+2066 to U+2069) are removed:
//!   they can make text display in a misleading order (a file name that reads "exe.pdf" but is not), and names, titles
//!   and notes never need them. Other right-to-left text is untouched.
//! - **Control characters** are refused with a message, NUL included (PostgreSQL can't store
//!   it), except line breaks and tabs in multi-line fields.
//! - **Length** is counted in characters after tidying, against a limit per field.
//! - One-line fields have runs of whitespace collapsed to one space; multi-line fields keep
//!   their line breaks (Windows line ends become `\n`) and are trimmed.

/// Whether a character is a bidirectional embedding, override or isolate control.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The text without bidi controls (for fields with their own length and line rules).
pub fn without_bidi_controls(raw: &str) -> String {
    raw.chars().filter(|c| !is_bidi_control(*c)).collect()
}

fn too_long(what: &str, max: usize, length: usize) -> String {
    format!(
        "{what} can be at most {} characters (it has {}).",
        thousands(max),
        thousands(length)
    )
}

/// 20000 as "20,000".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A one-line text (a name, a title, a label): whitespace collapsed, bidi controls removed, no
/// control characters, at most `max` characters. Empty is allowed (callers say when it isn't).
/// `what` starts the messages: "A title can be at most 200 characters."
pub fn one_line(raw: &str, max: usize, what: &str) -> Result<String, String> {
    let text = without_bidi_controls(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().any(char::is_control) {
        return Err(format!(
            "{what} can't contain control characters (such as a null character). Retype it \
             without them."
        ));
    }
    let length = text.chars().count();
    if length > max {
        return Err(too_long(what, max, length));
    }
    Ok(text)
}

/// A longer text with line breaks kept (a description, a story, a note): trimmed, Windows line
/// ends normalised, bidi controls removed, no control characters but line breaks and tabs, at
/// most `max` characters.
pub fn paragraphs(raw: &str, max: usize, what: &str) -> Result<String, String> {
    let text = without_bidi_controls(raw)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let text = text.trim();
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!(
            "{what} can't contain control characters (such as a null character). Retype it \
             without them."
        ));
    }
    let length = text.chars().count();
    if length > max {
        return Err(too_long(what, max, length));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_text_is_tidied_and_hostile_characters_are_removed_or_refused() {
        assert_eq!(
            one_line("  Ada \t Lovelace ", 100, "A name"),
            Ok("Ada Lovelace".into())
        );
        assert_eq!(
            one_line("Ada\u{202E}ecalevoL", 100, "A name"),
            Ok("AdaecalevoL".into()),
            "overrides are removed"
        );
        assert_eq!(one_line("\u{2067}x\u{2069}", 100, "A name"), Ok("x".into()));
        assert_eq!(one_line("مرحبا", 100, "A name"), Ok("مرحبا".into()));
        for hostile in ["a\0b", "a\u{1b}[31mb", "a\u{7}b", "a\u{7f}b"] {
            let problem = one_line(hostile, 100, "A name").unwrap_err();
            assert!(
                problem.contains("control characters"),
                "{hostile:?}: {problem}"
            );
        }
        assert_eq!(
            one_line(&"é".repeat(101), 100, "A name"),
            Err("A name can be at most 100 characters (it has 101).".into())
        );
    }

    #[test]
    fn paragraphs_keep_line_breaks_and_tabs_but_nothing_else_unprintable() {
        assert_eq!(
            paragraphs(" One.\r\n\r\n\tTwo.\u{202D} ", 100, "A note"),
            Ok("One.\n\n\tTwo.".into())
        );
        assert!(paragraphs("a\0b", 100, "A note").is_err());
        assert!(paragraphs("a\u{1b}b", 100, "A note").is_err());
        assert_eq!(
            paragraphs(&"x".repeat(5001), 5000, "A description"),
            Err("A description can be at most 5,000 characters (it has 5,001).".into())
        );
    }

    #[test]
    fn large_numbers_are_grouped() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(5000), "5,000");
        assert_eq!(thousands(20000), "20,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
