//! Table constraints (allowed tuples) by simple tabular reduction, STR2
//! style (Ullmann 2007; Lecoutre 2011): domain consistency.
//!
//! The live tuples are the first `size` entries of a permutation of tuple
//! indices; `size` is a reversible integer. A call walks the live tuples,
//! swaps every tuple that uses a removed value past the end (shrinking
//! `size`), and marks the values the remaining tuples use; values left
//! unmarked have no support and are removed. The STR2 refinement kept here:
//! a variable whose every value already has a support is no longer looked
//! at for the rest of the walk.
//!
//! Backtracking restores `size`; the tuples in `[0, size)` are then exactly
//! those live at that level, because removal only ever swaps a tuple with
//! the last live one, so the set below any older `size` never changes.
//! Tuples are stored as raw indices of each variable's bitset, so a support
//! check is one bit test. Cost per call: O(live tuples × arity) plus the
//! domains. Memory: arity × tuples `u32`s, plus one marker per raw value.

use crate::csp::propagator::{Priority, Propagator};
use crate::csp::store::{RevId, Store};
use crate::csp::types::{Conflict, Events, PropResult, VarId, EV_DOM};

/// A table constraint (see the module doc).
pub struct Table {
    vars: Vec<VarId>,
    rows: Vec<u32>,
    live: Vec<u32>,
    size: RevId,
    marks: Vec<Vec<u32>>,
    remaining: Vec<u32>,
    unsupported: Vec<u32>,
    generation: u32,
}

impl Table {
    /// `tuples` is flat, `vars.len()` values per tuple. Tuples using a value
    /// outside a variable's current domain are dropped here. Precondition:
    /// `vars` is non-empty.
    pub fn new(vars: Vec<VarId>, tuples: &[i64], s: &mut Store) -> Table {
        let arity = vars.len();
        let mut rows = Vec::with_capacity(tuples.len());
        for t in tuples.chunks_exact(arity) {
            if t.iter().zip(&vars).all(|(&v, &x)| s.contains(x, v)) {
                rows.extend(t.iter().zip(&vars).map(|(&v, &x)| (v - s.offset(x)) as u32));
            }
        }
        let n = rows.len() / arity;
        let marks = vars.iter().map(|&x| vec![0u32; s.width(x) as usize]).collect();
        let size = s.new_rev(n as i64);
        Table {
            vars,
            rows,
            live: (0..n as u32).collect(),
            size,
            marks,
            remaining: Vec::new(),
            unsupported: Vec::new(),
            generation: 0,
        }
    }

    fn next_generation(&mut self) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.marks.iter_mut().for_each(|m| m.iter_mut().for_each(|g| *g = 0));
            self.generation = 1;
        }
        self.generation
    }
}

impl Propagator for Table {
    fn name(&self) -> &'static str {
        "table"
    }

    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        self.vars.iter().map(|&x| (x, EV_DOM)).collect()
    }

    fn propagate(&mut self, s: &mut Store) -> PropResult {
        let arity = self.vars.len();
        let gen = self.next_generation();
        self.remaining.clear();
        self.remaining.extend(self.vars.iter().map(|&x| s.size(x)));
        self.unsupported.clear();
        self.unsupported.extend(0..arity as u32);
        let mut size = s.rev(self.size) as usize;
        let mut k = 0;
        while k < size {
            let t = self.live[k] as usize;
            let row = &self.rows[t * arity..(t + 1) * arity];
            if !row.iter().zip(&self.vars).all(|(&r, &x)| s.contains_raw(x, r)) {
                size -= 1;
                self.live.swap(k, size);
                continue;
            }
            let mut j = 0;
            while j < self.unsupported.len() {
                let i = self.unsupported[j] as usize;
                let r = row[i] as usize;
                if self.marks[i][r] != gen {
                    self.marks[i][r] = gen;
                    self.remaining[i] -= 1;
                    if self.remaining[i] == 0 {
                        self.unsupported.swap_remove(j);
                        continue;
                    }
                }
                j += 1;
            }
            k += 1;
        }
        if size == 0 {
            return Err(Conflict);
        }
        s.set_rev(self.size, size as i64);
        for &i in &self.unsupported {
            let marks = &self.marks[i as usize];
            s.retain_raw(self.vars[i as usize], |r| marks[r as usize] == gen)?;
        }
        Ok(())
    }

    fn priority(&self) -> Priority {
        Priority::Heavy
    }

    fn idempotent(&self) -> bool {
        // Every live tuple is valid after the call and every value left has
        // a live tuple: a second call removes nothing.
        true
    }
}
