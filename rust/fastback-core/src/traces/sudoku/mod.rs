//! Sudoku search traces: an n×n depth-first search with simple propagation
//! that records every step, and the text formats rendered from it.
//!
//! - [`grid`]: shape, parsing and printing of puzzles.
//! - [`search`]: the board, propagation, the recorded DFS ([`full_search`]).
//! - [`guided`]: the solution path with exactly k detours ([`guided_search`]).
//! - [`render`]: the `dfs` and `nl` text formats.

pub mod grid;
pub mod guided;
pub mod render;
pub mod search;

pub use grid::{Cell, Grid, Shape, Unit};
pub use guided::guided_search;
pub use search::{full_search, DeadEnd, FillReason, SudokuEvent, SudokuTrace};

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
