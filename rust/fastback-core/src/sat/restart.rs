//! Restarts.
//!
//! Focused mode restarts when the recent learned-clause glue (a fast EMA over
//! ~33 conflicts) exceeds the long-term glue (a slow EMA) by a margin: the
//! search has drifted into a region where it learns worse clauses (Audemard
//! and Simon's glucose policy, as CaDiCaL does it). Stable mode restarts on
//! the Luby sequence scaled by `reluctant` conflicts, computed by Knuth's
//! reluctant-doubling recurrence, so long runs towards a model are rarely cut.

use super::solver::Solver;

impl Solver {
    pub(super) fn restart_due(&self) -> bool {
        if self.decision_level() as usize <= self.assumptions.len() {
            return false;
        }
        if self.stable {
            self.opts.reluctant > 0 && self.reluctant_countdown == 0
        } else {
            self.stats.conflicts - self.conflicts_at_restart >= self.opts.restartint as u64
                && self.ema_fast.value * 100.0 > self.ema_slow.value * self.opts.restartmargin as f64
        }
    }

    pub(super) fn restart(&mut self) {
        self.stats.restarts += 1;
        self.conflicts_at_restart = self.stats.conflicts;
        self.backtrack(0);
        if self.stable {
            self.target_assigned = 0;
            self.next_reluctant();
        }
    }

    pub(super) fn start_reluctant(&mut self) {
        self.reluctant_u = 1;
        self.reluctant_v = 1;
        self.reluctant_countdown = self.opts.reluctant as u64;
    }

    /// Knuth's reluctant doubling: v runs through 1,1,2,1,1,2,4,1,... (Luby).
    fn next_reluctant(&mut self) {
        let (u, v) = (self.reluctant_u, self.reluctant_v);
        if u & u.wrapping_neg() == v {
            self.reluctant_u = u + 1;
            self.reluctant_v = 1;
        } else {
            self.reluctant_v = v * 2;
        }
        let period = (self.reluctant_v * self.opts.reluctant as u64).min(self.opts.reluctantmax as u64);
        self.reluctant_countdown = period;
    }
}
