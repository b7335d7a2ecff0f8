//! VMTF: the variable-move-to-front decision queue of focused mode.
//!
//! Variables form a doubly linked list ordered by `stamp` (the time they were
//! last bumped); bumping moves a variable to the back (most recent end). The
//! decision heuristic picks the most recently bumped unassigned variable,
//! found by walking from `search` towards the front.
//!
//! Invariant: every variable after `search` in the list is assigned.
//! Bumping an unassigned variable and unassigning a variable with a larger
//! stamp than `search`'s both move `search` to keep it true.

use super::types::Var;

const NIL: u32 = u32::MAX;

#[derive(Default)]
pub struct VmtfQueue {
    prev: Vec<u32>,
    next: Vec<u32>,
    pub stamp: Vec<u64>,
    first: u32,
    last: u32,
    pub search: u32,
    clock: u64,
}

impl VmtfQueue {
    pub fn new() -> Self {
        VmtfQueue { first: NIL, last: NIL, search: NIL, ..Default::default() }
    }

    /// Adds variables `old_n..n` at the back of the queue, in the given order
    /// (a permutation of `old_n..n`), or in index order when `order` is empty.
    pub fn grow(&mut self, n: usize, order: &[u32]) {
        let old = self.prev.len();
        if n <= old {
            return;
        }
        self.prev.resize(n, NIL);
        self.next.resize(n, NIL);
        self.stamp.resize(n, 0);
        if order.is_empty() {
            for v in old..n {
                self.enqueue(v as u32);
            }
        } else {
            debug_assert_eq!(order.len(), n - old);
            for &v in order {
                self.enqueue(v);
            }
        }
        // New variables are unassigned and sit at the back: the cursor must see them.
        self.search = self.last;
    }

    fn enqueue(&mut self, v: u32) {
        let vi = v as usize;
        self.prev[vi] = self.last;
        self.next[vi] = NIL;
        if self.last != NIL {
            self.next[self.last as usize] = v;
        } else {
            self.first = v;
        }
        self.last = v;
        self.clock += 1;
        self.stamp[vi] = self.clock;
    }

    fn dequeue(&mut self, v: u32) {
        let vi = v as usize;
        let p = self.prev[vi];
        let n = self.next[vi];
        if p != NIL {
            self.next[p as usize] = n;
        } else {
            self.first = n;
        }
        if n != NIL {
            self.prev[n as usize] = p;
        } else {
            self.last = p;
        }
    }

    /// Moves `v` to the back. `unassigned` says whether `v` is currently unassigned,
    /// in which case it becomes the search cursor.
    pub fn bump(&mut self, v: Var, unassigned: bool) {
        let x = v.0;
        if self.last != x {
            if self.search == x {
                // Keep the invariant: the cursor moves to a variable still before it.
                let p = self.prev[x as usize];
                self.search = if p != NIL { p } else { self.next[x as usize] };
            }
            self.dequeue(x);
            self.enqueue(x);
        } else {
            self.clock += 1;
            self.stamp[x as usize] = self.clock;
        }
        if unassigned {
            self.search = x;
        }
    }

    /// Called when `v` becomes unassigned.
    #[inline]
    pub fn on_unassign(&mut self, v: Var) {
        if self.search == NIL || self.stamp[v.index()] > self.stamp[self.search as usize] {
            self.search = v.0;
        }
    }

    /// The last variable in queue order not assigned according to `assigned`.
    pub fn next_unassigned(&mut self, mut assigned: impl FnMut(u32) -> bool) -> Option<Var> {
        let mut v = if self.search == NIL { self.last } else { self.search };
        while v != NIL && assigned(v) {
            v = self.prev[v as usize];
        }
        if v == NIL {
            self.search = self.first;
            return None;
        }
        self.search = v;
        Some(Var(v))
    }
}
