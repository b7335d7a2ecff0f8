//! Bindings of `fastback_core::sudoku`: batch solving and counting, the
//! generator, the rater and the option table.
//!
//! Puzzles cross as one buffer: the Python layer joins the puzzle strings
//! and passes the bytes with the lengths (`sudoku_solve_text`), or passes a
//! uint8 array of cell values (`sudoku_solve_values`); parsing and solving
//! run with the GIL released, on the core's batch threads. Ctrl-C is polled
//! every `SIGNAL_CHECK_INTERVAL` and raises `KeyboardInterrupt` once the
//! workers have stopped (within milliseconds: searches poll a stop flag).
//! Errors name the puzzle index and the character position or cell.

use std::collections::HashMap;

use fastback_core::sudoku::{self, grid, BoxSize, Grid, Options, PuzzleSet, Rating};
use numpy::{PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::{PyKeyboardInterrupt, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::guard::{catch_panic, internal_error, PendingSignal, SIGNAL_CHECK_INTERVAL};

/// `(solutions, counts, guesses)`: per puzzle the first solution as text
/// (`None` when there is none; the whole list is `None` when solutions were
/// not asked for), the solutions counted up to the limit, and the solver's
/// guesses.
type BatchTuple<'py> = (Option<Bound<'py, PyList>>, Vec<u64>, Vec<u64>);

/// A rating as `(level, level_name, steps, guesses, solutions, givens)`.
type RatingTuple = (u8, &'static str, Vec<u32>, u64, u64, usize);

fn rating_tuple(r: &Rating) -> RatingTuple {
    (r.level as u8, r.level.name(), r.steps.to_vec(), r.guesses, r.solutions, r.givens)
}

/// Solves `set` with the GIL released and Ctrl-C watched; with `texts`,
/// the solutions come back as Python strings made straight from the values.
fn run_batch<'py>(py: Python<'py>, set: &PuzzleSet, limit: u64, threads: usize, texts: bool) -> PyResult<BatchTuple<'py>> {
    if limit == 0 {
        return Err(PyValueError::new_err("limit must be at least 1"));
    }
    let pending = PendingSignal::default();
    let mut interrupt = pending.poller(SIGNAL_CHECK_INTERVAL);
    let outcome = py.allow_threads(|| catch_panic(|| sudoku::solve_batch(set, limit, threads, &mut interrupt)));
    let result = match outcome {
        Ok(Ok(r)) => r,
        Ok(Err(sudoku::Interrupted)) => {
            return Err(pending.take().unwrap_or_else(|| PyKeyboardInterrupt::new_err("sudoku batch interrupted")))
        }
        Err(msg) => return Err(internal_error("sudoku batch", &msg)),
    };
    let list = if texts {
        let mut buf = Vec::with_capacity(625);
        let items = (0..set.len()).map(|k| -> PyObject {
            if result.counts[k] == 0 {
                return py.None();
            }
            let (start, end) = (set.offsets[k], set.offsets[k + 1]);
            let n = BoxSize::from_cells(end - start).map_or(9, |b| b.side());
            buf.clear();
            buf.extend(result.solutions[start..end].iter().map(|&v| grid::value_char(v, n)));
            // The characters are ASCII by construction.
            PyString::new(py, std::str::from_utf8(&buf).unwrap_or_default()).into_any().unbind()
        });
        Some(PyList::new(py, items)?)
    } else {
        None
    };
    Ok((list, result.counts, result.guesses))
}

/// `sudoku_solve_text(data, lengths, *, limit=1, threads=0, solutions=True)`: the puzzles
/// are consecutive slices of `data` (ASCII text) of the given lengths.
/// `ValueError("puzzle K: ...")` for a bad length or character (the
/// position is within puzzle K). Releases the GIL.
#[pyfunction]
#[pyo3(signature = (data, lengths, *, limit = 1, threads = 0, solutions = true))]
pub fn sudoku_solve_text<'py>(
    py: Python<'py>,
    data: &[u8],
    lengths: Vec<usize>,
    limit: u64,
    threads: usize,
    solutions: bool,
) -> PyResult<BatchTuple<'py>> {
    let total: usize = lengths.iter().sum();
    if total != data.len() {
        return Err(PyValueError::new_err(format!("lengths add up to {total}, data has {} bytes", data.len())));
    }
    let parsed = py.allow_threads(|| -> Result<PuzzleSet, (usize, grid::GridError)> {
        let mut set = PuzzleSet { values: vec![0; total], offsets: Vec::with_capacity(lengths.len() + 1) };
        set.offsets.push(0);
        let mut start = 0;
        for (k, &len) in lengths.iter().enumerate() {
            let size = BoxSize::from_cells(len).ok_or((k, grid::GridError::Length(len)))?;
            let text = std::str::from_utf8(&data[start..start + len]).map_err(|_| (k, grid::GridError::Length(len)))?;
            grid::parse_into(text, size, &mut set.values[start..start + len]).map_err(|e| (k, e))?;
            start += len;
            set.offsets.push(start);
        }
        Ok(set)
    });
    let set = parsed.map_err(|(k, e)| PyValueError::new_err(format!("puzzle {k}: {e}")))?;
    run_batch(py, &set, limit, threads, solutions)
}

/// `sudoku_check_text(data, lengths)`: every malformed puzzle of the
/// buffer (as for `sudoku_solve_text`) as `(index, message)`, without
/// solving anything. Cost: linear; releases the GIL.
#[pyfunction]
pub fn sudoku_check_text(py: Python<'_>, data: &[u8], lengths: Vec<usize>) -> PyResult<Vec<(usize, String)>> {
    let total: usize = lengths.iter().sum();
    if total != data.len() {
        return Err(PyValueError::new_err(format!("lengths add up to {total}, data has {} bytes", data.len())));
    }
    Ok(py.allow_threads(|| {
        let mut errors = Vec::new();
        let mut scratch = Vec::new();
        let mut start = 0;
        for (k, &len) in lengths.iter().enumerate() {
            let bytes = &data[start..start + len];
            start += len;
            let checked = match (BoxSize::from_cells(len), std::str::from_utf8(bytes)) {
                (None, _) => Err(grid::GridError::Length(len)),
                (Some(_), Err(_)) => Err(grid::GridError::Length(len)),
                (Some(size), Ok(text)) => {
                    scratch.resize(len, 0);
                    grid::parse_into(text, size, &mut scratch)
                }
            };
            if let Err(e) = checked {
                errors.push((k, e.to_string()));
            }
        }
        errors
    }))
}

/// `sudoku_solve_values(values, *, limit=1, threads=0, solutions=True)`: `values` is a
/// C-contiguous uint8 array of shape (N, n*n), 0 for an empty cell.
/// `ValueError("puzzle K: cell I: ...")` for a value above n.
#[pyfunction]
#[pyo3(signature = (values, *, limit = 1, threads = 0, solutions = true))]
pub fn sudoku_solve_values<'py>(
    py: Python<'py>,
    values: PyReadonlyArray2<'py, u8>,
    limit: u64,
    threads: usize,
    solutions: bool,
) -> PyResult<BatchTuple<'py>> {
    let (count, cells) = (values.shape()[0], values.shape()[1]);
    let size = BoxSize::from_cells(cells).ok_or_else(|| {
        PyValueError::new_err(format!("rows of {cells} cells are not 4x4, 9x9, 16x16 or 25x25 grids"))
    })?;
    let flat = values.as_slice().map_err(|_| PyValueError::new_err("values must be a C-contiguous uint8 array"))?;
    let n = size.side();
    if let Some(at) = flat.iter().position(|&v| v as usize > n) {
        return Err(PyValueError::new_err(format!(
            "puzzle {}: cell {}: value {} is outside 0..={n} (0 = empty)",
            at / cells,
            at % cells,
            flat[at]
        )));
    }
    let set = PuzzleSet { values: flat.to_vec(), offsets: (0..=count).map(|k| k * cells).collect() };
    run_batch(py, &set, limit, threads, solutions)
}

/// `sudoku_generate(n, options)`: `(puzzle, solution, rating, attempts)`.
/// `options` maps option names (see `sudoku_options`) to ints; unknown
/// names and out-of-range values are `ValueError`s, as is a level not
/// reached in `attempts` grids. Releases the GIL; Ctrl-C interrupts.
#[pyfunction]
pub fn sudoku_generate(
    py: Python<'_>,
    n: usize,
    options: HashMap<String, i64>,
) -> PyResult<(String, String, RatingTuple, u32)> {
    let size = BoxSize::from_side(n).ok_or_else(|| PyValueError::new_err(format!("n must be 4, 9, 16 or 25, got {n}")))?;
    let mut opts = Options::default();
    let mut names: Vec<&String> = options.keys().collect();
    names.sort();
    for name in names {
        opts.set(name, options[name]).map_err(PyValueError::new_err)?;
    }
    let pending = PendingSignal::default();
    let mut interrupt = pending.poller(SIGNAL_CHECK_INTERVAL);
    let outcome = py.allow_threads(|| catch_panic(|| sudoku::generate(size, &opts, &mut interrupt)));
    match outcome {
        Ok(Ok(g)) => Ok((g.puzzle.to_text(), g.solution.to_text(), rating_tuple(&g.rating), g.attempts)),
        Ok(Err(sudoku::GenerateError::Interrupted)) => {
            Err(pending.take().unwrap_or_else(|| PyKeyboardInterrupt::new_err("sudoku generation interrupted")))
        }
        Ok(Err(e)) => Err(PyValueError::new_err(e.to_string())),
        Err(msg) => Err(internal_error("sudoku_generate", &msg)),
    }
}

/// `sudoku_rate(puzzle)`: `(level, level_name, steps, guesses, solutions,
/// givens)`. `ValueError` naming the position for a bad puzzle string.
#[pyfunction]
pub fn sudoku_rate(py: Python<'_>, puzzle: &str) -> PyResult<RatingTuple> {
    let grid = Grid::parse(puzzle).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let outcome = py.allow_threads(|| catch_panic(|| sudoku::rate(&grid)));
    outcome.map(|r| rating_tuple(&r)).map_err(|msg| internal_error("sudoku_rate", &msg))
}

/// The technique families of `sudoku_rate`'s `steps`, in order.
#[pyfunction]
pub fn sudoku_techniques() -> Vec<&'static str> {
    sudoku::rate::TECHNIQUES.to_vec()
}

/// Every Sudoku option as `(name, default, min, max, description)`.
#[pyfunction]
pub fn sudoku_options() -> Vec<(&'static str, i64, i64, i64, &'static str)> {
    Options::table().into_iter().map(|o| (o.name, o.default, o.min, o.max, o.description)).collect()
}

/// Adds this file's functions to the module (one line in `lib.rs`).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sudoku_solve_text, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_solve_values, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_check_text, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_generate, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_rate, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_techniques, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_options, m)?)?;
    Ok(())
}
