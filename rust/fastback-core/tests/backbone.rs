//! `Solver::backbone` against brute force: on many small random formulas
//! (random clauses plus units and equivalences, so backbones are not always
//! empty; unsatisfiable ones included), the backbone must equal the
//! intersection of all models, enumerated here without the solver. Also:
//! the computation leaves the formula unchanged (a later backbone of an
//! extended formula is still exact, a later DRAT proof still verifies), and
//! a limited computation reports an error whose partial answer brackets the
//! true backbone.

mod common;
use common::aggressive;
use fastback_core::sat::check::{check_drat, ProofFormat};
use fastback_core::sat::proof::MemorySink;
use fastback_core::sat::{Lit, Options, SolveResult, Solver};
use proptest::prelude::*;

fn lit(d: i32) -> Lit {
    Lit::from_dimacs(d).unwrap()
}

/// The backbone by enumeration as sorted DIMACS literals; `None` when unsatisfiable.
fn brute_force_backbone(nv: u32, clauses: &[Vec<i32>]) -> Option<Vec<i32>> {
    let mut always_true: u32 = !0;
    let mut always_false: u32 = !0;
    let mut any = false;
    for m in 0u32..(1 << nv) {
        let val = |d: i32| {
            let b = m >> (d.unsigned_abs() - 1) & 1 == 1;
            if d > 0 { b } else { !b }
        };
        if clauses.iter().all(|c| c.iter().any(|&d| val(d))) {
            any = true;
            always_true &= m;
            always_false &= !m;
        }
    }
    if !any {
        return None;
    }
    let mut out = Vec::new();
    for v in 0..nv {
        if always_true >> v & 1 == 1 {
            out.push(v as i32 + 1);
        } else if always_false >> v & 1 == 1 {
            out.push(-(v as i32 + 1));
        }
    }
    Some(out)
}

fn dimacs(lits: &[Lit]) -> Vec<i32> {
    lits.iter().map(|l| l.to_dimacs()).collect()
}

fn add_all(s: &mut Solver, clauses: &[Vec<i32>]) {
    for c in clauses {
        let lits: Vec<Lit> = c.iter().map(|&d| lit(d)).collect();
        s.add_clause(&lits);
    }
}

/// Random clauses of length 1-4, plus units and equivalences (`a <-> ±b`),
/// which chain backbone literals through the formula.
fn formula(max_vars: u32, max_clauses: usize) -> impl Strategy<Value = (u32, Vec<Vec<i32>>)> {
    (1..=max_vars).prop_flat_map(move |nv| {
        let lit = (1..=nv as i32, any::<bool>()).prop_map(|(v, s)| if s { v } else { -v });
        let clause = prop::collection::vec(lit.clone(), 1..5);
        let units = prop::collection::vec(lit.clone(), 0..3);
        let equivalences = prop::collection::vec((lit.clone(), lit), 0..4);
        (Just(nv), prop::collection::vec(clause, 0..max_clauses), units, equivalences).prop_map(
            |(nv, mut clauses, units, equivalences)| {
                clauses.extend(units.into_iter().map(|u| vec![u]));
                for (a, b) in equivalences {
                    clauses.push(vec![-a, b]);
                    clauses.push(vec![a, -b]);
                }
                (nv, clauses)
            },
        )
    })
}

fn solver_for(kind: u8, seed: i64) -> Solver {
    let mut o = match kind {
        0 => Options::default(),
        _ => aggressive(20),
    };
    o.set("seed", seed).unwrap();
    Solver::with_options(o)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, .. ProptestConfig::default() })]

    #[test]
    fn agrees_with_brute_force((nv, clauses) in formula(12, 60), kind in 0u8..2, seed in 0i64..3) {
        let mut s = solver_for(kind, seed);
        s.reserve_vars(nv);
        add_all(&mut s, &clauses);
        let b = s.backbone().unwrap();
        let expected = brute_force_backbone(nv, &clauses);
        prop_assert_eq!(b.lits().map(dimacs), expected.clone());
        let st = b.stats();
        prop_assert!(st.solves <= nv as u64 + 2, "{} calls", st.solves);
        if let Some(bb) = expected {
            prop_assert_eq!(st.candidates, nv as u64);
            prop_assert_eq!(st.fixed + st.confirmed_by_unsat, bb.len() as u64);
            prop_assert_eq!(st.filtered + st.flipped, nv as u64 - bb.len() as u64);
        }
    }

    #[test]
    fn formula_is_unchanged_for_later_calls(
        (nv, clauses) in formula(10, 40),
        extra in prop::collection::vec(prop::collection::vec((1i32..=10, any::<bool>()), 1..4), 0..8),
        kind in 0u8..2,
    ) {
        let extra: Vec<Vec<i32>> = extra
            .into_iter()
            .map(|c| c.into_iter().filter(|(v, _)| *v as u32 <= nv).map(|(v, p)| if p { v } else { -v }).collect())
            .collect();
        let mut s = solver_for(kind, 0);
        s.reserve_vars(nv);
        add_all(&mut s, &clauses);
        let first = s.backbone().unwrap();
        prop_assert_eq!(first.lits().map(dimacs), brute_force_backbone(nv, &clauses));
        // The formula answers as before, and a second computation after more
        // clauses is exact for the extended formula.
        let r = s.solve(&[]);
        prop_assert_eq!(r == SolveResult::Sat, first.lits().is_some());
        add_all(&mut s, &extra);
        let mut all = clauses.clone();
        all.extend(extra);
        let second = s.backbone().unwrap();
        prop_assert_eq!(second.lits().map(dimacs), brute_force_backbone(nv, &all));
    }

    #[test]
    fn limited_runs_bracket_the_backbone((nv, clauses) in formula(12, 60), budget in 0u64..6, kind in 0u8..2) {
        let mut s = solver_for(kind, 0);
        s.reserve_vars(nv);
        add_all(&mut s, &clauses);
        s.set_conflict_budget(Some(budget));
        let expected = brute_force_backbone(nv, &clauses);
        match s.backbone() {
            Ok(b) => prop_assert_eq!(b.lits().map(dimacs), expected),
            Err(e) => {
                prop_assert!(e.stats.conflicts <= budget + 1, "{} conflicts over a budget of {}", e.stats.conflicts, budget);
                let confirmed = dimacs(&e.confirmed);
                match (&e.undecided, &expected) {
                    (None, _) => prop_assert!(confirmed.is_empty()),
                    (Some(_), None) => prop_assert!(false, "undecided candidates for an unsatisfiable formula"),
                    (Some(u), Some(bb)) => {
                        let undecided = dimacs(u);
                        prop_assert!(confirmed.iter().all(|l| bb.contains(l)), "confirmed {:?} not in {:?}", confirmed, bb);
                        prop_assert!(bb.iter().all(|l| confirmed.contains(l) || undecided.contains(l)));
                    }
                }
            }
        }
        // The budget is the caller's again, and unlimited calls complete.
        s.set_conflict_budget(None);
        prop_assert_eq!(s.backbone().unwrap().lits().map(dimacs), brute_force_backbone(nv, &clauses));
    }
}

/// Learned clauses of the constrained calls are implied by the formula alone:
/// once a clause contradicting a backbone literal makes the formula
/// unsatisfiable, the DRAT proof logged across the backbone computation,
/// which derives that literal there, still verifies.
#[test]
fn proofs_stay_valid_across_backbone_computations() {
    let mut rng = 0x1234_5678_9abc_def0u64;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let mut checked = 0;
    for round in 0..80 {
        let nv = 30u32;
        let mut clauses: Vec<Vec<i32>> = (0..125)
            .map(|_| {
                (0..3)
                    .map(|_| {
                        let v = next(nv as u64) as i32 + 1;
                        if next(2) == 0 { v } else { -v }
                    })
                    .collect()
            })
            .collect();
        let buf = MemorySink::new();
        let opts = if round % 2 == 0 { Options::default() } else { aggressive(20) };
        let mut s = Solver::with_options(opts);
        s.set_proof(Box::new(buf.clone()), round % 4 < 2).unwrap();
        s.reserve_vars(nv);
        add_all(&mut s, &clauses);
        let b = s.backbone().unwrap();
        let Some(&first) = b.lits().and_then(|l| l.first()) else { continue };
        let extra = vec![vec![-first.to_dimacs()]];
        add_all(&mut s, &extra);
        assert_eq!(s.solve(&[]), SolveResult::Unsat);
        s.flush_proof().unwrap();
        clauses.extend(extra);
        let refs: Vec<&[i32]> = clauses.iter().map(|c| c.as_slice()).collect();
        let report = check_drat(nv, refs, &buf.contents(), ProofFormat::Auto).unwrap();
        assert!(report.verified, "round {round}: {}", report.message);
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} formulas with a backbone");
}
