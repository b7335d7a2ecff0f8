//! Search traces for training language models to search: the solver's own
//! depth-first search, recorded event by event and rendered as text.
//!
//! Why: "To Backtrack or Not to Backtrack" (Qin et al., 2025) trains models
//! on linearised DFS traces of Sudoku and CountDown; "How Much Backtracking
//! is Enough?" (Cai et al., 2025) trains them on natural-language traces
//! with a controlled number of backtracks. Both need traces that are true to
//! a real search and cheap to make in bulk; here the search runs in Rust,
//! records what it does, and the text is rendered from that record (never
//! written separately), so every line corresponds to a step the search took.
//! `fastback.traces` (Python) verifies each trace by replaying its text with
//! an independent parser.
//!
//! Two kinds of trace, for both puzzles:
//! - the *full* search (`backtracks = None`): everything the DFS did up to
//!   its first solution; the number of backtracks is what it is;
//! - a *guided* trace with exactly k backtracks: the DFS's solution path
//!   with k wrong guesses that the search refutes, each explored until a
//!   contradiction and undone (`sudoku::guided`, `countdown::search`); if the
//!   puzzle cannot supply k, [`TraceError::NotEnoughWrongGuesses`].
//!
//! Two formats: `dfs` (the Qin et al. DFS lines; for CountDown, Stream of
//! Search's released format, which their CountDown setting follows) and
//! `nl` (the Cai et al. sentences).
//! The renderers' module docs give each format and its source.
//!
//! Layout: [`options`] (every option, declared once), [`error`], [`rng`],
//! [`sudoku`], [`countdown`].

pub mod countdown;
pub mod error;
pub mod options;
pub mod rng;
pub mod sudoku;

pub use error::TraceError;
pub use options::{OptionValue, TraceOptions};

use error::StopFn;

/// A trace format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Linearised DFS ("To Backtrack or Not to Backtrack").
    Dfs,
    /// Natural language ("How Much Backtracking is Enough?").
    Nl,
}

impl Format {
    pub fn parse(name: &str) -> Result<Format, TraceError> {
        match name {
            "dfs" => Ok(Format::Dfs),
            "nl" => Ok(Format::Nl),
            _ => Err(TraceError::InvalidInput(format!("unknown trace format '{name}' (formats: dfs, nl)"))),
        }
    }
}

/// A rendered trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    pub text: String,
    /// Sudoku: the solved grid as one line; CountDown: the answer expression.
    pub solution: String,
    /// CountDown: the solution's steps (`8+2=10`); empty for Sudoku.
    pub steps: Vec<String>,
    pub backtracks: usize,
    /// Sudoku: guesses in the trace; CountDown: explored operations.
    pub guesses: usize,
    /// Search effort behind the trace (Sudoku guesses, CountDown expansions).
    pub nodes: u64,
}

/// A Sudoku trace: the full search (`backtracks = None`) or exactly k
/// backtracks. Errors: see [`sudoku::full_search`] and [`sudoku::guided_search`].
pub fn sudoku_trace(
    puzzle: &sudoku::Grid,
    format: Format,
    backtracks: Option<usize>,
    opts: &TraceOptions,
    stop: StopFn<'_>,
) -> Result<Rendered, TraceError> {
    let trace = match backtracks {
        None => sudoku::full_search(puzzle, opts, stop)?,
        Some(k) => sudoku::guided_search(puzzle, opts, k, stop)?,
    };
    let text = match format {
        Format::Dfs => sudoku::render::render_dfs(&trace),
        Format::Nl => sudoku::render::render_nl(puzzle, &trace),
    };
    Ok(Rendered {
        text,
        solution: trace.solution.to_line(),
        steps: Vec::new(),
        backtracks: trace.backtracks,
        guesses: trace.guesses,
        nodes: trace.nodes,
    })
}

/// A CountDown trace: the full search (`backtracks = None`) or exactly k
/// backtracks. Errors: see [`countdown::full_search`] and
/// [`countdown::guided_search`].
pub fn countdown_trace(
    inst: &countdown::Instance,
    format: Format,
    backtracks: Option<usize>,
    opts: &TraceOptions,
    stop: StopFn<'_>,
) -> Result<Rendered, TraceError> {
    let trace = match backtracks {
        None => countdown::full_search(inst, opts, stop)?,
        Some(k) => countdown::guided_search(inst, opts, k, stop)?,
    };
    let text = match format {
        Format::Dfs => countdown::render::render_dfs(&trace),
        Format::Nl => countdown::render::render_nl(&trace),
    };
    let guesses = trace.events.iter().filter(|e| matches!(e, countdown::CountdownEvent::Explore(_))).count();
    Ok(Rendered {
        text,
        solution: countdown::render::solution_expression(&trace),
        steps: trace.solution.iter().map(|s| s.compact()).collect(),
        backtracks: trace.backtracks,
        guesses,
        nodes: trace.expansions,
    })
}
