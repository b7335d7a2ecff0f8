//! Phases: saved, target and best, and rephasing.
//!
//! - Saved phase: the last value a variable had (phase saving, Pipatsrisawat
//!   and Darwiche); backtracking records it.
//! - Target phase: the assignment of the largest conflict-free trail prefix
//!   since the last restart (stable mode); steering decisions towards it makes
//!   stable mode behave like a local search around a promising assignment
//!   (Biere and Fleury, "Chasing target phases").
//! - Best phase: the largest conflict-free prefix since the last rephase.
//! - Rephasing periodically overwrites saved phases, cycling through
//!   original (the initial phase, user phases or priors), best, inverted,
//!   walk, best, inverted, walk, best, so the search escapes a region its
//!   saved phases lock it into; "walk" is a ProbSAT local search (`walk.rs`).

use super::solver::Solver;
use super::types::LBool;

impl Solver {
    /// Called at each conflict before analysis: the trail below the conflict
    /// level is a conflict-free partial assignment.
    pub(super) fn update_target_and_best(&mut self) {
        let consistent = match self.trail_lim.last() {
            Some(&l) => l,
            None => return,
        };
        let use_target = self.opts.target == 2 || (self.opts.target == 1 && self.stable);
        if use_target && consistent > self.target_assigned {
            for &l in &self.trail[..consistent] {
                self.target[l.var().index()] = LBool::from_bool(l.is_positive());
            }
            self.target_assigned = consistent;
        }
        if consistent > self.best_assigned {
            for &l in &self.trail[..consistent] {
                self.best[l.var().index()] = LBool::from_bool(l.is_positive());
            }
            self.best_assigned = consistent;
        }
    }

    pub(super) fn rephase_due(&self) -> bool {
        self.opts.rephase != 0 && self.stats.conflicts >= self.next_rephase
    }

    pub(super) fn rephase(&mut self) {
        // The cycle: original, walk, best, inverted, walk, best (Kissat's, with walks
        // only when enabled).
        const CYCLE: [u8; 6] = [b'O', b'W', b'B', b'I', b'W', b'B'];
        // At level 0, so that backtracking does not overwrite the new phases.
        self.backtrack(0);
        let mut kind = CYCLE[(self.rephase_count % 6) as usize];
        if kind == b'W' && self.opts.walk == 0 {
            kind = b'B';
        }
        self.rephase_count += 1;
        self.stats.rephases += 1;
        self.next_rephase = self.stats.conflicts + self.opts.rephaseint as u64 * (self.rephase_count + 1);
        match kind {
            b'O' => self.saved.copy_from_slice(&self.initial),
            b'W' => {
                self.walk_phases();
            }
            b'I' => {
                for (s, &i) in self.saved.iter_mut().zip(self.initial.iter()) {
                    *s = !i;
                }
            }
            _ => {
                for (s, &b) in self.saved.iter_mut().zip(self.best.iter()) {
                    if b != LBool::Undef {
                        *s = b == LBool::True;
                    }
                }
            }
        }
        for t in self.target.iter_mut() {
            *t = LBool::Undef;
        }
        self.target_assigned = 0;
        self.best_assigned = 0;
    }
}
