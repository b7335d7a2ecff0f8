//! The general n×n solver (n = 4, 9, 16, 25): cell candidate masks.
//!
//! Why a second solver: the band layout of `fast9` only works for 9×9.
//! Larger grids are rare and far fewer, so this one trades the last factor
//! of speed for one representation that serves every size: one `u32`
//! candidate mask per cell (n ≤ 25 digits), units and peers from a
//! [`Topology`] built once per box size. It also backs the generator's
//! random grids and, for 9×9, is the independent check of `fast9` in tests.
//!
//! Propagation, to a fixpoint, on every node:
//! - naked singles: a cell down to one digit removes it from its peers
//!   (a queue of newly decided cells);
//! - hidden singles and unit checks: per unit, bit-sliced "seen once /
//!   seen twice" masks give the digits with one place left (placed) and any
//!   digit with no place (contradiction);
//! - locked candidates: for each box and each row or column crossing it,
//!   digits confined to the crossing within the box leave the rest of the
//!   line (pointing), and digits confined to it within the line leave the
//!   rest of the box (claiming).
//!
//! Invariant between calls: a cell whose mask has one bit and whose
//! `decided` flag is set has had that digit removed from all its peers.
//!
//! Search: the cell with the fewest candidates (first such in row-major
//! order), digits in increasing order or in a random order when the caller
//! supplies a generator (the puzzle generator's random grids). State is
//! copied per guess into per-depth buffers allocated once per search.

use std::sync::OnceLock;

use super::grid::BoxSize;
use super::rng::Rng;

/// Units, peers and box/line crossings of one grid size.
#[derive(Debug)]
pub struct Topology {
    pub size: BoxSize,
    /// 3n units (rows, columns, boxes), n cells each.
    pub units: Vec<Vec<u16>>,
    /// Each cell's 2(n−1) + (b−1)² peers.
    pub peers: Vec<Vec<u16>>,
    /// Box/line crossings: (crossing cells, rest of the box, rest of the line).
    pub crossings: Vec<(Vec<u16>, Vec<u16>, Vec<u16>)>,
}

impl Topology {
    fn build(size: BoxSize) -> Topology {
        let (b, n) = (size.get(), size.side());
        let cell = |r: usize, c: usize| (r * n + c) as u16;
        let mut units = Vec::with_capacity(3 * n);
        for r in 0..n {
            units.push((0..n).map(|c| cell(r, c)).collect());
        }
        for c in 0..n {
            units.push((0..n).map(|r| cell(r, c)).collect());
        }
        for bx in 0..n {
            let (r0, c0) = (bx / b * b, bx % b * b);
            units.push((0..n).map(|k| cell(r0 + k / b, c0 + k % b)).collect::<Vec<u16>>());
        }
        let mut peers = vec![Vec::new(); n * n];
        for (i, p) in peers.iter_mut().enumerate() {
            let (r, c) = (i / n, i % n);
            for j in 0..n * n {
                let (r2, c2) = (j / n, j % n);
                let same_box = r / b == r2 / b && c / b == c2 / b;
                if j != i && (r == r2 || c == c2 || same_box) {
                    p.push(j as u16);
                }
            }
        }
        let mut crossings = Vec::new();
        for bx in 0..n {
            let bx_cells = &units[2 * n + bx];
            for k in 0..b {
                for vertical in [false, true] {
                    // Row r0 + k or column c0 + k of the box.
                    let line_index = if vertical { n + bx % b * b + k } else { bx / b * b + k };
                    let line = &units[line_index];
                    let cross: Vec<u16> = bx_cells.iter().copied().filter(|c| line.contains(c)).collect();
                    let rest_box = bx_cells.iter().copied().filter(|c| !cross.contains(c)).collect();
                    let rest_line = line.iter().copied().filter(|c| !cross.contains(c)).collect();
                    crossings.push((cross, rest_box, rest_line));
                }
            }
        }
        Topology { size, units, peers, crossings }
    }

    /// The topology of a box size, built on first use.
    pub fn of(size: BoxSize) -> &'static Topology {
        static CACHE: [OnceLock<Topology>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
        CACHE[size.get() - 2].get_or_init(|| Topology::build(size))
    }

    pub fn side(&self) -> usize {
        self.size.side()
    }
}

/// Some unit or cell has no place left for a digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contradiction;

/// Candidate masks of a grid under propagation (bit `v − 1` = digit `v`).
#[derive(Clone, Debug)]
pub struct Candidates {
    pub topo: &'static Topology,
    pub cand: Vec<u32>,
    decided: Vec<bool>,
    queue: Vec<u16>,
}

impl Candidates {
    /// Every digit everywhere.
    pub fn new(size: BoxSize) -> Candidates {
        let topo = Topology::of(size);
        let cells = size.cells();
        let all = (1u32 << size.side()) - 1;
        Candidates { topo, cand: vec![all; cells], decided: vec![false; cells], queue: Vec::new() }
    }

    /// The candidates of a puzzle's givens, not yet propagated. Errors when a
    /// value is above n (a caller bug in `values`) — never for conflicts,
    /// which propagation finds.
    pub fn from_values(size: BoxSize, values: &[u8]) -> Candidates {
        let mut c = Candidates::new(size);
        for (i, &v) in values.iter().enumerate() {
            if v != 0 {
                c.cand[i] = 1 << (v - 1);
                c.queue.push(i as u16);
                c.decided[i] = true;
            }
        }
        c
    }

    fn all(&self) -> u32 {
        (1u32 << self.topo.side()) - 1
    }

    /// Copies `other` into `self` without reallocating.
    pub fn copy_from(&mut self, other: &Candidates) {
        self.cand.copy_from_slice(&other.cand);
        self.decided.copy_from_slice(&other.decided);
        self.queue.clear();
        self.queue.extend_from_slice(&other.queue);
    }

    /// Restricts cell `i` to `mask` (a subset of its candidates).
    pub fn restrict(&mut self, i: usize, mask: u32) -> Result<(), Contradiction> {
        let m = self.cand[i] & mask;
        if m == 0 {
            return Err(Contradiction);
        }
        self.cand[i] = m;
        self.note(i);
        Ok(())
    }

    /// Queues cell `i` when it has just become decided.
    #[inline]
    fn note(&mut self, i: usize) {
        if !self.decided[i] && self.cand[i].is_power_of_two() {
            self.decided[i] = true;
            self.queue.push(i as u16);
        }
    }

    /// Removes `mask` from cell `i`.
    #[inline]
    fn remove(&mut self, i: usize, mask: u32) -> Result<bool, Contradiction> {
        if self.cand[i] & mask == 0 {
            return Ok(false);
        }
        self.cand[i] &= !mask;
        if self.cand[i] == 0 {
            return Err(Contradiction);
        }
        self.note(i);
        Ok(true)
    }

    /// Naked singles until the queue is empty.
    fn naked_singles(&mut self) -> Result<(), Contradiction> {
        while let Some(i) = self.queue.pop() {
            let v = self.cand[i as usize];
            for &p in &self.topo.peers[i as usize] {
                self.remove(p as usize, v)?;
            }
        }
        Ok(())
    }

    /// Hidden singles and the unit check. Returns whether a cell changed.
    fn hidden_singles(&mut self) -> Result<bool, Contradiction> {
        let all = self.all();
        let mut changed = false;
        for u in 0..self.topo.units.len() {
            let (mut once, mut twice) = (0u32, 0u32);
            for &c in &self.topo.units[u] {
                let m = self.cand[c as usize];
                twice |= once & m;
                once |= m;
            }
            if once != all {
                return Err(Contradiction);
            }
            let single = once & !twice;
            if single == 0 {
                continue;
            }
            for &c in &self.topo.units[u] {
                let c = c as usize;
                let hit = self.cand[c] & single;
                if hit != 0 && self.cand[c] != hit {
                    if !hit.is_power_of_two() {
                        return Err(Contradiction); // two digits need this one cell
                    }
                    self.cand[c] = hit;
                    self.note(c);
                    changed = true;
                }
            }
        }
        Ok(changed)
    }

    /// Locked candidates, both kinds. Returns whether a candidate went.
    fn locked_candidates(&mut self) -> Result<bool, Contradiction> {
        let mut changed = false;
        for k in 0..self.topo.crossings.len() {
            let (cross, rest_box, rest_line) = &self.topo.crossings[k];
            let or = |cells: &[u16], cand: &[u32]| cells.iter().fold(0u32, |m, &c| m | cand[c as usize]);
            let in_cross = or(cross, &self.cand);
            let in_box = or(rest_box, &self.cand);
            let in_line = or(rest_line, &self.cand);
            let pointing = in_cross & !in_box & in_line;
            let claiming = in_cross & !in_line & in_box;
            for &c in rest_line.iter().filter(|_| pointing != 0) {
                changed |= self.remove(c as usize, pointing)?;
            }
            for &c in rest_box.iter().filter(|_| claiming != 0) {
                changed |= self.remove(c as usize, claiming)?;
            }
        }
        Ok(changed)
    }

    /// All three rules to their joint fixpoint.
    pub fn propagate(&mut self) -> Result<(), Contradiction> {
        loop {
            self.naked_singles()?;
            if self.hidden_singles()? {
                continue;
            }
            if !self.locked_candidates()? && self.queue.is_empty() {
                return Ok(());
            }
        }
    }

    /// True when every cell has one candidate.
    pub fn solved(&self) -> bool {
        self.cand.iter().all(|m| m.is_power_of_two())
    }

    /// The values (1..=n; 0 where a cell still has several candidates).
    pub fn values(&self) -> Vec<u8> {
        self.cand.iter().map(|&m| if m.is_power_of_two() { m.trailing_zeros() as u8 + 1 } else { 0 }).collect()
    }

    /// The undecided cell with the fewest candidates (first in row-major order).
    fn choose_cell(&self) -> Option<usize> {
        let mut best: Option<(usize, u32)> = None;
        for (i, &m) in self.cand.iter().enumerate() {
            let k = m.count_ones();
            if k >= 2 && best.map_or(true, |(_, bk)| k < bk) {
                best = Some((i, k));
                if k == 2 {
                    break;
                }
            }
        }
        best.map(|(i, _)| i)
    }
}

/// What a search found (as `fast9::Outcome`, any size).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Solutions found, at most the limit.
    pub count: u64,
    /// The first solution found (values 1..=n).
    pub solution: Option<Vec<u8>>,
    /// Search nodes at which a guess was made.
    pub guesses: u64,
    /// `stop` returned true: `count` is a lower bound.
    pub interrupted: bool,
    /// The guess budget ran out: `count` is a lower bound.
    pub exhausted: bool,
}

/// Search limits and the randomness of the value order.
pub struct Limits<'a> {
    /// Stop after this many solutions (at least 1).
    pub solutions: u64,
    /// Stop after this many guesses (`u64::MAX` for none).
    pub guesses: u64,
    /// Polled every 1024 guesses; true stops the search.
    pub stop: &'a mut dyn FnMut() -> bool,
    /// When set, each guess tries the digits in a random order.
    pub rng: Option<&'a mut Rng>,
}

struct Search<'a, 'b> {
    limits: &'b mut Limits<'a>,
    out: Outcome,
    /// Per-depth state buffers, reused across the search.
    stack: Vec<Candidates>,
}

impl Search<'_, '_> {
    fn done(&self) -> bool {
        self.out.count >= self.limits.solutions || self.out.interrupted || self.out.exhausted
    }

    fn explore(&mut self, depth: usize) {
        if self.stack[depth].propagate().is_err() {
            return;
        }
        let cell = match self.stack[depth].choose_cell() {
            None => {
                self.out.count += 1;
                if self.out.solution.is_none() {
                    self.out.solution = Some(self.stack[depth].values());
                }
                return;
            }
            Some(cell) => cell,
        };
        self.out.guesses += 1;
        if self.out.guesses >= self.limits.guesses {
            self.out.exhausted = true;
            return;
        }
        if self.out.guesses & 1023 == 0 && (self.limits.stop)() {
            self.out.interrupted = true;
            return;
        }
        let mask = self.stack[depth].cand[cell];
        let mut digits: Vec<u32> = (0..32).filter(|d| mask >> d & 1 != 0).collect();
        if let Some(rng) = self.limits.rng.as_deref_mut() {
            rng.shuffle(&mut digits);
        }
        if self.stack.len() <= depth + 1 {
            let fresh = self.stack[depth].clone();
            self.stack.push(fresh);
        }
        for d in digits {
            let (lower, upper) = self.stack.split_at_mut(depth + 1);
            let next = &mut upper[0];
            next.copy_from(&lower[depth]);
            if next.restrict(cell, 1 << d).is_ok() {
                self.explore(depth + 1);
            }
            if self.done() {
                return;
            }
        }
    }
}

/// Counts the solutions of a grid of any supported size (`values`: n²
/// values, 0 empty; a value above n panics, a caller bug) up to the limits.
/// Conflicting givens count 0.
///
/// Cost: polynomial per node (O(n³) per propagation sweep); the number of
/// nodes is exponential in the worst case, bounded by `limits.guesses`.
pub fn count(size: BoxSize, values: &[u8], limits: &mut Limits<'_>) -> Outcome {
    assert_eq!(values.len(), size.cells(), "grid of {} cells", size.cells());
    assert!(values.iter().all(|&v| v as usize <= size.side()), "value above n");
    let start = Candidates::from_values(size, values);
    let mut search = Search {
        limits,
        out: Outcome { count: 0, solution: None, guesses: 0, interrupted: false, exhausted: false },
        stack: vec![start],
    };
    search.explore(0);
    search.out
}

/// One solution, or `None`. Unbounded (see [`count`]).
pub fn solve(size: BoxSize, values: &[u8]) -> Option<Vec<u8>> {
    let mut limits = Limits { solutions: 1, guesses: u64::MAX, stop: &mut || false, rng: None };
    count(size, values, &mut limits).solution
}
