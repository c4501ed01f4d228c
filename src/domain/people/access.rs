//! Access rules: how long single-use links work, and who may be invited, deactivated or lose
//! a role.

use super::{Person, Roles};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// How long the first-admin setup link printed at start-up works.
pub const SETUP_LINK_HOURS: i64 = 24;

/// Whether HR may make a new invitation link for `person`. A link sets a password and signs
/// in: for someone who already has a password it would let whoever follows it into their
/// private results, so only active people who haven't joined get one.
pub fn may_invite(person: &Person) -> Result<(), String> {
    if !person.active {
        return Err("Reactivate this person before sending them a new link.".into());
    }
    if person.has_password {
        return Err(format!(
            "{} has already set a password, so no invitation link can be made for them.",
            person.display_name
        ));
    }
    Ok(())
}

/// Days after HR changes someone's email during which no password reset is sent: whoever can
/// edit people must not be able to point an account at an inbox they read and take it over.
/// The old address is told of the change at once.
pub const RESET_AFTER_EMAIL_CHANGE_DAYS: i64 = 7;

/// Whether a password reset may be sent, given when the email last changed.
pub fn may_reset_password(
    email_changed_at: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), String> {
    match email_changed_at {
        Some(at) if now - at < chrono::Duration::days(RESET_AFTER_EMAIL_CHANGE_DAYS) => {
            Err(format!(
                "This person's email changed less than {RESET_AFTER_EMAIL_CHANGE_DAYS} days ago, so \
             no password reset can be sent yet: it protects them from someone pointing their \
             account at another inbox. Their previous address was told of the change."
            ))
        }
        _ => Ok(()),
    }
}

/// Whether `viewer` may deactivate `person` (never themselves: an HR team can't lock itself out
/// by accident).
pub fn may_deactivate(viewer: &Person, person: &Person) -> Result<(), &'static str> {
    if viewer.id == person.id {
        return Err("You can't deactivate your own account. Ask another HR admin to do it.");
    }
    Ok(())
}

/// Whether `viewer` may give `person` these roles (nobody removes their own HR admin role).
pub fn may_set_roles(viewer: &Person, person: &Person, roles: Roles) -> Result<(), &'static str> {
    if viewer.id == person.id && !roles.hr_admin {
        return Err("You can't remove your own HR admin role. Ask another HR admin to do it.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn person(active: bool, has_password: bool) -> Person {
        Person {
            id: Uuid::new_v4(),
            email: "ada@example.com".into(),
            display_name: "Ada Lovelace".into(),
            department: String::new(),
            office: String::new(),
            time_zone: chrono_tz::UTC,
            roles: Roles::default(),
            active,
            has_password,
            session_epoch: 0,
        }
    }

    #[test]
    fn only_active_people_without_a_password_get_an_invitation() {
        assert!(may_invite(&person(true, false)).is_ok());
        assert!(may_invite(&person(false, false)).is_err());
        assert!(
            may_invite(&person(true, true))
                .unwrap_err()
                .contains("already set a password")
        );
    }

    #[test]
    fn no_reset_for_a_week_after_an_email_change() {
        let now = chrono::Utc::now();
        assert!(may_reset_password(None, now).is_ok());
        assert!(may_reset_password(Some(now - chrono::Duration::days(2)), now).is_err());
        assert!(may_reset_password(Some(now - chrono::Duration::days(8)), now).is_ok());
    }

    #[test]
    fn nobody_deactivates_themselves_or_drops_their_own_hr_role() {
        let hr = person(true, true);
        let other = person(true, true);
        assert!(may_deactivate(&hr, &hr).is_err());
        assert!(may_deactivate(&hr, &other).is_ok());
        let employee = Roles::default();
        assert!(may_set_roles(&hr, &hr, employee).is_err());
        assert!(may_set_roles(&hr, &other, employee).is_ok());
    }
}
