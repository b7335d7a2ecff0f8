//! The propagator interface.
//!
//! A propagator filters domains for one constraint (or one part of one). The
//! engine runs it when one of its subscribed events happens on one of its
//! variables, and once at the root. Contract of [`Propagator::propagate`]:
//! - it only removes values (never adds), through the store's operations;
//! - it is *correct*: it never removes a value that belongs to a solution of
//!   its constraint under the current domains;
//! - it is *checking*: when all its variables are fixed it fails exactly when
//!   the constraint is violated (so a full assignment at a fixpoint is a
//!   solution, whatever the filtering strength);
//! - `Err(Conflict)` may leave domains partly filtered: the engine always
//!   backtracks after a conflict.
//!
//! State that must follow backtracking lives in the store's reversible
//! integers; anything else must be a cache that stays valid when domains grow
//! back (Régin's matching, for instance, is only a hint).

use super::store::Store;
use super::types::{Events, PropResult, VarId};

/// Which queue a propagator waits in: cheaper ones run first, so expensive
/// filtering sees domains already reduced by cheap reasoning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// O(1) or O(arity) with small constants: not-equal, offset equality, clauses.
    Unary = 0,
    /// Linear in the arity: linear sums, forward checking, element.
    Linear = 1,
    /// Super-linear: Régin's all-different, table reduction.
    Heavy = 2,
}

pub const NUM_PRIORITIES: usize = 3;

/// A filtering algorithm (see the module doc for the contract).
pub trait Propagator: Send {
    /// Short name for traces and error messages (`"linear<="`, `"alldiff-gac"`, ...).
    fn name(&self) -> &'static str;

    /// `(variable, events)` pairs that wake this propagator. The position of
    /// a pair in this list is the `pos` that [`Propagator::advise`] receives.
    fn subscriptions(&self) -> Vec<(VarId, Events)>;

    /// Filters the domains. See the module doc.
    fn propagate(&mut self, s: &mut Store) -> PropResult;

    /// Called when subscription `pos` fires with `events`; returns whether
    /// the propagator should be scheduled. A propagator that records pending
    /// work here must return true whenever it does, and drop the work in
    /// [`Propagator::cancel`].
    fn advise(&mut self, _pos: u32, _events: Events, _s: &Store) -> bool {
        true
    }

    /// The engine dropped this propagator from the queue (after a conflict
    /// elsewhere): forget pending work recorded by `advise`.
    fn cancel(&mut self) {}

    fn priority(&self) -> Priority {
        Priority::Linear
    }

    /// True if one call reaches a fixpoint of this propagator alone, so the
    /// engine need not wake it for its own changes.
    fn idempotent(&self) -> bool {
        false
    }
}
