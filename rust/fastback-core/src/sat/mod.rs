//! A CDCL SAT solver in the Kissat/CaDiCaL tradition, with DIMACS I/O, DRAT
//! proof output and an independent DRAT checker.
//!
//! Layout, one concern per file:
//! - [`types`]: the `Var` / `Lit` newtypes and the three-valued `LBool`.
//! - [`dimacs`]: the DIMACS CNF reader (plain, gzip, xz) with located errors, and a writer.
//! - [`options`]: every solver option, declared once with default, range and description.
//! - [`solver`]: the public API (`Solver`), incremental solving under assumptions.
//! - [`proof`]: the DRAT writer (text and binary).
//! - [`check`]: an independent DRAT checker; it shares no code with the solver's propagation.
//! - `backbone`: [`Solver::backbone`], the literals true in every model (CadiBack's method).
//! - `phases`: phases and rephasing, and [`Solver::set_phase_priors`] for predicted phases.

pub mod types;
pub mod dimacs;
pub mod options;
pub mod proof;
pub mod check;
mod analyze;
mod backbone;
mod clause;
mod decide;
mod heap;
mod phases;
mod propagate;
mod reduce;
mod restart;
mod simplify;
mod solver;
mod vmtf;
mod walk;

pub use solver::{Solver, SolveResult, Stats, TerminateFn};
pub use backbone::{Backbone, BackboneError, BackboneStats, StopReason};
pub use phases::PriorError;
pub use types::{LBool, Lit, Var};
pub use options::Options;
