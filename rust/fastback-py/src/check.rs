//! `check_drat`: the core's independent DRAT checker, GIL released.
//!
//! A proof that reads but does not verify is a report with `verified ==
//! False`, not an exception: "the solver was wrong" is a result the caller
//! inspects. A proof that cannot be read at all is `fastback.sat.ProofError`
//! (a `ValueError` with `line`).
//!
//! Ctrl-C: the checker polls an `AtomicBool`, not a callback, so the check
//! runs on a scoped worker thread while the calling thread (GIL released)
//! waits for it and checks Python signals every [`SIGNAL_CHECK_INTERVAL`];
//! a pending KeyboardInterrupt sets the flag and is raised once the worker
//! has stopped.

use crate::dimacs::PyCnf;
use crate::guard::{guarded, internal_error, SIGNAL_CHECK_INTERVAL};
use crate::lits;
use fastback_core::sat::check::{self, CheckError, ProofFormat};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyBytes, PyDict, PyType};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};


static PROOF_ERROR: GILOnceCell<Py<PyType>> = GILOnceCell::new();

fn proof_error(py: Python<'_>, e: CheckError) -> PyErr {
    match PROOF_ERROR.import(py, "fastback._errors", "ProofError") {
        Ok(cls) => match cls.call1((e.line, e.message.clone())) {
            Ok(obj) => PyErr::from_value(obj),
            Err(err) => err,
        },
        Err(err) => err,
    }
}

/// The outcome of a DRAT check. True in a boolean context iff `verified`.
#[pyclass(module = "fastback._core", name = "CheckReport", frozen, get_all)]
pub struct PyCheckReport {
    /// Whether the proof derives the empty clause with every step valid.
    verified: bool,
    /// What the checker concluded, e.g. the first lemma that failed.
    message: String,
    /// Lemmas (added clauses) in the proof.
    lemmas: u64,
    /// Deletions in the proof.
    deletions: u64,
    /// Lemmas needed for the refutation (the core of the proof).
    core_lemmas: u64,
    /// Lemmas that needed a RAT check (not RUP alone).
    rat_checks: u64,
    /// Deletions of clauses that were not present (ignored, as drat-trim does).
    ignored_deletions: u64,
    /// Deletions of unit clauses and of reasons of top-level assignments (ignored).
    ignored_unit_deletions: u64,
    /// Checking time in seconds.
    seconds: f64,
}

#[pymethods]
impl PyCheckReport {
    fn __bool__(&self) -> bool {
        self.verified
    }

    /// The report as a dict.
    fn as_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("verified", self.verified)?;
        d.set_item("message", &self.message)?;
        d.set_item("lemmas", self.lemmas)?;
        d.set_item("deletions", self.deletions)?;
        d.set_item("core_lemmas", self.core_lemmas)?;
        d.set_item("rat_checks", self.rat_checks)?;
        d.set_item("ignored_deletions", self.ignored_deletions)?;
        d.set_item("ignored_unit_deletions", self.ignored_unit_deletions)?;
        d.set_item("seconds", self.seconds)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "CheckReport(verified={}, message={:?}, lemmas={}, deletions={}, core_lemmas={}, rat_checks={}, seconds={:.3})",
            if self.verified { "True" } else { "False" },
            self.message,
            self.lemmas,
            self.deletions,
            self.core_lemmas,
            self.rat_checks,
            self.seconds
        )
    }
}

/// Checks that `proof` (DRAT, text or binary) refutes the formula given by
/// `num_vars` and `clauses` (a `Cnf`, or an iterable of iterables of DIMACS
/// ints). `format` is "auto", "text" or "binary". Returns a `CheckReport`.
/// Errors: `ProofError` when the proof cannot be read, `ValueError` for a
/// bad literal in `clauses` or an unknown format. The GIL is released.
#[pyfunction]
#[pyo3(signature = (num_vars, clauses, proof, format = "auto"))]
pub fn check_drat(
    py: Python<'_>,
    num_vars: u32,
    clauses: &Bound<'_, PyAny>,
    proof: &Bound<'_, PyBytes>,
    format: &str,
) -> PyResult<PyCheckReport> {
    let format = match format {
        "auto" => ProofFormat::Auto,
        "text" => ProofFormat::Text,
        "binary" => ProofFormat::Binary,
        other => {
            return Err(PyValueError::new_err(format!(
                "format must be 'auto', 'text' or 'binary', got {other:?}"
            )))
        }
    };
    let proof = proof.as_bytes();
    let interrupt = AtomicBool::new(false);
    let interrupt = &interrupt;
    let result = if let Ok(cnf) = clauses.downcast::<PyCnf>() {
        let cnf = &cnf.get().cnf;
        run_interruptibly(py, interrupt, move || {
            check::check_drat_with_interrupt(num_vars, cnf.clauses(), proof, format, interrupt)
        })?
    } else {
        let flat = lits::clauses_from(clauses)?;
        let ints = lits::to_dimacs(&flat.lits);
        let offsets = flat.offsets;
        let (ints, offsets) = (&ints, &offsets);
        run_interruptibly(py, interrupt, move || {
            let iter = offsets.windows(2).map(|w| &ints[w[0]..w[1]]);
            check::check_drat_with_interrupt(num_vars, iter, proof, format, interrupt)
        })?
    };
    let r = result.map_err(|e| proof_error(py, e))?;
    Ok(PyCheckReport {
        verified: r.verified,
        message: r.message,
        lemmas: r.lemmas,
        deletions: r.deletions,
        core_lemmas: r.core_lemmas,
        rat_checks: r.rat_checks,
        ignored_deletions: r.ignored_deletions,
        ignored_unit_deletions: r.ignored_unit_deletions,
        seconds: r.seconds,
    })
}

/// Runs `work` on a scoped thread with the GIL released, checking Python
/// signals meanwhile; a signal handler's exception sets `interrupt` (which
/// `work` must poll) and is returned once `work` has finished.
fn run_interruptibly<T: Send>(
    py: Python<'_>,
    interrupt: &AtomicBool,
    work: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    let (outcome, pending) = py.allow_threads(|| {
        std::thread::scope(|scope| {
            let worker = scope.spawn(move || guarded("check_drat", work));
            let mut pending: Option<PyErr> = None;
            let mut last_check = Instant::now();
            while !worker.is_finished() {
                std::thread::sleep(Duration::from_millis(5));
                if pending.is_none() && last_check.elapsed() >= SIGNAL_CHECK_INTERVAL {
                    last_check = Instant::now();
                    if let Err(e) = Python::with_gil(|py| py.check_signals()) {
                        pending = Some(e);
                        interrupt.store(true, Ordering::SeqCst);
                    }
                }
            }
            // `guarded` caught any panic, so join cannot fail.
            let outcome = worker.join().unwrap_or_else(|_| Err(internal_error("check_drat", "worker thread")));
            (outcome, pending)
        })
    });
    match pending {
        Some(e) => Err(e),
        None => outcome,
    }
}
