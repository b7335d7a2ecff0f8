//! Depth-first Sudoku search with simple propagation, recording every step
//! as a [`SudokuEvent`].
//!
//! The search is the textbook one that the trace papers linearise: pick a
//! cell (fewest candidates, or the first empty cell), try its candidates in
//! order, after each placement propagate, and on a contradiction undo the
//! placement and everything that followed it. Propagation is deliberately
//! simple (naked singles, optionally hidden singles): every filled cell must
//! be explainable in one sentence of a trace.
//!
//! Invariants, maintained by [`Board`]:
//! - `row_used[r]`, `col_used[c]`, `box_used[b]` hold bit `v - 1` exactly
//!   when value `v` is placed in that unit; the candidates of an empty cell
//!   are the values in none of its three masks.
//! - `trail` lists the cells placed since the puzzle's givens, in order;
//!   `undo_to(mark)` empties the cells after `mark` and restores the masks,
//!   so a revert undoes exactly what came after its guess.
//!
//! The event stream is well nested: every `Guess` is followed, later, either
//! by the `Revert` of that same guess or by `Solved`; a `Revert` undoes the
//! most recent open guess and every placement after it; a `Dead` (a
//! contradiction) always comes before the `Revert` it causes. Traces rendered
//! from a projection of the search (see `guided`) may also revert an older
//! open guess directly after a dead end, undoing the nested guesses with it.

use super::grid::{Cell, Grid, Shape, Unit};
use crate::traces::error::{Budget, StopFn, TraceError};
use crate::traces::options::{CellOrder, Propagation, TraceOptions, ValueOrder};
use crate::traces::rng::SplitMix64;

/// Why propagation placed a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FillReason {
    /// The cell had one candidate left.
    Naked,
    /// The value had one place left in this unit.
    Hidden(Unit),
}

/// A contradiction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadEnd {
    /// An empty cell without candidates.
    NoCandidates(Cell),
    /// A value missing from a unit with no empty cell of the unit able to take it.
    NoPlace { unit: Unit, value: u8 },
}

/// One step of the search, in the order it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SudokuEvent {
    Fill { cell: Cell, value: u8, reason: FillReason },
    Guess { cell: Cell, value: u8 },
    Dead(DeadEnd),
    /// Undo the open guess `cell = value` and every placement after it.
    Revert { cell: Cell, value: u8 },
    Solved,
}

/// The search state: values, unit masks and the trail (see the module doc).
#[derive(Clone)]
pub struct Board {
    pub shape: Shape,
    pub values: Vec<u8>,
    row_used: Vec<u32>,
    col_used: Vec<u32>,
    box_used: Vec<u32>,
    trail: Vec<Cell>,
    full: u32,
}

impl Board {
    /// The board of a grid whose givens do not conflict (as [`Grid`] guarantees).
    pub fn new(grid: &Grid) -> Board {
        let shape = grid.shape;
        let n = shape.n;
        let mut b = Board {
            shape,
            values: vec![0; shape.cells()],
            row_used: vec![0; n],
            col_used: vec![0; n],
            box_used: vec![0; n],
            trail: Vec::new(),
            full: if n == 32 { u32::MAX } else { (1u32 << n) - 1 },
        };
        for (i, &v) in grid.cells.iter().enumerate() {
            if v != 0 {
                b.set(Cell(i as u16), v);
            }
        }
        b.trail.clear();
        b
    }

    fn set(&mut self, c: Cell, v: u8) {
        let s = self.shape;
        let bit = 1u32 << (v - 1);
        debug_assert_eq!(self.values[c.index()], 0);
        debug_assert_eq!(self.candidates(c) & bit, bit, "placing a value that conflicts");
        self.values[c.index()] = v;
        self.row_used[s.row(c)] |= bit;
        self.col_used[s.col(c)] |= bit;
        self.box_used[s.box_of(c)] |= bit;
        self.trail.push(c);
    }

    /// Places `v` in the empty cell `c` (a candidate of `c`).
    pub fn place(&mut self, c: Cell, v: u8) {
        self.set(c, v);
    }

    pub fn mark(&self) -> usize {
        self.trail.len()
    }

    /// Empties every cell placed after `mark`.
    pub fn undo_to(&mut self, mark: usize) {
        let s = self.shape;
        while self.trail.len() > mark {
            let c = self.trail.pop().expect("trail longer than mark");
            let bit = 1u32 << (self.values[c.index()] - 1);
            self.values[c.index()] = 0;
            self.row_used[s.row(c)] &= !bit;
            self.col_used[s.col(c)] &= !bit;
            self.box_used[s.box_of(c)] &= !bit;
        }
    }

    /// Candidate mask of `c` (bit `v - 1` for value `v`); 0 for a filled cell.
    pub fn candidates(&self, c: Cell) -> u32 {
        if self.values[c.index()] != 0 {
            return 0;
        }
        let s = self.shape;
        self.full & !(self.row_used[s.row(c)] | self.col_used[s.col(c)] | self.box_used[s.box_of(c)])
    }

    pub fn is_complete(&self) -> bool {
        self.values.iter().all(|&v| v != 0)
    }

    pub fn to_grid(&self) -> Grid {
        Grid { shape: self.shape, cells: self.values.clone() }
    }

    fn unit_used(&self, unit: Unit) -> u32 {
        match unit {
            Unit::Row(r) => self.row_used[r as usize],
            Unit::Col(c) => self.col_used[c as usize],
            Unit::Box(b) => self.box_used[b as usize],
        }
    }

    /// Propagates to a fixpoint, appending each placement to `out`.
    ///
    /// Order (part of the trace format): scan the empty cells in row-major
    /// order, failing on a cell without candidates and filling each cell with
    /// one candidate (naked single) as it is met; repeat while that fills
    /// anything. Then, with `Hidden`, look for a value with one place in a
    /// unit (rows, then columns, then boxes; values ascending), failing on a
    /// value with none; fill the first one found and start again from the
    /// naked scan. `None` does nothing: a contradiction is then only seen
    /// when the search picks a cell without candidates.
    pub fn propagate(&mut self, mode: Propagation, out: &mut Vec<SudokuEvent>) -> Result<(), DeadEnd> {
        if mode == Propagation::None {
            return Ok(());
        }
        let s = self.shape;
        'fixpoint: loop {
            let mut filled = false;
            for i in 0..s.cells() {
                let c = Cell(i as u16);
                if self.values[i] != 0 {
                    continue;
                }
                let cand = self.candidates(c);
                if cand == 0 {
                    return Err(DeadEnd::NoCandidates(c));
                }
                if cand.count_ones() == 1 {
                    let v = cand.trailing_zeros() as u8 + 1;
                    self.place(c, v);
                    out.push(SudokuEvent::Fill { cell: c, value: v, reason: FillReason::Naked });
                    filled = true;
                }
            }
            if filled {
                continue 'fixpoint;
            }
            if mode != Propagation::Hidden {
                return Ok(());
            }
            for unit in s.units() {
                let missing = self.full & !self.unit_used(unit);
                if missing == 0 {
                    continue;
                }
                let cells = s.unit_cells(unit);
                for v in 1..=s.n as u8 {
                    let bit = 1u32 << (v - 1);
                    if missing & bit == 0 {
                        continue;
                    }
                    let mut places = cells.iter().filter(|&&c| self.candidates(c) & bit != 0);
                    match (places.next(), places.next()) {
                        (None, _) => return Err(DeadEnd::NoPlace { unit, value: v }),
                        (Some(&c), None) => {
                            self.place(c, v);
                            out.push(SudokuEvent::Fill { cell: c, value: v, reason: FillReason::Hidden(unit) });
                            continue 'fixpoint;
                        }
                        _ => {}
                    }
                }
            }
            return Ok(());
        }
    }

    /// The cell the search guesses next; `None` when the board is full.
    /// `Mrv`: fewest candidates, the first in row-major order on ties;
    /// `First`: the first empty cell.
    pub fn choose(&self, order: CellOrder) -> Option<Cell> {
        let mut best: Option<(u32, Cell)> = None;
        for i in 0..self.shape.cells() {
            if self.values[i] != 0 {
                continue;
            }
            let c = Cell(i as u16);
            if order == CellOrder::First {
                return Some(c);
            }
            let k = self.candidates(c).count_ones();
            let better = match best {
                None => true,
                Some((bk, _)) => k < bk,
            };
            if better {
                best = Some((k, c));
                if k == 0 {
                    break;
                }
            }
        }
        best.map(|(_, c)| c)
    }
}

/// Candidate values of a mask, ascending.
pub fn mask_values(mask: u32) -> Vec<u8> {
    (0..32).filter(|i| mask & (1 << i) != 0).map(|i| i as u8 + 1).collect()
}

/// What a search records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recording {
    /// Every event.
    All,
    /// Events up to and including the first `Dead` (a first descent).
    UntilFirstDead,
}

/// A depth-first search over one board.
pub(crate) struct Search<'s, 'b> {
    pub board: Board,
    opts: &'s TraceOptions,
    rng: SplitMix64,
    budget: &'s mut Budget<'b>,
    recording: Recording,
    recording_done: bool,
    pub events: Vec<SudokuEvent>,
    scratch: Vec<SudokuEvent>,
    pub guesses: u64,
    pub reverts: u64,
}

impl<'s, 'b> Search<'s, 'b> {
    pub fn new(board: Board, opts: &'s TraceOptions, rng_seed: u64, budget: &'s mut Budget<'b>, recording: Recording) -> Self {
        Search {
            board,
            opts,
            rng: SplitMix64::new(rng_seed),
            budget,
            recording,
            recording_done: false,
            events: Vec::new(),
            scratch: Vec::new(),
            guesses: 0,
            reverts: 0,
        }
    }

    fn emit(&mut self, e: SudokuEvent) {
        if self.recording_done {
            return;
        }
        self.events.push(e);
        if self.recording == Recording::UntilFirstDead && matches!(e, SudokuEvent::Dead(_)) {
            self.recording_done = true;
        }
    }

    fn emit_scratch(&mut self) {
        let fills = std::mem::take(&mut self.scratch);
        for &e in &fills {
            self.emit(e);
        }
        self.scratch = fills;
        self.scratch.clear();
    }

    /// Candidates of `c` in the order they are tried.
    pub fn ordered_values(&mut self, c: Cell) -> Vec<u8> {
        let mut vals = mask_values(self.board.candidates(c));
        if self.opts.value_order == ValueOrder::Random {
            self.rng.shuffle(&mut vals);
        }
        vals
    }

    /// Propagates at the current node, recording fills and a dead end.
    /// Returns false on a contradiction.
    pub fn propagate(&mut self) -> bool {
        let r = self.board.propagate(self.opts.propagation, &mut self.scratch);
        self.emit_scratch();
        match r {
            Ok(()) => true,
            Err(d) => {
                self.emit(SudokuEvent::Dead(d));
                false
            }
        }
    }

    /// Searches below the current (propagated) node. `Ok(true)`: solved,
    /// the board holds the solution and `Solved` was recorded; `Ok(false)`:
    /// no solution below, the board is as on entry.
    pub fn dfs(&mut self) -> Result<bool, TraceError> {
        let cell = match self.board.choose(self.opts.cell_order) {
            None => {
                self.emit(SudokuEvent::Solved);
                return Ok(true);
            }
            Some(c) => c,
        };
        let values = self.ordered_values(cell);
        if values.is_empty() {
            self.emit(SudokuEvent::Dead(DeadEnd::NoCandidates(cell)));
            return Ok(false);
        }
        for v in values {
            self.budget.tick()?;
            let mark = self.board.mark();
            self.board.place(cell, v);
            self.guesses += 1;
            self.emit(SudokuEvent::Guess { cell, value: v });
            if self.propagate() && self.dfs()? {
                return Ok(true);
            }
            self.board.undo_to(mark);
            self.reverts += 1;
            self.emit(SudokuEvent::Revert { cell, value: v });
        }
        Ok(false)
    }

    /// Propagates at the root and searches. Ok(true) when solved.
    pub fn run(&mut self) -> Result<bool, TraceError> {
        if !self.propagate() {
            return Ok(false);
        }
        self.dfs()
    }
}

/// A search as recorded, with its solution.
#[derive(Clone, Debug)]
pub struct SudokuTrace {
    pub events: Vec<SudokuEvent>,
    pub solution: Grid,
    /// `Revert` events in `events`.
    pub backtracks: usize,
    /// `Guess` events in `events`.
    pub guesses: usize,
    /// Guesses made by all the searches behind the trace (including the
    /// refutations of wrong guesses that the trace does not show).
    pub nodes: u64,
}

pub(crate) fn count(events: &[SudokuEvent]) -> (usize, usize) {
    let reverts = events.iter().filter(|e| matches!(e, SudokuEvent::Revert { .. })).count();
    let guesses = events.iter().filter(|e| matches!(e, SudokuEvent::Guess { .. })).count();
    (reverts, guesses)
}

/// The whole search as the solver ran it: every guess, dead end and revert
/// until the first solution.
///
/// Errors: `NoSolution` when the search is exhausted; `Budget` after
/// `opts.max_nodes` guesses; `Interrupted` when `stop` returns true (polled
/// every [`POLL_EVERY`](crate::traces::error::POLL_EVERY) guesses).
/// Cost: one search; the events are kept in memory.
pub fn full_search(puzzle: &Grid, opts: &TraceOptions, stop: StopFn<'_>) -> Result<SudokuTrace, TraceError> {
    let mut budget = Budget::new(opts.max_nodes, stop);
    let mut search = Search::new(Board::new(puzzle), opts, opts.seed, &mut budget, Recording::All);
    if !search.run()? {
        return Err(TraceError::NoSolution);
    }
    let solution = search.board.to_grid();
    let (backtracks, guesses) = count(&search.events);
    let nodes = search.budget.nodes;
    Ok(SudokuTrace { events: search.events, solution, backtracks, guesses, nodes })
}
