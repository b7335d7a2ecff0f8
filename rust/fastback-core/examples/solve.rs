//! Developer driver: `cargo run --release --example solve -- FILE.cnf`.
//! Solves one DIMACS file with `--option=value` settings, checks the model
//! against every clause, prints one line of statistics. For tuning runs
//! without Python start-up; `fastback sat` is the user-facing command.
use fastback_core::sat::{dimacs, Lit, Options, SolveResult, Solver};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: solve FILE.cnf");
    let t0 = Instant::now();
    let cnf = match dimacs::read_path(std::path::Path::new(&path)) {
        Ok(cnf) => cnf,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let clauses: Vec<Vec<i32>> = cnf.clauses().map(|c| c.to_vec()).collect();
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
