//! The password policy: long enough, not too long, and not easily guessed.
//!
//! No composition rules. Guessability is estimated with `zxcvbn`, whose dictionaries include
//! the most common passwords, names and words; the person's own name and email count as
//! guessable too.

use zxcvbn::{Score, zxcvbn};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// Why a password was refused, as a sentence for the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordProblem(pub String);

/// Checks a new password. `personal` holds what an attacker would try first: the person's
/// name, email and the like.
pub fn check(password: &str, personal: &[&str]) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordProblem(format!(
            "Use at least {MIN_LENGTH} characters. A few unrelated words make a password that is long and easy to remember."
        )));
    }
    if length > MAX_LENGTH {
        return Err(PasswordProblem(format!(
            "Use at most {MAX_LENGTH} characters."
        )));
    }
    // Add the parts of the email and name, so "ada.lovelace2024" is seen as guessable.
    let mut inputs: Vec<&str> = Vec::new();
    for value in personal {
        inputs.push(value);
        inputs.extend(
            value
                .split(|c: char| !c.is_alphanumeric())
                .filter(|part| part.chars().count() >= 3),
        );
    }
    inputs.push("attune");
    if is_made_of(password, &inputs) {
        return Err(PasswordProblem(
            "Your name or email makes this password easy to guess. Try a few unrelated words, or a phrase only you would think of."
                .into(),
        ));
    }
    let estimate = zxcvbn(password, &inputs);
    if estimate.score() < Score::Three {
        let mut message = String::from("This password would be easy to guess.");
        if let Some(warning) = estimate.feedback().and_then(|f| f.warning()) {
            message.push(' ');
            message.push_str(&warning.to_string());
            if !message.ends_with('.') {
                message.push('.');
            }
        }
        message.push_str(" Try a few unrelated words, or a phrase only you would think of.");
        return Err(PasswordProblem(message));
    }
    Ok(())
}

/// Whether the letters of `password` are nothing but personal words run together
/// (e.g. "AdaLovelace!2024" for Ada Lovelace), which attackers try first.
fn is_made_of(password: &str, words: &[&str]) -> bool {
    let letters: Vec<char> = password
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    let words: Vec<Vec<char>> = words
        .iter()
        .map(|w| w.chars().flat_map(char::to_lowercase).collect::<Vec<_>>())
        .filter(|w| w.len() >= 3)
        .collect();
    if letters.is_empty() {
        return false;
    }
    // reachable[i]: letters[..i] splits into personal words
    let mut reachable = vec![false; letters.len() + 1];
    reachable[0] = true;
    for i in 0..letters.len() {
        if !reachable[i] {
            continue;
        }
        for word in &words {
            if letters[i..].starts_with(word) {
                reachable[i + word.len()] = true;
            }
        }
    }
    reachable[letters.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_overlong_passwords_are_refused() {
        assert!(
            check("correct1", &[])
                .unwrap_err()
                .0
                .contains("at least 12")
        );
        assert!(
            check(&"a".repeat(129), &[])
                .unwrap_err()
                .0
                .contains("at most 128")
        );
    }

    #[test]
    fn common_passwords_are_refused_even_when_long() {
        for common in [
            "password1234",
            "123456789012",
            "qwertyuiopas",
            "iloveyou1234",
        ] {
            assert!(check(common, &[]).is_err(), "{common} should be refused");
        }
    }

    #[test]
    fn the_persons_own_name_and_email_count_as_guessable() {
        let personal = ["ada.lovelace@example.com", "Ada Lovelace"];
        assert!(check("adalovelace2024", &personal).is_err());
        assert!(check("lovelace-ada-1", &personal).is_err());
    }

    #[test]
    fn a_passphrase_is_accepted() {
        assert_eq!(
            check("lantern orchard velvet harbour", &["Ada Lovelace"]),
            Ok(())
        );
        assert_eq!(
            check(&"pick a long passphrase ".repeat(5)[..110], &[]),
            Ok(())
        );
    }
}
