//! DIMACS I/O: `read_dimacs`, and `Cnf`, a formula that stays in Rust.
//!
//! A parsed formula is returned as a `Cnf` handle holding the core's flat
//! arrays; Python asks for `clauses()` only when it wants lists. The solver
//! takes a handle directly (`Solver.append_cnf`), so a million-clause file
//! goes from disk to solver without a Python object per clause. Parsing and
//! writing release the GIL.
//!
//! Errors: malformed input is `fastback.sat.DimacsError` (a `ValueError`
//! with `source` and `line`, message `file:line: what`), raised by importing
//! the class from `fastback._errors` so that it is an ordinary Python class.

use crate::guard::{guarded, os_error};
use crate::lits;
use crate::solver::PySolver;
use fastback_core::sat::dimacs::{self, Cnf, DimacsError};
use fastback_core::sat::Lit;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyBytes, PyList, PyType};
use std::path::Path;

static DIMACS_ERROR: GILOnceCell<Py<PyType>> = GILOnceCell::new();

/// `fastback._errors.DimacsError(source, line, message)`.
fn dimacs_error(py: Python<'_>, e: DimacsError) -> PyErr {
    match DIMACS_ERROR.import(py, "fastback._errors", "DimacsError") {
        Ok(cls) => match cls.call1((e.source.clone(), e.line, e.message.clone())) {
            Ok(obj) => PyErr::from_value(obj),
            Err(err) => err,
        },
        Err(err) => err,
    }
}

/// A CNF formula held in Rust: `num_vars`, flat clauses, comments and the
/// reader's warnings. Immutable. Build one with `read_dimacs` or
/// `Cnf(num_vars, clauses, comments)`.
#[pyclass(module = "fastback._core", name = "Cnf", frozen, sequence)]
pub struct PyCnf {
    pub cnf: Cnf,
}

#[pymethods]
impl PyCnf {
    /// A formula from Python data: `clauses` is an iterable of iterables of
    /// DIMACS ints; `num_vars` is raised to cover every literal; `comments`
    /// are comment texts without the leading `c`.
    #[new]
    #[pyo3(signature = (num_vars = 0, clauses = None, comments = None))]
    fn new(num_vars: i64, clauses: Option<&Bound<'_, PyAny>>, comments: Option<Vec<String>>) -> PyResult<Self> {
        if num_vars < 0 || num_vars > lits::MAX_DIMACS_VAR {
            return Err(PyValueError::new_err(format!(
                "num_vars must be in [0, {}], got {num_vars}",
                lits::MAX_DIMACS_VAR
            )));
        }
        let mut cnf = Cnf::new(num_vars as u32);
        if let Some(c) = clauses {
            let flat = lits::clauses_from(c)?;
            cnf.lits = flat.lits.iter().map(|l| l.to_dimacs()).collect();
            cnf.offsets = flat.offsets;
            let max_var = cnf.lits.iter().map(|l| l.unsigned_abs()).max().unwrap_or(0);
            cnf.num_vars = cnf.num_vars.max(max_var);
        }
        cnf.comments = comments.unwrap_or_default();
        if let Some(i) = cnf.comments.iter().position(|c| c.contains('\0')) {
            return Err(PyValueError::new_err(format!("comment {i} contains a NUL byte")));
        }
        Ok(PyCnf { cnf })
    }

    /// The variable count (the header's for a parsed file).
    #[getter]
    fn num_vars(&self) -> u32 {
        self.cnf.num_vars
    }

    #[getter]
    fn num_clauses(&self) -> usize {
        self.cnf.num_clauses()
    }

    /// Total literals over all clauses.
    #[getter]
    fn num_literals(&self) -> usize {
        self.cnf.num_literals()
    }

    /// Comment texts (the `c` and one space removed), in input order.
    #[getter]
    fn comments(&self) -> Vec<String> {
        self.cnf.comments.clone()
    }

    /// What the reader accepted leniently, as `(line, message)` pairs.
    #[getter]
    fn warnings(&self) -> Vec<(u64, String)> {
        self.cnf.warnings.iter().map(|w| (w.line, w.message.clone())).collect()
    }

    fn __len__(&self) -> usize {
        self.cnf.num_clauses()
    }

    /// The clauses as lists of ints. Cost: O(size), one Python list per clause.
    fn clauses<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for c in self.cnf.clauses() {
            out.append(PyList::new(py, c)?)?;
        }
        Ok(out)
    }

    /// Clause `i` (negative counts from the end); `IndexError` out of range.
    fn clause(&self, i: isize) -> PyResult<Vec<i32>> {
        let n = self.cnf.num_clauses() as isize;
        let j = if i < 0 { i + n } else { i };
        if j < 0 || j >= n {
            return Err(pyo3::exceptions::PyIndexError::new_err(format!(
                "clause index {i} out of range for {n} clauses"
            )));
        }
        Ok(self.cnf.clause(j as usize).to_vec())
    }

    fn __getitem__(&self, i: isize) -> PyResult<Vec<i32>> {
        self.clause(i)
    }

    /// All literals, flattened, as native-endian int32 bytes
    /// (`numpy.frombuffer(b, dtype=numpy.int32)`).
    fn lits_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let mut out = Vec::with_capacity(self.cnf.lits.len() * 4);
        for &l in &self.cnf.lits {
            out.extend_from_slice(&l.to_ne_bytes());
        }
        PyBytes::new(py, &out)
    }

    /// Clause offsets (`num_clauses + 1` of them) as native-endian int64
    /// bytes: clause i is `lits[offsets[i]:offsets[i+1]]`.
    fn offsets_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let mut out = Vec::with_capacity(self.cnf.offsets.len() * 8);
        for &o in &self.cnf.offsets {
            out.extend_from_slice(&(o as i64).to_ne_bytes());
        }
        PyBytes::new(py, &out)
    }

    /// Writes DIMACS to `path` (`-` is stdout), compressed by extension
    /// (`.gz`, `.xz`). The GIL is released. `OSError` on failure.
    fn write(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        if path == "-" {
            // Through Python's stdout, so that its buffering and redirection apply.
            let text = py.allow_threads(|| {
                let mut buf = Vec::new();
                dimacs::write(&mut buf, &self.cnf).map(|_| buf)
            });
            let text = text.map_err(|e| os_error("cannot write DIMACS", "<stdout>", &e))?;
            let stdout = py.import("sys")?.getattr("stdout")?;
            stdout.call_method1("write", (String::from_utf8_lossy(&text),))?;
            return Ok(());
        }
        let r = py.allow_threads(|| guarded("Cnf.write", || dimacs::write_path(Path::new(path), &self.cnf)))?;
        r.map_err(|e| os_error("cannot write DIMACS", path, &e))
    }

    /// The formula as DIMACS text (comments, header, one clause per line).
    fn dimacs(&self, py: Python<'_>) -> PyResult<String> {
        let r = py.allow_threads(|| {
            let mut buf = Vec::new();
            dimacs::write(&mut buf, &self.cnf).map(|_| buf)
        });
        let buf = r.map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    fn __repr__(&self) -> String {
        format!("<fastback._core.Cnf num_vars={} num_clauses={}>", self.cnf.num_vars, self.cnf.num_clauses())
    }
}

/// Reads DIMACS CNF from the file `path` or from the bytes `data` (exactly
/// one), plain, gzip or xz (detected by content). `name` names `data` in
/// errors. Returns a `Cnf`. Errors: `DimacsError` for malformed input,
/// `OSError` when the file cannot be opened. The GIL is released.
#[pyfunction]
#[pyo3(signature = (path = None, data = None, name = "<bytes>"))]
pub fn read_dimacs(
    py: Python<'_>,
    path: Option<std::path::PathBuf>,
    data: Option<&Bound<'_, PyBytes>>,
    name: &str,
) -> PyResult<PyCnf> {
    let result = match (path, data) {
        (Some(p), None) => {
            // Open here, so that a missing file is FileNotFoundError (an
            // OSError with errno), not a parse error.
            let shown = p.display().to_string();
            if shown != "-" {
                std::fs::metadata(&p).map_err(|e| os_error("cannot open", &shown, &e))?;
            }
            py.allow_threads(|| guarded("read_dimacs", || dimacs::read_path(&p)))?
        }
        (None, Some(d)) => {
            let bytes = d.as_bytes();
            py.allow_threads(|| guarded("read_dimacs", || dimacs::read_bytes(bytes, name)))?
        }
        _ => return Err(PyTypeError::new_err("read_dimacs takes exactly one of path= and data=")),
    };
    result.map(|cnf| PyCnf { cnf }).map_err(|e| dimacs_error(py, e))
}

/// Adds a `Cnf`'s clauses to a solver without Python objects per clause.
pub fn append_cnf(py: Python<'_>, solver: &PySolver, cnf: &PyCnf) -> PyResult<bool> {
    let c = &cnf.cnf;
    // The reader guarantees the literal range; convert anyway, checked, so
    // that a hand-made Cnf cannot smuggle a bad literal in.
    let converted: Result<Vec<Lit>, usize> = py.allow_threads(|| {
        c.lits
            .iter()
            .enumerate()
            .map(|(i, &l)| Lit::from_dimacs(l).ok_or(i))
            .collect()
    });
    let lits = converted.map_err(|i| {
        let clause = c.offsets.partition_point(|&o| o <= i) - 1;
        lits::invalid_literal(&c.lits[i].to_string(), &format!("clause {clause} of the Cnf"))
    })?;
    solver.reserve(vars_to_reserve(c))?;
    solver.add_lits_with_offsets(py, &lits, &c.offsets)
}

/// How many of a formula's header variables to create in the solver.
///
/// Models should list every variable the header declares, so unused ones are
/// reserved too, but only up to [`MAX_UNUSED_RESERVED`] beyond the largest
/// variable used: a header may claim 2^31 variables for a three-line file, and
/// the solver spends about 100 bytes per variable.
fn vars_to_reserve(c: &Cnf) -> u32 {
    let max_used = c.lits.iter().map(|l| l.unsigned_abs()).max().unwrap_or(0);
    if c.num_vars.saturating_sub(max_used) <= MAX_UNUSED_RESERVED {
        c.num_vars
    } else {
        max_used
    }
}

/// See [`vars_to_reserve`].
const MAX_UNUSED_RESERVED: u32 = 1 << 20;
