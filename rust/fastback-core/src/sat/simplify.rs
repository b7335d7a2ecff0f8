//! Inprocessing at decision level 0: subsumption, self-subsuming
//! strengthening and bounded variable elimination (BVE).
//!
//! Every `elimint * k` conflicts (and once before the first search), the
//! solver backs off to level 0 and simplifies the irredundant clauses:
//!
//! - **Subsumption.** A clause C subsumes D when C ⊆ D; D is deleted. When
//!   C \ {l} ∪ {¬l} ⊆ D, the literal ¬l is removed from D (self-subsuming
//!   resolution). Each clause is checked against the occurrence list of its
//!   rarest literal, with literal marks, as in SatELite.
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

use super::clause::ClauseRef;
use super::solver::Solver;
use super::types::{LBool, Lit, Var};

/// Work units (literal visits) allowed per round for each of subsumption and elimination.
const STEP_BUDGET: u64 = 30_000_000;
/// Clauses longer than this neither subsume nor are scheduled for strengthening.
const MAX_SUBSUMER_LEN: usize = 64;

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
        true
    }

    // ------------------------------------------------------------------
    // Subsumption and strengthening.

    fn subsume_round(&mut self, occs: &mut [Vec<ClauseRef>], units: &mut Vec<Lit>) {
        let mut order: Vec<ClauseRef> = Vec::new();
        for c in self.db.refs() {
            if !self.db.garbage(c) && !self.db.learned(c) && self.db.len(c) <= MAX_SUBSUMER_LEN {
                order.push(c);
            }
        }
        order.sort_unstable_by_key(|&c| self.db.len(c));
        let mut marks: Vec<u8> = vec![0; self.vals.len()];
        let mut steps = 0u64;
        let mut c_lits: Vec<Lit> = Vec::new();
        let mut buf: Vec<Lit> = Vec::new();
        for c in order {
            if steps > STEP_BUDGET {
                break;
            }
            if self.db.garbage(c) {
                continue;
            }
            c_lits.clear();
            c_lits.extend_from_slice(self.db.lits(c));
            // The literal with the fewest occurrences (of either polarity) bounds the candidates.
            let pivot = *c_lits
                .iter()
                .min_by_key(|l| occs[l.index()].len() + occs[(!**l).index()].len())
                .unwrap();
            for &l in &c_lits {
                marks[l.index()] = 1;
            }
            for side in [pivot, !pivot] {
                let mut k = 0;
                while k < occs[side.index()].len() {
                    let d = occs[side.index()][k];
                    k += 1;
                    if d == c || self.db.garbage(d) || self.db.len(d) < c_lits.len() {
                        continue;
                    }
                    let d_lits = self.db.lits(d);
                    steps += d_lits.len() as u64;
                    // Count C's literals found in D; allow one found negated.
                    let mut found = 0;
                    let mut negated: Option<Lit> = None;
                    for &x in d_lits {
                        if marks[x.index()] == 1 {
                            found += 1;
                        } else if marks[(!x).index()] == 1 {
                            if negated.is_some() {
                                negated = None;
                                found = usize::MAX / 2;
                                break;
                            }
                            negated = Some(x);
                        }
                    }
                    if found == usize::MAX / 2 {
                        continue;
                    }
                    match negated {
                        None if found == c_lits.len() => {
                            // C subsumes D.
                            self.stats.subsumed += 1;
                            self.proof_delete_clause(d);
                            self.db.mark_garbage(d);
                        }
                        Some(x) if found + 1 == c_lits.len() => {
                            // Strengthen D by removing x (= ¬y for some y in C).
                            self.stats.strengthened += 1;
                            buf.clear();
                            buf.extend(self.db.lits(d).iter().copied().filter(|&y| y != x));
                            self.proof_add(&buf);
                            self.proof_delete_clause(d);
                            let list = &mut occs[x.index()];
                            if let Some(pos) = list.iter().position(|&e| e == d) {
                                list.swap_remove(pos);
                                if x == side {
                                    k = k.saturating_sub(1);
                                }
                            }
                            if buf.len() == 1 {
                                self.db.mark_garbage(d);
                                units.push(buf[0]);
                            } else {
                                let lits = self.db.lits_mut(d);
                                lits[..buf.len()].copy_from_slice(&buf);
                                self.db.shrink(d, buf.len());
                            }
                        }
                        _ => {}
                    }
                }
            }
            for &l in &c_lits {
                marks[l.index()] = 0;
            }
        }
    }

    // ------------------------------------------------------------------
    // Bounded variable elimination.

    fn eliminate_round(&mut self, occs: &mut [Vec<ClauseRef>], units: &mut Vec<Lit>) {
        let n = self.num_vars() as usize;
        let mut frozen = vec![false; n];
        for a in &self.assumptions {
            frozen[a.var().index()] = true;
        }
        let bound = if self.simplify_count <= 1 {
            0
        } else {
            (1i64 << (self.simplify_count - 2).min(20)).min(self.opts.elimbound) as usize
        };
        let mut candidates: Vec<Var> = (0..n as u32)
            .map(Var)
            .filter(|v| {
                !frozen[v.index()] && !self.eliminated[v.index()] && self.vals[v.pos().index()] == LBool::Undef
            })
            .collect();
        candidates.sort_unstable_by_key(|v| occs[v.pos().index()].len() + occs[v.neg().index()].len());
        let mut steps = 0u64;
        let mut resolvents: Vec<Vec<Lit>> = Vec::new();
        let mut marks: Vec<u8> = vec![0; self.vals.len()];
        for v in candidates {
            if steps > STEP_BUDGET || !units.is_empty() {
                break;
            }
            let (p, q) = (v.pos(), v.neg());
            occs[p.index()].retain(|&c| !self.db.garbage(c));
            occs[q.index()].retain(|&c| !self.db.garbage(c));
            let (np, nq) = (occs[p.index()].len(), occs[q.index()].len());
            if np + nq == 0 || np + nq > self.opts.elimocclim as usize {
                continue;
            }
            // Count and collect the non-tautological resolvents within the bound.
            resolvents.clear();
            let limit = np + nq + bound;
            let mut too_many = false;
            'pairs: for &cp in &occs[p.index()] {
                for &l in self.db.lits(cp) {
                    marks[l.index()] = 1;
                }
                for &cq in &occs[q.index()] {
                    steps += self.db.len(cq) as u64;
                    let mut tautology = false;
                    let mut r: Vec<Lit> = self.db.lits(cp).iter().copied().filter(|&l| l != p).collect();
                    for &l in self.db.lits(cq) {
                        if l == q {
                            continue;
                        }
                        if marks[(!l).index()] == 1 {
                            tautology = true;
                            break;
                        }
                        if marks[l.index()] == 0 {
                            r.push(l);
                        }
                    }
                    if tautology {
                        continue;
                    }
                    if r.len() > self.opts.elimclslim as usize || resolvents.len() + 1 > limit {
                        too_many = true;
                        for &l in self.db.lits(cp) {
                            marks[l.index()] = 0;
                        }
                        break 'pairs;
                    }
                    resolvents.push(r);
                }
                for &l in self.db.lits(cp) {
                    marks[l.index()] = 0;
                }
            }
            if too_many {
                continue;
            }
            // Eliminate: add resolvents, move the clauses to the extension stack.
            self.stats.eliminated_vars += 1;
            self.eliminated[v.index()] = true;
            for r in resolvents.drain(..) {
                // Literals false at level 0 would only weaken the resolvent; keep it simple:
                // drop satisfied ones, keep the rest as is.
                if r.iter().any(|&l| self.value(l) == LBool::True) {
                    continue;
                }
                self.proof_add(&r);
                match r.len() {
                    0 => {
                        self.unsat = true;
                        return;
                    }
                    1 => units.push(r[0]),
                    _ => {
                        let c = self.db.alloc(&r, false, 0);
                        for &l in &r {
                            occs[l.index()].push(c);
                        }
                    }
                }
            }
            for (lit, list) in [(p, occs[p.index()].clone()), (q, occs[q.index()].clone())] {
                for c in list {
                    if self.db.garbage(c) {
                        continue;
                    }
                    let lits = self.db.lits(c).to_vec();
                    self.extension.push((lit, lits));
                    self.db.mark_garbage(c);
                }
            }
            occs[p.index()].clear();
            occs[q.index()].clear();
        }
    }

    /// Brings an eliminated variable back: re-adds the clauses removed with it
    /// (and, recursively, with any eliminated variable they mention).
    pub(super) fn restore_eliminated(&mut self, v: Var) {
        if !self.eliminated[v.index()] {
            return;
        }
        self.eliminated[v.index()] = false;
        self.vmtf.on_unassign(v);
        self.heap.insert(v);
        let mut restored: Vec<Vec<Lit>> = Vec::new();
        let mut i = 0;
        while i < self.extension.len() {
            if self.extension[i].0.var() == v {
                restored.push(self.extension.remove(i).1);
            } else {
                i += 1;
            }
        }
        for c in restored {
            for &l in &c {
                if self.eliminated[l.var().index()] {
                    self.restore_eliminated(l.var());
                }
            }
            if self.unsat {
                return;
            }
            self.add_clause_internal(&c);
        }
    }
}
