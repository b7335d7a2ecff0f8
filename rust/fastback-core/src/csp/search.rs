//! Backtracking search with propagation: the public entry point of the CSP
//! engine.
//!
//! Binary branching. A node picks a variable and a decision literal (see
//! `heuristics.rs`), opens a level and propagates. On a conflict the search
//! undoes the latest positive decision and applies its negation one level
//! up (a *refutation*), repeating while that fails too; when no positive
//! decision is left the space is exhausted. The branch (positive decisions
//! and refutations, in order) is kept explicitly, so the search is a plain
//! loop that can stop at a solution or a limit and resume later: solution
//! enumeration is repeated calls to [`Search::next_solution`].
//!
//! Invariants:
//! - at the top of the main loop the engine is at a conflict-free fixpoint,
//!   and the store's level equals the number of positive decisions in
//!   `branch`;
//! - each refutation in `branch` belongs to the level of the positive
//!   decision before it (level 0 if none), and level-0 refutations are
//!   permanent;
//! - every solution returned is a full assignment at a fixpoint, hence
//!   satisfies every constraint (propagators are checking), and no solution
//!   is returned twice (each one is refuted before the search resumes).
//!
//! Restarts (until the first solution; never after, so enumeration is
//! complete and without duplicates): after the schedule's number of
//! failures the search goes back to the root. First, if enabled, it records
//! the branch's reduced nld-nogoods (Lecoutre, Sais, Tabary, Vidal 2007): for
//! each refutation `¬d` preceded by positive decisions `p1..pk`, the clause
//! `¬p1 ∨ ... ∨ ¬pk ∨ ¬d` holds in every solution (the subtree under
//! `p1..pk, d` was exhausted), and is added to the clause store, where it
//! propagates with two watched literals.
//!
//! Limits (time, nodes, failures) and interrupts (an atomic flag, or a
//! callback) are checked at every node; stopping leaves the search
//! resumable. Time counts from the first call.

use super::engine::Engine;
use super::heuristics::{select_value, select_var, Rng};
use super::model::Model;
use super::options::{Options, RESTART_NONE};
use super::restart::RestartSchedule;
use super::trace::{Trace, TraceEvent};
use super::types::{Cause, Lit, VarId};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Budgets for a search; `None` is unlimited. They count over the whole
/// search (all calls to `next_solution`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Limits {
    pub time: Option<Duration>,
    pub nodes: Option<u64>,
    pub failures: Option<u64>,
}

/// Why a search stopped before an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    TimeLimit,
    NodeLimit,
    FailureLimit,
    Interrupted,
}

impl StopReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::TimeLimit => "time limit",
            StopReason::NodeLimit => "node limit",
            StopReason::FailureLimit => "failure limit",
            StopReason::Interrupted => "interrupted",
        }
    }
}

/// What one call to [`Search::next_solution`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A solution: read it with [`Search::value`] / [`Search::solution`].
    Solution,
    /// No (more) solutions: the search space is exhausted.
    Exhausted,
    /// A limit or an interrupt stopped the search; calling again resumes it.
    Stopped(StopReason),
}

/// Search statistics, cumulative over the search.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Decisions (positive branches) taken.
    pub nodes: u64,
    /// Conflicts met (a decision, refutation or restart that failed).
    pub failures: u64,
    /// Propagator calls.
    pub propagations: u64,
    pub restarts: u64,
    pub solutions: u64,
    /// Nogoods recorded at restarts (stored; units and satisfied ones not counted).
    pub nogoods: u64,
    /// Deepest level reached.
    pub max_depth: u32,
    pub time_secs: f64,
}

/// A callback polled at every node; returning true stops the search.
pub type TerminateFn = Box<dyn FnMut() -> bool + Send>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Fresh,
    Running,
    AtSolution,
    Done,
}

#[derive(Clone, Copy, Debug)]
struct BranchEntry {
    lit: Lit,
    positive: bool,
}

/// A search over one model (see the module doc).
pub struct Search {
    engine: Engine,
    root_failure: Option<Cause>,
    opts: Options,
    user_vars: Vec<VarId>,
    aux_vars: Vec<VarId>,
    branch: Vec<BranchEntry>,
    state: State,
    limits: Limits,
    started: Option<Instant>,
    interrupt: Arc<AtomicBool>,
    terminate: Option<TerminateFn>,
    stats: Stats,
    schedule: RestartSchedule,
    fails_since_restart: u64,
    rng: Rng,
    tie_rng: Option<Rng>,
}

impl Search {
    /// A search over a snapshot of `model` (later changes to the model do
    /// not affect it). Cost: O(model size) to build the propagators.
    pub fn new(model: &Model, opts: Options) -> Search {
        let (engine, root_failure) = model.compile();
        let (user_vars, aux_vars) =
            (0..model.num_vars() as u32).map(VarId).partition(|&x| model.is_branching(x));
        let seed = opts.seed as u64;
        Search {
            engine,
            root_failure,
            schedule: RestartSchedule::new(&opts),
            rng: Rng::new(seed),
            tie_rng: if seed != 0 { Some(Rng::new(seed.wrapping_mul(31).wrapping_add(7))) } else { None },
            opts,
            user_vars,
            aux_vars,
            branch: Vec::new(),
            state: State::Fresh,
            limits: Limits::default(),
            started: None,
            interrupt: Arc::new(AtomicBool::new(false)),
            terminate: None,
            stats: Stats::default(),
            fails_since_restart: 0,
        }
    }

    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Records a trace from now on (see `trace.rs`), keeping at most
    /// `opts.trace_limit` events. Precondition: called before the first
    /// `next_solution`, for a trace of the whole search.
    pub fn record_trace(&mut self) {
        self.engine.set_trace(Some(self.opts.trace_limit as usize));
    }

    /// The trace recorded so far, if one is recorded.
    pub fn trace(&self) -> Option<&Trace> {
        self.engine.trace.as_ref()
    }

    /// A flag that stops the search when set (from any thread); the search
    /// clears it when it stops because of it.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    /// A callback polled at every node (e.g. to check for Ctrl-C).
    pub fn set_terminate(&mut self, f: Option<TerminateFn>) {
        self.terminate = f;
    }

    pub fn stats(&self) -> Stats {
        let mut s = self.stats.clone();
        s.propagations = self.engine.propagations;
        s
    }

    /// The value of `x` in the current solution. Precondition: the last
    /// call returned [`Outcome::Solution`].
    pub fn value(&self, x: VarId) -> i64 {
        debug_assert!(self.engine.store.is_fixed(x));
        self.engine.store.value(x)
    }

    /// Every variable's value in the current solution (same precondition).
    pub fn solution(&self) -> Vec<i64> {
        (0..self.engine.store.num_vars() as u32).map(|i| self.value(VarId(i))).collect()
    }

    /// The next solution, or why there is none. Cost: exponential in the
    /// worst case; bounded by the limits.
    pub fn next_solution(&mut self) -> Outcome {
        let t0 = Instant::now();
        if self.started.is_none() {
            self.started = Some(t0);
        }
        let out = self.run();
        self.stats.time_secs += t0.elapsed().as_secs_f64();
        out
    }

    fn trace_event(&mut self, e: impl FnOnce() -> TraceEvent) {
        if let Some(t) = self.engine.trace.as_mut() {
            t.push(e());
        }
    }

    fn run(&mut self) -> Outcome {
        match self.state {
            State::Done => return Outcome::Exhausted,
            State::Fresh => {
                self.state = State::Running;
                if let Some(cause) = self.root_failure {
                    let level = 0;
                    self.trace_event(|| TraceEvent::Conflict { level, cause });
                    return self.exhausted();
                }
                if self.engine.propagate().is_err() {
                    self.stats.failures += 1;
                    return self.exhausted();
                }
            }
            State::AtSolution => {
                self.state = State::Running;
                if !self.backtrack_and_refute() {
                    return self.exhausted();
                }
            }
            State::Running => {}
        }
        loop {
            if let Some(reason) = self.check_limits() {
                return Outcome::Stopped(reason);
            }
            if self.restart_due() && !self.restart() {
                return self.exhausted();
            }
            let x = select_var(&self.engine, &self.user_vars, &self.aux_vars, self.opts.var_order, self.tie_rng.as_mut());
            let Some(x) = x else {
                self.stats.solutions += 1;
                self.state = State::AtSolution;
                let level = self.engine.store.level();
                self.trace_event(|| TraceEvent::Solution { level });
                return Outcome::Solution;
            };
            let lit = select_value(&self.engine, x, self.opts.value_order, &mut self.rng);
            self.stats.nodes += 1;
            self.engine.store.push_level();
            let level = self.engine.store.level();
            self.stats.max_depth = self.stats.max_depth.max(level);
            self.branch.push(BranchEntry { lit, positive: true });
            self.trace_event(|| TraceEvent::Assign { level, lit });
            self.engine.apply_decision(lit);
            if self.engine.propagate().is_err() {
                self.count_failure();
                if !self.backtrack_and_refute() {
                    return self.exhausted();
                }
            }
        }
    }

    fn exhausted(&mut self) -> Outcome {
        self.state = State::Done;
        Outcome::Exhausted
    }

    fn count_failure(&mut self) {
        self.stats.failures += 1;
        self.fails_since_restart += 1;
    }

    /// Undoes the latest positive decision and applies its negation one
    /// level up, repeating while propagation fails. False when no positive
    /// decision is left (the search space is exhausted).
    fn backtrack_and_refute(&mut self) -> bool {
        loop {
            let mut last = None;
            while let Some(e) = self.branch.pop() {
                if e.positive {
                    last = Some(e.lit);
                    break;
                }
            }
            let Some(lit) = last else {
                return false;
            };
            let from = self.engine.store.level();
            let to = from - 1;
            self.engine.store.backtrack_to(to);
            self.trace_event(|| TraceEvent::Backtrack { from, to });
            let neg = lit.negate();
            self.branch.push(BranchEntry { lit: neg, positive: false });
            self.trace_event(|| TraceEvent::Refute { level: to, lit: neg });
            self.engine.apply_decision(neg);
            if self.engine.propagate().is_ok() {
                return true;
            }
            self.count_failure();
        }
    }

    fn check_limits(&mut self) -> Option<StopReason> {
        if let Some(n) = self.limits.nodes {
            if self.stats.nodes >= n {
                return Some(StopReason::NodeLimit);
            }
        }
        if let Some(n) = self.limits.failures {
            if self.stats.failures >= n {
                return Some(StopReason::FailureLimit);
            }
        }
        if let (Some(t), Some(start)) = (self.limits.time, self.started) {
            if start.elapsed() >= t {
                return Some(StopReason::TimeLimit);
            }
        }
        if self.interrupt.swap(false, Ordering::Relaxed) {
            return Some(StopReason::Interrupted);
        }
        if let Some(f) = self.terminate.as_mut() {
            if f() {
                return Some(StopReason::Interrupted);
            }
        }
        None
    }

    fn restart_due(&self) -> bool {
        self.opts.restarts != RESTART_NONE
            && self.stats.solutions == 0
            && self.fails_since_restart >= self.schedule.limit
    }

    /// Records nogoods, goes back to the root and propagates them. False
    /// when that proves the problem has no solution.
    fn restart(&mut self) -> bool {
        self.stats.restarts += 1;
        self.fails_since_restart = 0;
        self.schedule.advance();
        let nogoods = if self.opts.nogoods != 0 { self.branch_nogoods() } else { Vec::new() };
        let from = self.engine.store.level();
        self.engine.store.backtrack_to(0);
        self.branch.clear();
        if from > 0 {
            self.trace_event(|| TraceEvent::Backtrack { from, to: 0 });
        }
        let mut stored = 0u32;
        for ng in &nogoods {
            match self.engine.add_clause(ng, Cause::Nogood) {
                Ok(super::clauses::Added::Stored(_)) => stored += 1,
                Ok(_) => {}
                Err(_) => {
                    self.stats.failures += 1;
                    return false;
                }
            }
        }
        self.stats.nogoods += stored as u64;
        self.trace_event(|| TraceEvent::Restart { nogoods: stored });
        if self.engine.propagate().is_err() {
            self.stats.failures += 1;
            return false;
        }
        true
    }

    /// The reduced nld-nogoods of the current branch (see the module doc).
    fn branch_nogoods(&self) -> Vec<Vec<Lit>> {
        let mut negated_positives: Vec<Lit> = Vec::new();
        let mut out = Vec::new();
        for e in &self.branch {
            if e.positive {
                negated_positives.push(e.lit.negate());
            } else if !negated_positives.is_empty() {
                let mut ng = negated_positives.clone();
                ng.push(e.lit);
                out.push(ng);
            }
        }
        out
    }
}
