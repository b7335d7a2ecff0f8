//! PyO3 bindings of fastback-core, compiled as `fastback._core`.
//!
//! This crate converts and delegates: no algorithm lives here. Every call that
//! can run long releases the GIL; every error from the core becomes a Python
//! exception whose message says what and where. No panic crosses into Python.

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
