//! What each schema constraint means to a person, in one table: a write refused by a unique,
//! exclusion or foreign key constraint becomes a 409 page, or a 422 with the message next to a
//! form field, never a 500, without each handler remembering to map it.

/// How to answer a write that a constraint refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The form field the message belongs next to, when the form can be shown again.
    pub field: Option<&'static str>,
    pub message: &'static str,
}

/// A constraint this table doesn't name: almost always two requests at the same moment.
const WRITE_CONFLICT: Answer = Answer {
    field: None,
    message: "Someone changed this at the same moment, so nothing was saved. Reload the page to \
              see where things stand, and try again if it's still needed.",
};

/// Constraint names as the migrations create them, and their answers.
const ANSWERS: &[(&str, Answer)] = &[
    (
        "people_email_key",
        Answer {
            field: Some("email"),
            message: "Someone with this email is already in Attune.",
        },
    ),
    (
        "recognition_behaviours_label_key",
        Answer {
            field: Some("label"),
            message: "That behaviour is already on the list.",
        },
    ),
    (
        "recognition_same_behaviour_24h",
        Answer {
            field: None,
            message: "You recognised this colleague for one of these behaviours in the last 24 \
                      hours, perhaps from another tab. Check your recognitions given before sending \
                      it again.",
        },
    ),
    (
        "recognitions_nominator_id_submission_key_key",
        Answer {
            field: None,
            message: "This nomination was just sent from another tab. Check your recognitions \
                      given before sending it again.",
        },
    ),
];

/// The answer for a refused write, by constraint name.
pub fn answer_for(constraint: &str) -> Answer {
    ANSWERS
        .iter()
        .find(|(name, _)| *name == constraint)
        .map(|(_, answer)| *answer)
        .unwrap_or(WRITE_CONFLICT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_constraints_have_their_own_answer_and_others_a_generic_one() {
        assert_eq!(answer_for("people_email_key").field, Some("email"));
        assert_eq!(answer_for("no_such_constraint"), WRITE_CONFLICT);
    }
}
