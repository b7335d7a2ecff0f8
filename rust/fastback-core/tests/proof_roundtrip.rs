//! Every UNSAT answer's DRAT proof, text and binary, is accepted by the
//! independent checker (`sat::check`), with schedules aggressive enough that
//! reduction, level-0 clean-up, subsumption, strengthening and elimination
//! all write to the proof on small formulas. Proofs of SAT formulas must not
//! verify (the checker is not vacuous).

mod common;
use common::aggressive;
use fastback_core::sat::check::{check_drat, ProofFormat};
use fastback_core::sat::{Lit, Options, SolveResult, Solver};
use proptest::prelude::*;
use fastback_core::sat::proof::MemorySink;

fn solve_with_proof(nv: u32, clauses: &[Vec<i32>], binary: bool, opts: Options) -> (SolveResult, Vec<u8>) {
    let buf = MemorySink::new();
    let mut s = Solver::with_options(opts);
    s.set_proof(Box::new(buf.clone()), binary).unwrap();
    s.reserve_vars(nv);
    for c in clauses {
        let lits: Vec<Lit> = c.iter().map(|&d| Lit::from_dimacs(d).unwrap()).collect();
        s.add_clause(&lits);
    }
    let r = s.solve(&[]);
    s.flush_proof().unwrap();
    let bytes = buf.contents();
    (r, bytes)
}

fn random_3cnf(nv: u32, nc: usize) -> impl Strategy<Value = Vec<Vec<i32>>> {
    let lit = (1..=nv as i32, any::<bool>()).prop_map(|(v, s)| if s { v } else { -v });
    prop::collection::vec(prop::collection::vec(lit, 1..4), nc)
}

fn pigeonhole(pigeons: i32, holes: i32) -> Vec<Vec<i32>> {
    let var = |p: i32, h: i32| p * holes + h + 1;
    let mut cls = Vec::new();
    for p in 0..pigeons {
        cls.push((0..holes).map(|h| var(p, h)).collect());
    }
    for h in 0..holes {
        for p in 0..pigeons {
            for q in p + 1..pigeons {
                cls.push(vec![-var(p, h), -var(q, h)]);
            }
        }
    }
    cls
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn unsat_proofs_verify(clauses in random_3cnf(12, 70), binary in any::<bool>(), aggressive_opts in any::<bool>()) {
        let opts = if aggressive_opts { aggressive(50) } else { Options::default() };
        let (r, proof) = solve_with_proof(12, &clauses, binary, opts);
        let refs: Vec<&[i32]> = clauses.iter().map(|c| c.as_slice()).collect();
        let report = check_drat(12, refs, &proof, ProofFormat::Auto).unwrap();
        if r == SolveResult::Unsat {
            prop_assert!(report.verified, "proof rejected: {}", report.message);
        } else {
            prop_assert_eq!(r, SolveResult::Sat);
            prop_assert!(!report.verified, "a proof of a satisfiable formula verified");
        }
    }
}

#[test]
fn pigeonhole_proofs_verify() {
    for (p, h) in [(5, 4), (6, 5), (7, 6)] {
        let cls = pigeonhole(p, h);
        for binary in [false, true] {
            for opts in [Options::default(), aggressive(50)] {
                let (r, proof) = solve_with_proof((p * h) as u32, &cls, binary, opts);
                assert_eq!(r, SolveResult::Unsat);
                let refs: Vec<&[i32]> = cls.iter().map(|c| c.as_slice()).collect();
                let report = check_drat((p * h) as u32, refs, &proof, ProofFormat::Auto).unwrap();
                assert!(report.verified, "php({},{}) binary={}: {}", p, h, binary, report.message);
            }
        }
    }
}
