//! Element: `array[index] == value`, indices from 0.
//!
//! [`ElementConst`] (an array of ints) keeps the indices whose entry is a
//! value of `value`, and the values that some remaining index gives: domain
//! consistency in one pass. [`ElementVar`] (an array of variables) keeps the
//! indices `i` whose `array[i]` shares a value with `value`, the values some
//! remaining `array[i]` can take, and once the index is fixed to `i` makes
//! `array[i]` and `value` equal (domain consistency on `index` and `value`;
//! on the array's variables too, since those not selected are free).
//! Indices outside `0..len` are removed in both.

use crate::csp::propagator::{Priority, Propagator};
use crate::csp::store::Store;
use crate::csp::types::{Events, PropResult, VarId, EV_DOM};

/// `array[index] == value` with constant entries.
pub struct ElementConst {
    pub array: Vec<i64>,
    pub index: VarId,
    pub value: VarId,
    scratch: Vec<i64>,
}

impl ElementConst {
    pub fn new(array: Vec<i64>, index: VarId, value: VarId) -> ElementConst {
        ElementConst { array, index, value, scratch: Vec::new() }
    }
}

impl Propagator for ElementConst {
    fn name(&self) -> &'static str {
        "element"
    }

    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        vec![(self.index, EV_DOM), (self.value, EV_DOM)]
    }

    fn propagate(&mut self, s: &mut Store) -> PropResult {
        let (idx, val, n) = (self.index, self.value, self.array.len() as i64);
        s.set_min(idx, 0)?;
        s.set_max(idx, n - 1)?;
        let bad: Vec<i64> = s.values(idx).filter(|&i| !s.contains(val, self.array[i as usize])).collect();
        for i in bad {
            s.remove(idx, i)?;
        }
        self.scratch.clear();
        self.scratch.extend(s.values(idx).map(|i| self.array[i as usize]));
        self.scratch.sort_unstable();
        self.scratch.dedup();
        let supported = &self.scratch;
        s.retain(val, |v| supported.binary_search(&v).is_ok())?;
        Ok(())
    }

    /// One pass reaches a fixpoint (every index left has its entry among the
    /// values left, and every value left an index), except when the index is
    /// the value (`array[x] == x`): narrowing the values then narrows the
    /// indices again, so the propagator must run on its own events.
    fn idempotent(&self) -> bool {
        self.index != self.value
    }
}

/// `array[index] == value` with variable entries.
pub struct ElementVar {
    pub array: Vec<VarId>,
    pub index: VarId,
    pub value: VarId,
}

impl Propagator for ElementVar {
    fn name(&self) -> &'static str {
        "element"
    }

    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        let mut subs = vec![(self.index, EV_DOM), (self.value, EV_DOM)];
        subs.extend(self.array.iter().map(|&x| (x, EV_DOM)));
        subs
    }

    fn propagate(&mut self, s: &mut Store) -> PropResult {
        let (idx, val, n) = (self.index, self.value, self.array.len() as i64);
        s.set_min(idx, 0)?;
        s.set_max(idx, n - 1)?;
        let bad: Vec<i64> = s
            .values(idx)
            .filter(|&i| {
                let x = self.array[i as usize];
                x != val && !s.intersects(x, val)
            })
            .collect();
        for i in bad {
            s.remove(idx, i)?;
        }
        if s.is_fixed(idx) {
            let x = self.array[s.value(idx) as usize];
            if x != val {
                s.retain_shifted(val, x, 0)?;
                s.retain_shifted(x, val, 0)?;
            }
            return Ok(());
        }
        let candidates: Vec<VarId> = s.values(idx).map(|i| self.array[i as usize]).collect();
        if !candidates.contains(&val) {
            let unsupported: Vec<i64> =
                s.values(val).filter(|&v| !candidates.iter().any(|&x| s.contains(x, v))).collect();
            for v in unsupported {
                s.remove(val, v)?;
            }
        }
        Ok(())
    }

    fn priority(&self) -> Priority {
        Priority::Linear
    }
}
