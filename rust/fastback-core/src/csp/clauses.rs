//! Clauses over literals: the boolean glue of reified constraints, and the
//! nogoods the search records at restarts.
//!
//! A clause `l1 ∨ ... ∨ lk` is a disjunction of elementary conditions
//! ([`Lit`]: `x == v`, `x != v`, `x <= v`, `x > v`). A literal is *true* when
//! every value left in its variable's domain satisfies it, *false* when none
//! does, and undecided otherwise; making one true is a single domain
//! operation. Propagation is unit propagation with two watched literals, as
//! in a SAT solver (MiniSat's scheme, with domains in place of assignments).
//!
//! Invariants:
//! - clauses are only added at the root, where a true literal stays true and
//!   a false one stays false, so [`ClauseStore::add`] simplifies them there;
//! - every stored clause has at least two literals; the first two are
//!   watched, and each watch is in the list of its literal's variable;
//! - after [`ClauseStore::on_change`] has run for every changed variable and
//!   the units it returned have been applied, no clause has a false watched
//!   literal unless the other watched literal is true (the two-watch
//!   invariant). Backtracking needs no watch update: it only makes false
//!   literals undecided again, which keeps the invariant.

use super::store::Store;
use super::types::{Cause, Conflict, Lit, LitKind, VarId};

/// The truth value of a literal under the current domains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LitStatus {
    True,
    False,
    Undecided,
}

/// Evaluates `l` against the domain of its variable. Cost: O(1).
#[inline]
pub fn lit_status(s: &Store, l: Lit) -> LitStatus {
    let x = l.var;
    match l.kind {
        LitKind::Eq => {
            if !s.contains(x, l.value) {
                LitStatus::False
            } else if s.is_fixed(x) {
                LitStatus::True
            } else {
                LitStatus::Undecided
            }
        }
        LitKind::Ne => {
            if !s.contains(x, l.value) {
                LitStatus::True
            } else if s.is_fixed(x) {
                LitStatus::False
            } else {
                LitStatus::Undecided
            }
        }
        LitKind::Le => {
            if s.max(x) <= l.value {
                LitStatus::True
            } else if s.min(x) > l.value {
                LitStatus::False
            } else {
                LitStatus::Undecided
            }
        }
        LitKind::Gt => {
            if s.min(x) > l.value {
                LitStatus::True
            } else if s.max(x) <= l.value {
                LitStatus::False
            } else {
                LitStatus::Undecided
            }
        }
    }
}

/// Makes `l` true by reducing its variable's domain. Ok(true) if the domain
/// changed; Err if `l` was false.
#[inline]
pub fn lit_apply(s: &mut Store, l: Lit) -> Result<bool, Conflict> {
    match l.kind {
        LitKind::Eq => s.assign(l.var, l.value),
        LitKind::Ne => s.remove(l.var, l.value),
        LitKind::Le => s.set_max(l.var, l.value),
        LitKind::Gt => s.set_min(l.var, l.value.saturating_add(1)),
    }
}

/// Identifies a stored clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClauseRef(pub u32);

#[derive(Clone, Copy, Debug)]
struct ClauseInfo {
    start: u32,
    len: u32,
    origin: Cause,
}

#[derive(Clone, Copy, Debug)]
struct Watch {
    clause: u32,
    /// 0 or 1: which of the first two literals this watch is on.
    which: u8,
}

/// What [`ClauseStore::add`] did with a clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    /// A literal is already true: nothing to store.
    Satisfied,
    /// One literal was left and has been made true.
    Unit,
    /// Stored and watched.
    Stored(ClauseRef),
}

/// The clauses and their watch lists (see the module doc).
#[derive(Clone, Debug, Default)]
pub struct ClauseStore {
    lits: Vec<Lit>,
    clauses: Vec<ClauseInfo>,
    watches: Vec<Vec<Watch>>,
    nogoods: usize,
}

impl ClauseStore {
    pub fn new(num_vars: usize) -> ClauseStore {
        ClauseStore { watches: vec![Vec::new(); num_vars], ..Default::default() }
    }

    pub fn len(&self) -> usize {
        self.clauses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Number of stored clauses that are nogoods.
    pub fn num_nogoods(&self) -> usize {
        self.nogoods
    }

    pub fn origin(&self, c: ClauseRef) -> Cause {
        self.clauses[c.0 as usize].origin
    }

    /// The literals of a stored clause (watched ones first).
    pub fn literals(&self, c: ClauseRef) -> &[Lit] {
        let info = self.clauses[c.0 as usize];
        &self.lits[info.start as usize..(info.start + info.len) as usize]
    }

    /// Whether some clause watches a literal on `x` (cheap pre-check).
    #[inline]
    pub fn watches_var(&self, x: VarId) -> bool {
        !self.watches[x.index()].is_empty()
    }

    /// Adds `l1 ∨ ... ∨ lk`. Precondition: the store is at the root level.
    /// False literals are dropped; an empty result is `Err(Conflict)`; a unit
    /// is applied at once. Cost: O(k).
    pub fn add(&mut self, lits: &[Lit], origin: Cause, s: &mut Store) -> Result<Added, Conflict> {
        debug_assert_eq!(s.level(), 0, "clauses are added at the root");
        let mut kept: Vec<Lit> = Vec::with_capacity(lits.len());
        for &l in lits {
            match lit_status(s, l) {
                LitStatus::True => return Ok(Added::Satisfied),
                LitStatus::False => {}
                LitStatus::Undecided => {
                    if !kept.contains(&l) {
                        kept.push(l)
                    }
                }
            }
        }
        match kept.len() {
            0 => Err(Conflict),
            1 => lit_apply(s, kept[0]).map(|_| Added::Unit),
            n => {
                let id = self.clauses.len() as u32;
                let start = self.lits.len() as u32;
                self.lits.extend_from_slice(&kept);
                self.clauses.push(ClauseInfo { start, len: n as u32, origin });
                self.watches[kept[0].var.index()].push(Watch { clause: id, which: 0 });
                self.watches[kept[1].var.index()].push(Watch { clause: id, which: 1 });
                if origin == Cause::Nogood {
                    self.nogoods += 1;
                }
                Ok(Added::Stored(ClauseRef(id)))
            }
        }
    }

    /// Visits the clauses watching a literal on `x`, which changed: moves
    /// watches off false literals, and pushes `(literal, clause)` onto
    /// `units` for each clause left with one undecided literal (the caller
    /// makes them true). Returns the clause whose literals are all false, if
    /// any. Cost: O(watches of x × clause length) in the worst case.
    pub fn on_change(
        &mut self,
        x: VarId,
        s: &Store,
        units: &mut Vec<(Lit, ClauseRef)>,
    ) -> Result<(), ClauseRef> {
        let mut ws = std::mem::take(&mut self.watches[x.index()]);
        let mut result = Ok(());
        let mut i = 0;
        while i < ws.len() {
            let w = ws[i];
            let info = self.clauses[w.clause as usize];
            let start = info.start as usize;
            let pos = start + w.which as usize;
            if lit_status(s, self.lits[pos]) != LitStatus::False {
                i += 1;
                continue;
            }
            let other = self.lits[start + 1 - w.which as usize];
            let other_status = lit_status(s, other);
            if other_status == LitStatus::True {
                i += 1;
                continue;
            }
            let mut moved = false;
            for k in start + 2..start + info.len as usize {
                if lit_status(s, self.lits[k]) != LitStatus::False {
                    self.lits.swap(pos, k);
                    let nv = self.lits[pos].var;
                    if nv == x {
                        i += 1;
                    } else {
                        self.watches[nv.index()].push(w);
                        ws.swap_remove(i);
                    }
                    moved = true;
                    break;
                }
            }
            if moved {
                continue;
            }
            if other_status == LitStatus::False {
                result = Err(ClauseRef(w.clause));
                break;
            }
            units.push((other, ClauseRef(w.clause)));
            i += 1;
        }
        debug_assert!(self.watches[x.index()].is_empty());
        self.watches[x.index()] = ws;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csp::types::ConstraintId;

    const C0: Cause = Cause::Constraint(ConstraintId(0));

    #[test]
    fn status_of_each_kind() {
        let mut s = Store::new();
        let x = s.new_var(1, 5);
        assert_eq!(lit_status(&s, Lit::new(x, LitKind::Le, 5)), LitStatus::True);
        assert_eq!(lit_status(&s, Lit::new(x, LitKind::Gt, 5)), LitStatus::False);
        assert_eq!(lit_status(&s, Lit::new(x, LitKind::Eq, 9)), LitStatus::False);
        assert_eq!(lit_status(&s, Lit::new(x, LitKind::Ne, 9)), LitStatus::True);
        assert_eq!(lit_status(&s, Lit::new(x, LitKind::Eq, 3)), LitStatus::Undecided);
        s.assign(x, 3).unwrap();
        assert_eq!(lit_status(&s, Lit::new(x, LitKind::Eq, 3)), LitStatus::True);
        assert_eq!(lit_status(&s, Lit::new(x, LitKind::Ne, 3)), LitStatus::False);
    }

    #[test]
    fn unit_propagation_and_conflict() {
        let mut s = Store::new();
        let a = s.new_var(0, 1);
        let b = s.new_var(0, 1);
        let c = s.new_var(0, 3);
        let mut cs = ClauseStore::new(3);
        // a == 1 or b == 1 or c <= 1
        let lits = [Lit::new(a, LitKind::Eq, 1), Lit::new(b, LitKind::Eq, 1), Lit::new(c, LitKind::Le, 1)];
        assert!(matches!(cs.add(&lits, C0, &mut s), Ok(Added::Stored(_))));
        s.push_level();
        s.assign(a, 0).unwrap();
        let mut units = Vec::new();
        assert_eq!(cs.on_change(a, &s, &mut units), Ok(()));
        assert!(units.is_empty());
        s.assign(b, 0).unwrap();
        assert_eq!(cs.on_change(b, &s, &mut units), Ok(()));
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].0, Lit::new(c, LitKind::Le, 1));
        s.set_min(c, 2).unwrap();
        units.clear();
        assert!(cs.on_change(c, &s, &mut units).is_err());
        s.backtrack_to(0);
        assert_eq!(cs.add(&[Lit::new(a, LitKind::Eq, 7)], C0, &mut s), Err(Conflict));
        assert_eq!(cs.add(&[Lit::new(a, LitKind::Eq, 7), Lit::new(b, LitKind::Ne, 1)], C0, &mut s), Ok(Added::Unit));
        assert_eq!(s.value(b), 0);
    }
}
