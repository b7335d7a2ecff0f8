//! Subsumption and self-subsuming strengthening of irredundant clauses
//! (see the parent module for when and why).

use super::super::clause::ClauseRef;
use super::super::solver::Solver;
use super::super::types::Lit;
use super::STEP_BUDGET;

/// Clauses longer than this neither subsume nor are scheduled for strengthening.
const MAX_SUBSUMER_LEN: usize = 64;

impl Solver {
    pub(super) fn subsume_round(&mut self, occs: &mut [Vec<ClauseRef>], units: &mut Vec<Lit>) {
        let mut order: Vec<ClauseRef> = Vec::new();
        for c in self.db.refs() {
            if !self.db.garbage(c) && !self.db.learned(c) && self.db.is_new(c) && self.db.len(c) <= MAX_SUBSUMER_LEN {
                order.push(c);
            }
        }
        order.sort_unstable_by_key(|&c| self.db.len(c));
        let mut marks: Vec<u8> = vec![0; self.vals.len()];
        let mut steps = 0u64;
        let mut c_lits: Vec<Lit> = Vec::new();
        let mut buf: Vec<Lit> = Vec::new();
        for (i, c) in order.into_iter().enumerate() {
            if steps > STEP_BUDGET || (i % 1024 == 0 && self.should_stop()) {
                break;
            }
            if self.db.garbage(c) {
                continue;
            }
            self.db.set_new(c, false);
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
                                self.db.set_new(d, true);
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
}
