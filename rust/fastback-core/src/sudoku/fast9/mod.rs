//! The fast 9×9 path: a band bitboard solver in the JCZSolve / tdoku family.
//!
//! Why a separate 9×9 solver: almost every Sudoku a user has is 9×9, and the
//! fastest published solvers (JCZSolve, rust_sudoku, tdoku) get their speed
//! from layouts that only work because 9 = 3·3 fits machine words well. Here
//! the grid is stored per digit and per band: 27 bits (three rows) per word,
//! so a digit's whole grid is three words and the tests that matter (is a
//! row / box / column of this digit down to one cell? which triads can still
//! hold it?) are a handful of shifts, masks and 512-entry table lookups.
//! Cell-level facts (how many candidates does each cell have?) come from
//! bit-sliced counting across the nine digit words, 27 cells at a time.
//!
//! - `tables`: compile-time tables (triad closure, band peers);
//! - `state`: the search state and propagation (locked candidates both ways,
//!   hidden singles in all units, naked singles);
//! - `search`: guessing, solution counting with a limit.
//!
//! The general n×n solver (`sudoku::general`) solves the same puzzles more
//! slowly; tests check the two against each other.

mod search;
mod state;
mod tables;

pub use search::{count, solve, Outcome};
