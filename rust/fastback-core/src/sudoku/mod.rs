//! Sudoku: a specialised bitboard solver for n×n grids (n = 4, 9, 16, 25).
//!
//! (Module documentation is completed below as the engine grows.)

pub mod fast9;
pub mod grid;

pub use grid::{BoxSize, Grid, GridError};
