//! The propagation queue: FIFO per priority, each propagator at most once.
//!
//! Invariant: `queued[p]` is true exactly when `p` is in one of the FIFOs.

use super::propagator::{Priority, NUM_PRIORITIES};
use super::types::PropId;
use std::collections::VecDeque;

#[derive(Clone, Debug, Default)]
pub struct PropQueue {
    fifos: [VecDeque<PropId>; NUM_PRIORITIES],
    queued: Vec<bool>,
}

impl PropQueue {
    pub fn new(num_props: usize) -> PropQueue {
        PropQueue { fifos: Default::default(), queued: vec![false; num_props] }
    }

    /// Makes room for propagators `0..n`.
    pub fn resize(&mut self, n: usize) {
        self.queued.resize(n, false);
    }

    /// Adds `p` unless it is already waiting.
    #[inline]
    pub fn push(&mut self, p: PropId, prio: Priority) {
        if !self.queued[p.index()] {
            self.queued[p.index()] = true;
            self.fifos[prio as usize].push_back(p);
        }
    }

    /// The next propagator: the oldest of the cheapest non-empty priority.
    #[inline]
    pub fn pop(&mut self) -> Option<PropId> {
        for f in self.fifos.iter_mut() {
            if let Some(p) = f.pop_front() {
                self.queued[p.index()] = false;
                return Some(p);
            }
        }
        None
    }

    /// Empties the queue, calling `dropped` on each waiting propagator.
    pub fn clear(&mut self, mut dropped: impl FnMut(PropId)) {
        for f in self.fifos.iter_mut() {
            for p in f.drain(..) {
                self.queued[p.index()] = false;
                dropped(p);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fifos.iter().all(|f| f.is_empty())
    }
}
