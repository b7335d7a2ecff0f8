//! The public solver API and the CDCL search loop.
//!
//! State lives in one [`Solver`] struct; its behaviour is split by concern
//! over sibling modules that add `impl Solver` blocks: `propagate`
//! (two-watched-literal unit propagation), `analyze` (conflict analysis and
//! learned-clause minimisation), `decide` (VMTF / EVSIDS and mode switching),
//! `restart`, `reduce` (learned-clause tiers and garbage collection),
//! `phases` (saved, target and best phases, rephasing) and `simplify`
//! (subsumption and bounded variable elimination at level 0).
//!
//! Incremental use follows MiniSat/PySAT: clauses may be added between solve
//! calls, learned clauses are kept, and assumptions occupy the first decision
//! levels of each call. A variable removed by elimination is brought back
//! (its clauses restored) as soon as a new clause or an assumption mentions it.
//!
//! A call may also carry a *constraint* (CaDiCaL's `constrain`): a clause
//! that must hold in this call only. It is not added to the clause database;
//! instead, once the assumptions are placed, one of its literals becomes the
//! next decision. Its literals are therefore never propagated from it, so
//! every learned clause is implied by the formula alone and stays valid (and
//! RUP in the proof) after the call. Invariant: while the decision level is
//! above the assumption levels, the constraint is satisfied (the first
//! decision above them satisfies it, or it was satisfied before any was
//! made), so it only needs checking when the search stands exactly on the
//! assumption levels. The backbone computation (`backbone.rs`) is its user.
//!
//! Contract (CaDiCaL-style): every public method may be called in any state;
//! `model`/`model_value` answer after `Sat`, `failed_assumptions` after
//! `Unsat`; any `add_clause` or `solve` invalidates both.

use super::clause::{ClauseDb, ClauseRef};
use super::heap::ActivityHeap;
use super::options::Options;
use super::proof::ProofWriter;
use super::types::{LBool, Lit, Var};
use super::vmtf::VmtfQueue;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// Declares `Stats` once: its counters and the list [`Stats::fields`] that
/// the Python binding and the CLI's `--stats` are generated from.
macro_rules! stats {
    ($( $(#[$doc:meta])* $name:ident ),* $(,)?) => {
        /// Cumulative statistics over all solve calls.
        #[derive(Clone, Debug, Default)]
        pub struct Stats {
            $( $(#[$doc])* pub $name: u64, )*
            /// Wall time spent in `solve`, in seconds.
            pub time_secs: f64,
        }

        impl Stats {
            /// Every integer counter with its name, in declaration order
            /// (`time_secs` is separate because it is not a count).
            pub fn counters(&self) -> Vec<(&'static str, u64)> {
                vec![ $( (stringify!($name), self.$name), )* ]
            }
        }
    };
}

stats! {
    /// Calls of `solve`.
    solves,
    conflicts,
    decisions,
    /// Literals assigned by propagation, decisions and units (trail pushes).
    propagations,
    restarts,
    learned,
    learned_literals,
    /// Literals removed from learned clauses by recursive minimisation.
    minimized_literals,
    reductions,
    mode_switches,
    rephases,
    /// ProbSAT walks run for rephasing.
    walks,
    simplifications,
    eliminated_vars,
    subsumed,
    strengthened,
    /// Learned clauses shortened by vivification.
    vivified,
    /// Failed literals found by probing (each one's negation became a level-0 unit).
    failed_literals,
}

/// Where a call's constraint stands when the search is on the assumption levels.
enum ConstraintState {
    Satisfied,
    Decide(Lit),
    Falsified,
}

/// Why a variable is assigned.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(super) enum Reason {
    /// A decision, an assumption, or a unit at level 0.
    None,
    /// Propagated by the binary clause (this literal ∨ the stored literal).
    Binary(Lit),
    /// Propagated by a long clause.
    Long(ClauseRef),
}

/// A clause found falsified by propagation.
#[derive(Copy, Clone, Debug)]
pub(super) enum Conflict {
    Binary(Lit, Lit),
    Long(ClauseRef),
}

/// Entry of a watch list: `watches[l]` holds the clauses watching literal `l`.
/// For a binary clause `blocker` is the other literal; for a long clause it is
/// any literal of the clause whose truth lets propagation skip the clause.
#[derive(Copy, Clone, Debug)]
pub(super) struct Watch {
    pub blocker: Lit,
    /// ClauseRef with the top bit set for binary clauses.
    pub tagged: u32,
}

const BINARY_TAG: u32 = 1 << 31;

impl Watch {
    #[inline(always)]
    pub fn long(blocker: Lit, c: ClauseRef) -> Watch {
        Watch { blocker, tagged: c.0 }
    }
    #[inline(always)]
    pub fn binary(other: Lit, c: ClauseRef) -> Watch {
        Watch { blocker: other, tagged: c.0 | BINARY_TAG }
    }
    #[inline(always)]
    pub fn is_binary(self) -> bool {
        self.tagged & BINARY_TAG != 0
    }
    #[inline(always)]
    pub fn cref(self) -> ClauseRef {
        ClauseRef(self.tagged & !BINARY_TAG)
    }
}

/// Exponential moving average with bias correction (as Adam's): the raw
/// average starts at 0 and is divided by `1 - (1 - alpha)^n`, so early values
/// are not dragged towards 0.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ema {
    biased: f64,
    alpha: f64,
    decay_pow: f64,
    pub value: f64,
}

impl Ema {
    pub fn new(window: f64) -> Ema {
        Ema { biased: 0.0, alpha: 1.0 / window, decay_pow: 1.0, value: 0.0 }
    }
    pub fn update(&mut self, x: f64) {
        self.biased += self.alpha * (x - self.biased);
        self.decay_pow *= 1.0 - self.alpha;
        self.value = self.biased / (1.0 - self.decay_pow);
    }
}

pub struct Solver {
    pub(super) opts: Options,
    // Assignment.
    pub(super) vals: Vec<LBool>, // per literal
    pub(super) level: Vec<u32>,  // per variable
    pub(super) reason: Vec<Reason>,
    pub(super) trail: Vec<Lit>,
    pub(super) trail_lim: Vec<usize>,
    pub(super) qhead: usize,
    // Clauses.
    pub(super) db: ClauseDb,
    pub(super) watches: Vec<Vec<Watch>>,
    pub(super) learned_refs: Vec<ClauseRef>,
    pub(super) unsat: bool,
    pub(super) num_original: u64,
    // Heuristics.
    pub(super) vmtf: VmtfQueue,
    pub(super) heap: ActivityHeap,
    pub(super) stable: bool,
    pub(super) saved: Vec<bool>,
    pub(super) initial: Vec<bool>,
    /// Phase fixed by [`Solver::set_phase_priors`] per variable index (`Undef`:
    /// none). May be longer than `num_vars`: entries beyond it become the
    /// initial phase of variables created later (see `reserve_vars`).
    pub(super) phase_prior: Vec<LBool>,
    pub(super) target: Vec<LBool>,
    pub(super) best: Vec<LBool>,
    pub(super) target_assigned: usize,
    pub(super) best_assigned: usize,
    // Analysis scratch.
    pub(super) seen: Vec<u8>,
    pub(super) analyzed: Vec<Var>,
    pub(super) level_stamp: Vec<u64>,
    pub(super) stamp_clock: u64,
    pub(super) learnt: Vec<Lit>,
    pub(super) minimize_stack: Vec<Lit>,
    // Restarts, reductions, mode and rephase schedules.
    pub(super) ema_fast: Ema,
    pub(super) ema_slow: Ema,
    pub(super) conflicts_at_restart: u64,
    pub(super) reluctant_u: u64,
    pub(super) reluctant_v: u64,
    pub(super) reluctant_countdown: u64,
    pub(super) next_reduce: u64,
    pub(super) next_mode_switch: u64,
    pub(super) mode_phase_len: u64,
    pub(super) next_rephase: u64,
    pub(super) rephase_count: u64,
    pub(super) next_simplify: u64,
    pub(super) simplify_count: u64,
    pub(super) units_at_last_simplify: usize,
    pub(super) vivify_props_mark: u64,
    // Elimination.
    pub(super) eliminated: Vec<bool>,
    /// Model reconstruction stack: (witness literal, clause) in elimination order.
    pub(super) extension: Vec<(Lit, Vec<Lit>)>,
    // Incremental interface.
    pub(super) assumptions: Vec<Lit>,
    /// The constraint of the current call, meaningful while `constrained`.
    pub(super) constraint: Vec<Lit>,
    pub(super) constrained: bool,
    pub(super) failed: Vec<Lit>,
    pub(super) model: Vec<LBool>,
    pub(super) status: Option<SolveResult>,
    pub(super) proof: Option<ProofWriter>,
    // Limits.
    pub(super) conflict_budget: Option<u64>,
    pub(super) propagation_budget: Option<u64>,
    pub(super) time_limit: Option<Duration>,
    pub(super) interrupt: Arc<AtomicBool>,
    pub(super) terminate: Option<TerminateFn>,
    pub(super) deadline: Option<Instant>,
    conflict_limit: u64,
    propagation_limit: u64,
    last_poll: Instant,
    pub(super) stopped: bool,
    pub(super) rng: u64,
    pub(super) stats: Stats,
    pub(super) tmp_vars: Vec<Var>,
    pub(super) tmp_one: [Lit; 1],
}

impl Default for Solver {
    fn default() -> Self {
        Self::new()
    }
}

impl Solver {
    /// A solver with default options.
    pub fn new() -> Solver {
        Self::with_options(Options::default())
    }

    /// A solver with the given options (see [`Options::table`]).
    pub fn with_options(opts: Options) -> Solver {
        let seed = opts.seed as u64;
        let mut s = Solver {
            vals: Vec::new(),
            level: Vec::new(),
            reason: Vec::new(),
            trail: Vec::new(),
            trail_lim: Vec::new(),
            qhead: 0,
            db: ClauseDb::default(),
            watches: Vec::new(),
            learned_refs: Vec::new(),
            unsat: false,
            num_original: 0,
            vmtf: VmtfQueue::new(),
            heap: ActivityHeap::new(),
            stable: false,
            saved: Vec::new(),
            initial: Vec::new(),
            phase_prior: Vec::new(),
            target: Vec::new(),
            best: Vec::new(),
            target_assigned: 0,
            best_assigned: 0,
            seen: Vec::new(),
            analyzed: Vec::new(),
            level_stamp: vec![0],
            stamp_clock: 0,
            learnt: Vec::new(),
            minimize_stack: Vec::new(),
            ema_fast: Ema::new(33.0),
            ema_slow: Ema::new(1e5),
            conflicts_at_restart: 0,
            reluctant_u: 1,
            reluctant_v: 1,
            reluctant_countdown: 0,
            next_reduce: 0,
            next_mode_switch: 0,
            mode_phase_len: 0,
            next_rephase: 0,
            rephase_count: 0,
            next_simplify: 0,
            simplify_count: 0,
            units_at_last_simplify: 0,
            vivify_props_mark: 0,
            eliminated: Vec::new(),
            extension: Vec::new(),
            assumptions: Vec::new(),
            constraint: Vec::new(),
            constrained: false,
            failed: Vec::new(),
            model: Vec::new(),
            status: None,
            proof: None,
            conflict_budget: None,
            propagation_budget: None,
            time_limit: None,
            interrupt: Arc::new(AtomicBool::new(false)),
            terminate: None,
            deadline: None,
            conflict_limit: u64::MAX,
            propagation_limit: u64::MAX,
            last_poll: Instant::now(),
            stopped: false,
            rng: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x2545_F491_4F6C_DD1D,
            stats: Stats::default(),
            tmp_vars: Vec::new(),
            tmp_one: [Lit(0)],
            opts,
        };
        s.init_schedules();
        s
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Sets one option by name (range-checked). Errors name the option and its range.
    ///
    /// Setting `phase` resets the initial and saved phase of every variable
    /// without a phase prior (phases from `set_phases` included); variables
    /// with a prior keep it.
    pub fn set_option(&mut self, name: &str, value: i64) -> Result<(), String> {
        self.opts.set(name, value)?;
        if name == "seed" {
            self.rng = (value as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x2545_F491_4F6C_DD1D;
        }
        if name == "phase" {
            let p = value != 0;
            for v in 0..self.initial.len() {
                if self.phase_prior.get(v).is_some_and(|&b| b != LBool::Undef) {
                    continue;
                }
                self.initial[v] = p;
                self.saved[v] = p;
            }
        }
        Ok(())
    }

    /// Number of variables (the largest variable index seen so far, plus one).
    pub fn num_vars(&self) -> u32 {
        self.level.len() as u32
    }

    /// Number of clauses added by the user (including units, empty and tautological ones).
    pub fn num_clauses(&self) -> u64 {
        self.num_original
    }

    /// Learned clauses currently kept.
    pub fn num_learned(&self) -> usize {
        self.db.num_learned
    }

    /// Ensures variables `0..n` exist. Cost: O(n) the first time.
    pub fn reserve_vars(&mut self, n: u32) {
        let old = self.level.len();
        let n = n as usize;
        if n <= old {
            return;
        }
        self.vals.resize(2 * n, LBool::Undef);
        self.level.resize(n, 0);
        self.reason.resize(n, Reason::None);
        self.watches.resize_with(2 * n, Vec::new);
        self.seen.resize(n, 0);
        let p = self.opts.phase != 0;
        self.initial.resize(n, p);
        // Priors given before their variables existed take effect now.
        for v in old..n.min(self.phase_prior.len()) {
            match self.phase_prior[v] {
                LBool::True => self.initial[v] = true,
                LBool::False => self.initial[v] = false,
                LBool::Undef => {}
            }
        }
        self.saved.extend_from_slice(&self.initial[old..n]);
        self.target.resize(n, LBool::Undef);
        self.best.resize(n, LBool::Undef);
        self.eliminated.resize(n, false);
        // With a non-zero seed, new variables enter the decision queues in a
        // shuffled order (Fisher-Yates); with seed 0 the input order is kept.
        let mut order: Vec<u32> = Vec::new();
        if self.opts.seed != 0 {
            order.extend(old as u32..n as u32);
            for i in (1..order.len()).rev() {
                let j = (self.random() % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
        }
        self.vmtf.grow(n, &order);
        self.heap.grow(n);
        for (rank, v) in (old..n).enumerate() {
            // Initial EVSIDS order follows the VMTF order: later in the queue = higher.
            let v = if order.is_empty() { v } else { order[rank] as usize };
            self.heap.activity[v] = rank as f64 * 1e-9;
            self.heap.insert(Var(v as u32));
        }
        self.level_stamp.resize(n + 2, 0);
    }

    /// Ensures the variables of `lits` exist.
    fn reserve_vars_for(&mut self, lits: &[Lit]) {
        if let Some(max) = lits.iter().map(|l| l.var().0).max() {
            self.reserve_vars(max + 1);
        }
    }

    /// Prepares literals coming in through the API (a clause or assumptions):
    /// their variables exist, the solver is at level 0, and any of them that
    /// elimination removed is restored.
    fn admit_lits(&mut self, lits: &[Lit]) {
        self.reserve_vars_for(lits);
        self.backtrack(0);
        for &l in lits {
            if self.eliminated[l.var().index()] {
                self.restore_eliminated(l.var());
            }
        }
    }

    /// Adds a clause. Duplicate literals and tautologies are allowed. Returns
    /// `false` when the formula is now known to be unsatisfiable.
    ///
    /// Cost: O(len), plus restoring eliminated variables the clause mentions.
    pub fn add_clause(&mut self, lits: &[Lit]) -> bool {
        self.num_original += 1;
        self.invalidate_answers();
        if self.unsat {
            return false;
        }
        self.admit_lits(lits);
        if self.unsat {
            return false;
        }
        self.add_clause_internal(lits)
    }

    /// Adds a clause over non-eliminated variables at level 0: drops
    /// duplicates, tautologies, satisfied clauses and false literals.
    pub(super) fn add_clause_internal(&mut self, lits: &[Lit]) -> bool {
        let mut c: Vec<Lit> = lits.to_vec();
        c.sort_unstable();
        c.dedup();
        for w in c.windows(2) {
            if w[0] == !w[1] {
                return true; // tautology
            }
        }
        if c.iter().any(|&l| self.value(l) == LBool::True) {
            return true;
        }
        let before = c.len();
        c.retain(|&l| self.value(l) != LBool::False);
        if c.len() < before {
            // The shortened clause is RUP from the original and the level-0 units.
            self.proof_add(&c);
        }
        self.add_irredundant(c)
    }

    /// Adds an already simplified clause (sorted, no duplicates, none assigned at level 0).
    pub(super) fn add_irredundant(&mut self, c: Vec<Lit>) -> bool {
        match c.len() {
            0 => {
                self.unsat = true;
                false
            }
            1 => {
                self.assign(c[0], Reason::None);
                if self.propagate().is_some() {
                    self.proof_add(&[]);
                    self.unsat = true;
                    return false;
                }
                true
            }
            _ => {
                let cref = self.db.alloc(&c, false, 0);
                self.attach(cref);
                true
            }
        }
    }

    /// Solves under the given assumptions. Budgets set with `set_*_budget` and
    /// the time limit apply to this call. Cost: exponential in the worst case;
    /// the interrupt flag, the terminate callback and the limits are polled
    /// at least every ~10 ms of search.
    pub fn solve(&mut self, assumptions: &[Lit]) -> SolveResult {
        self.solve_constrained(assumptions, None)
    }

    /// As [`Solver::solve`], and with `constraint` (a clause, over any
    /// variables) required to hold in this call only: `Sat` means a model of
    /// the formula, the assumptions and the constraint; `Unsat` means there is
    /// none, and the failed assumptions are those that together with the
    /// formula falsify the constraint. Nothing of the constraint stays: the
    /// learned clauses are implied by the formula alone (see the module doc).
    /// An empty constraint makes the call `Unsat`.
    pub(super) fn solve_constrained(&mut self, assumptions: &[Lit], constraint: Option<&[Lit]>) -> SolveResult {
        let start = Instant::now();
        self.stats.solves += 1;
        self.invalidate_answers();
        self.stopped = false;
        self.deadline = self.time_limit.map(|d| start + d);
        self.conflict_limit = self.conflict_budget.map_or(u64::MAX, |b| self.stats.conflicts.saturating_add(b));
        self.propagation_limit =
            self.propagation_budget.map_or(u64::MAX, |b| self.stats.propagations.saturating_add(b));
        self.last_poll = start;
        self.admit_lits(assumptions);
        self.assumptions = assumptions.to_vec();
        self.constraint.clear();
        self.constrained = constraint.is_some();
        if let Some(c) = constraint {
            self.admit_lits(c);
            self.constraint.extend_from_slice(c);
        }
        let result = if self.unsat {
            SolveResult::Unsat
        } else {
            self.search()
        };
        match result {
            SolveResult::Sat => self.save_model(),
            SolveResult::Unsat => {
                if self.unsat {
                    self.failed.clear();
                }
            }
            SolveResult::Unknown => {}
        }
        self.backtrack(0);
        self.constrained = false;
        self.constraint.clear();
        if let Some(p) = self.proof.as_mut() {
            let _ = p.flush();
        }
        self.status = Some(result);
        self.stats.time_secs += start.elapsed().as_secs_f64();
        result
    }

    /// After `Sat`: value of a literal in the model (`None` if there is no model or
    /// the variable is unknown to the solver).
    pub fn model_value(&self, lit: Lit) -> Option<bool> {
        if self.status != Some(SolveResult::Sat) {
            return None;
        }
        let v = *self.model.get(lit.var().index())?;
        let b = v == LBool::True;
        Some(if lit.is_negative() { !b } else { b })
    }

    /// After `Sat`: the model as one literal per variable, in variable order.
    pub fn model(&self) -> Option<Vec<Lit>> {
        if self.status != Some(SolveResult::Sat) {
            return None;
        }
        Some(
            self.model
                .iter()
                .enumerate()
                .map(|(v, &b)| Var(v as u32).lit(b == LBool::True))
                .collect(),
        )
    }

    /// After `Unsat`: the failed assumptions, a subset of the assumptions that
    /// together with the formula is unsatisfiable (empty when the formula alone is).
    pub fn failed_assumptions(&self) -> Option<&[Lit]> {
        if self.status != Some(SolveResult::Unsat) {
            return None;
        }
        Some(&self.failed)
    }

    /// Result of the last solve call, `None` before the first or after a change.
    pub fn status(&self) -> Option<SolveResult> {
        self.status
    }

    /// Limits the conflicts of each following solve call (`None` = unlimited).
    pub fn set_conflict_budget(&mut self, n: Option<u64>) {
        self.conflict_budget = n;
    }
    /// Limits the propagations of each following solve call (`None` = unlimited).
    pub fn set_propagation_budget(&mut self, n: Option<u64>) {
        self.propagation_budget = n;
    }
    /// Limits the wall time of each following solve call (`None` = unlimited).
    pub fn set_time_limit(&mut self, d: Option<Duration>) {
        self.time_limit = d;
    }

    /// Flag that stops the search when set; share it with other threads.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }
    pub fn interrupt(&self) {
        self.interrupt.store(true, Ordering::Relaxed)
    }
    pub fn clear_interrupt(&self) {
        self.interrupt.store(false, Ordering::Relaxed)
    }

    /// Installs a callback polled about every 10 ms during search.
    pub fn set_terminate(&mut self, f: Option<TerminateFn>) {
        self.terminate = f;
    }

    /// Sets preferred decision phases: each literal's variable starts with the
    /// literal's polarity, and "original" rephasing returns to it. Creates the
    /// variables it mentions. With [`Solver::set_phase_priors`] the later call
    /// wins for each variable: this one drops the variable's prior.
    pub fn set_phases(&mut self, lits: &[Lit]) {
        self.reserve_vars_for(lits);
        for &l in lits {
            let v = l.var().index();
            self.initial[v] = l.is_positive();
            self.saved[v] = l.is_positive();
            self.target[v] = LBool::Undef;
            if let Some(p) = self.phase_prior.get_mut(v) {
                *p = LBool::Undef;
            }
        }
    }

    /// Starts DRAT proof logging. Precondition: no clause added yet (the proof
    /// must see every derivation). Error otherwise.
    pub fn set_proof(&mut self, out: Box<dyn Write + Send>, binary: bool) -> Result<(), String> {
        if self.num_original > 0 {
            return Err("a proof must be requested before the first clause is added".into());
        }
        self.proof = Some(ProofWriter::new(out, binary));
        Ok(())
    }

    /// Flushes the proof and reports the first write error met, if any.
    pub fn flush_proof(&mut self) -> io::Result<()> {
        match self.proof.as_mut() {
            Some(p) => p.flush(),
            None => Ok(()),
        }
    }

    pub fn stats(&self) -> Stats {
        self.stats.clone()
    }

    /// Bytes held by clauses and watch lists (approximate).
    pub fn memory_bytes(&self) -> usize {
        self.db.memory_bytes()
            + self.watches.iter().map(|w| w.capacity() * std::mem::size_of::<Watch>()).sum::<usize>()
            + self.vals.capacity()
            + self.level.capacity() * 4
            + self.reason.capacity() * std::mem::size_of::<Reason>()
    }

    // ----------------------------------------------------------------------
    // Assignment primitives.

    #[inline(always)]
    pub(super) fn value(&self, l: Lit) -> LBool {
        self.vals[l.index()]
    }

    #[inline(always)]
    pub(super) fn decision_level(&self) -> u32 {
        self.trail_lim.len() as u32
    }

    #[inline(always)]
    pub(super) fn assign(&mut self, l: Lit, reason: Reason) {
        let v = l.var().index();
        self.vals[l.index()] = LBool::True;
        self.vals[(!l).index()] = LBool::False;
        self.level[v] = self.trail_lim.len() as u32;
        self.reason[v] = reason;
        self.trail.push(l);
    }

    pub(super) fn new_decision_level(&mut self) {
        self.trail_lim.push(self.trail.len());
    }

    /// Undoes all assignments above `level`, saving phases and returning
    /// variables to the decision queues.
    pub(super) fn backtrack(&mut self, level: u32) {
        if self.decision_level() <= level {
            return;
        }
        let lim = self.trail_lim[level as usize];
        for i in (lim..self.trail.len()).rev() {
            let l = self.trail[i];
            let v = l.var();
            self.vals[l.index()] = LBool::Undef;
            self.vals[(!l).index()] = LBool::Undef;
            self.saved[v.index()] = l.is_positive();
            self.reason[v.index()] = Reason::None;
            self.vmtf.on_unassign(v);
            self.heap.insert(v);
        }
        self.trail.truncate(lim);
        self.trail_lim.truncate(level as usize);
        self.qhead = lim;
    }

    pub(super) fn attach(&mut self, c: ClauseRef) {
        let lits = self.db.lits(c);
        let (a, b) = (lits[0], lits[1]);
        if lits.len() == 2 {
            self.watches[a.index()].push(Watch::binary(b, c));
            self.watches[b.index()].push(Watch::binary(a, c));
        } else {
            self.watches[a.index()].push(Watch::long(b, c));
            self.watches[b.index()].push(Watch::long(a, c));
        }
    }

    fn invalidate_answers(&mut self) {
        self.status = None;
    }

    // ----------------------------------------------------------------------
    // Proof logging helpers.

    pub(super) fn proof_add(&mut self, lits: &[Lit]) {
        if let Some(p) = self.proof.as_mut() {
            p.add(lits);
        }
    }

    pub(super) fn proof_delete(&mut self, lits: &[Lit]) {
        if let Some(p) = self.proof.as_mut() {
            p.delete(lits);
        }
    }

    pub(super) fn proof_delete_clause(&mut self, c: ClauseRef) {
        if self.proof.is_some() {
            let lits = self.db.lits(c).to_vec();
            self.proof_delete(&lits);
        }
    }

    // ----------------------------------------------------------------------
    // Limits.

    /// Polls limits; cheap enough to call on every conflict.
    pub(super) fn should_stop(&mut self) -> bool {
        if self.stopped {
            return true;
        }
        if self.stats.conflicts >= self.conflict_limit || self.stats.propagations >= self.propagation_limit {
            self.stopped = true;
            return true;
        }
        if self.interrupt.load(Ordering::Relaxed) {
            self.stopped = true;
            return true;
        }
        let now = Instant::now();
        if now.duration_since(self.last_poll) >= Duration::from_millis(10) {
            self.last_poll = now;
            if let Some(d) = self.deadline {
                if now >= d {
                    self.stopped = true;
                    return true;
                }
            }
            if let Some(t) = self.terminate.as_mut() {
                if t() {
                    self.stopped = true;
                    return true;
                }
            }
        }
        false
    }

    // ----------------------------------------------------------------------
    // The CDCL loop.

    fn search(&mut self) -> SolveResult {
        let mut decisions_since_poll = 0u32;
        loop {
            if let Some(conflict) = self.propagate() {
                self.stats.conflicts += 1;
                if self.decision_level() == 0 {
                    self.proof_add(&[]);
                    self.unsat = true;
                    return SolveResult::Unsat;
                }
                self.update_target_and_best();
                self.analyze_and_learn(conflict);
                if self.unsat {
                    return SolveResult::Unsat;
                }
                if self.should_stop() {
                    return SolveResult::Unknown;
                }
                continue;
            }
            // No conflict: maintenance at a quiet point, then a decision.
            if self.restart_due() {
                self.restart();
            }
            if self.decision_level() == 0 {
                if self.simplify_due() && !self.simplify_keeping_constraint() {
                    return SolveResult::Unsat;
                }
                if self.collect_due() {
                    self.clean_level0_and_collect();
                }
            }
            if self.reduce_due() {
                self.reduce();
            }
            if self.rephase_due() {
                self.rephase();
            }
            if self.mode_switch_due() {
                self.switch_mode();
            }
            decisions_since_poll += 1;
            if decisions_since_poll >= 512 {
                decisions_since_poll = 0;
                if self.should_stop() {
                    return SolveResult::Unknown;
                }
            }
            // Assumptions occupy the first decision levels.
            let mut next = None;
            while (self.decision_level() as usize) < self.assumptions.len() {
                let p = self.assumptions[self.decision_level() as usize];
                match self.value(p) {
                    LBool::True => self.new_decision_level(),
                    LBool::False => {
                        self.analyze_final(p);
                        return SolveResult::Unsat;
                    }
                    LBool::Undef => {
                        next = Some(p);
                        break;
                    }
                }
            }
            // Then, in a constrained call, a decision satisfying the constraint
            // (only needed on the assumption levels: see the module doc).
            if next.is_none() && self.constrained && self.decision_level() as usize == self.assumptions.len() {
                match self.constraint_decision() {
                    ConstraintState::Satisfied => {}
                    ConstraintState::Decide(l) => next = Some(l),
                    ConstraintState::Falsified => {
                        self.analyze_constraint_failure();
                        return SolveResult::Unsat;
                    }
                }
            }
            debug_assert!(
                !self.constrained
                    || (self.decision_level() as usize) < self.assumptions.len()
                    || next.is_some()
                    || self.constraint.iter().any(|&l| self.value(l) == LBool::True),
                "the constraint is unsatisfied above the assumption levels"
            );
            let lit = match next {
                Some(p) => p,
                None => match self.decide() {
                    Some(l) => l,
                    None => return SolveResult::Sat,
                },
            };
            self.stats.decisions += 1;
            self.new_decision_level();
            self.assign(lit, Reason::None);
        }
    }

    /// Computes the failed assumptions when assumption `p` is found false:
    /// the assumptions whose propagation implied `!p`, plus `p` itself.
    fn analyze_final(&mut self, p: Lit) {
        self.failed.clear();
        self.failed.push(p);
        if self.decision_level() == 0 {
            return;
        }
        let pv = p.var().index();
        self.seen[pv] = 1;
        self.collect_failed_assumptions();
        self.seen[pv] = 0;
        // `p` false means its complement is implied; the core is the set of
        // assumptions (as given) that imply it, together with `p`.
        self.failed.sort_unstable();
        self.failed.dedup();
    }

    /// Where the constraint stands on the assumption levels: satisfied, or
    /// the literal to decide next (its first unassigned one), or falsified.
    fn constraint_decision(&self) -> ConstraintState {
        let mut undecided = None;
        for &l in &self.constraint {
            match self.value(l) {
                LBool::True => return ConstraintState::Satisfied,
                LBool::Undef if undecided.is_none() => undecided = Some(l),
                _ => {}
            }
        }
        match undecided {
            Some(l) => ConstraintState::Decide(l),
            None => ConstraintState::Falsified,
        }
    }

    /// Computes the failed assumptions when every constraint literal is false
    /// on the assumption levels: the assumptions that implied their negations
    /// (none when the formula alone does, at level 0).
    fn analyze_constraint_failure(&mut self) {
        self.failed.clear();
        if self.decision_level() == 0 {
            return;
        }
        for i in 0..self.constraint.len() {
            let v = self.constraint[i].var().index();
            if self.level[v] > 0 {
                self.seen[v] = 1;
            }
        }
        // Every marked variable is assigned above level 0, so the walk clears its mark.
        self.collect_failed_assumptions();
        self.failed.sort_unstable();
        self.failed.dedup();
    }

    /// Walks the trail above level 0 backwards from the variables marked in
    /// `seen`, through their reasons, and adds the assumptions it reaches to
    /// `failed`. Clears the mark of every variable it passes.
    fn collect_failed_assumptions(&mut self) {
        let start = self.trail_lim[0];
        for i in (start..self.trail.len()).rev() {
            let l = self.trail[i];
            let v = l.var().index();
            if self.seen[v] == 0 {
                continue;
            }
            match self.reason[v] {
                Reason::None => {
                    // An assumption (possibly `!p` itself, when both polarities are assumed).
                    if self.level[v] > 0 {
                        self.failed.push(l);
                    }
                }
                Reason::Binary(o) => {
                    if self.level[o.var().index()] > 0 {
                        self.seen[o.var().index()] = 1;
                    }
                }
                Reason::Long(c) => {
                    for &q in &self.db.lits(c)[1..] {
                        if self.level[q.var().index()] > 0 {
                            self.seen[q.var().index()] = 1;
                        }
                    }
                }
            }
            self.seen[v] = 0;
        }
    }

    /// One inprocessing round during which the constraint's variables, like
    /// the assumptions', cannot be eliminated: elimination freezes the
    /// variables of `self.assumptions` (`simplify/elim.rs`), so the
    /// constraint's literals ride along there for the round. No other part of
    /// inprocessing reads the assumptions.
    fn simplify_keeping_constraint(&mut self) -> bool {
        if !self.constrained {
            return self.simplify();
        }
        let placed = self.assumptions.len();
        let constraint = std::mem::take(&mut self.constraint);
        self.assumptions.extend_from_slice(&constraint);
        let ok = self.simplify();
        self.assumptions.truncate(placed);
        self.constraint = constraint;
        ok
    }

    fn save_model(&mut self) {
        let n = self.num_vars() as usize;
        self.model.clear();
        self.model.reserve(n);
        for v in 0..n {
            let val = self.vals[Var(v as u32).pos().index()];
            // Unassigned (eliminated or never constrained) variables take their saved phase.
            self.model.push(match val {
                LBool::Undef => LBool::from_bool(self.saved[v]),
                x => x,
            });
        }
        self.extend_model();
    }

    /// Undoes variable elimination on the model: clauses removed with a
    /// witness literal are satisfied by flipping the witness, last removed first.
    fn extend_model(&mut self) {
        for (witness, clause) in self.extension.iter().rev() {
            let satisfied = clause.iter().any(|&l| {
                let v = self.model[l.var().index()];
                (v == LBool::True) == l.is_positive()
            });
            if !satisfied {
                self.model[witness.var().index()] = LBool::from_bool(witness.is_positive());
            }
        }
    }

    /// A pseudo-random number (xorshift64*), seeded by the `seed` option.
    pub(super) fn random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}
