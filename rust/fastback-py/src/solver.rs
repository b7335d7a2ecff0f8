//! `fastback._core.Solver`: the CDCL solver as a Python object.
//!
//! Threading model. The pyclass is `frozen`, so PyO3 never takes a Rust
//! borrow on it; the core solver lives behind a `Mutex`. A call takes the lock
//! with `try_lock`: a second thread calling into a solver that is busy (solving
//! with the GIL released) gets a `RuntimeError` instead of blocking while it
//! holds the GIL, which would deadlock with the solving thread's signal checks.
//! `interrupt()` and `clear_interrupt()` never take the lock: they only touch
//! the `Arc<AtomicBool>` the core polls, so they work while a solve runs.
//!
//! Ctrl-C. `solve` and `backbone` release the GIL and install a terminate
//! callback ([`PySolver::run_interruptible`]). The core polls it about every
//! 10 ms; at most every [`SIGNAL_CHECK_INTERVAL`] it takes the GIL for a
//! moment and runs `PyErr_CheckSignals`, which runs Python signal handlers.
//! If one raises (KeyboardInterrupt, or whatever a SIGTERM handler raises),
//! the error is kept, the callback returns `true` and the search stops; the
//! error is raised once the call has returned and the GIL is back.
//!
//! States. A solver is usable until `delete()` (it is then gone: every call
//! raises `RuntimeError`) or until a core call panics (it is then broken: its
//! invariants may not hold, so every call raises `RuntimeError` naming the
//! original panic).

use crate::guard::{catch_panic, guarded, internal_error, os_error, PendingSignal, SIGNAL_CHECK_INTERVAL};
use crate::lits::{self, FlatClauses};
use fastback_core::sat::proof::MemorySink;
use fastback_core::sat::{Backbone, BackboneStats, Lit, Options, SolveResult, Solver, Var};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyInt};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::time::Duration;

enum ProofSink {
    None,
    File(String),
    Memory(MemorySink),
}

enum State {
    Ready(Solver),
    Deleted,
    Broken(String),
}

struct Inner {
    state: State,
    proof: ProofSink,
}

impl Inner {
    fn solver(&mut self) -> PyResult<&mut Solver> {
        match &mut self.state {
            State::Ready(s) => Ok(s),
            State::Deleted => Err(PyRuntimeError::new_err(
                "the solver has been deleted (delete() was called); create a new one",
            )),
            State::Broken(why) => Err(PyRuntimeError::new_err(format!(
                "the solver is unusable after an internal error ({why}); create a new one"
            ))),
        }
    }

    /// Runs `f` on the solver; a panic breaks the solver and becomes a `RuntimeError`.
    fn call<T>(&mut self, what: &str, f: impl FnOnce(&mut Solver) -> T) -> PyResult<T> {
        let solver = self.solver()?;
        match catch_panic(|| f(solver)) {
            Ok(v) => Ok(v),
            Err(msg) => {
                self.state = State::Broken(format!("{what}: {msg}"));
                Err(internal_error(what, &msg))
            }
        }
    }
}

/// A CDCL SAT solver (incremental, with assumptions, budgets and DRAT proofs).
///
/// Low-level binding; `fastback.sat.Solver` is the documented, PySAT-style API.
/// Literals are DIMACS ints.
#[pyclass(module = "fastback._core", name = "Solver", frozen)]
pub struct PySolver {
    inner: Mutex<Inner>,
    /// Shared with the core: setting it stops a running solve.
    interrupt_flag: Arc<AtomicBool>,
}

impl PySolver {
    fn lock(&self) -> PyResult<MutexGuard<'_, Inner>> {
        match self.inner.try_lock() {
            Ok(g) => Ok(g),
            Err(TryLockError::WouldBlock) => Err(PyRuntimeError::new_err(
                "the solver is busy in another thread (a solve is running); only interrupt() \
                 and clear_interrupt() may be called concurrently",
            )),
            // Only a panic outside `catch_panic` poisons the lock; the state
            // inside is still one of the three above.
            Err(TryLockError::Poisoned(p)) => Ok(p.into_inner()),
        }
    }
}

fn budget(value: Option<i64>, what: &str) -> PyResult<Option<u64>> {
    match value {
        None => Ok(None),
        Some(v) if v < 0 => Ok(None),
        Some(v) => Ok(Some(v as u64)).map_err(|_: ()| PyValueError::new_err(what.to_string())),
    }
}

#[pymethods]
impl PySolver {
    /// Creates a solver. `options` maps option names (see `solver_options()`)
    /// to ints; an unknown name or a value out of range is a `ValueError`.
    #[new]
    #[pyo3(signature = (options = None))]
    fn new(options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
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
        let solver = guarded("Solver()", || Solver::with_options(opts))?;
        let interrupt_flag = solver.interrupt_flag();
        Ok(PySolver {
            inner: Mutex::new(Inner { state: State::Ready(solver), proof: ProofSink::None }),
            interrupt_flag,
        })
    }

    /// Sets one option (range-checked; `ValueError` otherwise).
    fn set_option(&self, name: &str, value: i64) -> PyResult<()> {
        let mut g = self.lock()?;
        g.call("set_option", |s| s.set_option(name, value))?.map_err(PyValueError::new_err)
    }

    /// Current value of one option (`ValueError` for an unknown name).
    fn get_option(&self, name: &str) -> PyResult<i64> {
        let mut g = self.lock()?;
        g.call("get_option", |s| s.options().get(name))?
            .ok_or_else(|| PyValueError::new_err(format!("unknown solver option '{name}'")))
    }

    /// All options and their current values.
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let mut g = self.lock()?;
        let opts = g.call("options", |s| s.options().clone())?;
        let d = PyDict::new(py);
        for info in Options::table() {
            d.set_item(info.name, opts.get(info.name))?;
        }
        Ok(d)
    }

    /// Adds one clause (an iterable of DIMACS ints). Returns False when the
    /// formula is now known to be unsatisfiable. Cost: O(len(clause)).
    fn add_clause(&self, clause: &Bound<'_, PyAny>) -> PyResult<bool> {
        let lits = lits::lits_from(clause, "the clause")?;
        let mut g = self.lock()?;
        g.call("add_clause", |s| s.add_clause(&lits))
    }

    /// Adds many clauses (an iterable of iterables of DIMACS ints). Nothing is
    /// added if any literal is invalid. Returns False when the formula is now
    /// known to be unsatisfiable.
    fn add_clauses(&self, py: Python<'_>, clauses: &Bound<'_, PyAny>) -> PyResult<bool> {
        let flat = lits::clauses_from(clauses)?;
        self.add_flat(py, &flat)
    }

    /// Adds clauses given flat: `lits` is `bytes` of native int32 (e.g.
    /// `numpy_array.astype(numpy.int32).tobytes()`) or a sequence of ints.
    /// With `offsets` (`bytes` of native int64, or a sequence of ints, one
    /// more than the number of clauses) clause i is
    /// `lits[offsets[i]:offsets[i+1]]`; without, clauses end with 0 as in
    /// DIMACS. Everything is checked before anything is added. The GIL is
    /// released while clauses are added. Cost: O(len(lits)).
    #[pyo3(signature = (lits, offsets = None))]
    fn add_clauses_flat(
        &self,
        py: Python<'_>,
        lits: &Bound<'_, PyAny>,
        offsets: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let ints = lits::flat_ints(lits, "lits")?;
        let offs = offsets.map(lits::flat_offsets).transpose()?;
        let flat = py.allow_threads(|| lits::flat_clauses(&ints, offs.as_deref()))?;
        self.add_flat(py, &flat)
    }

    /// Makes variables 1..=n exist (they appear in models even if unused).
    fn reserve_vars(&self, n: u32) -> PyResult<()> {
        self.reserve(n)
    }

    /// Adds every clause of a `Cnf` and reserves its header variables (unless
    /// the header declares more than 2^20 variables beyond the largest one
    /// used), with the GIL released and no Python object per clause: the fast
    /// way to load a file. Returns False when the formula is now known
    /// unsatisfiable. Cost: O(size).
    fn append_cnf(&self, py: Python<'_>, cnf: &Bound<'_, crate::dimacs::PyCnf>) -> PyResult<bool> {
        crate::dimacs::append_cnf(py, self, cnf.get())
    }

    /// Solves under `assumptions`, with the budgets currently set. Returns
    /// True (SAT), False (UNSAT) or None (stopped by a budget or interrupt).
    /// Releases the GIL; Ctrl-C stops the search within ~100 ms and raises
    /// KeyboardInterrupt here.
    #[pyo3(signature = (assumptions = None))]
    fn solve(&self, py: Python<'_>, assumptions: Option<&Bound<'_, PyAny>>) -> PyResult<Option<bool>> {
        let assumptions = match assumptions {
            Some(a) => lits::lits_from(a, "assumptions")?,
            None => Vec::new(),
        };
        let result = self.run_interruptible(py, "solve", |s| s.solve(&assumptions))?;
        Ok(match result {
            SolveResult::Sat => Some(true),
            SolveResult::Unsat => Some(false),
            SolveResult::Unknown => None,
        })
    }

    /// After a SAT answer: one DIMACS literal per variable (the model);
    /// otherwise None.
    fn model(&self) -> PyResult<Option<Vec<i32>>> {
        let mut g = self.lock()?;
        Ok(g.call("model", |s| s.model())?.map(|m| lits::to_dimacs(&m)))
    }

    /// After a SAT answer: the value of `lit` in the model (None if there is
    /// no model or `lit` names a variable the solver has never seen).
    fn model_value(&self, lit: i64) -> PyResult<Option<bool>> {
        let l = lits::lit_from_i64(lit).ok_or_else(|| lits::invalid_literal(&lit.to_string(), "argument lit"))?;
        let mut g = self.lock()?;
        g.call("model_value", |s| {
            if l.var().0 >= s.num_vars() {
                None
            } else {
                s.model_value(l)
            }
        })
    }

    /// After an UNSAT answer: the failed assumptions (a subset of the
    /// assumptions that alone make the formula unsatisfiable; [] when it is
    /// unsatisfiable without any). Otherwise None.
    fn failed_assumptions(&self) -> PyResult<Option<Vec<i32>>> {
        let mut g = self.lock()?;
        g.call("failed_assumptions", |s| s.failed_assumptions().map(lits::to_dimacs))
    }

    /// Result of the last solve: True, False, or None (unknown or never solved).
    fn status(&self) -> PyResult<Option<bool>> {
        let mut g = self.lock()?;
        Ok(match g.call("status", |s| s.status())? {
            Some(SolveResult::Sat) => Some(true),
            Some(SolveResult::Unsat) => Some(false),
            _ => None,
        })
    }

    /// Conflict budget for each later solve (None or negative: unlimited).
    #[pyo3(signature = (conflicts = None))]
    fn set_conflict_budget(&self, conflicts: Option<i64>) -> PyResult<()> {
        let b = budget(conflicts, "conflicts")?;
        let mut g = self.lock()?;
        g.call("set_conflict_budget", |s| s.set_conflict_budget(b))
    }

    /// Propagation budget for each later solve (None or negative: unlimited).
    #[pyo3(signature = (propagations = None))]
    fn set_propagation_budget(&self, propagations: Option<i64>) -> PyResult<()> {
        let b = budget(propagations, "propagations")?;
        let mut g = self.lock()?;
        g.call("set_propagation_budget", |s| s.set_propagation_budget(b))
    }

    /// Wall-clock limit in seconds for each later solve (None: unlimited).
    #[pyo3(signature = (seconds = None))]
    fn set_time_limit(&self, seconds: Option<f64>) -> PyResult<()> {
        let d = match seconds {
            None => None,
            Some(s) if s.is_finite() && s >= 0.0 => Some(Duration::from_secs_f64(s.min(1e9))),
            Some(s) if s == f64::INFINITY => None,
            Some(s) => {
                return Err(PyValueError::new_err(format!(
                    "time limit must be a non-negative number of seconds, got {s}"
                )))
            }
        };
        let mut g = self.lock()?;
        g.call("set_time_limit", |s| s.set_time_limit(d))
    }

    /// Asks a running (or the next) solve to stop with None. Safe from any
    /// thread while a solve runs; the request stays until clear_interrupt().
    fn interrupt(&self) {
        self.interrupt_flag.store(true, Ordering::SeqCst);
    }

    /// Withdraws an interrupt request.
    fn clear_interrupt(&self) {
        self.interrupt_flag.store(false, Ordering::SeqCst);
    }

    /// Preferred decision phases: each literal's sign for its variable.
    fn set_phases(&self, lits: &Bound<'_, PyAny>) -> PyResult<()> {
        let lits = lits::lits_from(lits, "phases")?;
        let mut g = self.lock()?;
        g.call("set_phases", |s| s.set_phases(&lits))
    }

    /// Phase priors, P(variable true): `probs` is `bytes` of native float32
    /// (entry i for variable i + 1), a sequence of floats (same indexing) or
    /// a dict {variable: probability}. NaN means no prior. A variable with
    /// p >= threshold starts true, p <= 1 - threshold false. Returns how many
    /// variables got a phase. `ValueError` for a probability outside [0, 1],
    /// a threshold outside (0.5, 1] or a bad variable; `TypeError` for a
    /// non-number. Nothing is changed on error. Cost: O(len(probs)).
    #[pyo3(signature = (probs, threshold = 0.9))]
    fn set_phase_priors(&self, probs: &Bound<'_, PyAny>, threshold: f64) -> PyResult<usize> {
        let priors = priors_from(probs)?;
        let mut g = self.lock()?;
        g.call("set_phase_priors", |s| s.set_phase_priors(&priors, threshold as f32))?
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The backbone of the formula, with the budgets currently set applying
    /// to the whole computation. Returns `(outcome, lits, undecided, stats)`:
    /// outcome "sat" (lits: the backbone, sorted by variable), "unsat" (lits
    /// None), or what stopped it: "conflict_limit", "propagation_limit",
    /// "time_limit", "interrupted" or "terminated" (lits: the literals
    /// confirmed so far; undecided: the candidates left, None when
    /// satisfiability is still unknown). Releases the GIL; Ctrl-C raises
    /// KeyboardInterrupt as in solve(). Cost: up to one solve per variable
    /// outside the backbone, usually far fewer.
    #[allow(clippy::type_complexity)]
    fn backbone<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(&'static str, Option<Vec<i32>>, Option<Vec<i32>>, Bound<'py, PyDict>)> {
        let result = self.run_interruptible(py, "backbone", |s| s.backbone())?;
        Ok(match result {
            Ok(Backbone::Unsat { stats }) => ("unsat", None, None, backbone_stats(py, &stats)?),
            Ok(Backbone::Sat { lits, stats }) => ("sat", Some(lits::to_dimacs(&lits)), None, backbone_stats(py, &stats)?),
            Err(e) => (
                e.reason.name(),
                Some(lits::to_dimacs(&e.confirmed)),
                e.undecided.as_deref().map(lits::to_dimacs),
                backbone_stats(py, &e.stats)?,
            ),
        })
    }

    /// Starts DRAT proof logging to the file `path` (truncated), or into
    /// memory when `path` is None (read it with `proof_bytes()`). Must come
    /// before the first clause is added (`ValueError` otherwise).
    #[pyo3(signature = (path = None, binary = false))]
    fn set_proof(&self, path: Option<&str>, binary: bool) -> PyResult<()> {
        let mut g = self.lock()?;
        g.solver()?;
        let (writer, sink): (Box<dyn Write + Send>, ProofSink) = match path {
            Some(p) => {
                let f = std::fs::File::create(p).map_err(|e| os_error("cannot create proof file", p, &e))?;
                (Box::new(f), ProofSink::File(p.to_string()))
            }
            None => {
                let buf = MemorySink::new();
                (Box::new(buf.clone()), ProofSink::Memory(buf))
            }
        };
        g.call("set_proof", |s| s.set_proof(writer, binary))?.map_err(PyValueError::new_err)?;
        g.proof = sink;
        Ok(())
    }

    /// Flushes the proof; an `OSError` reports the first write error.
    fn flush_proof(&self) -> PyResult<()> {
        let mut g = self.lock()?;
        let r = g.call("flush_proof", |s| s.flush_proof())?;
        let path = match &g.proof {
            ProofSink::File(p) => p.clone(),
            _ => "<memory>".to_string(),
        };
        r.map_err(|e| os_error("cannot write proof", &path, &e))
    }

    /// The in-memory proof so far (flushed first). `RuntimeError` if the
    /// proof does not go to memory. Cost: a copy of the proof.
    fn proof_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let mut g = self.lock()?;
        let buf = match &g.proof {
            ProofSink::Memory(b) => b.clone(),
            ProofSink::File(p) => {
                return Err(PyRuntimeError::new_err(format!("the proof goes to the file '{p}', not to memory")))
            }
            ProofSink::None => return Err(PyRuntimeError::new_err("no proof is being logged")),
        };
        g.call("flush_proof", |s| s.flush_proof())?
            .map_err(|e| os_error("cannot write proof", "<memory>", &e))?;
        Ok(PyBytes::new(py, &buf.contents()))
    }

    /// Cumulative statistics over all solves, as a dict of ints (and
    /// `time_secs`, a float).
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let mut g = self.lock()?;
        let st = g.call("stats", |s| s.stats())?;
        let d = PyDict::new(py);
        for (name, value) in st.counters() {
            d.set_item(name, value)?;
        }
        d.set_item("time_secs", st.time_secs)?;
        Ok(d)
    }

    /// Number of variables (the largest variable seen or reserved).
    fn num_vars(&self) -> PyResult<u32> {
        let mut g = self.lock()?;
        g.call("num_vars", |s| s.num_vars())
    }

    /// Number of original clauses added.
    fn num_clauses(&self) -> PyResult<u64> {
        let mut g = self.lock()?;
        g.call("num_clauses", |s| s.num_clauses())
    }

    /// Flushes the proof and frees the solver; every later call raises
    /// `RuntimeError`. Calling it again is a no-op. Returns the proof flush
    /// error, if any, as `OSError`.
    fn delete(&self) -> PyResult<()> {
        let mut g = self.lock()?;
        let flushed = match &mut g.state {
            State::Ready(s) => catch_panic(|| s.flush_proof()).unwrap_or(Ok(())),
            _ => Ok(()),
        };
        g.state = State::Deleted;
        flushed.map_err(|e| os_error("cannot write proof", "<proof>", &e))
    }

    /// True until delete() has been called (or an internal error broke it).
    #[getter]
    fn alive(&self) -> PyResult<bool> {
        let g = self.lock()?;
        Ok(matches!(g.state, State::Ready(_)))
    }
}

impl PySolver {
    /// Runs `f` on the solver with the GIL released and Ctrl-C watched (see
    /// the module doc). A Python error raised by a signal handler meanwhile
    /// is raised here once `f` has returned; a panic breaks the solver.
    fn run_interruptible<T: Send>(
        &self,
        py: Python<'_>,
        what: &str,
        f: impl FnOnce(&mut Solver) -> T + Send,
    ) -> PyResult<T> {
        let mut g = self.lock()?;
        let pending = PendingSignal::default();
        let check_signals = pending.poller(SIGNAL_CHECK_INTERVAL);
        g.call(what, |s| s.set_terminate(Some(Box::new(check_signals))))?;
        let solver = g.solver()?;
        let outcome = py.allow_threads(|| catch_panic(|| f(solver)));
        let result = match outcome {
            Ok(r) => r,
            Err(msg) => {
                g.state = State::Broken(format!("{what}: {msg}"));
                return Err(internal_error(what, &msg));
            }
        };
        g.call(what, |s| s.set_terminate(None))?;
        if let Some(e) = pending.take() {
            return Err(e);
        }
        Ok(result)
    }

    pub fn reserve(&self, n: u32) -> PyResult<()> {
        if n as i64 > lits::MAX_DIMACS_VAR {
            return Err(PyValueError::new_err(format!(
                "cannot reserve {n} variables; the maximum is {}",
                lits::MAX_DIMACS_VAR
            )));
        }
        let mut g = self.lock()?;
        g.call("reserve_vars", |s| s.reserve_vars(n))
    }

    fn add_flat(&self, py: Python<'_>, flat: &FlatClauses) -> PyResult<bool> {
        let mut g = self.lock()?;
        let solver = g.solver()?;
        let outcome = py.allow_threads(|| {
            catch_panic(|| {
                let mut ok = true;
                for i in 0..flat.len() {
                    ok &= solver.add_clause(flat.clause(i));
                }
                ok
            })
        });
        match outcome {
            Ok(ok) => Ok(ok),
            Err(msg) => {
                g.state = State::Broken(format!("add_clauses: {msg}"));
                Err(internal_error("add_clauses", &msg))
            }
        }
    }

    /// Adds clauses already in flat literal form (used by `append_cnf`).
    pub fn add_lits_with_offsets(&self, py: Python<'_>, lits: &[Lit], offsets: &[usize]) -> PyResult<bool> {
        let mut g = self.lock()?;
        let solver = g.solver()?;
        let outcome = py.allow_threads(|| {
            catch_panic(|| {
                let mut ok = true;
                for w in offsets.windows(2) {
                    ok &= solver.add_clause(&lits[w[0]..w[1]]);
                }
                ok
            })
        });
        match outcome {
            Ok(ok) => Ok(ok),
            Err(msg) => {
                g.state = State::Broken(format!("append_cnf: {msg}"));
                Err(internal_error("append_cnf", &msg))
            }
        }
    }
}

/// Every solver option as `(name, default, min, max, description)`, in
/// declaration order: the table the CLI help and keyword checks come from.
#[pyfunction]
pub fn solver_options() -> Vec<(&'static str, i64, i64, i64, &'static str)> {
    Options::table()
        .into_iter()
        .map(|o| (o.name, o.default, o.min, o.max, o.description))
        .collect()
}

/// The counters of a backbone computation as a dict (`time_secs` a float).
fn backbone_stats<'py>(py: Python<'py>, st: &BackboneStats) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("solves", st.solves)?;
    d.set_item("candidates", st.candidates)?;
    d.set_item("fixed", st.fixed)?;
    d.set_item("confirmed_by_unsat", st.confirmed_by_unsat)?;
    d.set_item("filtered", st.filtered)?;
    d.set_item("flipped", st.flipped)?;
    d.set_item("conflicts", st.conflicts)?;
    d.set_item("time_secs", st.time_secs)?;
    Ok(d)
}

/// Phase priors from Python (see `set_phase_priors`): float32 bytes or a
/// sequence of floats indexed by variable - 1, or a dict {variable: p}.
/// Probabilities are checked by the core; here only shapes and variables.
fn priors_from(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(Var, f32)>> {
    if let Ok(b) = obj.downcast::<PyBytes>() {
        let bytes = b.as_bytes();
        if bytes.len() % 4 != 0 {
            return Err(PyValueError::new_err(format!(
                "phase priors as bytes must be native float32 values (a multiple of 4 bytes), got {} bytes",
                bytes.len()
            )));
        }
        check_dense_len(bytes.len() / 4)?;
        return Ok(bytes
            .chunks_exact(4)
            .enumerate()
            .map(|(i, c)| (Var(i as u32), f32::from_ne_bytes([c[0], c[1], c[2], c[3]])))
            .collect());
    }
    if let Ok(d) = obj.downcast::<PyDict>() {
        let mut out = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            let var = match k.extract::<i64>() {
                Ok(x) if (1..=lits::MAX_DIMACS_VAR).contains(&x) => Var((x - 1) as u32),
                Err(_) if !k.is_instance_of::<PyInt>() => {
                    return Err(PyTypeError::new_err(format!(
                        "phase prior keys must be variables (ints), got {}",
                        k.get_type().name()?
                    )))
                }
                _ => {
                    return Err(PyValueError::new_err(format!(
                        "phase prior key {k} is not a variable: variables are ints in [1, {}]",
                        lits::MAX_DIMACS_VAR
                    )))
                }
            };
            let p: f64 = v.extract().map_err(|_| {
                PyTypeError::new_err(format!("phase prior of variable {k} must be a number, got {v}"))
            })?;
            out.push((var, p as f32));
        }
        return Ok(out);
    }
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        let p: f64 = item.extract().map_err(|_| {
            PyTypeError::new_err(format!("phase prior at index {i} must be a number, got {item}"))
        })?;
        out.push((Var(i as u32), p as f32));
    }
    check_dense_len(out.len())?;
    Ok(out)
}

fn check_dense_len(n: usize) -> PyResult<()> {
    if n as i64 > lits::MAX_DIMACS_VAR {
        return Err(PyValueError::new_err(format!(
            "{n} phase priors, more than the {} variables supported",
            lits::MAX_DIMACS_VAR
        )));
    }
    Ok(())
}
