//! `fastback._core.CspModel` and `CspSearch`: the CSP engine as Python objects.
//!
//! Thin: variables are ints (their index), literals `(var, op, value)`
//! tuples with `op` in `== != <= >`, and every model method forwards to
//! `fastback_core::csp::Model`, whose `ModelError` (which constraint, which
//! variable, why) becomes `ValueError`. `fastback.csp` is the documented API.
//!
//! Threading, as for `Solver`: `CspSearch` is frozen and keeps the core
//! search behind a `Mutex` taken with `try_lock` (a second thread gets a
//! `RuntimeError` instead of blocking with the GIL held). `next` and `count`
//! release the GIL and poll Python's signal handlers through a
//! [`PendingSignal`] every [`SIGNAL_CHECK_INTERVAL`]: Ctrl-C stops the search
//! and raises `KeyboardInterrupt` once it has returned. `interrupt()` only
//! sets the core's atomic flag, so it works while a search runs. A panic in
//! the core marks the search broken (`RuntimeError` from then on).

use crate::guard::{catch_panic, guarded, internal_error, PendingSignal, SIGNAL_CHECK_INTERVAL};
use fastback_core::csp::{
    AllDiffLevel, Cause, Limits, Lit, LitKind, Model, ModelError, Options, Outcome, Reified, Search, TraceEvent,
    VarId,
};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::time::Duration;

fn model_error(e: ModelError) -> PyErr {
    PyValueError::new_err(e.message)
}

fn var(model: &Model, v: u32, what: &str) -> PyResult<VarId> {
    if (v as usize) < model.num_vars() {
        Ok(VarId(v))
    } else {
        Err(PyValueError::new_err(format!(
            "{what}: variable {v} does not exist (the model has {} variables)",
            model.num_vars()
        )))
    }
}

fn terms(coefs: &[i64], vars: &[u32]) -> PyResult<Vec<(i64, VarId)>> {
    if coefs.len() != vars.len() {
        return Err(PyValueError::new_err(format!(
            "{} coefficients for {} variables",
            coefs.len(),
            vars.len()
        )));
    }
    Ok(coefs.iter().zip(vars).map(|(&a, &x)| (a, VarId(x))).collect())
}

fn lit_from(model: &Model, (v, op, value): (u32, String, i64), i: usize) -> PyResult<Lit> {
    let kind = LitKind::from_symbol(&op).ok_or_else(|| {
        PyValueError::new_err(format!("literal {i}: unknown operator '{op}'; expected ==, !=, <= or >"))
    })?;
    Ok(Lit::new(var(model, v, &format!("literal {i}"))?, kind, value))
}

/// A CSP model under construction (low-level; see `fastback.csp.Model`).
#[pyclass(module = "fastback._core", name = "CspModel")]
pub struct PyCspModel {
    model: Model,
}

#[pymethods]
impl PyCspModel {
    #[new]
    fn new() -> Self {
        PyCspModel { model: Model::new() }
    }

    /// A variable over `lo..=hi`; returns its index. `ValueError` for an
    /// empty or too wide range (more than 2^24 values) or bounds beyond ±2^60.
    fn new_int_var(&mut self, lo: i64, hi: i64) -> PyResult<u32> {
        self.model.new_int_var(lo, hi).map(|x| x.0).map_err(model_error)
    }

    /// A variable over exactly `values`; returns its index.
    fn new_var_from_values(&mut self, values: Vec<i64>) -> PyResult<u32> {
        self.model.new_var_from_values(&values).map(|x| x.0).map_err(model_error)
    }

    /// A 0/1 variable branched on after the others (an auxiliary boolean).
    fn new_aux_bool(&mut self) -> u32 {
        self.model.new_aux_bool().0
    }

    /// Whether the search branches on `var` with the user's variables
    /// (False: only after them, for auxiliary variables they determine).
    fn set_branching(&mut self, var: u32, branch: bool) -> PyResult<()> {
        self.model.set_branching(VarId(var), branch).map_err(model_error)
    }

    /// Posts `Σ coefs[i]·vars[i] op rhs`; returns the constraint index.
    fn linear(&mut self, coefs: Vec<i64>, vars: Vec<u32>, op: &str, rhs: i64) -> PyResult<u32> {
        let t = terms(&coefs, &vars)?;
        self.model.linear(&t, op, rhs).map(|c| c.0).map_err(model_error)
    }

    /// A literal `(var, op, value)` equivalent to `Σ coefs[i]·vars[i] op rhs`,
    /// or a bool when the relation is decided already.
    fn reify_linear(
        &mut self,
        py: Python<'_>,
        coefs: Vec<i64>,
        vars: Vec<u32>,
        op: &str,
        rhs: i64,
    ) -> PyResult<PyObject> {
        let t = terms(&coefs, &vars)?;
        Ok(match self.model.reify_linear(&t, op, rhs).map_err(model_error)? {
            Reified::Const(b) => b.into_pyobject(py)?.to_owned().into_any().unbind(),
            Reified::Lit(l) => (l.var.0, l.kind.symbol(), l.value).into_pyobject(py)?.into_any().unbind(),
        })
    }

    /// Posts the clause over literals `(var, op, value)`, `op` in `== != <= >`.
    fn clause(&mut self, lits: Vec<(u32, String, i64)>) -> PyResult<u32> {
        let lits: Vec<Lit> =
            lits.into_iter().enumerate().map(|(i, l)| lit_from(&self.model, l, i)).collect::<PyResult<_>>()?;
        self.model.clause(&lits).map(|c| c.0).map_err(model_error)
    }

    /// Posts all-different over `vars[i] + offsets[i]`; `level` is
    /// `"domain"` (Régin) or `"forward"` (forward checking only).
    fn all_different(&mut self, vars: Vec<u32>, offsets: Vec<i64>, level: &str) -> PyResult<u32> {
        if vars.len() != offsets.len() {
            return Err(PyValueError::new_err(format!("{} offsets for {} variables", offsets.len(), vars.len())));
        }
        let level = match level {
            "domain" => AllDiffLevel::Domain,
            "forward" => AllDiffLevel::Forward,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unknown all-different consistency '{level}'; expected 'domain' or 'forward'"
                )))
            }
        };
        let t: Vec<(VarId, i64)> = vars.iter().zip(&offsets).map(|(&x, &c)| (VarId(x), c)).collect();
        self.model.all_different(&t, level).map(|c| c.0).map_err(model_error)
    }

    /// Posts a table; `tuples` is flat (`len(vars)` values per tuple).
    fn table(&mut self, vars: Vec<u32>, tuples: Vec<i64>) -> PyResult<u32> {
        let v: Vec<VarId> = vars.into_iter().map(VarId).collect();
        self.model.table(&v, &tuples).map(|c| c.0).map_err(model_error)
    }

    /// Posts `array[index] == value` over ints.
    fn element_const(&mut self, array: Vec<i64>, index: u32, value: u32) -> PyResult<u32> {
        self.model.element_const(&array, VarId(index), VarId(value)).map(|c| c.0).map_err(model_error)
    }

    /// Posts `array[index] == value` over variables.
    fn element_var(&mut self, array: Vec<u32>, index: u32, value: u32) -> PyResult<u32> {
        let a: Vec<VarId> = array.into_iter().map(VarId).collect();
        self.model.element_var(&a, VarId(index), VarId(value)).map(|c| c.0).map_err(model_error)
    }

    fn num_vars(&self) -> usize {
        self.model.num_vars()
    }

    fn num_constraints(&self) -> usize {
        self.model.num_constraints()
    }

    /// The declared domain of a variable, ascending.
    fn domain(&self, v: u32) -> PyResult<Vec<i64>> {
        Ok(self.model.domain(var(&self.model, v, "domain")?))
    }

    /// The declared bounds `(lo, hi)` of a variable.
    fn bounds(&self, v: u32) -> PyResult<(i64, i64)> {
        Ok(self.model.bounds(var(&self.model, v, "bounds")?))
    }
}

enum State {
    Ready(Box<Search>),
    Broken(String),
}

/// A search over a snapshot of a `CspModel` (low-level; see `fastback.csp`).
#[pyclass(module = "fastback._core", name = "CspSearch", frozen)]
pub struct PyCspSearch {
    inner: Mutex<State>,
    interrupt_flag: Arc<AtomicBool>,
}

fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::Solution => "solution",
        Outcome::Exhausted => "exhausted",
        Outcome::Stopped(r) => r.as_str(),
    }
}

fn limit(value: Option<i64>, name: &str) -> PyResult<Option<u64>> {
    match value {
        None => Ok(None),
        Some(v) if v < 0 => Err(PyValueError::new_err(format!("{name} must be >= 0 or None, got {v}"))),
        Some(v) => Ok(Some(v as u64)),
    }
}

impl PyCspSearch {
    fn lock(&self) -> PyResult<MutexGuard<'_, State>> {
        match self.inner.try_lock() {
            Ok(g) => Ok(g),
            Err(TryLockError::WouldBlock) => Err(PyRuntimeError::new_err(
                "the search is busy in another thread; only interrupt() may be called concurrently",
            )),
            Err(TryLockError::Poisoned(p)) => Ok(p.into_inner()),
        }
    }

    /// Runs `f` on the search with the GIL released and Ctrl-C watched.
    fn run_interruptible<T: Send>(
        &self,
        py: Python<'_>,
        what: &str,
        f: impl FnOnce(&mut Search) -> T + Send,
    ) -> PyResult<T> {
        let mut g = self.lock()?;
        let search = match &mut *g {
            State::Ready(s) => s,
            State::Broken(why) => {
                return Err(PyRuntimeError::new_err(format!(
                    "the search is unusable after an internal error ({why}); start a new one"
                )))
            }
        };
        let pending = PendingSignal::default();
        let check_signals = pending.poller(SIGNAL_CHECK_INTERVAL);
        search.set_terminate(Some(Box::new(check_signals)));
        let outcome = py.allow_threads(|| catch_panic(|| f(search)));
        let result = match outcome {
            Ok(r) => r,
            Err(msg) => {
                *g = State::Broken(format!("{what}: {msg}"));
                return Err(internal_error(what, &msg));
            }
        };
        if let State::Ready(s) = &mut *g {
            s.set_terminate(None);
        }
        if let Some(e) = pending.take() {
            return Err(e);
        }
        Ok(result)
    }

    fn with_search<T>(&self, what: &str, f: impl FnOnce(&Search) -> T) -> PyResult<T> {
        let g = self.lock()?;
        match &*g {
            State::Ready(s) => guarded(what, || f(s)),
            State::Broken(why) => Err(PyRuntimeError::new_err(format!(
                "the search is unusable after an internal error ({why}); start a new one"
            ))),
        }
    }
}

#[pymethods]
impl PyCspSearch {
    /// A search over the model as it is now. `options` maps option names
    /// (see `csp_options()`) to ints; limits count over the whole search.
    #[new]
    #[pyo3(signature = (model, options = None, time_limit = None, node_limit = None, fail_limit = None, trace = false))]
    fn new(
        model: &PyCspModel,
        options: Option<&Bound<'_, PyDict>>,
        time_limit: Option<f64>,
        node_limit: Option<i64>,
        fail_limit: Option<i64>,
        trace: bool,
    ) -> PyResult<Self> {
        let mut opts = Options::default();
        if let Some(d) = options {
            for (k, v) in d.iter() {
                let name: String = k.extract()?;
                let value: i64 = v.extract().map_err(|_| {
                    PyValueError::new_err(format!("option '{name}' must be an int, got {v}"))
                })?;
                opts.set(&name, value).map_err(PyValueError::new_err)?;
            }
        }
        let time = match time_limit {
            None => None,
            Some(t) if t.is_finite() && t >= 0.0 => Some(Duration::from_secs_f64(t.min(1e9))),
            Some(t) => return Err(PyValueError::new_err(format!("time_limit must be >= 0 seconds or None, got {t}"))),
        };
        let limits = Limits { time, nodes: limit(node_limit, "node_limit")?, failures: limit(fail_limit, "fail_limit")? };
        let search = guarded("CspSearch()", || {
            let mut s = Search::new(&model.model, opts);
            s.set_limits(limits);
            if trace {
                s.record_trace();
            }
            s
        })?;
        let interrupt_flag = search.interrupt_flag();
        Ok(PyCspSearch { inner: Mutex::new(State::Ready(Box::new(search))), interrupt_flag })
    }

    /// The next solution: `("solution", values)` (one int per variable), or
    /// `(status, None)` with status `"exhausted"` (no more solutions),
    /// `"time limit"`, `"node limit"`, `"failure limit"` or `"interrupted"`
    /// (the search can be resumed by calling again). Releases the GIL;
    /// Ctrl-C raises KeyboardInterrupt.
    fn next(&self, py: Python<'_>) -> PyResult<(&'static str, Option<Vec<i64>>)> {
        self.run_interruptible(py, "CspSearch.next", |s| {
            let o = s.next_solution();
            (outcome_str(o), if o == Outcome::Solution { Some(s.solution()) } else { None })
        })
    }

    /// Counts solutions (at most `limit` more) without building them in
    /// Python: `(count, status)` where status is `"exhausted"`, `"limit"`
    /// (`limit` reached) or why the search stopped. Releases the GIL.
    #[pyo3(signature = (limit = None))]
    fn count(&self, py: Python<'_>, limit: Option<u64>) -> PyResult<(u64, &'static str)> {
        self.run_interruptible(py, "CspSearch.count", |s| {
            let mut n = 0u64;
            loop {
                if limit.is_some_and(|l| n >= l) {
                    return (n, "limit");
                }
                match s.next_solution() {
                    Outcome::Solution => n += 1,
                    o => return (n, outcome_str(o)),
                }
            }
        })
    }

    /// Stops a running search soon (from any thread); `next` then reports
    /// `"interrupted"`.
    fn interrupt(&self) {
        self.interrupt_flag.store(true, Ordering::Relaxed);
    }

    /// Cumulative statistics: nodes, failures, propagations, restarts,
    /// solutions, nogoods, max_depth (ints) and time (seconds, a float).
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let st = self.with_search("stats", |s| s.stats())?;
        let d = PyDict::new(py);
        d.set_item("nodes", st.nodes)?;
        d.set_item("failures", st.failures)?;
        d.set_item("propagations", st.propagations)?;
        d.set_item("restarts", st.restarts)?;
        d.set_item("solutions", st.solutions)?;
        d.set_item("nogoods", st.nogoods)?;
        d.set_item("max_depth", st.max_depth)?;
        d.set_item("time", st.time_secs)?;
        Ok(d)
    }

    /// The recorded trace as `(events, truncated)`, or None when no trace is
    /// recorded. Each event is `(kind, level, var, op, value, cause, removed)`:
    /// `assign`/`refute` fill var, op, value; `prune` fills var, cause
    /// (constraint index, -1 for a nogood), removed, and value when the
    /// variable is now fixed; `conflict` fills cause; `backtrack` has
    /// level = target and value = the level left; `restart` has value =
    /// nogoods recorded; `solution` only level.
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Option<(Bound<'py, PyList>, bool)>> {
        let g = self.lock()?;
        let State::Ready(s) = &*g else {
            return Err(PyRuntimeError::new_err("the search is unusable after an internal error"));
        };
        let Some(t) = s.trace() else { return Ok(None) };
        let cause_int = |c: &Cause| -> i64 {
            match c {
                Cause::Constraint(id) => id.0 as i64,
                Cause::Nogood => -1,
            }
        };
        let none = py.None();
        let list = PyList::empty(py);
        for e in &t.events {
            let tup = match e {
                TraceEvent::Assign { level, lit } | TraceEvent::Refute { level, lit } => {
                    let kind = if matches!(e, TraceEvent::Assign { .. }) { "assign" } else { "refute" };
                    PyTuple::new(
                        py,
                        [
                            kind.into_pyobject(py)?.into_any(),
                            level.into_pyobject(py)?.into_any(),
                            lit.var.0.into_pyobject(py)?.into_any(),
                            lit.kind.symbol().into_pyobject(py)?.into_any(),
                            lit.value.into_pyobject(py)?.into_any(),
                            none.bind(py).clone(),
                            none.bind(py).clone(),
                        ],
                    )?
                }
                TraceEvent::Prune { level, cause, var, removed, fixed } => PyTuple::new(
                    py,
                    [
                        "prune".into_pyobject(py)?.into_any(),
                        level.into_pyobject(py)?.into_any(),
                        var.0.into_pyobject(py)?.into_any(),
                        none.bind(py).clone(),
                        fixed.into_pyobject(py)?.into_any(),
                        cause_int(cause).into_pyobject(py)?.into_any(),
                        PyList::new(py, removed)?.into_any(),
                    ],
                )?,
                TraceEvent::Conflict { level, cause } => PyTuple::new(
                    py,
                    [
                        "conflict".into_pyobject(py)?.into_any(),
                        level.into_pyobject(py)?.into_any(),
                        none.bind(py).clone(),
                        none.bind(py).clone(),
                        none.bind(py).clone(),
                        cause_int(cause).into_pyobject(py)?.into_any(),
                        none.bind(py).clone(),
                    ],
                )?,
                TraceEvent::Backtrack { from, to } => simple(py, "backtrack", *to, Some(*from as i64))?,
                TraceEvent::Solution { level } => simple(py, "solution", *level, None)?,
                TraceEvent::Restart { nogoods } => simple(py, "restart", 0, Some(*nogoods as i64))?,
            };
            list.append(tup)?;
        }
        Ok(Some((list, t.truncated)))
    }
}

fn simple<'py>(py: Python<'py>, kind: &str, level: u32, value: Option<i64>) -> PyResult<Bound<'py, PyTuple>> {
    let none = py.None();
    PyTuple::new(
        py,
        [
            kind.into_pyobject(py)?.into_any(),
            level.into_pyobject(py)?.into_any(),
            none.bind(py).clone(),
            none.bind(py).clone(),
            value.into_pyobject(py)?.into_any(),
            none.bind(py).clone(),
            none.bind(py).clone(),
        ],
    )
}

/// Every CSP search option as `(name, default, min, max, description)`.
#[pyfunction]
pub fn csp_options() -> Vec<(&'static str, i64, i64, i64, &'static str)> {
    Options::table().into_iter().map(|o| (o.name, o.default, o.min, o.max, o.description)).collect()
}

/// Adds this file's classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCspModel>()?;
    m.add_class::<PyCspSearch>()?;
    m.add_function(wrap_pyfunction!(csp_options, m)?)?;
    Ok(())
}
