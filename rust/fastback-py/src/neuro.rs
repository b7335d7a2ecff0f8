//! Bindings of `fastback_core::graph`: the NeuroBack graph of a formula as
//! numpy arrays (`neuro_graph`) and the native phase model (`PhaseModel`).
//!
//! Arrays cross as numpy: literals and offsets are read in place from
//! contiguous int32 / int64 arrays, and the graph's vectors are moved into
//! numpy without a copy. Building and inference release the GIL; inference
//! polls for Ctrl-C between layers (about every layer's worth of work).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use fastback_core::graph::{Graph, Model};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyValueError};
use pyo3::prelude::*;

use crate::guard::{catch_panic, internal_error, PendingSignal};

type GraphTuple<'py> = (
    Bound<'py, PyArray2<f32>>,
    Bound<'py, PyArray2<i64>>,
    Bound<'py, PyArray1<i64>>,
    usize,
    usize,
    usize,
);

fn offsets_usize(offsets: &[i64]) -> PyResult<Vec<usize>> {
    offsets
        .iter()
        .enumerate()
        .map(|(i, &o)| {
            usize::try_from(o).map_err(|_| PyValueError::new_err(format!("offsets[{i}] is negative ({o})")))
        })
        .collect()
}

fn check_num_vars(num_vars: i64) -> PyResult<u32> {
    u32::try_from(num_vars)
        .ok()
        .filter(|&n| n < u32::MAX)
        .ok_or_else(|| PyValueError::new_err(format!("num_vars must be in [0, {}], got {num_vars}", u32::MAX - 1)))
}

fn build(py: Python<'_>, num_vars: i64, lits: &PyReadonlyArray1<'_, i32>, offsets: &PyReadonlyArray1<'_, i64>) -> PyResult<Graph> {
    let num_vars = check_num_vars(num_vars)?;
    let lits = lits.as_slice().map_err(|_| PyValueError::new_err("lits must be a contiguous int32 array"))?;
    let offsets = offsets.as_slice().map_err(|_| PyValueError::new_err("offsets must be a contiguous int64 array"))?;
    let offsets = offsets_usize(offsets)?;
    let outcome = py.allow_threads(|| catch_panic(|| Graph::build(num_vars, lits, &offsets)));
    match outcome {
        Ok(Ok(g)) => Ok(g),
        Ok(Err(e)) => Err(PyValueError::new_err(e.to_string())),
        Err(msg) => Err(internal_error("neuro_graph", &msg)),
    }
}

/// `neuro_graph(num_vars, lits, offsets)`: the NeuroBack graph of the formula
/// whose clause `i` is `lits[offsets[i]:offsets[i+1]]` (DIMACS literals).
/// Returns `(x [N, 6] float32, edge_index [2, E] int64, edge_type [E] int64,
/// num_vars, num_clauses, num_meta)`. `ValueError` naming the clause or offset
/// on bad input. Linear time; releases the GIL.
#[pyfunction]
pub fn neuro_graph<'py>(
    py: Python<'py>,
    num_vars: i64,
    lits: PyReadonlyArray1<'py, i32>,
    offsets: PyReadonlyArray1<'py, i64>,
) -> PyResult<GraphTuple<'py>> {
    let g = build(py, num_vars, &lits, &offsets)?;
    let a = g.into_arrays();
    let nodes = a.num_vars + a.num_clauses + a.num_meta;
    let edges = a.edge_type.len();
    let x = a.features.into_pyarray(py).reshape([nodes, fastback_core::graph::NUM_FEATURES])?;
    let mut index = a.edge_src;
    index.extend_from_slice(&a.edge_dst);
    let edge_index = index.into_pyarray(py).reshape([2, edges])?;
    Ok((x, edge_index, a.edge_type.into_pyarray(py), a.num_vars, a.num_clauses, a.num_meta))
}

/// A trained phase model run natively (no torch): `PhaseModel(path)` or
/// `PhaseModel.from_bytes(data)`. `ValueError` naming the tensor or metadata
/// key when the file is not a valid fastback-neuroback model; `OSError` when
/// it cannot be read.
#[pyclass(name = "PhaseModel", module = "fastback._core", frozen)]
pub struct PyPhaseModel {
    model: Arc<Model>,
}

fn model_error(e: fastback_core::graph::ModelError) -> PyErr {
    use fastback_core::graph::ModelError;
    match &e {
        ModelError::File { error, .. } if matches!(**error, ModelError::Io { .. }) => PyOSError::new_err(e.to_string()),
        _ => PyValueError::new_err(e.to_string()),
    }
}

#[pymethods]
impl PyPhaseModel {
    #[new]
    fn new(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let model = py.allow_threads(|| Model::load(Path::new(&path))).map_err(model_error)?;
        Ok(PyPhaseModel { model: Arc::new(model) })
    }

    /// A model from the bytes of a safetensors file.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        let model = Model::from_bytes(data).map_err(model_error)?;
        Ok(PyPhaseModel { model: Arc::new(model) })
    }

    /// `(hidden, gin_layers, gat_layers, heads)`.
    #[getter]
    fn shape(&self) -> (usize, usize, usize, usize) {
        let c = self.model.config();
        (c.hidden, c.gin_layers, c.gat_layers, c.heads)
    }

    /// P(true) per variable (float32, index `v - 1`) of the formula given as
    /// flat DIMACS literals and clause offsets, like `neuro_graph`.
    /// `threads`: 0 for every core. Releases the GIL; Ctrl-C raises
    /// `KeyboardInterrupt` within about one layer.
    #[pyo3(signature = (num_vars, lits, offsets, *, threads = 0, logits = false))]
    fn predict<'py>(
        &self,
        py: Python<'py>,
        num_vars: i64,
        lits: PyReadonlyArray1<'py, i32>,
        offsets: PyReadonlyArray1<'py, i64>,
        threads: usize,
        logits: bool,
    ) -> PyResult<Bound<'py, PyArray1<f32>>> {
        let graph = build(py, num_vars, &lits, &offsets)?;
        // Checked before every layer: a layer is already a large unit of work.
        let pending = PendingSignal::default();
        let mut interrupt = pending.poller(Duration::ZERO);
        let model = self.model.clone();
        let outcome = py.allow_threads(|| {
            catch_panic(|| {
                if logits {
                    model.logits(&graph, threads, &mut interrupt)
                } else {
                    model.predict(&graph, threads, &mut interrupt)
                }
            })
        });
        match outcome {
            Ok(Ok(p)) => Ok(p.into_pyarray(py)),
            Ok(Err(_)) => Err(pending
                .take()
                .unwrap_or_else(|| PyKeyboardInterrupt::new_err("phase model inference interrupted"))),
            Err(msg) => Err(internal_error("PhaseModel.predict", &msg)),
        }
    }

    fn __repr__(&self) -> String {
        let c = self.model.config();
        format!(
            "<fastback._core.PhaseModel hidden={} gin_layers={} gat_layers={} heads={}>",
            c.hidden, c.gin_layers, c.gat_layers, c.heads
        )
    }
}
