//! Bindings of `fastback_core::matcher`: the `Matcher` base class (the
//! Python subclass in `fastback.slop` adds `from_file` and pickling), its
//! `MatchStream` and `StreamSnapshot`.
//!
//! Texts cross as UTF-8 (`PyBackedStr`); scans and the automaton build run
//! with the GIL released; `find_all_many` runs on the core's threads and
//! watches Ctrl-C. Matches come back as `(start, end, pattern_index)` tuples
//! of Python string offsets. Errors name the pattern index.

use std::sync::Arc;

use fastback_core::matcher::{Match, MatchKind, Matcher, MatcherError, Options, Snapshot, Stream};
use pyo3::exceptions::{PyKeyboardInterrupt, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyList, PyString};

use crate::guard::{catch_panic, internal_error, PendingSignal, SIGNAL_CHECK_INTERVAL};

/// The matches as a list of tuples, built straight from the core's vector.
fn match_list<'py>(py: Python<'py>, found: &[Match]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, found.iter().map(|m| (m.start, m.end, m.pattern)))
}

/// One entry of `patterns`: a str, or a (str, weight) pair.
fn pattern_entry(item: &Bound<'_, PyAny>, index: usize) -> PyResult<(String, f64)> {
    if let Ok(s) = item.downcast::<PyString>() {
        return Ok((s.to_cow()?.into_owned(), 1.0));
    }
    let pair = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>().ok();
    if let Some((phrase, weight)) = pair {
        let phrase = phrase.downcast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!("pattern {index}: the phrase must be a str, got {}", type_name(&phrase)))
        })?;
        let weight = weight.extract::<f64>().map_err(|_| {
            PyTypeError::new_err(format!("pattern {index}: the weight must be a number, got {}", type_name(&weight)))
        })?;
        return Ok((phrase.to_cow()?.into_owned(), weight));
    }
    Err(PyTypeError::new_err(format!(
        "pattern {index}: expected a str or a (str, weight) pair, got {}",
        type_name(item)
    )))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

fn matcher_error(e: MatcherError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// A compiled phrase set (see `fastback.slop.Matcher` for the documentation).
#[pyclass(subclass, frozen, module = "fastback._core", name = "Matcher")]
pub struct PyMatcher {
    inner: Arc<Matcher>,
}

#[pymethods]
impl PyMatcher {
    #[new]
    #[pyo3(signature = (patterns, *, case_insensitive = false, whole_words = false, match_kind = "leftmost-longest"))]
    fn new(
        py: Python<'_>,
        patterns: &Bound<'_, PyAny>,
        case_insensitive: bool,
        whole_words: bool,
        match_kind: &str,
    ) -> PyResult<Self> {
        if patterns.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("patterns must be an iterable of phrases, not a single str"));
        }
        let kind = MatchKind::from_name(match_kind).ok_or_else(|| {
            let names: Vec<&str> = MatchKind::ALL.iter().map(|k| k.name()).collect();
            PyValueError::new_err(format!("match_kind must be one of {}, got {match_kind:?}", names.join(", ")))
        })?;
        let mut phrases = Vec::new();
        let mut weights = Vec::new();
        for (index, item) in patterns.try_iter()?.enumerate() {
            let (phrase, weight) = pattern_entry(&item?, index)?;
            phrases.push(phrase);
            weights.push(weight);
        }
        let options = Options {
            case_insensitive: case_insensitive as i64,
            whole_words: whole_words as i64,
            match_kind: MatchKind::ALL.iter().position(|&k| k == kind).unwrap_or(2) as i64,
        };
        let built = py.allow_threads(|| catch_panic(|| Matcher::new(phrases, weights, &options)));
        match built {
            Ok(Ok(m)) => Ok(PyMatcher { inner: Arc::new(m) }),
            Ok(Err(e)) => Err(matcher_error(e)),
            Err(msg) => Err(internal_error("matcher build", &msg)),
        }
    }

    /// The phrases as given (not folded).
    #[getter]
    fn patterns(&self) -> Vec<String> {
        self.inner.patterns().to_vec()
    }

    #[getter]
    fn weights(&self) -> Vec<f64> {
        self.inner.weights().to_vec()
    }

    #[getter]
    fn case_insensitive(&self) -> bool {
        self.inner.case_insensitive()
    }

    #[getter]
    fn whole_words(&self) -> bool {
        self.inner.whole_words()
    }

    #[getter]
    fn match_kind(&self) -> &'static str {
        self.inner.kind().name()
    }

    /// The longest phrase in code points (0 without phrases).
    #[getter]
    fn max_pattern_len(&self) -> usize {
        self.inner.max_pattern_chars()
    }

    /// `{"states", "classes", "bytes"}`: the automaton's size.
    fn stats(&self) -> std::collections::HashMap<&'static str, usize> {
        let (states, classes) = self.inner.automaton().shape();
        [("states", states), ("classes", classes), ("bytes", self.inner.automaton().heap_bytes())].into_iter().collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn find_all<'py>(&self, py: Python<'py>, text: PyBackedStr) -> PyResult<Bound<'py, PyList>> {
        let m = &self.inner;
        let found = py.allow_threads(|| catch_panic(|| m.find_all(&text)));
        match_list(py, &found.map_err(|msg| internal_error("find_all", &msg))?)
    }

    fn is_match(&self, py: Python<'_>, text: PyBackedStr) -> PyResult<bool> {
        let m = &self.inner;
        py.allow_threads(|| catch_panic(|| m.is_match(&text))).map_err(|msg| internal_error("is_match", &msg))
    }

    #[pyo3(signature = (texts, threads = None))]
    fn find_all_many<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<Vec<Bound<'py, PyList>>> {
        if texts.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("texts must be an iterable of str, not a single str"));
        }
        let mut owned: Vec<PyBackedStr> = Vec::new();
        for (index, item) in texts.try_iter()?.enumerate() {
            let item = item?;
            let text = item.extract::<PyBackedStr>().map_err(|_| {
                PyTypeError::new_err(format!("texts[{index}]: expected a str, got {}", type_name(&item)))
            })?;
            owned.push(text);
        }
        let refs: Vec<&str> = owned.iter().map(|t| &**t).collect();
        let pending = PendingSignal::default();
        let mut interrupt = pending.poller(SIGNAL_CHECK_INTERVAL);
        let m = &self.inner;
        let outcome = py.allow_threads(|| catch_panic(|| m.find_all_many(&refs, threads.unwrap_or(0), &mut interrupt)));
        match outcome {
            Ok(Ok(all)) => all.iter().map(|found| match_list(py, found)).collect(),
            Ok(Err(_)) => Err(pending.take().unwrap_or_else(|| PyKeyboardInterrupt::new_err("find_all_many interrupted"))),
            Err(msg) => Err(internal_error("find_all_many", &msg)),
        }
    }

    /// A new, empty streaming matcher over this phrase set.
    fn stream(&self) -> PyMatchStream {
        PyMatchStream { inner: Stream::new(Arc::clone(&self.inner)) }
    }

    fn __repr__(&self) -> String {
        format!(
            "Matcher(<{} patterns>, case_insensitive={}, whole_words={}, match_kind={:?})",
            self.inner.len(),
            if self.inner.case_insensitive() { "True" } else { "False" },
            if self.inner.whole_words() { "True" } else { "False" },
            self.inner.kind().name()
        )
    }
}

/// Incremental matching over a `Matcher` (see `fastback.slop.MatchStream`).
#[pyclass(module = "fastback._core", name = "MatchStream")]
pub struct PyMatchStream {
    inner: Stream,
}

fn stream_error(e: fastback_core::matcher::StreamError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

#[pymethods]
impl PyMatchStream {
    /// Appends `text`; returns the matches that became final.
    fn feed<'py>(&mut self, py: Python<'py>, text: PyBackedStr) -> PyResult<Bound<'py, PyList>> {
        let mut out = Vec::new();
        self.inner.feed(&text, &mut out).map_err(stream_error)?;
        match_list(py, &out)
    }

    /// Ends the input; returns the matches that were waiting for it.
    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let mut out = Vec::new();
        self.inner.finish(&mut out);
        match_list(py, &out)
    }

    #[getter]
    fn position(&self) -> usize {
        self.inner.position()
    }

    #[getter]
    fn safe_end(&self) -> usize {
        self.inner.safe_end()
    }

    #[getter]
    fn finished(&self) -> bool {
        self.inner.is_finished()
    }

    #[getter]
    fn text(&self) -> &str {
        self.inner.text()
    }

    fn snapshot(&self) -> PyStreamSnapshot {
        PyStreamSnapshot { inner: self.inner.snapshot() }
    }

    fn rollback(&mut self, snapshot: &PyStreamSnapshot) -> PyResult<()> {
        self.inner.rollback(&snapshot.inner).map_err(stream_error)
    }

    fn reset(&mut self) {
        self.inner.reset()
    }

    fn __repr__(&self) -> String {
        format!("<MatchStream position={} safe_end={}>", self.inner.position(), self.inner.safe_end())
    }
}

/// A point of a `MatchStream` to roll back to.
#[pyclass(frozen, module = "fastback._core", name = "StreamSnapshot")]
pub struct PyStreamSnapshot {
    inner: Snapshot,
}

#[pymethods]
impl PyStreamSnapshot {
    #[getter]
    fn position(&self) -> usize {
        self.inner.position()
    }

    fn __repr__(&self) -> String {
        format!("<StreamSnapshot position={}>", self.inner.position())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMatcher>()?;
    m.add_class::<PyMatchStream>()?;
    m.add_class::<PyStreamSnapshot>()?;
    Ok(())
}
