//! Local search for phases: a ProbSAT random walk used as one rephasing step.
//!
//! CDCL on random and random-like instances often finds models faster when
//! its saved phases come from a stochastic local search (CaDiCaL's `walk`,
//! Kissat's `walk`): starting from the saved phases, the walk repeatedly
//! picks a falsified irredundant clause and flips one of its variables,
//! chosen with probability proportional to `cb^-break` (Balint and
//! Schöning's ProbSAT), where `break` counts the clauses the flip would
//! falsify. The best assignment seen (fewest falsified clauses) becomes the
//! saved phases. When the walk satisfies every clause, the next descent of
//! the CDCL search follows it to a model without conflicts.
//!
//! The walk runs at level 0: variables fixed there keep their values and
//! clauses satisfied there are skipped. Effort is bounded in literal visits
//! relative to the propagations of the search since the last walk.

use super::solver::Solver;
use super::types::{LBool, Lit};

impl Solver {
    /// Runs one ProbSAT walk and saves its best assignment as phases.
    /// Returns the number of falsified clauses of that assignment.
    pub(super) fn walk_phases(&mut self) -> usize {
        debug_assert_eq!(self.decision_level(), 0);
        // Collect the irredundant clauses not satisfied at level 0, without their false literals.
        let mut lits: Vec<Lit> = Vec::new();
        let mut starts: Vec<u32> = vec![0];
        for c in self.db.refs() {
            if self.db.garbage(c) || self.db.learned(c) {
                continue;
            }
            let cl = self.db.lits(c);
            if cl.iter().any(|&l| self.value(l) == LBool::True) {
                continue;
            }
            lits.extend(cl.iter().copied().filter(|&l| self.value(l) == LBool::Undef));
            starts.push(lits.len() as u32);
        }
        let num_clauses = starts.len() - 1;
        if num_clauses == 0 {
            return 0;
        }
        let n = self.num_vars() as usize;
        // Occurrence lists in one flat array (counting sort by literal).
        let mut occ_start = vec![0u32; 2 * n + 1];
        for &l in &lits {
            occ_start[l.index() + 1] += 1;
        }
        for i in 0..2 * n {
            occ_start[i + 1] += occ_start[i];
        }
        let mut fill = occ_start.clone();
        let mut occ = vec![0u32; lits.len()];
        for c in 0..num_clauses {
            for k in starts[c]..starts[c + 1] {
                let l = lits[k as usize];
                occ[fill[l.index()] as usize] = c as u32;
                fill[l.index()] += 1;
            }
        }
        // Current assignment: saved phases.
        let mut value: Vec<bool> = self.saved.clone();
        let lit_true = |value: &Vec<bool>, l: Lit| value[l.var().index()] == l.is_positive();
        let mut true_count = vec![0u32; num_clauses];
        let mut broken: Vec<u32> = Vec::new();
        let mut broken_pos = vec![u32::MAX; num_clauses];
        let mut avg_len = 0.0;
        for c in 0..num_clauses {
            let (a, b) = (starts[c] as usize, starts[c + 1] as usize);
            avg_len += (b - a) as f64;
            let t = lits[a..b].iter().filter(|&&l| lit_true(&value, l)).count() as u32;
            true_count[c] = t;
            if t == 0 {
                broken_pos[c] = broken.len() as u32;
                broken.push(c as u32);
            }
        }
        avg_len /= num_clauses as f64;
        // ProbSAT's base by clause length (Balint and Schöning's tuned values).
        let cb: f64 = if avg_len <= 3.0 {
            2.5
        } else if avg_len <= 4.0 {
            2.85
        } else if avg_len <= 5.0 {
            3.7
        } else if avg_len <= 6.0 {
            5.1
        } else {
            7.4
        };
        let mut break_weight: Vec<f64> = (0..64).map(|b: i32| cb.powi(-b)).collect();
        break_weight[0] = 1.0;

        let mut best = broken.len();
        let mut best_value = value.clone();
        let effort = (self.stats.propagations / 2).clamp(10_000_000, 200_000_000);
        let mut ticks = 0u64;
        let mut weights: Vec<f64> = Vec::new();
        let mut flips = 0u64;
        while !broken.is_empty() && ticks < effort {
            flips += 1;
            if flips & 1023 == 0 && self.should_stop() {
                break;
            }
            let c = broken[(self.random() % broken.len() as u64) as usize] as usize;
            let (a, b) = (starts[c] as usize, starts[c + 1] as usize);
            weights.clear();
            let mut sum = 0.0;
            for &l in &lits[a..b] {
                // Flipping l's variable makes !l true and l... l is false now (clause broken);
                // the flip falsifies the clauses where !l is the only true literal.
                let nl = !l;
                let mut brk = 0usize;
                for &d in &occ[occ_start[nl.index()] as usize..occ_start[nl.index() + 1] as usize] {
                    if true_count[d as usize] == 1 {
                        brk += 1;
                    }
                }
                ticks += 1 + (occ_start[nl.index() + 1] - occ_start[nl.index()]) as u64;
                let w = break_weight[brk.min(63)];
                weights.push(w);
                sum += w;
            }
            let mut r = (self.random() >> 11) as f64 / (1u64 << 53) as f64 * sum;
            let mut pick = b - a - 1;
            for (i, &w) in weights.iter().enumerate() {
                if r < w {
                    pick = i;
                    break;
                }
                r -= w;
            }
            let l = lits[a + pick]; // false now, becomes true
            let v = l.var().index();
            value[v] = l.is_positive();
            for &d in &occ[occ_start[l.index()] as usize..occ_start[l.index() + 1] as usize] {
                let d = d as usize;
                true_count[d] += 1;
                if true_count[d] == 1 {
                    // Repaired: remove from broken.
                    let p = broken_pos[d] as usize;
                    let last = *broken.last().unwrap();
                    broken[p] = last;
                    broken_pos[last as usize] = p as u32;
                    broken.pop();
                    broken_pos[d] = u32::MAX;
                }
            }
            let nl = !l;
            for &d in &occ[occ_start[nl.index()] as usize..occ_start[nl.index() + 1] as usize] {
                let d = d as usize;
                true_count[d] -= 1;
                if true_count[d] == 0 {
                    broken_pos[d] = broken.len() as u32;
                    broken.push(d as u32);
                }
            }
            ticks += 2 + (occ_start[l.index() + 1] - occ_start[l.index()]) as u64;
            if broken.len() < best {
                best = broken.len();
                best_value.copy_from_slice(&value);
            }
        }
        self.saved.copy_from_slice(&best_value);
        self.stats.walks += 1;
        best
    }
}
