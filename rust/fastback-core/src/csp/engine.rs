//! The propagation engine: runs propagators and clauses to a fixpoint.
//!
//! Each variable has a list of subscriptions `(propagator, position,
//! events)`. After every propagator call the engine takes the variables the
//! call changed from the store, runs the clause watches on them (collecting
//! units, applied right away as separate steps), and wakes the propagators
//! subscribed to the events that happened (through their `advise`). The
//! queue is FIFO per priority, cheapest first. The loop ends when the queue
//! is empty and nothing changed (a fixpoint), or at the first conflict.
//!
//! Invariants:
//! - after `propagate` returns `Ok`, every propagator has run since the last
//!   change to any variable it subscribes to (except its own changes when it
//!   declares itself idempotent), and the clause two-watch invariant holds:
//!   the domains are at a fixpoint of all propagators and clauses;
//! - after it returns `Err`, the queue and the change record are empty and
//!   every dropped propagator has been told (`cancel`); the caller must
//!   backtrack, since domains may be partly filtered.
//!
//! Weighted degrees (for dom/wdeg): each propagator has a weight, 1 at the
//! start, +1 each time it fails; a variable's weighted degree is the sum of
//! the weights of the propagators on it, plus one per failure of a clause
//! that mentions it. It is kept incrementally (a failure bumps the variables
//! of the failing propagator), so it counts propagators whose other
//! variables are all fixed too: the cheap variant of Boussemart et al. (2004).

use super::clauses::{lit_apply, Added, ClauseRef, ClauseStore};
use super::propagator::{Priority, Propagator};
use super::queue::PropQueue;
use super::store::Store;
use super::trace::{Trace, TraceEvent};
use super::types::{Cause, ConstraintId, Events, Lit, PropId, VarId};

#[derive(Clone, Copy, Debug)]
struct Sub {
    prop: u32,
    pos: u32,
    events: Events,
}

/// The store, the propagators and clauses, and the fixpoint loop.
pub struct Engine {
    pub store: Store,
    props: Vec<Box<dyn Propagator>>,
    prio: Vec<Priority>,
    idempotent: Vec<bool>,
    origin: Vec<ConstraintId>,
    prop_vars: Vec<Vec<VarId>>,
    subs: Vec<Vec<Sub>>,
    queue: PropQueue,
    pub clauses: ClauseStore,
    /// Failure count + 1 per propagator.
    pub weights: Vec<f64>,
    /// Weighted degree per variable (see the module doc).
    pub var_wdeg: Vec<f64>,
    /// Number of propagators and clauses on each variable.
    pub var_degree: Vec<u32>,
    /// Propagator calls so far.
    pub propagations: u64,
    /// The trace recorder, when one is on.
    pub trace: Option<Trace>,
    changed: Vec<(VarId, Events)>,
    units: Vec<(Lit, ClauseRef)>,
}

impl Engine {
    /// An engine over `store`'s variables, with no constraints yet.
    pub fn new(store: Store) -> Engine {
        let n = store.num_vars();
        Engine {
            store,
            props: Vec::new(),
            prio: Vec::new(),
            idempotent: Vec::new(),
            origin: Vec::new(),
            prop_vars: Vec::new(),
            subs: vec![Vec::new(); n],
            queue: PropQueue::new(0),
            clauses: ClauseStore::new(n),
            weights: Vec::new(),
            var_wdeg: vec![0.0; n],
            var_degree: vec![0; n],
            propagations: 0,
            trace: None,
            changed: Vec::new(),
            units: Vec::new(),
        }
    }

    pub fn num_props(&self) -> usize {
        self.props.len()
    }

    /// Registers `p` for the constraint `origin` and schedules it.
    pub fn add_propagator(&mut self, p: Box<dyn Propagator>, origin: ConstraintId) -> PropId {
        let id = PropId(self.props.len() as u32);
        let mut vars = Vec::new();
        for (pos, (x, events)) in p.subscriptions().into_iter().enumerate() {
            self.subs[x.index()].push(Sub { prop: id.0, pos: pos as u32, events });
            if !vars.contains(&x) {
                vars.push(x);
            }
        }
        for &x in &vars {
            self.var_wdeg[x.index()] += 1.0;
            self.var_degree[x.index()] += 1;
        }
        self.prio.push(p.priority());
        self.idempotent.push(p.idempotent());
        self.origin.push(origin);
        self.prop_vars.push(vars);
        self.props.push(p);
        self.weights.push(1.0);
        self.queue.resize(self.props.len());
        self.queue.push(id, self.prio[id.index()]);
        id
    }

    /// Adds a clause at the root (see [`ClauseStore::add`]).
    pub fn add_clause(&mut self, lits: &[Lit], origin: Cause) -> Result<Added, Cause> {
        let added = self.clauses.add(lits, origin, &mut self.store).map_err(|_| origin)?;
        if let Added::Stored(_) = added {
            for l in lits {
                self.var_degree[l.var.index()] += 1;
            }
        }
        Ok(added)
    }

    /// The constraint a propagator belongs to.
    pub fn origin(&self, p: PropId) -> ConstraintId {
        self.origin[p.index()]
    }

    pub fn prop_name(&self, p: PropId) -> &'static str {
        self.props[p.index()].name()
    }

    /// Runs to a fixpoint or the first conflict (see the module doc).
    pub fn propagate(&mut self) -> Result<(), Cause> {
        let mut current: Option<PropId> = None;
        loop {
            while self.store.has_modified() {
                if let Err(cause) = self.dispatch_changes(current) {
                    self.fail_cleanup();
                    return Err(cause);
                }
                current = None;
            }
            let Some(p) = self.queue.pop() else {
                return Ok(());
            };
            self.propagations += 1;
            current = if self.idempotent[p.index()] { Some(p) } else { None };
            let tracing = self.trace.is_some();
            if tracing {
                self.store.begin_step();
            }
            let result = self.props[p.index()].propagate(&mut self.store);
            let cause = Cause::Constraint(self.origin[p.index()]);
            if tracing {
                self.record_step(cause, result.is_ok());
            }
            if result.is_err() {
                self.weights[p.index()] += 1.0;
                for &x in &self.prop_vars[p.index()] {
                    self.var_wdeg[x.index()] += 1.0;
                }
                self.record_conflict(cause);
                self.fail_cleanup();
                return Err(cause);
            }
        }
    }

    /// Wakes subscribers of the changed variables (not `skip`, the
    /// idempotent propagator that made the changes) and runs the clauses.
    fn dispatch_changes(&mut self, skip: Option<PropId>) -> Result<(), Cause> {
        let mut changed = std::mem::take(&mut self.changed);
        self.store.take_modified(&mut changed);
        let mut units = std::mem::take(&mut self.units);
        units.clear();
        let mut result = Ok(());
        for &(x, ev) in &changed {
            for sub in &self.subs[x.index()] {
                if sub.events & ev == 0 || Some(PropId(sub.prop)) == skip {
                    continue;
                }
                let p = sub.prop as usize;
                if self.props[p].advise(sub.pos, ev, &self.store) {
                    self.queue.push(PropId(sub.prop), self.prio[p]);
                }
            }
            if result.is_ok() && self.clauses.watches_var(x) {
                if let Err(c) = self.clauses.on_change(x, &self.store, &mut units) {
                    result = Err(c);
                }
            }
        }
        let result = match result {
            Err(c) => Err(c),
            Ok(()) => self.apply_units(&units),
        };
        self.changed = changed;
        self.units = units;
        result.map_err(|c| {
            let cause = self.clauses.origin(c);
            for l in self.clauses.literals(c) {
                self.var_wdeg[l.var.index()] += 1.0;
            }
            self.record_conflict(cause);
            cause
        })
    }

    fn apply_units(&mut self, units: &[(Lit, ClauseRef)]) -> Result<(), ClauseRef> {
        for &(lit, c) in units {
            let tracing = self.trace.is_some();
            if tracing {
                self.store.begin_step();
            }
            let r = lit_apply(&mut self.store, lit);
            if tracing {
                let cause = self.clauses.origin(c);
                self.record_step(cause, r.is_ok());
            }
            if r.is_err() {
                return Err(c);
            }
        }
        Ok(())
    }

    fn fail_cleanup(&mut self) {
        let props = &mut self.props;
        self.queue.clear(|p| props[p.index()].cancel());
        self.store.clear_modified();
    }

    fn record_step(&mut self, cause: Cause, ok: bool) {
        let before = self.store.end_step();
        let Some(trace) = self.trace.as_mut() else { return };
        if !ok || !trace.has_room() {
            return;
        }
        let level = self.store.level();
        for (var, old) in before {
            let removed: Vec<i64> = old.into_iter().filter(|&v| !self.store.contains(var, v)).collect();
            if removed.is_empty() {
                continue;
            }
            let fixed = if self.store.is_fixed(var) { Some(self.store.value(var)) } else { None };
            trace.push(TraceEvent::Prune { level, cause, var, removed, fixed });
        }
    }

    fn record_conflict(&mut self, cause: Cause) {
        let level = self.store.level();
        if let Some(t) = self.trace.as_mut() {
            t.push(TraceEvent::Conflict { level, cause });
        }
    }

    /// Applies a decision or refutation `lit` outside any propagator (the
    /// caller records it in the trace). Precondition: `lit` is not false.
    pub fn apply_decision(&mut self, lit: Lit) {
        let r = lit_apply(&mut self.store, lit);
        debug_assert!(r.is_ok(), "a decision must not be false: {lit}");
    }

    /// Turns the trace recorder on (with room for `limit` events) or off.
    pub fn set_trace(&mut self, limit: Option<usize>) {
        self.store.set_tracing(limit.is_some());
        self.trace = limit.map(Trace::new);
    }
}
