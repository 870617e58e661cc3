//! A per-member limit on replies others can see, so one member cannot flood a channel through
//! the bot; private replies and safety replies are never limited.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serenity::all::UserId;

use super::render::{self, Card};

/// Questions a member may ask in a row before the cooldown applies: people often ask a
/// follow-up at once, and that is not flooding.
const BURST: f64 = 3.0;

/// A per-member limit on replies others can see (channel replies, public slash replies):
/// a burst of [`BURST`], then one per period. Private replies (DMs, ephemeral) flood no one
/// and are not limited; safety replies are never held back.
pub(crate) struct Cooldown {
    period: Duration,
    /// Each member's remaining allowance and when it was last topped up.
    allowance: Mutex<HashMap<UserId, (f64, Instant)>>,
}

impl Cooldown {
    pub(crate) fn new(period: Duration) -> Cooldown {
        Cooldown {
            period,
            allowance: Mutex::new(HashMap::new()),
        }
    }

    /// Checks only replies that others will see.
    pub(crate) fn check_if(&self, public: bool, user: UserId) -> Result<(), Duration> {
        if public { self.check(user) } else { Ok(()) }
    }

    /// Ok when the member may ask now (and spends one question), else the time to wait.
    fn check(&self, user: UserId) -> Result<(), Duration> {
        if self.period.is_zero() {
            return Ok(());
        }
        let now = Instant::now();
        let period = self.period.as_secs_f64();
        let mut allowance = self
            .allowance
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if allowance.len() > 10_000 {
            allowance.retain(|_, (_, at)| now.duration_since(*at).as_secs_f64() < period * BURST);
        }
        let (left, at) = allowance.entry(user).or_insert((BURST, now));
        *left = (*left + now.duration_since(*at).as_secs_f64() / period).min(BURST);
        *at = now;
        if *left >= 1.0 {
            *left -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *left) * period))
        }
    }
}

pub(crate) fn note(wait: Duration) -> Card {
    let seconds = wait.as_secs().max(1);
    render::note(&format!(
        "Thanks for your patience: I can take your next question in {seconds} second{}.",
        if seconds == 1 { "" } else { "s" }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cooldown_allows_a_short_burst_then_holds_that_member_only() {
        let c = Cooldown::new(Duration::from_secs(60));
        for _ in 0..3 {
            assert!(c.check(UserId::new(1)).is_ok());
        }
        let wait = c.check(UserId::new(1)).unwrap_err();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(c.check(UserId::new(2)).is_ok());
        assert!(
            c.check_if(false, UserId::new(1)).is_ok(),
            "private replies are not limited"
        );
        let none = Cooldown::new(Duration::ZERO);
        assert!((0..10).all(|_| none.check(UserId::new(1)).is_ok()));
    }
}
