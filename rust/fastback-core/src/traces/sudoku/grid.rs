//! The n×n Sudoku grid of the trace search: shape, cells, parsing and
//! printing.
//!
//! Sizes: n = b² for a box side b in 2..=5 (4×4, 9×9, 16×16, 25×25), boxes
//! b×b. A puzzle is written as one line of n² symbols in row-major order:
//! `.`, `0` or `_` for an empty cell; `1`-`9` for n ≤ 9; `A`, `B`, ... for
//! 1, 2, ... when n ≥ 16 (the convention of the 16×16 file in the shared
//! benchmark data). Values inside the search are `u8` in `1..=n`, 0 for
//! empty.

use std::fmt;

/// A cell, `row * n + col` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell(pub u16);

impl Cell {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A row, column or box (0-based index within its kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    Row(u8),
    Col(u8),
    Box(u8),
}

/// The geometry of an n×n grid with b×b boxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    pub n: usize,
    pub b: usize,
}

impl Shape {
    /// The shape with `n * n == cells`, if n is one of the supported sizes.
    pub fn from_cells(cells: usize) -> Option<Shape> {
        (2..=5).map(|b| Shape { n: b * b, b }).find(|s| s.n * s.n == cells)
    }

    pub fn cells(self) -> usize {
        self.n * self.n
    }

    pub fn row(self, c: Cell) -> usize {
        c.index() / self.n
    }

    pub fn col(self, c: Cell) -> usize {
        c.index() % self.n
    }

    pub fn box_of(self, c: Cell) -> usize {
        (self.row(c) / self.b) * self.b + self.col(c) / self.b
    }

    pub fn cell(self, row: usize, col: usize) -> Cell {
        Cell((row * self.n + col) as u16)
    }

    /// The cells of a unit, in row-major order.
    pub fn unit_cells(self, unit: Unit) -> Vec<Cell> {
        let n = self.n;
        match unit {
            Unit::Row(r) => (0..n).map(|c| self.cell(r as usize, c)).collect(),
            Unit::Col(c) => (0..n).map(|r| self.cell(r, c as usize)).collect(),
            Unit::Box(bx) => {
                let (r0, c0) = ((bx as usize / self.b) * self.b, (bx as usize % self.b) * self.b);
                (0..n).map(|i| self.cell(r0 + i / self.b, c0 + i % self.b)).collect()
            }
        }
    }

    /// Every unit: rows, then columns, then boxes.
    pub fn units(self) -> impl Iterator<Item = Unit> {
        let n = self.n as u8;
        (0..n).map(Unit::Row).chain((0..n).map(Unit::Col)).chain((0..n).map(Unit::Box))
    }

    /// The symbol of a value in puzzle lines (`.` for 0).
    pub fn symbol(self, v: u8) -> char {
        match v {
            0 => '.',
            v if self.n <= 9 => (b'0' + v) as char,
            v => (b'A' + v - 1) as char,
        }
    }

    fn value_of(self, ch: char) -> Option<u8> {
        let v = match ch {
            '.' | '0' | '_' => return Some(0),
            '1'..='9' if self.n <= 9 => ch as u8 - b'0',
            'A'..='Y' if self.n > 9 => ch as u8 - b'A' + 1,
            _ => return None,
        };
        (v as usize <= self.n).then_some(v)
    }
}

/// A grid: values in `1..=n`, 0 for empty.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Grid {
    pub shape: Shape,
    pub cells: Vec<u8>,
}

impl fmt::Debug for Grid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Grid({})", self.to_line())
    }
}

impl Grid {
    /// Parses a one-line puzzle (surrounding whitespace ignored).
    ///
    /// Errors: a length that is not 16, 81, 256 or 625; a symbol that is not
    /// a value of that size (with its 1-based position); two equal givens
    /// in a row, column or box.
    pub fn parse(text: &str) -> Result<Grid, String> {
        let chars: Vec<char> = text.trim().chars().collect();
        let shape = Shape::from_cells(chars.len()).ok_or_else(|| {
            format!(
                "a puzzle has 16, 81, 256 or 625 cells (4x4, 9x9, 16x16, 25x25), got {} characters",
                chars.len()
            )
        })?;
        let mut cells = Vec::with_capacity(chars.len());
        for (i, &ch) in chars.iter().enumerate() {
            let v = shape.value_of(ch).ok_or_else(|| {
                let alphabet = if shape.n <= 9 {
                    format!("1-{}", shape.n)
                } else {
                    format!("A-{}", shape.symbol(shape.n as u8))
                };
                format!(
                    "character {} ({:?}) is not a value of a {n}x{n} Sudoku ({alphabet}, or . 0 _ for empty)",
                    i + 1,
                    ch,
                    n = shape.n
                )
            })?;
            cells.push(v);
        }
        Self::from_values(shape, cells)
    }

    /// A grid from values (0 empty), checking ranges and conflicting givens.
    pub fn from_values(shape: Shape, cells: Vec<u8>) -> Result<Grid, String> {
        if cells.len() != shape.cells() {
            return Err(format!("expected {} cells, got {}", shape.cells(), cells.len()));
        }
        if let Some(i) = cells.iter().position(|&v| v as usize > shape.n) {
            return Err(format!("cell {} holds {}, more than {}", i + 1, cells[i], shape.n));
        }
        let grid = Grid { shape, cells };
        if let Some(m) = grid.first_conflict() {
            return Err(m);
        }
        Ok(grid)
    }

    pub fn get(&self, c: Cell) -> u8 {
        self.cells[c.index()]
    }

    /// The first pair of equal values in one unit, described, if any.
    pub fn first_conflict(&self) -> Option<String> {
        for unit in self.shape.units() {
            let mut seen = vec![None; self.shape.n + 1];
            for c in self.shape.unit_cells(unit) {
                let v = self.get(c) as usize;
                if v == 0 {
                    continue;
                }
                if let Some(prev) = seen[v] {
                    return Some(format!(
                        "{} and {} both hold {} ({})",
                        self.cell_name(prev),
                        self.cell_name(c),
                        v,
                        unit_name(unit)
                    ));
                }
                seen[v] = Some(c);
            }
        }
        None
    }

    /// True when every cell is filled and no unit repeats a value.
    pub fn is_solved(&self) -> bool {
        self.cells.iter().all(|&v| v != 0) && self.first_conflict().is_none()
    }

    /// `r3c7` (1-based).
    pub fn cell_name(&self, c: Cell) -> String {
        format!("r{}c{}", self.shape.row(c) + 1, self.shape.col(c) + 1)
    }

    /// The one-line form (`.` for empty).
    pub fn to_line(&self) -> String {
        self.cells.iter().map(|&v| self.shape.symbol(v)).collect()
    }
}

/// `row 3`, `column 7`, `box 5` (1-based).
pub fn unit_name(unit: Unit) -> String {
    match unit {
        Unit::Row(r) => format!("row {}", r + 1),
        Unit::Col(c) => format!("column {}", c + 1),
        Unit::Box(b) => format!("box {}", b + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_size() {
        let g = Grid::parse("1..2..1..3..4...").unwrap();
        assert_eq!(g.shape, Shape { n: 4, b: 2 });
        assert_eq!(g.to_line(), "1..2..1..3..4...");
        let nine = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
        assert_eq!(Grid::parse(nine).unwrap().to_line(), nine);
        let sixteen = format!("AB{}", ".".repeat(254));
        let g = Grid::parse(&sixteen).unwrap();
        assert_eq!((g.get(Cell(0)), g.get(Cell(1))), (1, 2));
        assert_eq!(g.to_line(), sixteen);
    }

    #[test]
    fn errors_say_what_and_where() {
        assert!(Grid::parse("123").unwrap_err().contains("got 3 characters"));
        let e = Grid::parse("1..2..1..3..4..5").unwrap_err();
        assert!(e.contains("character 16 ('5')"), "{e}");
        let e = Grid::parse("1..1............").unwrap_err();
        assert!(e.contains("r1c1 and r1c4 both hold 1 (row 1)"), "{e}");
        let e = Grid::parse("1....1..........").unwrap_err();
        assert!(e.contains("r1c1 and r2c2 both hold 1 (box 1)"), "{e}");
    }

    #[test]
    fn units_cover_each_cell_three_times() {
        for b in 2..=5 {
            let s = Shape { n: b * b, b };
            let mut count = vec![0; s.cells()];
            for u in s.units() {
                for c in s.unit_cells(u) {
                    count[c.index()] += 1;
                    match u {
                        Unit::Row(r) => assert_eq!(s.row(c), r as usize),
                        Unit::Col(k) => assert_eq!(s.col(c), k as usize),
                        Unit::Box(x) => assert_eq!(s.box_of(c), x as usize),
                    }
                }
            }
            assert!(count.iter().all(|&k| k == 3));
        }
    }
}
