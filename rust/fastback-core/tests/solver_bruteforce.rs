//! The solver against brute force on many small random formulas: answers,
//! models (every clause evaluated), failed-assumption cores (re-solved) and
//! incremental sequences. Proptest shrinks any disagreement to a small case.

mod common;
use common::aggressive;
use fastback_core::sat::{Lit, SolveResult, Solver};
use proptest::prelude::*;

fn lit(d: i32) -> Lit {
    Lit::from_dimacs(d).unwrap()
}

fn brute_force(nv: u32, clauses: &[Vec<i32>], assumptions: &[i32]) -> bool {
    'outer: for m in 0u32..(1 << nv) {
        let val = |d: i32| {
            let b = m >> (d.unsigned_abs() - 1) & 1 == 1;
            if d > 0 { b } else { !b }
        };
        for &a in assumptions {
            if !val(a) {
                continue 'outer;
            }
        }
        if clauses.iter().all(|c| c.iter().any(|&d| val(d))) {
            return true;
        }
    }
    false
}

fn check_model(s: &Solver, clauses: &[Vec<i32>], assumptions: &[i32]) {
    for c in clauses {
        assert!(c.iter().any(|&d| s.model_value(lit(d)) == Some(true)), "model falsifies {:?}", c);
    }
    for &a in assumptions {
        assert_eq!(s.model_value(lit(a)), Some(true), "model falsifies assumption {}", a);
    }
}

fn formula(max_vars: u32, max_clauses: usize) -> impl Strategy<Value = (u32, Vec<Vec<i32>>)> {
    (1..=max_vars).prop_flat_map(move |nv| {
        let lit = (1..=nv as i32, any::<bool>()).prop_map(|(v, s)| if s { v } else { -v });
        let clause = prop::collection::vec(lit, 0..5);
        (Just(nv), prop::collection::vec(clause, 0..max_clauses))
    })
}

fn solver_for(opts_kind: u8) -> Solver {
    match opts_kind {
        0 => Solver::new(),
        _ => Solver::with_options(aggressive(100)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, .. ProptestConfig::default() })]

    #[test]
    fn agrees_with_brute_force((nv, clauses) in formula(12, 80), kind in 0u8..2) {
        let mut s = solver_for(kind);
        for c in &clauses {
            let lits: Vec<Lit> = c.iter().map(|&d| lit(d)).collect();
            s.add_clause(&lits);
        }
        let r = s.solve(&[]);
        let expected = brute_force(nv, &clauses, &[]);
        prop_assert_eq!(r == SolveResult::Sat, expected);
        prop_assert!(r != SolveResult::Unknown);
        if r == SolveResult::Sat {
            check_model(&s, &clauses, &[]);
        }
    }

    #[test]
    fn assumptions_and_cores((nv, clauses) in formula(8, 40), raw in prop::collection::vec((1i32..=8, any::<bool>()), 0..5), kind in 0u8..2) {
        let assumptions: Vec<i32> = raw.iter().filter(|(v, _)| *v as u32 <= nv).map(|&(v, s)| if s { v } else { -v }).collect();
        let mut s = solver_for(kind);
        for c in &clauses {
            let lits: Vec<Lit> = c.iter().map(|&d| lit(d)).collect();
            s.add_clause(&lits);
        }
        let alits: Vec<Lit> = assumptions.iter().map(|&d| lit(d)).collect();
        let r = s.solve(&alits);
        let expected = brute_force(nv, &clauses, &assumptions);
        prop_assert_eq!(r == SolveResult::Sat, expected);
        if r == SolveResult::Sat {
            check_model(&s, &clauses, &assumptions);
        } else {
            let core: Vec<i32> = s.failed_assumptions().unwrap().iter().map(|l| l.to_dimacs()).collect();
            for c in &core {
                prop_assert!(assumptions.contains(c), "core literal {} is not an assumption", c);
            }
            prop_assert!(!brute_force(nv, &clauses, &core), "core {:?} is satisfiable", core);
            // The solver agrees when asked again with the core alone.
            let clits: Vec<Lit> = core.iter().map(|&d| lit(d)).collect();
            prop_assert_eq!(s.solve(&clits), SolveResult::Unsat);
        }
        // Solving again without assumptions still gives the right answer.
        let r2 = s.solve(&[]);
        prop_assert_eq!(r2 == SolveResult::Sat, brute_force(nv, &clauses, &[]));
    }

    #[test]
    fn incremental((nv, clauses) in formula(9, 50), cuts in prop::collection::vec(0usize..50, 1..4), kind in 0u8..2) {
        let mut s = solver_for(kind);
        let mut cuts = cuts;
        cuts.push(clauses.len());
        cuts.sort();
        let mut added = 0;
        for cut in cuts {
            let cut = cut.min(clauses.len());
            while added < cut {
                let lits: Vec<Lit> = clauses[added].iter().map(|&d| lit(d)).collect();
                s.add_clause(&lits);
                added += 1;
            }
            let r = s.solve(&[]);
            prop_assert_eq!(r == SolveResult::Sat, brute_force(nv, &clauses[..added], &[]));
            if r == SolveResult::Sat {
                check_model(&s, &clauses[..added], &[]);
            }
        }
    }
}

#[test]
fn empty_formula_and_empty_clause() {
    let mut s = Solver::new();
    assert_eq!(s.solve(&[]), SolveResult::Sat);
    assert!(!s.add_clause(&[]));
    assert_eq!(s.solve(&[]), SolveResult::Unsat);
    assert_eq!(s.failed_assumptions(), Some(&[][..]));
}

#[test]
fn contradictory_assumptions() {
    let mut s = Solver::new();
    s.add_clause(&[lit(1), lit(2)]);
    assert_eq!(s.solve(&[lit(1), lit(-1)]), SolveResult::Unsat);
    let mut core: Vec<i32> = s.failed_assumptions().unwrap().iter().map(|l| l.to_dimacs()).collect();
    core.sort();
    assert_eq!(core, vec![-1, 1]);
    assert_eq!(s.solve(&[]), SolveResult::Sat);
}

#[test]
fn conflict_budget_gives_unknown() {
    // Pigeonhole 8 into 7 needs many conflicts.
    let mut s = Solver::new();
    let n = 8;
    let h = 7;
    let var = |p: i32, k: i32| p * h + k + 1;
    for p in 0..n {
        let c: Vec<Lit> = (0..h).map(|k| lit(var(p, k))).collect();
        s.add_clause(&c);
    }
    for k in 0..h {
        for p in 0..n {
            for q in p + 1..n {
                s.add_clause(&[lit(-var(p, k)), lit(-var(q, k))]);
            }
        }
    }
    s.set_conflict_budget(Some(10));
    assert_eq!(s.solve(&[]), SolveResult::Unknown);
    assert!(s.stats().conflicts <= 11);
    s.set_conflict_budget(None);
    assert_eq!(s.solve(&[]), SolveResult::Unsat);
}
