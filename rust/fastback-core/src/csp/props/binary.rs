//! Binary relations with an offset: `x != y + c` and `x == y + c`.
//!
//! These are the most common constraints of puzzle models (`x != y`,
//! `x == y`, `x == y + 1`), so they get their own propagators rather than
//! going through the general linear one: `!=` waits for one side to be
//! fixed and removes one value from the other (forward checking, which is
//! domain consistency for `!=`); `==` keeps in each domain exactly the values
//! with a support in the other (domain consistency), a shifted bitset AND.

use crate::csp::propagator::{Priority, Propagator};
use crate::csp::store::Store;
use crate::csp::types::{Events, PropResult, VarId, EV_DOM, EV_FIX};

/// `x != y + c`.
pub struct NotEqualOffset {
    pub x: VarId,
    pub y: VarId,
    pub c: i64,
}

impl Propagator for NotEqualOffset {
    fn name(&self) -> &'static str {
        "not-equal"
    }

    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        vec![(self.x, EV_FIX), (self.y, EV_FIX)]
    }

    fn propagate(&mut self, s: &mut Store) -> PropResult {
        let (x, y, c) = (self.x, self.y, self.c);
        if s.is_fixed(x) {
            s.remove(y, s.value(x) - c)?;
        }
        if s.is_fixed(y) {
            s.remove(x, s.value(y) + c)?;
            if s.is_fixed(x) {
                s.remove(y, s.value(x) - c)?;
            }
        }
        Ok(())
    }

    fn priority(&self) -> Priority {
        Priority::Unary
    }

    fn idempotent(&self) -> bool {
        true
    }
}

/// `x == y + c`, domain consistent.
pub struct EqualOffset {
    pub x: VarId,
    pub y: VarId,
    pub c: i64,
}

/// Filters `x == y + c` to domain consistency (see the module doc).
pub fn filter_equal_offset(s: &mut Store, x: VarId, y: VarId, c: i64) -> PropResult {
    s.retain_shifted(x, y, -c)?;
    s.retain_shifted(y, x, c)?;
    Ok(())
}

/// Whether `x == y + c` can still hold (some value of `x` has its support).
pub fn equal_offset_possible(s: &Store, x: VarId, y: VarId, c: i64) -> bool {
    if s.size(x) <= s.size(y) {
        s.values(x).any(|v| s.contains(y, v - c))
    } else {
        s.values(y).any(|w| s.contains(x, w + c))
    }
}

impl Propagator for EqualOffset {
    fn name(&self) -> &'static str {
        "equal"
    }

    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        vec![(self.x, EV_DOM), (self.y, EV_DOM)]
    }

    fn propagate(&mut self, s: &mut Store) -> PropResult {
        filter_equal_offset(s, self.x, self.y, self.c)
    }

    fn priority(&self) -> Priority {
        Priority::Unary
    }

    fn idempotent(&self) -> bool {
        // After x ⊆ y + c and y ⊆ x - c, every value of the new x still has
        // its support in the new y (that support was only removed if it had
        // none in x): one pass is a fixpoint.
        true
    }
}
