//! Developer driver for the NeuroBack graph and forward pass:
//! `cargo run --profile quick -p fastback-core --example graph_timing -- [--vars=N] [--clauses=M] [--threads=T] [--repeat=R] [--model=FILE] [--dump=OUT] [--no-forward] [FILE.cnf]`.
//!
//! Times the graph build and the forward pass on a DIMACS file, or on a
//! uniform random 3-SAT formula (default: 250,000 variables, 1,000,000
//! clauses, fixed seed), with a trained model file or random weights of the
//! NeuroBack size (H = 64, 7 GINE layers, 4 GATv2 layers, 4 heads). Prints
//! one line per stage, so that timings in docs can be rerun; the forward
//! pass runs `--repeat` times (default 1) and its per-stage times (input
//! layer, GINE layers, GATv2 layers, head) come from the pass's interrupt
//! poll, which runs before each stage. `--dump=OUT` writes the logits as
//! little-endian `f32`, to compare two builds bit for bit (`cmp`).
use std::path::Path;
use std::time::Instant;

use fastback_core::graph::{sigmoid, Graph, Model, ModelConfig};
use fastback_core::sat::dimacs::{self, Cnf};

fn random_3sat(num_vars: u32, num_clauses: usize, seed: u64) -> Cnf {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 32) as u32
    };
    let mut cnf = Cnf::new(num_vars);
    cnf.lits.reserve(3 * num_clauses);
    cnf.offsets.reserve(num_clauses);
    for _ in 0..num_clauses {
        for _ in 0..3 {
            let v = (next() % num_vars + 1) as i32;
            cnf.lits.push(if next() & 1 == 0 { v } else { -v });
        }
        cnf.offsets.push(cnf.lits.len());
    }
    cnf
}

fn main() {
    let (mut vars, mut clauses, mut threads) = (250_000u32, 1_000_000usize, 0usize);
    let (mut model_path, mut cnf_path, mut forward) = (None, None, true);
    let (mut repeat, mut dump_path) = (1usize, None::<String>);
    for arg in std::env::args().skip(1) {
        match arg.split_once('=') {
            Some(("--vars", v)) => vars = v.parse().expect("--vars=N"),
            Some(("--clauses", v)) => clauses = v.parse().expect("--clauses=M"),
            Some(("--threads", v)) => threads = v.parse().expect("--threads=T"),
            Some(("--repeat", v)) => repeat = v.parse().expect("--repeat=R"),
            Some(("--model", v)) => model_path = Some(v.to_string()),
            Some(("--dump", v)) => dump_path = Some(v.to_string()),
            None if arg == "--no-forward" => forward = false,
            _ => cnf_path = Some(arg),
        }
    }
    let cnf = match &cnf_path {
        Some(p) => dimacs::read_path(Path::new(p)).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1)
        }),
        None => random_3sat(vars, clauses, 1),
    };
    let t0 = Instant::now();
    let graph = Graph::from_cnf(&cnf).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let build = t0.elapsed();
    println!(
        "graph: {} vars, {} clauses, {} meta, {} nodes, {} directed edges: built in {:.1} ms",
        graph.num_vars(),
        graph.num_clauses(),
        graph.num_meta(),
        graph.num_nodes(),
        graph.num_edges(),
        build.as_secs_f64() * 1e3
    );
    let t1 = Instant::now();
    let arrays = graph.edge_arrays();
    println!(
        "edge arrays (PyG edge_index, edge_type) for {} edges: {:.1} ms",
        arrays.src.len(),
        t1.elapsed().as_secs_f64() * 1e3
    );
    drop(arrays);
    if !forward {
        return;
    }
    let model = match &model_path {
        Some(p) => Model::load(Path::new(p)).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1)
        }),
        None => Model::random(&ModelConfig::new(64, 7, 4, 4), 1).unwrap(),
    };
    let c = model.config();
    let threads_text = if threads == 0 {
        "all".to_string()
    } else {
        threads.to_string()
    };
    for _ in 0..repeat.max(1) {
        // The pass polls the interrupt before each stage: the input layer,
        // each GINE layer, each GATv2 layer, the head.
        let mut polls: Vec<Instant> = Vec::new();
        let t1 = Instant::now();
        let logits = model
            .logits(&graph, threads, &mut || {
                polls.push(Instant::now());
                false
            })
            .unwrap();
        let end = Instant::now();
        let total = end - t1;
        polls.push(end);
        let ms = |a: usize, b: usize| (polls[b] - polls[a]).as_secs_f64() * 1e3;
        let (g, a) = (c.gin_layers, c.gat_layers);
        let p: Vec<f32> = logits.iter().map(|&l| sigmoid(l)).collect();
        let mean = p.iter().map(|&x| f64::from(x)).sum::<f64>() / p.len().max(1) as f64;
        println!(
            "forward: H={} G={} A={} K={}, threads={}: {:.1} ms (mean P(true) {:.4}); \
             input {:.1} ms, GINE {:.1} ms ({:.1}/layer), GATv2 {:.1} ms ({:.1}/layer), head {:.1} ms",
            c.hidden,
            g,
            a,
            c.heads,
            threads_text,
            total.as_secs_f64() * 1e3,
            mean,
            ms(0, 1),
            ms(1, 1 + g),
            ms(1, 1 + g) / g.max(1) as f64,
            ms(1 + g, 1 + g + a),
            ms(1 + g, 1 + g + a) / a.max(1) as f64,
            ms(1 + g + a, 2 + g + a),
        );
        if let Some(path) = &dump_path {
            let bytes: Vec<u8> = logits.iter().flat_map(|l| l.to_le_bytes()).collect();
            std::fs::write(path, bytes).unwrap_or_else(|e| {
                eprintln!("{path}: {e}");
                std::process::exit(1)
            });
        }
    }
}
