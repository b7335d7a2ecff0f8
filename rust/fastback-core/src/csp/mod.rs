//! A finite-domain constraint solver: integer variables with bitset
//! domains, propagators, and backtracking search with MRV / dom-wdeg
//! ordering, restarts with nogoods, solution enumeration, limits and a
//! search trace.
//!
//! Usable from Rust alone:
//!
//! ```
//! use fastback_core::csp::{Model, Options, Search, Outcome, AllDiffLevel};
//! let mut m = Model::new();
//! let x = m.new_int_var(1, 3).unwrap();
//! let y = m.new_int_var(1, 3).unwrap();
//! m.linear(&[(1, x), (1, y)], "==", 4).unwrap();
//! m.all_different(&[(x, 0), (y, 0)], AllDiffLevel::Domain).unwrap();
//! let mut s = Search::new(&m, Options::default());
//! let mut n = 0;
//! while s.next_solution() == Outcome::Solution {
//!     assert_eq!(s.value(x) + s.value(y), 4);
//!     n += 1;
//! }
//! assert_eq!(n, 2); // (1, 3) and (3, 1)
//! ```
//!
//! Layout, one concern per file:
//! - [`types`]: `VarId`, `PropId`, `ConstraintId`, `Lit`, events, `Cause`.
//! - [`store`]: bitset domains with offsets, reversible integers, the change record.
//! - `trail`: what backtracking restores, saved once per level.
//! - [`propagator`]: the propagator contract; [`queue`]: the priority queue.
//! - [`props`]: the propagators (binary, linear, all-different, table, element).
//! - [`clauses`]: clauses over literals (reification glue, restart nogoods).
//! - [`engine`]: the fixpoint loop and weighted degrees.
//! - [`model`]: the checked, normalised model and its compilation.
//! - [`heuristics`], [`restart`], [`options`]: the search's choices.
//! - [`search`]: the search itself; [`trace`]: the trace recorder.
//!
//! Limits: values within ±2^60, domains at most 2^24 values wide, linear
//! sums within ±2^62 (checked by the model with located errors).

pub mod clauses;
pub mod engine;
pub mod heuristics;
pub mod model;
pub mod options;
pub mod propagator;
pub mod props;
pub mod queue;
pub mod restart;
pub mod search;
pub mod store;
pub mod trace;
mod trail;
pub mod types;

#[cfg(test)]
mod tests;

pub use model::{AllDiffLevel, Model, ModelError, Reified, Spec};
pub use options::Options;
pub use props::linear::Rel;
pub use search::{Limits, Outcome, Search, Stats, StopReason, TerminateFn};
pub use trace::{Trace, TraceEvent};
pub use types::{Cause, ConstraintId, Lit, LitKind, VarId};
