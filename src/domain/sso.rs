//! Signing in with the company's identity provider: who gets in, what the provider's claims
//! change, and the settings HR chooses.

use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;

use super::FieldErrors;
use super::people::{DisplayName, Email, parse_label};

/// How long a person has to come back from the provider before the sign-in must start again.
pub const FLOW_MINUTES: i64 = 10;

/// Whether a sign-in started at `started_at` (seconds since the epoch) is too old to finish at
/// `now`, or comes from the future (a clock that jumped).
pub fn flow_expired(started_at: i64, now: i64) -> bool {
    now < started_at || now - started_at > FLOW_MINUTES * 60
}

/// Who may sign in with the provider the first time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Only people HR added or imported (matched by a verified email).
    KnownPeople,
    /// Also anyone with a verified email in one of the listed domains, created as an employee.
    Domains,
}

impl Admission {
    pub fn as_str(self) -> &'static str {
        match self {
            Admission::KnownPeople => "known",
            Admission::Domains => "domains",
        }
    }
}

impl fmt::Display for Admission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Admission {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw {
            "known" => Ok(Admission::KnownPeople),
            "domains" => Ok(Admission::Domains),
            _ => Err("Choose who may sign in with your identity provider.".into()),
        }
    }
}

/// HR's choices for single sign-on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSettings {
    pub admission: Admission,
    /// Lower-cased domains such as `example.com`.
    pub domains: Vec<String>,
    /// Claim names ('' for none).
    pub department_claim: String,
    pub office_claim: String,
    pub time_zone_claim: String,
    /// Password sign-in is off for everyone but HR admins.
    pub sso_only: bool,
}

impl Default for SsoSettings {
    fn default() -> Self {
        SsoSettings {
            admission: Admission::KnownPeople,
            domains: Vec::new(),
            department_claim: String::new(),
            office_claim: String::new(),
            time_zone_claim: "zoneinfo".into(),
            sso_only: false,
        }
    }
}

/// The settings form as typed.
#[derive(Debug, Clone, Default)]
pub struct SsoSettingsForm {
    pub admission: String,
    pub domains: String,
    pub department_claim: String,
    pub office_claim: String,
    pub time_zone_claim: String,
    pub sso_only: bool,
}

impl SsoSettings {
    /// Validates the form, reporting each problem against its field.
    pub fn parse(form: &SsoSettingsForm) -> Result<SsoSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let admission = form
            .admission
            .parse::<Admission>()
            .map_err(|e| errors.add("sso_admission", e))
            .unwrap_or(Admission::KnownPeople);
        let domains = parse_domains(&form.domains)
            .map_err(|e| errors.add("sso_domains", e))
            .unwrap_or_default();
        if admission == Admission::Domains
            && domains.is_empty()
            && errors.get("sso_domains").is_none()
        {
            errors.add(
                "sso_domains",
                "List at least one email domain, such as example.com.",
            );
        }
        let mut claim = |field: &'static str, raw: &str| {
            parse_claim_name(raw)
                .map_err(|e| errors.add(field, e))
                .unwrap_or_default()
        };
        let department_claim = claim("sso_department_claim", &form.department_claim);
        let office_claim = claim("sso_office_claim", &form.office_claim);
        let time_zone_claim = claim("sso_time_zone_claim", &form.time_zone_claim);
        errors.into_result(|| SsoSettings {
            admission,
            domains,
            department_claim,
            office_claim,
            time_zone_claim,
            sso_only: form.sso_only,
        })
    }
}

/// Email domains separated by commas, spaces or lines; a leading `@` is dropped.
pub fn parse_domains(raw: &str) -> Result<Vec<String>, String> {
    let mut domains: Vec<String> = Vec::new();
    for part in raw.split(|c: char| c == ',' || c.is_whitespace()) {
        let domain = part.trim().trim_start_matches('@').to_lowercase();
        if domain.is_empty() {
            continue;
        }
        if Email::parse(&format!("x@{domain}")).is_err() || domain.len() > 253 {
            let shown: String = domain
                .chars()
                .filter(|c| !c.is_control())
                .take(64)
                .collect();
            return Err(format!(
                "\u{201c}{shown}\u{201d} is not an email domain. Use names like example.com."
            ));
        }
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    if domains.len() > 50 {
        return Err("List at most 50 email domains.".into());
    }
    Ok(domains)
}

/// A claim name such as `department` or `extension_Office` ('' for none).
pub fn parse_claim_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.len() > 100 {
        return Err("A claim name can be at most 100 characters.".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/'))
    {
        return Err("A claim name uses letters, digits and _ - . : / only.".into());
    }
    Ok(name.to_string())
}

/// What the provider says about the person signing in, once its ID token has been verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// The claims HR mapped, as the provider sent them (strings only).
    pub department: Option<String>,
    pub office: Option<String>,
    pub time_zone: Option<String>,
}

/// Why a person who proved who they are to the provider still may not sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The provider sent no email, or did not say it verified it.
    UnverifiedEmail,
    /// Nobody in Attune has this email, and the domain rule doesn't admit it.
    NotKnown,
    /// The account is switched off.
    Deactivated,
    /// The Attune account with this email is already linked to another provider account.
    LinkedElsewhere,
}

impl Refusal {
    /// What the refusal page says.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::UnverifiedEmail => {
                "Your identity provider didn't confirm your email address, so Attune can't tell which account is yours. Ask your IT team to verify your email there, then try again."
            }
            Refusal::NotKnown => {
                "There's no Attune account for you yet. Ask your HR admin to add you, then sign in again."
            }
            Refusal::Deactivated => {
                "Your Attune account is switched off, so you can't sign in. If you think this is a mistake, your HR admin can switch it back on."
            }
            Refusal::LinkedElsewhere => {
                "The Attune account with your email is already linked to another sign-in at your identity provider. Ask your HR admin for help."
            }
        }
    }
}

/// The verified email an identity offers for a first sign-in.
pub fn verified_email(identity: &Identity) -> Result<Email, Refusal> {
    match &identity.email {
        Some(raw) if identity.email_verified => {
            Email::parse(raw).map_err(|_| Refusal::UnverifiedEmail)
        }
        _ => Err(Refusal::UnverifiedEmail),
    }
}

/// Whether a newcomer with this (verified) email may be created at first sign-in.
pub fn admits_newcomer(settings: &SsoSettings, email: &Email) -> bool {
    let domain = email
        .as_str()
        .rsplit_once('@')
        .map(|(_, d)| d)
        .unwrap_or("");
    settings.admission == Admission::Domains && settings.domains.iter().any(|d| d == domain)
}

/// The name a newcomer gets: the provider's, or the part of the email before the `@`.
pub fn newcomer_name(identity: &Identity, email: &Email) -> DisplayName {
    identity
        .name
        .as_deref()
        .and_then(|name| DisplayName::parse(name).ok())
        .or_else(|| {
            let local = email.as_str().split('@').next().unwrap_or("");
            DisplayName::parse(local).ok()
        })
        .unwrap_or_else(|| DisplayName::parse("New colleague").expect("a valid name"))
}

/// Department, office and time zone from the claims; a value that isn't usable (too long, or
/// a time zone nobody knows) is ignored, keeping what Attune has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileUpdate {
    pub department: Option<String>,
    pub office: Option<String>,
    pub time_zone: Option<Tz>,
}

pub fn profile_update(identity: &Identity) -> ProfileUpdate {
    ProfileUpdate {
        department: identity
            .department
            .as_deref()
            .and_then(|raw| parse_label(raw, "A department").ok()),
        office: identity
            .office
            .as_deref()
            .and_then(|raw| parse_label(raw, "An office").ok()),
        time_zone: identity
            .time_zone
            .as_deref()
            .and_then(|raw| raw.trim().parse::<Tz>().ok()),
    }
}

/// Whether a person may sign in with a password: with "SSO only" on (and a provider
/// configured), only HR admins keep a password, as a way in when the provider is down.
pub fn password_allowed(sso_only: bool, is_hr_admin: bool) -> bool {
    !sso_only || is_hr_admin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(email: &str, verified: bool) -> Identity {
        Identity {
            subject: "s1".into(),
            email: Some(email.into()),
            email_verified: verified,
            ..Identity::default()
        }
    }

    #[test]
    fn a_flow_lasts_ten_minutes() {
        assert!(!flow_expired(1_000, 1_000));
        assert!(!flow_expired(1_000, 1_000 + 600));
        assert!(flow_expired(1_000, 1_000 + 601));
        assert!(flow_expired(1_000, 999));
    }

    #[test]
    fn only_a_verified_email_counts() {
        assert!(verified_email(&identity("Ana@Example.com", true)).is_ok());
        assert_eq!(
            verified_email(&identity("ana@example.com", false)),
            Err(Refusal::UnverifiedEmail)
        );
        assert_eq!(
            verified_email(&Identity::default()),
            Err(Refusal::UnverifiedEmail)
        );
    }

    #[test]
    fn newcomers_need_the_domain_rule_and_a_listed_domain() {
        let email = Email::parse("ana@example.com").unwrap();
        let mut settings = SsoSettings {
            domains: vec!["example.com".into()],
            ..SsoSettings::default()
        };
        assert!(!admits_newcomer(&settings, &email));
        settings.admission = Admission::Domains;
        assert!(admits_newcomer(&settings, &email));
        let other = Email::parse("ana@sub.example.com").unwrap();
        assert!(!admits_newcomer(&settings, &other));
    }

    #[test]
    fn domains_are_normalised_and_checked() {
        assert_eq!(
            parse_domains(" @Example.com, example.org\nexample.com ").unwrap(),
            vec!["example.com", "example.org"]
        );
        assert!(parse_domains("not a domain!").is_err());
        assert_eq!(parse_domains("").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn an_unknown_time_zone_is_ignored() {
        let mut identity = identity("ana@example.com", true);
        identity.time_zone = Some("Mars/Olympus".into());
        identity.department = Some("Research".into());
        let update = profile_update(&identity);
        assert_eq!(update.time_zone, None);
        assert_eq!(update.department.as_deref(), Some("Research"));
        identity.time_zone = Some("Europe/Paris".into());
        assert_eq!(
            profile_update(&identity).time_zone,
            Some(chrono_tz::Europe::Paris)
        );
    }

    #[test]
    fn sso_only_keeps_a_password_for_hr_admins() {
        assert!(password_allowed(false, false));
        assert!(!password_allowed(true, false));
        assert!(password_allowed(true, true));
    }

    #[test]
    fn the_domain_rule_needs_a_domain() {
        let form = SsoSettingsForm {
            admission: "domains".into(),
            ..SsoSettingsForm::default()
        };
        assert!(
            SsoSettings::parse(&form)
                .unwrap_err()
                .get("sso_domains")
                .is_some()
        );
        let form = SsoSettingsForm {
            admission: "known".into(),
            time_zone_claim: "zoneinfo".into(),
            ..SsoSettingsForm::default()
        };
        assert_eq!(
            SsoSettings::parse(&form).unwrap().time_zone_claim,
            "zoneinfo"
        );
    }
}
