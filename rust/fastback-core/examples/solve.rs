//! Developer driver: `cargo run --release --example solve -- FILE.cnf`.
//! Solves one DIMACS file, checks the model against every clause, prints stats.
use fastback_core::sat::{Lit, Options, SolveResult, Solver};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: solve FILE.cnf");
    let text = std::fs::read_to_string(&path).expect("read");
    let t0 = Instant::now();
    let mut clauses: Vec<Vec<i32>> = Vec::new();
    let mut cur = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('c') || line.starts_with('p') || line.starts_with('%') {
            continue;
        }
        for tok in line.split_whitespace() {
            let x: i32 = tok.parse().unwrap();
            if x == 0 {
                clauses.push(std::mem::take(&mut cur));
            } else {
                cur.push(x);
            }
        }
    }
    let mut opts = Options::default();
    for a in std::env::args().skip(2) {
        let (k, v) = a.trim_start_matches("--").split_once('=').expect("--name=value");
        opts.set(k, v.parse().unwrap()).unwrap();
    }
    let mut s = Solver::with_options(opts);
    for c in &clauses {
        let lits: Vec<Lit> = c.iter().map(|&d| Lit::from_dimacs(d).unwrap()).collect();
        s.add_clause(&lits);
    }
    let t1 = Instant::now();
    let r = s.solve(&[]);
    let t2 = Instant::now();
    if r == SolveResult::Sat {
        for c in &clauses {
            assert!(
                c.iter().any(|&d| s.model_value(Lit::from_dimacs(d).unwrap()) == Some(true)),
                "model violates clause {:?}",
                c
            );
        }
    }
    let st = s.stats();
    println!(
        "{:?} parse {:.2}s solve {:.2}s conflicts {} decisions {} props {} ({:.1} M/s) restarts {} reductions {} switches {} learned-lits {} minimized {}",
        r,
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        st.conflicts,
        st.decisions,
        st.propagations,
        st.propagations as f64 / (t2 - t1).as_secs_f64() / 1e6,
        st.restarts,
        st.reductions,
        st.mode_switches,
        st.learned_literals,
        st.minimized_literals
    );
    println!("  eliminated {} subsumed {} strengthened {} simplifications {} walks {} learned-kept {} memory {} MB", st.eliminated_vars, st.subsumed, st.strengthened, st.simplifications, st.walks, s.num_learned(), s.memory_bytes() >> 20);
}
