//! CountDown: the solver (first or all solutions) and the traced search.
//!
//! - [`expr`]: the rules of a step, expressions, canonical forms.
//! - [`solve`]: the complete solver ([`solve::solve`]).
//! - [`search`]: Stream of Search's DFS, recorded ([`full_search`],
//!   [`guided_search`]).
//! - [`render`]: the `dfs` and `nl` text formats.

pub mod expr;
pub mod render;
pub mod search;
pub mod solve;

pub use search::{full_search, guided_search, CountdownEvent, CountdownTrace, NodeId};
pub use solve::{solve, Instance, Mode};

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
