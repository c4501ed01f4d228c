//! People: validated fields and roles (`mod.rs`), who may be invited, deactivated or change
//! roles (`access.rs`), and the CSV import format (`import.rs`).

use std::fmt;

use chrono_tz::Tz;
use uuid::Uuid;

use super::FieldErrors;

mod access;
mod import;

pub use access::*;
pub use import::*;

/// An email address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter an email address.".into());
        }
        if email.chars().count() > 254 {
            return Err("An email address can be at most 254 characters.".into());
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("Enter an email address like name@example.com.".into());
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty()
            || !domain_ok
            || domain.contains('@')
            || email.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's name as shown to colleagues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, String> {
        let name = crate::domain::text::one_line(raw, 100, "A name")?;
        if name.is_empty() {
            return Err("Enter a name.".into());
        }
        Ok(DisplayName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short free-text label such as a department or an office ("" when not given).
pub fn parse_label(raw: &str, what: &str) -> Result<String, String> {
    crate::domain::text::one_line(raw, 100, what)
}

/// Parses an IANA time zone name such as `Europe/London` (an empty value means UTC).
pub fn parse_time_zone(raw: &str) -> Result<Tz, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Tz::UTC);
    }
    raw.parse::<Tz>().map_err(|_| {
        // Quote what was typed, minus anything unprintable (it is echoed into the page).
        let shown: String = raw.chars().filter(|c| !c.is_control()).take(64).collect();
        format!("\u{201c}{shown}\u{201d} is not a time zone we know. Use a name like Europe/London or America/New_York.")
    })
}

/// Extra roles on top of being an employee, which everyone is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    pub organizer: bool,
    pub hr_admin: bool,
}

impl Roles {
    /// Role names for display, employee first.
    pub fn labels(self) -> Vec<&'static str> {
        let mut labels = vec!["Employee"];
        if self.organizer {
            labels.push("Organizer");
        }
        if self.hr_admin {
            labels.push("HR admin");
        }
        labels
    }
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub department: String,
    pub office: String,
    pub time_zone: Tz,
    pub roles: Roles,
    pub active: bool,
    pub has_password: bool,
    pub session_epoch: i32,
}

impl Person {
    pub fn is_hr_admin(&self) -> bool {
        self.roles.hr_admin
    }

    pub fn is_organizer(&self) -> bool {
        self.roles.organizer
    }

    /// The first word of the display name, for greetings.
    pub fn first_name(&self) -> &str {
        self.display_name
            .split_whitespace()
            .next()
            .unwrap_or(&self.display_name)
    }
}

/// The editable details of a person, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonForm {
    pub email: String,
    pub display_name: String,
    pub department: String,
    pub office: String,
    pub time_zone: String,
}

/// Validated details of a person to create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub email: Email,
    pub display_name: DisplayName,
    pub department: String,
    pub office: String,
    pub time_zone: Tz,
    pub roles: Roles,
}

impl NewPerson {
    /// Validates every field, reporting each problem against its field name.
    pub fn parse(form: &PersonForm, roles: Roles) -> Result<NewPerson, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = Email::parse(&form.email)
            .map_err(|e| errors.add("email", e))
            .ok();
        let display_name = DisplayName::parse(&form.display_name)
            .map_err(|e| errors.add("display_name", e))
            .ok();
        let department = parse_label(&form.department, "A department")
            .map_err(|e| errors.add("department", e))
            .ok();
        let office = parse_label(&form.office, "An office")
            .map_err(|e| errors.add("office", e))
            .ok();
        let time_zone = parse_time_zone(&form.time_zone)
            .map_err(|e| errors.add("time_zone", e))
            .ok();
        match (email, display_name, department, office, time_zone) {
            (Some(email), Some(display_name), Some(department), Some(office), Some(time_zone))
                if errors.is_empty() =>
            {
                Ok(NewPerson {
                    email,
                    display_name,
                    department,
                    office,
                    time_zone,
                    roles,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@@example.com",
            "ada@example..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn names_collapse_whitespace_and_have_a_limit() {
        assert_eq!(
            DisplayName::parse("  Ada   Lovelace ").unwrap().as_str(),
            "Ada Lovelace"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(101)).is_err());
    }

    #[test]
    fn time_zones_must_be_iana_names() {
        assert_eq!(
            parse_time_zone("Europe/London").unwrap(),
            Tz::Europe__London
        );
        assert_eq!(parse_time_zone("").unwrap(), Tz::UTC);
        assert!(parse_time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let form = PersonForm {
            email: "nope".into(),
            display_name: "".into(),
            department: "d".repeat(101),
            office: "Leeds".into(),
            time_zone: "Nowhere".into(),
        };
        let errors = NewPerson::parse(&form, Roles::default()).unwrap_err();
        for field in ["email", "display_name", "department", "time_zone"] {
            assert!(errors.get(field).is_some(), "{field} should have an error");
        }
        assert!(errors.get("office").is_none());
    }
}
