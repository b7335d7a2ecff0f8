//! Literals crossing the boundary.
//!
//! Python speaks DIMACS: a literal is a non-zero int whose absolute value is
//! the 1-based variable. Every conversion here is checked, and a bad literal is
//! a `ValueError` that names the value and where it sits (index in the clause,
//! and clause number for batches), because "invalid literal" alone is useless
//! in a million-clause formula. Type errors (a str or float where an int
//! belongs) are `TypeError` with the same location.

use fastback_core::sat::{Lit, Var};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyList, PyTuple};

/// Largest DIMACS variable number a literal may name.
pub const MAX_DIMACS_VAR: i64 = Var::MAX_INDEX as i64 + 1;

/// DIMACS int -> literal, `None` for 0 and out-of-range values.
#[inline]
pub fn lit_from_i64(value: i64) -> Option<Lit> {
    if value < -MAX_DIMACS_VAR || value > MAX_DIMACS_VAR {
        return None;
    }
    Lit::from_dimacs(value as i32)
}

/// The `ValueError` for a literal that is 0 or out of range; `place` says where.
pub fn invalid_literal(value: &str, place: &str) -> PyErr {
    PyValueError::new_err(format!(
        "invalid literal {value} at {place}: literals are non-zero ints in [-{MAX_DIMACS_VAR}, {MAX_DIMACS_VAR}]"
    ))
}

fn item_to_lit(item: &Bound<'_, PyAny>, place: &dyn Fn() -> String) -> PyResult<Lit> {
    match item.extract::<i64>() {
        Ok(v) => lit_from_i64(v).ok_or_else(|| invalid_literal(&v.to_string(), &place())),
        Err(_) if item.is_instance_of::<PyInt>() => {
            // An int too large for i64: out of range all the same.
            Err(invalid_literal(&item.to_string(), &place()))
        }
        Err(_) => {
            let type_name = item
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "?".to_string());
            Err(PyTypeError::new_err(format!(
                "literal at {} must be an int, got {}",
                place(),
                type_name
            )))
        }
    }
}

/// Converts one Python iterable of ints into `out` (cleared first).
///
/// `what` names the container in messages ("the clause", "assumptions").
/// Cost: O(len), one extraction per element; lists and tuples skip the
/// iterator protocol.
pub fn lits_into(obj: &Bound<'_, PyAny>, what: &str, out: &mut Vec<Lit>) -> PyResult<()> {
    out.clear();
    if obj.is_instance_of::<pyo3::types::PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be an iterable of int literals, got {}",
            obj.get_type().name()?
        )));
    }
    if let Ok(list) = obj.downcast::<PyList>() {
        out.reserve(list.len());
        for (i, item) in list.iter().enumerate() {
            out.push(item_to_lit(&item, &|| format!("index {i} of {what}"))?);
        }
        return Ok(());
    }
    if let Ok(tuple) = obj.downcast::<PyTuple>() {
        out.reserve(tuple.len());
        for (i, item) in tuple.iter().enumerate() {
            out.push(item_to_lit(&item, &|| format!("index {i} of {what}"))?);
        }
        return Ok(());
    }
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be an iterable of int literals, got {}",
            obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()
        ))
    })?;
    for (i, item) in iter.enumerate() {
        let item = item?;
        out.push(item_to_lit(&item, &|| format!("index {i} of {what}"))?);
    }
    Ok(())
}

/// Converts one iterable of ints into a fresh vector.
pub fn lits_from(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Lit>> {
    let mut v = Vec::new();
    lits_into(obj, what, &mut v)?;
    Ok(v)
}

/// Clauses as one flat literal array plus offsets: clause `i` is
/// `lits[offsets[i]..offsets[i + 1]]`. The compact form every batch path uses.
#[derive(Default)]
pub struct FlatClauses {
    pub lits: Vec<Lit>,
    pub offsets: Vec<usize>,
}

impl FlatClauses {
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    pub fn clause(&self, i: usize) -> &[Lit] {
        &self.lits[self.offsets[i]..self.offsets[i + 1]]
    }
}

/// Converts an iterable of iterables of ints (a list of clauses) to flat form.
/// Messages name the clause number and the index inside it.
pub fn clauses_from(obj: &Bound<'_, PyAny>) -> PyResult<FlatClauses> {
    let mut flat = FlatClauses { lits: Vec::new(), offsets: vec![0] };
    let mut buf = Vec::new();
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "clauses must be an iterable of iterables of int literals, got {}",
            obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()
        ))
    })?;
    for (c, clause) in iter.enumerate() {
        let clause = clause?;
        lits_into(&clause, &format!("clause {c}"), &mut buf)?;
        flat.lits.extend_from_slice(&buf);
        flat.offsets.push(flat.lits.len());
    }
    Ok(flat)
}

/// Decodes a flat literal array given either as `bytes` of native-endian
/// int32 (what `numpy.ndarray.tobytes()` gives) or as a sequence of ints.
/// Zeros are kept: the caller decides whether they separate clauses or are errors.
pub fn flat_ints(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<i32>> {
    if let Ok(b) = obj.downcast::<PyBytes>() {
        let data = b.as_bytes();
        if data.len() % 4 != 0 {
            return Err(PyValueError::new_err(format!(
                "{what} as bytes must hold native int32 values; length {} is not a multiple of 4",
                data.len()
            )));
        }
        return Ok(data
            .chunks_exact(4)
            .map(|c| i32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
            .collect());
    }
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        match item.extract::<i64>() {
            Ok(v) if v >= i32::MIN as i64 && v <= i32::MAX as i64 => out.push(v as i32),
            Ok(v) => return Err(invalid_literal(&v.to_string(), &format!("index {i} of {what}"))),
            Err(_) => {
                return Err(PyTypeError::new_err(format!(
                    "{what}: element at index {i} must be an int, got {}",
                    item.get_type().name()?
                )))
            }
        }
    }
    Ok(out)
}

/// Decodes offsets given as `bytes` of native-endian int64 or a sequence of ints.
pub fn flat_offsets(obj: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    if let Ok(b) = obj.downcast::<PyBytes>() {
        let data = b.as_bytes();
        if data.len() % 8 != 0 {
            return Err(PyValueError::new_err(format!(
                "offsets as bytes must hold native int64 values; length {} is not a multiple of 8",
                data.len()
            )));
        }
        return Ok(data
            .chunks_exact(8)
            .map(|c| i64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect());
    }
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        out.push(item?.extract::<i64>()?);
    }
    Ok(out)
}

/// Builds [`FlatClauses`] from flat ints, checking every literal.
///
/// With `offsets`: clause `i` is `ints[offsets[i]..offsets[i+1]]`; offsets must
/// start at 0, never decrease and end at `len(ints)`; a 0 literal is an error.
/// Without: clauses are terminated by 0 as in DIMACS, and the array must end
/// with 0 (or be empty).
pub fn flat_clauses(ints: &[i32], offsets: Option<&[i64]>) -> PyResult<FlatClauses> {
    let mut flat = FlatClauses { lits: Vec::with_capacity(ints.len()), offsets: vec![0] };
    match offsets {
        Some(offs) => {
            if offs.first() != Some(&0) {
                return Err(PyValueError::new_err("offsets must start with 0"));
            }
            if *offs.last().unwrap() != ints.len() as i64 {
                return Err(PyValueError::new_err(format!(
                    "the last offset must equal the number of literals ({}), got {}",
                    ints.len(),
                    offs.last().unwrap()
                )));
            }
            for (c, w) in offs.windows(2).enumerate() {
                if w[1] < w[0] {
                    return Err(PyValueError::new_err(format!(
                        "offsets must not decrease: offsets[{}] = {} > offsets[{}] = {}",
                        c,
                        w[0],
                        c + 1,
                        w[1]
                    )));
                }
                for (k, &v) in ints[w[0] as usize..w[1] as usize].iter().enumerate() {
                    let lit = lit_from_i64(v as i64).ok_or_else(|| {
                        invalid_literal(
                            &v.to_string(),
                            &format!("index {k} of clause {c} (flat index {})", w[0] as usize + k),
                        )
                    })?;
                    flat.lits.push(lit);
                }
                flat.offsets.push(flat.lits.len());
            }
        }
        None => {
            let mut start = 0usize;
            let mut clause = 0usize;
            for (i, &v) in ints.iter().enumerate() {
                if v == 0 {
                    flat.offsets.push(flat.lits.len());
                    start = i + 1;
                    clause += 1;
                    continue;
                }
                let lit = lit_from_i64(v as i64).ok_or_else(|| {
                    invalid_literal(
                        &v.to_string(),
                        &format!("index {} of clause {clause} (flat index {i})", i - start),
                    )
                })?;
                flat.lits.push(lit);
            }
            if start != ints.len() {
                return Err(PyValueError::new_err(format!(
                    "zero-terminated flat clauses must end with 0; the last clause (clause {clause}) has no terminating 0"
                )));
            }
        }
    }
    Ok(flat)
}

/// DIMACS ints of literals, for results going back to Python.
pub fn to_dimacs(lits: &[Lit]) -> Vec<i32> {
    lits.iter().map(|l| l.to_dimacs()).collect()
}
