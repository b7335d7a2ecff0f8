//! Depth-first search over the 9×9 state: propagate, then guess.
//!
//! A guess copies the 304-byte state, places one candidate in the copy and
//! recurses; the last alternative reuses the state itself (no copy, no
//! recursion). Copying is cheaper than undoing: the state is a few cache
//! lines and propagation writes all over it.
//!
//! What to guess on (chosen by `State::propagate` at the fixpoint, where
//! the column closure has just computed the needed triad masks): tdoku's
//! idea of branching on *band configurations* rather than on cells. Within a
//! band (or stack) a digit occupies one triad per row and per box, one of
//! six permutations; the unit whose nine digits have the fewest
//! configurations left in all is the most constrained, and in it the digit
//! with the fewest (at least two) is branched on, one branch per
//! configuration. Measured on forum_hardest_1905_11+ (48,766 puzzles,
//! solution and proof of uniqueness, `examples/sudoku_timing.rs
//! --limit=2`): 61 guesses per puzzle with the triad rule of `state.rs`
//! (tdoku reports 65), 75 without it, and 140 for "first cell with two
//! candidates" (the JCZSolve rule) with the same propagation. When no digit
//! has two configurations anywhere, the guess is on the cell with the
//! fewest candidates.
//!
//! The search stops at `limit` solutions, so `limit = 1` finds one and
//! `limit = 2` decides uniqueness. Every 1024 guesses it calls the caller's
//! `stop` callback (Ctrl-C, deadlines).

use super::state::{Branch, State};
use super::tables::PERMUTATIONS;

/// What a search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Solutions found, at most the limit asked for.
    pub count: u64,
    /// The first solution found (values 1..=9), when there is one.
    pub solution: Option<[u8; 81]>,
    /// Search nodes at which the solver had to guess.
    pub guesses: u64,
    /// True when `stop` returned true before the search finished; `count`
    /// is then a lower bound.
    pub interrupted: bool,
}

struct Search<'a> {
    limit: u64,
    count: u64,
    solution: Option<[u8; 81]>,
    guesses: u64,
    stop: &'a mut dyn FnMut() -> bool,
    stopped: bool,
}

/// How often (in guesses) the stop callback is polled: 1024 guesses take
/// well under a millisecond.
const STOP_POLL_MASK: u64 = 1023;

impl Search<'_> {
    #[inline]
    fn done(&self) -> bool {
        self.count >= self.limit || self.stopped
    }

    fn explore(&mut self, mut s: State) {
        loop {
            let branch = match s.propagate() {
                Ok(branch) => branch,
                Err(_) => return,
            };
            if branch == Branch::Solved {
                self.count += 1;
                if self.solution.is_none() {
                    let mut out = [0u8; 81];
                    s.solution(&mut out);
                    self.solution = Some(out);
                }
                return;
            }
            self.guesses += 1;
            if self.guesses & STOP_POLL_MASK == 0 && (self.stop)() {
                self.stopped = true;
                return;
            }
            match branch {
                Branch::Band { unit, digit, triads } | Branch::Stack { unit, digit, triads } => {
                    let stack = matches!(branch, Branch::Stack { .. });
                    let (u, d) = (unit as usize, digit as usize);
                    let mut configs = PERMUTATIONS.iter().map(|&p| p as u32).filter(|&p| p & !(triads as u32) == 0);
                    let mut current = configs.next().unwrap_or(0);
                    // All configurations but the last in copies; the last in `s`.
                    for next in configs {
                        let mut copy = s;
                        if stack {
                            copy.restrict_stack(u, d, current);
                        } else {
                            copy.restrict_band(u, d, current);
                        }
                        self.explore(copy);
                        if self.done() {
                            return;
                        }
                        current = next;
                    }
                    if stack {
                        s.restrict_stack(u, d, current);
                    } else {
                        s.restrict_band(u, d, current);
                    }
                }
                _ => {
                    let (b, j) = choose_cell(&s);
                    let mut digits = s.cell_digits(b, j);
                    if digits == 0 {
                        return; // unreachable after propagation; kept for robustness
                    }
                    // All alternatives but the last in copies; the last in `s`.
                    while digits & (digits - 1) != 0 {
                        let d = digits.trailing_zeros() as usize;
                        digits &= digits - 1;
                        let mut copy = s;
                        if copy.insert(d, b, j).is_ok() {
                            self.explore(copy);
                        }
                        if self.done() {
                            return;
                        }
                        s.eliminate(d, b, j);
                    }
                    if s.insert(digits.trailing_zeros() as usize, b, j).is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// The cell to guess on (band, bit) in a propagated, unsolved state: the
/// first cell with two candidates, else the first with the fewest.
#[inline]
fn choose_cell(s: &State) -> (usize, usize) {
    let pairs = s.pairs();
    for b in 0..3 {
        if pairs[b] != 0 {
            return (b, pairs[b].trailing_zeros() as usize);
        }
    }
    let unsolved = s.unsolved();
    let mut best = (0, 0, u32::MAX);
    for b in 0..3 {
        let mut m = unsolved[b];
        while m != 0 {
            let j = m.trailing_zeros() as usize;
            m &= m - 1;
            let k = s.cell_digits(b, j).count_ones();
            if k < best.2 {
                best = (b, j, k);
            }
        }
    }
    (best.0, best.1)
}

/// Counts the solutions of `givens` (81 values, 0 = empty, 1..=9 digits;
/// larger values are a caller bug and panic), stopping at `limit` (at least
/// 1). Conflicting givens give a count of 0.
///
/// Cost: microseconds for typical puzzles; exponential in the worst case
/// (an almost empty grid with a large limit), which `stop` can cut short.
pub fn count(givens: &[u8], limit: u64, stop: &mut dyn FnMut() -> bool) -> Outcome {
    assert_eq!(givens.len(), 81, "a 9x9 grid has 81 cells");
    let mut search = Search { limit: limit.max(1), count: 0, solution: None, guesses: 0, stop, stopped: false };
    if let Some(state) = initial_state(givens) {
        search.explore(state);
    }
    Outcome { count: search.count, solution: search.solution, guesses: search.guesses, interrupted: search.stopped }
}

/// The state after placing the givens (not yet propagated), or `None` when
/// two givens conflict.
fn initial_state(givens: &[u8]) -> Option<State> {
    let mut s = State::empty();
    // The givens' positions as a bit mask first (no branch per cell: the
    // pattern of givens is unpredictable), then one insertion per given.
    let mut filled = 0u128;
    for (i, &v) in givens.iter().enumerate() {
        filled |= ((v != 0) as u128) << i;
    }
    while filled != 0 {
        let i = filled.trailing_zeros() as usize;
        filled &= filled - 1;
        let v = givens[i];
        assert!(v <= 9, "cell value {v} above 9");
        s.insert(v as usize - 1, i / 27, i % 27).ok()?;
    }
    Some(s)
}

/// One solution of `givens` (as for [`count`]), or `None` when there is none.
pub fn solve(givens: &[u8]) -> Option<[u8; 81]> {
    count(givens, 1, &mut || false).solution
}
