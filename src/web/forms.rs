//! Small helpers shared by form handlers.

use crate::domain::FieldErrors;
use crate::domain::password::{self, PasswordProblem};

/// An HTML checkbox is sent only when ticked.
pub fn ticked(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

/// Checks a new password and its confirmation, adding problems to `errors` under
/// `password` and `password_confirmation`.
pub fn check_new_password(
    errors: &mut FieldErrors,
    password: &str,
    confirmation: &str,
    personal: &[&str],
) {
    if let Err(PasswordProblem(message)) = password::check(password, personal) {
        errors.add("password", message);
    } else if password != confirmation {
        errors.add(
            "password_confirmation",
            "The two passwords don't match. Type the same password twice.",
        );
    }
}
