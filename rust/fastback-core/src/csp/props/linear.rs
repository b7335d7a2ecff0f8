//! Linear constraints `Σ aᵢ·xᵢ  op  c` with `op` in `<=`, `==`, `!=`, and
//! their reified forms `b <-> (Σ aᵢ·xᵢ op c)`.
//!
//! `<=` is bounds consistent in one pass: with `slack = c - Σ min(aᵢ·xᵢ)`,
//! each term may rise at most `slack` above its minimum, which tightens one
//! bound per variable and leaves every minimum contribution unchanged (so
//! the pass is a fixpoint). `==` alternates the `<=` and `>=` passes until
//! neither changes anything (bounds consistency). `!=` waits until at most
//! one variable is unfixed and removes the one value it must not take.
//!
//! Reification: when `b` is fixed the propagator enforces the relation or
//! its negation (`<=` ↔ `>= c + 1`, `==` ↔ `!=`); otherwise it fixes `b`
//! once the relation is entailed or disentailed. One- and two-variable
//! equalities (`x == v`, `x == y + d`) use domains for that test, so a
//! disjunction such as `(x == 1) | (y == z)` sees holes, not only bounds.
//!
//! No overflow: the model only accepts terms with
//! `Σ |aᵢ|·max|xᵢ| + |c| <= 2^62`, which bounds every sum computed here.

use super::binary::{equal_offset_possible, filter_equal_offset};
use crate::csp::propagator::{Priority, Propagator};
use crate::csp::store::Store;
use crate::csp::types::{Conflict, Events, PropResult, VarId, EV_BOUNDS, EV_DOM, EV_FIX};

/// The relation of a normalised linear constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    Le,
    Eq,
    Ne,
}

impl Rel {
    pub fn symbol(self) -> &'static str {
        match self {
            Rel::Le => "<=",
            Rel::Eq => "==",
            Rel::Ne => "!=",
        }
    }
}

/// `(coefficient, variable)`, coefficient non-zero, each variable once.
pub type Terms = Vec<(i64, VarId)>;

#[inline]
fn term_min(s: &Store, a: i64, x: VarId) -> i64 {
    if a > 0 {
        a * s.min(x)
    } else {
        a * s.max(x)
    }
}

#[inline]
fn term_max(s: &Store, a: i64, x: VarId) -> i64 {
    if a > 0 {
        a * s.max(x)
    } else {
        a * s.min(x)
    }
}

/// The smallest and largest values of `Σ a·x` under the current bounds.
pub fn sum_bounds(s: &Store, terms: &[(i64, VarId)]) -> (i64, i64) {
    terms.iter().fold((0, 0), |(lo, hi), &(a, x)| (lo + term_min(s, a, x), hi + term_max(s, a, x)))
}

/// Bounds filtering of `Σ a·x <= c`; Ok(true) if a bound moved.
pub fn filter_le(s: &mut Store, terms: &[(i64, VarId)], c: i64) -> Result<bool, Conflict> {
    let minsum: i64 = terms.iter().map(|&(a, x)| term_min(s, a, x)).sum();
    if minsum > c {
        return Err(Conflict);
    }
    let slack = c - minsum;
    let mut changed = false;
    for &(a, x) in terms {
        if a > 0 {
            changed |= s.set_max(x, s.min(x) + slack / a)?;
        } else {
            changed |= s.set_min(x, s.max(x) - slack / -a)?;
        }
    }
    Ok(changed)
}

/// Bounds filtering of `Σ a·x >= c`; Ok(true) if a bound moved.
pub fn filter_ge(s: &mut Store, terms: &[(i64, VarId)], c: i64) -> Result<bool, Conflict> {
    let maxsum: i64 = terms.iter().map(|&(a, x)| term_max(s, a, x)).sum();
    if maxsum < c {
        return Err(Conflict);
    }
    let slack = maxsum - c;
    let mut changed = false;
    for &(a, x) in terms {
        if a > 0 {
            changed |= s.set_min(x, s.max(x) - slack / a)?;
        } else {
            changed |= s.set_max(x, s.min(x) + slack / -a)?;
        }
    }
    Ok(changed)
}

/// Bounds consistency of `Σ a·x == c`.
pub fn filter_eq(s: &mut Store, terms: &[(i64, VarId)], c: i64) -> PropResult {
    if let Some((x, y, d)) = unit_pair(terms, c) {
        return match d {
            Some(d) => filter_equal_offset(s, x, y, d),
            None => Err(Conflict),
        };
    }
    if terms.len() == 1 {
        let (a, x) = terms[0];
        return if c % a == 0 { s.assign(x, c / a).map(|_| ()) } else { Err(Conflict) };
    }
    loop {
        let a = filter_le(s, terms, c)?;
        let b = filter_ge(s, terms, c)?;
        if !a && !b {
            return Ok(());
        }
    }
}

/// Forward checking of `Σ a·x != c`.
pub fn filter_ne(s: &mut Store, terms: &[(i64, VarId)], c: i64) -> PropResult {
    let mut free = None;
    let mut fixed_sum = 0;
    for &(a, x) in terms {
        if s.is_fixed(x) {
            fixed_sum += a * s.value(x);
        } else if free.is_some() {
            return Ok(());
        } else {
            free = Some((a, x));
        }
    }
    match free {
        None if fixed_sum == c => Err(Conflict),
        None => Ok(()),
        Some((a, x)) => {
            let rest = c - fixed_sum;
            if rest % a == 0 {
                s.remove(x, rest / a)?;
            }
            Ok(())
        }
    }
}

/// For `a·x - a·y == c`: `Some((x, y, Some(d)))` meaning `x == y + d`, or
/// `Some((x, y, None))` when `a` does not divide `c` (never true).
fn unit_pair(terms: &[(i64, VarId)], c: i64) -> Option<(VarId, VarId, Option<i64>)> {
    if terms.len() != 2 || terms[0].0 != -terms[1].0 {
        return None;
    }
    let (a, x) = terms[0];
    let y = terms[1].1;
    Some((x, y, if c % a == 0 { Some(c / a) } else { None }))
}

/// Whether `Σ a·x == c` is certainly true (`Some(true)`), certainly false
/// (`Some(false)`), or undecided.
pub fn eq_entailment(s: &Store, terms: &[(i64, VarId)], c: i64) -> Option<bool> {
    if terms.len() == 1 {
        let (a, x) = terms[0];
        if c % a != 0 || !s.contains(x, c / a) {
            return Some(false);
        }
        return if s.is_fixed(x) { Some(true) } else { None };
    }
    if let Some((x, y, d)) = unit_pair(terms, c) {
        let Some(d) = d else { return Some(false) };
        if !equal_offset_possible(s, x, y, d) {
            return Some(false);
        }
        return if s.is_fixed(x) && s.is_fixed(y) { Some(true) } else { None };
    }
    let (lo, hi) = sum_bounds(s, terms);
    if c < lo || c > hi {
        Some(false)
    } else if lo == hi {
        Some(true)
    } else {
        None
    }
}

/// Whether `Σ a·x <= c` is entailed, disentailed, or undecided.
pub fn le_entailment(s: &Store, terms: &[(i64, VarId)], c: i64) -> Option<bool> {
    let (lo, hi) = sum_bounds(s, terms);
    if hi <= c {
        Some(true)
    } else if lo > c {
        Some(false)
    } else {
        None
    }
}

fn subscriptions_for(terms: &[(i64, VarId)], ev: Events) -> Vec<(VarId, Events)> {
    terms.iter().map(|&(_, x)| (x, ev)).collect()
}

/// `Σ a·x <= c` (bounds consistent, one pass).
pub struct LinearLe {
    pub terms: Terms,
    pub c: i64,
}

impl Propagator for LinearLe {
    fn name(&self) -> &'static str {
        "linear<="
    }
    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        subscriptions_for(&self.terms, EV_BOUNDS)
    }
    fn propagate(&mut self, s: &mut Store) -> PropResult {
        filter_le(s, &self.terms, self.c).map(|_| ())
    }
    fn idempotent(&self) -> bool {
        true
    }
}

/// `Σ a·x == c` (bounds consistent; domain consistent for `x == y + d`).
pub struct LinearEq {
    pub terms: Terms,
    pub c: i64,
}

impl Propagator for LinearEq {
    fn name(&self) -> &'static str {
        "linear=="
    }
    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        subscriptions_for(&self.terms, EV_BOUNDS)
    }
    fn propagate(&mut self, s: &mut Store) -> PropResult {
        filter_eq(s, &self.terms, self.c)
    }
    fn idempotent(&self) -> bool {
        true
    }
}

/// `Σ a·x != c` (forward checking).
pub struct LinearNe {
    pub terms: Terms,
    pub c: i64,
}

impl Propagator for LinearNe {
    fn name(&self) -> &'static str {
        "linear!="
    }
    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        subscriptions_for(&self.terms, EV_FIX)
    }
    fn propagate(&mut self, s: &mut Store) -> PropResult {
        filter_ne(s, &self.terms, self.c)
    }
    fn priority(&self) -> Priority {
        if self.terms.len() <= 2 {
            Priority::Unary
        } else {
            Priority::Linear
        }
    }
    fn idempotent(&self) -> bool {
        true
    }
}

/// `b <-> (Σ a·x rel c)` with `b` a 0/1 variable.
pub struct ReifLinear {
    pub b: VarId,
    pub terms: Terms,
    pub rel: Rel,
    pub c: i64,
}

impl ReifLinear {
    fn enforce(&self, s: &mut Store, rel: Rel, c: i64, negated_le: bool) -> PropResult {
        match rel {
            Rel::Le if negated_le => filter_ge(s, &self.terms, c).map(|_| ()),
            Rel::Le => filter_le(s, &self.terms, c).map(|_| ()),
            Rel::Eq => filter_eq(s, &self.terms, c),
            Rel::Ne => filter_ne(s, &self.terms, c),
        }
    }
}

impl Propagator for ReifLinear {
    fn name(&self) -> &'static str {
        match self.rel {
            Rel::Le => "reified linear<=",
            Rel::Eq => "reified linear==",
            Rel::Ne => "reified linear!=",
        }
    }

    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        let ev = if self.terms.len() <= 2 { EV_DOM } else { EV_BOUNDS | EV_FIX };
        let mut subs = subscriptions_for(&self.terms, ev);
        subs.push((self.b, EV_FIX));
        subs
    }

    fn propagate(&mut self, s: &mut Store) -> PropResult {
        if s.is_fixed(self.b) {
            let holds = s.value(self.b) == 1;
            return match (self.rel, holds) {
                (rel, true) => self.enforce(s, rel, self.c, false),
                (Rel::Le, false) => self.enforce(s, Rel::Le, self.c + 1, true),
                (Rel::Eq, false) => self.enforce(s, Rel::Ne, self.c, false),
                (Rel::Ne, false) => self.enforce(s, Rel::Eq, self.c, false),
            };
        }
        let entailed = match self.rel {
            Rel::Le => le_entailment(s, &self.terms, self.c),
            Rel::Eq => eq_entailment(s, &self.terms, self.c),
            Rel::Ne => eq_entailment(s, &self.terms, self.c).map(|e| !e),
        };
        if let Some(e) = entailed {
            s.assign(self.b, e as i64)?;
        }
        Ok(())
    }
}
