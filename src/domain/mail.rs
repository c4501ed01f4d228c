//! Email rules: the kinds of message Attune sends, which of them a person may turn off, why
//! each reached them, and how long to wait before trying a failed delivery again.

use chrono::Duration;

/// A kind of message. Stored as text in the outbox and in opt-outs.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum MailKind {
    Invitation,
    PasswordReset,
    EmailChanged,
    RsvpConfirmed,
    WaitlistPromoted,
    EventChanged,
    EventCancelled,
    EventReminder,
    PitchDecided,
    LineupPublished,
    Recognised,
    NominationDeclined,
    SpotlightNominator,
    WeeklyDigest,
    PracticeNudge,
    PairMatched,
    PairReminder,
    CircleFormed,
    CircleMemberLeft,
    PulseRound,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Security mail (password resets) and invitations always go out; the rest a person can
    /// turn off under Account or with the link in each message.
    pub fn can_opt_out(self) -> bool {
        !matches!(
            self,
            MailKind::Invitation | MailKind::PasswordReset | MailKind::EmailChanged
        )
    }

    /// Whether a person gets this kind before choosing: everything but the weekly digest,
    /// which people ask for.
    pub fn on_by_default(self) -> bool {
        self != MailKind::WeeklyDigest
    }

    /// The preference a person sees for this kind, under Account.
    pub fn preference_label(self) -> &'static str {
        match self {
            MailKind::Invitation => "Invitations to join Attune",
            MailKind::PasswordReset => "Password reset links",
            MailKind::EmailChanged => "A change of my email address",
            MailKind::RsvpConfirmed => "Story nights: my RSVPs confirmed",
            MailKind::WaitlistPromoted => "Story nights: a seat opened up for me",
            MailKind::EventChanged => "Story nights: an event I'm going to changed",
            MailKind::EventCancelled => "Story nights: an event I'm going to was cancelled",
            MailKind::EventReminder => "Story nights: a reminder the day before",
            MailKind::PitchDecided => "Story nights: a decision on my story pitch",
            MailKind::LineupPublished => "Story nights: the lineup I'm in was published",
            MailKind::Recognised => "Recognition: a colleague recognised me",
            MailKind::NominationDeclined => "Recognition: a nomination of mine was declined",
            MailKind::SpotlightNominator => "Recognition: I'm a spotlight nominator this week",
            MailKind::WeeklyDigest => "A weekly digest of the wall and upcoming story nights",
            MailKind::PracticeNudge => {
                "Kindness challenges: a note at the start and middle of months I take part in"
            }
            MailKind::PairMatched => "Conversations: who I'm paired with",
            MailKind::PairReminder => "Conversations: a reminder if nothing is marked",
            MailKind::CircleFormed => "Learning circles: my circle was formed",
            MailKind::CircleMemberLeft => "Learning circles: someone left my circle",
            MailKind::PulseRound => "Pulse checks: a new round is open for my answers",
        }
    }

    /// The footer's sentence: why the person got this message.
    pub fn reason(self) -> &'static str {
        match self {
            MailKind::Invitation => "You're getting this because an HR admin added you to Attune.",
            MailKind::PasswordReset => {
                "You're getting this because someone asked to reset the password of your Attune \
                 account. If it wasn't you, ignore this email: your password stays as it is."
            }
            MailKind::EmailChanged => {
                "You're getting this because the email address of your Attune account was changed."
            }
            MailKind::RsvpConfirmed
            | MailKind::WaitlistPromoted
            | MailKind::EventChanged
            | MailKind::EventCancelled
            | MailKind::EventReminder => {
                "You're getting this because you RSVPed to this story night in Attune."
            }
            MailKind::PitchDecided | MailKind::LineupPublished => {
                "You're getting this because you pitched a story for this story night in Attune."
            }
            MailKind::Recognised => {
                "You're getting this because a colleague recognised you in Attune."
            }
            MailKind::NominationDeclined => {
                "You're getting this because you recognised a colleague in Attune."
            }
            MailKind::SpotlightNominator => {
                "You're getting this because Attune invites a few people each week to recognise colleagues."
            }
            MailKind::WeeklyDigest => {
                "You're getting this because you asked for Attune's weekly digest."
            }
            MailKind::PracticeNudge => {
                "You're getting this because you accepted a monthly kindness challenge in Attune."
            }
            MailKind::PairMatched | MailKind::PairReminder => {
                "You're getting this because you take part in conversation pairs in Attune."
            }
            MailKind::CircleFormed | MailKind::CircleMemberLeft => {
                "You're getting this because you signed up for a peer learning circle in Attune."
            }
            MailKind::PulseRound => {
                "You're getting this because your HR team asks your part of the company a few anonymous questions in Attune."
            }
        }
    }

    /// Kinds a person may turn off, in the order Account lists them.
    pub fn optional() -> impl Iterator<Item = MailKind> {
        <MailKind as strum::IntoEnumIterator>::iter().filter(|kind| kind.can_opt_out())
    }
}

impl MailKind {
    /// How long a message of this kind is worth sending: a password reset link works for an
    /// hour and an invitation for a week, and a reminder or digest that waited (for SMTP to be
    /// configured, or a server to come back) is news no more.
    pub fn expires_after(self) -> Option<Duration> {
        match self {
            MailKind::PasswordReset => Some(Duration::hours(1)),
            MailKind::EventReminder => Some(Duration::hours(24)),
            MailKind::WeeklyDigest
            | MailKind::SpotlightNominator
            | MailKind::Invitation
            | MailKind::PracticeNudge
            | MailKind::PairMatched
            | MailKind::PairReminder
            | MailKind::PulseRound => Some(Duration::days(7)),
            _ => None,
        }
    }
}

/// Deliveries tried before a message is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;

/// How long to wait after the `attempts`-th failed delivery: 1, 2, 4 ... 64 minutes, or `None`
/// when the message has had all its tries and is marked failed.
pub fn retry_after(attempts: i32) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(attempts.clamp(1, 7) - 1).unwrap_or(0);
    Some(Duration::minutes(1 << exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_then_stop() {
        assert_eq!(retry_after(1), Some(Duration::minutes(1)));
        assert_eq!(retry_after(2), Some(Duration::minutes(2)));
        assert_eq!(retry_after(7), Some(Duration::minutes(64)));
        assert_eq!(retry_after(MAX_ATTEMPTS), None);
    }

    #[test]
    fn security_mail_cannot_be_turned_off_and_kinds_round_trip() {
        assert!(!MailKind::PasswordReset.can_opt_out());
        assert!(MailKind::Recognised.can_opt_out());
        assert!(!MailKind::optional().any(|kind| kind == MailKind::Invitation));
        for kind in <MailKind as strum::IntoEnumIterator>::iter() {
            assert_eq!(kind.as_str().parse::<MailKind>().unwrap(), kind);
        }
        assert!("no_such_kind".parse::<MailKind>().is_err());
    }
}
