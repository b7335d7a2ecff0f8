//! Bindings of `fastback_core::traces`: the CountDown solver and the
//! Sudoku and CountDown trace searches, plus the option table.
//!
//! Every search releases the GIL and polls Python's signal handlers about
//! every [`SIGNAL_CHECK_INTERVAL`] (through the core's stop callback, which
//! it calls every 1024 nodes), so Ctrl-C raises `KeyboardInterrupt` within
//! about 100 ms. Errors: malformed input is `ValueError` with the position;
//! "no solution", "cannot supply k backtracks" and "over budget" are the
//! `fastback.traces` exception classes (`NoSolutionError`,
//! `NotEnoughBacktracksError`, `BudgetExceededError`, all `TraceError`,
//! a `ValueError`), imported from `fastback.traces._errors` so that they are
//! ordinary Python classes.

use fastback_core::traces::countdown::{self, Instance, Mode};
use fastback_core::traces::options::{Kind, TABLE};
use fastback_core::traces::sudoku::Grid;
use fastback_core::traces::{self as core, Format, OptionValue, Rendered, TraceError, TraceOptions};
use pyo3::exceptions::{PyKeyboardInterrupt, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyBool, PyDict, PyString, PyType};

use crate::guard::{catch_panic, internal_error, PendingSignal, SIGNAL_CHECK_INTERVAL};

static NO_SOLUTION: GILOnceCell<Py<PyType>> = GILOnceCell::new();
static NOT_ENOUGH: GILOnceCell<Py<PyType>> = GILOnceCell::new();
static BUDGET: GILOnceCell<Py<PyType>> = GILOnceCell::new();

fn error_class<'py>(py: Python<'py>, cell: &'static GILOnceCell<Py<PyType>>, name: &str) -> PyResult<&'py Bound<'py, PyType>> {
    cell.import(py, "fastback.traces._errors", name)
}

/// The Python exception for a core error (`Interrupted` is the pending
/// signal's exception, taken by the caller; here only a fallback).
fn trace_error(py: Python<'_>, e: TraceError) -> PyErr {
    let built = match &e {
        TraceError::InvalidInput(m) => return PyValueError::new_err(m.clone()),
        TraceError::Interrupted => return PyKeyboardInterrupt::new_err("trace search interrupted"),
        TraceError::NoSolution => error_class(py, &NO_SOLUTION, "NoSolutionError").and_then(|c| c.call1((e.to_string(),))),
        TraceError::NotEnoughWrongGuesses { requested, available, undecided } => error_class(py, &NOT_ENOUGH, "NotEnoughBacktracksError")
            .and_then(|c| c.call1((e.to_string(), *requested, *available, *undecided))),
        TraceError::Budget { max_nodes } => {
            error_class(py, &BUDGET, "BudgetExceededError").and_then(|c| c.call1((e.to_string(), *max_nodes)))
        }
    };
    match built {
        Ok(obj) => PyErr::from_value(obj),
        Err(err) => err,
    }
}

/// Runs a core search with the GIL released and Ctrl-C watched.
fn run_search<T: Send>(
    py: Python<'_>,
    what: &str,
    f: impl FnOnce(&mut dyn FnMut() -> bool) -> Result<T, TraceError> + Send,
) -> PyResult<T> {
    let pending = PendingSignal::default();
    let mut poll = pending.poller(SIGNAL_CHECK_INTERVAL);
    let outcome = py.allow_threads(|| catch_panic(|| f(&mut poll)));
    if let Some(e) = pending.take() {
        return Err(e);
    }
    match outcome {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(trace_error(py, e)),
        Err(msg) => Err(internal_error(what, &msg)),
    }
}

fn options_from(options: Option<&Bound<'_, PyDict>>) -> PyResult<TraceOptions> {
    let mut opts = TraceOptions::default();
    if let Some(d) = options {
        for (k, v) in d.iter() {
            let name: String = k.extract().map_err(|_| PyTypeError::new_err("option names must be str"))?;
            let value = if let Ok(s) = v.downcast::<PyString>() {
                OptionValue::Name(s.extract::<String>()?)
            } else if let Ok(b) = v.downcast::<PyBool>() {
                OptionValue::Int(b.is_true() as i64)
            } else if let Ok(i) = v.extract::<i64>() {
                OptionValue::Int(i)
            } else {
                return Err(PyTypeError::new_err(format!("option '{name}' must be an int, a bool or a str, got {v}")));
            };
            opts.set(&name, &value).map_err(PyValueError::new_err)?;
        }
    }
    Ok(opts)
}

fn rendered<'py>(py: Python<'py>, r: Rendered) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("trace", r.text)?;
    d.set_item("solution", r.solution)?;
    d.set_item("steps", r.steps)?;
    d.set_item("backtracks", r.backtracks)?;
    d.set_item("guesses", r.guesses)?;
    d.set_item("nodes", r.nodes)?;
    Ok(d)
}

fn instance(numbers: Vec<i64>, target: i64) -> PyResult<Instance> {
    let nums: Vec<u64> = numbers
        .iter()
        .enumerate()
        .map(|(i, &v)| u64::try_from(v).map_err(|_| PyValueError::new_err(format!("numbers[{i}] = {v} is not positive"))))
        .collect::<PyResult<_>>()?;
    let target = u64::try_from(target).map_err(|_| PyValueError::new_err(format!("target {target} is not positive")))?;
    Instance::new(nums, target).map_err(|e| PyValueError::new_err(e.to_string()))
}

fn format_of(name: &str) -> PyResult<Format> {
    Format::parse(name).map_err(|e| PyValueError::new_err(e.to_string()))
}

fn backtracks_of(k: Option<i64>) -> PyResult<Option<usize>> {
    k.map(|k| usize::try_from(k).map_err(|_| PyValueError::new_err(format!("backtracks must be >= 0, got {k}"))))
        .transpose()
}

/// One row of `traces_options()`.
type OptionRow = (String, String, String, PyObject, PyObject, String);

/// Every trace option: `(name, task, kind, default, domain, description)`
/// with `task` "sudoku", "countdown" or "both"; `kind` "int" (domain
/// `(min, max)`), "choice" (domain: the names; default a name) or "flag"
/// (domain None; default 0/1).
#[pyfunction]
pub fn traces_options(py: Python<'_>) -> PyResult<Vec<OptionRow>> {
    TABLE
        .iter()
        .map(|o| {
            let (kind, default, domain): (&str, PyObject, PyObject) = match o.kind {
                Kind::Int { min, max } => ("int", o.default.into_pyobject(py)?.into_any().unbind(), (min, max).into_pyobject(py)?.into_any().unbind()),
                Kind::Choice(names) => (
                    "choice",
                    names[o.default as usize].into_pyobject(py)?.into_any().unbind(),
                    names.to_vec().into_pyobject(py)?.into_any().unbind(),
                ),
                Kind::Flag => ("flag", o.default.into_pyobject(py)?.into_any().unbind(), py.None()),
            };
            Ok((o.name.to_string(), o.task.name().to_string(), kind.to_string(), default, domain, o.description.to_string()))
        })
        .collect()
}

/// Solves a CountDown instance: `all=False` gives at most one expression,
/// `all=True` every solution up to the canonical form (see
/// `fastback.traces.countdown`). Releases the GIL; Ctrl-C stops it.
/// Errors: `ValueError` for a bad instance; `BudgetExceededError` after
/// `max_nodes` steps (None: no limit).
#[pyfunction]
#[pyo3(signature = (numbers, target, *, all = false, use_all = false, max_nodes = None))]
pub fn countdown_solve(
    py: Python<'_>,
    numbers: Vec<i64>,
    target: i64,
    all: bool,
    use_all: bool,
    max_nodes: Option<u64>,
) -> PyResult<Vec<String>> {
    let inst = instance(numbers, target)?;
    let mode = if all { Mode::All } else { Mode::First };
    run_search(py, "countdown_solve", move |stop| countdown::solve(&inst, use_all, mode, max_nodes, stop))
}

/// A Sudoku trace of `puzzle` (one line; see `fastback.traces.sudoku`):
/// the full search (`backtracks=None`) or exactly `backtracks` backtracks,
/// in `format` "dfs" or "nl", under `options` (see `traces_options()`).
/// Returns `{"trace", "solution", "steps", "backtracks", "guesses", "nodes"}`.
#[pyfunction]
#[pyo3(signature = (puzzle, format = "dfs", backtracks = None, options = None))]
pub fn sudoku_trace<'py>(
    py: Python<'py>,
    puzzle: &str,
    format: &str,
    backtracks: Option<i64>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let grid = Grid::parse(puzzle).map_err(PyValueError::new_err)?;
    let format = format_of(format)?;
    let k = backtracks_of(backtracks)?;
    let opts = options_from(options)?;
    let r = run_search(py, "sudoku_trace", move |stop| core::sudoku_trace(&grid, format, k, &opts, stop))?;
    rendered(py, r)
}

/// A CountDown trace (see `sudoku_trace`); `solution` is the answer
/// expression and `steps` its steps (`8+2=10`).
#[pyfunction]
#[pyo3(signature = (numbers, target, format = "dfs", backtracks = None, options = None))]
pub fn countdown_trace<'py>(
    py: Python<'py>,
    numbers: Vec<i64>,
    target: i64,
    format: &str,
    backtracks: Option<i64>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let inst = instance(numbers, target)?;
    let format = format_of(format)?;
    let k = backtracks_of(backtracks)?;
    let opts = options_from(options)?;
    let r = run_search(py, "countdown_trace", move |stop| core::countdown_trace(&inst, format, k, &opts, stop))?;
    rendered(py, r)
}
