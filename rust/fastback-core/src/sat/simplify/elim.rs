//! Bounded variable elimination and restoring eliminated variables
//! (see the parent module for when and why).

use super::super::clause::ClauseRef;
use super::super::solver::Solver;
use super::super::types::{LBool, Lit, Var};
use super::STEP_BUDGET;

impl Solver {
    pub(super) fn eliminate_round(&mut self, occs: &mut [Vec<ClauseRef>], units: &mut Vec<Lit>) {
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
        for (i, v) in candidates.into_iter().enumerate() {
            if steps > STEP_BUDGET || !units.is_empty() || (i % 256 == 0 && self.should_stop()) {
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
    pub(in crate::sat) fn restore_eliminated(&mut self, v: Var) {
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
