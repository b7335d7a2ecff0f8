//! Errors of the trace searches. None of them is a panic: bad input, an
//! instance without a solution, a puzzle that cannot supply the requested
//! number of wrong guesses, an exhausted budget and an interrupt all come
//! back as a [`TraceError`] whose message says what and where.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceError {
    /// The puzzle or instance is malformed; the message says where
    /// (character position, number index, ...).
    InvalidInput(String),
    /// The search finished without a solution (the puzzle is contradictory,
    /// or the CountDown target cannot be made under the rules and options).
    NoSolution,
    /// `k` backtracks were asked for but the search can only supply
    /// `available` wrong guesses that it refutes (plus `undecided` ones whose
    /// refutation ran out of budget). Never silently replaced by a smaller k.
    NotEnoughWrongGuesses { requested: usize, available: usize, undecided: usize },
    /// A search used more than `max_nodes` nodes.
    Budget { max_nodes: u64 },
    /// The stop callback asked the search to stop (Ctrl-C from Python).
    Interrupted,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceError::InvalidInput(m) => write!(f, "{m}"),
            TraceError::NoSolution => write!(f, "the search found no solution"),
            TraceError::NotEnoughWrongGuesses { requested, available, undecided } => {
                write!(
                    f,
                    "cannot supply {requested} backtracks: the search refutes only {available} wrong guess{} on the solution path",
                    if *available == 1 { "" } else { "es" }
                )?;
                if *undecided > 0 {
                    write!(f, " ({undecided} more ran out of the node budget)")?;
                }
                Ok(())
            }
            TraceError::Budget { max_nodes } => {
                write!(f, "the search exceeded its budget of {max_nodes} nodes (option max_nodes)")
            }
            TraceError::Interrupted => write!(f, "interrupted"),
        }
    }
}

impl std::error::Error for TraceError {}

/// The stop callback type the searches poll (every [`POLL_EVERY`] nodes).
pub type StopFn<'a> = &'a mut dyn FnMut() -> bool;

/// Nodes between two polls of the stop callback.
pub const POLL_EVERY: u64 = 1024;

/// Counts search nodes against a budget and polls the stop callback.
pub(crate) struct Budget<'a> {
    pub nodes: u64,
    max_nodes: u64,
    stop: StopFn<'a>,
}

impl<'a> Budget<'a> {
    pub fn new(max_nodes: u64, stop: StopFn<'a>) -> Self {
        Budget { nodes: 0, max_nodes, stop }
    }

    /// Counts one node; `Err` once over budget or asked to stop.
    pub fn tick(&mut self) -> Result<(), TraceError> {
        self.nodes += 1;
        if self.nodes > self.max_nodes {
            return Err(TraceError::Budget { max_nodes: self.max_nodes });
        }
        if self.nodes % POLL_EVERY == 0 && (self.stop)() {
            return Err(TraceError::Interrupted);
        }
        Ok(())
    }

    /// Calls the stop callback now (for a sub-search with its own budget).
    pub fn poll_stop(&mut self) -> bool {
        (self.stop)()
    }

    /// A fresh count for a sub-search, sharing the stop callback.
    pub fn reset(&mut self) {
        self.nodes = 0;
    }
}
