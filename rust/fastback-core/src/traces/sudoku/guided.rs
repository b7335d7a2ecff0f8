//! Traces with a chosen number of backtracks: the solution path of the
//! search plus exactly k wrong guesses, each explored until a contradiction
//! and undone.
//!
//! This is the construction of "How Much Backtracking is Enough?" (Cai et
//! al., 2025; `explain_with_detours_from_tree` in the authors' released
//! reasoning-gym fork), made from fastback's own search:
//!
//! 1. Solve, then replay the search along the solution: at each node the
//!    search picks its cell as usual and guesses the solution's value,
//!    followed by its propagation. These nodes are the *path*.
//! 2. Every other candidate of a path node's cell is a possible *wrong
//!    guess*. One is eligible when the search, started from that node with
//!    that guess, is exhausted without a solution (so it is wrong even when
//!    the puzzle has several solutions). Its *detour* is the search's own
//!    first descent into it: the guess, its propagation, and any nested
//!    guesses, until the first contradiction.
//! 3. The wrong guesses are shuffled with the seed and tested in that order
//!    until k are eligible. The trace is the path with the chosen detours
//!    inserted at their nodes, in the order the node tries its values, each
//!    followed by the `Revert` of the detour's guess (which undoes the nested
//!    guesses too: one detour is one backtrack, as in the paper).
//!
//! If fewer than k wrong guesses are eligible the result is
//! [`TraceError::NotEnoughWrongGuesses`] with the number available: never a
//! trace with a different k. A puzzle that propagation alone solves has no
//! path nodes and supplies no wrong guesses; `propagation=none` with
//! `cell_order=first` gives the most (it is the paper's own search).

use super::grid::{Cell, Grid};
use super::search::{count, Board, Recording, Search, SudokuEvent, SudokuTrace};
use crate::traces::error::{Budget, StopFn, TraceError};
use crate::traces::options::TraceOptions;
use crate::traces::rng::SplitMix64;

/// A node of the solution path.
struct PathNode {
    /// The board values before the node's guess.
    before: Vec<u8>,
    cell: Cell,
    /// Candidates in the order the search tries them.
    values: Vec<u8>,
    correct: u8,
    /// The propagation that follows the correct guess.
    fills: Vec<SudokuEvent>,
}

enum Refutation {
    /// Exhausted without a solution: the first descent's events.
    Refuted(Vec<SudokuEvent>),
    /// The branch holds a solution: not a wrong guess.
    Solvable,
    /// Out of budget before deciding.
    Undecided,
}

/// The search from `before` with `cell = value`: refuted (with its first
/// descent), solvable, or undecided.
fn refute(
    puzzle: &Grid,
    before: &[u8],
    cell: Cell,
    value: u8,
    opts: &TraceOptions,
    budget: &mut Budget<'_>,
) -> Result<Refutation, TraceError> {
    let mut board = Board::new(&Grid { shape: puzzle.shape, cells: before.to_vec() });
    budget.reset();
    board.place(cell, value);
    let mut search = Search::new(board, opts, opts.seed ^ ((cell.0 as u64) << 8) ^ (value as u64), budget, Recording::UntilFirstDead);
    search.events.push(SudokuEvent::Guess { cell, value });
    let outcome = if search.propagate() { search.dfs() } else { Ok(false) };
    match outcome {
        Ok(false) => Ok(Refutation::Refuted(search.events)),
        Ok(true) => Ok(Refutation::Solvable),
        Err(TraceError::Budget { .. }) => Ok(Refutation::Undecided),
        Err(e) => Err(e),
    }
}

/// A trace of the solution path with exactly `k` detours (see the module doc).
///
/// Errors: `NoSolution`; `NotEnoughWrongGuesses` when fewer than `k` wrong
/// guesses are refuted by the search (each within `opts.max_nodes`
/// guesses); `Budget` when solving itself exceeds it; `Interrupted`.
/// Cost: one solve, one walk along the path, and one search per wrong guess
/// tested (all of them when the puzzle falls short of k).
pub fn guided_search(puzzle: &Grid, opts: &TraceOptions, k: usize, stop: StopFn<'_>) -> Result<SudokuTrace, TraceError> {
    let mut budget = Budget::new(opts.max_nodes, stop);

    // 1. The solution, by the plain search.
    let solution = {
        let mut s = Search::new(Board::new(puzzle), opts, opts.seed, &mut budget, Recording::UntilFirstDead);
        if !s.run()? {
            return Err(TraceError::NoSolution);
        }
        s.board.to_grid()
    };
    let mut total_nodes = budget.nodes;

    // 2. The path: the search's own cell choices, guessing the solution.
    let mut board = Board::new(puzzle);
    let mut prefix = Vec::new();
    board
        .propagate(opts.propagation, &mut prefix)
        .expect("propagation contradicted a solvable puzzle's givens");
    let mut path: Vec<PathNode> = Vec::new();
    let mut order_rng = SplitMix64::new(opts.seed);
    while let Some(cell) = board.choose(opts.cell_order) {
        let before = board.values.clone();
        let mut values = super::search::mask_values(board.candidates(cell));
        if opts.value_order == crate::traces::options::ValueOrder::Random {
            order_rng.shuffle(&mut values);
        }
        let correct = solution.get(cell);
        assert!(values.contains(&correct), "the solution's value is not a candidate on the solution path");
        board.place(cell, correct);
        let mut fills = Vec::new();
        board
            .propagate(opts.propagation, &mut fills)
            .expect("propagation contradicted the solution path");
        path.push(PathNode { before, cell, values, correct, fills });
    }
    debug_assert_eq!(board.values, solution.cells);

    // 3. Wrong guesses, in seeded order, tested until k are refuted.
    let mut wrong: Vec<(usize, u8)> = path
        .iter()
        .enumerate()
        .flat_map(|(i, node)| node.values.iter().filter(move |&&v| v != node.correct).map(move |&v| (i, v)))
        .collect();
    SplitMix64::new(opts.seed).shuffle(&mut wrong);
    let mut chosen: Vec<(usize, u8, Vec<SudokuEvent>)> = Vec::new();
    let mut undecided = 0;
    for &(i, v) in &wrong {
        if chosen.len() == k {
            break;
        }
        let node = &path[i];
        let outcome = refute(puzzle, &node.before, node.cell, v, opts, &mut budget)?;
        total_nodes += budget.nodes;
        match outcome {
            Refutation::Refuted(events) => chosen.push((i, v, events)),
            Refutation::Solvable => {}
            Refutation::Undecided => undecided += 1,
        }
    }
    if chosen.len() < k {
        return Err(TraceError::NotEnoughWrongGuesses { requested: k, available: chosen.len(), undecided });
    }

    // 4. The path with the detours at their nodes, in the node's value order.
    chosen.sort_by_key(|&(i, v, _)| (i, path[i].values.iter().position(|&x| x == v)));
    let mut events = prefix;
    let mut detours = chosen.into_iter().peekable();
    for (i, node) in path.iter().enumerate() {
        while let Some((_, v, detour)) = detours.next_if(|(j, _, _)| *j == i) {
            events.extend(detour);
            events.push(SudokuEvent::Revert { cell: node.cell, value: v });
        }
        events.push(SudokuEvent::Guess { cell: node.cell, value: node.correct });
        events.extend(node.fills.iter().copied());
    }
    events.push(SudokuEvent::Solved);
    let (backtracks, guesses) = count(&events);
    debug_assert_eq!(backtracks, k);
    Ok(SudokuTrace { events, solution, backtracks, guesses, nodes: total_nodes })
}
