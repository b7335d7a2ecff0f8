//! Decisions and the two search modes.
//!
//! Focused mode picks the most recently bumped unassigned variable from the
//! VMTF queue and restarts often (glucose-style EMA restarts); stable mode
//! picks the highest-activity variable from the EVSIDS heap and restarts
//! rarely (reluctant doubling), steering towards target phases. Focused mode
//! is good at refutations, stable mode at finding models; alternating with
//! geometrically growing phases (CaDiCaL's `stabilize`) gets both.
//!
//! Eliminated variables are never decided: they count as assigned for the
//! VMTF cursor and are dropped from the heap when met.

use super::solver::Solver;
use super::types::{LBool, Lit, Var};

impl Solver {
    /// The next decision literal, or `None` when every active variable is assigned.
    pub(super) fn decide(&mut self) -> Option<Lit> {
        let v = if self.stable {
            loop {
                let v = self.heap.peek()?;
                if self.vals[v.pos().index()] == LBool::Undef && !self.eliminated[v.index()] {
                    break v;
                }
                self.heap.pop();
            }
        } else {
            let vals = &self.vals;
            let elim = &self.eliminated;
            self.vmtf
                .next_unassigned(|x| vals[(x as usize) << 1] != LBool::Undef || elim[x as usize])?
        };
        Some(v.lit(self.decision_phase(v)))
    }

    fn decision_phase(&self, v: Var) -> bool {
        let use_target = self.opts.target == 2 || (self.opts.target == 1 && self.stable);
        if use_target {
            match self.target[v.index()] {
                LBool::True => return true,
                LBool::False => return false,
                LBool::Undef => {}
            }
        }
        self.saved[v.index()]
    }

    pub(super) fn init_schedules(&mut self) {
        self.mode_phase_len = self.opts.modeinit as u64;
        self.next_mode_switch = self.mode_phase_len;
        self.next_reduce = self.opts.reduceint as u64;
        self.next_rephase = self.opts.rephaseint as u64;
        self.next_simplify = self.opts.eliminit as u64;
    }

    pub(super) fn mode_switch_due(&self) -> bool {
        self.opts.stable != 0 && self.stats.conflicts >= self.next_mode_switch
    }

    /// Switches between focused and stable mode; stable phases and the
    /// following focused phases grow geometrically.
    pub(super) fn switch_mode(&mut self) {
        self.stable = !self.stable;
        self.stats.mode_switches += 1;
        if !self.stable {
            self.mode_phase_len = self.mode_phase_len.saturating_mul(2);
        }
        self.next_mode_switch = self.stats.conflicts + self.mode_phase_len;
        self.target_assigned = 0;
        self.start_reluctant();
        self.restart();
    }
}
