//! Vivification of learned clauses (Piette, Hamadi and Saïs; as in CaDiCaL
//! and Kissat, which credit it with much of their strength on structured
//! instances).
//!
//! For a learned clause C, the literals are falsified one at a time by
//! decisions, with propagation after each. If propagation makes a later
//! literal of C true, or runs into a conflict, the literals falsified so far
//! (plus the true one) already form a clause implied by the formula, so C is
//! replaced by that shorter clause; literals that propagation made false are
//! dropped. The shortened clause is RUP by construction and is logged before
//! the old one's deletion.
//!
//! Runs at level 0 after the rest of inprocessing, on the tier-2 clauses with
//! the lowest glue first, with a propagation budget relative to the search's.

use super::super::clause::ClauseRef;
use super::super::solver::{Reason, Solver};
use super::super::types::{LBool, Lit};

impl Solver {
    /// One vivification round. Returns `false` if the formula became unsatisfiable.
    pub(super) fn vivify_round(&mut self) -> bool {
        debug_assert_eq!(self.decision_level(), 0);
        let since = self.stats.propagations - self.vivify_props_mark;
        let budget = (since / 10).clamp(100_000, 20_000_000);
        let start = self.stats.propagations;
        let tier2 = self.opts.tier2 as u32;
        let mut candidates: Vec<ClauseRef> = self
            .learned_refs
            .iter()
            .copied()
            .filter(|&c| !self.db.garbage(c) && self.db.len(c) > 2 && self.db.glue(c) <= tier2)
            .collect();
        candidates.sort_unstable_by_key(|&c| (self.db.glue(c), self.db.len(c)));
        let mut kept: Vec<Lit> = Vec::new();
        let mut lits: Vec<Lit> = Vec::new();
        for c in candidates {
            if self.stats.propagations - start > budget || self.should_stop() {
                break;
            }
            if self.db.garbage(c) {
                continue;
            }
            lits.clear();
            lits.extend_from_slice(self.db.lits(c));
            kept.clear();
            let mut satisfied_at_root = false;
            let mut shortened = false;
            for &l in &lits {
                match self.value(l) {
                    LBool::True => {
                        if self.level[l.var().index()] == 0 {
                            satisfied_at_root = true;
                        } else {
                            kept.push(l);
                            shortened = true;
                        }
                        break;
                    }
                    LBool::False => continue,
                    LBool::Undef => {
                        kept.push(l);
                        self.new_decision_level();
                        self.assign(!l, Reason::None);
                        if self.propagate().is_some() {
                            shortened = true;
                            break;
                        }
                    }
                }
            }
            self.backtrack(0);
            if satisfied_at_root {
                self.proof_delete_clause(c);
                self.db.mark_garbage(c);
                continue;
            }
            if !shortened || kept.len() >= lits.len() {
                continue;
            }
            self.stats.vivified += 1;
            self.proof_add(&kept);
            self.proof_delete_clause(c);
            let glue = self.db.glue(c).min(kept.len() as u32);
            self.db.mark_garbage(c);
            match kept.len() {
                0 => {
                    self.unsat = true;
                    return false;
                }
                1 => {
                    if self.value(kept[0]) == LBool::False {
                        self.proof_add(&[]);
                        self.unsat = true;
                        return false;
                    }
                    if self.value(kept[0]) == LBool::Undef {
                        self.assign(kept[0], Reason::None);
                    }
                    if self.propagate().is_some() {
                        self.proof_add(&[]);
                        self.unsat = true;
                        return false;
                    }
                }
                _ => {
                    let n = self.db.alloc(&kept, true, glue);
                    self.db.set_used(n, 2);
                    self.attach(n);
                    self.learned_refs.push(n);
                }
            }
        }
        self.vivify_props_mark = self.stats.propagations;
        self.clean_level0_and_collect();
        true
    }
}
