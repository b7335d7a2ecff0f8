//! The search trace recorder.
//!
//! Off by default. When on, the search and the engine append one event per
//! decision, refutation, domain reduction (with the values removed and the
//! constraint that removed them), conflict, backtrack, solution and restart,
//! in the order they happen, so a reasoning trace can be rendered from the
//! engine's own search. When off, the engine holds `None` and every event
//! site is one branch on it; domains are not copied.
//!
//! Levels: a positive decision opens level `L` and is recorded as
//! `Assign { level: L }`. After a failure below it, the search backtracks to
//! `L - 1` and applies the opposite condition there: `Refute { level: L - 1 }`.
//!
//! The recorder keeps at most `limit` events; past that it sets `truncated`
//! and drops the rest (a long search would otherwise exhaust memory).

use super::types::{Cause, Lit, VarId};

/// One step of the search (see the module doc).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceEvent {
    /// A decision `lit` (`x == v`, or `x <= v` when splitting) opening `level`.
    Assign { level: u32, lit: Lit },
    /// The negation of a refuted decision (`x != v` or `x > v`), applied at `level`.
    Refute { level: u32, lit: Lit },
    /// `cause` removed `removed` from `var`'s domain; `fixed` is its value
    /// if only one is left.
    Prune { level: u32, cause: Cause, var: VarId, removed: Vec<i64>, fixed: Option<i64> },
    /// A domain wiped out or a constraint is violated; `cause` is who found it.
    Conflict { level: u32, cause: Cause },
    /// Undoing every level above `to`.
    Backtrack { from: u32, to: u32 },
    /// Every variable is fixed and no constraint is violated.
    Solution { level: u32 },
    /// A restart back to the root, after recording `nogoods` nogoods.
    Restart { nogoods: u32 },
}

/// The recorded events (see the module doc).
#[derive(Clone, Debug, Default)]
pub struct Trace {
    pub events: Vec<TraceEvent>,
    pub limit: usize,
    /// True when events were dropped because `limit` was reached.
    pub truncated: bool,
}

impl Trace {
    pub fn new(limit: usize) -> Trace {
        Trace { events: Vec::new(), limit, truncated: false }
    }

    #[inline]
    pub fn push(&mut self, e: TraceEvent) {
        if self.events.len() < self.limit {
            self.events.push(e);
        } else {
            self.truncated = true;
        }
    }

    /// Whether more events can be kept (so callers can skip building them).
    #[inline]
    pub fn has_room(&self) -> bool {
        self.events.len() < self.limit
    }
}
