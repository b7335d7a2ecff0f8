//! Backbones: the literals true in every model of a satisfiable formula.
//!
//! Why. A backbone literal is a fact the formula forces without stating it.
//! It is the ground truth a phase-prediction model should reproduce with
//! certainty, a sound simplification (each one can be asserted as a unit),
//! and the answer to "which choices are forced" in configuration problems.
//!
//! How (CadiBack: Biere, Froleyks and Wang, "CadiBack: Extracting Backbones
//! with CaDiCaL", SAT 2023). Two sets are kept: `confirmed`, literals proved
//! to be in the backbone, and `candidates`, literals not yet refuted.
//!
//! 1. Solve once. Unsat: there is no backbone. Sat: every literal of the
//!    model is a candidate.
//! 2. Solve with the *constraint* "some candidate is false", the clause
//!    `¬c1 ∨ … ∨ ¬ck` for this call only (`Solver::solve_constrained`: it is
//!    not added to the formula). Sat: the model falsifies at least one
//!    candidate, and every candidate it falsifies is dropped (model
//!    filtering), so one call can drop many. Unsat: the formula implies
//!    every candidate, so all of them are confirmed.
//! 3. After every call, the candidates the solver has fixed at level 0 are
//!    confirmed: level-0 units are implied by the formula. The constraint's
//!    literals are decisions tried one at a time, and refuting the decision
//!    `¬c` learns the unit `c`; so the single-literal checks of CadiBack's
//!    one-by-one mode happen inside the calls, and a call ending Sat usually
//!    confirms some candidates on the way. A confirmed literal then stays a
//!    unit for every later call.
//!
//! 4. After every model, *flipping* (CadiBack's `--flip`): a candidate `c`
//!    that is not the only true literal of any irredundant clause can be
//!    made false in that model without falsifying a clause, so it is dropped
//!    without a call. The check sees the simplified formula (irredundant
//!    clauses and level-0 units); flipping a variable that elimination did
//!    not remove keeps a model of it, and model reconstruction turns that
//!    into a model of the original formula, so eliminated variables are
//!    skipped. One pass over the clauses per model; on bounded model checking
//!    instances, full of don't-care inputs, it drops most candidates.
//!
//! Steps 2 to 4 repeat until no candidate is left. Before each call the
//! saved phase of every candidate is set to falsify it, so the search heads
//! away from the last model and one Sat answer tends to drop many candidates
//! rather than only the one the constraint forces.
//!
//! Invariant: `confirmed ⊆ backbone ⊆ confirmed ∪ candidates`. Step 1
//! establishes it (the backbone is true in the first model), filtering and
//! units keep it, and the loop ends with no candidate, when `confirmed` is the
//! backbone. Each call either drops a candidate or ends the loop, so there are
//! at most (number of variables not in the backbone) + 2 solve calls.
//!
//! The solver's formula is unchanged: no clause and no variable is added, and
//! everything learned is implied by the formula alone (the constraint is no
//! clause), so a DRAT proof being logged stays valid. Heuristic state
//! (learned clauses, phases, activities) does change.

use super::solver::{SolveResult, Solver};
use super::types::{LBool, Lit, Var};
use std::fmt;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How often the terminate callback is polled between solve calls (the
/// search itself polls it as often; calls can be shorter than that).
const TERMINATE_POLL: Duration = Duration::from_millis(10);

/// Counters of one backbone computation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BackboneStats {
    /// Solve calls made, the first (unconstrained) one included.
    pub solves: u64,
    /// Literals of the first model: the initial candidates.
    pub candidates: u64,
    /// Candidates confirmed because the solver had fixed them at level 0.
    pub fixed: u64,
    /// Candidates confirmed by a constrained call answering Unsat.
    pub confirmed_by_unsat: u64,
    /// Candidates dropped because a model falsified them.
    pub filtered: u64,
    /// Candidates dropped because flipping them in a model kept it a model.
    pub flipped: u64,
    /// Conflicts over all calls.
    pub conflicts: u64,
    /// Wall time, in seconds.
    pub time_secs: f64,
}

/// The outcome of a complete backbone computation.
#[derive(Clone, Debug, PartialEq)]
pub enum Backbone {
    /// The formula has no model.
    Unsat { stats: BackboneStats },
    /// The formula has a model; `lits` are the literals true in all of them,
    /// sorted by variable (at most one per variable).
    Sat { lits: Vec<Lit>, stats: BackboneStats },
}

impl Backbone {
    /// The backbone literals, `None` when the formula is unsatisfiable.
    pub fn lits(&self) -> Option<&[Lit]> {
        match self {
            Backbone::Unsat { .. } => None,
            Backbone::Sat { lits, .. } => Some(lits),
        }
    }

    pub fn stats(&self) -> &BackboneStats {
        match self {
            Backbone::Unsat { stats } | Backbone::Sat { stats, .. } => stats,
        }
    }
}

/// What stopped an incomplete backbone computation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    ConflictLimit,
    PropagationLimit,
    TimeLimit,
    /// The interrupt flag ([`Solver::interrupt`]).
    Interrupted,
    /// The terminate callback ([`Solver::set_terminate`]) asked to stop.
    Terminated,
}

impl StopReason {
    /// A short identifier: `conflict_limit`, `propagation_limit`,
    /// `time_limit`, `interrupted` or `terminated`.
    pub fn name(self) -> &'static str {
        match self {
            StopReason::ConflictLimit => "conflict_limit",
            StopReason::PropagationLimit => "propagation_limit",
            StopReason::TimeLimit => "time_limit",
            StopReason::Interrupted => "interrupted",
            StopReason::Terminated => "terminated",
        }
    }
}

/// A backbone computation stopped before it was complete. What it had
/// established is exact: `confirmed ⊆ backbone ⊆ confirmed ∪ undecided`.
#[derive(Clone, Debug, PartialEq)]
pub struct BackboneError {
    pub reason: StopReason,
    /// Literals proved to be in the backbone, sorted by variable.
    pub confirmed: Vec<Lit>,
    /// Candidates neither confirmed nor refuted, sorted by variable; `None`
    /// when the stop came before the formula was known to be satisfiable.
    pub undecided: Option<Vec<Lit>>,
    pub stats: BackboneStats,
}

impl fmt::Display for BackboneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.reason {
            StopReason::ConflictLimit => "the conflict limit was reached",
            StopReason::PropagationLimit => "the propagation limit was reached",
            StopReason::TimeLimit => "the time limit was reached",
            StopReason::Interrupted => "it was interrupted",
            StopReason::Terminated => "the terminate callback stopped it",
        };
        write!(f, "backbone incomplete: {why} after {} solve calls; ", self.stats.solves)?;
        match &self.undecided {
            None => write!(f, "satisfiability is still unknown"),
            Some(u) => write!(f, "{} literals confirmed, {} undecided", self.confirmed.len(), u.len()),
        }
    }
}

impl std::error::Error for BackboneError {}

/// The caller's limits, turned into limits on the whole computation.
struct Limits {
    conflict_budget: Option<u64>,
    propagation_budget: Option<u64>,
    time_limit: Option<Duration>,
    conflict_end: Option<u64>,
    propagation_end: Option<u64>,
    deadline: Option<Instant>,
    last_terminate_poll: Instant,
}

impl Solver {
    /// Computes the backbone of the solver's formula (its clauses; no
    /// assumptions), over the variables that exist when it is called.
    ///
    /// Limits: the conflict and propagation budgets and the time limit set
    /// on this solver apply to the whole computation, not to each of its
    /// solve calls (they are restored afterwards); the interrupt flag and the
    /// terminate callback are polled during and between calls. A computation
    /// they stop returns [`BackboneError`], never a partial backbone as if it
    /// were complete.
    ///
    /// Afterwards the formula is unchanged (see the module doc: no clause or
    /// variable is added; learned clauses are kept), `status()` is
    /// `Some(Unsat)` for an unsatisfiable formula and `None` otherwise (the
    /// internal calls' answers are not the caller's), and `stats().solves`
    /// counts the internal calls.
    ///
    /// Cost: at most (number of variables not in the backbone) + 2 solve
    /// calls, each NP-hard in general; usually far fewer, because one model
    /// drops many candidates.
    pub fn backbone(&mut self) -> Result<Backbone, BackboneError> {
        let start = Instant::now();
        let conflicts_before = self.stats.conflicts;
        let mut limits = Limits {
            conflict_budget: self.conflict_budget,
            propagation_budget: self.propagation_budget,
            time_limit: self.time_limit,
            conflict_end: self.conflict_budget.map(|b| self.stats.conflicts.saturating_add(b)),
            propagation_end: self.propagation_budget.map(|b| self.stats.propagations.saturating_add(b)),
            deadline: self.time_limit.and_then(|d| start.checked_add(d)),
            last_terminate_poll: start,
        };
        let mut stats = BackboneStats::default();
        let outcome = self.backbone_search(&mut limits, &mut stats);
        self.conflict_budget = limits.conflict_budget;
        self.propagation_budget = limits.propagation_budget;
        self.time_limit = limits.time_limit;
        stats.conflicts = self.stats.conflicts - conflicts_before;
        stats.time_secs = start.elapsed().as_secs_f64();
        match outcome {
            Ok(None) => Ok(Backbone::Unsat { stats }),
            Ok(Some(lits)) => {
                self.status = None;
                Ok(Backbone::Sat { lits, stats })
            }
            Err((reason, mut confirmed, mut undecided)) => {
                self.status = None;
                confirmed.sort_unstable();
                if let Some(u) = undecided.as_mut() {
                    u.sort_unstable();
                }
                Err(BackboneError { reason, confirmed, undecided, stats })
            }
        }
    }

    /// Steps 1-3 of the module doc. `Ok(None)`: unsatisfiable. `Err`: what
    /// stopped it, with the confirmed literals and the remaining candidates.
    #[allow(clippy::type_complexity)]
    fn backbone_search(
        &mut self,
        limits: &mut Limits,
        stats: &mut BackboneStats,
    ) -> Result<Option<Vec<Lit>>, (StopReason, Vec<Lit>, Option<Vec<Lit>>)> {
        if let Some(reason) = self.arm_limits(limits) {
            return Err((reason, Vec::new(), None));
        }
        stats.solves += 1;
        match self.solve(&[]) {
            SolveResult::Unsat => return Ok(None),
            SolveResult::Unknown => return Err((self.why_stopped(limits), Vec::new(), None)),
            SolveResult::Sat => {}
        }
        let mut candidates: Vec<Lit> = (0..self.model.len())
            .map(|v| Var(v as u32).lit(self.model[v] == LBool::True))
            .collect();
        stats.candidates = candidates.len() as u64;
        let mut confirmed: Vec<Lit> = Vec::new();
        let mut constraint: Vec<Lit> = Vec::new();
        let mut critical: Vec<bool> = Vec::new();
        stats.flipped += self.drop_flippable(&mut candidates, &mut critical);
        loop {
            // The solver is at level 0 after each call: what is assigned is fixed.
            let before = confirmed.len();
            candidates.retain(|&c| {
                debug_assert!(self.value(c) != LBool::False, "a model falsifies a level-0 unit");
                let fixed = self.value(c) == LBool::True;
                if fixed {
                    confirmed.push(c);
                }
                !fixed
            });
            stats.fixed += (confirmed.len() - before) as u64;
            if candidates.is_empty() {
                break;
            }
            if let Some(reason) = self.arm_limits(limits) {
                return Err((reason, confirmed, Some(candidates)));
            }
            constraint.clear();
            for &c in &candidates {
                let v = c.var().index();
                self.saved[v] = c.is_negative();
                self.target[v] = LBool::Undef;
                constraint.push(!c);
            }
            stats.solves += 1;
            match self.solve_constrained(&[], Some(&constraint)) {
                SolveResult::Sat => {
                    let before = candidates.len();
                    let model = &self.model;
                    candidates.retain(|&c| (model[c.var().index()] == LBool::True) == c.is_positive());
                    debug_assert!(candidates.len() < before, "the constraint forces a candidate false");
                    stats.filtered += (before - candidates.len()) as u64;
                    stats.flipped += self.drop_flippable(&mut candidates, &mut critical);
                }
                SolveResult::Unsat => {
                    stats.confirmed_by_unsat += candidates.len() as u64;
                    confirmed.append(&mut candidates);
                }
                SolveResult::Unknown => {
                    return Err((self.why_stopped(limits), confirmed, Some(candidates)));
                }
            }
        }
        confirmed.sort_unstable();
        Ok(Some(confirmed))
    }

    /// Step 4 of the module doc, right after a `Sat` answer (the solver is
    /// at level 0 and `self.model` is the model): drops every candidate that
    /// is not fixed, not eliminated and not the only true literal of some
    /// irredundant clause. Returns how many it dropped. `critical` is
    /// scratch space, one flag per variable.
    fn drop_flippable(&self, candidates: &mut Vec<Lit>, critical: &mut Vec<bool>) -> u64 {
        let model = &self.model;
        let is_true = |l: Lit| (model[l.var().index()] == LBool::True) == l.is_positive();
        critical.clear();
        critical.resize(model.len(), false);
        for c in self.db.refs() {
            if self.db.garbage(c) || self.db.learned(c) {
                continue;
            }
            let mut only = None;
            let mut count = 0;
            for &l in self.db.lits(c) {
                if is_true(l) {
                    count += 1;
                    if count > 1 {
                        break;
                    }
                    only = Some(l);
                }
            }
            debug_assert!(count > 0, "the model falsifies an irredundant clause");
            if let (1, Some(l)) = (count, only) {
                critical[l.var().index()] = true;
            }
        }
        let before = candidates.len();
        candidates.retain(|&c| {
            let v = c.var().index();
            critical[v] || self.eliminated[v] || self.value(c) != LBool::Undef
        });
        (before - candidates.len()) as u64
    }

    /// Before a call: whether the computation must stop now, and otherwise
    /// the per-call limits that keep it within the whole computation's.
    fn arm_limits(&mut self, limits: &mut Limits) -> Option<StopReason> {
        if self.interrupt.load(Ordering::Relaxed) {
            return Some(StopReason::Interrupted);
        }
        let now = Instant::now();
        if now.duration_since(limits.last_terminate_poll) >= TERMINATE_POLL {
            limits.last_terminate_poll = now;
            if let Some(t) = self.terminate.as_mut() {
                if t() {
                    return Some(StopReason::Terminated);
                }
            }
        }
        if let Some(end) = limits.conflict_end {
            if self.stats.conflicts >= end {
                return Some(StopReason::ConflictLimit);
            }
            self.conflict_budget = Some(end - self.stats.conflicts);
        }
        if let Some(end) = limits.propagation_end {
            if self.stats.propagations >= end {
                return Some(StopReason::PropagationLimit);
            }
            self.propagation_budget = Some(end - self.stats.propagations);
        }
        if let Some(deadline) = limits.deadline {
            if now >= deadline {
                return Some(StopReason::TimeLimit);
            }
            self.time_limit = Some(deadline - now);
        }
        None
    }

    /// After a call answered `Unknown`: which limit stopped it.
    fn why_stopped(&self, limits: &Limits) -> StopReason {
        if self.interrupt.load(Ordering::Relaxed) {
            StopReason::Interrupted
        } else if limits.conflict_end.is_some_and(|end| self.stats.conflicts >= end) {
            StopReason::ConflictLimit
        } else if limits.propagation_end.is_some_and(|end| self.stats.propagations >= end) {
            StopReason::PropagationLimit
        } else if limits.deadline.is_some_and(|d| Instant::now() >= d) {
            StopReason::TimeLimit
        } else {
            StopReason::Terminated
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(ds: &[i32]) -> Vec<Lit> {
        ds.iter().map(|&d| Lit::from_dimacs(d).unwrap()).collect()
    }

    fn solver(clauses: &[&[i32]]) -> Solver {
        let mut s = Solver::new();
        for c in clauses {
            s.add_clause(&lits(c));
        }
        s
    }

    #[test]
    fn constraint_holds_for_one_call_only() {
        // x1 -> x2; constraint (-x2): forces -x1 in this call only.
        let mut s = solver(&[&[-1, 2]]);
        assert_eq!(s.solve_constrained(&[], Some(&lits(&[-2]))), SolveResult::Sat);
        assert_eq!(s.model_value(Lit::from_dimacs(-1).unwrap()), Some(true));
        assert_eq!(s.solve(&lits(&[1])), SolveResult::Sat, "the constraint did not stay");
        // Constraint falsified by the assumption's consequence: the core is that assumption.
        assert_eq!(s.solve_constrained(&lits(&[1]), Some(&lits(&[-2]))), SolveResult::Unsat);
        assert_eq!(s.failed_assumptions().unwrap(), &lits(&[1])[..]);
        assert_eq!(s.solve_constrained(&[], Some(&[])), SolveResult::Unsat, "an empty constraint is the empty clause");
        assert_eq!(s.solve(&[]), SolveResult::Sat);
    }

    #[test]
    fn small_backbones() {
        // x1 and (x1 -> x2) force x1, x2; x3 is free; x4 <-> -x3 is free too.
        let mut s = solver(&[&[1], &[-1, 2], &[3, 4], &[-3, -4]]);
        let b = s.backbone().unwrap();
        assert_eq!(b.lits().unwrap(), &lits(&[1, 2])[..]);
        assert_eq!(s.status(), None);
        assert_eq!(s.solve(&[]), SolveResult::Sat);
        let mut u = solver(&[&[1], &[-1]]);
        assert!(u.backbone().unwrap().lits().is_none());
        let mut empty = Solver::new();
        assert_eq!(empty.backbone().unwrap().lits().unwrap(), &[][..]);
    }

    #[test]
    fn limits_give_an_error_and_are_restored() {
        let mut s = solver(&[&[1, 2], &[-1, 2]]);
        s.set_time_limit(Some(Duration::ZERO));
        let e = s.backbone().unwrap_err();
        assert_eq!(e.reason, StopReason::TimeLimit);
        assert_eq!(e.undecided, None);
        assert_eq!(s.time_limit, Some(Duration::ZERO));
        s.set_time_limit(None);
        s.interrupt();
        assert_eq!(s.backbone().unwrap_err().reason, StopReason::Interrupted);
        s.clear_interrupt();
        assert_eq!(s.backbone().unwrap().lits().unwrap(), &lits(&[2])[..]);
    }
}
