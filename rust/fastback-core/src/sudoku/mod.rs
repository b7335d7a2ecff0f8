//! Sudoku: a specialised bitboard solver for n×n grids (n = 4, 9, 16, 25),
//! a generator of puzzles with a unique solution, and a difficulty rating.
//!
//! Why a dedicated engine when `csp` solves any finite-domain problem:
//! Sudoku is the one puzzle users solve by the million (datasets, LLM
//! reasoning traces, generators), and the fastest published solvers (tdoku,
//! JCZSolve) are two orders of magnitude faster than a general CSP search
//! because they are built around the grid's shape. So:
//!
//! - `fast9`: the 9×9 path, a band bitboard in the JCZSolve / tdoku family;
//! - `general`: every size, one candidate mask per cell, also the
//!   independent check of `fast9` in tests;
//! - `grid`: puzzles as values and their text form (the one place that
//!   decides the character set);
//! - `rate`: which human techniques a puzzle needs, and how many guesses;
//! - `generate`: seeded puzzles with a unique solution;
//! - `batch`: many puzzles on several threads, results independent of the
//!   thread count, interruptible;
//! - `options`: every option of the engine, declared once;
//! - `rng`: the generator's fixed random stream.
//!
//! Entry points here dispatch on the size: [`count_solutions`], [`solve`].

pub mod batch;
pub mod fast9;
pub mod general;
pub mod generate;
pub mod grid;
pub mod options;
pub mod rate;
pub mod rng;

pub use batch::{solve_batch, BatchResult, Interrupted, PuzzleSet};
pub use generate::{generate, GenerateError, Generated};
pub use grid::{BoxSize, Grid, GridError};
pub use options::Options;
pub use rate::{rate, Level, Rating};

/// The result of counting a puzzle's solutions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    /// Solutions found: the true count when it is below the limit, else the
    /// limit (0: none, 1 with limit 2: unique, 2 with limit 2: several).
    pub count: u64,
    /// The first solution found.
    pub solution: Option<Grid>,
    /// Search nodes at which the solver guessed.
    pub guesses: u64,
    /// The stop callback ended the search early; `count` is a lower bound.
    pub interrupted: bool,
}

/// Counts the solutions of `puzzle` up to `limit` (at least 1), with the
/// fast path for 9×9. `stop` is polled every 1024 guesses.
///
/// Cost: microseconds for usual 9×9 puzzles; exponential in the worst case
/// (a nearly empty grid with a large limit), which `stop` can cut short.
pub fn count_solutions(puzzle: &Grid, limit: u64, stop: &mut dyn FnMut() -> bool) -> Count {
    let size = puzzle.size();
    if size == BoxSize::THREE {
        let out = fast9::count(puzzle.values(), limit, stop);
        Count {
            count: out.count,
            solution: out.solution.map(|s| Grid::from_values(&s).expect("a 9x9 solution")),
            guesses: out.guesses,
            interrupted: out.interrupted,
        }
    } else {
        let mut limits = general::Limits { solutions: limit.max(1), guesses: u64::MAX, stop, rng: None };
        let out = general::count(size, puzzle.values(), &mut limits);
        Count {
            count: out.count,
            solution: out.solution.map(|s| Grid::from_values(&s).expect("a solution of the puzzle's size")),
            guesses: out.guesses,
            interrupted: out.interrupted,
        }
    }
}

/// One solution of `puzzle`, or `None` when it has none (conflicting givens
/// included). Unbounded: see [`count_solutions`] for a stoppable call.
pub fn solve(puzzle: &Grid) -> Option<Grid> {
    count_solutions(puzzle, 1, &mut || false).solution
}

#[cfg(test)]
mod tests;
