//! PyO3 bindings of fastback-core, compiled as `fastback._core`.
//!
//! This crate converts and delegates: no algorithm lives here. Every call that
//! can run long releases the GIL; every error from the core becomes a Python
//! exception whose message says what and where. No panic crosses into Python
//! (see `guard`).
//!
//! One file per concern: `lits` (DIMACS ints <-> literals, with located
//! errors), `solver` (the `Solver` class), `dimacs` (`read_dimacs`, the `Cnf`
//! handle), `check` (`check_drat`), `neuro` (`neuro_graph`, `PhaseModel`), `guard` (panics and OS errors).
//! `csp`: `CspModel`, `CspSearch`, `csp_options` (the finite-domain CSP engine).
//! `matcher`: `Matcher`, `MatchStream`, `StreamSnapshot` (the phrase matcher).

use pyo3::prelude::*;

mod check;
mod csp;
mod dimacs;
mod guard;
mod lits;
mod matcher;
mod neuro;
mod solver;
mod traces;
mod sudoku;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<solver::PySolver>()?;
    m.add_function(wrap_pyfunction!(solver::solver_options, m)?)?;
    m.add_class::<dimacs::PyCnf>()?;
    m.add_function(wrap_pyfunction!(dimacs::read_dimacs, m)?)?;
    m.add_class::<check::PyCheckReport>()?;
    m.add_function(wrap_pyfunction!(check::check_drat, m)?)?;
    m.add_function(wrap_pyfunction!(neuro::neuro_graph, m)?)?;
    m.add_class::<neuro::PyPhaseModel>()?;
    csp::register(m)?;
    m.add_function(wrap_pyfunction!(traces::traces_options, m)?)?;
    m.add_function(wrap_pyfunction!(traces::countdown_solve, m)?)?;
    m.add_function(wrap_pyfunction!(traces::sudoku_trace, m)?)?;
    m.add_function(wrap_pyfunction!(traces::countdown_trace, m)?)?;
    sudoku::register(m)?;
    matcher::register(m)?;
    Ok(())
}
