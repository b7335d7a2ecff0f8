//! The 9×9 search state and its propagation.
//!
//! # Representation
//!
//! A *subband* is one digit in one band: `cand[3·d + b]` is the 27-bit set
//! of cells of band `b` where digit `d` may still go (bit layout in
//! `tables.rs`). A placed digit stays in its own subband as the only bit of
//! its row, box and column; `unsolved[b]` holds the cells of band `b` whose
//! digit is not known yet.
//!
//! # Invariants
//!
//! Propagation is lazy, as in JCZSolve: placing a digit ([`State::insert`])
//! only clears its peers within its own subband. Everything else follows
//! when that subband is next updated, which the next sweep does because
//! `cand[i] != seen[i]` marks it changed (no queue). So between operations a
//! state may hold candidates that a placement has already ruled out; at the
//! fixpoint of [`State::propagate`]:
//! - `seen == cand`: every subband has been updated since its last change;
//! - a cell outside `unsolved` is in exactly one subband, and that digit has
//!   no other candidate in the cell's row, column or box.
//!
//! # Propagation, cheapest first
//!
//! 1. Subband update ([`State::update_subband`], the hot loop, branch-free):
//!    the triad closure of the band (locked candidates, pointing and
//!    claiming, along rows); the columns the digit is down to in each box
//!    leave the digit's other two subbands (pointing along columns, and the
//!    column of a placed digit); rows left with one cell are solved, and
//!    their cells leave the other eight digits' subbands. Hidden singles in
//!    rows and boxes come out of this.
//! 2. Naked singles ([`State::naked_singles`]): bit-sliced counts over the
//!    nine subbands of a band give, 27 cells at a time, the cells with no
//!    candidate (contradiction), one (placed) and two.
//! 3. When 1 and 2 are stuck, before a guess ([`State::stall`]): the triad
//!    closure along columns for every digit (locked candidates of the
//!    claiming kind along columns, hence hidden singles in columns);
//! 4. then tdoku's triad rule ([`State::triad_capacity`]): the three cells
//!    of a triad hold exactly three digits, so three digits forced into a
//!    triad push the others out, and a triad with only three possible digits
//!    gets all three. Without it, branching on configurations (see
//!    `search.rs`) can overfill a triad and not notice until cells run out:
//!    the empty grid took 184,800 guesses to fill instead of 36.
//!
//! Rules 3 and 4 cost more than a sweep and rarely fire, so they run only
//! where a guess is the alternative.
//!
//! A contradiction is `Err(Contradiction)`; the state is then garbage and
//! the caller drops it (search copies the state before each guess).

use super::tables::{
    BAND_PEERS, BOXES_OF_ROW, CLOSED_CELLS, FORCED_SPREAD, CLOSURE_INFO, COLUMN, INFO_CONFIGS_SHIFT, INFO_FORCED_SHIFT,
    INFO_RANK_SHIFT, INFO_TRIADS, LONE_CELL, OTHER_BANDS_KEEP, RANK_NONE, TRIAD_CELLS, TRIAD_CLOSURE, TRIAD_RIVALS,
};

/// What to guess on at a propagation fixpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Branch {
    /// Nothing: every cell is filled.
    Solved,
    /// The configurations of `digit` in band `unit` (a triad mask, bit
    /// 3·row + box, holding at least two).
    Band { unit: u8, digit: u8, triads: u16 },
    /// The configurations of `digit` in stack `unit` (bit 3·band + column).
    Stack { unit: u8, digit: u8, triads: u16 },
    /// No digit has two configurations left anywhere: guess on a cell.
    Cell,
}

/// Some unit or cell has no place left for a digit: this branch has no solution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contradiction;

pub type Propagation = Result<(), Contradiction>;

/// The complete search state (384 bytes, copied at each guess).
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
pub struct State {
    /// Lane 27 is padding (0 in both arrays) so that the arrays are seven
    /// 128-bit vectors for [`State::changed_subbands`].
    cand: [u32; 28],
    unsolved: [u32; 3],
    seen: [u32; 28],
    /// Cells with exactly two candidates, per band, as of the last
    /// [`State::naked_singles`] (valid at a propagation fixpoint).
    pairs: [u32; 3],
    /// The row triads of each subband as of its last update (before the
    /// closure), for the stall: at a fixpoint their closure is exact.
    triads: [u16; 27],
    /// The columns of each subband after its last update (same use).
    columns: [u16; 27],
}

const BAND: u32 = super::tables::BAND;

/// Spreads a 9-bit stack triad mask (bit 3·band + column) to the positions
/// of the column presence word (bit 9·band + column).
#[inline(always)]
fn spread_stack(w: u32) -> u32 {
    (w & 7) | (w & 0o70) << 6 | (w & 0o700) << 12
}

/// Gathers bits {0,1,2, 9,10,11, 18,19,20} of `x` into bits 0..9 (one
/// multiply: the three shifted copies land on disjoint bits, so no carries).
#[inline(always)]
fn gather_stack(x: u32) -> u32 {
    (((x & 0x1c0e07) as u64 * 0x1041) >> 12) as u32 & 0x1ff
}

/// The columns (9 bits) holding at least one bit of a band word.
#[inline(always)]
fn columns(x: u32) -> u32 {
    (x | x >> 9 | x >> 18) & 0x1ff
}

impl State {
    /// The state of an empty grid: every digit possible everywhere.
    pub fn empty() -> State {
        State {
            cand: [BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND,
                   BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, BAND, 0],
            unsolved: [BAND; 3],
            // Differs from `cand`, so the first sweep visits every subband.
            seen: [0; 28],
            pairs: [0; 3],
            triads: [0; 27],
            columns: [0; 27],
        }
    }

    /// Places digit `d` (0-based) at band `b`, bit `j`: clears the cell's
    /// peers in the subband; the next propagation does the rest. Errors when
    /// `d` is no longer a candidate there.
    #[inline(always)]
    pub fn insert(&mut self, d: usize, b: usize, j: usize) -> Propagation {
        let i = 3 * d + b;
        if self.cand[i] >> j & 1 == 0 {
            return Err(Contradiction);
        }
        self.cand[i] &= !BAND_PEERS[j];
        Ok(())
    }

    /// Removes candidate `d` from cell (band `b`, bit `j`).
    #[inline(always)]
    pub fn eliminate(&mut self, d: usize, b: usize, j: usize) {
        self.cand[3 * d + b] &= !(1 << j);
    }

    /// True when every cell holds a digit (meaningful after propagation).
    #[inline(always)]
    pub fn solved(&self) -> bool {
        (self.unsolved[0] | self.unsolved[1] | self.unsolved[2]) == 0
    }

    /// Runs the three propagation rules to their joint fixpoint. At the
    /// fixpoint, returns the guess to make next ([`Branch::Solved`] when
    /// every cell is filled).
    pub fn propagate(&mut self) -> Result<Branch, Contradiction> {
        loop {
            self.sweep()?;
            if self.solved() {
                return Ok(Branch::Solved);
            }
            if self.naked_singles()? {
                continue;
            }
            if let Some(branch) = self.stall()? {
                return Ok(branch);
            }
        }
    }

    /// Rule 1 until no subband has changed since its last update. Each
    /// round takes the set of changed subbands in one vector comparison and
    /// updates them in order; what those updates change is the next round.
    #[inline(never)]
    fn sweep(&mut self) -> Propagation {
        loop {
            let mut changed = self.changed_subbands();
            if changed == 0 {
                return Ok(());
            }
            while changed != 0 {
                let i = changed.trailing_zeros() as usize;
                changed &= changed - 1;
                self.update_subband(i)?;
            }
        }
    }

    /// Bit `i` set when `cand[i] != seen[i]` (27 bits).
    #[inline(always)]
    fn changed_subbands(&self) -> u32 {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{__m128i, _mm_castsi128_ps, _mm_cmpeq_epi32, _mm_loadu_si128, _mm_movemask_ps};
            let mut equal = 0u32;
            for k in 0..7 {
                // SAFETY: SSE2 is part of x86_64; lanes 4k..4k+4 lie inside
                // the 28-element arrays.
                let m = unsafe {
                    let c = _mm_loadu_si128(self.cand.as_ptr().add(4 * k) as *const __m128i);
                    let s = _mm_loadu_si128(self.seen.as_ptr().add(4 * k) as *const __m128i);
                    _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(c, s)))
                };
                equal |= (m as u32) << (4 * k);
            }
            !equal & ((1 << 27) - 1)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            (0..27).fold(0u32, |m, i| m | ((self.cand[i] != self.seen[i]) as u32) << i)
        }
    }

    /// Rule 1 for subband `i` (see the module doc).
    #[inline(always)]
    fn update_subband(&mut self, i: usize) -> Propagation {
        let (d, b) = (i / 3, i % 3);
        let x = self.cand[i];
        let triads = BOXES_OF_ROW[(x & 0x1ff) as usize]
            | BOXES_OF_ROW[(x >> 9 & 0x1ff) as usize] << 3
            | BOXES_OF_ROW[(x >> 18 & 0x1ff) as usize] << 6;
        let s = x & CLOSED_CELLS[triads as usize & 0x1ff];
        if s == 0 {
            return Err(Contradiction);
        }
        self.triads[i] = triads;
        let cols = columns(s);
        self.columns[i] = cols as u16;
        let keep = OTHER_BANDS_KEEP[cols as usize];
        self.cand[3 * d + (b + 1) % 3] &= keep;
        self.cand[3 * d + (b + 2) % 3] &= keep;
        let lone = LONE_CELL[(s & 0x1ff) as usize] as u32
            | (LONE_CELL[(s >> 9 & 0x1ff) as usize] as u32) << 9
            | (LONE_CELL[(s >> 18 & 0x1ff) as usize] as u32) << 18;
        self.unsolved[b] &= !lone;
        for e in 0..9 {
            self.cand[3 * e + b] &= !lone;
        }
        self.cand[i] = s;
        self.seen[i] = s;
        Ok(())
    }

    /// Rule 2. Returns whether a digit was placed; records `pairs`.
    #[inline(never)]
    fn naked_singles(&mut self) -> Result<bool, Contradiction> {
        let mut placed = false;
        for b in 0..3 {
            let (mut one, mut two, mut three) = (0u32, 0u32, 0u32);
            for d in 0..9 {
                let x = self.cand[3 * d + b];
                three |= two & x;
                two |= one & x;
                one |= x;
            }
            if one != BAND {
                return Err(Contradiction);
            }
            self.pairs[b] = two & !three;
            let mut single = self.unsolved[b] & !two;
            while single != 0 {
                let j = single.trailing_zeros() as usize;
                single &= single - 1;
                // Branch-free: the digit is the one bit of the cell's mask.
                // It may have gone with an earlier single of this loop (same
                // digit in the same band): then the mask is empty.
                let digits = self.cell_digits(b, j);
                if digits == 0 {
                    return Err(Contradiction);
                }
                self.insert(digits.trailing_zeros() as usize, b, j)?;
                placed = true;
            }
        }
        Ok(placed)
    }

    /// Rules 3 and 4, then the choice of the next guess. Returns `None`
    /// when a rule removed something (propagation goes on), else the
    /// branch: the band or stack whose digits have the fewest configurations
    /// in all, and in it the digit with the fewest (see `search.rs`).
    #[inline(never)]
    fn stall(&mut self) -> Result<Option<Branch>, Contradiction> {
        // Vertical triads (a column within a band): per digit, bit
        // 9·band + column of `present`. Branch-free survey of the closures:
        // any that removes a triad (`changed`) or is empty (`empty`); per
        // stack the total configurations and the smallest key rank << 4 | digit.
        let (mut changed, mut empty) = (0u32, 0u32);
        let mut v_total = [0u32; 3];
        let mut v_best = [u32::MAX; 3];
        let mut present = [0u32; 9];
        let mut v_forced = [0u32; 9];
        for d in 0..9 {
            let c = &self.columns[3 * d..3 * d + 3];
            present[d] = c[0] as u32 | (c[1] as u32) << 9 | (c[2] as u32) << 18;
            for stack in 0..3 {
                let t = gather_stack(present[d] >> (3 * stack));
                let info = CLOSURE_INFO[t as usize];
                let closed = info & INFO_TRIADS;
                changed |= closed ^ t;
                empty |= closed.wrapping_sub(1) >> 31;
                v_total[stack] += info >> INFO_CONFIGS_SHIFT & 7;
                v_best[stack] = v_best[stack].min((info >> INFO_RANK_SHIFT & 15) << 4 | d as u32);
                v_forced[d] |= FORCED_SPREAD[t as usize] << (3 * stack);
            }
        }
        if empty != 0 {
            return Err(Contradiction);
        }
        if changed != 0 {
            // Rule 3: the column closure removed vertical triads.
            for d in 0..9 {
                let mut keep = 0u32;
                for stack in 0..3 {
                    let closed = TRIAD_CLOSURE[gather_stack(present[d] >> (3 * stack)) as usize] as u32;
                    keep |= spread_stack(closed) << (3 * stack);
                }
                for b in 0..3 {
                    self.cand[3 * d + b] &= (keep >> (9 * b) & 0x1ff) * COLUMN;
                }
            }
            return Ok(None);
        }
        // Horizontal triads (bit 9·band + 3·row + box), closed by the sweep.
        let mut h_total = [0u32; 3];
        let mut h_best = [u32::MAX; 3];
        let mut h_possible = [0u32; 9];
        let mut h_forced = [0u32; 9];
        for d in 0..9 {
            for b in 0..3 {
                let info = CLOSURE_INFO[self.triads[3 * d + b] as usize & 0x1ff];
                let triads = info & INFO_TRIADS;
                h_total[b] += info >> INFO_CONFIGS_SHIFT & 7;
                h_best[b] = h_best[b].min((info >> INFO_RANK_SHIFT & 15) << 4 | d as u32);
                h_possible[d] |= triads << (9 * b);
                h_forced[d] |= (info >> INFO_FORCED_SHIFT & 0x1ff) << (9 * b);
            }
        }
        // Rule 4, both orientations.
        if self.triad_capacity(&h_possible, &h_forced, false)? | self.triad_capacity(&present, &v_forced, true)? {
            return Ok(None);
        }
        let mut choice = Branch::Cell;
        let mut fewest = u32::MAX;
        for b in 0..3 {
            if h_best[b] >> 4 != RANK_NONE && h_total[b] < fewest {
                fewest = h_total[b];
                let d = (h_best[b] & 15) as usize;
                let triads = (h_possible[d] >> (9 * b) & 0x1ff) as u16;
                choice = Branch::Band { unit: b as u8, digit: d as u8, triads };
            }
        }
        for stack in 0..3 {
            if v_best[stack] >> 4 != RANK_NONE && v_total[stack] < fewest {
                fewest = v_total[stack];
                let d = (v_best[stack] & 15) as usize;
                let triads = gather_stack(present[d] >> (3 * stack)) as u16;
                choice = Branch::Stack { unit: stack as u8, digit: d as u8, triads };
            }
        }
        Ok(Some(choice))
    }

    /// Rule 4: a triad's three cells hold exactly three digits. With
    /// bit-sliced counts over the nine digits of `possible` (the triads
    /// where each digit may be) and `forced` (where it must be), 27 triads
    /// at a time: fewer than three possible digits or more than three forced
    /// is a contradiction; three forced digits fill the triad (the others
    /// leave it); three possible digits must all be there. Triad bits are
    /// 9·band + 3·row + box (`vertical` false) or 9·band + column (true).
    /// Returns whether a candidate went.
    #[inline(always)]
    fn triad_capacity(&mut self, possible: &[u32; 9], forced: &[u32; 9], vertical: bool) -> Result<bool, Contradiction> {
        let (mut p1, mut p2, mut p3, mut p4) = (0u32, 0u32, 0u32, 0u32);
        let (mut f1, mut f2, mut f3, mut f4) = (0u32, 0u32, 0u32, 0u32);
        for d in 0..9 {
            let (p, f) = (possible[d], forced[d]);
            p4 |= p3 & p;
            p3 |= p2 & p;
            p2 |= p1 & p;
            p1 |= p;
            f4 |= f3 & f;
            f3 |= f2 & f;
            f2 |= f1 & f;
            f1 |= f;
        }
        if !p3 & BAND != 0 || f4 != 0 {
            return Err(Contradiction);
        }
        let (full, exact) = (f3, p3 & !p4);
        if full & !exact == 0 && exact & !full == 0 && full == exact {
            // Every triad with three possible digits already has them forced.
            return Ok(false);
        }
        let mut changed = false;
        for d in 0..9 {
            let leave = full & possible[d] & !forced[d];
            let need = exact & possible[d] & !forced[d];
            if leave | need == 0 {
                continue;
            }
            changed = true;
            for b in 0..3 {
                let (leave, mut need) = (leave >> (9 * b) & 0x1ff, need >> (9 * b) & 0x1ff);
                if !vertical {
                    let mut out = leave;
                    while need != 0 {
                        out |= TRIAD_RIVALS[need.trailing_zeros() as usize] as u32;
                        need &= need - 1;
                    }
                    self.cand[3 * d + b] &= !TRIAD_CELLS[out as usize];
                } else {
                    self.cand[3 * d + b] &= !(leave * COLUMN);
                    while need != 0 {
                        let c = need.trailing_zeros();
                        need &= need - 1;
                        let stack_others = (7u32 << (c / 3 * 3)) & !(1 << c);
                        self.cand[3 * d + b] &= !(stack_others * COLUMN);
                        for other in 0..3 {
                            if other != b {
                                self.cand[3 * d + other] &= !(COLUMN << c);
                            }
                        }
                    }
                }
            }
        }
        Ok(changed)
    }

    /// Restricts digit `d` in band `b` to the triads of `triads` (a mask of
    /// one configuration, or several).
    #[inline]
    pub fn restrict_band(&mut self, b: usize, d: usize, triads: u32) {
        self.cand[3 * d + b] &= TRIAD_CELLS[triads as usize & 0x1ff];
    }

    /// Restricts digit `d` in stack `st` to the vertical triads of `triads`
    /// (bit 3·band + column within the stack).
    #[inline]
    pub fn restrict_stack(&mut self, st: usize, d: usize, triads: u32) {
        let stack = 7u32 << (3 * st);
        for b in 0..3 {
            let cols = (triads >> (3 * b) & 7) << (3 * st);
            self.cand[3 * d + b] &= !((stack & !cols) * COLUMN);
        }
    }

    /// Cells with exactly two candidates, per band (valid after propagation).
    #[inline(always)]
    pub fn pairs(&self) -> [u32; 3] {
        self.pairs
    }

    /// Unsolved cells, per band.
    #[inline(always)]
    pub fn unsolved(&self) -> [u32; 3] {
        self.unsolved
    }

    /// The candidates of cell (band `b`, bit `j`) as a 9-bit digit mask.
    #[inline]
    pub fn cell_digits(&self, b: usize, j: usize) -> u32 {
        let mut m = 0;
        for d in 0..9 {
            m |= (self.cand[3 * d + b] >> j & 1) << d;
        }
        m
    }

    /// The grid of a solved state as values 1..=9.
    pub fn solution(&self, out: &mut [u8; 81]) {
        for i in 0..27 {
            let (d, b) = (i / 3, i % 3);
            let mut m = self.cand[i];
            while m != 0 {
                let j = m.trailing_zeros() as usize;
                m &= m - 1;
                out[27 * b + j] = d as u8 + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_and_spread_are_inverse() {
        for w in 0..512u32 {
            assert_eq!(gather_stack(spread_stack(w)), w);
        }
        // Bits outside the three groups are ignored.
        assert_eq!(gather_stack(0x7ff_ffff & !0x1c0e07), 0);
    }
}

