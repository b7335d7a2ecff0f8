//! Tests of the Sudoku trace search: solutions are checked by the Sudoku
//! rules, and every event stream by a replay that shares no code with the
//! search (a plain grid, recomputed candidates, snapshots at each guess).

use proptest::prelude::*;

use super::render::{render_dfs, render_nl};
use super::*;
use crate::traces::options::{OptionValue, TraceOptions};
use crate::traces::TraceError;

const EASY9: &str = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
/// Gordon Royle's first 17-clue puzzle (the shared 17-clue set).
const HARD9: &str = ".................1.....2.3......3.2...1.4......5....6..3......4.7..8...962...7...";
const FOUR: &str = "1..2..1..3..4...";

fn opts(pairs: &[(&str, &str)]) -> TraceOptions {
    let mut o = TraceOptions::default();
    for (k, v) in pairs {
        let value = v.parse::<i64>().map(OptionValue::Int).unwrap_or_else(|_| OptionValue::Name(v.to_string()));
        o.set(k, &value).unwrap();
    }
    o
}

fn never() -> impl FnMut() -> bool {
    || false
}

fn candidates(g: &[u8], n: usize, b: usize, cell: usize) -> Vec<u8> {
    let (r, c) = (cell / n, cell % n);
    (1..=n as u8)
        .filter(|&v| {
            (0..n).all(|k| g[r * n + k] != v && g[k * n + c] != v)
                && (0..n).all(|k| g[(r / b * b + k / b) * n + c / b * b + k % b] != v)
        })
        .collect()
}

/// Replays events on a plain grid; returns the number of reverts.
fn replay(puzzle: &Grid, events: &[SudokuEvent], solution: &Grid) -> Result<usize, String> {
    let (n, b) = (puzzle.shape.n, puzzle.shape.b);
    let mut g = puzzle.cells.clone();
    let mut open: Vec<(Cell, u8, Vec<u8>)> = Vec::new();
    let mut reverts = 0;
    let mut last_dead = false;
    for (i, e) in events.iter().enumerate() {
        let was_dead = last_dead;
        last_dead = false;
        match *e {
            SudokuEvent::Fill { cell, value, reason } => {
                let cands = candidates(&g, n, b, cell.index());
                if g[cell.index()] != 0 || !cands.contains(&value) {
                    return Err(format!("event {i}: illegal fill {cell:?}={value}"));
                }
                match reason {
                    FillReason::Naked if cands.len() != 1 => return Err(format!("event {i}: not a naked single")),
                    FillReason::Hidden(unit) => {
                        let places = puzzle
                            .shape
                            .unit_cells(unit)
                            .into_iter()
                            .filter(|c| g[c.index()] == 0 && candidates(&g, n, b, c.index()).contains(&value))
                            .count();
                        if places != 1 {
                            return Err(format!("event {i}: not a hidden single"));
                        }
                    }
                    _ => {}
                }
                g[cell.index()] = value;
            }
            SudokuEvent::Guess { cell, value } => {
                if g[cell.index()] != 0 || !candidates(&g, n, b, cell.index()).contains(&value) {
                    return Err(format!("event {i}: illegal guess"));
                }
                open.push((cell, value, g.clone()));
                g[cell.index()] = value;
            }
            SudokuEvent::Dead(DeadEnd::NoCandidates(cell)) => {
                if g[cell.index()] != 0 || !candidates(&g, n, b, cell.index()).is_empty() {
                    return Err(format!("event {i}: not a dead cell"));
                }
                last_dead = true;
            }
            SudokuEvent::Dead(DeadEnd::NoPlace { unit, value }) => {
                let cells = puzzle.shape.unit_cells(unit);
                if cells.iter().any(|c| g[c.index()] == value)
                    || cells.iter().any(|c| g[c.index()] == 0 && candidates(&g, n, b, c.index()).contains(&value))
                {
                    return Err(format!("event {i}: the value has a place"));
                }
                last_dead = true;
            }
            SudokuEvent::Revert { cell, value } => {
                if !was_dead && !matches!(events[i - 1], SudokuEvent::Revert { .. }) {
                    return Err(format!("event {i}: a revert after neither a dead end nor a revert"));
                }
                let at = open
                    .iter()
                    .rposition(|&(c, v, _)| c == cell && v == value)
                    .ok_or(format!("event {i}: revert of a guess that is not open"))?;
                g = open[at].2.clone();
                open.truncate(at);
                reverts += 1;
            }
            SudokuEvent::Solved => {
                if i != events.len() - 1 {
                    return Err("Solved is not last".into());
                }
            }
        }
    }
    if events.last() != Some(&SudokuEvent::Solved) {
        return Err("no Solved at the end".into());
    }
    let end = Grid { shape: puzzle.shape, cells: g };
    if !end.is_solved() || end != *solution {
        return Err("the replay does not end at the recorded solution".into());
    }
    Ok(reverts)
}

fn consistent(puzzle: &Grid, solution: &Grid) -> bool {
    solution.is_solved() && puzzle.cells.iter().zip(&solution.cells).all(|(&p, &s)| p == 0 || p == s)
}

#[test]
fn full_search_solves_and_replays() {
    for (puzzle, o) in [
        (EASY9, opts(&[])),
        (HARD9, opts(&[])),
        (HARD9, opts(&[("propagation", "hidden")])),
        (EASY9, opts(&[("propagation", "none"), ("cell_order", "first")])),
        (FOUR, opts(&[("propagation", "none"), ("cell_order", "first")])),
        (HARD9, opts(&[("value_order", "random"), ("seed", "5")])),
    ] {
        let p = Grid::parse(puzzle).unwrap();
        let t = full_search(&p, &o, &mut never()).unwrap();
        assert!(consistent(&p, &t.solution), "{puzzle}");
        assert_eq!(replay(&p, &t.events, &t.solution), Ok(t.backtracks));
    }
}

#[test]
fn guided_search_has_exactly_k_backtracks() {
    for (puzzle, o) in [
        (HARD9, opts(&[])),
        (EASY9, opts(&[("propagation", "none"), ("cell_order", "first")])),
        (FOUR, opts(&[("propagation", "none"), ("cell_order", "first")])),
        (HARD9, opts(&[("propagation", "hidden"), ("seed", "9")])),
    ] {
        let p = Grid::parse(puzzle).unwrap();
        let available = match guided_search(&p, &o, 10_000, &mut never()) {
            Err(TraceError::NotEnoughWrongGuesses { available, .. }) => available,
            other => panic!("{other:?}"),
        };
        assert!(available >= 1, "{puzzle}");
        for k in 0..=available.min(4) {
            let t = guided_search(&p, &o, k, &mut never()).unwrap();
            assert_eq!(t.backtracks, k);
            assert_eq!(replay(&p, &t.events, &t.solution), Ok(k), "{puzzle} k={k}");
            assert!(consistent(&p, &t.solution));
        }
    }
}

#[test]
fn a_puzzle_that_cannot_supply_k_is_an_error_naming_what_it_can() {
    // Naked singles alone solve this one: there is no guess to get wrong.
    let p = Grid::parse(EASY9).unwrap();
    let o = opts(&[("propagation", "hidden")]);
    assert!(full_search(&p, &o, &mut never()).unwrap().guesses == 0);
    match guided_search(&p, &o, 1, &mut never()) {
        Err(TraceError::NotEnoughWrongGuesses { requested: 1, available: 0, .. }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(guided_search(&p, &o, 0, &mut never()).unwrap().backtracks, 0);
    // The 4x4 puzzle under the paper's own search supplies a known number.
    let p = Grid::parse(FOUR).unwrap();
    let o = opts(&[("propagation", "none"), ("cell_order", "first")]);
    let available = match guided_search(&p, &o, 1000, &mut never()) {
        Err(TraceError::NotEnoughWrongGuesses { available, .. }) => available,
        other => panic!("{other:?}"),
    };
    assert_eq!(available, 1);
    assert_eq!(guided_search(&p, &o, available, &mut never()).unwrap().backtracks, available);
    let msg = TraceError::NotEnoughWrongGuesses { requested: 5, available: 2, undecided: 0 }.to_string();
    assert!(msg.contains("cannot supply 5 backtracks") && msg.contains("only 2 wrong guesses"), "{msg}");
}

#[test]
fn no_solution_budget_and_interrupt() {
    let dead = Grid::parse(".23.....1...4...").unwrap();
    assert_eq!(full_search(&dead, &opts(&[]), &mut never()).unwrap_err(), TraceError::NoSolution);
    assert_eq!(guided_search(&dead, &opts(&[]), 0, &mut never()).unwrap_err(), TraceError::NoSolution);
    let hard = Grid::parse(HARD9).unwrap();
    let naive = [("propagation", "none"), ("cell_order", "first")];
    let mut tight = opts(&naive);
    tight.max_nodes = 10;
    assert_eq!(full_search(&hard, &tight, &mut never()).unwrap_err(), TraceError::Budget { max_nodes: 10 });
    let mut asked = 0;
    let mut stop = || {
        asked += 1;
        true
    };
    assert_eq!(full_search(&hard, &opts(&naive), &mut stop).unwrap_err(), TraceError::Interrupted);
    assert_eq!(asked, 1);
}

#[test]
fn same_seed_same_trace() {
    let p = Grid::parse(HARD9).unwrap();
    let a = guided_search(&p, &opts(&[("seed", "3")]), 3, &mut never()).unwrap();
    let b = guided_search(&p, &opts(&[("seed", "3")]), 3, &mut never()).unwrap();
    assert_eq!(a.events, b.events);
    let differ = (4..12).any(|s| {
        guided_search(&p, &opts(&[("seed", &s.to_string())]), 3, &mut never()).unwrap().events != a.events
    });
    assert!(differ, "the seed never changes which detours are taken");
}

#[test]
fn dfs_text_of_a_small_search() {
    // Naked singles solve this 4x4 puzzle: fills only.
    let p = Grid::parse("1..2..1..3..4...").unwrap();
    let t = guided_search(&p, &opts(&[("propagation", "naked")]), 0, &mut never()).unwrap();
    let text = render_dfs(&t);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"solution 1432321423414123"), "{text}");
    assert_eq!(lines[lines.len() - 2], "solved");
    assert!(lines.iter().all(|l| l.starts_with("fill r") || l.starts_with("guess r") || *l == "solved" || l.starts_with("solution")));
    let full = render_dfs(&full_search(&Grid::parse(HARD9).unwrap(), &opts(&[]), &mut never()).unwrap());
    assert!(full.lines().any(|l| l.starts_with("revert r")) && full.lines().any(|l| l.starts_with("dead r")));
}

#[test]
fn nl_text_uses_the_papers_sentences() {
    let p = Grid::parse(EASY9).unwrap();
    let o = opts(&[("propagation", "none"), ("cell_order", "first")]);
    let t = guided_search(&p, &o, 2, &mut never()).unwrap();
    let text = render_nl(&p, &t);
    assert!(text.starts_with(
        "Looking at the cell at (1,3). Based on the current board, row 1 is missing [1, 2, 4, 6, 8, 9], \
         column 3 is missing [1, 2, 3, 4, 5, 6, 7, 9], and the 3x3 box is [1, 2, 4, 7]. Taking the intersection \
         of these sets, the possible values for cell (1,3) are [1, 2, 4]."
    ), "{}", &text[..300]);
    assert_eq!(text.matches("erase").count(), 2);
    assert_eq!(text.matches("I need to go back to one of previous cells.").count(), 2);
    assert!(text.contains("Out of all the possible values"));
    assert!(text.contains(" The current board is:\n"));
    assert!(text.ends_with(
        "</think>\n\n<answer>\n5 3 4 6 7 8 9 1 2\n6 7 2 1 9 5 3 4 8\n1 9 8 3 4 2 5 6 7\n8 5 9 7 6 1 4 2 3\n\
         4 2 6 8 5 3 7 9 1\n7 1 3 9 2 4 8 5 6\n9 6 1 5 3 7 2 8 4\n2 8 7 4 1 9 6 3 5\n3 4 5 2 8 6 1 7 9\n</answer>"
    ));
    let hidden = render_nl(&p, &full_search(&p, &opts(&[("propagation", "hidden")]), &mut never()).unwrap());
    assert!(hidden.contains("must be"));
}

fn random_puzzle(seed: u64, holes: usize) -> Grid {
    // A 4x4 solution from a shuffled pattern, then `holes` cells emptied.
    let mut rng = crate::traces::rng::SplitMix64::new(seed);
    let base = Grid::parse("1234341221434321").unwrap();
    let mut digits: Vec<u8> = (1..=4).collect();
    rng.shuffle(&mut digits);
    let mut cells: Vec<u8> = base.cells.iter().map(|&v| digits[v as usize - 1]).collect();
    let mut order: Vec<usize> = (0..16).collect();
    rng.shuffle(&mut order);
    for &i in order.iter().take(holes) {
        cells[i] = 0;
    }
    Grid::from_values(base.shape, cells).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn guided_traces_replay_with_k_or_say_how_many(seed in 0u64..1_000_000, holes in 4usize..16, k in 0usize..6,
                                                    prop in 0usize..3, first in proptest::bool::ANY) {
        let p = random_puzzle(seed, holes);
        let mut o = TraceOptions::default();
        o.set("propagation", &OptionValue::Name(["none", "naked", "hidden"][prop].into())).unwrap();
        o.set("cell_order", &OptionValue::Name(if first { "first" } else { "mrv" }.into())).unwrap();
        o.seed = seed;
        match guided_search(&p, &o, k, &mut never()) {
            Ok(t) => {
                prop_assert_eq!(replay(&p, &t.events, &t.solution), Ok(k));
                prop_assert!(consistent(&p, &t.solution));
            }
            Err(TraceError::NotEnoughWrongGuesses { requested, available, undecided }) => {
                prop_assert_eq!(requested, k);
                prop_assert!(available < k);
                prop_assert_eq!(undecided, 0);
                let t = guided_search(&p, &o, available, &mut never()).unwrap();
                prop_assert_eq!(replay(&p, &t.events, &t.solution), Ok(available));
            }
            Err(e) => prop_assert!(false, "{}", e),
        }
        let full = full_search(&p, &o, &mut never()).unwrap();
        prop_assert_eq!(replay(&p, &full.events, &full.solution), Ok(full.backtracks));
    }
}

