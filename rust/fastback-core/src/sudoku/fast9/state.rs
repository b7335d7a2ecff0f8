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
//!    candidate (contradiction), one (placed) and two (kept for guessing).
//! 3. When 1 and 2 are stuck, before a guess: the triad closure along
//!    columns for every digit ([`State::column_closure`]), which adds locked
//!    candidates of the claiming kind along columns and with them hidden
//!    singles in columns. It is worth its cost only where a guess is the
//!    alternative.
//!
//! A contradiction is `Err(Contradiction)`; the state is then garbage and
//! the caller drops it (search copies the state before each guess).

use super::tables::{
    BAND_PEERS, BOXES_OF_ROW, CLOSED_CELLS, CLOSURE_INFO, COLUMN, INFO_CONFIGS_SHIFT, INFO_RANK_SHIFT, INFO_TRIADS,
    LONE_CELL, OTHER_BANDS_KEEP, RANK_NONE, TRIAD_CELLS, TRIAD_CLOSURE,
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

/// The complete search state (240 bytes, copied at each guess).
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
pub struct State {
    cand: [u32; 27],
    unsolved: [u32; 3],
    seen: [u32; 27],
    /// Cells with exactly two candidates, per band, as of the last
    /// [`State::naked_singles`] (valid at a propagation fixpoint).
    pairs: [u32; 3],
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
            cand: [BAND; 27],
            unsolved: [BAND; 3],
            // Differs from `cand`, so the first sweep visits every subband.
            seen: [0; 27],
            pairs: [0; 3],
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
            if let Some(branch) = self.column_closure()? {
                return Ok(branch);
            }
        }
    }

    /// Rules 1 and 2 only (no column closure): what the search runs after
    /// each guess.
    #[inline(never)]
    fn sweep(&mut self) -> Propagation {
        loop {
            let mut changed = false;
            // Unrolled so that each subband's digit, band and neighbours
            // are constants.
            macro_rules! visit {
                ($($i:literal)*) => {$(
                    if self.cand[$i] != self.seen[$i] {
                        changed = true;
                        self.update_subband($i)?;
                    }
                )*};
            }
            visit!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26);
            if !changed {
                return Ok(());
            }
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
        let keep = OTHER_BANDS_KEEP[columns(s) as usize];
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
                let d = (0..9).find(|&d| self.cand[3 * d + b] >> j & 1 != 0);
                // The cell's one candidate may have gone with an earlier
                // single of this loop (same digit in the same band).
                let d = d.ok_or(Contradiction)?;
                self.insert(d, b, j)?;
                placed = true;
            }
        }
        Ok(placed)
    }

    /// Rule 3: the triad closure along columns, for every digit. When it
    /// removes nothing, the state is at its fixpoint and this also picks the
    /// next guess (see `search.rs`): the band or stack whose digits have the
    /// fewest configurations in all, and in it the digit with the fewest
    /// (at least two). Returns `None` when something was removed.
    #[inline(never)]
    fn column_closure(&mut self) -> Result<Option<Branch>, Contradiction> {
        // Branch-free survey of the 27 (digit, stack) triad masks: any
        // closure that removes a triad (`changed`) or is empty (`empty`);
        // per stack the total configurations and the smallest rank key
        // (rank << 4 | digit).
        let (mut changed, mut empty) = (0u32, 0u32);
        let mut total = [0u32; 3];
        let mut best = [u32::MAX; 3];
        let mut present = [0u32; 9];
        for d in 0..9 {
            let s = &self.cand[3 * d..3 * d + 3];
            present[d] = columns(s[0]) | columns(s[1]) << 9 | columns(s[2]) << 18;
            for stack in 0..3 {
                let t = gather_stack(present[d] >> (3 * stack));
                let info = CLOSURE_INFO[t as usize];
                let closed = info & INFO_TRIADS;
                changed |= closed ^ t;
                empty |= closed.wrapping_sub(1) >> 31;
                total[stack] += info >> INFO_CONFIGS_SHIFT & 7;
                best[stack] = best[stack].min((info >> INFO_RANK_SHIFT & 15) << 4 | d as u32);
            }
        }
        if empty != 0 {
            return Err(Contradiction);
        }
        if changed != 0 {
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
        // The fixpoint: choose the unit with the fewest configurations in
        // all among those with a digit of rank below RANK_NONE.
        let mut choice = Branch::Cell;
        let mut fewest = u32::MAX;
        for b in 0..3 {
            let (mut band_total, mut band_best) = (0u32, u32::MAX);
            for d in 0..9 {
                let x = self.cand[3 * d + b];
                let triads = BOXES_OF_ROW[(x & 0x1ff) as usize]
                    | BOXES_OF_ROW[(x >> 9 & 0x1ff) as usize] << 3
                    | BOXES_OF_ROW[(x >> 18 & 0x1ff) as usize] << 6;
                let info = CLOSURE_INFO[triads as usize & 0x1ff];
                band_total += info >> INFO_CONFIGS_SHIFT & 7;
                band_best = band_best.min((info >> INFO_RANK_SHIFT & 15) << 4 | d as u32);
            }
            if band_best >> 4 != RANK_NONE && band_total < fewest {
                fewest = band_total;
                let d = (band_best & 15) as usize;
                let x = self.cand[3 * d + b];
                let triads = BOXES_OF_ROW[(x & 0x1ff) as usize]
                    | BOXES_OF_ROW[(x >> 9 & 0x1ff) as usize] << 3
                    | BOXES_OF_ROW[(x >> 18 & 0x1ff) as usize] << 6;
                choice = Branch::Band { unit: b as u8, digit: d as u8, triads };
            }
        }
        for stack in 0..3 {
            if best[stack] >> 4 != RANK_NONE && total[stack] < fewest {
                fewest = total[stack];
                let d = (best[stack] & 15) as usize;
                let triads = gather_stack(present[d] >> (3 * stack)) as u16;
                choice = Branch::Stack { unit: stack as u8, digit: d as u8, triads };
            }
        }
        Ok(Some(choice))
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

