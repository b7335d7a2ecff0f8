//! Engine-level tests: the two solvers against each other and against a
//! plain brute-force counter, every solution checked by `Grid::is_solved`
//! (a set per unit, sharing no code with the solvers), the generator's
//! uniqueness by the brute force or the general solver, the batch against
//! single calls at several thread counts.

use std::path::PathBuf;

use proptest::prelude::*;

use super::*;

/// Counts solutions by trying every digit in the first empty cell, checking
/// only "no repeat in row, column, box" — nothing shared with the solvers.
fn brute_force_count(values: &mut Vec<u8>, b: usize, limit: u64) -> u64 {
    let n = b * b;
    let Some(i) = values.iter().position(|&v| v == 0) else {
        return 1;
    };
    let (r, c) = (i / n, i % n);
    let mut count = 0;
    for v in 1..=n as u8 {
        let clash = (0..n).any(|k| {
            values[r * n + k] == v
                || values[k * n + c] == v
                || values[(r / b * b + k / b) * n + c / b * b + k % b] == v
        });
        if !clash {
            values[i] = v;
            count += brute_force_count(values, b, limit - count);
            values[i] = 0;
            if count >= limit {
                break;
            }
        }
    }
    count
}

fn grid(text: &str) -> Grid {
    Grid::parse(text).unwrap()
}

/// A random full grid of box size `b` from `seed`, by the generator's path.
fn random_solution(b: usize, seed: u64) -> Grid {
    let size = BoxSize::new(b).unwrap();
    let mut rng = rng::Rng::new(seed);
    let empty = vec![0u8; size.cells()];
    let mut limits = general::Limits { solutions: 1, guesses: u64::MAX, stop: &mut || false, rng: Some(&mut rng) };
    Grid::from_values(&general::count(size, &empty, &mut limits).solution.unwrap()).unwrap()
}

/// Keeps each cell of `solution` with probability `keep / 256`.
fn thin(solution: &Grid, mask_seed: u64, keep: u64) -> Grid {
    let mut rng = rng::Rng::new(mask_seed);
    let values: Vec<u8> = solution.values().iter().map(|&v| if rng.below(256) < keep { v } else { 0 }).collect();
    Grid::from_values(&values).unwrap()
}

fn shared(name: &str) -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/sudoku").join(name);
    std::fs::read_to_string(p).ok()
}

const EASY: &str = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
/// Arto Inkala's "world's hardest".
const HARD: &str = "8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..";

#[test]
fn known_puzzles_solve_and_check() {
    for text in [EASY, HARD] {
        let p = grid(text);
        let s = solve(&p).unwrap();
        assert!(s.is_solved() && s.extends(&p));
        assert_eq!(count_solutions(&p, 10, &mut || false).count, 1);
        let g = general::solve(p.size(), p.values()).unwrap();
        assert_eq!(g, s.values(), "the two solvers agree on a unique puzzle");
    }
}

#[test]
fn empty_and_conflicting_grids() {
    let empty = Grid::empty(BoxSize::THREE);
    let c = count_solutions(&empty, 1000, &mut || false);
    assert_eq!(c.count, 1000);
    assert!(c.solution.unwrap().is_solved());
    // Two 5s in a row, column or box, or a cell with no digit left: none.
    let mut row = ".".repeat(81);
    row.replace_range(0..1, "5");
    row.replace_range(8..9, "5");
    let mut col = ".".repeat(81);
    col.replace_range(0..1, "5");
    col.replace_range(72..73, "5");
    // Cell 0 sees 1..8 in its row and 9 in its column.
    let blocked = ".12345678".to_string() + &".".repeat(18) + "9........" + &".".repeat(45);
    for text in [row, col, blocked] {
        let p = grid(&text);
        assert_eq!(count_solutions(&p, 2, &mut || false).count, 0, "{text}");
        assert_eq!(general::solve(p.size(), p.values()), None);
    }
}

#[test]
fn four_by_four_counts_match_brute_force_exhaustively_seeded() {
    for seed in 0..300u64 {
        let sol = random_solution(2, seed);
        let p = thin(&sol, seed ^ 0xabc, 40 + seed % 120);
        let expected = brute_force_count(&mut p.values().to_vec(), 2, 50);
        let got = count_solutions(&p, 50, &mut || false);
        assert_eq!(got.count, expected, "{p}");
        if let Some(s) = got.solution {
            assert!(s.is_solved() && s.extends(&p));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// fast9 and the general solver count the same solutions (up to 3) on
    /// random thinned grids, with and without conflicting edits, and every
    /// solution they return checks.
    #[test]
    fn fast9_agrees_with_general(seed in any::<u64>(), keep in 40u64..200, edits in proptest::collection::vec((0usize..81, 0u8..10), 0..3)) {
        let sol = random_solution(3, seed);
        let mut values = thin(&sol, !seed, keep).values().to_vec();
        for (i, v) in edits {
            values[i] = v;
        }
        let p = Grid::from_values(&values).unwrap();
        let fast = fast9::count(p.values(), 3, &mut || false);
        let mut limits = general::Limits { solutions: 3, guesses: u64::MAX, stop: &mut || false, rng: None };
        let slow = general::count(p.size(), p.values(), &mut limits);
        prop_assert_eq!(fast.count, slow.count);
        for s in [fast.solution.map(|s| s.to_vec()), slow.solution].into_iter().flatten() {
            let g = Grid::from_values(&s).unwrap();
            prop_assert!(g.is_solved() && g.extends(&p));
        }
    }

    /// The parser round-trips any grid of values.
    #[test]
    fn text_round_trip(b in 2usize..=5, seed in any::<u64>()) {
        let size = BoxSize::new(b).unwrap();
        let mut rng = rng::Rng::new(seed);
        let values: Vec<u8> = (0..size.cells()).map(|_| rng.below(size.side() as u64 + 1) as u8).collect();
        let g = Grid::from_values(&values).unwrap();
        prop_assert_eq!(Grid::parse(&g.to_text()).unwrap(), g);
    }
}

#[test]
fn larger_grids_solve() {
    for b in [4usize, 5] {
        let sol = random_solution(b, 11);
        assert!(sol.is_solved());
        let p = thin(&sol, 5, 150);
        let s = solve(&p).expect("thinned from a solution");
        assert!(s.is_solved() && s.extends(&p));
    }
    // The two shared 16x16 puzzles have more than one solution: the solver
    // finds two different ones, and both pass the independent check.
    if let Some(text) = shared("puzzles_16x16.txt") {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let p = grid(line.trim());
            let first = solve(&p).expect("solvable");
            assert!(first.is_solved() && first.extends(&p));
            let mut limits = general::Limits { solutions: 2, guesses: u64::MAX, stop: &mut || false, rng: None };
            assert_eq!(general::count(p.size(), p.values(), &mut limits).count, 2);
            let other = (0..p.values().len())
                .filter(|&i| p.get(i) == 0)
                .find_map(|i| {
                    (1..=16u8).filter(|&v| v != first.get(i)).find_map(|v| {
                        let mut q = p.clone();
                        q.set(i, v);
                        solve(&q)
                    })
                })
                .expect("a second solution");
            assert!(other.is_solved() && other.extends(&p) && other != first);
        }
    }
}

#[test]
fn shared_samples_are_unique_and_check() {
    for name in ["puzzles2_17_clue", "puzzles5_forum_hardest_1905_11+"] {
        let Some(text) = shared(name) else { continue };
        for line in text.lines().step_by(997) {
            let p = grid(line.trim());
            let c = count_solutions(&p, 2, &mut || false);
            assert_eq!(c.count, 1, "{name}: {line}");
            let s = c.solution.unwrap();
            assert!(s.is_solved() && s.extends(&p));
            // The general solver finds the same solution.
            assert_eq!(general::solve(p.size(), p.values()).unwrap(), s.values());
        }
    }
}

#[test]
fn batch_matches_single_calls_for_any_thread_count() {
    let mut set = PuzzleSet::new();
    let mut singles = Vec::new();
    for seed in 0..150u64 {
        let b = [2, 3, 3, 3, 4][seed as usize % 5];
        let sol = random_solution(b, seed);
        let p = thin(&sol, seed + 99, if b == 4 { 170 } else { 60 });
        set.push(p.values());
        singles.push(count_solutions(&p, 2, &mut || false));
    }
    let mut results = Vec::new();
    for threads in [1, 2, 3, 8] {
        let r = solve_batch(&set, 2, threads, &mut || false).unwrap();
        for (k, single) in singles.iter().enumerate() {
            assert_eq!(r.counts[k], single.count);
            let sol = &r.solutions[set.offsets[k]..set.offsets[k + 1]];
            match &single.solution {
                Some(s) => assert_eq!(sol, s.values()),
                None => assert!(sol.iter().all(|&v| v == 0)),
            }
        }
        results.push(r);
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn batch_interrupts() {
    // An almost empty grid, counted to a huge limit, never finishes alone.
    let mut set = PuzzleSet::new();
    for _ in 0..4 {
        set.push(&[0u8; 81]);
    }
    for threads in [1, 2] {
        let mut polls = 0;
        let r = solve_batch(&set, u64::MAX, threads, &mut || {
            polls += 1;
            polls > 3
        });
        assert_eq!(r, Err(Interrupted));
    }
}

#[test]
fn generated_puzzles_are_unique_minimal_and_deterministic() {
    let mut o = Options::default();
    for seed in 0..12 {
        o.seed = seed;
        o.symmetric = seed % 2;
        let g = generate(BoxSize::THREE, &o, &mut || false).unwrap();
        assert_eq!(g, generate(BoxSize::THREE, &o, &mut || false).unwrap(), "same seed, same puzzle");
        assert!(g.solution.is_solved() && g.solution.extends(&g.puzzle));
        assert_eq!(general::count(BoxSize::THREE, g.puzzle.values(), &mut general::Limits {
            solutions: 2, guesses: u64::MAX, stop: &mut || false, rng: None }).count, 1);
        assert_eq!(g.rating.solutions, 1);
        // Minimal: removing any one given (without symmetry) breaks uniqueness.
        if o.symmetric == 0 {
            for i in (0..81).filter(|&i| g.puzzle.get(i) != 0) {
                let mut v = g.puzzle.values().to_vec();
                v[i] = 0;
                assert_eq!(fast9::count(&v, 2, &mut || false).count, 2);
            }
        }
        if o.symmetric == 1 {
            assert!((0..81).all(|i| (g.puzzle.get(i) == 0) == (g.puzzle.get(80 - i) == 0)));
        }
    }
    // 4x4 checked by brute force.
    for seed in 0..30 {
        o.seed = seed;
        let g = generate(BoxSize::TWO, &o, &mut || false).unwrap();
        assert_eq!(brute_force_count(&mut g.puzzle.values().to_vec(), 2, 5), 1);
    }
}

#[test]
fn generator_reaches_requested_levels() {
    let mut o = Options::default();
    for level in [Level::Easy, Level::Medium, Level::Expert] {
        o.level = level as i64;
        o.seed = 3;
        let g = generate(BoxSize::THREE, &o, &mut || false).unwrap();
        assert_eq!(g.rating.level, level);
        assert_eq!(rate(&g.puzzle), g.rating);
    }
    o.level = Level::Hard as i64;
    o.attempts = 1;
    o.seed = 0;
    match generate(BoxSize::TWO, &o, &mut || false) {
        Err(GenerateError::LevelNotReached { attempts: 1, .. }) | Ok(_) => {}
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn ratings_order_known_puzzles() {
    let easy = rate(&grid(EASY));
    assert_eq!(easy.level, Level::Easy);
    assert_eq!((easy.solutions, easy.givens), (1, 30));
    assert_eq!(easy.steps[0] + easy.steps[1], 51, "every empty cell placed by a single");
    let hard = rate(&grid(HARD));
    assert_eq!(hard.level, Level::Expert);
    assert!(hard.guesses > 0);
    let full = solve(&grid(EASY)).unwrap();
    assert_eq!(rate(&full).level, Level::Given);
}
