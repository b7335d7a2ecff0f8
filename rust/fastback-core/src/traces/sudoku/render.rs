//! Sudoku traces as text, rendered from the recorded events.
//!
//! # `dfs`: the linearised DFS of "To Backtrack or Not to Backtrack" (Qin et al., 2025)
//!
//! One event per line, rows and columns 1-based, values as numbers:
//!
//! ```text
//! fill r1c3=4            propagation placed 4 (a naked or hidden single)
//! guess r2c5=7           the search guessed 7
//! dead r4c4              contradiction: r4c4 has no candidate
//! dead row 3 value 5     contradiction: 5 has no place left in row 3 (also column, box)
//! revert r2c5=7          undo that guess and everything after it
//! solved
//! solution 534678912...  the solved grid, one line
//! ```
//!
//! The paper describes its Sudoku traces as a DFS over guesses with
//! explicit backtracking but its exact token format could not be found (no
//! released code or appendix listing was reachable); this line format is a
//! faithful equivalent designed here: the same events, one per line, nothing
//! a replayer has to guess. Backtracks are the `revert` lines.
//!
//! # `nl`: the natural-language format of "How Much Backtracking is Enough?" (Cai et al., 2025)
//!
//! Sentences follow the authors' released generator (their reasoning-gym
//! fork, `reasoning_gym/games/sudoku.py`): "Looking at the cell at (r,c).
//! Based on the current board, row r is missing [...], column c is missing
//! [...], and the 3x3 box is [...]. Taking the intersection of these sets,
//! the possible values for cell (r,c) are [...]. Let's try to fill cell (r,c)
//! with d."; a dead end "Wait, we are stuck at cell (r,c). There are no
//! possible values for this cell. I need to go back to one of previous
//! cells."; an undo "Back at (r,c); erase d. The current board is:" and the
//! board; the correct value after wrong ones "Out of all the possible values
//! [...] for cell (r,c), I tried [...]. Let me try to fill the cell with d.";
//! the board after every tenth placement on the final path; and the answer
//! block "</think>\n\n<answer>\n...\n</answer>". Boards are rows of
//! space-separated values with `_` for empty. Additions for fastback's
//! propagation, which the paper's search does not have: "Only d fits, so
//! cell (r,c) must be d." (naked single), "Looking at row r: d can only go in
//! cell (r,c), so cell (r,c) must be d." (hidden single; also column, box)
//! and "Looking at row r: d cannot go in any empty cell. Wait, we are stuck.
//! I need to go back to one of previous cells.". Backtracks are the "Back
//! at" sentences.

use super::grid::{Cell, Grid, Shape, Unit};
use super::search::{DeadEnd, FillReason, SudokuEvent, SudokuTrace};

fn cell_rc(shape: Shape, c: Cell) -> (usize, usize) {
    (shape.row(c) + 1, shape.col(c) + 1)
}

fn unit_words(unit: Unit) -> (&'static str, u8) {
    match unit {
        Unit::Row(r) => ("row", r + 1),
        Unit::Col(c) => ("column", c + 1),
        Unit::Box(b) => ("box", b + 1),
    }
}

/// The `dfs` format (see the module doc).
pub fn render_dfs(trace: &SudokuTrace) -> String {
    let shape = trace.solution.shape;
    let mut out = String::new();
    for e in &trace.events {
        let line = match *e {
            SudokuEvent::Fill { cell, value, .. } => {
                let (r, c) = cell_rc(shape, cell);
                format!("fill r{r}c{c}={value}")
            }
            SudokuEvent::Guess { cell, value } => {
                let (r, c) = cell_rc(shape, cell);
                format!("guess r{r}c{c}={value}")
            }
            SudokuEvent::Dead(DeadEnd::NoCandidates(cell)) => {
                let (r, c) = cell_rc(shape, cell);
                format!("dead r{r}c{c}")
            }
            SudokuEvent::Dead(DeadEnd::NoPlace { unit, value }) => {
                let (kind, i) = unit_words(unit);
                format!("dead {kind} {i} value {value}")
            }
            SudokuEvent::Revert { cell, value } => {
                let (r, c) = cell_rc(shape, cell);
                format!("revert r{r}c{c}={value}")
            }
            SudokuEvent::Solved => "solved".to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("solution ");
    out.push_str(&trace.solution.to_line());
    out
}

/// Which placements stay until the end, and which guesses are reverted.
fn final_and_reverted(events: &[SudokuEvent]) -> (Vec<bool>, Vec<bool>) {
    let mut undone = vec![false; events.len()];
    let mut reverted = vec![false; events.len()];
    // Frames: (guess event index, placements since). Frame 0 holds the root's fills.
    let mut frames: Vec<(Option<usize>, Vec<usize>)> = vec![(None, Vec::new())];
    for (i, e) in events.iter().enumerate() {
        match *e {
            SudokuEvent::Guess { .. } => frames.push((Some(i), vec![i])),
            SudokuEvent::Fill { .. } => frames.last_mut().expect("root frame").1.push(i),
            SudokuEvent::Revert { cell, value } => {
                let at = frames
                    .iter()
                    .rposition(|(g, _)| g.is_some_and(|g| events[g] == SudokuEvent::Guess { cell, value }))
                    .expect("a revert of a guess that is not open");
                reverted[frames[at].0.expect("frame 0 is never reverted")] = true;
                for (_, placed) in frames.drain(at..) {
                    for p in placed {
                        undone[p] = true;
                    }
                }
            }
            _ => {}
        }
    }
    let final_placement = events
        .iter()
        .enumerate()
        .map(|(i, e)| matches!(e, SudokuEvent::Guess { .. } | SudokuEvent::Fill { .. }) && !undone[i])
        .collect();
    (final_placement, reverted)
}

/// A board as the paper prints it: rows of space-separated values, `_` empty.
fn board_text(shape: Shape, values: &[u8]) -> String {
    values
        .chunks(shape.n)
        .map(|row| row.iter().map(|&v| if v == 0 { "_".to_string() } else { v.to_string() }).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

struct NlBoard {
    shape: Shape,
    values: Vec<u8>,
}

impl NlBoard {
    fn missing(&self, cells: &[Cell]) -> Vec<u8> {
        let n = self.shape.n as u8;
        (1..=n).filter(|v| !cells.iter().any(|&c| self.values[c.index()] == *v)).collect()
    }

    fn candidates(&self, c: Cell) -> Vec<u8> {
        let s = self.shape;
        let rm = self.missing(&s.unit_cells(Unit::Row(s.row(c) as u8)));
        let cm = self.missing(&s.unit_cells(Unit::Col(s.col(c) as u8)));
        let bm = self.missing(&s.unit_cells(Unit::Box(s.box_of(c) as u8)));
        rm.into_iter().filter(|v| cm.contains(v) && bm.contains(v)).collect()
    }

    /// "Based on the current board, row r is missing [...] ... are [...]."
    fn reasoning(&self, c: Cell) -> String {
        let s = self.shape;
        let (r, col) = cell_rc(s, c);
        let rm = self.missing(&s.unit_cells(Unit::Row(s.row(c) as u8)));
        let cm = self.missing(&s.unit_cells(Unit::Col(s.col(c) as u8)));
        let bm = self.missing(&s.unit_cells(Unit::Box(s.box_of(c) as u8)));
        let cands = self.candidates(c);
        format!(
            "Based on the current board, row {r} is missing {rm:?}, column {col} is missing {cm:?}, and the {b}x{b} box is {bm:?}. \
             Taking the intersection of these sets, the possible values for cell ({r},{col}) are {cands:?}.",
            b = s.b
        )
    }
}

/// The `nl` format (see the module doc).
pub fn render_nl(puzzle: &Grid, trace: &SudokuTrace) -> String {
    let shape = puzzle.shape;
    let events = &trace.events;
    let (final_placement, reverted) = final_and_reverted(events);
    let mut board = NlBoard { shape, values: puzzle.cells.clone() };
    // Open guesses: (cell, value, board before).
    let mut stack: Vec<(Cell, u8, Vec<u8>)> = Vec::new();
    // The node being retried: (depth, cell, values tried and undone there).
    let mut retry: Option<(usize, Cell, Vec<u8>)> = None;
    let mut placed_on_path = 0usize;
    let mut lines: Vec<String> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        match *e {
            SudokuEvent::Guess { cell, value } => {
                let (r, c) = cell_rc(shape, cell);
                let depth = stack.len();
                let tried = match &retry {
                    Some((d, rc, tried)) if *d == depth && *rc == cell => Some(tried.clone()),
                    _ => None,
                };
                if tried.is_none() {
                    retry = None;
                }
                let mut line = match tried {
                    Some(tried) if !reverted[i] => format!(
                        "Out of all the possible values {:?} for cell ({r},{c}), I tried {:?}. Let me try to fill the cell with {value}.",
                        board.candidates(cell),
                        tried
                    ),
                    _ => format!(
                        "Looking at the cell at ({r},{c}). {} Let's try to fill cell ({r},{c}) with {value}.",
                        board.reasoning(cell)
                    ),
                };
                let retried = line.starts_with("Out of all");
                stack.push((cell, value, board.values.clone()));
                board.values[cell.index()] = value;
                if final_placement[i] && !retried {
                    placed_on_path += 1;
                    if placed_on_path % 10 == 0 {
                        line.push_str(" The current board is:\n");
                        line.push_str(&board_text(shape, &board.values));
                    }
                }
                lines.push(line);
            }
            SudokuEvent::Fill { cell, value, reason } => {
                let (r, c) = cell_rc(shape, cell);
                let mut line = match reason {
                    FillReason::Naked => format!(
                        "Looking at the cell at ({r},{c}). {} Only {value} fits, so cell ({r},{c}) must be {value}.",
                        board.reasoning(cell)
                    ),
                    FillReason::Hidden(unit) => {
                        let (kind, k) = unit_words(unit);
                        format!("Looking at {kind} {k}: {value} can only go in cell ({r},{c}), so cell ({r},{c}) must be {value}.")
                    }
                };
                board.values[cell.index()] = value;
                if final_placement[i] {
                    placed_on_path += 1;
                    if placed_on_path % 10 == 0 {
                        line.push_str(" The current board is:\n");
                        line.push_str(&board_text(shape, &board.values));
                    }
                }
                lines.push(line);
            }
            SudokuEvent::Dead(DeadEnd::NoCandidates(cell)) => {
                let (r, c) = cell_rc(shape, cell);
                lines.push(format!(
                    "Looking at the cell at ({r},{c}). {} Wait, we are stuck at cell ({r},{c}). There are no possible values for this cell. I need to go back to one of previous cells.",
                    board.reasoning(cell)
                ));
            }
            SudokuEvent::Dead(DeadEnd::NoPlace { unit, value }) => {
                let (kind, k) = unit_words(unit);
                lines.push(format!(
                    "Looking at {kind} {k}: {value} cannot go in any empty cell. Wait, we are stuck. I need to go back to one of previous cells."
                ));
            }
            SudokuEvent::Revert { cell, value } => {
                let at = stack
                    .iter()
                    .rposition(|&(c, v, _)| c == cell && v == value)
                    .expect("a revert of a guess that is not open");
                let before = stack[at].2.clone();
                stack.truncate(at);
                board.values = before;
                let (r, c) = cell_rc(shape, cell);
                lines.push(format!(
                    "Back at ({r},{c}); erase {value}. The current board is:\n{}",
                    board_text(shape, &board.values)
                ));
                retry = match retry.take() {
                    Some((d, rc, mut tried)) if d == at && rc == cell => {
                        tried.push(value);
                        Some((d, rc, tried))
                    }
                    _ => Some((at, cell, vec![value])),
                };
            }
            SudokuEvent::Solved => {}
        }
    }
    let mut text = lines.join("\n");
    text.push_str("\n</think>\n\n<answer>\n");
    text.push_str(&board_text(shape, &trace.solution.cells));
    text.push_str("\n</answer>");
    text
}
