//! Your data: the rules for confirming a sensitive action, what erasing an account does with
//! the recognitions a person gave, and how long personal data is kept (HR's retention
//! settings, with their bounds).

use crate::domain::FieldErrors;

/// A sensitive action (changing roles, exporting personal data, erasing an account) asks for
/// the password again, or a fresh sign-in with the identity provider, when the last one is
/// older than this.
pub const CONFIRM_WITHIN_SECONDS: i64 = 10 * 60;

/// Whether someone who last authenticated at `last_authenticated` (seconds since the epoch)
/// must confirm it is them before a sensitive action at `now`.
pub fn needs_confirmation(last_authenticated: i64, now: i64) -> bool {
    now - last_authenticated >= CONFIRM_WITHIN_SECONDS || last_authenticated > now + 60
}

/// Who a recognition from an erased person is shown as.
pub const FORMER_COLLEAGUE: &str = "A former colleague";

/// What erasing an account does with the recognitions the person gave (an HR setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum GivenRecognitions {
    /// Published ones stay, "from a former colleague" (they belong to their recipients too).
    Keep,
    /// Every one goes.
    Remove,
}

impl GivenRecognitions {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What happens, in words, for the "Delete my account" page.
    pub fn in_words(self) -> &'static str {
        match self {
            GivenRecognitions::Keep => {
                "Recognitions you gave that are published stay with the colleagues who received them, shown as from \u{201c}a former colleague\u{201d}, without your name. Any that weren't published are deleted."
            }
            GivenRecognitions::Remove => {
                "Recognitions you gave are deleted, from the wall and from the colleagues who received them."
            }
        }
    }
}

/// How long each kind of personal data is kept, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Successful sign-ins (sign-in history, known devices). Failures go after a day.
    pub sign_in_days: i32,
    /// Notifications, read or not.
    pub notifications_days: i32,
    /// Sent and failed email in the outbox.
    pub sent_mail_days: i32,
    /// Deactivated accounts, until they are erased.
    pub deactivated_days: i32,
}

/// The bounds of each retention setting (also CHECK constraints in migration 0020).
pub const SIGN_IN_DAYS: (i32, i32) = (7, 365);
pub const NOTIFICATIONS_DAYS: (i32, i32) = (7, 1825);
pub const SENT_MAIL_DAYS: (i32, i32) = (1, 365);
pub const DEACTIVATED_DAYS: (i32, i32) = (30, 3650);

impl Default for Retention {
    fn default() -> Self {
        Retention {
            sign_in_days: 30,
            notifications_days: 180,
            sent_mail_days: 30,
            deactivated_days: 365,
        }
    }
}

/// HR's privacy settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivacySettings {
    pub given_recognitions: GivenRecognitions,
    pub retention: Retention,
}

/// The privacy settings form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PrivacySettingsForm {
    #[serde(default)]
    pub given_recognitions: String,
    #[serde(default)]
    pub sign_in_days: String,
    #[serde(default)]
    pub notifications_days: String,
    #[serde(default)]
    pub sent_mail_days: String,
    #[serde(default)]
    pub deactivated_days: String,
}

impl PrivacySettingsForm {
    pub fn from_settings(settings: &PrivacySettings) -> Self {
        PrivacySettingsForm {
            given_recognitions: settings.given_recognitions.as_str().into(),
            sign_in_days: settings.retention.sign_in_days.to_string(),
            notifications_days: settings.retention.notifications_days.to_string(),
            sent_mail_days: settings.retention.sent_mail_days.to_string(),
            deactivated_days: settings.retention.deactivated_days.to_string(),
        }
    }
}

fn days(raw: &str, (min, max): (i32, i32), what: &str) -> Result<i32, String> {
    match raw.trim().parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{what}: enter a number of days from {min} to {max}."
        )),
    }
}

impl PrivacySettings {
    /// Validates every field, each problem against its field.
    pub fn parse(form: &PrivacySettingsForm) -> Result<PrivacySettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let given = form
            .given_recognitions
            .parse::<GivenRecognitions>()
            .map_err(|_| {
                errors.add(
                    "given_recognitions",
                    "Choose what happens to the recognitions a person gave.",
                )
            })
            .ok();
        let mut field = |name: &'static str, raw: &str, bounds, what| {
            days(raw, bounds, what)
                .map_err(|message| errors.add(name, message))
                .ok()
        };
        let sign_in = field(
            "sign_in_days",
            &form.sign_in_days,
            SIGN_IN_DAYS,
            "Sign-in history",
        );
        let notifications = field(
            "notifications_days",
            &form.notifications_days,
            NOTIFICATIONS_DAYS,
            "Notifications",
        );
        let mail = field(
            "sent_mail_days",
            &form.sent_mail_days,
            SENT_MAIL_DAYS,
            "Sent email",
        );
        let deactivated = field(
            "deactivated_days",
            &form.deactivated_days,
            DEACTIVATED_DAYS,
            "Deactivated accounts",
        );
        match (given, sign_in, notifications, mail, deactivated) {
            (Some(given), Some(sign_in), Some(notifications), Some(mail), Some(deactivated))
                if errors.is_empty() =>
            {
                Ok(PrivacySettings {
                    given_recognitions: given,
                    retention: Retention {
                        sign_in_days: sign_in,
                        notifications_days: notifications,
                        sent_mail_days: mail,
                        deactivated_days: deactivated,
                    },
                })
            }
            _ => Err(errors),
        }
    }
}

/// What the retention job deleted in one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionRun {
    pub sign_in_attempts: u64,
    pub notifications: u64,
    pub sent_mail: u64,
    pub erased_accounts: u64,
}

impl RetentionRun {
    /// In words, for the audit record.
    pub fn in_words(&self) -> String {
        use crate::domain::wording::count;
        format!(
            "deleted {}, {}, {}; erased {}",
            count(self.sign_in_attempts, "sign-in attempt", "sign-in attempts"),
            count(self.notifications, "notification", "notifications"),
            count(
                self.sent_mail,
                "sent or failed email",
                "sent or failed emails"
            ),
            count(
                self.erased_accounts,
                "deactivated account",
                "deactivated accounts"
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn confirmation_is_needed_after_ten_minutes_and_for_a_time_in_the_future() {
        let now = 1_000_000;
        assert!(!needs_confirmation(now, now));
        assert!(!needs_confirmation(now - 599, now));
        assert!(needs_confirmation(now - 600, now));
        assert!(needs_confirmation(0, now));
        assert!(needs_confirmation(now + 3600, now));
    }

    fn form(given: &str, a: &str, b: &str, c: &str, d: &str) -> PrivacySettingsForm {
        PrivacySettingsForm {
            given_recognitions: given.into(),
            sign_in_days: a.into(),
            notifications_days: b.into(),
            sent_mail_days: c.into(),
            deactivated_days: d.into(),
        }
    }

    #[test]
    fn the_defaults_read_back_from_their_own_form() {
        let settings = PrivacySettings {
            given_recognitions: GivenRecognitions::Keep,
            retention: Retention::default(),
        };
        let form = PrivacySettingsForm::from_settings(&settings);
        assert_eq!(PrivacySettings::parse(&form), Ok(settings));
    }

    #[test]
    fn each_field_out_of_bounds_is_named() {
        let errors = PrivacySettings::parse(&form("maybe", "6", "1826", "0", "29")).unwrap_err();
        for field in [
            "given_recognitions",
            "sign_in_days",
            "notifications_days",
            "sent_mail_days",
            "deactivated_days",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let ok = PrivacySettings::parse(&form("remove", "7", "1825", "365", "3650")).unwrap();
        assert_eq!(ok.given_recognitions, GivenRecognitions::Remove);
        assert_eq!(ok.retention.deactivated_days, 3650);
    }

    #[test]
    fn a_retention_run_reads_plainly() {
        let run = RetentionRun {
            sign_in_attempts: 1,
            notifications: 12,
            sent_mail: 0,
            erased_accounts: 2,
        };
        assert_eq!(
            run.in_words(),
            "deleted 1 sign-in attempt, 12 notifications, 0 sent or failed emails; erased 2 deactivated accounts"
        );
    }

    proptest! {
        #[test]
        fn any_accepted_setting_is_within_its_bounds(a in any::<i32>(), b in any::<i32>(), c in any::<i32>(), d in any::<i32>()) {
            let parsed = PrivacySettings::parse(&form("keep", &a.to_string(), &b.to_string(), &c.to_string(), &d.to_string()));
            let within = |n: i32, (min, max): (i32, i32)| (min..=max).contains(&n);
            let all_within = within(a, SIGN_IN_DAYS) && within(b, NOTIFICATIONS_DAYS)
                && within(c, SENT_MAIL_DAYS) && within(d, DEACTIVATED_DAYS);
            prop_assert_eq!(parsed.is_ok(), all_within);
        }
    }
}
