//! The domain store: one bitset domain per integer variable, reversible
//! integers for propagator state, and the record of which variables changed.
//!
//! Representation. A variable declared over `[lo, hi]` (or an explicit set
//! of values with that hull) stores `offset = lo` and a bitset of
//! `hi - lo + 1` bits; value `v` is bit `v - offset` (its *raw* index). So
//! any integer range works, negative included, as long as its width is at
//! most [`MAX_DOMAIN_WIDTH`] and every value lies within
//! ±[`MAX_ABS_VALUE`] (the model checks both).
//!
//! Invariants, held between any two calls:
//! - every domain is non-empty: an operation that would empty one returns
//!   `Err(Conflict)` and changes nothing;
//! - `min` and `max` are the smallest and largest set bits, `size` is the
//!   number of set bits, and no bit outside `[min, max]` is set;
//! - every change at a level above the root was saved on the trail first
//!   (see `trail.rs`), so [`Store::backtrack_to`] restores the
//!   domains exactly as they were when that level was opened;
//! - every changed variable is in `modified` with the union of its events,
//!   until the engine takes it.
//!
//! Tracing. When a trace is recorded, the engine brackets each propagation
//! step with [`Store::begin_step`] / [`Store::end_step`], and the store keeps
//! a copy of each domain as it was before the step's first change to it.
//! When no trace is recorded this costs one well-predicted branch per change.

use super::trail::{Entry, Trail};
use super::types::{Conflict, Events, VarId, EV_BOUNDS, EV_DOM, EV_FIX};

/// The widest domain a variable may have (`hi - lo + 1`): 2^24 values, a
/// 2 MiB bitset.
pub const MAX_DOMAIN_WIDTH: i64 = 1 << 24;

/// Every value must lie in `[-MAX_ABS_VALUE, MAX_ABS_VALUE]` (2^60), which
/// leaves room for sums and differences without overflow.
pub const MAX_ABS_VALUE: i64 = 1 << 60;

#[derive(Clone, Copy, Debug)]
struct Dom {
    offset: i64,
    base: u32,
    nwords: u32,
    min: u32,
    max: u32,
    size: u32,
}

/// A reversible integer owned by a propagator (restored on backtrack).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevId(u32);

#[derive(Clone, Debug, Default)]
struct Snapshot {
    step: u32,
    seen: Vec<u32>,
    saved: Vec<(VarId, Vec<i64>)>,
}

/// The domains, the trail and the change record (see the module doc).
#[derive(Clone, Debug)]
pub struct Store {
    doms: Vec<Dom>,
    words: Vec<u64>,
    trail: Trail,
    revs: Vec<i64>,
    events: Vec<Events>,
    modified: Vec<VarId>,
    tracing: bool,
    snapshot: Snapshot,
    scratch: Vec<u64>,
    scratch_other: Vec<u64>,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

/// Iterator over the values of a domain, ascending.
pub struct DomIter<'a> {
    words: &'a [u64],
    offset: i64,
    wi: usize,
    cur: u64,
}

impl Iterator for DomIter<'_> {
    type Item = i64;
    #[inline]
    fn next(&mut self) -> Option<i64> {
        while self.cur == 0 {
            self.wi += 1;
            if self.wi >= self.words.len() {
                return None;
            }
            self.cur = self.words[self.wi];
        }
        let tz = self.cur.trailing_zeros() as usize;
        self.cur &= self.cur - 1;
        Some(self.offset + (self.wi * 64 + tz) as i64)
    }
}

#[inline]
fn mask_from(bit: u32) -> u64 {
    // bits bit..=63
    u64::MAX << bit
}

#[inline]
fn mask_upto(bit: u32) -> u64 {
    // bits 0..=bit
    if bit == 63 {
        u64::MAX
    } else {
        (1u64 << (bit + 1)) - 1
    }
}

impl Store {
    pub fn new() -> Store {
        Store {
            doms: Vec::new(),
            words: Vec::new(),
            trail: Trail::new(),
            revs: Vec::new(),
            events: Vec::new(),
            modified: Vec::new(),
            tracing: false,
            snapshot: Snapshot::default(),
            scratch: Vec::new(),
            scratch_other: Vec::new(),
        }
    }

    // ----- construction -------------------------------------------------

    /// A variable over `lo..=hi`. Precondition: `lo <= hi`, the width and the
    /// values within the limits of the module doc (the model checks them).
    pub fn new_var(&mut self, lo: i64, hi: i64) -> VarId {
        assert!(lo <= hi && hi - lo < MAX_DOMAIN_WIDTH, "domain [{lo}, {hi}] out of limits");
        let width = (hi - lo + 1) as u32;
        let nwords = width.div_ceil(64);
        let base = self.words.len() as u32;
        for w in 0..nwords {
            let bits_here = (width - w * 64).min(64);
            self.words.push(if bits_here == 64 { u64::MAX } else { (1u64 << bits_here) - 1 });
        }
        self.push_dom(Dom { offset: lo, base, nwords, min: 0, max: width - 1, size: width })
    }

    /// A variable over exactly `values`. Precondition: sorted, distinct,
    /// non-empty, hull within the limits.
    pub fn new_var_values(&mut self, values: &[i64]) -> VarId {
        let (lo, hi) = (values[0], values[values.len() - 1]);
        assert!(lo <= hi && hi - lo < MAX_DOMAIN_WIDTH, "domain hull [{lo}, {hi}] out of limits");
        let width = (hi - lo + 1) as u32;
        let nwords = width.div_ceil(64);
        let base = self.words.len() as u32;
        self.words.resize(self.words.len() + nwords as usize, 0);
        for &v in values {
            let r = (v - lo) as u32;
            self.words[(base + r / 64) as usize] |= 1u64 << (r % 64);
        }
        self.push_dom(Dom { offset: lo, base, nwords, min: 0, max: width - 1, size: values.len() as u32 })
    }

    fn push_dom(&mut self, d: Dom) -> VarId {
        let id = VarId(self.doms.len() as u32);
        self.doms.push(d);
        self.events.push(0);
        self.trail.dom_stamp.push(0);
        self.trail.word_stamp.resize(self.words.len(), 0);
        self.snapshot.seen.push(0);
        id
    }

    /// A reversible integer with initial value `init`.
    pub fn new_rev(&mut self, init: i64) -> RevId {
        self.revs.push(init);
        self.trail.rev_stamp.push(0);
        RevId(self.revs.len() as u32 - 1)
    }

    pub fn num_vars(&self) -> usize {
        self.doms.len()
    }

    // ----- reading ------------------------------------------------------

    #[inline]
    pub fn min(&self, x: VarId) -> i64 {
        let d = &self.doms[x.index()];
        d.offset + d.min as i64
    }

    #[inline]
    pub fn max(&self, x: VarId) -> i64 {
        let d = &self.doms[x.index()];
        d.offset + d.max as i64
    }

    #[inline]
    pub fn size(&self, x: VarId) -> u32 {
        self.doms[x.index()].size
    }

    #[inline]
    pub fn is_fixed(&self, x: VarId) -> bool {
        self.doms[x.index()].size == 1
    }

    /// The value of a fixed variable (its minimum otherwise).
    #[inline]
    pub fn value(&self, x: VarId) -> i64 {
        self.min(x)
    }

    /// The offset of raw index 0 (the lowest declared value).
    #[inline]
    pub fn offset(&self, x: VarId) -> i64 {
        self.doms[x.index()].offset
    }

    /// The declared width (number of raw indices) of `x`'s bitset.
    #[inline]
    pub fn width(&self, x: VarId) -> u32 {
        self.doms[x.index()].nwords * 64
    }

    #[inline]
    pub fn contains(&self, x: VarId, v: i64) -> bool {
        let d = &self.doms[x.index()];
        let r = v.wrapping_sub(d.offset);
        if r < d.min as i64 || r > d.max as i64 {
            return false;
        }
        let r = r as u32;
        self.words[(d.base + r / 64) as usize] >> (r % 64) & 1 == 1
    }

    /// Membership by raw index (any `u32`; out of range is simply absent).
    #[inline]
    pub fn contains_raw(&self, x: VarId, r: u32) -> bool {
        let d = &self.doms[x.index()];
        if r < d.min || r > d.max {
            return false;
        }
        self.words[(d.base + r / 64) as usize] >> (r % 64) & 1 == 1
    }

    /// The values of `x`, ascending.
    pub fn values(&self, x: VarId) -> DomIter<'_> {
        let d = &self.doms[x.index()];
        let words = &self.words[d.base as usize..(d.base + d.nwords) as usize];
        let wi = (d.min / 64) as usize;
        DomIter { words, offset: d.offset, wi, cur: words[wi] }
    }

    /// The bitset words of `x` (bit `r` of the slice is raw value `r`).
    pub fn words(&self, x: VarId) -> &[u64] {
        let d = &self.doms[x.index()];
        &self.words[d.base as usize..(d.base + d.nwords) as usize]
    }

    /// The smallest value of `x` that is `>= v`, if any.
    pub fn next_value(&self, x: VarId, v: i64) -> Option<i64> {
        let d = self.doms[x.index()];
        if v > self.max(x) {
            return None;
        }
        if v <= self.min(x) {
            return Some(self.min(x));
        }
        let r = (v - d.offset) as u32;
        self.next_set(&d, r).map(|r| d.offset + r as i64)
    }

    /// The largest value of `x` that is `<= v`, if any.
    pub fn prev_value(&self, x: VarId, v: i64) -> Option<i64> {
        let d = self.doms[x.index()];
        if v < self.min(x) {
            return None;
        }
        if v >= self.max(x) {
            return Some(self.max(x));
        }
        let r = (v - d.offset) as u32;
        self.prev_set(&d, r).map(|r| d.offset + r as i64)
    }

    /// First set bit at raw index `>= r` (assumes `r <= d.max` is possible).
    fn next_set(&self, d: &Dom, r: u32) -> Option<u32> {
        if r > d.max {
            return None;
        }
        let mut wi = r / 64;
        let mut w = self.words[(d.base + wi) as usize] & mask_from(r % 64);
        loop {
            if w != 0 {
                return Some(wi * 64 + w.trailing_zeros());
            }
            wi += 1;
            if wi >= d.nwords {
                return None;
            }
            w = self.words[(d.base + wi) as usize];
        }
    }

    /// Last set bit at raw index `<= r`.
    fn prev_set(&self, d: &Dom, r: u32) -> Option<u32> {
        let mut wi = r / 64;
        let mut w = self.words[(d.base + wi) as usize] & mask_upto(r % 64);
        loop {
            if w != 0 {
                return Some(wi * 64 + 63 - w.leading_zeros());
            }
            if wi == 0 {
                return None;
            }
            wi -= 1;
            w = self.words[(d.base + wi) as usize];
        }
    }

    // ----- levels -------------------------------------------------------

    /// The current level (0 at the root).
    #[inline]
    pub fn level(&self) -> u32 {
        self.trail.level()
    }

    /// Opens a level: changes from here on are undone by backtracking below it.
    pub fn push_level(&mut self) {
        self.trail.push_level();
    }

    /// Restores every domain and reversible integer to its state when
    /// level `level + 1` was opened, and forgets pending changes.
    pub fn backtrack_to(&mut self, level: u32) {
        let keep = self.trail.pop_to(level);
        while self.trail.entries.len() > keep {
            match self.trail.entries.pop().unwrap() {
                Entry::Word { idx, old } => self.words[idx as usize] = old,
                Entry::Dom { var, min, max, size } => {
                    let d = &mut self.doms[var as usize];
                    d.min = min;
                    d.max = max;
                    d.size = size;
                }
                Entry::Rev { slot, old } => self.revs[slot as usize] = old,
            }
        }
        self.clear_modified();
    }

    // ----- reversible integers -----------------------------------------

    #[inline]
    pub fn rev(&self, id: RevId) -> i64 {
        self.revs[id.0 as usize]
    }

    #[inline]
    pub fn set_rev(&mut self, id: RevId, value: i64) {
        let slot = id.0 as usize;
        if self.revs[slot] == value {
            return;
        }
        if self.trail.must_save_rev(slot) {
            self.trail.entries.push(Entry::Rev { slot: slot as u32, old: self.revs[slot] });
        }
        self.revs[slot] = value;
    }

    // ----- change record ------------------------------------------------

    #[inline]
    fn notify(&mut self, x: VarId, ev: Events) {
        let e = &mut self.events[x.index()];
        if *e == 0 {
            self.modified.push(x);
        }
        *e |= ev;
    }

    /// Stores `x`'s narrowed domain `d` and records `ev`, plus `EV_FIX` when
    /// one value is left (every narrowing but `assign` ends here).
    #[inline]
    fn store_narrowed(&mut self, x: VarId, d: Dom, mut ev: Events) {
        if d.size == 1 {
            ev |= EV_FIX;
        }
        self.doms[x.index()] = d;
        self.notify(x, ev);
    }

    /// Takes the variables changed since the last call, with their events,
    /// into `out` (cleared first).
    pub fn take_modified(&mut self, out: &mut Vec<(VarId, Events)>) {
        out.clear();
        for &x in &self.modified {
            out.push((x, self.events[x.index()]));
            self.events[x.index()] = 0;
        }
        self.modified.clear();
    }

    pub fn has_modified(&self) -> bool {
        !self.modified.is_empty()
    }

    pub fn clear_modified(&mut self) {
        for &x in &self.modified {
            self.events[x.index()] = 0;
        }
        self.modified.clear();
    }

    // ----- tracing ------------------------------------------------------

    /// Turns the per-step domain copies on or off (see the module doc).
    pub fn set_tracing(&mut self, on: bool) {
        self.tracing = on;
        self.snapshot.saved.clear();
    }

    /// Starts a step: the next first change to each domain copies it.
    pub fn begin_step(&mut self) {
        self.snapshot.step = self.snapshot.step.wrapping_add(1);
        if self.snapshot.step == 0 {
            self.snapshot.seen.iter_mut().for_each(|s| *s = 0);
            self.snapshot.step = 1;
        }
        self.snapshot.saved.clear();
    }

    /// Ends a step: each domain changed during it, as it was before.
    pub fn end_step(&mut self) -> Vec<(VarId, Vec<i64>)> {
        std::mem::take(&mut self.snapshot.saved)
    }

    // ----- changing -----------------------------------------------------

    /// Saves what the trail and the tracer need before `x` changes.
    #[inline]
    fn touch(&mut self, x: VarId) {
        let i = x.index();
        if self.trail.must_save_dom(i) {
            let d = self.doms[i];
            self.trail.entries.push(Entry::Dom { var: i as u32, min: d.min, max: d.max, size: d.size });
        }
        if self.tracing && self.snapshot.seen[i] != self.snapshot.step {
            self.snapshot.seen[i] = self.snapshot.step;
            let before: Vec<i64> = self.values(x).collect();
            self.snapshot.saved.push((x, before));
        }
    }

    #[inline]
    fn set_word(&mut self, idx: usize, w: u64) {
        if self.trail.must_save_word(idx) {
            self.trail.entries.push(Entry::Word { idx: idx as u32, old: self.words[idx] });
        }
        self.words[idx] = w;
    }

    /// Clears raw bits `lo..=hi` of `d`'s bitset; returns how many were set.
    fn clear_raw_range(&mut self, d: &Dom, lo: u32, hi: u32) -> u32 {
        let mut removed = 0;
        let (wlo, whi) = (lo / 64, hi / 64);
        for wi in wlo..=whi {
            let mut m = u64::MAX;
            if wi == wlo {
                m &= mask_from(lo % 64);
            }
            if wi == whi {
                m &= mask_upto(hi % 64);
            }
            let idx = (d.base + wi) as usize;
            let w = self.words[idx];
            if w & m != 0 {
                removed += (w & m).count_ones();
                self.set_word(idx, w & !m);
            }
        }
        removed
    }

    /// Removes `v` from `x`. Ok(true) if it was there; Err if it was the
    /// last value. Cost: O(1), plus a scan for the new bound when `v` was one.
    pub fn remove(&mut self, x: VarId, v: i64) -> Result<bool, Conflict> {
        let d = self.doms[x.index()];
        let r = v.wrapping_sub(d.offset);
        if r < d.min as i64 || r > d.max as i64 {
            return Ok(false);
        }
        self.remove_raw_in(x, d, r as u32)
    }

    /// [`Store::remove`] by raw index.
    pub fn remove_raw(&mut self, x: VarId, r: u32) -> Result<bool, Conflict> {
        let d = self.doms[x.index()];
        if r < d.min || r > d.max {
            return Ok(false);
        }
        self.remove_raw_in(x, d, r)
    }

    #[inline]
    fn remove_raw_in(&mut self, x: VarId, mut d: Dom, r: u32) -> Result<bool, Conflict> {
        let idx = (d.base + r / 64) as usize;
        let bit = 1u64 << (r % 64);
        let w = self.words[idx];
        if w & bit == 0 {
            return Ok(false);
        }
        if d.size == 1 {
            return Err(Conflict);
        }
        self.touch(x);
        self.set_word(idx, w & !bit);
        d.size -= 1;
        let mut ev = EV_DOM;
        if r == d.min {
            d.min = self.next_set(&d, r + 1).expect("a value remains above the removed minimum");
            ev |= EV_BOUNDS;
        } else if r == d.max {
            d.max = self.prev_set(&d, r - 1).expect("a value remains below the removed maximum");
            ev |= EV_BOUNDS;
        }
        self.store_narrowed(x, d, ev);
        Ok(true)
    }

    /// Removes every value below `v`. Ok(true) if something was removed.
    pub fn set_min(&mut self, x: VarId, v: i64) -> Result<bool, Conflict> {
        let mut d = self.doms[x.index()];
        if v <= d.offset + d.min as i64 {
            return Ok(false);
        }
        if v > d.offset + d.max as i64 {
            return Err(Conflict);
        }
        let r = (v - d.offset) as u32;
        let new_min = self.next_set(&d, r).expect("max >= v");
        self.touch(x);
        let removed = self.clear_raw_range(&d, d.min, new_min - 1);
        d.min = new_min;
        d.size -= removed;
        self.store_narrowed(x, d, EV_DOM | EV_BOUNDS);
        Ok(true)
    }

    /// Removes every value above `v`. Ok(true) if something was removed.
    pub fn set_max(&mut self, x: VarId, v: i64) -> Result<bool, Conflict> {
        let mut d = self.doms[x.index()];
        if v >= d.offset + d.max as i64 {
            return Ok(false);
        }
        if v < d.offset + d.min as i64 {
            return Err(Conflict);
        }
        let r = (v - d.offset) as u32;
        let new_max = self.prev_set(&d, r).expect("min <= v");
        self.touch(x);
        let removed = self.clear_raw_range(&d, new_max + 1, d.max);
        d.max = new_max;
        d.size -= removed;
        self.store_narrowed(x, d, EV_DOM | EV_BOUNDS);
        Ok(true)
    }

    /// Reduces `x` to `{v}`. Err if `v` is not in the domain.
    pub fn assign(&mut self, x: VarId, v: i64) -> Result<bool, Conflict> {
        let mut d = self.doms[x.index()];
        if !self.contains(x, v) {
            return Err(Conflict);
        }
        if d.size == 1 {
            return Ok(false);
        }
        let r = (v - d.offset) as u32;
        self.touch(x);
        let mut ev = EV_DOM | EV_FIX;
        if r > d.min {
            self.clear_raw_range(&d, d.min, r - 1);
        }
        if r < d.max {
            self.clear_raw_range(&d, r + 1, d.max);
        }
        if r != d.min || r != d.max {
            ev |= EV_BOUNDS;
        }
        d.min = r;
        d.max = r;
        d.size = 1;
        self.doms[x.index()] = d;
        self.notify(x, ev);
        Ok(true)
    }

    /// Keeps the values for which `keep` is true. Err (and no change) if
    /// none would remain. Cost: O(size + words).
    pub fn retain(&mut self, x: VarId, mut keep: impl FnMut(i64) -> bool) -> Result<bool, Conflict> {
        let d = self.doms[x.index()];
        self.retain_raw(x, |r| keep(d.offset + r as i64))
    }

    /// Keeps the values `v` of `x` such that `v + delta` is in `y`'s domain
    /// (`x` and `y` distinct). Cost: O(words of x and y).
    pub fn retain_shifted(&mut self, x: VarId, y: VarId, delta: i64) -> Result<bool, Conflict> {
        debug_assert_ne!(x, y);
        let dy = self.doms[y.index()];
        let mut ywords = std::mem::take(&mut self.scratch_other);
        ywords.clear();
        ywords.extend_from_slice(&self.words[dy.base as usize..(dy.base + dy.nwords) as usize]);
        // raw index in y of raw index r of x: r + shift
        let shift = self.doms[x.index()].offset + delta - dy.offset;
        let (ymin, ymax) = (dy.min as i64, dy.max as i64);
        let result = self.retain_raw(x, |r| {
            let ry = r as i64 + shift;
            ry >= ymin && ry <= ymax && ywords[(ry / 64) as usize] >> (ry % 64) & 1 == 1
        });
        self.scratch_other = ywords;
        result
    }

    /// Whether `x` and `y` share a value. Cost: O(min(size)).
    pub fn intersects(&self, x: VarId, y: VarId) -> bool {
        let (a, b) = if self.size(x) <= self.size(y) { (x, y) } else { (y, x) };
        if self.max(a) < self.min(b) || self.max(b) < self.min(a) {
            return false;
        }
        self.values(a).any(|v| self.contains(b, v))
    }

    /// [`Store::retain`] by raw index.
    pub fn retain_raw(&mut self, x: VarId, mut keep: impl FnMut(u32) -> bool) -> Result<bool, Conflict> {
        let mut d = self.doms[x.index()];
        let (wlo, whi) = (d.min / 64, d.max / 64);
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let mut kept = 0u32;
        for wi in wlo..=whi {
            let w = self.words[(d.base + wi) as usize];
            let mut bits = w;
            let mut nw = w;
            while bits != 0 {
                let tz = bits.trailing_zeros();
                bits &= bits - 1;
                if !keep(wi * 64 + tz) {
                    nw &= !(1u64 << tz);
                }
            }
            kept += nw.count_ones();
            scratch.push(nw);
        }
        let result = if kept == 0 {
            Err(Conflict)
        } else if kept == d.size {
            Ok(false)
        } else {
            self.touch(x);
            let mut new_min = None;
            let mut new_max = 0;
            for (k, &nw) in scratch.iter().enumerate() {
                let wi = wlo + k as u32;
                let idx = (d.base + wi) as usize;
                if self.words[idx] != nw {
                    self.set_word(idx, nw);
                }
                if nw != 0 {
                    if new_min.is_none() {
                        new_min = Some(wi * 64 + nw.trailing_zeros());
                    }
                    new_max = wi * 64 + 63 - nw.leading_zeros();
                }
            }
            let new_min = new_min.expect("kept > 0");
            let mut ev = EV_DOM;
            if new_min != d.min || new_max != d.max {
                ev |= EV_BOUNDS;
            }
            d.min = new_min;
            d.max = new_max;
            d.size = kept;
            self.store_narrowed(x, d, ev);
            Ok(true)
        };
        self.scratch = scratch;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(s: &Store, x: VarId) -> Vec<i64> {
        s.values(x).collect()
    }

    #[test]
    fn ranges_and_explicit_values_with_negative_offsets() {
        let mut s = Store::new();
        let x = s.new_var(-3, 70);
        assert_eq!(s.size(x), 74);
        assert_eq!((s.min(x), s.max(x)), (-3, 70));
        let y = s.new_var_values(&[-100, 5, 63, 64, 200]);
        assert_eq!(vals(&s, y), vec![-100, 5, 63, 64, 200]);
        assert!(s.contains(y, 64) && !s.contains(y, 65) && !s.contains(y, i64::MIN));
        assert_eq!(s.next_value(y, 6), Some(63));
        assert_eq!(s.prev_value(y, 62), Some(5));
        assert_eq!(s.next_value(y, 201), None);
    }

    #[test]
    fn changes_keep_bounds_and_size_and_undo_on_backtrack() {
        let mut s = Store::new();
        let x = s.new_var(0, 199);
        let r = s.new_rev(7);
        s.push_level();
        assert_eq!(s.set_min(x, 60), Ok(true));
        assert_eq!(s.set_max(x, 130), Ok(true));
        assert_eq!(s.remove(x, 60), Ok(true));
        assert_eq!(s.min(x), 61);
        s.set_rev(r, 9);
        s.push_level();
        assert_eq!(s.retain(x, |v| v % 64 == 0), Ok(true));
        assert_eq!(vals(&s, x), vec![64, 128]);
        assert_eq!(s.assign(x, 128), Ok(true));
        assert!(s.is_fixed(x));
        assert_eq!(s.remove(x, 128), Err(Conflict));
        assert_eq!(s.retain(x, |_| false), Err(Conflict));
        assert_eq!(vals(&s, x), vec![128]);
        s.backtrack_to(1);
        assert_eq!(s.size(x), 70);
        assert_eq!((s.min(x), s.max(x)), (61, 130));
        assert_eq!(s.rev(r), 9);
        s.backtrack_to(0);
        assert_eq!(s.size(x), 200);
        assert_eq!(s.rev(r), 7);
        assert_eq!(vals(&s, x), (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn events_are_accumulated_per_variable() {
        let mut s = Store::new();
        let x = s.new_var(1, 3);
        let y = s.new_var(1, 3);
        s.remove(x, 2).unwrap();
        s.remove(x, 1).unwrap();
        s.set_max(y, 2).unwrap();
        let mut out = Vec::new();
        s.take_modified(&mut out);
        assert_eq!(out, vec![(x, EV_DOM | EV_BOUNDS | EV_FIX), (y, EV_DOM | EV_BOUNDS)]);
        s.take_modified(&mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn tracing_keeps_domains_before_each_step() {
        let mut s = Store::new();
        let x = s.new_var(1, 4);
        s.set_tracing(true);
        s.begin_step();
        s.remove(x, 2).unwrap();
        s.remove(x, 3).unwrap();
        assert_eq!(s.end_step(), vec![(x, vec![1, 2, 3, 4])]);
    }
}
