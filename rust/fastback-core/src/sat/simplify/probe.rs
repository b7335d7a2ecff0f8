//! Failed-literal probing at level 0 (Freeman's POSIT, Le Berre; as in
//! CaDiCaL's `probe.cpp` and Kissat's `probe.c`).
//!
//! A literal `l` is *failed* when assigning it and propagating runs into a
//! conflict: the formula then implies `¬l`. Units found this way are
//! propagated at once, often fixing more variables and removing clauses the
//! search would otherwise keep working around. With option `probe`, runs in
//! every inprocessing round after elimination and the propagation of its
//! units, before vivification (after it, assoc_mult_err_3 and
//! manthey_DimacsSorter_28_3 took more conflicts).
//!
//! Off by default, as measured with `examples/solve --probe=0|1 --seed=S`
//! on the quick and medium sets of `shared/bench/sat`, 30 s limit: it finds
//! hundreds to thousands of units on the bmc and assoc instances, and
//! assoc_mult_err_3 is solved with all 5 seeds tried (2 of 5 without), but
//! the factoring instances lose: 38bits_10 needs 1.45 times the conflicts
//! (geometric mean over 18 seeds) and 44bits_11 was solved with 1 of 6
//! seeds (3 of 6 without). Elsewhere the effect is within seed noise
//! (p01_lb_05, bmc-ibm-*, op-60) or small (count-5-13: 5% more conflicts,
//! 5 seeds). On 38bits_10 probing without learning its units (a handful
//! per round) matches no probing, and with elimination off the loss shrinks
//! to about 1.1 times: it is those units and the extra elimination they
//! allow that change the search, not the cost of probing.
//!
//! Candidates, as in CaDiCaL: the roots of the binary implication graph,
//! literals `l` such that `¬l` occurs in a binary clause (so `l` implies
//! something through binaries) while `l` occurs in none (nothing implies `l`
//! through binaries). Probing a root covers every literal it reaches: if a
//! literal reached from `l` fails, so does `l`. Candidates with more binary
//! implications go first; each round starts at a different place of that
//! list (golden-ratio steps), so a budget too small for all of them still
//! covers them over the rounds. Eliminated and assigned variables are never
//! probed, nor is a literal that a non-failing probe of this round already
//! reached (its propagation is a subset) unless a unit was found since.
//!
//! What is learned: the first unique implication point `u` of the level-1
//! conflict, as conflict analysis would find it, gives the unit `¬u`, which
//! is stronger than `¬l` (`l` implies `u`); `¬l` follows and is added too,
//! since propagation alone does not always derive it from `¬u`.
//!
//! Proof: both units are RUP (`¬u` is a first-UIP clause; with `¬u` present,
//! the checker's propagation of `l` reaches `u` and conflicts), so each is
//! logged as a lemma before it is assigned; the units propagated from them
//! are logged by the level-0 clean-up that ends the round.
//!
//! Probing decisions are not search decisions: the saved phases of the
//! variables a probe assigned are restored when it is undone, so probing
//! does not steer the search's phases.
//!
//! Cost: each probe is one propagation at level 1. A round stops once its
//! propagations exceed `PROBE_EFFORT_PERCENT` percent of the mean
//! propagations per inprocessing round so far (clamped to
//! [`PROBE_MIN_PROPS`, `PROBE_MAX_PROPS`]), or when the solve's limits or an
//! interrupt say so; polled every 16 probes. Building the candidate list is
//! O(watch lists) plus a sort; the marks are O(literals) per round. With
//! twice that effort and a 100 000 floor, count-5-13 spent 14% of its
//! propagations probing and p01_lb_05 took more conflicts than without.

use super::super::solver::{Conflict, Reason, Solver};
use super::super::types::{LBool, Lit, Var};

/// Propagations a round may spend, in percent of the mean propagations per round so far.
const PROBE_EFFORT_PERCENT: u64 = 5;
const PROBE_MIN_PROPS: u64 = 20_000;
const PROBE_MAX_PROPS: u64 = 20_000_000;

impl Solver {
    /// One round of failed-literal probing. Returns `false` if the formula
    /// became unsatisfiable.
    pub(super) fn probe_round(&mut self) -> bool {
        debug_assert_eq!(self.decision_level(), 0);
        debug_assert_eq!(self.qhead, self.trail.len());
        let mean = self.stats.propagations / self.simplify_count.max(1);
        let budget = (mean * PROBE_EFFORT_PERCENT / 100).clamp(PROBE_MIN_PROPS, PROBE_MAX_PROPS);
        let start = self.stats.propagations;
        let units_before = self.trail.len();
        let probes = self.probe_candidates();
        let mut phases: Vec<(Var, bool)> = Vec::new();
        // `covered[m] == epoch`: a probe that did not fail reached `m`, so
        // probing `m` cannot fail either until a new unit is found (which
        // starts a new epoch).
        let mut covered: Vec<u32> = vec![0; self.vals.len()];
        let mut epoch = 1u32;
        for (i, &l) in probes.iter().enumerate() {
            if self.stats.propagations - start > budget || (i % 16 == 0 && self.should_stop()) {
                break;
            }
            if self.value(l) != LBool::Undef {
                continue;
            }
            if covered[l.index()] == epoch {
                continue;
            }
            self.new_decision_level();
            self.assign(l, Reason::None);
            let uip = match self.propagate() {
                Some(conflict) => self.probe_uip(conflict),
                None => {
                    for &m in &self.trail[self.trail_lim[0]..] {
                        covered[m.index()] = epoch;
                    }
                    self.undo_probe(&mut phases);
                    continue;
                }
            };
            self.undo_probe(&mut phases);
            epoch += 1;
            self.stats.failed_literals += 1;
            // `¬uip` first; then `¬l`, still RUP since `l` propagates to `uip`.
            for unit in [!uip, !l] {
                match self.value(unit) {
                    LBool::True => continue,
                    LBool::False => {
                        self.proof_add(&[]);
                        self.unsat = true;
                        return false;
                    }
                    LBool::Undef => {}
                }
                self.proof_add(&[unit]);
                self.assign(unit, Reason::None);
                if self.propagate().is_some() {
                    self.proof_add(&[]);
                    self.unsat = true;
                    return false;
                }
            }
        }
        if self.trail.len() > units_before {
            self.clean_level0_and_collect();
        }
        true
    }

    /// The first unique implication point of a conflict at level 1: the
    /// level-1 literal closest to the conflict through which every
    /// implication path from the probe to the conflict passes.
    fn probe_uip(&mut self, conflict: Conflict) -> Lit {
        debug_assert_eq!(self.decision_level(), 1);
        // Marks an unmarked level-1 literal; returns how many it marked.
        fn mark(s: &mut Solver, q: Lit) -> usize {
            let v = q.var().index();
            if s.seen[v] == 0 && s.level[v] > 0 {
                s.seen[v] = 1;
                1
            } else {
                0
            }
        }
        let mut open = 0usize;
        for q in self.conflict_lits(conflict) {
            open += mark(self, q);
        }
        let mut idx = self.trail.len();
        loop {
            idx -= 1;
            let p = self.trail[idx];
            let v = p.var().index();
            if self.seen[v] == 0 {
                continue;
            }
            self.seen[v] = 0;
            open -= 1;
            if open == 0 {
                return p;
            }
            match self.reason[v] {
                Reason::None => unreachable!("only the probe is a level-1 decision"),
                Reason::Binary(o) => open += mark(self, o),
                Reason::Long(c) => {
                    for k in 1..self.db.len(c) {
                        let q = self.db.lits(c)[k];
                        open += mark(self, q);
                    }
                }
            }
        }
    }

    /// The roots of the binary implication graph among the active
    /// variables, most binary implications first.
    fn probe_candidates(&self) -> Vec<Lit> {
        let binary_occs = |l: Lit| self.watches[l.index()].iter().filter(|w| w.is_binary()).count();
        let mut probes: Vec<(usize, Lit)> = Vec::new();
        for v in 0..self.num_vars() {
            let v = Var(v);
            if self.eliminated[v.index()] || self.value(v.pos()) != LBool::Undef {
                continue;
            }
            let (pos, neg) = (binary_occs(v.pos()), binary_occs(v.neg()));
            // `l` is a root when `¬l` has binary occurrences and `l` has none.
            if pos == 0 && neg > 0 {
                probes.push((neg, v.pos()));
            } else if neg == 0 && pos > 0 {
                probes.push((pos, v.neg()));
            }
        }
        probes.sort_by_key(|&(n, l)| (std::cmp::Reverse(n), l));
        // Rounds start at different places (golden-ratio steps), so that a
        // budget too small for all candidates still covers them over time.
        let start = (self.simplify_count as f64 * 0.618_033_988_75).fract() * probes.len() as f64;
        probes.rotate_left(start as usize);
        probes.into_iter().map(|(_, l)| l).collect()
    }

    /// Backtracks a probe to level 0, keeping the saved phases it overwrote.
    fn undo_probe(&mut self, phases: &mut Vec<(Var, bool)>) {
        phases.clear();
        for &l in &self.trail[self.trail_lim[0]..] {
            let v = l.var();
            phases.push((v, self.saved[v.index()]));
        }
        self.backtrack(0);
        for &(v, p) in phases.iter() {
            self.saved[v.index()] = p;
        }
    }
}

#[cfg(test)]
mod tests {
    //! Probing on with schedules that run inprocessing every few conflicts:
    //! answers against brute force, models against every clause, cores
    //! re-checked, and every UNSAT proof through the independent checker.

    use crate::sat::check::{check_drat, ProofFormat};
    use crate::sat::proof::MemorySink;
    use crate::sat::{Lit, Options, SolveResult, Solver, Var};
    use proptest::prelude::*;
    fn lit(d: i32) -> Lit {
        Lit::from_dimacs(d).unwrap()
    }

    fn probing_often() -> Options {
        let mut o = Options::default();
        for (name, value) in [("probe", 1), ("eliminit", 0), ("elimint", 10), ("reduceint", 10), ("rephaseint", 10), ("modeinit", 10)] {
            o.set(name, value).unwrap();
        }
        o
    }

    fn brute_force(nv: u32, clauses: &[Vec<i32>], assumptions: &[i32]) -> bool {
        (0u32..1 << nv).any(|m| {
            let val = |d: i32| (m >> (d.unsigned_abs() - 1) & 1 == 1) == (d > 0);
            assumptions.iter().all(|&a| val(a)) && clauses.iter().all(|c| c.iter().any(|&d| val(d)))
        })
    }

    fn satisfies(s: &Solver, clauses: &[Vec<i32>], assumptions: &[i32]) -> bool {
        let t = |d: i32| s.model_value(lit(d)) == Some(true);
        clauses.iter().all(|c| c.iter().any(|&d| t(d))) && assumptions.iter().all(|&a| t(a))
    }

    /// Three binary clauses in ten, the rest ternary: enough binary
    /// implications for probing to find failed literals in about half of
    /// the formulas (see `finds_failed_literals`), near the SAT/UNSAT threshold.
    fn formula(nv: u32, clauses: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Vec<i32>>> {
        let lit = (1..=nv as i32, any::<bool>()).prop_map(|(v, s)| if s { v } else { -v });
        let clause = prop_oneof![3 => prop::collection::vec(lit.clone(), 2), 7 => prop::collection::vec(lit, 3)];
        prop::collection::vec(clause, clauses)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, .. ProptestConfig::default() })]

        #[test]
        fn answers_models_and_proofs(clauses in formula(14, 30..60), binary in any::<bool>()) {
            let buf = MemorySink::new();
            let mut s = Solver::with_options(probing_often());
            s.set_proof(Box::new(buf.clone()), binary).unwrap();
            s.reserve_vars(14);
            for c in &clauses {
                s.add_clause(&c.iter().map(|&d| lit(d)).collect::<Vec<_>>());
            }
            let r = s.solve(&[]);
            s.flush_proof().unwrap();
            prop_assert_eq!(r == SolveResult::Sat, brute_force(14, &clauses, &[]));
            if r == SolveResult::Sat {
                prop_assert!(satisfies(&s, &clauses, &[]));
            } else {
                let proof = buf.contents();
                let refs: Vec<&[i32]> = clauses.iter().map(|c| c.as_slice()).collect();
                let report = check_drat(14, refs, &proof, ProofFormat::Auto).unwrap();
                prop_assert!(report.verified, "proof rejected: {}", report.message);
            }
        }

        #[test]
        fn incremental_with_assumptions(
            clauses in formula(12, 20..50),
            cut in 0usize..50,
            raw in prop::collection::vec((1i32..=12, any::<bool>()), 0..4),
        ) {
            let assumptions: Vec<i32> = raw.iter().map(|&(v, p)| if p { v } else { -v }).collect();
            let cut = cut.min(clauses.len());
            let mut s = Solver::with_options(probing_often());
            for (added, c) in clauses.iter().enumerate() {
                if added == cut {
                    let r = s.solve(&[]);
                    prop_assert_eq!(r == SolveResult::Sat, brute_force(12, &clauses[..cut], &[]));
                }
                s.add_clause(&c.iter().map(|&d| lit(d)).collect::<Vec<_>>());
            }
            let alits: Vec<Lit> = assumptions.iter().map(|&d| lit(d)).collect();
            let r = s.solve(&alits);
            prop_assert_eq!(r == SolveResult::Sat, brute_force(12, &clauses, &assumptions));
            if r == SolveResult::Sat {
                prop_assert!(satisfies(&s, &clauses, &assumptions));
            } else {
                let core: Vec<i32> = s.failed_assumptions().unwrap().iter().map(|l| l.to_dimacs()).collect();
                prop_assert!(core.iter().all(|c| assumptions.contains(c)));
                prop_assert!(!brute_force(12, &clauses, &core), "core {:?} is satisfiable", core);
            }
            let r = s.solve(&[]);
            prop_assert_eq!(r == SolveResult::Sat, brute_force(12, &clauses, &[]));
        }
    }

    /// The tests above are not vacuous: on formulas of their shape probing
    /// finds failed literals.
    #[test]
    fn finds_failed_literals() {
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let mut failed = 0;
        for _ in 0..200 {
            let mut s = Solver::with_options(probing_often());
            for _ in 0..50 {
                let len = if next(10) < 3 { 2 } else { 3 };
                let c: Vec<Lit> = (0..len).map(|_| Var(next(14) as u32).lit(next(2) == 0)).collect();
                s.add_clause(&c);
            }
            s.solve(&[]);
            failed += s.stats().failed_literals;
        }
        assert!(failed >= 50, "only {} failed literals in 200 formulas", failed);
    }
}
