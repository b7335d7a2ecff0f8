//! Unit propagation with two watched literals, blocking literals and binary
//! clauses handled in the watch list itself.
//!
//! Invariant (MiniSat's, as stated in varisat's `prop/watch.rs`): for every
//! long clause, its first two literals are watched, i.e. the clause appears in
//! `watches[lits[0]]` and `watches[lits[1]]`. Outside propagation, if a watched
//! literal is false then either the other watched literal is true, or every
//! other literal is false and the clause was a reason or a conflict; after a
//! conflict the invariant holds again once we backtrack below it.
//! Backtracking needs no watch update: unassigning only makes watched
//! literals "less false", which cannot break the invariant.
//!
//! A propagated literal of a long clause is moved to position 0, so a reason
//! clause always has its implied literal first (conflict analysis relies on it).
//! Binary clauses never touch the arena: the watch of one literal carries the
//! other as its `blocker`.

use super::clause::ClauseRef;
use super::solver::{Conflict, Reason, Solver, Watch};
use super::types::LBool;

impl Solver {
    /// Propagates all enqueued assignments. Returns the first conflict found.
    pub(super) fn propagate(&mut self) -> Option<Conflict> {
        let mut conflict = None;
        let start_qhead = self.qhead;
        while self.qhead < self.trail.len() && conflict.is_none() {
            let p = self.trail[self.qhead];
            self.qhead += 1;
            let false_lit = !p;
            let mut ws = std::mem::take(&mut self.watches[false_lit.index()]);
            let n = ws.len();
            let mut i = 0;
            let mut j = 0;
            while i < n {
                let w = ws[i];
                i += 1;
                let bv = self.vals[w.blocker.index()];
                if bv == LBool::True {
                    ws[j] = w;
                    j += 1;
                    continue;
                }
                if w.is_binary() {
                    ws[j] = w;
                    j += 1;
                    if bv == LBool::False {
                        conflict = Some(Conflict::Binary(false_lit, w.blocker));
                        break;
                    }
                    self.assign(w.blocker, Reason::Binary(false_lit));
                    continue;
                }
                let cref = w.cref();
                let lits = self.db.lits_mut(cref);
                if lits[0] == false_lit {
                    lits.swap(0, 1);
                }
                let first = lits[0];
                let fv = self.vals[first.index()];
                if first != w.blocker && fv == LBool::True {
                    ws[j] = Watch::long(first, cref);
                    j += 1;
                    continue;
                }
                // Look for a non-false literal to watch instead of `false_lit`.
                let mut found = None;
                for k in 2..lits.len() {
                    if self.vals[lits[k].index()] != LBool::False {
                        found = Some(k);
                        break;
                    }
                }
                if let Some(k) = found {
                    lits.swap(1, k);
                    let new_watch = lits[1];
                    self.watches[new_watch.index()].push(Watch::long(first, cref));
                    continue;
                }
                ws[j] = Watch::long(first, cref);
                j += 1;
                if fv == LBool::False {
                    conflict = Some(Conflict::Long(cref));
                    break;
                }
                self.assign(first, Reason::Long(cref));
            }
            // Keep the unvisited tail after a conflict.
            while i < n {
                ws[j] = ws[i];
                j += 1;
                i += 1;
            }
            ws.truncate(j);
            self.watches[false_lit.index()] = ws;
        }
        self.stats.propagations += (self.qhead - start_qhead) as u64;
        conflict
    }

    /// The literals of a conflict, for analysis.
    pub(super) fn conflict_lits(&self, c: Conflict) -> Vec<super::types::Lit> {
        match c {
            Conflict::Binary(a, b) => vec![a, b],
            Conflict::Long(cref) => self.db.lits(cref).to_vec(),
        }
    }

    #[allow(dead_code)]
    pub(super) fn is_reason(&self, c: ClauseRef) -> bool {
        let l = self.db.lits(c)[0];
        self.vals[l.index()] == LBool::True
            && matches!(self.reason[l.var().index()], Reason::Long(r) if r == c)
    }
}
