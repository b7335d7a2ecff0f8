//! Learned-clause reduction, level-0 clean-up and garbage collection.
//!
//! Learned clauses are kept in three tiers by glue (LBD, the number of
//! decision levels a clause spans when learned, Audemard and Simon): a clause
//! used in conflict analysis survives the next three reductions in tier 1
//! (glue <= `tier1`), two in tier 2 (glue <= `tier2`), one in tier 3. A
//! reduction deletes the `reducefraction` percent least useful of the clauses
//! not used for that long (highest glue, then longest). Tier 1 is not kept
//! forever: on small formulas (38bits_10: 448 variables) glue-2 clauses pile
//! up by the tens of thousands and propagation drowns in their watches. Reductions become rarer as the search
//! goes on (interval `reduceint * sqrt(k)`), as in Kissat.
//!
//! Reductions run at any decision level, so they do not cost stable mode its
//! long runs towards a model: clauses that are the reason of an assignment
//! are kept, the deleted ones are marked garbage and their watches swept from
//! the watch lists. Memory is reclaimed later, at a restart to level 0, when
//! the garbage exceeds half the arena or new level-0 units appeared: there
//! clauses satisfied at level 0 are removed, false literals dropped, and the
//! arena compacted with the watch lists rebuilt from scratch (their invariant
//! holds trivially: at level 0 after clean-up no literal of a remaining
//! clause is assigned, and no clause is a reason of a level > 0 assignment).
//!
//! Proof: new level-0 units are logged as unit lemmas before the clauses
//! that implied them can be deleted; a shortened clause is logged as an
//! addition before the old one's deletion.

use super::clause::ClauseRef;
use super::solver::{Reason, Solver};
use super::types::{LBool, Lit};

impl Solver {
    pub(super) fn reduce_due(&self) -> bool {
        self.stats.conflicts >= self.next_reduce
    }

    /// Reduces the learned clause database (at any level).
    pub(super) fn reduce(&mut self) {
        self.stats.reductions += 1;
        let k = self.stats.reductions as f64;
        self.next_reduce = self.stats.conflicts + (self.opts.reduceint as f64 * (k + 1.0).sqrt()) as u64;

        let mut candidates: Vec<ClauseRef> = Vec::new();
        let refs = std::mem::take(&mut self.learned_refs);
        for &c in &refs {
            if self.db.garbage(c) {
                continue;
            }
            let used = self.db.used(c);
            if used > 0 {
                self.db.set_used(c, used - 1);
            }
            if used > 0 || self.db.len(c) == 2 || self.is_reason(c) {
                continue;
            }
            candidates.push(c);
        }
        candidates.sort_unstable_by_key(|&c| (std::cmp::Reverse(self.db.glue(c)), std::cmp::Reverse(self.db.len(c))));
        let n_delete = candidates.len() * self.opts.reducefraction as usize / 100;
        for &c in &candidates[..n_delete] {
            self.proof_delete_clause(c);
            self.db.mark_garbage(c);
        }
        self.learned_refs = refs;
        if n_delete > 0 {
            self.learned_refs.retain(|&c| !self.db.garbage(c));
            let db = &self.db;
            for ws in self.watches.iter_mut() {
                ws.retain(|w| w.is_binary() || !db.garbage(w.cref()));
            }
        }
    }

    /// Whether a level-0 clean-up and arena compaction is worth it now.
    pub(super) fn collect_due(&self) -> bool {
        self.db.wasted * 2 > self.db.words() || self.trail.len() > self.units_at_last_simplify
    }

    /// Logs level-0 units that the proof has not seen as lemmas yet, and
    /// forgets their reasons (level-0 reasons are never analysed).
    pub(super) fn settle_level0_units(&mut self) {
        debug_assert_eq!(self.decision_level(), 0);
        for i in self.units_at_last_simplify..self.trail.len() {
            let l = self.trail[i];
            if self.reason[l.var().index()] != Reason::None {
                self.reason[l.var().index()] = Reason::None;
            }
            if self.proof.is_some() {
                self.proof_add(&[l]);
            }
        }
        self.units_at_last_simplify = self.trail.len();
    }

    /// Removes satisfied clauses and false literals at level 0, compacts the
    /// arena and rebuilds the watch lists.
    pub(super) fn clean_level0_and_collect(&mut self) {
        self.settle_level0_units();
        let refs = self.db.refs();
        let mut buf: Vec<Lit> = Vec::new();
        for c in refs {
            if self.db.garbage(c) {
                continue;
            }
            let lits = self.db.lits(c);
            if lits.iter().any(|&l| self.value(l) == LBool::True) {
                self.proof_delete_clause(c);
                self.db.mark_garbage(c);
                continue;
            }
            if lits.iter().any(|&l| self.value(l) == LBool::False) {
                buf.clear();
                buf.extend(lits.iter().copied().filter(|&l| self.value(l) == LBool::Undef));
                // At level 0 after complete propagation at least two literals are unassigned.
                debug_assert!(buf.len() >= 2);
                self.proof_add(&buf);
                self.proof_delete_clause(c);
                let lits = self.db.lits_mut(c);
                lits[..buf.len()].copy_from_slice(&buf);
                self.db.shrink(c, buf.len());
                if !self.db.learned(c) {
                    self.db.set_new(c, true);
                }
            }
        }
        self.collect_garbage();
    }

    /// Compacts the arena and rebuilds the watch lists and learned list.
    pub(super) fn collect_garbage(&mut self) {
        debug_assert_eq!(self.decision_level(), 0);
        let moved = self.db.collect();
        for w in self.watches.iter_mut() {
            w.clear();
        }
        self.learned_refs.clear();
        for &(_, c) in &moved {
            if self.db.learned(c) {
                self.learned_refs.push(c);
            }
            self.attach(c);
        }
    }
}
