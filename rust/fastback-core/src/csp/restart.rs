//! Restart schedules, in failures.
//!
//! With dom/wdeg the weights learned before a restart steer the next run
//! towards the hard part of the problem, and the nogoods recorded at each
//! restart keep it from revisiting refuted subtrees, so restarting is cheap
//! insurance against an early bad choice (heavy-tailed run times). Luby's
//! sequence (1 1 2 1 1 2 4 ...) times a base is within a log factor of the
//! optimal schedule for an unknown run-time distribution; the geometric one
//! (base, base·g, base·g², ...) is the other common choice.

use super::options::{Options, RESTART_GEOMETRIC, RESTART_LUBY};

/// The `i`-th term (from 1) of Luby's sequence.
pub fn luby(mut i: u64) -> u64 {
    debug_assert!(i >= 1);
    loop {
        let mut k = 1u32;
        while (1u64 << k) - 1 < i {
            k += 1;
        }
        if i == (1u64 << k) - 1 {
            return 1u64 << (k - 1);
        }
        i -= (1u64 << (k - 1)) - 1;
    }
}

/// When the next restart is due.
#[derive(Clone, Debug)]
pub struct RestartSchedule {
    kind: i64,
    base: u64,
    growth: f64,
    count: u64,
    geometric: f64,
    /// Failures allowed before the next restart (`u64::MAX`: never).
    pub limit: u64,
}

impl RestartSchedule {
    pub fn new(o: &Options) -> RestartSchedule {
        let mut r = RestartSchedule {
            kind: o.restarts,
            base: o.restart_base as u64,
            growth: o.restart_growth as f64 / 100.0,
            count: 0,
            geometric: o.restart_base as f64,
            limit: u64::MAX,
        };
        r.advance();
        r
    }

    /// Moves to the next restart's limit.
    pub fn advance(&mut self) {
        self.count += 1;
        self.limit = match self.kind {
            RESTART_LUBY => self.base.saturating_mul(luby(self.count)),
            RESTART_GEOMETRIC => {
                let l = self.geometric;
                self.geometric *= self.growth;
                l.min(u64::MAX as f64 / 2.0) as u64
            }
            _ => u64::MAX,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luby_sequence() {
        let got: Vec<u64> = (1..=15).map(luby).collect();
        assert_eq!(got, vec![1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8]);
    }

    #[test]
    fn geometric_schedule() {
        let o = Options { restarts: RESTART_GEOMETRIC, restart_base: 100, restart_growth: 150, ..Options::default() };
        let mut r = RestartSchedule::new(&o);
        assert_eq!(r.limit, 100);
        r.advance();
        assert_eq!(r.limit, 150);
        r.advance();
        assert_eq!(r.limit, 225);
    }
}
