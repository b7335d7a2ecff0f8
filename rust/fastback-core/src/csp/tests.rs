//! Differential tests of the whole engine: random small models whose
//! solutions are enumerated by the search and, independently, by brute force
//! over every assignment with a plain evaluator of each constraint (written
//! here from the constraint's definition; it shares no code with the
//! propagators). Counts must agree, every solution must satisfy every
//! constraint, and no solution may repeat, under every search option.

use super::*;
use crate::csp::props::linear::Rel;
use proptest::prelude::*;
use std::collections::HashSet;

/// What a constraint means, evaluated on a full assignment.
fn holds(spec: &Spec, a: &[i64]) -> bool {
    let v = |x: VarId| a[x.index()];
    let lin = |terms: &[(i64, VarId)]| terms.iter().map(|&(c, x)| c * v(x)).sum::<i64>();
    let rel = |r: Rel, lhs: i64, c: i64| match r {
        Rel::Le => lhs <= c,
        Rel::Eq => lhs == c,
        Rel::Ne => lhs != c,
    };
    match spec {
        Spec::True => true,
        Spec::False => false,
        Spec::Clause(lits) => lits.iter().any(|l| l.holds_for(v(l.var))),
        Spec::Linear { terms, rel: r, c } => rel(*r, lin(terms), *c),
        Spec::ReifLinear { b, terms, rel: r, c } => (v(*b) == 1) == rel(*r, lin(terms), *c),
        Spec::AllDifferent { terms, .. } => {
            let vals: Vec<i64> = terms.iter().map(|&(x, c)| v(x) + c).collect();
            let set: HashSet<i64> = vals.iter().copied().collect();
            set.len() == vals.len()
        }
        Spec::Table { vars, tuples } => {
            tuples.chunks_exact(vars.len()).any(|t| t.iter().zip(vars).all(|(&tv, &x)| tv == v(x)))
        }
        Spec::ElementConst { array, index, value } => {
            let i = v(*index);
            i >= 0 && (i as usize) < array.len() && array[i as usize] == v(*value)
        }
        Spec::ElementVar { array, index, value } => {
            let i = v(*index);
            i >= 0 && (i as usize) < array.len() && v(array[i as usize]) == v(*value)
        }
    }
}

fn satisfies(m: &Model, a: &[i64]) -> bool {
    (0..m.num_constraints() as u32).all(|c| holds(m.constraint(ConstraintId(c)), a))
}

/// Every solution by brute force, over the user's (branching) variables;
/// auxiliary booleans are functions of them and are enumerated too.
fn brute_force(m: &Model) -> Vec<Vec<i64>> {
    let doms: Vec<Vec<i64>> = (0..m.num_vars() as u32).map(|i| m.domain(VarId(i))).collect();
    let mut out = Vec::new();
    let mut a = vec![0i64; doms.len()];
    fn rec(i: usize, doms: &[Vec<i64>], a: &mut Vec<i64>, m: &Model, out: &mut Vec<Vec<i64>>) {
        if i == doms.len() {
            if satisfies(m, a) {
                out.push(a.clone());
            }
            return;
        }
        for &v in &doms[i] {
            a[i] = v;
            rec(i + 1, doms, a, m, out);
        }
    }
    rec(0, &doms, &mut a, m, &mut out);
    out
}

fn search_all(m: &Model, opts: Options) -> Vec<Vec<i64>> {
    let mut s = Search::new(m, opts);
    let mut out = Vec::new();
    loop {
        match s.next_solution() {
            Outcome::Solution => out.push(s.solution()),
            Outcome::Exhausted => return out,
            Outcome::Stopped(r) => panic!("stopped without limits: {r:?}"),
        }
    }
}

fn check_model(m: &Model, opts: Options) -> Result<(), TestCaseError> {
    let expected: HashSet<Vec<i64>> = brute_force(m).into_iter().collect();
    let got = search_all(m, opts.clone());
    for sol in &got {
        prop_assert!(satisfies(m, sol), "solution {:?} violates a constraint of {:?}", sol, m);
    }
    let set: HashSet<Vec<i64>> = got.iter().cloned().collect();
    prop_assert_eq!(set.len(), got.len(), "a solution was returned twice ({:?})", opts);
    prop_assert_eq!(set, expected, "options {:?}", opts);
    Ok(())
}

/// A description of a random constraint, instantiated against the model.
#[derive(Clone, Debug)]
enum Gen {
    Linear(Vec<(i64, usize)>, usize, i64),
    AllDiff(Vec<(usize, i64)>, bool),
    Table(Vec<usize>, Vec<Vec<i64>>),
    ElemConst(Vec<i64>, usize, usize),
    ElemVar(Vec<usize>, usize, usize),
    /// A clause of reified relations: each `(terms, op, c)`.
    Or(Vec<(Vec<(i64, usize)>, usize, i64)>),
}

const OPS: [&str; 6] = ["<=", "<", ">=", ">", "==", "!="];

fn gen_terms(nv: usize) -> impl Strategy<Value = Vec<(i64, usize)>> {
    prop::collection::vec((-3i64..=3, 0..nv), 1..=3)
}

fn gen_constraint(nv: usize) -> impl Strategy<Value = Gen> {
    prop_oneof![
        (gen_terms(nv), 0..6usize, -4i64..=6).prop_map(|(t, op, c)| Gen::Linear(t, op, c)),
        (prop::collection::vec((0..nv, -1i64..=1), 2..=4), any::<bool>()).prop_map(|(t, g)| Gen::AllDiff(t, g)),
        (prop::collection::vec(0..nv, 1..=3), prop::collection::vec(prop::collection::vec(-1i64..=3, 3), 0..6))
            .prop_map(|(vars, tuples)| Gen::Table(vars, tuples)),
        (prop::collection::vec(-1i64..=3, 1..=4), 0..nv, 0..nv).prop_map(|(a, i, v)| Gen::ElemConst(a, i, v)),
        (prop::collection::vec(0..nv, 1..=3), 0..nv, 0..nv).prop_map(|(a, i, v)| Gen::ElemVar(a, i, v)),
        prop::collection::vec((gen_terms(nv), 0..6usize, -2i64..=4), 1..=3).prop_map(Gen::Or),
    ]
}

fn build(domains: &[(i64, Vec<i64>)], gens: &[Gen]) -> Model {
    let mut m = Model::new();
    let vars: Vec<VarId> = domains
        .iter()
        .map(|(lo, extra)| {
            if extra.is_empty() {
                m.new_int_var(*lo, *lo + 2).unwrap()
            } else {
                m.new_var_from_values(extra).unwrap()
            }
        })
        .collect();
    for g in gens {
        match g {
            Gen::Linear(t, op, c) => {
                let terms: Vec<(i64, VarId)> = t.iter().map(|&(a, i)| (a, vars[i])).collect();
                m.linear(&terms, OPS[*op], *c).unwrap();
            }
            Gen::AllDiff(t, gac) => {
                let terms: Vec<(VarId, i64)> = t.iter().map(|&(i, c)| (vars[i], c)).collect();
                let level = if *gac { AllDiffLevel::Domain } else { AllDiffLevel::Forward };
                m.all_different(&terms, level).unwrap();
            }
            Gen::Table(vs, tuples) => {
                let vv: Vec<VarId> = vs.iter().map(|&i| vars[i]).collect();
                let flat: Vec<i64> = tuples.iter().flat_map(|t| t[..vs.len()].to_vec()).collect();
                m.table(&vv, &flat).unwrap();
            }
            Gen::ElemConst(a, i, v) => {
                m.element_const(a, vars[*i], vars[*v]).unwrap();
            }
            Gen::ElemVar(a, i, v) => {
                let arr: Vec<VarId> = a.iter().map(|&k| vars[k]).collect();
                m.element_var(&arr, vars[*i], vars[*v]).unwrap();
            }
            Gen::Or(parts) => {
                let mut lits = Vec::new();
                let mut always = false;
                for (t, op, c) in parts {
                    let terms: Vec<(i64, VarId)> = t.iter().map(|&(a, i)| (a, vars[i])).collect();
                    match m.reify_linear(&terms, OPS[*op], *c).unwrap() {
                        Reified::Const(true) => always = true,
                        Reified::Const(false) => {}
                        Reified::Lit(l) => lits.push(l),
                    }
                }
                if !always {
                    m.clause(&lits).unwrap();
                }
            }
        }
    }
    m
}

fn option_sets(seed: u64) -> Vec<Options> {
    let mut v = Vec::new();
    for var_order in 0..=3 {
        for value_order in 0..=4 {
            v.push(Options {
                var_order,
                value_order,
                restarts: ((var_order + value_order) % 3) as i64,
                restart_base: 1,
                seed: (seed % 3) as i64,
                ..Options::default()
            });
        }
    }
    v
}

fn domains_strategy() -> impl Strategy<Value = Vec<(i64, Vec<i64>)>> {
    prop::collection::vec((-1i64..=1, prop::collection::vec(-2i64..=4, 0..=3)), 2..=5)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn search_matches_brute_force(
        domains in domains_strategy(),
        gens in prop::collection::vec(gen_constraint(5), 1..=4),
        seed in 0u64..1000,
    ) {
        let gens: Vec<Gen> = gens.into_iter().map(|g| clamp(g, domains.len())).collect();
        let m = build(&domains, &gens);
        for (k, opts) in option_sets(seed).into_iter().enumerate() {
            if k % 4 == (seed % 4) as usize || k == 0 {
                check_model(&m, opts)?;
            }
        }
    }
}

/// Maps variable indices generated for 5 variables onto `nv`.
fn clamp(g: Gen, nv: usize) -> Gen {
    let c = |i: usize| i % nv;
    match g {
        Gen::Linear(t, op, k) => Gen::Linear(t.into_iter().map(|(a, i)| (a, c(i))).collect(), op, k),
        Gen::AllDiff(t, b) => Gen::AllDiff(t.into_iter().map(|(i, o)| (c(i), o)).collect(), b),
        Gen::Table(v, t) => Gen::Table(v.into_iter().map(c).collect(), t),
        Gen::ElemConst(a, i, v) => Gen::ElemConst(a, c(i), c(v)),
        Gen::ElemVar(a, i, v) => Gen::ElemVar(a.into_iter().map(c).collect(), c(i), c(v)),
        Gen::Or(p) => Gen::Or(
            p.into_iter().map(|(t, op, k)| (t.into_iter().map(|(a, i)| (a, c(i))).collect(), op, k)).collect(),
        ),
    }
}

fn queens(n: usize, level: AllDiffLevel) -> Model {
    let mut m = Model::new();
    let q: Vec<VarId> = (0..n).map(|_| m.new_int_var(0, n as i64 - 1).unwrap()).collect();
    let t = |off: i64| -> Vec<(VarId, i64)> { q.iter().enumerate().map(|(i, &x)| (x, off * i as i64)).collect() };
    m.all_different(&t(0), level).unwrap();
    m.all_different(&t(1), level).unwrap();
    m.all_different(&t(-1), level).unwrap();
    m
}

#[test]
fn queens_counts() {
    let known = [1, 0, 0, 2, 10, 4, 40, 92];
    for level in [AllDiffLevel::Forward, AllDiffLevel::Domain] {
        for (i, &want) in known.iter().enumerate() {
            let m = queens(i + 1, level);
            let got = search_all(&m, Options::default());
            assert_eq!(got.len(), want, "n = {}, {:?}", i + 1, level);
            for sol in &got {
                assert!(satisfies(&m, sol));
            }
        }
    }
}

#[test]
fn one_solution_for_large_queens_with_restarts() {
    let m = queens(60, AllDiffLevel::Domain);
    let mut s = Search::new(&m, Options::default());
    assert_eq!(s.next_solution(), Outcome::Solution);
    assert!(satisfies(&m, &s.solution()));
}

#[test]
fn limits_stop_and_resume() {
    let m = queens(10, AllDiffLevel::Forward);
    let mut s = Search::new(&m, Options { restarts: 0, ..Options::default() });
    s.set_limits(Limits { nodes: Some(5), ..Limits::default() });
    let mut count = 0;
    loop {
        match s.next_solution() {
            Outcome::Solution => count += 1,
            Outcome::Exhausted => break,
            Outcome::Stopped(StopReason::NodeLimit) => {
                let n = s.stats().nodes;
                s.set_limits(Limits { nodes: Some(n + 5), ..Limits::default() });
            }
            Outcome::Stopped(r) => panic!("{r:?}"),
        }
    }
    assert_eq!(count, 724);
    let mut s = Search::new(&m, Options::default());
    s.interrupt_flag().store(true, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(s.next_solution(), Outcome::Stopped(StopReason::Interrupted));
    assert_eq!(s.next_solution(), Outcome::Solution);
}

#[test]
fn unsatisfiable_with_restarts_and_nogoods_is_exhausted() {
    // Pigeonhole: 7 pigeons, 6 holes, with only pairwise != (no matching),
    // so the search has to fail a lot and restart.
    let mut m = Model::new();
    let p: Vec<VarId> = (0..7).map(|_| m.new_int_var(0, 5).unwrap()).collect();
    for i in 0..7 {
        for j in i + 1..7 {
            m.linear(&[(1, p[i]), (-1, p[j])], "!=", 0).unwrap();
        }
    }
    for restarts in 0..=2 {
        let mut s = Search::new(&m, Options { restarts, restart_base: 3, ..Options::default() });
        assert_eq!(s.next_solution(), Outcome::Exhausted);
        if restarts > 0 {
            assert!(s.stats().restarts > 0 && s.stats().nogoods > 0, "{:?}", s.stats());
        }
    }
}

#[test]
fn trace_records_decisions_prunes_conflicts_and_backtracks() {
    let m = queens(4, AllDiffLevel::Forward);
    let mut s = Search::new(&m, Options { var_order: 0, restarts: 0, ..Options::default() });
    s.record_trace();
    assert_eq!(s.next_solution(), Outcome::Solution);
    let t = s.trace().unwrap();
    let kinds: HashSet<&str> = t
        .events
        .iter()
        .map(|e| match e {
            TraceEvent::Assign { .. } => "assign",
            TraceEvent::Refute { .. } => "refute",
            TraceEvent::Prune { .. } => "prune",
            TraceEvent::Conflict { .. } => "conflict",
            TraceEvent::Backtrack { .. } => "backtrack",
            TraceEvent::Solution { .. } => "solution",
            TraceEvent::Restart { .. } => "restart",
        })
        .collect();
    for k in ["assign", "refute", "prune", "conflict", "backtrack", "solution"] {
        assert!(kinds.contains(k), "no {k} event in {:?}", t.events);
    }
    // Replaying assignments and prunes reaches the solution.
    let sol = s.solution();
    let mut doms: Vec<HashSet<i64>> = (0..4).map(|_| (0..4).collect()).collect();
    let mut stack: Vec<Vec<HashSet<i64>>> = Vec::new();
    for e in &t.events {
        match e {
            TraceEvent::Assign { lit, .. } => {
                stack.push(doms.clone());
                doms[lit.var.index()].retain(|&v| lit.holds_for(v));
            }
            TraceEvent::Refute { lit, .. } => doms[lit.var.index()].retain(|&v| lit.holds_for(v)),
            TraceEvent::Prune { var, removed, .. } => {
                for r in removed {
                    assert!(doms[var.index()].remove(r), "pruned {r} twice");
                }
            }
            TraceEvent::Backtrack { from, to } => {
                for _ in *to..*from {
                    doms = stack.pop().unwrap();
                }
            }
            _ => {}
        }
    }
    for (i, d) in doms.iter().enumerate() {
        assert_eq!(d.iter().copied().collect::<Vec<_>>(), vec![sol[i]]);
    }
}

#[test]
fn model_errors_say_where() {
    let mut m = Model::new();
    let x = m.new_int_var(0, 3).unwrap();
    assert!(m.new_int_var(3, 2).unwrap_err().message.contains("empty domain"));
    assert!(m.new_int_var(0, 1 << 30).unwrap_err().message.contains("2^24"));
    let e = m.linear(&[(1, x), (1, VarId(9))], "<=", 1).unwrap_err();
    assert_eq!(e.constraint, Some(0));
    assert!(e.message.contains("constraint 0 (linear): term 1 refers to variable 9"), "{}", e.message);
    let e = m.table(&[x, x], &[1, 2, 3]).unwrap_err();
    assert!(e.message.contains("tuples of 2"), "{}", e.message);
    assert!(m.linear(&[(1 << 40, x)], "<=", 1 << 59).is_ok());
    assert!(m.linear(&[(1 << 60, x), (1 << 60, x)], "<=", 0).unwrap_err().message.contains("overflow"));
    assert!(m.linear(&[(1, x)], "=<", 0).unwrap_err().message.contains("unknown relation"));
    assert!(m.element_const(&[], x, x).unwrap_err().message.contains("empty"));
}
