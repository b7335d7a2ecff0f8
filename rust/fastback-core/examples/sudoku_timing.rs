//! Developer driver for the Sudoku engine:
//! `cargo run --profile quick -p fastback-core --example sudoku_timing -- FILE [--limit=N] [--repeat=R] [--max=M]`.
//!
//! Solves every puzzle of FILE (one per line, `.` or `0` empty) on one
//! thread, directly through the Rust API (no Python, no parsing in the
//! timed loop), checks each solution, and prints puzzles per second and
//! guesses per puzzle. `--limit=2` also proves uniqueness, as tdoku's
//! published figures do.
use std::time::Instant;

use fastback_core::sudoku::{fast9, Grid};

fn main() {
    let mut file = None;
    let mut check = true;
    let (mut limit, mut repeat, mut max) = (1u64, 1usize, usize::MAX);
    for a in std::env::args().skip(1) {
        if let Some(v) = a.strip_prefix("--limit=") {
            limit = v.parse().expect("--limit=N");
        } else if let Some(v) = a.strip_prefix("--repeat=") {
            repeat = v.parse().expect("--repeat=R");
        } else if a == "--no-check" {
            check = false;
        } else if let Some(v) = a.strip_prefix("--max=") {
            max = v.parse().expect("--max=M");
        } else {
            file = Some(a);
        }
    }
    let file = file.expect("usage: sudoku_timing FILE [--limit=N] [--repeat=R] [--max=M]");
    let text = std::fs::read_to_string(&file).expect("readable file");
    let puzzles: Vec<Grid> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(max)
        .map(|l| Grid::parse(l).expect("a valid 9x9 puzzle"))
        .collect();
    let mut best = f64::INFINITY;
    let (mut guesses, mut solved, mut unique) = (0u64, 0usize, 0usize);
    for _ in 0..repeat {
        guesses = 0;
        solved = 0;
        unique = 0;
        let t0 = Instant::now();
        for p in &puzzles {
            let out = fast9::count(p.values(), limit, &mut || false);
            guesses += out.guesses;
            solved += out.solution.is_some() as usize;
            unique += (out.count == 1) as usize;
        }
        best = best.min(t0.elapsed().as_secs_f64());
    }
    // Checked outside the timed loop.
    for p in puzzles.iter().filter(|_| check) {
        if let Some(s) = fast9::solve(p.values()) {
            let g = Grid::from_values(&s).unwrap();
            assert!(g.is_solved() && g.extends(p), "wrong solution for {p}");
        }
    }
    let n = puzzles.len() as f64;
    println!(
        "{file}: {} puzzles, limit {limit}: {:.0} puzzles/s ({:.2} us/puzzle), {:.2} guesses/puzzle, {solved} solved, {unique} with count 1",
        puzzles.len(),
        n / best,
        best / n * 1e6,
        guesses as f64 / n
    );
}
