//! fastback-core: the pure-Rust engines behind the `fastback` Python package.
//!
//! Every engine is usable from Rust alone; the `fastback-py` crate only binds
//! them to Python. Nothing here depends on pyo3, and nothing here panics on
//! bad input: parsers and checkers return typed errors that say what and where.

pub mod options;
pub mod sat;
pub mod graph;
pub mod csp;
pub mod traces;
pub mod sudoku;
pub mod matcher;
