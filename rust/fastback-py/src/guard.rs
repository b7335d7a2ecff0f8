//! The panic rule and error helpers.
//!
//! No panic may cross into Python. PyO3 would turn one into a
//! `PanicException`, which callers rarely expect and which says nothing about
//! where it came from; instead every core call that could conceivably panic runs
//! under [`catch_panic`] and comes back as `RuntimeError("internal error: ...")`.
//! The object that panicked is then marked broken by its caller, because its
//! invariants may no longer hold.

use pyo3::exceptions::{PyOSError, PyRuntimeError};
use pyo3::prelude::*;
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a long call running without the GIL takes it back to run
/// Python's signal handlers (so Ctrl-C lands within about this much time).
pub const SIGNAL_CHECK_INTERVAL: Duration = Duration::from_millis(50);

/// The exception a Python signal handler raised while a core call ran
/// without the GIL (Ctrl-C's `KeyboardInterrupt`), for the caller to raise
/// once the call has returned. Cloned into the core's stop callback.
#[derive(Clone, Default)]
pub struct PendingSignal(Arc<Mutex<Option<PyErr>>>);

impl PendingSignal {
    /// A stop callback for the core: at most once per `every` (counted from
    /// its creation) it takes the GIL and runs Python's signal handlers; once
    /// one raised, it keeps the exception and returns true (stop) from then on.
    pub fn poller(&self, every: Duration) -> impl FnMut() -> bool + Send + 'static {
        let pending = self.0.clone();
        let mut last_check = Instant::now();
        move || {
            let mut slot = pending.lock().unwrap_or_else(|p| p.into_inner());
            if slot.is_some() {
                return true;
            }
            if last_check.elapsed() < every {
                return false;
            }
            last_check = Instant::now();
            match Python::with_gil(|py| py.check_signals()) {
                Ok(()) => false,
                Err(e) => {
                    *slot = Some(e);
                    true
                }
            }
        }
    }

    /// The exception, if a handler raised one (taken: a second call gives None).
    pub fn take(&self) -> Option<PyErr> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// The text of a panic payload (`&str` or `String`; anything else is opaque).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// Runs `f`; a panic becomes `Err(message)`.
///
/// `AssertUnwindSafe` is sound here because every caller either drops the
/// state `f` touched or marks it unusable when this returns `Err`.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| panic_message(&*p))
}

/// The Python error for a caught panic.
pub fn internal_error(what: &str, message: &str) -> PyErr {
    PyRuntimeError::new_err(format!(
        "internal error in {what}: {message} (this is a bug in fastback; please report it)"
    ))
}

/// Runs `f` and maps a panic to `RuntimeError("internal error in {what}: ...")`.
pub fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> PyResult<T> {
    catch_panic(f).map_err(|m| internal_error(what, &m))
}

/// An `OSError` for an I/O failure on `path`. With an errno it reads as
/// Python's own (`[Errno 2] No such file or directory: 'x.cnf'`) and Python
/// picks the matching subclass (`FileNotFoundError`, ...); without one the
/// message says what was being done.
pub fn os_error(action: &str, path: &str, err: &std::io::Error) -> PyErr {
    match err.raw_os_error() {
        Some(errno) => {
            let text = err.to_string();
            let strerror = match text.rfind(" (os error ") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            PyOSError::new_err((errno, strerror, path.to_string()))
        }
        None => PyOSError::new_err(format!("{action} '{path}': {err}")),
    }
}
