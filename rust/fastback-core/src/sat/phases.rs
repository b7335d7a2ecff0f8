//! Phases: initial, saved, target and best, phase priors, and rephasing.
//!
//! - Initial phase: where each variable starts and where "original"
//!   rephasing returns. It is the option `phase`, unless `set_phases` or a
//!   phase prior chose one for the variable.
//! - Phase priors ([`Solver::set_phase_priors`]): a model's guess of
//!   P(variable true), e.g. from a neural network. A confident guess (at least
//!   `threshold`, or at most `1 - threshold`) becomes the variable's initial
//!   and saved phase, so search starts in the predicted assignment and
//!   "original" rephasing comes back to it after the search wandered off;
//!   unsure guesses change nothing. Priors are remembered per variable so that
//!   they also apply to variables created later and survive `phase` changes.
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
//!
//! Target and best phases start unset for every variable, priors or not:
//! they record what the search has seen, and a prior is not that.
//!
//! Invariant: for every variable `v < num_vars` whose `phase_prior` is set,
//! `initial[v]` equals it (both `set_phase_priors` and `reserve_vars` write
//! the two together; `set_phases` clears the prior when it overrides it).

use super::solver::Solver;
use super::types::{LBool, Var};
use std::fmt;

/// Why [`Solver::set_phase_priors`] rejected its input; nothing was changed.
/// Variables are named by their DIMACS number (`Var(0)` is variable 1).
#[derive(Clone, Debug, PartialEq)]
pub enum PriorError {
    /// The threshold is not in (0.5, 1].
    Threshold(f32),
    /// A probability outside [0, 1] (NaN is allowed: it means no prior).
    Probability { var: Var, value: f32 },
    /// A variable beyond [`Var::MAX_INDEX`].
    Variable(Var),
}

impl fmt::Display for PriorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PriorError::Threshold(t) => write!(f, "prior threshold must be in (0.5, 1], got {t}"),
            PriorError::Probability { var, value } => write!(
                f,
                "phase prior of variable {} is {value}: probabilities must be in [0, 1] (NaN for no prior)",
                var.0 as u64 + 1
            ),
            PriorError::Variable(v) => write!(
                f,
                "phase prior for variable {}, beyond the largest variable {}",
                v.0 as u64 + 1,
                Var::MAX_INDEX as u64 + 1
            ),
        }
    }
}

impl std::error::Error for PriorError {}

impl Solver {
    /// Sets phase priors: `(variable, P(variable is true))` pairs, e.g. a
    /// neural network's predictions. A variable with `p >= threshold` gets
    /// initial phase true, one with `p <= 1 - threshold` false (compared in
    /// `f32`); NaN and anything in between leave the variable as it was. A
    /// phase set here is the variable's initial phase (where "original"
    /// rephasing returns) and its saved phase (where the next search starts),
    /// and clears its target phase.
    ///
    /// Returns how many variables got a phase. Variables need not exist yet:
    /// a prior for a variable created later applies when it is created (and
    /// creates nothing now). Later calls win per variable, among themselves
    /// and with [`Solver::set_phases`]; the option `phase` only applies to
    /// variables without a prior. Eliminated variables take the prior too,
    /// which matters only if they come back.
    ///
    /// Errors ([`PriorError`], nothing changed): `threshold` outside (0.5, 1],
    /// a probability outside [0, 1], a variable beyond [`Var::MAX_INDEX`].
    /// Cost: O(len(priors)), plus O(largest variable) memory for the priors.
    pub fn set_phase_priors(&mut self, priors: &[(Var, f32)], threshold: f32) -> Result<usize, PriorError> {
        if !(threshold > 0.5 && threshold <= 1.0) {
            return Err(PriorError::Threshold(threshold));
        }
        for &(var, p) in priors {
            if var.0 > Var::MAX_INDEX {
                return Err(PriorError::Variable(var));
            }
            if !p.is_nan() && !(0.0..=1.0).contains(&p) {
                return Err(PriorError::Probability { var, value: p });
            }
        }
        let low = 1.0 - threshold;
        let num_vars = self.num_vars() as usize;
        let mut set = 0;
        for &(var, p) in priors {
            let phase = if p >= threshold {
                true
            } else if p <= low {
                false
            } else {
                continue; // unsure, or NaN
            };
            let v = var.index();
            if self.phase_prior.len() <= v {
                self.phase_prior.resize(v + 1, LBool::Undef);
            }
            self.phase_prior[v] = LBool::from_bool(phase);
            if v < num_vars {
                self.initial[v] = phase;
                self.saved[v] = phase;
                self.target[v] = LBool::Undef;
            }
            set += 1;
        }
        Ok(set)
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sat::types::Lit;

    fn prior_phases(s: &Solver, n: usize) -> Vec<bool> {
        s.initial[..n].to_vec()
    }

    #[test]
    fn priors_set_initial_and_saved_phases_by_threshold() {
        let mut s = Solver::new(); // option phase = 1
        s.reserve_vars(5);
        let priors = [(Var(0), 0.95), (Var(1), 0.05), (Var(2), 0.5), (Var(3), f32::NAN), (Var(4), 0.9)];
        assert_eq!(s.set_phase_priors(&priors, 0.9), Ok(3));
        assert_eq!(prior_phases(&s, 5), [true, false, true, true, true]);
        assert_eq!(s.saved[..5], [true, false, true, true, true]);
    }

    #[test]
    fn original_rephase_returns_to_priors_and_inverted_to_their_negation() {
        let mut s = Solver::new();
        s.reserve_vars(4);
        s.set_phase_priors(&[(Var(0), 0.0), (Var(2), 1.0), (Var(3), 0.02)], 0.95).unwrap();
        let expected = [false, true, true, false];
        // The rephase cycle starts with 'O'; the search overwrote the saved phases.
        for (v, p) in s.saved.iter_mut().enumerate() {
            *p = v % 2 == 0;
        }
        s.rephase_count = 0;
        s.rephase();
        assert_eq!(s.saved[..4], expected);
        // 'I' (fourth in the cycle: O, W, B, I) inverts the initial phases.
        s.rephase_count = 3;
        s.rephase();
        assert_eq!(s.saved[..4], expected.map(|b| !b));
    }

    #[test]
    fn priors_for_variables_created_later_apply_when_they_appear() {
        let mut s = Solver::new();
        s.reserve_vars(2);
        s.set_phase_priors(&[(Var(1), 0.0), (Var(6), 0.0), (Var(7), 1.0)], 0.9).unwrap();
        assert_eq!(s.num_vars(), 2, "priors create no variables");
        s.add_clause(&[Var(9).pos()]);
        assert_eq!(prior_phases(&s, 10), [true, false, true, true, true, true, false, true, true, true]);
        assert!(!s.saved[6]);
    }

    #[test]
    fn later_calls_win_and_the_phase_option_skips_priors() {
        let mut s = Solver::new();
        s.reserve_vars(3);
        s.set_phase_priors(&[(Var(0), 0.0), (Var(1), 0.0)], 0.9).unwrap();
        s.set_phases(&[Lit::new(Var(1), true)]);
        assert_eq!(prior_phases(&s, 3), [false, true, true]);
        s.set_option("phase", 0).unwrap();
        // Var 0 keeps its prior; var 1's prior was dropped by set_phases.
        assert_eq!(prior_phases(&s, 3), [false, false, false]);
        s.set_option("phase", 1).unwrap();
        assert_eq!(prior_phases(&s, 3), [false, true, true]);
        s.set_phase_priors(&[(Var(0), 0.97)], 0.9).unwrap();
        assert_eq!(prior_phases(&s, 3), [true, true, true]);
    }

    #[test]
    fn invalid_priors_change_nothing() {
        let mut s = Solver::new();
        s.reserve_vars(2);
        for t in [0.5, 0.2, 1.01, f32::NAN] {
            assert!(matches!(s.set_phase_priors(&[(Var(0), 0.0)], t), Err(PriorError::Threshold(_))), "{t}");
        }
        let err = s.set_phase_priors(&[(Var(0), 0.0), (Var(1), 1.5)], 0.9).unwrap_err();
        assert_eq!(err, PriorError::Probability { var: Var(1), value: 1.5 });
        assert!(err.to_string().contains("variable 2"), "{err}");
        assert_eq!(prior_phases(&s, 2), [true, true], "the valid first prior was not applied");
        assert!(matches!(s.set_phase_priors(&[(Var(Var::MAX_INDEX + 1), 1.0)], 0.9), Err(PriorError::Variable(_))));
        assert!(s.set_phase_priors(&[(Var(0), -0.1)], 0.9).is_err());
    }
}
