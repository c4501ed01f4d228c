//! Sign-in throttling rules. The counting happens in PostgreSQL so the limits hold across
//! several replicas; this module decides what the counts mean. Following OWASP's guidance,
//! nothing is locked: failed tries are slowed down with growing delays, a device that signed
//! in to the account before keeps working for its owner, and a password reset by email always
//! works (and clears the account's failures).

use chrono::{DateTime, Duration, Utc};

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

/// Failures for one account (or from one known device) after which tries are slowed down.
pub const ACCOUNT_FAILURE_LIMIT: i64 = 5;
/// Failures from one client address (for any accounts) after which tries from it are slowed
/// down. It is higher because many people can share an address (an office, a proxy).
pub const ADDRESS_FAILURE_LIMIT: i64 = 30;
/// The window failures are counted in (and, for an account, only since its last successful
/// sign-in or password reset).
pub const WINDOW: Duration = Duration::hours(1);
/// The longest wait between two tries.
pub const MAX_DELAY: Duration = Duration::minutes(15);

/// How long to wait after the latest of `failures` failures, with `limit` free tries: nothing
/// below the limit, then one minute, doubling with each further failure, at most
/// [`MAX_DELAY`]. Following OWASP, guessing is slowed down rather than the account locked.
pub fn delay(failures: i64, limit: i64) -> Duration {
    if failures < limit {
        return Duration::zero();
    }
    let doublings = (failures - limit).min(10) as u32;
    (Duration::minutes(1) * 2_i32.pow(doublings)).min(MAX_DELAY)
}

/// Failed attempts of one kind in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: i64,
    pub latest: Option<DateTime<Utc>>,
}

impl Failures {
    /// When the next try may be made, if it must wait at all.
    fn next_try(self, limit: i64) -> Option<DateTime<Utc>> {
        let delay = delay(self.count, limit);
        self.latest
            .filter(|_| delay > Duration::zero())
            .map(|latest| latest + delay)
    }
}

/// Recent failed attempts relevant to one sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecentFailures {
    /// For this account, since its last successful sign-in or password reset.
    pub account: Failures,
    /// From this client address, for any account.
    pub address: Failures,
    /// `Some` when the browser carries a device cookie that signed in to this account before:
    /// that device's own failures since the account's last success.
    pub known_device: Option<Failures>,
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

/// Whether a sign-in attempt may go ahead now. A known device is judged only by its own
/// failures, so nobody else's guessing (at the account, or from a shared address) keeps its
/// owner out; anyone else waits for the slower of the account's and the address's delays.
pub fn decide(failures: RecentFailures, now: DateTime<Utc>) -> Throttle {
    let next_try = match failures.known_device {
        Some(device) => device.next_try(ACCOUNT_FAILURE_LIMIT),
        None => failures
            .account
            .next_try(ACCOUNT_FAILURE_LIMIT)
            .max(failures.address.next_try(ADDRESS_FAILURE_LIMIT)),
    };
    match next_try {
        Some(at) if at > now => {
            let seconds = (at - now).num_seconds().max(1);
            Throttle::Wait {
                minutes: (seconds + 59) / 60,
            }
        }
        _ => Throttle::Allow,
    }
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

    fn failed(count: i64, minutes_ago: i64) -> Failures {
        Failures {
            count,
            latest: Some(Utc::now() - Duration::minutes(minutes_ago)),
        }
    }

    #[test]
    fn delays_start_at_the_limit_and_double_up_to_fifteen_minutes() {
        let limit = ACCOUNT_FAILURE_LIMIT;
        assert_eq!(delay(limit - 1, limit), Duration::zero());
        assert_eq!(delay(limit, limit), Duration::minutes(1));
        assert_eq!(delay(limit + 1, limit), Duration::minutes(2));
        assert_eq!(delay(limit + 3, limit), Duration::minutes(8));
        assert_eq!(delay(limit + 4, limit), MAX_DELAY);
        assert_eq!(delay(limit + 400, limit), MAX_DELAY);
    }

    #[test]
    fn four_failures_still_allow_a_fifth_try_and_five_make_the_next_wait_a_minute() {
        let now = Utc::now();
        let account = |count| RecentFailures {
            account: failed(count, 0),
            ..Default::default()
        };
        assert_eq!(decide(account(4), now), Throttle::Allow);
        assert_eq!(decide(account(5), now), Throttle::Wait { minutes: 1 });
        assert_eq!(decide(account(7), now), Throttle::Wait { minutes: 4 });
        // Once the delay has passed, one more try may be made.
        let later = RecentFailures {
            account: failed(7, 5),
            ..Default::default()
        };
        assert_eq!(decide(later, now), Throttle::Allow);
    }

    #[test]
    fn a_known_device_is_judged_by_its_own_failures_only() {
        let now = Utc::now();
        let attacked = RecentFailures {
            account: failed(40, 0),
            address: failed(ADDRESS_FAILURE_LIMIT + 9, 0),
            known_device: Some(Failures::default()),
        };
        assert_eq!(decide(attacked, now), Throttle::Allow);
        let guessing_device = RecentFailures {
            known_device: Some(failed(ACCOUNT_FAILURE_LIMIT, 0)),
            ..attacked
        };
        assert_eq!(decide(guessing_device, now), Throttle::Wait { minutes: 1 });
    }

    #[test]
    fn many_failures_from_one_address_slow_down_unknown_devices_there() {
        let now = Utc::now();
        let busy = RecentFailures {
            address: failed(ADDRESS_FAILURE_LIMIT, 0),
            ..Default::default()
        };
        assert_eq!(decide(busy, now), Throttle::Wait { minutes: 1 });
        let below = RecentFailures {
            address: failed(ADDRESS_FAILURE_LIMIT - 1, 0),
            ..Default::default()
        };
        assert_eq!(decide(below, now), Throttle::Allow);
    }
}
