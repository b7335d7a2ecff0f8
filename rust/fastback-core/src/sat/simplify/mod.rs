//! Inprocessing at decision level 0: subsumption, self-subsuming
//! strengthening, bounded variable elimination (BVE), failed-literal probing
//! (`probe.rs`, off by default: the measurements there are mixed) and
//! vivification of learned clauses (`vivify.rs`).
//!
//! After `eliminit` conflicts (default 0: before the first decision) and then
//! every `elimint * k` conflicts, the
//! solver backs off to level 0 and simplifies the irredundant clauses:
//!
//! - **Subsumption.** A clause C subsumes D when C ⊆ D; D is deleted. When
//!   C \ {l} ∪ {¬l} ⊆ D, the literal ¬l is removed from D (self-subsuming
//!   resolution). Each clause is checked against the occurrence list of its
//!   rarest literal, with literal marks, as in SatELite. Only clauses added
//!   or changed since the previous round are tried as subsumers: the others
//!   were tried already, and retrying them made every round cost as much as
//!   the first (17% of the run time on 38bits_10).
//! - **Elimination.** A variable x is eliminated by replacing the clauses
//!   containing x and ¬x with all their non-tautological resolvents, when
//!   that adds at most `bound` clauses (Eén and Biere, SatELite). The bound
//!   starts at 0 and doubles each round up to `elimbound`, as in Kissat.
//!   Removed clauses go to the extension stack with x (or ¬x) as witness so
//!   the model can be repaired afterwards ([`Solver::extend_model`]).
//!
//! Incremental use: variables of the current assumptions are frozen (never
//! eliminated). A variable eliminated earlier and mentioned again by a new
//! clause or assumption is restored: its removed clauses are added back,
//! recursively restoring any eliminated variable they mention.
//!
//! Proof: resolvents and strengthened clauses are RUP and logged as lemmas.
//! Clauses removed by elimination are deliberately *not* logged as deleted:
//! keeping them in the checker is sound and makes restoring them trivial.
//!
//! Effort is bounded by a step budget per round so that huge formulas do not
//! stall the search.

mod elim;
mod probe;
mod subsume;
mod vivify;

use super::clause::ClauseRef;
use super::solver::Solver;
use super::types::{LBool, Lit};

/// Work units (literal visits) allowed per round for each of subsumption and elimination.
const STEP_BUDGET: u64 = 30_000_000;

impl Solver {
    pub(super) fn simplify_due(&self) -> bool {
        self.opts.simplify != 0 && self.stats.conflicts >= self.next_simplify
    }

    /// One round of inprocessing at level 0. Returns `false` if the formula
    /// was found unsatisfiable.
    pub(super) fn simplify(&mut self) -> bool {
        debug_assert_eq!(self.decision_level(), 0);
        self.simplify_count += 1;
        self.stats.simplifications += 1;
        self.next_simplify = self.stats.conflicts + self.opts.elimint as u64 * self.simplify_count;
        self.clean_level0_and_collect();

        let n = self.num_vars() as usize;
        let mut occs: Vec<Vec<ClauseRef>> = vec![Vec::new(); 2 * n];
        for c in self.db.refs() {
            if self.db.garbage(c) || self.db.learned(c) {
                continue;
            }
            for &l in self.db.lits(c) {
                occs[l.index()].push(c);
            }
        }
        let mut units: Vec<Lit> = Vec::new();
        self.subsume_round(&mut occs, &mut units);
        if self.unsat {
            return false;
        }
        if units.is_empty() {
            self.eliminate_round(&mut occs, &mut units);
        }
        if self.unsat {
            return false;
        }
        // Drop learned clauses mentioning eliminated variables, then rebuild watches.
        for i in 0..self.learned_refs.len() {
            let c = self.learned_refs[i];
            if self.db.garbage(c) {
                continue;
            }
            if self.db.lits(c).iter().any(|l| self.eliminated[l.var().index()]) {
                self.proof_delete_clause(c);
                self.db.mark_garbage(c);
            }
        }
        self.collect_garbage();
        for u in units {
            match self.value(u) {
                LBool::True => {}
                LBool::False => {
                    self.proof_add(&[]);
                    self.unsat = true;
                    return false;
                }
                LBool::Undef => self.assign(u, super::solver::Reason::None),
            }
        }
        if self.propagate().is_some() {
            self.proof_add(&[]);
            self.unsat = true;
            return false;
        }
        if self.opts.probe != 0 && !self.probe_round() {
            return false;
        }
        if self.opts.vivify != 0 && !self.vivify_round() {
            return false;
        }
        true
    }
}
