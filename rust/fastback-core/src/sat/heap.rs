//! Binary max-heap of variables keyed by EVSIDS activity (stable mode).
//!
//! Invariant: `pos[v]` is the index of `v` in `heap`, or `ABSENT`. Assigned
//! variables may stay in the heap (they are skipped lazily at decision time);
//! every unassigned variable is in the heap, which backtracking restores by
//! re-inserting the variables it unassigns.

use super::types::Var;

const ABSENT: u32 = u32::MAX;

#[derive(Default)]
pub struct ActivityHeap {
    heap: Vec<Var>,
    pos: Vec<u32>,
    pub activity: Vec<f64>,
    pub increment: f64,
}

impl ActivityHeap {
    pub fn new() -> Self {
        ActivityHeap { increment: 1.0, ..Default::default() }
    }

    pub fn grow(&mut self, n: usize) {
        if self.pos.len() < n {
            self.pos.resize(n, ABSENT);
            self.activity.resize(n, 0.0);
        }
    }

    #[inline]
    pub fn contains(&self, v: Var) -> bool {
        self.pos[v.index()] != ABSENT
    }

    pub fn insert(&mut self, v: Var) {
        if self.contains(v) {
            return;
        }
        self.pos[v.index()] = self.heap.len() as u32;
        self.heap.push(v);
        self.sift_up(self.heap.len() - 1);
    }

    pub fn peek(&self) -> Option<Var> {
        self.heap.first().copied()
    }

    pub fn pop(&mut self) -> Option<Var> {
        let top = *self.heap.first()?;
        let last = self.heap.pop().unwrap();
        self.pos[top.index()] = ABSENT;
        if !self.heap.is_empty() {
            self.heap[0] = last;
            self.pos[last.index()] = 0;
            self.sift_down(0);
        }
        Some(top)
    }

    /// Bumps a variable's activity by the current increment, rescaling all
    /// activities when they grow too large.
    pub fn bump(&mut self, v: Var) {
        let a = &mut self.activity[v.index()];
        *a += self.increment;
        if *a > 1e150 {
            for x in self.activity.iter_mut() {
                *x *= 1e-150;
            }
            self.increment *= 1e-150;
        }
        if self.contains(v) {
            self.sift_up(self.pos[v.index()] as usize);
        }
    }

    /// Exponential decay by growing the increment (EVSIDS).
    pub fn decay(&mut self, factor: f64) {
        self.increment /= factor;
    }

    fn sift_up(&mut self, mut i: usize) {
        let v = self.heap[i];
        let a = self.activity[v.index()];
        while i > 0 {
            let parent = (i - 1) / 2;
            let p = self.heap[parent];
            if self.activity[p.index()] >= a {
                break;
            }
            self.heap[i] = p;
            self.pos[p.index()] = i as u32;
            i = parent;
        }
        self.heap[i] = v;
        self.pos[v.index()] = i as u32;
    }

    fn sift_down(&mut self, mut i: usize) {
        let v = self.heap[i];
        let a = self.activity[v.index()];
        let n = self.heap.len();
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let c = if r < n && self.activity[self.heap[r].index()] > self.activity[self.heap[l].index()] {
                r
            } else {
                l
            };
            let cv = self.heap[c];
            if self.activity[cv.index()] <= a {
                break;
            }
            self.heap[i] = cv;
            self.pos[cv.index()] = i as u32;
            i = c;
        }
        self.heap[i] = v;
        self.pos[v.index()] = i as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_activity_order() {
        let mut h = ActivityHeap::new();
        h.grow(10);
        for i in 0..10 {
            h.activity[i] = ((i * 7) % 10) as f64;
            h.insert(Var(i as u32));
        }
        h.bump(Var(0));
        let mut last = f64::INFINITY;
        while let Some(v) = h.pop() {
            assert!(h.activity[v.index()] <= last);
            last = h.activity[v.index()];
        }
    }
}
