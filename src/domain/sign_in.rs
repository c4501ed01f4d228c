//! Sign-in throttling rules. The counting happens in PostgreSQL so the limits hold across
//! several replicas; this module decides what the counts mean.

use chrono::{DateTime, Duration, Utc};

/// Failures for one account within [`WINDOW`] after which further tries are refused.
pub const ACCOUNT_FAILURE_LIMIT: i64 = 5;
/// Failures from one client address within [`WINDOW`] after which further tries are refused.
pub const ADDRESS_FAILURE_LIMIT: i64 = 30;
/// The sliding window failures are counted in. Refusals end by themselves: there is no
/// permanent lockout an attacker could trigger.
pub const WINDOW: Duration = Duration::minutes(15);

/// How long a password reset link works.
pub const RESET_LINK_MINUTES: i64 = 60;
/// "Forgot your password?" requests that may go ahead within [`RESET_WINDOW`]: for one email
/// from one address, for one email from anywhere, and from one address. Only requests that
/// went ahead count, and the tightest limit is per email *and* address, so someone asking
/// again and again for a colleague's address can't keep that colleague from resetting theirs.
pub const RESET_PAIR_LIMIT: i64 = 3;
pub const RESET_EMAIL_LIMIT: i64 = 10;
pub const RESET_ADDRESS_LIMIT: i64 = 20;
pub const RESET_WINDOW: Duration = Duration::hours(1);

/// Whether one more password reset request may go ahead, given those that did in the window.
/// Refusals say the same whether or not the account exists.
pub fn decide_reset(pair: i64, for_email: i64, from_address: i64) -> Throttle {
    if pair >= RESET_PAIR_LIMIT
        || for_email >= RESET_EMAIL_LIMIT
        || from_address >= RESET_ADDRESS_LIMIT
    {
        Throttle::Wait {
            minutes: RESET_WINDOW.num_minutes(),
        }
    } else {
        Throttle::Allow
    }
}

/// Recent failed attempts relevant to one sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentFailures {
    /// Failures for this account in the window (since its last successful sign-in).
    pub account: i64,
    /// The oldest of those, which decides when the account may try again.
    pub account_oldest: Option<DateTime<Utc>>,
    /// Failures from this client address in the window.
    pub address: i64,
    pub address_oldest: Option<DateTime<Utc>>,
    /// Whether this address signed in to this account successfully before (a known device is
    /// not locked out of its own account by somebody else's guessing).
    pub known_device: bool,
}

/// What to do with a sign-in attempt before checking the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    Allow,
    /// Refuse; try again after this many minutes (at least 1).
    Wait {
        minutes: i64,
    },
}

pub fn decide(failures: RecentFailures, now: DateTime<Utc>) -> Throttle {
    let wait_for = |oldest: Option<DateTime<Utc>>| {
        let until = oldest.unwrap_or(now) + WINDOW;
        let seconds = (until - now).num_seconds().max(1);
        Throttle::Wait {
            minutes: (seconds + 59) / 60,
        }
    };
    if failures.address >= ADDRESS_FAILURE_LIMIT {
        return wait_for(failures.address_oldest);
    }
    if failures.account >= ACCOUNT_FAILURE_LIMIT && !failures.known_device {
        return wait_for(failures.account_oldest);
    }
    Throttle::Allow
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_reset_requests_are_limited_per_pair_email_and_address() {
        assert_eq!(decide_reset(0, 0, 0), Throttle::Allow);
        assert_eq!(decide_reset(RESET_PAIR_LIMIT - 1, 5, 5), Throttle::Allow);
        assert!(matches!(
            decide_reset(RESET_PAIR_LIMIT, 3, 3),
            Throttle::Wait { .. }
        ));
        assert!(matches!(
            decide_reset(0, RESET_EMAIL_LIMIT, 0),
            Throttle::Wait { .. }
        ));
        assert!(matches!(
            decide_reset(0, 0, RESET_ADDRESS_LIMIT),
            Throttle::Wait { .. }
        ));
    }

    fn failures(account: i64, address: i64, known_device: bool) -> RecentFailures {
        let now = Utc::now();
        RecentFailures {
            account,
            account_oldest: Some(now - Duration::minutes(5)),
            address,
            address_oldest: Some(now - Duration::minutes(14)),
            known_device,
        }
    }

    #[test]
    fn four_failures_still_allow_a_fifth_try_but_five_do_not() {
        let now = Utc::now();
        assert_eq!(decide(failures(4, 4, false), now), Throttle::Allow);
        assert_eq!(
            decide(failures(5, 5, false), now),
            Throttle::Wait { minutes: 10 }
        );
    }

    #[test]
    fn a_known_device_is_not_locked_out_by_account_failures() {
        assert_eq!(decide(failures(9, 9, true), Utc::now()), Throttle::Allow);
    }

    #[test]
    fn too_many_failures_from_one_address_are_refused_for_every_account() {
        assert_eq!(
            decide(failures(0, ADDRESS_FAILURE_LIMIT, true), Utc::now()),
            Throttle::Wait { minutes: 1 }
        );
    }
}
