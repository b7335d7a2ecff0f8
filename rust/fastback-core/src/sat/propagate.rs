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
use super::types::{LBool, Lit};

impl Solver {
    /// Propagates all enqueued assignments. Returns the first conflict found.
    ///
    /// The inner loop is the solver's hottest code, so it works on raw
    /// pointers; the bounds it relies on are: every watch refers to a live
    /// clause of size >= 3 (long) and the saved search position lies in
    /// `2..size` (it is clamped after shrinking).
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
            let vals = self.vals.as_ptr();
            let value = |l: Lit| -> LBool { unsafe { *vals.add(l.index()) } };
            while i < n {
                let w = unsafe { *ws.get_unchecked(i) };
                i += 1;
                let bv = value(w.blocker);
                if bv == LBool::True {
                    unsafe { *ws.get_unchecked_mut(j) = w };
                    j += 1;
                    continue;
                }
                if w.is_binary() {
                    unsafe { *ws.get_unchecked_mut(j) = w };
                    j += 1;
                    if bv == LBool::False {
                        conflict = Some(Conflict::Binary(false_lit, w.blocker));
                        break;
                    }
                    self.assign(w.blocker, Reason::Binary(false_lit));
                    continue;
                }
                let cref = w.cref();
                // SAFETY: watches only refer to live long clauses (see module doc).
                let (pos_ptr, size, lits) = unsafe { self.db.raw(cref) };
                let (first, fv) = unsafe {
                    if *lits == false_lit {
                        *lits = *lits.add(1);
                        *lits.add(1) = false_lit;
                    }
                    let first = *lits;
                    (first, value(first))
                };
                if first != w.blocker && fv == LBool::True {
                    unsafe { *ws.get_unchecked_mut(j) = Watch::long(first, cref) };
                    j += 1;
                    continue;
                }
                // Look for a non-false literal to watch instead of `false_lit`,
                // starting where the last search succeeded.
                let found = unsafe {
                    let mut pos = *pos_ptr as usize;
                    if pos >= size {
                        pos = 2;
                    }
                    let mut found = usize::MAX;
                    let mut k = pos;
                    while k < size {
                        if value(*lits.add(k)) != LBool::False {
                            found = k;
                            break;
                        }
                        k += 1;
                    }
                    if found == usize::MAX {
                        k = 2;
                        while k < pos {
                            if value(*lits.add(k)) != LBool::False {
                                found = k;
                                break;
                            }
                            k += 1;
                        }
                    }
                    if found != usize::MAX {
                        *pos_ptr = found as u32;
                    }
                    found
                };
                if found != usize::MAX {
                    let new_watch = unsafe {
                        let l = *lits.add(found);
                        *lits.add(found) = false_lit;
                        *lits.add(1) = l;
                        l
                    };
                    self.watches[new_watch.index()].push(Watch::long(first, cref));
                    continue;
                }
                unsafe { *ws.get_unchecked_mut(j) = Watch::long(first, cref) };
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
    pub(super) fn conflict_lits(&self, c: Conflict) -> Vec<Lit> {
        match c {
            Conflict::Binary(a, b) => vec![a, b],
            Conflict::Long(cref) => self.db.lits(cref).to_vec(),
        }
    }

    /// Whether long clause `c` is the reason of its first literal's assignment.
    pub(super) fn is_reason(&self, c: ClauseRef) -> bool {
        let l = self.db.lits(c)[0];
        self.vals[l.index()] == LBool::True
            && matches!(self.reason[l.var().index()], Reason::Long(r) if r == c)
    }
}
