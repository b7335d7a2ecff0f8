//! Public solver API (contract). Implementation in progress.

use super::options::Options;
use super::types::{Lit, Var};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Result of a solve call.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum SolveResult {
    Sat,
    Unsat,
    /// A budget, time limit, interrupt or terminate callback stopped the search.
    Unknown,
}

/// Polled about every 10 ms during search; returning `true` stops the solve with `Unknown`.
pub type TerminateFn = Box<dyn FnMut() -> bool + Send>;

/// Cumulative statistics over all solve calls.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub solves: u64,
    pub conflicts: u64,
    pub decisions: u64,
    pub propagations: u64,
    pub restarts: u64,
    pub learned: u64,
    pub learned_literals: u64,
    pub minimized_literals: u64,
    pub reductions: u64,
    pub mode_switches: u64,
    pub rephases: u64,
    pub chrono_backtracks: u64,
    pub simplifications: u64,
    pub eliminated_vars: u64,
    pub subsumed: u64,
    pub strengthened: u64,
    pub vivified: u64,
    pub failed_literals: u64,
    pub time_secs: f64,
}

pub struct Solver {
    interrupt: Arc<AtomicBool>,
}

impl Solver {
    pub fn new() -> Solver { Self::with_options(Options::default()) }
    pub fn with_options(_opts: Options) -> Solver { todo!() }
    pub fn options(&self) -> &Options { todo!() }
    /// Sets one option by name (range-checked). Preconditions: before the first solve for options that shape initialization (seed).
    pub fn set_option(&mut self, _name: &str, _value: i64) -> Result<(), String> { todo!() }
    /// Number of variables (max variable index + 1 seen so far).
    pub fn num_vars(&self) -> u32 { todo!() }
    /// Number of original (irredundant, user-added) clauses, including units and empty clause.
    pub fn num_clauses(&self) -> u64 { todo!() }
    /// Ensures variables `0..n` exist.
    pub fn reserve_vars(&mut self, _n: u32) { todo!() }
    /// Adds a clause (any literals, duplicates and tautologies allowed). Returns false if the
    /// formula is now known unsatisfiable. Cost: O(len) plus possibly restoring eliminated variables.
    pub fn add_clause(&mut self, _lits: &[Lit]) -> bool { todo!() }
    /// Solves under assumptions. Budgets (conflicts, propagations, time) apply to this call only.
    pub fn solve(&mut self, _assumptions: &[Lit]) -> SolveResult { todo!() }
    /// After `Sat`: value of a literal in the model (`None` if no model).
    pub fn model_value(&self, _lit: Lit) -> Option<bool> { todo!() }
    /// After `Sat`: the full model as one literal per variable, in variable order.
    pub fn model(&self) -> Option<Vec<Lit>> { todo!() }
    /// After `Unsat` under assumptions: the failed assumptions (a subset of the assumptions
    /// that alone make the formula unsatisfiable). Empty if the formula is unsat without them.
    pub fn failed_assumptions(&self) -> Option<&[Lit]> { todo!() }
    /// Result of the last solve call.
    pub fn status(&self) -> Option<SolveResult> { todo!() }
    pub fn set_conflict_budget(&mut self, _n: Option<u64>) { todo!() }
    pub fn set_propagation_budget(&mut self, _n: Option<u64>) { todo!() }
    pub fn set_time_limit(&mut self, _d: Option<Duration>) { todo!() }
    /// Flag that stops the search when set; shareable with other threads.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> { self.interrupt.clone() }
    pub fn interrupt(&self) { self.interrupt.store(true, Ordering::Relaxed) }
    pub fn clear_interrupt(&self) { self.interrupt.store(false, Ordering::Relaxed) }
    pub fn set_terminate(&mut self, _f: Option<TerminateFn>) { todo!() }
    /// Preferred decision phases for the given literals' variables (the literal's sign).
    pub fn set_phases(&mut self, _lits: &[Lit]) { todo!() }
    /// Starts DRAT proof logging. Error if clauses were already added.
    pub fn set_proof(&mut self, _out: Box<dyn Write + Send>, _binary: bool) -> Result<(), String> { todo!() }
    /// Flushes the proof and reports the first write error.
    pub fn flush_proof(&mut self) -> io::Result<()> { todo!() }
    pub fn stats(&self) -> Stats { todo!() }
    #[allow(dead_code)]
    fn _unused(_v: Var) {}
}

impl Default for Solver {
    fn default() -> Self { Self::new() }
}
