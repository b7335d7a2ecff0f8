//! All-different over terms `xᵢ + cᵢ` (a variable plus a constant offset, so
//! N-queens diagonals need no auxiliary variables).
//!
//! Two propagators, posted together for the default (domain) consistency:
//!
//! - [`AllDiffForward`] — forward checking. When a term is fixed its value is
//!   removed from every other term, cascading through terms that become
//!   fixed. Cheap (O(n) per fixed term), it runs first and is what makes the
//!   constraint *checking*: two fixed terms with one value always fail here.
//!
//! - [`AllDiffMatching`] — Régin's filtering (AAAI 1994), domain consistency.
//!   A value is consistent for a term iff the edge between them belongs to
//!   some maximum matching of the term–value bipartite graph. Keep a
//!   matching `M` covering every term (repaired by augmenting paths when
//!   values vanish); orient matched edges term → value and the others
//!   value → term, and add a sink with arcs matched value → sink → free
//!   value. An unmatched edge belongs to some maximum matching iff it lies on
//!   an alternating cycle or on an even alternating path from a free value;
//!   with the sink both cases are "its ends are in the same strongly
//!   connected component", so one Tarjan pass finds every edge to remove.
//!   Cost O(n + d + E) per call, E = Σ|dom|. The matching is not trailed: it
//!   is a hint, and a matching valid for smaller domains stays valid when
//!   backtracking enlarges them; the first step drops matched values that
//!   are no longer in their domain. Fixed terms are left out of the graph
//!   (a relaxation, so removals stay sound; forward checking handles them),
//!   which shrinks the work as the search goes deeper.

use crate::csp::propagator::{Priority, Propagator};
use crate::csp::store::Store;
use crate::csp::types::{Conflict, Events, PropResult, VarId, EV_DOM, EV_FIX};

/// Forward-checking all-different (see the module doc).
pub struct AllDiffForward {
    terms: Vec<(VarId, i64)>,
    pending: Vec<u32>,
    /// Whether the terms fixed before the first run were compared. Advice
    /// can arrive before that run (another propagator fixes a term first),
    /// and pending advice alone would leave two terms fixed at posting time
    /// unchecked against each other.
    scanned: bool,
}

impl AllDiffForward {
    pub fn new(terms: Vec<(VarId, i64)>) -> AllDiffForward {
        AllDiffForward { terms, pending: Vec::new(), scanned: false }
    }

    fn run(&mut self, s: &mut Store) -> PropResult {
        if !self.scanned || self.pending.is_empty() {
            // First call (or woken without advice): look at every fixed term.
            self.scanned = true;
            self.pending.clear();
            self.pending.extend((0..self.terms.len() as u32).filter(|&i| s.is_fixed(self.terms[i as usize].0)));
        }
        while let Some(i) = self.pending.pop() {
            let (xi, ci) = self.terms[i as usize];
            let v = s.value(xi) + ci;
            for (j, &(xj, cj)) in self.terms.iter().enumerate() {
                if j as u32 != i && s.remove(xj, v - cj)? && s.is_fixed(xj) {
                    self.pending.push(j as u32);
                }
            }
        }
        Ok(())
    }
}

impl Propagator for AllDiffForward {
    fn name(&self) -> &'static str {
        "all-different"
    }

    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        self.terms.iter().map(|&(x, _)| (x, EV_FIX)).collect()
    }

    fn advise(&mut self, pos: u32, _events: Events, _s: &Store) -> bool {
        self.pending.push(pos);
        true
    }

    fn cancel(&mut self) {
        self.pending.clear();
    }

    fn propagate(&mut self, s: &mut Store) -> PropResult {
        let r = self.run(s);
        if r.is_err() {
            self.pending.clear();
        }
        r
    }

    fn priority(&self) -> Priority {
        Priority::Linear
    }

    fn idempotent(&self) -> bool {
        true
    }
}

const NONE: u32 = u32::MAX;

/// Maps term values to value nodes `0..m`.
enum ValueIndex {
    /// `lut[v - lo]` (NONE where `v` is in no initial domain).
    Dense { lo: i64, lut: Vec<u32> },
    /// Binary search in the sorted universe.
    Sparse,
}

/// Régin's matching-based all-different (see the module doc).
pub struct AllDiffMatching {
    terms: Vec<(VarId, i64)>,
    /// Every value some term could take at construction, ascending.
    universe: Vec<i64>,
    index: ValueIndex,
    /// Per term (original index): its matched value node, or NONE.
    term_match: Vec<u32>,
    /// Per value node: the term (original index) matched to it, or NONE.
    value_match: Vec<u32>,
    // scratch, reused across calls
    /// The unfixed terms of this call (original indices); graph nodes use
    /// positions in this list.
    active: Vec<u32>,
    /// Original term index -> position in `active` (NONE for fixed terms).
    position: Vec<u32>,
    seen: Vec<u32>,
    seen_stamp: u32,
    pred: Vec<u32>,
    bfs: Vec<u32>,
    /// Per active term, its current value nodes (flattened; `dom_start[p]..dom_start[p+1]`).
    dom_start: Vec<u32>,
    dom_vals: Vec<u32>,
    /// Per value node, the active terms having it unmatched (CSR).
    rev_start: Vec<u32>,
    rev_fill: Vec<u32>,
    rev_terms: Vec<u32>,
    free_values: Vec<u32>,
    removals: Vec<(VarId, i64)>,
    tarjan: Tarjan,
}

#[derive(Default)]
struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    comp: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    call: Vec<(u32, u32)>,
}

impl AllDiffMatching {
    /// Precondition: `terms` is non-empty and `s` holds their variables.
    pub fn new(terms: Vec<(VarId, i64)>, s: &Store) -> AllDiffMatching {
        let mut universe: Vec<i64> = terms.iter().flat_map(|&(x, c)| s.values(x).map(move |v| v + c)).collect();
        universe.sort_unstable();
        universe.dedup();
        let (lo, hi) = (universe[0], universe[universe.len() - 1]);
        let index = if hi - lo < (1 << 22) {
            let mut lut = vec![NONE; (hi - lo + 1) as usize];
            for (k, &v) in universe.iter().enumerate() {
                lut[(v - lo) as usize] = k as u32;
            }
            ValueIndex::Dense { lo, lut }
        } else {
            ValueIndex::Sparse
        };
        let (n, m) = (terms.len(), universe.len());
        AllDiffMatching {
            terms,
            universe,
            index,
            term_match: vec![NONE; n],
            value_match: vec![NONE; m],
            active: Vec::with_capacity(n),
            position: vec![NONE; n],
            seen: vec![0; m],
            seen_stamp: 0,
            pred: vec![NONE; m],
            bfs: Vec::new(),
            dom_start: Vec::new(),
            dom_vals: Vec::new(),
            rev_start: Vec::new(),
            rev_fill: Vec::new(),
            rev_terms: Vec::new(),
            free_values: Vec::new(),
            removals: Vec::new(),
            tarjan: Tarjan::default(),
        }
    }

    #[inline]
    fn node_of(&self, v: i64) -> u32 {
        match &self.index {
            ValueIndex::Dense { lo, lut } => lut[(v - lo) as usize],
            ValueIndex::Sparse => self.universe.binary_search(&v).map(|k| k as u32).unwrap_or(NONE),
        }
    }

    /// Chooses the active (unfixed) terms and reads their values as value
    /// nodes. Fixed terms leave the graph and the matching: checking them
    /// is the forward-checking propagator's job, and dropping them only
    /// relaxes the constraint, so every removal stays sound.
    fn load_domains(&mut self, s: &Store) {
        self.active.clear();
        self.dom_start.clear();
        self.dom_vals.clear();
        for t in 0..self.terms.len() {
            let (x, c) = self.terms[t];
            if s.is_fixed(x) {
                self.position[t] = NONE;
                let v = self.term_match[t];
                if v != NONE {
                    self.term_match[t] = NONE;
                    self.value_match[v as usize] = NONE;
                }
                continue;
            }
            self.position[t] = self.active.len() as u32;
            self.active.push(t as u32);
            self.dom_start.push(self.dom_vals.len() as u32);
            for v in s.values(x) {
                let node = self.node_of(v + c);
                debug_assert_ne!(node, NONE, "domains only shrink");
                self.dom_vals.push(node);
            }
        }
        self.dom_start.push(self.dom_vals.len() as u32);
    }

    /// The value nodes of the active term at position `p`.
    #[inline]
    fn dom(&self, p: usize) -> std::ops::Range<usize> {
        self.dom_start[p] as usize..self.dom_start[p + 1] as usize
    }

    fn next_stamp(&mut self) -> u32 {
        self.seen_stamp = self.seen_stamp.wrapping_add(1);
        if self.seen_stamp == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.seen_stamp = 1;
        }
        self.seen_stamp
    }

    /// Finds an augmenting path from the unmatched active term at position
    /// `start` (BFS over alternating paths) and flips it. False if there is
    /// none: the terms cannot all take different values.
    fn augment(&mut self, start: u32) -> bool {
        let stamp = self.next_stamp();
        self.bfs.clear();
        self.bfs.push(start);
        let mut head = 0;
        while head < self.bfs.len() {
            let p = self.bfs[head] as usize;
            head += 1;
            for k in self.dom(p) {
                let v = self.dom_vals[k] as usize;
                if self.seen[v] == stamp {
                    continue;
                }
                self.seen[v] = stamp;
                self.pred[v] = p as u32;
                if self.value_match[v] == NONE {
                    let mut v = v as u32;
                    loop {
                        let p = self.pred[v as usize];
                        let t = self.active[p as usize];
                        let old = self.term_match[t as usize];
                        self.term_match[t as usize] = v;
                        self.value_match[v as usize] = t;
                        if p == start {
                            return true;
                        }
                        v = old;
                    }
                }
                self.bfs.push(self.position[self.value_match[v] as usize]);
            }
        }
        false
    }

    fn run(&mut self, s: &mut Store) -> PropResult {
        self.load_domains(s);
        let k = self.active.len();
        let m = self.universe.len();
        if k <= 1 {
            return Ok(());
        }
        // 1. Drop matched values that left their domain, then repair.
        for p in 0..k {
            let t = self.active[p] as usize;
            let v = self.term_match[t];
            if v != NONE && !self.dom(p).any(|i| self.dom_vals[i] == v) {
                self.term_match[t] = NONE;
                self.value_match[v as usize] = NONE;
            }
        }
        for p in 0..k {
            if self.term_match[self.active[p] as usize] == NONE && !self.augment(p as u32) {
                return Err(Conflict);
            }
        }
        // 2. Reverse adjacency (value -> active terms having it unmatched) and free values.
        self.rev_start.clear();
        self.rev_start.resize(m + 1, 0);
        for p in 0..k {
            let mt = self.term_match[self.active[p] as usize];
            for i in self.dom(p) {
                let v = self.dom_vals[i];
                if v != mt {
                    self.rev_start[v as usize + 1] += 1;
                }
            }
        }
        for v in 0..m {
            self.rev_start[v + 1] += self.rev_start[v];
        }
        self.rev_terms.clear();
        self.rev_terms.resize(self.rev_start[m] as usize, 0);
        self.rev_fill.clear();
        self.rev_fill.extend_from_slice(&self.rev_start);
        for p in 0..k {
            let mt = self.term_match[self.active[p] as usize];
            for i in self.dom(p) {
                let v = self.dom_vals[i] as usize;
                if v as u32 != mt {
                    self.rev_terms[self.rev_fill[v] as usize] = p as u32;
                    self.rev_fill[v] += 1;
                }
            }
        }
        self.free_values.clear();
        for v in 0..m {
            if self.value_match[v] == NONE && self.rev_start[v + 1] > self.rev_start[v] {
                self.free_values.push(v as u32);
            }
        }
        // 3. Strongly connected components; 4. remove edges across components.
        self.components();
        let mut removals = std::mem::take(&mut self.removals);
        removals.clear();
        let comp = &self.tarjan.comp;
        for p in 0..k {
            let t = self.active[p] as usize;
            let (mt, cp) = (self.term_match[t], comp[p]);
            for i in self.dom(p) {
                let v = self.dom_vals[i];
                if v != mt && comp[k + v as usize] != cp {
                    let (x, c) = self.terms[t];
                    removals.push((x, self.universe[v as usize] - c));
                }
            }
        }
        let mut result = Ok(());
        for &(x, val) in &removals {
            if let Err(e) = s.remove(x, val) {
                result = Err(e);
                break;
            }
        }
        self.removals = removals;
        result
    }

    /// Out-arc `k` of node `u` (active terms `0..n`, values `n..n+m`, sink `n+m`).
    #[inline]
    fn arc(&self, u: usize, k: u32) -> Option<u32> {
        let n = self.active.len();
        let m = self.universe.len();
        if u < n {
            return if k == 0 { Some(n as u32 + self.term_match[self.active[u] as usize]) } else { None };
        }
        if u < n + m {
            let v = u - n;
            let (lo, hi) = (self.rev_start[v], self.rev_start[v + 1]);
            if lo + k < hi {
                return Some(self.rev_terms[(lo + k) as usize]);
            }
            return if lo + k == hi && self.value_match[v] != NONE { Some((n + m) as u32) } else { None };
        }
        self.free_values.get(k as usize).map(|&v| n as u32 + v)
    }

    /// Iterative Tarjan over the graph of [`AllDiffMatching::arc`].
    fn components(&mut self) {
        let total = self.active.len() + self.universe.len() + 1;
        let mut tj = std::mem::take(&mut self.tarjan);
        tj.index.clear();
        tj.index.resize(total, NONE);
        tj.low.clear();
        tj.low.resize(total, 0);
        tj.comp.clear();
        tj.comp.resize(total, NONE);
        tj.on_stack.clear();
        tj.on_stack.resize(total, false);
        tj.stack.clear();
        let mut counter = 0u32;
        let mut ncomp = 0u32;
        for root in 0..total as u32 {
            if tj.index[root as usize] != NONE {
                continue;
            }
            tj.call.clear();
            tj.call.push((root, 0));
            tj.index[root as usize] = counter;
            tj.low[root as usize] = counter;
            counter += 1;
            tj.stack.push(root);
            tj.on_stack[root as usize] = true;
            while let Some(&mut (u, ref mut k)) = tj.call.last_mut() {
                let arc = self.arc(u as usize, *k);
                *k += 1;
                match arc {
                    Some(w) => {
                        let wi = w as usize;
                        if tj.index[wi] == NONE {
                            tj.index[wi] = counter;
                            tj.low[wi] = counter;
                            counter += 1;
                            tj.stack.push(w);
                            tj.on_stack[wi] = true;
                            tj.call.push((w, 0));
                        } else if tj.on_stack[wi] {
                            let lw = tj.index[wi];
                            if lw < tj.low[u as usize] {
                                tj.low[u as usize] = lw;
                            }
                        }
                    }
                    None => {
                        tj.call.pop();
                        let ui = u as usize;
                        if tj.low[ui] == tj.index[ui] {
                            loop {
                                let w = tj.stack.pop().expect("u is on the stack");
                                tj.on_stack[w as usize] = false;
                                tj.comp[w as usize] = ncomp;
                                if w == u {
                                    break;
                                }
                            }
                            ncomp += 1;
                        }
                        if let Some(&(p, _)) = tj.call.last() {
                            let lu = tj.low[ui];
                            if lu < tj.low[p as usize] {
                                tj.low[p as usize] = lu;
                            }
                        }
                    }
                }
            }
        }
        self.tarjan = tj;
    }
}

impl Propagator for AllDiffMatching {
    fn name(&self) -> &'static str {
        "all-different (matching)"
    }

    fn subscriptions(&self) -> Vec<(VarId, Events)> {
        self.terms.iter().map(|&(x, _)| (x, EV_DOM)).collect()
    }

    fn propagate(&mut self, s: &mut Store) -> PropResult {
        self.run(s)
    }

    fn priority(&self) -> Priority {
        Priority::Heavy
    }

    fn idempotent(&self) -> bool {
        // Removing the edges outside every maximum matching leaves a graph in
        // which every edge is in one: a second pass removes nothing.
        true
    }
}
