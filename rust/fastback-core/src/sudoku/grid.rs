//! Puzzles as values, and their text form.
//!
//! Every solver, the generator and the rater exchange a [`Grid`]: the box
//! size and one byte per cell, `0` for an empty cell and `1..=n` for a digit,
//! row by row. Keeping the engines on plain values (not characters) means the
//! character set is decided in one place, here:
//!
//! | n  | digits              | empty cell  |
//! |----|---------------------|-------------|
//! | 4  | `1`–`4`             | `.` or `0`  |
//! | 9  | `1`–`9`             | `.` or `0`  |
//! | 16 | `A`–`P` (A = 1)     | `.` or `0`  |
//! | 25 | `A`–`Y` (A = 1)     | `.` or `0`  |
//!
//! Letters are accepted in either case and written in upper case. The 16×16
//! convention is the one of the shared benchmark file; 25×25 extends it to
//! `Y` so that one rule (letter `k` of the alphabet is digit `k`) covers both
//! large sizes. There is deliberately no "1–9 then letters" variant: `A`
//! would then mean 10 in one file and 1 in another.
//!
//! The size is inferred from the length (16, 81, 256 or 625 characters).

use std::fmt;

/// The side of a box: 2, 3, 4 or 5, so that the grid side `n` is 4, 9, 16 or
/// 25. Construction is checked; holding one proves the size is supported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BoxSize(u8);

impl BoxSize {
    pub const TWO: BoxSize = BoxSize(2);
    pub const THREE: BoxSize = BoxSize(3);
    pub const FOUR: BoxSize = BoxSize(4);
    pub const FIVE: BoxSize = BoxSize(5);

    /// `Some` for a box side in 2..=5.
    pub const fn new(b: usize) -> Option<BoxSize> {
        if b >= 2 && b <= 5 {
            Some(BoxSize(b as u8))
        } else {
            None
        }
    }

    /// The box size of an `n`×`n` grid, for n in {4, 9, 16, 25}.
    pub fn from_side(n: usize) -> Option<BoxSize> {
        (2..=5).find(|b| b * b == n).map(|b| BoxSize(b as u8))
    }

    /// The box size of a grid with `cells` cells (16, 81, 256 or 625).
    pub fn from_cells(cells: usize) -> Option<BoxSize> {
        (2..=5).find(|b| b * b * b * b == cells).map(|b| BoxSize(b as u8))
    }

    /// Box side (2..=5).
    pub const fn get(self) -> usize {
        self.0 as usize
    }

    /// Grid side and number of digits, `b²`.
    pub const fn side(self) -> usize {
        (self.0 * self.0) as usize
    }

    /// Number of cells, `b⁴`.
    pub const fn cells(self) -> usize {
        self.side() * self.side()
    }
}

/// A grid of cell values: `0` empty, `1..=n` a digit. The values are checked
/// on construction; rows, columns and boxes may still conflict (a puzzle
/// with conflicting givens is valid input that has no solution).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Grid {
    size: BoxSize,
    cells: Vec<u8>,
}

/// Why a text or value grid was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GridError {
    /// The length is not 16, 81, 256 or 625.
    Length(usize),
    /// The character at `position` (0-based, in characters) is not allowed
    /// for a grid of side `n`.
    Char { position: usize, found: char, n: usize },
    /// The value at `position` is above `n`.
    Value { position: usize, found: u64, n: usize },
}

impl fmt::Display for GridError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            GridError::Length(len) => write!(
                f,
                "length {len} is not that of a 4x4, 9x9, 16x16 or 25x25 grid (16, 81, 256 or 625 cells)"
            ),
            GridError::Char { position, found, n } => {
                write!(f, "position {position}: {found:?} is not {}", allowed_chars(n))
            }
            GridError::Value { position, found, n } => {
                write!(f, "cell {position}: value {found} is outside 0..={n} (0 = empty)")
            }
        }
    }
}

impl std::error::Error for GridError {}

/// The allowed characters for side `n`, in words, for error messages.
pub fn allowed_chars(n: usize) -> String {
    if n <= 9 {
        format!("a digit 1-{n}, '.' or '0'")
    } else {
        let last = (b'A' + n as u8 - 1) as char;
        format!("a letter A-{last} (A = 1), '.' or '0'")
    }
}

/// The value a character stands for in a grid of side `n` (`0` empty), or
/// `None` when it is not allowed.
#[inline]
pub fn char_value(c: u8, n: usize) -> Option<u8> {
    let v = CHAR_VALUES[size_index(n)][c as usize];
    (v != INVALID).then_some(v)
}

/// Marks a character that is not allowed in [`CHAR_VALUES`].
const INVALID: u8 = 0xff;

/// Per box size 2..=5, byte -> cell value or [`INVALID`]: parsing is one
/// lookup per character, with no branch on the character (the givens of a
/// puzzle make an unpredictable pattern).
static CHAR_VALUES: [[u8; 256]; 4] = [char_values(4), char_values(9), char_values(16), char_values(25)];

const fn char_values(n: usize) -> [u8; 256] {
    let mut t = [INVALID; 256];
    t[b'.' as usize] = 0;
    t[b'0' as usize] = 0;
    let mut v = 1;
    while v <= n {
        if n <= 9 {
            t[b'0' as usize + v] = v as u8;
        } else {
            t[b'A' as usize + v - 1] = v as u8;
            t[b'a' as usize + v - 1] = v as u8;
        }
        v += 1;
    }
    t
}

fn size_index(n: usize) -> usize {
    match n {
        4 => 0,
        9 => 1,
        16 => 2,
        _ => 3,
    }
}

/// The character written for `value` (1..=n) in a grid of side `n`; `.` for 0.
#[inline]
pub fn value_char(value: u8, n: usize) -> u8 {
    match value {
        0 => b'.',
        v if n <= 9 => b'0' + v,
        v => b'A' + v - 1,
    }
}

impl Grid {
    /// An empty grid of the given size.
    pub fn empty(size: BoxSize) -> Grid {
        Grid { size, cells: vec![0; size.cells()] }
    }

    /// A grid from cell values. Errors: a length that is no supported size,
    /// a value above `n`.
    pub fn from_values(values: &[u8]) -> Result<Grid, GridError> {
        let size = BoxSize::from_cells(values.len()).ok_or(GridError::Length(values.len()))?;
        let n = size.side();
        if let Some(position) = values.iter().position(|&v| v as usize > n) {
            return Err(GridError::Value { position, found: values[position] as u64, n });
        }
        Ok(Grid { size, cells: values.to_vec() })
    }

    /// Parses the text form (see the module doc). Cost: linear.
    ///
    /// Errors: the length (in characters) is not 16, 81, 256 or 625; a
    /// character is not allowed (the error gives its 0-based position).
    pub fn parse(text: &str) -> Result<Grid, GridError> {
        let len = text.chars().count();
        let size = BoxSize::from_cells(len).ok_or(GridError::Length(len))?;
        let mut cells = vec![0u8; size.cells()];
        parse_into(text, size, &mut cells)?;
        Ok(Grid { size, cells })
    }

    pub fn size(&self) -> BoxSize {
        self.size
    }

    /// Grid side `n`.
    pub fn side(&self) -> usize {
        self.size.side()
    }

    /// Cell values, row by row (`0` empty).
    pub fn values(&self) -> &[u8] {
        &self.cells
    }

    /// The value at cell `i` (row-major).
    pub fn get(&self, i: usize) -> u8 {
        self.cells[i]
    }

    /// Sets cell `i`. Panics (a caller bug) when `value > n`.
    pub fn set(&mut self, i: usize, value: u8) {
        assert!((value as usize) <= self.side(), "value {value} above n = {}", self.side());
        self.cells[i] = value;
    }

    /// Number of filled cells.
    pub fn givens(&self) -> usize {
        self.cells.iter().filter(|&&v| v != 0).count()
    }

    /// The text form, `.` for empty cells.
    pub fn to_text(&self) -> String {
        let n = self.side();
        self.cells.iter().map(|&v| value_char(v, n) as char).collect()
    }

    /// True when every cell is filled and no row, column or box repeats a
    /// digit. Written plainly (a set per unit) so that tests can use it as a
    /// check independent of the solvers' bit tricks.
    pub fn is_solved(&self) -> bool {
        self.cells.iter().all(|&v| v != 0) && !self.has_conflict()
    }

    /// True when some row, column or box holds a digit twice.
    pub fn has_conflict(&self) -> bool {
        let (b, n) = (self.size.get(), self.side());
        let mut seen = vec![false; n + 1];
        for unit in 0..3 * n {
            seen.iter_mut().for_each(|s| *s = false);
            for k in 0..n {
                let cell = match unit / n {
                    0 => (unit % n) * n + k,
                    1 => k * n + unit % n,
                    _ => {
                        let bx = unit % n;
                        (bx / b * b + k / b) * n + bx % b * b + k % b
                    }
                };
                let v = self.cells[cell] as usize;
                if v != 0 {
                    if seen[v] {
                        return true;
                    }
                    seen[v] = true;
                }
            }
        }
        false
    }

    /// True when `self` fills `puzzle`: same size, every given kept.
    pub fn extends(&self, puzzle: &Grid) -> bool {
        self.size == puzzle.size
            && self.cells.iter().zip(&puzzle.cells).all(|(&s, &p)| p == 0 || s == p)
    }
}

impl fmt::Display for Grid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// Parses `text` (whose length in characters must be `size.cells()`) into
/// `out`. Shared by [`Grid::parse`] and the batch reader, which parses into
/// one flat buffer without an allocation per puzzle.
pub fn parse_into(text: &str, size: BoxSize, out: &mut [u8]) -> Result<(), GridError> {
    let n = size.side();
    if text.is_ascii() {
        let bytes = text.as_bytes();
        if bytes.len() != out.len() {
            return Err(GridError::Length(bytes.len()));
        }
        let table = &CHAR_VALUES[size_index(n)];
        let mut bad = 0u8;
        for (&c, slot) in bytes.iter().zip(out.iter_mut()) {
            let v = table[c as usize];
            bad |= (v == INVALID) as u8;
            *slot = v;
        }
        if bad != 0 {
            let position = out.iter().position(|&v| v == INVALID).unwrap_or(0);
            return Err(GridError::Char { position, found: bytes[position] as char, n });
        }
        return Ok(());
    }
    // Non-ASCII text is always an error; find the first bad character by
    // character position (not byte offset), as a Python caller counts.
    for (position, c) in text.chars().enumerate() {
        let ok = c.is_ascii() && char_value(c as u8, n).is_some();
        if !ok {
            return Err(GridError::Char { position, found: c, n });
        }
    }
    unreachable!("non-ASCII text has a non-ASCII character")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(BoxSize::from_cells(81), Some(BoxSize::THREE));
        assert_eq!(BoxSize::from_cells(625).map(|b| b.side()), Some(25));
        assert_eq!(BoxSize::from_cells(80), None);
        assert_eq!(BoxSize::new(6), None);
    }

    #[test]
    fn parse_and_format_round_trip() {
        let text = "1.3.......2.4..1";
        let g = Grid::parse(text).unwrap();
        assert_eq!(g.side(), 4);
        assert_eq!(g.get(2), 3);
        assert_eq!(g.to_text(), text);
        let big: String = "A.p".chars().chain(std::iter::repeat('.').take(253)).collect();
        let g = Grid::parse(&big).unwrap();
        assert_eq!((g.get(0), g.get(2)), (1, 16));
        assert!(g.to_text().starts_with("A.P"));
    }

    #[test]
    fn parse_errors_name_the_position() {
        let mut t = ".".repeat(81);
        t.replace_range(40..41, "x");
        assert_eq!(Grid::parse(&t), Err(GridError::Char { position: 40, found: 'x', n: 9 }));
        let t: String = ".".repeat(10) + "é" + &".".repeat(70);
        assert_eq!(Grid::parse(&t), Err(GridError::Char { position: 10, found: 'é', n: 9 }));
        assert_eq!(Grid::parse("123"), Err(GridError::Length(3)));
        // 16x16 uses letters only; Q is 17.
        let t: String = "Q".to_string() + &".".repeat(255);
        assert!(matches!(Grid::parse(&t), Err(GridError::Char { position: 0, .. })));
        let t: String = "5".to_string() + &".".repeat(255);
        assert!(Grid::parse(&t).is_err());
        assert!(Grid::parse(&("5".to_string() + &".".repeat(15))).is_err());
    }

    #[test]
    fn conflicts() {
        let mut g = Grid::empty(BoxSize::THREE);
        g.set(0, 5);
        g.set(10, 5); // same box
        assert!(g.has_conflict());
        g.set(10, 0);
        g.set(80, 5);
        assert!(!g.has_conflict());
    }
}
